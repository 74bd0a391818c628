"""Sitting in (列席) in the browser: an editor sets a meeting's places, finds and ticks
people while the counts follow (htmx) and invites them, and watches the mail go out (htmx
polling); the invitee answers at their private link on a 375 px phone, with JavaScript on
and off; after the meeting the editor marks who sat in, and the public page lists them at
once, a resident who did not agree to be named only by community. axe-core checks each
page as it is after each step and swap; screenshots go to `test-artifacts/sitting-in-*.png`.
Data and screenshots: `browser_states`; fixtures and the SQLite rule: `browser_support`."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from icalendar import Calendar

from core.accounts.models import Role
from engagement.sitting_in.models import Category, InvitationStatus
from tests.browser_support import (
    DESKTOP,
    PHONE,
    assert_fits_width,
    expect,
    htmx_settled,
    requires_chromium,
    sign_in,
    staff_account,
)
from tests.engagement.open_days.test_browser_open_days import check_accessible
from tests.engagement.sitting_in.browser_states import (
    DEPUTY,
    answer_of,
    directory,
    held_meeting,
    invited_resident,
    meeting_without_places,
    shot,
)

# isort: split
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

LONG_WORD = "长" * 60  # no space to break at


def flashes(page: Page) -> Locator:
    return page.locator(".flashes")


def quota_row(page: Page, category: str) -> Locator:
    """The row of one category in the places table: places, invited, accepted, (ticked,)
    left, in that order after the category's name."""
    return page.locator("#quota-counts tbody tr").filter(
        has=page.get_by_role("rowheader", name=category, exact=True)
    )


def expect_counts(page: Page, category: str, *counts: str) -> None:
    expect(quota_row(page, category).locator("td")).to_have_text(list(counts))


# An editor invites


@pytest.mark.browser
def test_an_editor_sets_places_ticks_people_and_the_mail_goes_out(
    new_page, make_user, make_meeting, announce, make_person, artifacts_dir
):
    editor = staff_account(make_user, Role.EDITOR, display_name="张敏")
    meeting = meeting_without_places(make_meeting, announce, "2027年第3次区政府常务会议")
    directory(
        make_person,
        {
            "王建国": DEPUTY,
            "王芳": {"category": Category.CPPCC, "organisation": "区政协", "title": "政协委员"},
            "李娜": {
                "category": Category.EXPERT,
                "organisation": "区城市规划设计院",
                "title": "高级工程师",
            },
            "张伟": DEPUTY,
        },
    )
    staff = new_page(width=DESKTOP)
    sign_in(staff, editor)

    # The meeting's staff page links to its invitations; so does the staff menu.
    staff.goto(f"/admin/meetings/{meeting.id}")
    from_meeting = staff.get_by_role("main").get_by_role("link", name="列席", exact=True)
    expect(from_meeting).to_have_attribute("href", f"/admin/sitting-in/meetings/{meeting.id}")
    staff.get_by_role("navigation", name="工作人员区").get_by_role(
        "link", name="列席", exact=True
    ).click()
    expect(staff).to_have_url(re.compile(r"/admin/sitting-in/$"))
    expect(staff.get_by_role("heading", level=1)).to_have_text("列席")
    check_accessible(staff, "the meetings to invite to")
    shot(staff, artifacts_dir, "staff-meetings-1280")
    staff.get_by_role("link", name=meeting.title, exact=True).click()
    expect(staff).to_have_url(re.compile(rf"/admin/sitting-in/meetings/{meeting.id}$"))
    expect(staff.locator("#places")).to_contain_text("尚未设置名额。")
    expect(staff.locator("#sending")).to_contain_text("尚无邀请邮件。")
    check_accessible(staff, "a meeting's invitations, none yet")

    # Places per category, in the folded form.
    staff.get_by_text("修改各类名额", exact=True).click()
    staff.get_by_label("人大代表", exact=True).fill("2")
    staff.get_by_label("政协委员", exact=True).fill("1")
    staff.get_by_label("专家", exact=True).fill("1")
    check_accessible(staff, "the places form, open")
    shot(staff, artifacts_dir, "staff-places-form-1280")
    staff.get_by_role("button", name="保存名额", exact=True).click()
    expect(staff).to_have_url(re.compile(r"#places$"))
    expect(flashes(staff)).to_contain_text("名额已保存。")
    expect_counts(staff, "人大代表", "2", "0", "0", "2")
    expect_counts(staff, "政协委员", "1", "0", "0", "1")
    expect_counts(staff, "专家", "1", "0", "0", "1")

    # Choosing: the list narrows as the editor types, the counts follow each tick.
    staff.get_by_role("link", name="邀请人员", exact=True).click()
    expect(staff).to_have_url(re.compile(rf"/meetings/{meeting.id}/invite$"))
    choices = staff.locator("fieldset.choices input[type=checkbox]")
    expect(choices).to_have_count(4)
    check_accessible(staff, "the invite form")
    staff.evaluate("window.__sameDocument = true")
    staff.get_by_label("查找人员", exact=True).press_sequentially("王")
    expect(choices).to_have_count(2)
    htmx_settled(staff)
    expect(staff.locator("fieldset.choices")).not_to_contain_text("李娜")
    staff.get_by_label("王建国", exact=False).check()
    expect_counts(staff, "人大代表", "2", "0", "0", "1", "1")
    expect(staff.locator("#invite-count")).to_have_text("已勾选 1 人")
    htmx_settled(staff)
    staff.get_by_label("王芳", exact=False).check()
    expect_counts(staff, "政协委员", "1", "0", "0", "1", "0")
    expect(staff.locator("#invite-count")).to_have_text("已勾选 2 人")
    htmx_settled(staff)
    expect(staff.get_by_label("王建国", exact=False)).to_be_checked()  # kept through the swaps
    expect_counts(staff, "人大代表", "2", "0", "0", "1", "1")
    assert staff.evaluate("window.__sameDocument") is True  # no page load
    check_accessible(staff, "the invite form with two people ticked")
    shot(staff, artifacts_dir, "staff-invite-ticked-1280")
    staff.set_viewport_size({"width": PHONE, "height": 800})
    shot(staff, artifacts_dir, "staff-invite-ticked-phone")
    staff.set_viewport_size({"width": DESKTOP, "height": 800})

    # Inviting: the page shows the mail waiting, then sends it step by step.
    with staff.expect_response(
        lambda response: (
            response.request.method == "GET"
            and response.url.endswith(f"/admin/sitting-in/meetings/{meeting.id}")
        )
    ) as landed:
        staff.get_by_role("button", name="邀请已勾选人员", exact=True).click()
    assert "2 封等待发送" in landed.value.text()  # as first served, before htmx sends
    expect(staff).to_have_url(re.compile(rf"/meetings/{meeting.id}#sending$"))
    expect(flashes(staff)).to_contain_text("已邀请 2 人，邮件正在发送。")
    progress = staff.locator("#sending-progress [role=status]")
    expect(progress).to_have_text("邀请邮件：共 2 封，已发送 2 封。", timeout=15_000)
    expect(staff.get_by_role("button", name="立即发送待发邮件")).to_have_count(0)
    expect(staff.locator("#sending-progress progress")).to_have_attribute("value", "2")
    htmx_settled(staff)
    # Only the progress is swapped in: the table's mail column says "sent" on the next load.
    staff.reload()
    rows = staff.locator("#invited tbody tr")
    expect(rows).to_have_count(2)
    for name in ("王建国", "王芳"):
        row = rows.filter(has=staff.get_by_role("link", name=name, exact=True))
        expect(row.locator("td").nth(2)).to_contain_text("尚未回复")
        expect(row.locator("td").nth(3)).to_contain_text("已发送")
    expect_counts(staff, "人大代表", "2", "1", "0", "1")
    expect_counts(staff, "政协委员", "1", "1", "0", "0")
    check_accessible(staff, "the invitations with the mail sent")
    shot(staff, artifacts_dir, "staff-invitations-sent-1280")
    staff.set_viewport_size({"width": PHONE, "height": 800})
    shot(staff, artifacts_dir, "staff-invitations-sent-phone")


PLACES_LABELS = {
    "zh": ("人大代表", "政协委员", "专家", "居民代表", "媒体", "其他"),
    "en": ("People's congress deputy", "CPPCC member", "Expert", "Resident representative",
           "Media", "Other"),
}  # fmt: skip


@pytest.mark.browser
def test_the_places_form_reads_in_the_pages_language(
    new_page, live_server, make_user, make_meeting, announce
):
    """The categories' labels are read for each page, not once when the form's module is
    imported (they were: the form read in whichever language came first)."""
    editor = staff_account(make_user, Role.EDITOR)
    meeting = meeting_without_places(make_meeting, announce, "2027年第3次区政府常务会议")
    staff = new_page(width=DESKTOP)
    sign_in(staff, editor)
    for language, labels in PLACES_LABELS.items():
        staff.context.add_cookies([{"name": "lang", "value": language, "url": live_server}])
        staff.goto(f"/admin/sitting-in/meetings/{meeting.id}")
        staff.locator("#places summary").click()
        for label in labels:
            expect(staff.get_by_label(label, exact=True)).to_have_value("0", timeout=1_000)


# The invitee answers on a phone


def save_answer(page: Page) -> None:
    page.get_by_role("button", name="保存我的回复", exact=True).click()


@pytest.mark.browser
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_invitee_answers_on_a_phone_and_changes_the_answer(
    new_page, invitable_meeting, make_person, make_user, javascript, artifacts_dir
):
    mode = "js" if javascript else "no-js"
    invited = invited_resident(invitable_meeting, make_person, make_user)
    page = new_page(width=PHONE, height=700, java_script_enabled=javascript)
    own = f"/rsvp/{invited.token}"
    assert page.goto(own).status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text("您的列席邀请")
    expect(page.locator("#status")).to_contain_text("您尚未回复。")
    expect(page.get_by_role("link", name=invited.meeting.title, exact=True)).to_be_visible()
    check_accessible(page, "an invitation not answered yet")
    shot(page, artifacts_dir, f"rsvp-phone-{mode}")

    # Sent empty: the question says what it needs, and the summary links to it.
    save_answer(page)
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#answer-error")).to_have_text("请选择是或否。")
    expect(page.locator("#error-summary a[href='#answer-0']")).to_be_visible()
    assert answer_of(invited.invitation_id) == (InvitationStatus.INVITED, None)
    check_accessible(page, "the answer sent empty")
    shot(page, artifacts_dir, f"rsvp-empty-phone-{mode}")

    # Yes, with a note holding a long word: it fits the phone, before and after saving.
    note = f"我会准时参加。{LONG_WORD}"
    page.get_by_label("是的，我参加", exact=True).check()
    page.get_by_label("给办公室的留言（选填）", exact=True).fill(note)
    assert_fits_width(page, PHONE, "the answer form with a long note")
    save_answer(page)
    expect(page).to_have_url(re.compile(rf"{own}$"))
    expect(flashes(page)).to_contain_text("谢谢，您的回复已保存。会议开始前您都可以修改。")
    expect(page.locator("#status")).to_contain_text("您已回复参加。")
    expect(page.locator("#status")).to_contain_text(LONG_WORD)
    expect(page.get_by_role("heading", name="修改回复", exact=True)).to_be_visible()
    expect(page.get_by_label("是的，我参加", exact=True)).to_be_checked()
    expect(page.get_by_label("给办公室的留言（选填）", exact=True)).to_have_value(note)
    assert answer_of(invited.invitation_id) == (InvitationStatus.ACCEPTED, note)
    check_accessible(page, "the invitation accepted")
    shot(page, artifacts_dir, f"rsvp-accepted-phone-{mode}")  # the long word fits too

    # Changed to no.
    page.get_by_label("不能参加", exact=True).check()
    save_answer(page)
    expect(flashes(page)).to_contain_text("谢谢，您的回复已保存。")
    expect(page.locator("#status")).to_contain_text("您已回复不参加。")
    assert answer_of(invited.invitation_id) == (InvitationStatus.DECLINED, note)
    check_accessible(page, "the invitation declined")
    shot(page, artifacts_dir, f"rsvp-declined-phone-{mode}")

    # Back, and the same answer sent again: saved once, nothing breaks.
    page.go_back()
    expect(page.get_by_role("button", name="保存我的回复", exact=True)).to_be_visible()
    page.get_by_label("不能参加", exact=True).check()
    save_answer(page)
    expect(page).to_have_url(re.compile(rf"{own}$"))
    expect(flashes(page)).to_contain_text(re.compile("您的回复此前已保存|谢谢，您的回复已保存"))
    expect(page.locator("#status")).to_contain_text("您已回复不参加。")
    assert answer_of(invited.invitation_id) == (InvitationStatus.DECLINED, note)
    check_accessible(page, "the invitation after Back and sending again")
    shot(page, artifacts_dir, f"rsvp-again-phone-{mode}")

    # The private calendar address answers with a calendar of their invitations.
    feed = page.get_by_role("link", name="您的私人日历地址", exact=True)
    href = feed.get_attribute("href")
    assert href == f"/calendar/private/{invited.feed_token}.ics"
    answer = page.request.get(href)
    assert answer.status == 200
    assert answer.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(answer.body())
    # Declined: the meeting has left their calendar, which still answers.
    assert [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")] == []
    assert page.request.get(f"/calendar/private/{invited.feed_token}x.ics").status == 404


@pytest.mark.browser
def test_the_private_calendar_holds_an_accepted_invitation(
    new_page, invitable_meeting, make_person, make_user
):
    invited = invited_resident(invitable_meeting, make_person, make_user)
    page = new_page(width=PHONE)
    page.goto(f"/rsvp/{invited.token}")
    page.get_by_label("是的，我参加", exact=True).check()
    save_answer(page)
    expect(page.locator("#status")).to_contain_text("您已回复参加。")
    href = page.get_by_role("link", name="您的私人日历地址", exact=True).get_attribute("href")
    answer = page.request.get(href)
    assert answer.headers["content-type"].startswith("text/calendar")
    summaries = [str(e["SUMMARY"]) for e in Calendar.from_ical(answer.body()).walk("VEVENT")]
    assert summaries == [invited.meeting.title]


# Who sat in


@pytest.mark.browser
def test_attendance_marked_by_staff_lists_who_sat_in_at_once(
    new_page, invitable_meeting, make_person, make_user, artifacts_dir
):
    editor = staff_account(make_user, Role.EDITOR)
    held = held_meeting(invitable_meeting, make_person, make_user)
    public_path = f"/meetings/{held.meeting.id}"
    resident = new_page(width=DESKTOP)
    resident.goto(public_path)
    expect(resident.get_by_role("heading", name="列席人员")).to_have_count(0)  # none marked

    staff = new_page(width=DESKTOP)
    sign_in(staff, editor)
    staff.goto(f"/admin/sitting-in/meetings/{held.meeting.id}")
    expect(staff.locator("#attendance-publishes")).to_contain_text("提交后立即公开，不经审核")
    expect(staff.get_by_role("link", name="邀请人员", exact=True)).to_have_count(0)  # closed
    check_accessible(staff, "attendance, not marked yet")
    marks = {"周建华": "已列席", "李娜": "未到场", "陈秀兰": "已列席"}
    for name, mark in marks.items():
        group = staff.get_by_role("group", name=f"{name}的出席情况", exact=True)
        expect(group.get_by_label("未登记", exact=True)).to_be_checked()
        group.get_by_label(mark, exact=True).check()
    shot(staff, artifacts_dir, "staff-attendance-1280")
    staff.get_by_role("button", name="保存出席情况", exact=True).click()
    expect(staff).to_have_url(re.compile(r"#attendance$"))
    expect(flashes(staff)).to_contain_text("出席情况已保存。")
    for name, mark in marks.items():
        group = staff.get_by_role("group", name=f"{name}的出席情况", exact=True)
        expect(group.get_by_label(mark, exact=True)).to_be_checked()
    check_accessible(staff, "attendance saved")
    shot(staff, artifacts_dir, "staff-attendance-saved-1280")
    staff.set_viewport_size({"width": PHONE, "height": 800})
    shot(staff, artifacts_dir, "staff-attendance-saved-phone")

    # Public at once: the deputy by name and office, the resident by community only.
    for width in (DESKTOP, PHONE):
        reader = new_page(width=width)
        reader.goto(public_path)
        section = reader.locator("#sat-in")
        expect(section.get_by_role("heading", level=2)).to_have_text("列席人员")
        expect(section.locator("li")).to_have_text(
            ["周建华 · 人大代表 · 区人大常委会 区人大代表", "居民代表（幸福里社区）"]
        )
        expect(reader.get_by_role("main")).not_to_contain_text("陈秀兰")
        expect(reader.get_by_role("main")).not_to_contain_text("李娜")  # did not come
        check_accessible(reader, f"who sat in, at {width} px")
        name = "public-sat-in-" + ("1280" if width == DESKTOP else "phone")
        shot(reader, artifacts_dir, name)
        section.screenshot(path=artifacts_dir / f"sitting-in-{name}-section.png")
