"""End-to-end tests in a real browser: the app served on localhost, driven by headless
Chromium through Playwright, with CSRF protection switched on so the real forms (and
their tokens) are exercised. The fixtures and helpers are in `browser_support`, which
also explains the SQLite locking rule these tests follow (`settle()`).
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from core.accounts.models import Role
from core.clock import to_office_time, utcnow

from .browser_support import (
    DESKTOP,
    PHONE,
    add_agenda_item,
    assert_fits_width,
    expect,
    public_meeting,
    requires_chromium,
    settle,
    sign_in,
    sign_out,
    staff_account,
    status_of,
    submitted_meeting,
)
from .conftest import TEST_PASSWORD

# isort: split
# The fixtures, which pytest finds under their names (page, new_page, live_server, ...).
from .browser_support import (  # noqa: F401
    app_config_fixture,
    browser_fixture,
    live_server_fixture,
    new_page_fixture,
    page_fixture,
)

pytestmark = requires_chromium


@pytest.mark.browser
def test_staff_member_signs_in_and_out(page, make_user):
    editor = staff_account(make_user, Role.EDITOR, display_name="张敏")

    page.goto("/login")
    expect(page.get_by_role("heading", level=1)).to_have_text("工作人员登录")
    page.get_by_label("用户名", exact=True).fill(editor.username)
    page.get_by_label("密码", exact=True).fill(TEST_PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()

    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("工作人员区")
    expect(page.locator(".signout .who")).to_contain_text("张敏")
    expect(page.locator("main")).to_contain_text("张敏")

    page.get_by_role("button", name="退出登录", exact=True).click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_role("status")).to_contain_text("您已退出登录。")
    expect(page.get_by_role("button", name="退出登录")).to_have_count(0)

    # The staff area is closed again: it sends the visitor back to sign in.
    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/login\?next="))


@pytest.mark.browser
def test_meeting_is_prepared_reviewed_and_then_public(new_page, make_user, make_body):
    make_body(name="区民政局局务会")
    body_name = make_body(name="区政府常务会议").name
    settle()
    editor = staff_account(make_user, Role.EDITOR)
    reviewer = staff_account(make_user, Role.REVIEWER)
    title = "2026年第20次区政府常务会议"
    day = (to_office_time(utcnow()) + timedelta(days=10)).strftime("%Y-%m-%d")

    staff = new_page()
    sign_in(staff, editor)
    staff.goto("/admin/meetings/new")
    staff.get_by_label("会议主体", exact=True).select_option(label=body_name)
    staff.get_by_label("名称", exact=True).fill(title)
    staff.get_by_label("开始时间（办公地时间）", exact=True).fill(f"{day}T09:00")
    staff.get_by_label("结束时间（办公地时间）", exact=True).fill(f"{day}T11:30")
    staff.get_by_role("button", name="保存草稿", exact=True).click()

    expect(staff).to_have_url(re.compile(r"/admin/meetings/\d+$"))
    expect(staff.get_by_role("status")).to_contain_text("草稿已保存")
    meeting_id = int(staff.url.rsplit("/", 1)[1])

    resident = new_page()
    assert status_of(resident, f"/meetings/{meeting_id}") == 404

    # A meeting is announced with its agenda: at least one item before review.
    add_agenda_item(staff, "关于老旧小区综合整治的议题")
    staff.get_by_role("button", name="提交审核", exact=True).click()
    expect(staff.get_by_role("status")).to_contain_text("已提交审核。")
    expect(staff.locator(".review-box .badge")).to_have_text("待审核")
    assert status_of(resident, f"/meetings/{meeting_id}") == 404

    sign_out(staff)
    sign_in(staff, reviewer)
    staff.goto("/admin/review/")
    card = staff.locator("article.card").filter(has_text=title)
    expect(card).to_have_count(1)
    card.get_by_role("button", name="审核通过并公开", exact=True).click()
    expect(staff).to_have_url(re.compile(r"/admin/review/$"))
    expect(staff.get_by_role("status")).to_contain_text("已审核通过，现已公开。")
    expect(staff.locator("article.card").filter(has_text=title)).to_have_count(0)

    assert status_of(resident, f"/meetings/{meeting_id}") == 200
    expect(resident.get_by_role("heading", level=1)).to_have_text(title)
    expect(resident.locator("main")).to_contain_text(body_name)
    # Typed in office time, shown in office time.
    expect(resident.locator("main")).to_contain_text(f"{day} 09:00")
    resident.goto("/")
    expect(resident.get_by_role("link", name=title)).to_be_visible()


@pytest.mark.browser
def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(page):
    page.goto("/")
    skip_link = page.get_by_role("link", name="跳到主要内容")
    expect(skip_link).not_to_be_in_viewport()

    page.keyboard.press("Tab")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()

    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    expect(page).to_have_url(re.compile(r"/#main$"))


@pytest.mark.browser
def test_language_choice_reloads_the_page_and_is_remembered(page):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("近期安排")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")

    page.get_by_label("语言", exact=True).select_option(label="English")
    page.get_by_role("button", name="切换", exact=True).click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("What's coming")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.goto("/meetings/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Meetings")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_label("Language", exact=True)).to_have_value("en")

    # And back again, from this page, to this page.
    page.get_by_label("Language", exact=True).select_option(label="中文")
    page.get_by_role("button", name="Switch", exact=True).click()
    expect(page).to_have_url(re.compile(r"/meetings/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("会议")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")


# Records CSP violations in the page, whatever Chromium does or does not log about them.
RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""


@pytest.mark.browser
def test_public_pages_have_no_csp_violations_or_console_errors(
    page, live_server, make_meeting, make_user
):
    meeting = public_meeting(make_meeting, make_user)
    problems: list[str] = []

    def on_console(message) -> None:
        if message.type == "error":
            problems.append(f"console on {page.url}: {message.text} {message.location}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.add_init_script(RECORD_CSP_VIOLATIONS)

    for path in ("/", "/meetings/", "/login", f"/meetings/{meeting.id}"):
        response = page.goto(path)
        assert response is not None
        assert response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"]
        assert page.evaluate("typeof htmx") == "object", path
        assert page.evaluate("htmx.config.allowEval") is False, path
        assert page.evaluate("htmx.config.includeIndicatorStyles") is False, path
        violations = page.evaluate("window.__cspViolations")
        problems.extend(f"CSP on {path}: {violation}" for violation in violations)

    assert problems == []


@pytest.mark.browser
@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_screenshots_of_key_pages(new_page, make_meeting, make_user, artifacts_dir, width):
    meeting = public_meeting(make_meeting, make_user)
    submitted_meeting(
        make_meeting,
        title="什刹海街道2026年第11次主任办公会",
        venue="什刹海街道办事处会议室",
        notes="审议街道2026年第三季度民生实事项目安排。",
    )
    reviewer = staff_account(make_user, Role.REVIEWER, display_name="李静")
    page = new_page(width=width)

    def shoot(name: str) -> None:
        page.screenshot(path=artifacts_dir / f"{name}-{width}.png", full_page=True)
        assert_fits_width(page, width, name)

    page.goto("/")
    expect(page.get_by_role("link", name=meeting.title)).to_be_visible()
    shoot("home")

    page.goto(f"/meetings/{meeting.id}")
    expect(page.get_by_role("heading", level=1)).to_have_text(meeting.title)
    shoot("meeting")

    page.goto("/login")
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("请输入用户名。")
    shoot("login-errors")

    sign_in(page, reviewer)
    page.goto("/admin/review/")
    expect(page.get_by_role("button", name="审核通过并公开", exact=True)).to_have_count(1)
    shoot("review-queue")
