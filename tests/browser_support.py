"""What the browser tests share: headless Chromium through Playwright, the app served on
localhost with CSRF protection switched on, and helpers that drive the staff pages.

A test module uses it by importing the `*_fixture` functions (pytest finds them under
their fixture names: `page`, `new_page`, `live_server`, `browser`, and `app_config`,
which switches CSRF protection on) and by setting `pytestmark = requires_chromium`.
Importing this module skips the importing module when the playwright package is not
installed.

SQLite note: outside a request every transaction starts with BEGIN IMMEDIATE, so the
test thread must end its transaction (`settle()`) before the browser sends anything that
writes; otherwise the server's request waits for the lock. Helpers below therefore copy
what the test needs into plain values and commit before any page is opened, and so must
a test after anything it reads or writes in the database itself.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from flask import Flask
from werkzeug.serving import make_server

from core import review
from core.accounts.models import Role
from core.clock import to_office_time
from extensions import db
from tests.conftest import TEST_PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# Each browser test module sets `pytestmark = requires_chromium` and marks its tests
# `@pytest.mark.browser`.
requires_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason=f"browser tests need Chromium at {CHROMIUM}"
)
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="browser tests need the playwright Python package"
)
expect = sync_api.expect
expect.set_options(timeout=5_000)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

DESKTOP = 1280
PHONE = 375
WIDTHS = (DESKTOP, PHONE)


@dataclass(frozen=True)
class Account:
    username: str
    display_name: str


@dataclass(frozen=True)
class MeetingRef:
    id: int
    title: str


def typed(moment: datetime) -> str:
    """A moment as staff type it into a datetime-local field: office wall clock."""
    return to_office_time(moment).strftime("%Y-%m-%dT%H:%M")


def settle() -> None:
    """End the test thread's transaction so requests served to the browser can write."""
    db.session.commit()


def staff_account(make_user: Callable, role: Role, **overrides: object) -> Account:
    user = make_user(role, **overrides)
    account = Account(user.username, user.display_name)
    settle()
    return account


def public_meeting(make_meeting: Callable, make_user: Callable, **fields: object) -> MeetingRef:
    """A meeting that went through review: submitted by its author, approved by another."""
    meeting = make_meeting(**fields)
    review.submit_for_review(meeting, actor=meeting.author)
    review.approve(meeting, actor=make_user(Role.REVIEWER))
    db.session.commit()
    ref = MeetingRef(meeting.id, meeting.title)
    settle()
    return ref


def submitted_meeting(make_meeting: Callable, **fields: object) -> MeetingRef:
    meeting = make_meeting(**fields)
    review.submit_for_review(meeting, actor=meeting.author)
    db.session.commit()
    ref = MeetingRef(meeting.id, meeting.title)
    settle()
    return ref


@pytest.fixture(name="app_config")
def app_config_fixture() -> dict[str, object]:
    return {"WTF_CSRF_ENABLED": True}


@pytest.fixture(name="browser", scope="module")
def browser_fixture() -> Iterator[Browser]:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """The app on a free port until the block ends; each request gets its own application
    context. Yields the address."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(name="live_server")
def live_server_fixture(app: Flask) -> Iterator[str]:
    """The app on a free port; each request gets its own application context."""
    with serving(app) as address:
        yield address


@pytest.fixture(name="new_page")
def new_page_fixture(browser: Browser, live_server: str) -> Iterator[Callable[..., Page]]:
    """Pages in fresh browser contexts (own cookies), all closed before the server stops.
    Keyword arguments go to the context (e.g. `java_script_enabled=False`)."""
    contexts = []

    def make(width: int = DESKTOP, height: int = 800, **context_options: object) -> Page:
        context = browser.new_context(
            base_url=live_server, viewport={"width": width, "height": height}, **context_options
        )
        context.set_default_timeout(5_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(name="page")
def page_fixture(new_page: Callable[..., Page]) -> Page:
    return new_page()


def sign_in(page: Page, account: Account) -> None:
    page.goto("/login")
    page.get_by_label("用户名", exact=True).fill(account.username)
    page.get_by_label("密码", exact=True).fill(TEST_PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page).to_have_url(re.compile(r"/admin/$"))


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="退出登录", exact=True).click()
    expect(page).to_have_url(re.compile(r"/login$"))


def status_of(page: Page, path: str) -> int:
    response = page.goto(path)
    assert response is not None
    return response.status


def add_agenda_item(
    page: Page,
    title: str,
    *,
    major_decision: bool = False,
    withheld_basis: str | None = None,
    **texts: str,
) -> None:
    """From the staff page of a draft meeting: 添加议题, fill the form, 保存议题.
    `texts` are further fields by their label, e.g. 承办单位="区住房城乡建设委"."""
    page.get_by_role("link", name="添加议题", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("新议题")
    page.get_by_label("名称", exact=True).fill(title)
    for label, text in texts.items():
        page.get_by_label(label, exact=True).fill(text)
    if major_decision:
        page.get_by_label("重大行政决策", exact=True).check()
    if withheld_basis is not None:
        page.get_by_label("不予公开", exact=True).check()
        page.get_by_label("不予公开的法律依据", exact=True).fill(withheld_basis)
    page.get_by_role("button", name="保存议题", exact=True).click()
    expect(page).to_have_url(re.compile(r"/admin/meetings/\d+#agenda$"))
    expect(page.get_by_role("status")).to_contain_text("议题已添加。")
    expect(page.locator("#agenda-list").get_by_role("link", name=title, exact=True)).to_be_visible()


def approve_in_queue(page: Page, review_title: str) -> None:
    """As a reviewer: approve the one card in the review queue with this title, in the
    queue when it shows all the item makes public (a change to a meeting), otherwise on
    the item's page, which the card links to, below its public preview."""
    page.goto("/admin/review/")
    card = page.locator("article.card").filter(
        has=page.get_by_role("heading", name=review_title, exact=True)
    )
    expect(card).to_have_count(1)
    to_preview = card.get_by_role("link", name=re.compile("^查看公开预览并审核"))
    if to_preview.count():
        to_preview.click()
        expect(page.locator(".public-preview")).to_be_visible()
        page.get_by_role("button", name="审核通过并公开", exact=True).click()
    else:
        expect(card.locator(".change-preview")).to_be_visible()
        card.get_by_role("button", name="审核通过并公开", exact=True).click()
        expect(page).to_have_url(re.compile(r"/admin/review/$"))
    expect(page.get_by_role("status")).to_contain_text("已审核通过，现已公开。")
    page.goto("/admin/review/")
    expect(page.get_by_role("heading", name=review_title, exact=True)).to_have_count(0)


def assert_fits_width(page: Page, width: int, name: str) -> None:
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{name} overflows horizontally: {scroll_width}px > {width}px"


def screenshot_at_widths(page: Page, artifacts_dir: Path, name: str) -> None:
    """Full-page screenshots `name-1280.png` and `name-375.png`, each checked for
    horizontal overflow; the page is left at its original viewport."""
    original = page.viewport_size
    try:
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            page.screenshot(path=artifacts_dir / f"{name}-{width}.png", full_page=True)
            assert_fits_width(page, width, name)
    finally:
        if original is not None:
            page.set_viewport_size(original)


def htmx_settled(page: Page) -> None:
    """Wait until htmx has finished swapping and settling, and has taken up what it swapped
    in (a person never acts within those milliseconds; a test can)."""
    page.wait_for_function(
        """() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')
            && [...document.querySelectorAll('[data-hx-get], [data-hx-post]')]
                .every((element) => element['htmx-internal-data'])"""
    )
