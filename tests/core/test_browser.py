"""What every page shares, in a real browser: signing in and out, the skip link, the
language choice, and public pages free of CSP violations and console errors; and the
staff audit log, on a phone and filtered in place, with and without JavaScript.

End-to-end tests: the app served on localhost, driven by headless Chromium through
Playwright, with CSRF protection switched on so the real forms (and their tokens) are
exercised. The fixtures and helpers are in `browser_support`, which also explains the
SQLite locking rule these tests follow (`settle()`).
"""

from __future__ import annotations

import re

import pytest

from core.accounts.models import Role
from engagement.demo import load_demo
from tests.browser_support import (
    DESKTOP,
    expect,
    public_meeting,
    requires_chromium,
    settle,
    sign_in,
    staff_account,
)
from tests.conftest import TEST_PASSWORD
from tests.instruments import assert_accessible, assert_focus_kept

# isort: split
# The fixtures, which pytest finds under their names (page, new_page, live_server, ...).
from tests.browser_support import (  # noqa: F401
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


def assert_no_horizontal_overflow(page, name: str) -> None:
    scroll_width, inner_width = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert scroll_width <= inner_width, f"{name}: {scroll_width}px wide in {inner_width}px"


@pytest.mark.browser
@pytest.mark.parametrize("width", [320, 375])
def test_audit_log_fits_a_phone_and_filters_in_place(new_page, make_user, artifacts_dir, width):
    load_demo()
    settle()
    admin = staff_account(make_user, Role.ADMIN, display_name="王管理")
    page = new_page(width=width)
    sign_in(page, admin)

    page.goto("/admin/audit/")
    expect(page.get_by_role("heading", level=1)).to_have_text("操作日志")
    page.screenshot(path=artifacts_dir / f"staff-audit-log-{width}.png", full_page=True)
    assert_no_horizontal_overflow(page, "audit log")

    # htmx: choosing what happened swaps the entries in place and keeps the address.
    page.get_by_label("事项", exact=True).focus()  # as a person choosing does
    page.get_by_label("事项", exact=True).select_option(label="新建会议草稿")
    expect(page).to_have_url(re.compile(r"action=meeting\.create"))
    rows = page.locator("#audit-log tbody tr")
    expect(rows.first).to_contain_text("新建会议草稿：")
    what_happened = rows.locator("td:nth-child(3)").all_inner_texts()
    assert all(text.startswith("新建会议草稿：") for text in what_happened)
    assert_focus_kept(page, "after filtering the audit log")
    assert_accessible(page, "the audit log after filtering")

    # A day outside the years gets its message by the field, in place, still fitting.
    page.get_by_label("起始日期", exact=True).fill("9999-12-31")
    expect(page.locator("#f-from-error")).to_have_text("请输入2000年至2100年之间的日期。")
    expect(page.locator("#audit-log tbody")).to_have_count(0)
    page.screenshot(path=artifacts_dir / f"staff-audit-log-refused-{width}.png", full_page=True)
    assert_no_horizontal_overflow(page, "audit log with a refused day")
    assert_accessible(page, "the audit log with a refused day")


@pytest.mark.browser
def test_audit_log_filters_without_javascript(new_page, make_user):
    load_demo()
    settle()
    admin = staff_account(make_user, Role.ADMIN)
    page = new_page(width=DESKTOP, java_script_enabled=False)
    sign_in(page, admin)

    page.goto("/admin/audit/")
    page.get_by_label("记录类型", exact=True).select_option(label="会议主体")
    page.get_by_role("button", name="筛选", exact=True).click()
    expect(page).to_have_url(re.compile(r"subject=Body"))
    expect(page.locator("tbody tr")).to_have_count(4)  # the demo's four organising bodies
    expect(page.locator("tbody tr").first).to_contain_text("新建会议主体：")
