"""A resident comments and an editor moderates by keyboard alone: Tab to reach a field or
a button (by its label), type, Space to tick, Enter to press. After each htmx swap focus
is on something in the page, never lost to `<body>`, and axe-core finds nothing.
Fixtures, helpers and the SQLite locking rule: `browser_support`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from core.accounts.models import Role
from tests.browser_support import expect, requires_chromium, sign_in, staff_account
from tests.engagement.consultations.test_browser import (
    comment_in_thread,
    major_decision_meeting,
    open_consultation,
)
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

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

pytestmark = requires_chromium


def is_focused(target: Locator) -> bool:
    return target.evaluate("element => element === document.activeElement")


def tab_to(page: Page, target: Locator, most: int = 80) -> None:
    """Press Tab until `target` has focus, as a keyboard user moves through the page."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if is_focused(target):
            return
    raise AssertionError(f"Tab never reached {target}")


@pytest.mark.browser
def test_a_resident_comments_by_keyboard_alone(new_page, make_meeting, make_user):
    setting = major_decision_meeting(make_meeting, make_user)
    consultation_id = open_consultation(
        setting, staff_account(make_user, Role.EDITOR), staff_account(make_user, Role.REVIEWER)
    )
    resident = new_page()
    resident.goto(f"/consultations/{consultation_id}")

    tab_to(resident, resident.get_by_label("您的意见", exact=True))
    resident.keyboard.type("建议公布各小区的整治时间表。")
    tab_to(resident, resident.get_by_label("您的姓名", exact=True))
    resident.keyboard.type("周敏")
    tab_to(resident, resident.get_by_label(re.compile("^我同意处理我的个人信息")))
    resident.keyboard.press("Space")
    expect(resident.get_by_label(re.compile("^我同意处理我的个人信息"))).to_be_checked()
    tab_to(resident, resident.get_by_role("button", name="提交意见", exact=True))
    resident.keyboard.press("Enter")

    expect(resident).to_have_url(re.compile(r"/comments/[\w-]{20,}#receipt$"))
    expect(resident.get_by_role("status")).to_contain_text("请保存回执编号")
    assert_accessible(resident, "the receipt")


@pytest.mark.browser
def test_an_editor_moderates_by_keyboard_and_focus_follows_each_swap(
    new_page, make_meeting, make_user
):
    setting = major_decision_meeting(make_meeting, make_user)
    editor = staff_account(make_user, Role.EDITOR)
    consultation_id = open_consultation(setting, editor, staff_account(make_user, Role.REVIEWER))
    first = comment_in_thread(consultation_id, "建议增加停车位。", "吴磊")
    second = comment_in_thread(consultation_id, "隔壁楼302的赵某长期占用车位。", "匿名")

    staff = new_page()
    sign_in(staff, editor)
    staff.goto(f"/admin/consultations/{consultation_id}/comments")
    staff.evaluate("window.__sameDocument = true")
    counts = staff.locator("#moderation .counts")
    status = staff.locator("#moderation-status")

    # Publish one: focus goes to the list's heading, the status region says what was done.
    tab_to(staff, staff.get_by_label(first))
    staff.keyboard.press("Space")
    tab_to(staff, staff.get_by_role("button", name="公开所选意见", exact=True))
    staff.keyboard.press("Enter")
    expect(status).to_have_text("已处理 1 条意见。")
    expect(counts).to_have_text("已收到 2 · 已公开 1 · 不予公开 0 · 待审核 1")
    expect(staff.get_by_role("heading", name="已收到，待审核", level=2)).to_be_focused()
    assert_focus_kept(staff, "after publishing")
    assert_accessible(staff, "the queue after publishing")

    # Not publishing without a reason: focus lands in the reason, which names its error.
    tab_to(staff, staff.get_by_label(second))
    staff.keyboard.press("Space")
    tab_to(staff, staff.get_by_role("button", name="所选意见不予公开", exact=True))
    staff.keyboard.press("Enter")
    reason = staff.get_by_label("不予公开的理由（不予公开时必填）", exact=True)
    expect(reason).to_be_focused()
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(reason).to_have_accessible_description(re.compile("请说明不予公开的理由。"))
    expect(staff.get_by_label(second)).to_be_checked()  # the choice survives the error
    assert_accessible(staff, "the queue with the reason's error")

    staff.keyboard.type("含有他人个人信息。")
    tab_to(staff, staff.get_by_role("button", name="所选意见不予公开", exact=True))
    staff.keyboard.press("Enter")
    expect(status).to_have_text("已处理 1 条意见。")
    expect(counts).to_have_text("已收到 2 · 已公开 1 · 不予公开 1 · 待审核 0")
    assert_focus_kept(staff, "after rejecting")
    assert_accessible(staff, "the queue after rejecting")

    # A status tab: focus stays on the tab chosen, now the current one.
    tab_to(staff, staff.get_by_role("link", name="不予公开 (1)", exact=True))
    staff.keyboard.press("Enter")
    expect(staff).to_have_url(re.compile(r"status=rejected"))
    current = staff.get_by_role("link", name="不予公开 (1)", exact=True)
    expect(current).to_have_attribute("aria-current", "page")
    expect(current).to_be_focused()
    expect(staff.locator("#moderation article.comment")).to_contain_text("含有他人个人信息。")
    assert_accessible(staff, "the rejected comments")
    assert staff.evaluate("window.__sameDocument") is True  # every step was a swap
