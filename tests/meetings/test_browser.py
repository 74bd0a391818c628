"""A meeting's life in the browser: prepared with its agenda, reviewed and then public,
live with its updates, changed (postponed, cancelled, concluded) through reviewed
proposals, and found again through the filters of the public list. Screenshots of every
public state go to `test-artifacts/`. Fixtures, helpers and the SQLite locking rule:
`browser_support`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import select

from core.accounts.models import Role, User
from core.clock import from_office_time, to_office_time, utcnow
from extensions import db
from meetings import operations
from meetings.models import BodyLevel, ChangeKind, Meeting
from tests.browser_support import (
    Account,
    MeetingRef,
    add_agenda_item,
    approve_in_queue,
    expect,
    htmx_settled,
    public_meeting,
    requires_chromium,
    screenshot_at_widths,
    settle,
    sign_in,
    sign_out,
    staff_account,
    status_of,
    typed,
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
    from playwright.sync_api import Page

pytestmark = requires_chromium

STATUS_BADGE = "h1 + p .badge"
DOCUMENT = "老旧小区整治范围示意图.png"
PNG = bytes.fromhex(  # a 1×1 white PNG
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000b49444154789c63f80f040009fb03fdfb5e6b2b0000000049454e44ae426082"
)  # the public meeting page's status, right under its title
ANNOUNCED = re.compile(r"\bbadge-status-announced\b")
LIVE_POLL = re.compile(r"/meetings/\d+/live\?v=")  # htmx polling the live updates
LIVE_POLL_WAIT = 8_000  # ms: htmx polls the live updates every 5 s


def shown(typed_value: str) -> str:
    """How the public pages show a typed time (yyyy-MM-dd HH:mm)."""
    return typed_value.replace("T", " ")


def propose_and_submit(staff: Page, link: str, kind_label: str, **fields: str) -> None:
    """On the staff page of an announced meeting: follow the proposal `link`, fill the
    form's fields by label, save the proposal and submit it for review."""
    staff.get_by_role("link", name=link, exact=True).click()
    expect(staff.get_by_role("heading", level=1)).to_have_text(f"提出变更：{kind_label}")
    for label, value in fields.items():
        staff.get_by_label(label, exact=True).fill(value)
    staff.get_by_role("button", name="保存提议", exact=True).click()
    expect(staff).to_have_url(re.compile(r"/admin/meetings/\d+#changes$"))
    expect(staff.get_by_role("status")).to_contain_text("变更已提出。")
    card = staff.locator("#changes article.card").filter(
        has=staff.get_by_role("heading", name=kind_label, exact=True)
    )
    expect(card).to_have_count(1)
    card.get_by_role("button", name="提交审核", exact=True).click()
    expect(staff.get_by_role("status")).to_contain_text("已提交审核。")
    expect(card.locator(".review-box .badge")).to_have_text("待审核")


def post_live_update(
    meeting_id: int, account: Account, text: str, about_item: str | None = None
) -> None:
    """Post a live update as `account` through the app's operations, and commit.
    `about_item` is the title of the agenda item it is about."""
    meeting = db.session.get(Meeting, meeting_id)
    author = db.session.scalar(select(User).where(User.username == account.username))
    item = next((item for item in meeting.agenda if item.title == about_item), None)
    operations.post_live_update(meeting, text=text, agenda_item=item, image=None, actor=author)
    settle()


@pytest.mark.browser
def test_meeting_lifecycle_from_draft_through_live_updates_to_concluded(
    new_page, make_user, make_body, artifacts_dir
):
    body_name = make_body(name="区政府常务会议").name
    settle()
    editor = staff_account(make_user, Role.EDITOR, display_name="张敏")
    reviewer = staff_account(make_user, Role.REVIEWER, display_name="李静")
    title = "2026年第21次区政府常务会议"
    public_item = "关于2027年区级民生实事项目安排的议题"
    secret_item = "关于某地块征收补偿方案的议题"
    basis = "《中华人民共和国政府信息公开条例》第十四条"
    # Started half an hour ago, ends in an hour: live as soon as it is announced.
    now = utcnow()
    starts, ends = typed(now - timedelta(minutes=30)), typed(now + timedelta(minutes=60))

    staff = new_page()
    sign_in(staff, editor)
    staff.goto("/admin/meetings/new")
    staff.get_by_label("会议主体", exact=True).select_option(label=body_name)
    staff.get_by_label("名称", exact=True).fill(title)
    staff.get_by_label("开始时间（办公地时间）", exact=True).fill(starts)
    staff.get_by_label("结束时间（办公地时间）", exact=True).fill(ends)
    staff.get_by_role("button", name="保存草稿", exact=True).click()
    expect(staff.get_by_role("status")).to_contain_text("草稿已保存")
    meeting_id = int(re.search(r"/admin/meetings/(\d+)", staff.url)[1])

    add_agenda_item(staff, public_item, major_decision=True, 承办单位="区发展改革委", 汇报人="王伟")
    add_agenda_item(staff, secret_item, withheld_basis=basis)
    agenda_titles = staff.locator("#agenda-list > li h3")
    expect(agenda_titles).to_have_text([public_item, secret_item])
    secret_row = staff.locator("#agenda-list > li").filter(has_text=secret_item)
    expect(secret_row.locator(".badge")).to_have_text(["不予公开"])

    # ↑ 上移 (htmx swaps the agenda in place) puts the withheld item first.
    staff.get_by_role("button", name=f"将“{secret_item}”上移", exact=True).click()
    expect(agenda_titles).to_have_text([secret_item, public_item])
    assert_focus_kept(staff, "after moving an item")
    assert_accessible(staff, "the agenda after moving an item")
    staff.reload()  # and it was saved, not only shown
    expect(agenda_titles).to_have_text([secret_item, public_item])
    screenshot_at_widths(staff, artifacts_dir, "staff-meeting-draft")

    staff.get_by_role("button", name="提交审核", exact=True).click()
    expect(staff.get_by_role("status")).to_contain_text("已提交审核。")

    checker = new_page()
    sign_in(checker, reviewer)
    approve_in_queue(checker, title)

    resident = new_page()
    resident.goto(f"/meetings/{meeting_id}")
    expect(resident.get_by_role("heading", level=1)).to_have_text(title)
    expect(resident.locator(STATUS_BADGE)).to_have_text("正在召开")
    expect(resident.get_by_role("note")).to_contain_text("会议正在召开")
    public_agenda = resident.locator("ol.agenda > li")
    expect(public_agenda).to_have_count(2)
    expect(public_agenda.nth(0)).to_contain_text("本议题不予公开")
    expect(public_agenda.nth(0)).to_contain_text(f"不予公开的依据：{basis}")
    expect(public_agenda.nth(1).get_by_role("heading", level=3)).to_have_text(
        f"{public_item} 重大行政决策"
    )
    expect(public_agenda.nth(1)).to_contain_text("承办单位：区发展改革委")
    expect(resident.locator("main")).not_to_contain_text(secret_item)

    # The live desk: a post appears on the public page at once.
    staff.goto(f"/admin/meetings/{meeting_id}")
    staff.get_by_role("link", name="微直播发布台", exact=True).click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("微直播发布台")
    first_text = "会议开始，区长主持会议。"
    staff.get_by_label("直播内容", exact=True).fill(first_text)
    staff.get_by_label("相关议题（选填）", exact=True).select_option(label=f"2. {public_item}")
    staff.get_by_role("button", name="发布", exact=True).click()
    expect(staff.get_by_role("status")).to_contain_text("已发布。")

    live = resident.locator("#live-updates")
    resident.reload()
    expect(live).to_contain_text(first_text)
    expect(live).to_contain_text(public_item)

    # A second post, made from the test, reaches the open page by itself: htmx polls
    # every 5 s. The first poll finds nothing new (304) and leaves the list alone.
    resident.evaluate("window.__sameDocument = true")
    with resident.expect_response(LIVE_POLL, timeout=LIVE_POLL_WAIT) as poll:
        pass
    assert poll.value.status == 304
    resident.wait_for_timeout(200)  # time for htmx to (not) swap
    expect(live).to_contain_text(first_text)
    second_text = "审议通过2027年区级民生实事项目安排。"
    post_live_update(meeting_id, editor, second_text, about_item=secret_item)
    expect(live).to_contain_text(second_text, timeout=LIVE_POLL_WAIT)
    assert resident.evaluate("window.__sameDocument") is True  # not reloaded
    # Told in the status region that stays in the page, not only swapped in.
    expect(resident.locator("#live-status")).to_contain_text(second_text)
    assert_accessible(resident, "the live updates after a poll")
    expect(live.locator("li.live-update")).to_have_count(2)
    expect(resident.locator("main")).not_to_contain_text(secret_item)  # withheld stays so

    # A correction shows as edited; a withdrawn post leaves the public page.
    staff.reload()
    posted = staff.locator("li.live-update")
    expect(posted).to_have_count(2)
    corrected_text = "会议开始，区长主持会议，副区长出席。"
    posted.filter(has_text=first_text).get_by_role("link", name="更正", exact=True).click()
    staff.get_by_label("更正后的内容", exact=True).fill(corrected_text)
    staff.get_by_role("button", name="保存更正", exact=True).click()
    expect(staff.get_by_role("status")).to_contain_text("已更正")
    resident.reload()
    first = live.locator("li.live-update").filter(has_text=corrected_text)
    expect(first).to_contain_text("已编辑")
    expect(live).not_to_contain_text(first_text)
    screenshot_at_widths(staff, artifacts_dir, "staff-live-desk")
    screenshot_at_widths(resident, artifacts_dir, "public-meeting-live")

    posted.filter(has_text=second_text).get_by_role("button", name="撤回", exact=True).click()
    expect(staff.get_by_role("status")).to_contain_text("已从公开页面撤回。")
    expect(posted.filter(has_text=second_text)).to_contain_text("已撤回")
    resident.reload()
    expect(live.locator("li.live-update")).to_have_count(1)
    expect(live).not_to_contain_text(second_text)
    expect(live).to_contain_text(corrected_text)

    # Publishing the decision of its public item, through review, concludes the meeting.
    staff.goto(f"/admin/meetings/{meeting_id}")
    expect(staff.get_by_role("link", name="提议增加议题", exact=True)).to_be_visible()
    expect(staff.get_by_role("link", name="提议标记为已结束", exact=True)).to_have_count(0)
    staff.locator("#decisions").get_by_role("link", name="录入决定", exact=True).click()
    staff.get_by_label("决定内容", exact=True).fill("会议原则同意老旧小区综合整治计划。")
    staff.get_by_role("button", name="保存草稿", exact=True).click()
    expect(staff.get_by_role("status")).to_contain_text("决定已保存为草稿")
    staff.get_by_role("button", name="提交审核", exact=True).click()
    expect(staff.get_by_role("status")).to_contain_text("已提交审核。")
    decision_page = staff.url.split("#")[0]
    resident.reload()
    expect(resident.locator(STATUS_BADGE)).to_have_text("正在召开")  # not before approval

    checker.goto(decision_page)
    checker.get_by_role("button", name="审核通过并公开", exact=True).click()
    expect(checker.get_by_role("status")).to_contain_text("已公开")
    resident.reload()
    expect(resident.locator(STATUS_BADGE)).to_have_text("已结束")
    expect(resident.locator("main")).to_contain_text("会议原则同意老旧小区综合整治计划。")
    expect(resident.get_by_role("note")).to_have_count(0)
    expect(live).to_contain_text(corrected_text)
    expect(live).not_to_contain_text("自动刷新")  # no longer polling
    screenshot_at_widths(resident, artifacts_dir, "public-meeting-concluded")

    # The agenda of a concluded meeting cannot change any more.
    staff.goto(f"/admin/meetings/{meeting_id}")
    expect(staff.locator(STATUS_BADGE)).to_have_text("已结束")
    expect(staff.locator("#agenda-list > li")).to_have_count(2)
    expect(staff.get_by_role("button", name=re.compile("上移|下移"))).to_have_count(0)
    for link in ("添加议题", "提议增加议题", "提议修改名称", "提议撤销", "提议延期"):
        expect(staff.get_by_role("link", name=link, exact=True)).to_have_count(0)


@pytest.mark.browser
def test_meeting_is_prepared_reviewed_and_then_public(
    new_page, make_user, make_body, artifacts_dir
):
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

    # A meeting is announced with its agenda: at least one item before review.
    item_title = "关于老旧小区综合整治的议题"
    add_agenda_item(staff, item_title, 承办单位="区住房城乡建设委")
    staff.locator("#agenda-list").get_by_role("link", name=item_title, exact=True).click()
    staff.get_by_label("文件", exact=True).set_input_files(
        files=[{"name": DOCUMENT, "mimeType": "image/png", "buffer": PNG}]
    )
    staff.get_by_role("button", name="上传", exact=True).click()
    expect(staff.get_by_role("status")).to_contain_text("文件已上传。")
    staff.get_by_role("link", name=title, exact=True).click()
    staff.get_by_role("button", name="提交审核", exact=True).click()
    expect(staff.get_by_role("status")).to_contain_text("已提交审核。")
    expect(staff.locator(".review-box .badge")).to_have_text("待审核")
    assert status_of(resident, f"/meetings/{meeting_id}") == 404

    # The reviewer reads the page as residents will, and opens its document before approving.
    sign_out(staff)
    sign_in(staff, reviewer)
    staff.goto("/admin/review/")
    card = staff.locator("article.card").filter(has_text=title)
    expect(card).to_have_count(1)
    expect(card.get_by_role("button", name="审核通过并公开")).to_have_count(0)
    card.get_by_role("link", name=re.compile("^查看公开预览并审核")).click()
    expect(staff).to_have_url(re.compile(rf"/admin/meetings/{meeting_id}#preview-meeting-"))
    preview = staff.get_by_role("region", name="公开预览")
    expect(preview.get_by_role("heading", level=3)).to_have_text(title)
    expect(preview).to_contain_text("承办单位：区住房城乡建设委")
    expect(preview).to_contain_text(f"{day} 09:00")
    screenshot_at_widths(staff, artifacts_dir, "staff-meeting-review-preview")
    with staff.expect_response(re.compile(r"/admin/documents/meeting/\d+/")) as opened:
        preview.get_by_role("link", name=DOCUMENT, exact=True).click()
    assert opened.value.status == 200
    assert opened.value.headers["content-type"] == "image/png"
    assert opened.value.headers["cache-control"] == "no-store"
    staff.go_back()
    staff.get_by_role("button", name="审核通过并公开", exact=True).click()
    expect(staff.get_by_role("status")).to_contain_text("已审核通过，现已公开。")
    expect(staff.locator(".review-box .badge")).to_have_text("已审核公开")
    expect(staff.get_by_role("region", name="公开预览")).to_have_count(0)
    staff.goto("/admin/review/")
    expect(staff.locator("article.card").filter(has_text=title)).to_have_count(0)

    assert status_of(resident, f"/meetings/{meeting_id}") == 200
    public_document = resident.get_by_role("link", name=DOCUMENT, exact=True)
    expect(public_document).to_have_attribute("href", re.compile(r"^/documents/\d+/"))
    expect(resident.get_by_role("heading", level=1)).to_have_text(title)
    expect(resident.locator("main")).to_contain_text(body_name)
    # Typed in office time, shown in office time.
    expect(resident.locator("main")).to_contain_text(f"{day} 09:00")
    resident.goto("/")
    expect(resident.get_by_role("link", name=title)).to_be_visible()


def announced_meeting(make_meeting: Callable, make_user: Callable, **fields: object) -> MeetingRef:
    fields.setdefault("notes", "会议期间设居民列席席位，欢迎关注。")
    return public_meeting(make_meeting, make_user, **fields)


@pytest.mark.browser
def test_postponement_and_cancellation_are_public_after_review(
    new_page, make_meeting, make_user, make_body, artifacts_dir
):
    to_postpone = announced_meeting(
        make_meeting,
        make_user,
        title="2026年第22次区政府常务会议",
        body=make_body(name="区政府常务会议"),
    )
    to_cancel = announced_meeting(
        make_meeting,
        make_user,
        title="什刹海街道2026年第12次主任办公会",
        body=make_body(name="什刹海街道主任办公会", level=BodyLevel.STREET),
        venue="什刹海街道办事处会议室",
        starts_at=utcnow() + timedelta(days=3),
    )
    editor = staff_account(make_user, Role.EDITOR)
    reviewer = staff_account(make_user, Role.REVIEWER)
    staff, checker, resident = new_page(), new_page(), new_page()
    sign_in(staff, editor)
    sign_in(checker, reviewer)

    resident.goto(f"/meetings/{to_postpone.id}")
    # (By its class: its label is wrong, see test_announced_status_has_its_own_label.)
    expect(resident.locator(STATUS_BADGE)).to_have_class(ANNOUNCED)
    screenshot_at_widths(resident, artifacts_dir, "public-meeting-announced")

    # Postponed by a week, to 09:00 office time.
    new_day = to_office_time(utcnow() + timedelta(days=17)).date()
    new_start = f"{new_day:%Y-%m-%d}T09:00"
    new_end = f"{new_day:%Y-%m-%d}T11:30"
    reason = "因主要议题材料需进一步完善，会议延期召开。"
    staff.goto(f"/admin/meetings/{to_postpone.id}")
    propose_and_submit(
        staff,
        "提议延期",
        "已延期",
        **{
            "新的开始时间（办公地时间）": new_start,
            "新的结束时间（办公地时间）": new_end,
            "原因（将向公众公开）": reason,
        },
    )
    resident.reload()
    expect(resident.locator(STATUS_BADGE)).to_have_class(ANNOUNCED)  # not before approval

    # The reviewer sees before → after and what the public page will say.
    checker.goto("/admin/review/")
    proposal = checker.locator("article.card").filter(has_text=reason)
    expect(proposal.locator(".before-after")).to_contain_text(shown(new_start))
    expect(proposal.get_by_role("note")).to_contain_text("本次会议已延期")
    expect(proposal.get_by_role("note")).to_contain_text(f"现改为 {shown(new_start)} 召开")
    screenshot_at_widths(checker, artifacts_dir, "review-queue-postponement")
    approve_in_queue(checker, f"{to_postpone.title} · 已延期")

    resident.reload()
    expect(resident.locator(STATUS_BADGE)).to_have_text("已延期")
    notice = resident.get_by_role("note")
    expect(notice).to_contain_text("本次会议已延期")
    expect(notice).to_contain_text(f"现改为 {shown(new_start)} 召开")
    expect(notice).to_contain_text(reason)
    expect(resident.locator("dl.facts")).to_contain_text(f"{shown(new_start)} – 11:30")
    expect(resident.get_by_role("region", name="公布后的变更")).to_contain_text("已延期")
    screenshot_at_widths(resident, artifacts_dir, "public-meeting-postponed")

    # Cancelled, with its reason; the meeting stays on the public record.
    cancel_reason = "因防汛工作需要，本次会议取消。"
    staff.goto(f"/admin/meetings/{to_cancel.id}")
    propose_and_submit(staff, "提议取消会议", "已取消", **{"原因（将向公众公开）": cancel_reason})
    approve_in_queue(checker, f"{to_cancel.title} · 已取消")

    resident.goto(f"/meetings/{to_cancel.id}")
    expect(resident.locator(STATUS_BADGE)).to_have_text("已取消")
    notice = resident.get_by_role("note")
    expect(notice).to_contain_text("本次会议已取消")
    expect(notice).to_contain_text(cancel_reason)
    screenshot_at_widths(resident, artifacts_dir, "public-meeting-cancelled")

    resident.goto("/meetings/")
    expect(resident.locator("#results-count")).to_have_text("共 2 次会议")
    cards = resident.locator("article.meeting-card")
    postponed_card = cards.filter(has_text=to_postpone.title)
    expect(postponed_card.locator(".badge")).to_have_text("已延期")
    expect(postponed_card).to_contain_text(shown(new_start))
    expect(cards.filter(has_text=to_cancel.title).locator(".badge")).to_have_text("已取消")


@pytest.mark.browser
def test_announced_status_has_its_own_label(page, make_meeting, make_user):
    meeting = announced_meeting(make_meeting, make_user)
    page.goto(f"/meetings/{meeting.id}")
    expect(page.locator(STATUS_BADGE)).to_have_text("已公布", timeout=1_000)


@pytest.fixture
def meetings_in_every_state(
    make_meeting, make_user, make_body, approve_change
) -> dict[str, MeetingRef]:
    """Public meetings of two bodies: announced, live, postponed and cancelled."""
    district = make_body(name="区政府常务会议", slug="district-executive")
    street = make_body(name="什刹海街道主任办公会", slug="shichahai", level=BodyLevel.STREET)
    announced = announced_meeting(
        make_meeting, make_user, title="2026年第23次区政府常务会议", body=district
    )
    live = announced_meeting(
        make_meeting,
        make_user,
        title="2026年第20次区政府常务会议",
        body=district,
        starts_at=utcnow() - timedelta(minutes=20),
    )
    postponed = announced_meeting(
        make_meeting,
        make_user,
        title="什刹海街道2026年第13次主任办公会",
        body=street,
        venue="什刹海街道办事处会议室",
    )
    cancelled = announced_meeting(
        make_meeting,
        make_user,
        title="什刹海街道2026年第12次主任办公会",
        body=street,
        venue="什刹海街道办事处会议室",
        starts_at=utcnow() + timedelta(days=2),
    )
    later = from_office_time(
        datetime.combine(to_office_time(utcnow() + timedelta(days=20)).date(), datetime.min.time())
        + timedelta(hours=9)
    )
    approve_change(
        db.session.get(Meeting, postponed.id),
        ChangeKind.POSTPONE,
        new_starts_at=later,
        new_ends_at=later + timedelta(hours=2),
        reason="与区级会议时间冲突。",
    )
    approve_change(
        db.session.get(Meeting, cancelled.id), ChangeKind.CANCEL, reason="议题已并入下次会议。"
    )
    settle()
    return {"announced": announced, "live": live, "postponed": postponed, "cancelled": cancelled}


def titles_listed(page: Page):
    return page.locator("#results article.meeting-card h2")


@pytest.mark.browser
def test_status_filter_updates_the_list_in_place_and_the_address(
    page, meetings_in_every_state, artifacts_dir
):
    meetings = meetings_in_every_state
    page.goto("/meetings/")
    expect(page.locator("#results-count")).to_have_text("共 4 次会议")
    screenshot_at_widths(page, artifacts_dir, "public-meeting-list")
    page.evaluate("window.__sameDocument = true")

    page.get_by_label("状态", exact=True).focus()  # as a person choosing does
    page.get_by_label("状态", exact=True).select_option(label="已取消")
    expect(page).to_have_url(re.compile(r"/meetings/\?.*status=cancelled"))
    expect(page.locator("#results-count")).to_have_text("共 1 次会议")
    expect(titles_listed(page)).to_have_text([meetings["cancelled"].title])
    assert page.evaluate("window.__sameDocument") is True  # htmx swapped the results
    assert_focus_kept(page, "after filtering")
    assert_accessible(page, "the list after filtering")

    page.get_by_label("状态", exact=True).select_option(label="正在召开")
    expect(page).to_have_url(re.compile(r"status=live"))
    expect(titles_listed(page)).to_have_text([meetings["live"].title])
    htmx_settled(page)
    page.get_by_label("会议主体", exact=True).select_option(label="什刹海街道主任办公会")
    expect(page.locator("#results-count")).to_have_text("共 0 次会议")
    expect(page.locator("#results")).to_contain_text("没有符合条件的会议")

    # The pushed address is a real one: loaded afresh it shows the same filters.
    page.reload()
    expect(page.get_by_label("状态", exact=True)).to_have_value("live")
    expect(page.get_by_label("会议主体", exact=True)).to_have_value("shichahai")
    expect(page.locator("#results-count")).to_have_text("共 0 次会议")
    page.go_back()
    expect(page).to_have_url(re.compile(r"status=live"))


@pytest.mark.browser
def test_status_filter_works_without_javascript(new_page, meetings_in_every_state):
    meetings = meetings_in_every_state
    page = new_page(java_script_enabled=False)
    page.goto("/meetings/")
    expect(page.locator("#results-count")).to_have_text("共 4 次会议")

    page.get_by_label("状态", exact=True).select_option(label="已延期")
    expect(page.locator("#results-count")).to_have_text("共 4 次会议")  # nothing until 显示
    page.get_by_role("button", name="显示", exact=True).click()
    expect(page).to_have_url(re.compile(r"/meetings/\?.*status=postponed"))
    expect(page.locator("#results-count")).to_have_text("共 1 次会议")
    expect(titles_listed(page)).to_have_text([meetings["postponed"].title])
    expect(page.get_by_label("状态", exact=True)).to_have_value("postponed")

    page.get_by_label("层级", exact=True).select_option(label="区级")
    page.get_by_label("状态", exact=True).select_option(label="全部")
    page.get_by_role("button", name="显示", exact=True).click()
    expect(page).to_have_url(re.compile(r"level=district"))
    # live and upcoming meetings first, soonest first
    expect(titles_listed(page)).to_have_text([meetings["live"].title, meetings["announced"].title])


@pytest.mark.browser
def test_back_shows_the_filters_the_results_were_chosen_by(page, meetings_in_every_state):
    meetings = meetings_in_every_state
    page.goto("/meetings/")
    status, body = page.get_by_label("状态", exact=True), page.get_by_label("会议主体", exact=True)
    status.select_option(label="已取消")
    expect(titles_listed(page)).to_have_text([meetings["cancelled"].title])
    body.select_option(label="区政府常务会议")
    expect(page.locator("#results-count")).to_have_text("共 0 次会议")

    page.go_back()  # htmx restores the page it keeps: filters and results together
    expect(page).to_have_url(re.compile(r"status=cancelled"))
    expect(titles_listed(page)).to_have_text([meetings["cancelled"].title])
    expect(status).to_have_value("cancelled")
    expect(body).to_have_value("")
    page.go_back()
    expect(page.locator("#results-count")).to_have_text("共 4 次会议")
    expect(status).to_have_value("")
    page.go_forward()
    expect(status).to_have_value("cancelled")
    expect(titles_listed(page)).to_have_text([meetings["cancelled"].title])
    assert_accessible(page, "the list restored from history")
