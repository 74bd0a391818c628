"""Staff pages of open days in the browser: an editor prepares an open day through the form
(every field) and submits it, a reviewer reads the public preview and approves it, and
residents find it; the registrations list narrows as the editor types (htmx), or with the
search button without JavaScript. axe-core checks each page and swap; screenshots go to
`test-artifacts/open-days-staff-*.png`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest

from core.accounts.models import Role
from core.clock import utcnow
from tests.browser_support import (
    DESKTOP,
    PHONE,
    expect,
    htmx_settled,
    requires_chromium,
    settle,
    sign_in,
    staff_account,
    typed,
)
from tests.engagement.open_days.staff_support import register
from tests.engagement.open_days.test_browser_open_days import check_accessible, shot

# isort: split
from tests.browser_support import (  # noqa: F401
    app_config_fixture,
    browser_fixture,
    live_server_fixture,
    new_page_fixture,
    page_fixture,
)

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = requires_chromium

TITLE = "2027年第一期政府开放日：走进区政府常务会议"
STOPS = ["区长办公室", "常务会会场", "城市管理指挥中心", "应急值守平台"]


def flashes(page: Page):
    return page.locator(".flashes")


@pytest.mark.browser
def test_an_open_day_prepared_reviewed_and_public(new_page, make_user, artifacts_dir):
    editor = staff_account(make_user, Role.EDITOR, display_name="张敏")
    reviewer = staff_account(make_user, Role.REVIEWER, display_name="李静")
    now = utcnow()
    starts = now + timedelta(days=12)

    staff = new_page(width=DESKTOP)
    sign_in(staff, editor)
    staff.goto("/admin/open-days/")
    staff.locator("main a.button[href$='/admin/open-days/new']").click()
    expect(staff).to_have_url(re.compile(r"/admin/open-days/new$"))
    staff.locator("#title").fill(TITLE)
    staff.locator("#description").fill(
        "## 参观内容\n\n参观区长办公室和常务会会场，**体验模拟常务会**。"
    )
    staff.locator("#starts_at").fill(typed(starts))
    staff.locator("#ends_at").fill(typed(starts + timedelta(hours=3)))
    staff.locator("#meeting_point").fill("区政府北门（和平路1号）")
    staff.locator("#itinerary").fill("\n".join(STOPS))
    staff.locator("#capacity").fill("30")
    staff.locator("#registration_opens_at").fill(typed(now - timedelta(minutes=5)))
    staff.locator("#registration_closes_at").fill(typed(now + timedelta(days=7)))
    staff.locator("#mode-1").check()  # by lot
    staff.locator("#eligibility").fill("年满16周岁的本区常住居民。")
    staff.locator("#id_required").check()
    staff.locator("#accessibility").fill("全程无障碍通道，可提供轮椅。")
    staff.locator("#simulated_meeting").check()
    check_accessible(staff, "the open day form, filled in")
    shot(staff, artifacts_dir, "staff-form-1280")
    staff.locator("main form button[type=submit]").click()
    expect(staff).to_have_url(re.compile(r"/admin/open-days/\d+$"))
    expect(flashes(staff)).to_be_visible()
    open_day_id = int(re.search(r"/admin/open-days/(\d+)$", staff.url)[1])
    expect(staff.get_by_role("heading", level=1)).to_have_text(TITLE)
    for stop in STOPS:
        expect(staff.locator("main > dl.facts")).to_contain_text(stop)
    check_accessible(staff, "the draft open day")

    resident = new_page(width=PHONE)
    assert resident.goto(f"/open-days/{open_day_id}").status == 404  # not before review

    staff.locator(".review-box form[action*='submit'] button").click()
    expect(flashes(staff)).to_be_visible()
    expect(staff.locator(".review-box .badge-submitted")).to_be_visible()

    checker = new_page(width=DESKTOP)
    sign_in(checker, reviewer)
    checker.goto(f"/admin/open-days/{open_day_id}")
    preview = checker.locator("section.public-preview")
    expect(preview).to_be_visible()
    expect(preview.locator("h3")).to_have_text(TITLE)
    expect(preview.locator(".prose strong")).to_have_text("体验模拟常务会")  # Markdown
    expect(preview.locator("ol.itinerary li")).to_have_text(STOPS)
    expect(preview).to_contain_text("区政府北门（和平路1号）")
    expect(preview).to_contain_text("年满16周岁的本区常住居民。")
    expect(preview).to_contain_text("全程无障碍通道，可提供轮椅。")
    expect(preview.locator("a")).to_have_count(0)  # its addresses do not answer yet
    check_accessible(checker, "the reviewer's preview")
    shot(checker, artifacts_dir, "staff-preview-1280")
    checker.set_viewport_size({"width": PHONE, "height": 800})
    shot(checker, artifacts_dir, "staff-preview-phone", width=PHONE)
    checker.set_viewport_size({"width": DESKTOP, "height": 800})
    checker.locator(".review-box form[action*='approve'] button").click()
    expect(flashes(checker)).to_be_visible()
    expect(checker.locator(".review-box .badge-approved")).to_be_visible()
    expect(checker.locator("section.public-preview")).to_have_count(0)

    resident.goto("/open-days/")
    resident.get_by_role("link", name=TITLE, exact=True).click()
    expect(resident.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(resident.locator("#id_number")).to_be_visible()  # the ID card is required
    check_accessible(resident, "the new open day, public")
    shot(resident, artifacts_dir, "staff-made-public-phone", width=PHONE)


@dataclass(frozen=True)
class Registrations:
    open_day_id: int
    codes: dict[str, str]  # by name


@pytest.fixture
def registrations(make_open_day) -> Registrations:
    open_day = make_open_day()
    codes = {
        name: register(open_day, 1, start=start, name=name)[0].confirmation_code
        for start, name in enumerate(["王建国", "王芳", "李娜", "张伟", "赵雪"])
    }
    made = Registrations(open_day.id, codes)
    settle()
    return made


def rows(page: Page):
    return page.locator("#registrations-found tbody tr")


@pytest.mark.browser
def test_the_registrations_narrow_as_staff_type(new_page, make_user, registrations, artifacts_dir):
    editor = staff_account(make_user, Role.EDITOR)
    staff = new_page(width=DESKTOP)
    sign_in(staff, editor)
    staff.goto(f"/admin/open-days/{registrations.open_day_id}/registrations")
    expect(rows(staff)).to_have_count(5)
    check_accessible(staff, "the registrations")
    shot(staff, artifacts_dir, "staff-registrations-1280")
    staff.evaluate("window.__sameDocument = true")

    staff.locator("#registration-search").press_sequentially("王")
    expect(rows(staff)).to_have_count(2)
    expect(rows(staff)).to_contain_text(["王建国", "王芳"])
    expect(staff.locator("#found-count")).to_contain_text("2")
    expect(staff).to_have_url(re.compile(r"[?&]q=%E7%8E%8B"))  # the search can be shared
    assert staff.evaluate("window.__sameDocument") is True  # no page load
    htmx_settled(staff)
    check_accessible(staff, "the registrations narrowed by a name")

    staff.locator("#registration-search").fill(registrations.codes["李娜"])
    expect(rows(staff)).to_have_count(1)
    expect(rows(staff)).to_contain_text("李娜")
    staff.locator("#registration-search").fill("刘")
    expect(staff.locator("#registrations-found")).not_to_contain_text("李娜")
    expect(rows(staff)).to_have_count(0)
    assert staff.evaluate("window.__sameDocument") is True
    htmx_settled(staff)
    check_accessible(staff, "no registration found")
    staff.set_viewport_size({"width": PHONE, "height": 800})
    staff.locator("#registration-search").fill("王")
    expect(rows(staff)).to_have_count(2)
    htmx_settled(staff)
    shot(staff, artifacts_dir, "staff-registrations-phone", width=PHONE)


@pytest.mark.browser
def test_the_registrations_search_button_without_javascript(new_page, make_user, registrations):
    editor = staff_account(make_user, Role.EDITOR)
    staff = new_page(width=DESKTOP, java_script_enabled=False)
    sign_in(staff, editor)
    staff.goto(f"/admin/open-days/{registrations.open_day_id}/registrations")
    expect(rows(staff)).to_have_count(5)
    staff.locator("#registration-search").fill("张伟")
    staff.locator("form.filters button[type=submit]").click()
    expect(staff).to_have_url(re.compile(r"[?&]q=%E5%BC%A0%E4%BC%9F"))
    expect(rows(staff)).to_have_count(1)
    expect(rows(staff)).to_contain_text("张伟")
    expect(staff.locator("#registration-search")).to_have_value("张伟")
    check_accessible(staff, "the registrations found without JavaScript")
