"""Open days in the browser, for residents: registering on a 375 px phone (with JavaScript
on and off), their own page, cancelling, which gives the place to the first person
waiting; Back and send again; the places left following registrations by htmx. axe-core
checks each page as it is after each step and swap; screenshots go to
`test-artifacts/open-days-*.png`. Staff pages: `test_browser_open_day_staff`, the door:
`test_browser_check_in`. Fixtures and the SQLite locking rule: `browser_support`.

The pages are read in their default language (Chinese) but found by their structure (ids,
classes, roles), not by their words, which are still being translated."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import func, select

from engagement.open_days import operations
from engagement.open_days.models import OpenDay, Registration, Status
from extensions import db
from tests.browser_support import (
    PHONE,
    assert_fits_width,
    expect,
    htmx_settled,
    requires_chromium,
    settle,
)
from tests.instruments import assert_accessible

# isort: split
from tests.browser_support import (  # noqa: F401
    app_config_fixture,
    browser_fixture,
    live_server_fixture,
    new_page_fixture,
    page_fixture,
)

if TYPE_CHECKING:
    from pathlib import Path

    from playwright.sync_api import Page

pytestmark = requires_chromium

CODE = re.compile(r"KF-\d{4}-\d{6}")
LONG_NAME = "长" * 50  # the longest name the form takes, with no space to break at
PLACES_POLL_SECONDS = 15  # templates/open_days/_places.html: every 15s


@dataclass(frozen=True)
class OpenDayRef:
    id: int
    title: str


def public_open_day(make_open_day, **overrides: object) -> OpenDayRef:
    open_day = make_open_day(**overrides)
    ref = OpenDayRef(open_day.id, open_day.title)
    settle()
    return ref


def registered(open_day_id: int, name: str, phone: str) -> str:
    """A resident registered through the operation the form uses, committed; returns the
    confirmation code."""
    registration = operations.register(
        db.session.get(OpenDay, open_day_id),
        name=name,
        phone=phone,
        email=None,
        id_number=None,
        consented=True,
        locale="zh",
    )
    db.session.commit()
    code = registration.confirmation_code
    settle()
    return code


def registrations_of(open_day_id: int, phone: str | None = None) -> int:
    query = select(func.count(Registration.id)).where(Registration.open_day_id == open_day_id)
    if phone is not None:
        query = query.where(Registration.phone == phone)
    count = db.session.scalar(query)
    settle()
    return count


def status_of(open_day_id: int, phone: str) -> Status:
    db.session.expire_all()
    status = db.session.scalar(
        select(Registration.status).where(
            Registration.open_day_id == open_day_id, Registration.phone == phone
        )
    )
    settle()
    return status


def in_view(page: Page, selector: str) -> bool:
    return page.evaluate(
        """(selector) => {
            const box = document.querySelector(selector).getBoundingClientRect();
            return box.top > -1 && box.top < window.innerHeight;  // sub-pixel rounding
        }""",
        selector,
    )


def check_accessible(page: Page, where: str) -> None:
    """axe-core on the page as it is now. axe needs JavaScript's timers, which a context
    without JavaScript does not run: such a page is copied as it is into a context with
    JavaScript, its scripts refused, so axe reads what a browser without JavaScript shows."""
    if page.evaluate("typeof window.htmx") != "undefined":  # every page loads htmx
        assert_accessible(page, where)
        return
    html = page.content()
    context = page.context.browser.new_context(viewport=page.viewport_size)
    try:
        copy = context.new_page()
        copy.route("**/*.js*", lambda route: route.abort())
        copy.route(
            page.url.split("#")[0],
            lambda route: route.fulfill(body=html, content_type="text/html; charset=utf-8"),
        )
        copy.goto(page.url)
        assert copy.evaluate("typeof window.htmx") == "undefined"
        assert_accessible(copy, f"{where} (without JavaScript)")
    finally:
        context.close()


def shot(page: Page, artifacts_dir: Path, name: str, *, width: int | None = None) -> None:
    """A full-page screenshot `open-days-<name>.png`, after checking that nothing sticks
    out sideways (at `width`, the viewport's when not given)."""
    width = width or page.viewport_size["width"]
    page.screenshot(path=artifacts_dir / f"open-days-{name}.png", full_page=True)
    assert_fits_width(page, width, name)


def send_button(page: Page):
    return page.locator("form[data-registration-form] > button[type=submit]")


# A resident on a phone


@pytest.mark.browser
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_resident_registers_on_a_phone_and_cancels(
    new_page, make_open_day, javascript, artifacts_dir
):
    mode = "js" if javascript else "no-js"
    # One place, so the resident's place is the one someone waits for.
    open_day = public_open_day(make_open_day, title="政府开放日：走进城市管理指挥中心", capacity=1)
    page = new_page(width=PHONE, height=700, java_script_enabled=javascript)

    page.goto("/open-days/")
    check_accessible(page, "the list of open days")
    shot(page, artifacts_dir, f"list-phone-{mode}")
    page.get_by_role("link", name=open_day.title, exact=True).click()
    expect(page).to_have_url(re.compile(rf"/open-days/{open_day.id}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(open_day.title)
    check_accessible(page, "an open day taking registrations")
    shot(page, artifacts_dir, f"open-day-phone-{mode}")

    # Sent empty: each field says what it needs, and the phone shows the summary first.
    send_button(page).click()
    expect(page.locator("#error-summary")).to_be_visible()
    assert page.url.endswith("#send-result")
    assert in_view(page, "#error-summary"), "the first screen shows what went wrong"
    # Focus goes there too (the address's fragment names it), so the next Tab reaches the
    # first link in the summary, with or without JavaScript.
    assert page.evaluate("document.activeElement.id") == "send-result"
    for name in ("name", "phone", "consent"):
        expect(page.locator(f"#{name}-error")).to_be_visible()
        expect(page.locator(f"#{name}")).to_have_attribute("aria-invalid", "true")
    check_accessible(page, "the registration form sent empty")
    page.screenshot(path=artifacts_dir / f"open-days-register-empty-phone-{mode}.png")
    assert_fits_width(page, PHONE, "the registration form sent empty")

    # A phone number that is not a mainland mobile: said next to it, everything kept.
    page.locator("#name").fill(LONG_NAME)
    page.locator("#phone").fill("1380013800")  # ten digits
    send_button(page).click()
    expect(page.locator("#phone-error")).to_be_visible()
    expect(page.locator("#name-error")).to_have_count(0)
    expect(page.locator("#phone")).to_have_value("1380013800")
    expect(page.locator("#name")).to_have_value(LONG_NAME)
    assert in_view(page, "#error-summary")
    check_accessible(page, "the registration form with a bad phone number")
    shot(page, artifacts_dir, f"register-bad-phone-phone-{mode}")

    page.locator("#phone").fill("138 0013 8000")
    page.locator("#consent").check()
    send_button(page).click()
    expect(page).to_have_url(re.compile(r"/r/[\w-]{20,}#status$"))
    private_path = "/r/" + page.url.split("/r/")[1].split("#")[0]
    code = page.locator(".confirmation-code")
    expect(code).to_have_text(CODE)
    mine = code.inner_text()
    expect(page.locator("#status strong")).not_to_be_empty()
    qr = page.locator("figure.qr svg")
    expect(qr).to_be_visible()
    assert qr.bounding_box()["width"] >= 100, "a QR code big enough to scan at the door"
    expect(page.locator("main")).not_to_contain_text("13800138000")  # masked
    assert status_of(open_day.id, "13800138000") == Status.CONFIRMED
    check_accessible(page, "the resident's own page")
    shot(page, artifacts_dir, f"registration-phone-{mode}")  # the long name fits too

    # Someone registers after the resident and waits for a place.
    registered(open_day.id, "赵雪", "13900139000")
    assert status_of(open_day.id, "13900139000") == Status.WAITLISTED

    # The same phone again from a new form: already registered, with the way back to the
    # registration next to the phone; nothing stored.
    page.goto(f"/open-days/{open_day.id}")
    page.locator("#name").fill("王建国")
    page.locator("#phone").fill("13800138000")
    page.locator("#consent").check()
    send_button(page).click()
    expect(page.locator("#phone-error")).to_be_visible()
    expect(page.locator("#phone")).to_have_value("13800138000")
    offer = page.locator(".send-link-offer button")
    expect(offer).to_be_visible()
    assert registrations_of(open_day.id, "13800138000") == 1
    assert registrations_of(open_day.id) == 2
    check_accessible(page, "the form saying the phone is already registered")
    shot(page, artifacts_dir, f"register-already-phone-{mode}")
    offer.click()
    expect(page.locator(".flashes")).to_be_visible()
    # (Reported: the answer is at the top of the page while the address scrolls the phone
    # down to the form (`#register`), so the message is not on the first screen.)
    check_accessible(page, "the open day after asking for the link again")
    page.screenshot(path=artifacts_dir / f"open-days-link-sent-phone-{mode}.png")

    # Cancelling, after the confirmation step: the place goes to the person waiting.
    page.goto(private_path)
    page.locator(f"a[href='{private_path}/cancel']").click()
    expect(page).to_have_url(re.compile(r"/r/[\w-]{20,}/cancel$"))
    expect(page.locator(".lead")).to_contain_text(mine)
    assert status_of(open_day.id, "13800138000") == Status.CONFIRMED  # asking changes nothing
    check_accessible(page, "the cancel confirmation step")
    shot(page, artifacts_dir, f"cancel-confirm-phone-{mode}")
    page.locator("form.confirm-actions button.button-danger").click()
    expect(page).to_have_url(re.compile(r"/r/[\w-]{20,}#status$"))
    expect(page.locator(".confirmation-code")).to_have_text(mine)
    expect(page.locator("figure.qr")).to_have_count(0)  # nothing to show at the door
    expect(page.locator("a[href$='/cancel']")).to_have_count(0)
    assert status_of(open_day.id, "13800138000") == Status.CANCELLED
    assert status_of(open_day.id, "13900139000") == Status.CONFIRMED  # promoted
    check_accessible(page, "the resident's own page, cancelled")
    shot(page, artifacts_dir, f"registration-cancelled-phone-{mode}")


def fill_in_wang_jianguo(page: Page) -> None:
    page.locator("#name").fill("王建国")
    page.locator("#phone").fill("13800138000")
    page.locator("#email").fill("wang@example.com")
    page.locator("#consent").check()


@pytest.mark.browser
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_back_and_send_again_registers_once(new_page, make_open_day, javascript, artifacts_dir):
    open_day = public_open_day(make_open_day)
    page = new_page(width=PHONE, height=700, java_script_enabled=javascript)
    page.goto(f"/open-days/{open_day.id}")
    fill_in_wang_jianguo(page)
    send_button(page).click()
    expect(page).to_have_url(re.compile(r"/r/[\w-]{20,}#status$"))
    mine = page.locator(".confirmation-code").inner_text()
    assert registrations_of(open_day.id) == 1

    page.go_back()
    expect(send_button(page)).to_be_visible()
    if not page.locator("#phone").input_value():  # the form came back empty: typed again
        fill_in_wang_jianguo(page)
    if not page.locator("#consent").is_checked():
        page.locator("#consent").check()
    send_button(page).click()
    if "/r/" in page.url:  # the same form: its registration
        expect(page.locator(".confirmation-code")).to_have_text(mine)
    else:  # a new form: already registered, and how to get the link again
        expect(page.locator("#phone-error")).to_be_visible()
        expect(page.locator(".send-link-offer button")).to_be_visible()
    assert registrations_of(open_day.id) == 1
    check_accessible(page, "the page after Back and sending again")
    shot(page, artifacts_dir, f"back-and-send-again-phone-{'js' if javascript else 'no-js'}")


@pytest.mark.browser
def test_the_places_left_follow_registrations_with_htmx(new_page, make_open_day, artifacts_dir):
    open_day = public_open_day(make_open_day, capacity=3)
    page = new_page(width=PHONE, height=700)
    page.goto(f"/open-days/{open_day.id}")
    places = page.locator("#places")
    expect(places).to_have_attribute("data-hx-trigger", re.compile(r"every \d+s"))
    expect(places).to_contain_text("3")
    before = places.inner_text()
    page.evaluate("window.__sameDocument = true")

    registered(open_day.id, "钱进", "13700137000")
    # The next poll (every 15 s) brings the new number, without a page load.
    expect(places).not_to_have_text(before, timeout=(PLACES_POLL_SECONDS + 5) * 1000)
    expect(places).to_contain_text("2")
    expect(page.locator("#places-status")).to_contain_text("2")  # said to screen readers
    assert page.evaluate("window.__sameDocument") is True
    htmx_settled(page)
    check_accessible(page, "the open day after the places were updated")
    shot(page, artifacts_dir, "places-updated-phone")
