"""The key pages of every part, in a real browser at desktop and phone widths: the home
page, a public meeting, the sign-in form with its errors and the review queue. Screenshots
go to `test-artifacts/`. Fixtures, helpers and the SQLite locking rule: `browser_support`.
"""

from __future__ import annotations

import re

import pytest

from core.accounts.models import Role
from tests.browser_support import (
    DESKTOP,
    PHONE,
    assert_fits_width,
    expect,
    public_meeting,
    requires_chromium,
    sign_in,
    staff_account,
    submitted_meeting,
)

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
    expect(page.locator("#how-public")).to_contain_text("微直播")
    review_link = page.get_by_role("link", name=re.compile("^查看公开预览并审核"))
    expect(review_link).to_have_count(1)
    shoot("review-queue")

    review_link.click()
    preview = page.get_by_role("region", name="公开预览")
    expect(preview).to_contain_text("审议街道2026年第三季度民生实事项目安排。")
    expect(page.get_by_role("button", name="审核通过并公开", exact=True)).to_have_count(1)
    shoot("review-meeting-preview")
