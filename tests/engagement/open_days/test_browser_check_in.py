"""Check-in at the door on a 375 px phone: without JavaScript the typed confirmation code
checks a person in, a second time says when, a cancelled registration is refused; with
JavaScript the "Scan QR code" button is there and, with no camera (headless Chromium has
none), the page says so and keeps the typed path, without an error or a CSP violation.
axe-core checks each page; screenshots go to `test-artifacts/open-days-check-in-*.png`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import select

from core.accounts.models import Role
from core.clock import to_office_time, utcnow
from engagement.open_days import operations
from engagement.open_days.models import Registration, Status
from extensions import db
from tests.browser_support import (
    PHONE,
    assert_fits_width,
    expect,
    requires_chromium,
    settle,
    sign_in,
    staff_account,
)
from tests.engagement.open_days.staff_support import register
from tests.engagement.open_days.test_browser_open_days import LONG_NAME, check_accessible

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


@dataclass(frozen=True)
class Door:
    """An open day starting within the hour, and the codes of those registered for it."""

    open_day_id: int
    coming: str  # 王建国, confirmed
    long_named: str  # LONG_NAME, confirmed
    cancelled: str  # 李娜, who cancelled


@pytest.fixture
def door(make_open_day) -> Door:
    now = utcnow()
    open_day = make_open_day(
        title="政府开放日：走进应急值守平台",
        starts_at=now + timedelta(minutes=40),
        ends_at=now + timedelta(hours=3),
        registration_closes_at=now + timedelta(minutes=10),
    )
    coming, long_named, cancelled = (
        register(open_day, 1, start=0, name="王建国")[0],
        register(open_day, 1, start=1, name=LONG_NAME)[0],
        register(open_day, 1, start=2, name="李娜")[0],
    )
    operations.cancel_registration(cancelled)
    db.session.commit()
    found = Door(
        open_day.id,
        coming.confirmation_code,
        long_named.confirmation_code,
        cancelled.confirmation_code,
    )
    settle()
    return found


def checked_in_at(code: str) -> str:
    """When the registration with this code was checked in, as the door shows it (HH:MM,
    office time)."""
    db.session.expire_all()
    moment = db.session.scalar(
        select(Registration.checked_in_at).where(Registration.id == int(code.rsplit("-", 1)[1]))
    )
    settle()
    return to_office_time(moment).strftime("%H:%M")


def status_of(code: str) -> Status:
    db.session.expire_all()
    status = db.session.scalar(
        select(Registration.status).where(Registration.id == int(code.rsplit("-", 1)[1]))
    )
    settle()
    return status


def check_in(page: Page, typed: str) -> None:
    page.locator("#code").fill(typed)
    page.locator("#check-in-form button[type=submit]").click()


def shot(page: Page, artifacts_dir: Path, name: str) -> None:
    page.screenshot(path=artifacts_dir / f"open-days-check-in-{name}.png", full_page=True)
    assert_fits_width(page, PHONE, name)


@pytest.mark.browser
def test_check_in_by_typed_code_without_javascript(new_page, make_user, door, artifacts_dir):
    editor = staff_account(make_user, Role.EDITOR)
    page = new_page(width=PHONE, height=740, java_script_enabled=False)
    sign_in(page, editor)
    address = f"/admin/open-days/{door.open_day_id}/check-in"
    page.goto(address)
    expect(page.locator("#code")).to_be_visible()
    expect(page.locator("#scan-start")).to_be_hidden()  # no camera without JavaScript
    expect(page.locator("main .notice")).to_have_count(0)  # the doors are open
    check_accessible(page, "the check-in page")
    shot(page, artifacts_dir, "ready-phone")

    # Typed as people type it: lower case, without the dashes.
    check_in(page, door.coming.lower().replace("-", ""))
    result = page.locator("#check-in-result")
    expect(result).to_have_class(re.compile(r"\bcheck-in-ok\b"))
    expect(result.locator(".check-in-name")).to_have_text("王建国")
    expect(result.locator(".receipt")).to_contain_text(door.coming)
    expect(page.locator("#code")).to_have_value("")  # ready for the next person
    expect(page.locator("#check-in-counts")).to_contain_text("1")
    assert status_of(door.coming) == Status.ATTENDED
    check_accessible(page, "a person checked in")
    shot(page, artifacts_dir, "checked-in-phone")

    check_in(page, door.coming)
    expect(result).to_have_class(re.compile(r"\bcheck-in-again\b"))
    expect(result.locator(".check-in-verdict")).to_contain_text(checked_in_at(door.coming))
    expect(result.locator(".check-in-name")).to_have_text("王建国")
    check_accessible(page, "a person checked in a second time")
    shot(page, artifacts_dir, "already-phone")

    check_in(page, door.cancelled)
    expect(page.locator("#code-error")).to_be_visible()
    expect(page.locator("#code")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#code")).to_have_value(door.cancelled)  # kept, to read again
    expect(result).to_have_count(0)
    assert status_of(door.cancelled) == Status.CANCELLED
    check_accessible(page, "a cancelled registration refused")
    shot(page, artifacts_dir, "refused-phone")

    check_in(page, door.long_named)
    expect(result.locator(".check-in-name")).to_have_text(LONG_NAME)
    assert status_of(door.long_named) == Status.ATTENDED
    check_accessible(page, "a person with a very long name checked in")
    shot(page, artifacts_dir, "long-name-phone")


@pytest.mark.browser
def test_without_a_camera_the_scan_button_falls_back_to_typing(
    new_page, make_user, door, artifacts_dir
):
    editor = staff_account(make_user, Role.EDITOR)
    page = new_page(width=PHONE, height=740)
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on(
        "console",
        lambda message: (
            problems.append(f"console {message.type}: {message.text}")
            if message.type in ("error", "warning")
            else None
        ),
    )
    sign_in(page, editor)
    page.goto(f"/admin/open-days/{door.open_day_id}/check-in")
    page.evaluate(
        """() => {
            window.__violations = [];
            document.addEventListener("securitypolicyviolation", (event) => {
                window.__violations.push(event.violatedDirective + " " + event.blockedURI);
            });
        }"""
    )
    scan = page.locator("#scan-start")
    expect(scan).to_be_visible()
    check_accessible(page, "the check-in page with the scan button")
    shot(page, artifacts_dir, "scan-button-phone")

    scan.click()
    status = page.locator("#scan-status")
    expect(status).to_have_text(re.compile(r"\S"))
    unavailable = status.get_attribute("data-unavailable")
    expect(status).to_have_text(unavailable)  # no camera here: said so
    expect(page.locator("#scanner")).to_be_hidden()
    expect(scan).to_be_visible()  # and it can be tried again
    expect(page.locator("#code")).to_be_focused()  # typing the code is the way on
    check_accessible(page, "the check-in page without a camera")
    shot(page, artifacts_dir, "no-camera-phone")

    check_in(page, door.coming)  # typing still works, with JavaScript
    expect(page.locator("#check-in-result")).to_have_class(re.compile(r"\bcheck-in-ok\b"))
    assert page.evaluate("window.__violations || []") == []
    assert problems == [], problems
