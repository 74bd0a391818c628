"""A resident on a 375 px phone, with JavaScript on and off: an empty send lands on the
error summary; a sent comment, then Back and send again, is stored once and the form comes
back empty; a 6,000-character paste is kept whole and explained. Screenshots go to
`test-artifacts/`."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.accounts.models import Role
from engagement.consultations.models import Comment
from extensions import db
from tests.browser_support import PHONE, expect, requires_chromium, settle, staff_account
from tests.engagement.consultations.test_browser import major_decision_meeting, open_consultation

# isort: split
from tests.browser_support import (  # noqa: F401
    app_config_fixture,
    browser_fixture,
    live_server_fixture,
    new_page_fixture,
    page_fixture,
)

pytestmark = requires_chromium


@pytest.fixture
def consultation_id(make_meeting, make_user) -> int:
    setting = major_decision_meeting(make_meeting, make_user)
    editor = staff_account(make_user, Role.EDITOR)
    reviewer = staff_account(make_user, Role.REVIEWER)
    return open_consultation(setting, editor, reviewer)


def stored_comments() -> int:
    count = db.session.scalar(select(func.count(Comment.id)))
    settle()
    return count


def in_view(page, selector: str) -> bool:
    return page.evaluate(
        """(selector) => {
            const box = document.querySelector(selector).getBoundingClientRect();
            return box.top > -1 && box.top < window.innerHeight;  // sub-pixel rounding
        }""",
        selector,
    )


@pytest.mark.browser
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_an_empty_send_lands_on_the_error_summary(
    new_page, consultation_id, javascript, artifacts_dir
):
    page = new_page(width=PHONE, height=700, java_script_enabled=javascript)
    page.goto(f"/consultations/{consultation_id}")
    page.get_by_role("button", name="提交意见", exact=True).click()
    expect(page.locator("#error-summary")).to_be_visible()
    assert page.url.endswith("#send-result")
    assert in_view(page, "#error-summary"), "the first screen shows what went wrong"
    if javascript:
        assert page.evaluate("document.activeElement.id") == "send-result"
    page.screenshot(
        path=artifacts_dir / f"phone-comment-errors-{'js' if javascript else 'no-js'}.png"
    )


def send_li_xiuyings_comment(page) -> None:
    page.get_by_label("您的意见", exact=True).fill("社区驿站要有助餐服务。")
    page.get_by_label("您的姓名", exact=True).fill("李秀英")
    page.locator("#phone").fill("13912345678")
    page.locator("#email").fill("li@example.com")
    page.get_by_label("我同意处理我的个人信息").check()
    page.get_by_role("button", name="提交意见", exact=True).click()


@pytest.mark.browser
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_back_and_send_again_stores_one_comment_and_shows_no_details(
    new_page, consultation_id, javascript
):
    page = new_page(width=PHONE, height=700, java_script_enabled=javascript)
    page.goto(f"/consultations/{consultation_id}")
    send_li_xiuyings_comment(page)
    expect(page.locator("#receipt")).to_be_visible()
    assert stored_comments() == 1

    page.go_back()  # the next person at the community centre's terminal
    expect(page.locator("#phone")).to_have_value("")
    expect(page.locator("#email")).to_have_value("")
    expect(page.locator("#name")).to_have_value("")
    # Whatever the form holds now, sending it again never makes a second copy.
    send_li_xiuyings_comment(page)
    expect(page.locator("#receipt")).to_be_visible()
    assert stored_comments() == 1


@pytest.mark.browser
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_long_paste_is_kept_whole_and_explained(
    new_page, consultation_id, javascript, artifacts_dir
):
    page = new_page(width=PHONE, height=700, java_script_enabled=javascript)
    page.goto(f"/consultations/{consultation_id}")
    text = "建议" * 3000  # 6,000 characters
    body = page.get_by_label("您的意见", exact=True)
    body.focus()
    page.keyboard.insert_text(text)  # as a paste arrives
    assert len(body.input_value()) == 6000, "nothing was cut off"
    if javascript:
        expect(page.locator("#body-counter")).to_contain_text("超出字数限制 1000 字")
    page.get_by_label("您的姓名", exact=True).fill("张伟")
    page.get_by_label("我同意处理我的个人信息").check()
    page.get_by_role("button", name="提交意见", exact=True).click()
    expect(page.locator("#body-error")).to_contain_text("6000")
    expect(page.locator("#body-error")).to_contain_text("1000")
    assert len(page.get_by_label("您的意见", exact=True).input_value()) == 6000
    assert stored_comments() == 0
    page.screenshot(
        path=artifacts_dir / f"phone-comment-too-long-{'js' if javascript else 'no-js'}.png"
    )
