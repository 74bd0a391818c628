"""Check-in at the door on a 375 px phone: the typed code without JavaScript, and with it
the camera: Chromium's fake camera shows a registrant's QR code, jsQR reads it and the
same form checks them in. Screenshots go to `test-artifacts/open-days-check-in-*.png`.
Fixtures and the SQLite locking rule: `browser_support`."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import segno

from core.accounts.models import Role
from core.clock import utcnow
from engagement.open_days.models import Registration, Status
from extensions import db
from tests.browser_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    PHONE,
    assert_fits_width,
    expect,
    requires_chromium,
    settle,
    sign_in,
    staff_account,
    sync_api,
)
from tests.engagement.open_days.staff_support import register
from tests.instruments import assert_accessible

# isort: split
from tests.browser_support import (  # noqa: F401
    app_config_fixture,
    live_server_fixture,
    new_page_fixture,
    page_fixture,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

    from playwright.sync_api import Browser

pytestmark = requires_chromium

SIDE = 320  # the fake camera's frame, in pixels


@pytest.fixture(scope="module")
def camera_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("camera") / "camera.y4m"


@pytest.fixture(name="browser", scope="module")
def browser_fixture(camera_file: Path) -> Iterator[Browser]:
    """Chromium with a fake camera that films `camera_file` (written by the test before
    the camera opens)."""
    camera_file.write_bytes(frames(""))
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                *CHROMIUM_ARGS,
                "--use-fake-device-for-media-stream",
                "--use-fake-ui-for-media-stream",
                f"--use-file-for-fake-video-capture={camera_file}",
            ],
        )
        yield browser
        browser.close()


def frames(text: str) -> bytes:
    """Two frames of a Y4M video of `text` as a QR code, black on white (blank if empty)."""
    luma = bytearray([235]) * (SIDE * SIDE)
    if text:
        rows = list(segno.make(text, micro=False).matrix_iter(scale=8, border=4))
        offset = (SIDE - len(rows)) // 2
        for y, row in enumerate(rows):
            for x, dark in enumerate(row):
                if dark:
                    luma[(y + offset) * SIDE + x + offset] = 16
    chroma = bytes([128]) * ((SIDE // 2) * (SIDE // 2) * 2)
    frame = b"FRAME\n" + bytes(luma) + chroma
    return f"YUV4MPEG2 W{SIDE} H{SIDE} F10:1 Ip A1:1 C420jpeg\n".encode() + frame * 2


@pytest.mark.browser
def test_check_in_on_a_phone_by_typed_code_and_by_the_camera(
    new_page, make_open_day, make_user, camera_file, artifacts_dir
):
    open_day = make_open_day()
    typed_person, scanned_person = register(open_day, 2)
    open_day.registration_closes_at = utcnow() - timedelta(minutes=5)
    open_day.starts_at = utcnow() + timedelta(hours=1)
    open_day.ends_at = utcnow() + timedelta(hours=4)
    url = f"/admin/open-days/{open_day.id}/check-in"
    people = [(p.id, p.name, p.confirmation_code) for p in (typed_person, scanned_person)]
    account = staff_account(make_user, Role.EDITOR)
    settle()

    # Without JavaScript: the typed code, as sloppily as it comes.
    phone = new_page(width=PHONE, height=740, java_script_enabled=False)
    sign_in(phone, account)
    phone.goto(url)
    expect(phone.locator("#scan-start")).to_be_hidden()
    phone.locator("#code").fill(" " + people[0][2].lower().replace("-", ""))
    phone.locator("#check-in-form button[type=submit]").click()
    expect(phone.locator("#check-in-result.check-in-ok")).to_contain_text(people[0][1])
    expect(phone.locator("#code")).to_have_value("")
    assert_fits_width(phone, PHONE, "check-in")
    phone.screenshot(path=artifacts_dir / "open-days-check-in-375.png", full_page=True)
    phone.locator("#code").fill(people[0][2])
    phone.locator("#check-in-form button[type=submit]").click()
    expect(phone.locator("#check-in-result.check-in-again")).to_be_visible()

    # With JavaScript and a camera: the QR code is read and sent through the same form.
    camera_file.write_bytes(frames(people[1][2]))
    scanner = new_page(width=PHONE, height=740)
    errors: list[str] = []
    scanner.on("pageerror", lambda error: errors.append(str(error)))
    scanner.context.grant_permissions(["camera"])
    sign_in(scanner, account)
    scanner.goto(url)
    scan = scanner.locator("#scan-start")
    expect(scan).to_be_visible()
    scan.click()
    expect(scanner.locator("#check-in-result.check-in-ok")).to_contain_text(
        people[1][1], timeout=15_000
    )
    scanner.screenshot(path=artifacts_dir / "open-days-check-in-scanned-375.png", full_page=True)
    assert_accessible(scanner, "check-in, after a scanned code")  # (axe needs JavaScript)
    assert errors == []
    # The camera opens again by itself for the next person, until it is stopped.
    expect(scanner.locator("#scanner")).to_be_visible()
    scanner.locator("#scan-stop").click()
    expect(scanner.locator("#scanner")).to_be_hidden()
    expect(scanner.locator("#code")).to_be_focused()

    db.session.expire_all()
    statuses = [db.session.get(Registration, person_id).status for person_id, *_ in people]
    assert statuses == [Status.ATTENDED, Status.ATTENDED]
