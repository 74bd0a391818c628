"""End-to-end tests in a real browser: the app served on localhost, driven by headless
Chromium through Playwright, with CSRF protection switched on so the real forms (and
their tokens) are exercised.

SQLite note: outside a request every transaction starts with BEGIN IMMEDIATE, so the
test thread must end its transaction (`settle()`) before the browser sends anything that
writes; otherwise the server's request waits for the lock. Helpers below therefore copy
what the test needs into plain values and commit before any page is opened.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from flask import Flask
from werkzeug.serving import make_server

from extensions import db
from meetings import review
from meetings.clock import to_office_time, utcnow
from meetings.staff.models import Role

from .conftest import TEST_PASSWORD

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

pytestmark = pytest.mark.skipif(
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


@dataclass(frozen=True)
class Account:
    username: str
    display_name: str


@dataclass(frozen=True)
class MeetingRef:
    id: int
    title: str


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


@pytest.fixture
def app_config() -> dict[str, object]:
    return {"WTF_CSRF_ENABLED": True}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The app on a free port; each request gets its own application context."""
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


@pytest.fixture
def new_page(browser: Browser, live_server: str) -> Iterator[Callable[..., Page]]:
    """Pages in fresh browser contexts (own cookies), all closed before the server stops."""
    contexts = []

    def make(width: int = DESKTOP, height: int = 800) -> Page:
        context = browser.new_context(
            base_url=live_server, viewport={"width": width, "height": height}
        )
        context.set_default_timeout(5_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: Callable[..., Page]) -> Page:
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
    # The site has no favicon (yet), and Chromium asks for /favicon.ico on its own, not
    # because of anything in the page: that one 404 is the browser's, not the page's.
    browser_favicon = f"{live_server}/favicon.ico"
    problems: list[str] = []

    def on_console(message) -> None:
        if message.type == "error" and message.location.get("url") != browser_favicon:
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


def assert_fits_width(page: Page, width: int, name: str) -> None:
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{name} overflows horizontally: {scroll_width}px > {width}px"


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
