"""A clerk's long draft and the idle limit, in a real browser: typing keeps the sign-in
alive; when it lapsed anyway, the page says so at once, and what was sent comes back into
the form after signing in again. The idle limit is shortened to six seconds here."""

from __future__ import annotations

import re
import time

import pytest

from core.accounts.models import Role
from extensions import db
from meetings.models import Meeting
from tests.browser_support import Account, expect, requires_chromium, settle, sign_in
from tests.conftest import TEST_PASSWORD

# isort: split
from tests.browser_support import (  # noqa: F401
    browser_fixture,
    live_server_fixture,
    new_page_fixture,
    page_fixture,
)

pytestmark = requires_chromium
IDLE_SECONDS = 6


@pytest.fixture(name="app_config")
def app_config_fixture() -> dict[str, object]:
    return {"WTF_CSRF_ENABLED": True, "SESSION_IDLE_MINUTES": IDLE_SECONDS / 60}


@pytest.fixture
def draft(make_user, make_meeting) -> tuple[Account, int]:
    editor = make_user(Role.EDITOR, display_name="刘静")
    meeting = make_meeting(author=editor)
    ids = (Account(editor.username, editor.display_name), meeting.id)
    settle()
    return ids


def stored_notes(meeting_id: int) -> str | None:
    db.session.expire_all()
    notes = db.session.get(Meeting, meeting_id).notes
    settle()
    return notes


@pytest.mark.browser
def test_typing_for_longer_than_the_idle_limit_keeps_the_sign_in(page, draft):
    editor, meeting_id = draft
    sign_in(page, editor)
    page.goto(f"/admin/meetings/{meeting_id}")
    notes = page.get_by_label("面向公众的说明", exact=True)
    started = time.monotonic()
    while time.monotonic() - started < IDLE_SECONDS * 1.8:
        notes.press_sequentially("议", delay=0)
        time.sleep(0.5)
    page.get_by_role("button", name="保存草稿", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("修改已保存。")
    assert stored_notes(meeting_id).startswith("议议议")


@pytest.mark.browser
def test_after_the_sign_in_lapsed_the_text_comes_back_after_signing_in(page, draft):
    editor, meeting_id = draft
    sign_in(page, editor)
    page.goto(f"/admin/meetings/{meeting_id}")
    time.sleep(IDLE_SECONDS + 2)  # away from the desk

    notes = page.get_by_label("面向公众的说明", exact=True)
    notes.fill("回到座位后写下的说明")
    notes.press("End")
    notes.press_sequentially("。")
    # The page says at once that the sign-in has ended and the text is safe.
    expect(page.locator("#session-ended")).to_be_visible()
    page.get_by_role("button", name="保存草稿", exact=True).click()

    expect(page).to_have_url(re.compile(r"/login\?next="))
    expect(page.get_by_role("status")).to_contain_text("所填内容将自动填回表单")
    assert stored_notes(meeting_id) is None
    page.get_by_label("用户名", exact=True).fill(editor.username)
    page.get_by_label("密码", exact=True).fill(TEST_PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()

    expect(page).to_have_url(re.compile(rf"/admin/meetings/{meeting_id}$"))
    expect(page.get_by_role("status")).to_contain_text("已填回下方表单")
    expect(page.get_by_label("面向公众的说明", exact=True)).to_have_value("回到座位后写下的说明。")
    page.get_by_role("button", name="保存草稿", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("修改已保存。")
    assert stored_notes(meeting_id) == "回到座位后写下的说明。"
