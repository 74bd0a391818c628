"""A public consultation (征求意见) in the browser: prepared on a major-decision agenda item
and reviewed, commented on by residents (with and without JavaScript), moderated, answered,
closed, and reported on in a reviewed feedback report that the meeting page links to.
Screenshots of the public and staff pages go to `test-artifacts/`. Fixtures, helpers and
the SQLite locking rule: `browser_support`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import select, update

from core import review
from core.accounts.models import Role, User
from core.clock import to_office_time, utcnow
from engagement.consultations import operations
from engagement.consultations.models import Consultation
from extensions import db
from meetings.models import AgendaItem
from tests.browser_support import (
    Account,
    MeetingRef,
    expect,
    public_meeting,
    requires_chromium,
    screenshot_at_widths,
    settle,
    sign_in,
    staff_account,
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
    from playwright.sync_api import Locator, Page

pytestmark = requires_chromium

RECEIPT = re.compile(r"ZJ-\d{4}-\d{6}")
ITEM = "关于2027年老旧小区综合整治实施方案的议题"
SHORT_REASON = "实施方案须在本年度汛期前报区政府常务会议审议，征求意见期相应缩短。"


@dataclass(frozen=True)
class Setting:
    """A public meeting some days ahead whose only agenda item is a major decision."""

    meeting: MeetingRef
    item_id: int
    option: str  # the item as the consultation form's select lists it


def major_decision_meeting(make_meeting: Callable, make_user: Callable) -> Setting:
    meeting = public_meeting(
        make_meeting,
        make_user,
        title="2026年第24次区政府常务会议",
        starts_at=utcnow() + timedelta(days=5),
        agenda=[AgendaItem(position=1, title=ITEM, is_major_decision=True)],
    )
    item_id = db.session.scalar(select(AgendaItem.id).where(AgendaItem.meeting_id == meeting.id))
    settle()
    return Setting(meeting, item_id, f"{meeting.title} · {ITEM}")


def user_named(account: Account) -> User:
    return db.session.scalar(select(User).where(User.username == account.username))


def comment_in_thread(consultation_id: int, body: str, name: str, **fields: object) -> str:
    """A comment sent through the app's operation (as the web form would), committed;
    returns its receipt number."""
    consultation = db.session.get(Consultation, consultation_id)
    comment = operations.submit_comment(
        consultation,
        body=body,
        name=name,
        show_name=fields.pop("show_name", True),
        phone=None,
        email=None,
        community=fields.pop("community", None),
        consented=True,
    )
    receipt = comment.receipt_number
    settle()
    return receipt


def close_period(consultation_id: int) -> None:
    """Move the closing second into the past. The operations only ever extend a period,
    so the test changes the row itself."""
    db.session.execute(
        update(Consultation)
        .where(Consultation.id == consultation_id)
        .values(closes_at=utcnow() - timedelta(seconds=1))
    )
    settle()


def flashes(page: Page) -> Locator:
    return page.locator(".flashes")


def card_of(page: Page, receipt: str) -> Locator:
    return page.locator("#moderation article.comment").filter(has_text=receipt)


def answer(page: Page, receipt: str, disposition: str, reply: str = "", reason: str = "") -> None:
    """In the queue of published comments: 答复与采纳情况 for one comment, fill, 保存."""
    card_of(page, receipt).get_by_role("link", name="答复与采纳情况", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"意见 {receipt}")
    page.get_by_label("公开答复（选填）", exact=True).fill(reply)
    page.get_by_label("采纳情况", exact=True).select_option(label=disposition)
    page.get_by_label("理由（未采纳时必填）", exact=True).fill(reason)
    page.get_by_role("button", name="保存", exact=True).click()


def submit_for_review_refused(page: Page, message: str) -> None:
    page.get_by_role("button", name="提交审核", exact=True).click()
    expect(flashes(page)).to_contain_text(message)
    expect(page.locator(".review-box .badge")).to_have_text("草稿")


@pytest.mark.browser
def test_consultation_from_draft_through_comments_to_published_feedback(
    new_page, make_meeting, make_user, artifacts_dir
):
    setting = major_decision_meeting(make_meeting, make_user)
    editor = staff_account(make_user, Role.EDITOR, display_name="张敏")
    reviewer = staff_account(make_user, Role.REVIEWER, display_name="李静")
    second_reviewer = staff_account(make_user, Role.REVIEWER, display_name="王芳")
    title = "《2027年老旧小区综合整治实施方案（征求意见稿）》"
    draft = "## 一、整治范围\n\n全区2000年前建成的老旧小区，共 **42** 个。"
    explanation = "为改善居民居住条件，区住房城乡建设委起草了本方案。"
    channels = "来信请寄：某某区住房城乡建设委，邮编100000"
    now = utcnow()

    # The editor prepares the consultation; two days need the reason for a short period.
    staff = new_page()
    sign_in(staff, editor)
    staff.goto("/admin/consultations/new")
    staff.get_by_label("议题（重大行政决策）", exact=True).select_option(label=setting.option)
    staff.get_by_label("名称", exact=True).fill(title)
    staff.get_by_label("草案全文（Markdown）", exact=True).fill(draft)
    staff.get_by_label("起草说明（Markdown）", exact=True).fill(explanation)
    staff.get_by_label("其他提交意见的方式（通信地址、电子邮箱）", exact=True).fill(channels)
    staff.get_by_label("开始时间（办公地时间）", exact=True).fill(typed(now))
    staff.get_by_label("截止时间（办公地时间）", exact=True).fill(typed(now + timedelta(days=2)))
    staff.get_by_role("button", name="保存草稿", exact=True).click()
    expect(staff.get_by_role("alert")).to_contain_text("征求意见期少于30日的，须说明理由。")
    expect(staff.get_by_label("名称", exact=True)).to_have_value(title)  # nothing lost
    staff.get_by_label("征求意见期少于30日的理由（将公开）", exact=True).fill(SHORT_REASON)
    staff.get_by_role("button", name="保存草稿", exact=True).click()
    expect(flashes(staff)).to_contain_text("征求意见已准备好。")
    expect(staff).to_have_url(re.compile(r"/admin/consultations/\d+$"))
    consultation_id = int(re.search(r"/admin/consultations/(\d+)", staff.url)[1])
    public_path = f"/consultations/{consultation_id}"

    resident = new_page()
    assert resident.goto(public_path).status == 404  # not before review

    staff.get_by_role("button", name="提交审核", exact=True).click()
    expect(flashes(staff)).to_contain_text("已提交审核。")
    checker = new_page()
    sign_in(checker, reviewer)
    checker.goto(f"/admin/consultations/{consultation_id}")
    # The reviewer reads the consultation as residents will read it.
    preview = checker.get_by_role("region", name="公开预览")
    expect(preview.locator(".preview-page > h3")).to_have_text(title)
    expect(preview.locator("h3 + p .badge")).to_have_text("正在征求意见")
    expect(preview.get_by_role("heading", name="一、整治范围", level=5)).to_be_visible()
    expect(preview.locator(".prose strong")).to_have_text("42")  # the draft, rendered
    expect(preview).to_contain_text(explanation)
    expect(preview).to_contain_text(SHORT_REASON)
    expect(preview).to_contain_text(channels)
    expect(preview).to_contain_text(ITEM)
    screenshot_at_widths(checker, artifacts_dir, "staff-consultation-review-preview")
    checker.get_by_role("button", name="审核通过并公开", exact=True).click()
    expect(flashes(checker)).to_contain_text("已审核通过，现已公开。")
    expect(checker.locator(".review-box .badge")).to_have_text("已审核公开")
    expect(checker.get_by_role("region", name="公开预览")).to_have_count(0)

    # A resident reads the draft; the counter follows what they type.
    resident.goto(public_path)
    expect(resident.get_by_role("heading", level=1)).to_have_text(title)
    expect(resident.locator("h1 + p .badge")).to_have_text("正在征求意见")
    expect(resident.locator("dl.facts")).to_contain_text(SHORT_REASON)
    expect(resident.locator(".prose strong")).to_have_text("42")  # Markdown rendered
    expect(resident.locator("#comment")).to_contain_text(channels)
    counter = resident.locator("#body-counter")
    expect(counter).to_have_text("还可输入 5000 字")
    body = resident.get_by_label("您的意见", exact=True)
    body.press_sequentially("建议增加")
    expect(counter).to_have_text("还可输入 4996 字")
    body.fill("")
    expect(counter).to_have_text("还可输入 5000 字")
    screenshot_at_widths(resident, artifacts_dir, "public-consultation-open")

    # Sent without a comment and without consent: errors next to the fields, name kept.
    resident.get_by_label("您的姓名", exact=True).fill("刘洋")
    resident.get_by_label("所在社区（选填）", exact=True).fill("什刹海社区")
    resident.get_by_role("button", name="提交意见", exact=True).click()
    expect(resident.get_by_role("alert")).to_contain_text("请修改以下内容")
    expect(resident.locator("#body-error")).to_have_text("请填写您的意见。")
    expect(resident.locator("#consent-error")).to_have_text("需要您的同意才能处理该意见。")
    expect(body).to_have_attribute("aria-describedby", re.compile(r"\bbody-error\b"))
    expect(resident.get_by_label("您的姓名", exact=True)).to_have_value("刘洋")
    expect(resident.get_by_label("所在社区（选填）", exact=True)).to_have_value("什刹海社区")
    expect(counter).to_have_text("还可输入 5000 字")  # the counter works after the error too
    screenshot_at_widths(resident, artifacts_dir, "public-consultation-errors")

    text = "建议在整治内容中增加加装电梯，并优先安排有老年人居住的楼栋。"
    body.fill(text)
    expect(counter).to_have_text(f"还可输入 {5000 - len(text)} 字")
    resident.get_by_label("公开意见时不显示我的姓名", exact=True).check()
    resident.get_by_label(re.compile("^我同意处理我的个人信息")).check()
    resident.get_by_role("button", name="提交意见", exact=True).click()
    expect(resident).to_have_url(re.compile(r"/comments/[\w-]{20,}#receipt$"))
    heading = resident.get_by_role("heading", level=1)
    expect(heading).to_have_text(
        re.compile(rf"^您的意见 ZJ-{to_office_time(utcnow()).year}-\d{{6}}$")
    )
    mine = RECEIPT.search(heading.inner_text())[0]
    expect(resident.get_by_role("status")).to_contain_text(f"请保存回执编号：{mine}")
    expect(resident.locator("dl.facts")).to_contain_text("已收到，待审核")
    expect(resident.locator("main")).to_contain_text(text)
    screenshot_at_widths(resident, artifacts_dir, "public-comment-receipt")

    second = comment_in_thread(consultation_id, "建议同步改造小区雨污管网。", "陈刚")
    off_topic = comment_in_thread(consultation_id, "隔壁楼302的赵某长期占用车位。", "匿名")

    # Moderation: htmx swaps the queue in place.
    staff.goto(f"/admin/consultations/{consultation_id}/comments")
    counts = staff.locator("#moderation .counts")
    expect(counts).to_have_text("已收到 3 · 已公开 0 · 不予公开 0 · 待审核 3")
    expect(card_of(staff, mine)).to_contain_text("刘洋 (不公开姓名)")
    screenshot_at_widths(staff, artifacts_dir, "staff-moderation-queue")
    staff.evaluate("window.__sameDocument = true")
    staff.get_by_label(mine).check()
    staff.get_by_label(second).check()
    staff.get_by_role("button", name="公开所选意见", exact=True).click()
    expect(staff.locator("#moderation-status .flash")).to_have_text("已处理 2 条意见。")
    expect(counts).to_have_text("已收到 3 · 已公开 2 · 不予公开 0 · 待审核 1")
    expect(staff.locator("#moderation article.comment")).to_have_count(1)
    assert staff.evaluate("window.__sameDocument") is True
    assert_focus_kept(staff, "after publishing")
    assert_accessible(staff, "the moderation queue after publishing")

    # Not publishing needs a reason (the no-JS test checks the error shown in the page,
    # test_rejecting_without_reason_shows_the_error_with_htmx the one swapped in).
    staff.get_by_label(off_topic).check()
    with staff.expect_response(re.compile(r"/comments/moderate$")) as refused:
        staff.get_by_role("button", name="所选意见不予公开", exact=True).click()
    assert refused.value.status == 422
    expect(staff.get_by_label(off_topic)).to_be_checked()
    assert_focus_kept(staff, "after a refusal")
    assert_accessible(staff, "the moderation queue with the reason's error")
    expect(counts).to_have_text("已收到 3 · 已公开 2 · 不予公开 0 · 待审核 1")
    staff.get_by_label("不予公开的理由（不予公开时必填）", exact=True).fill("含有他人个人信息。")
    staff.get_by_role("button", name="所选意见不予公开", exact=True).click()
    expect(staff.locator("#moderation-status .flash")).to_have_text("已处理 1 条意见。")
    expect(counts).to_have_text("已收到 3 · 已公开 2 · 不予公开 1 · 待审核 0")
    expect(staff.locator("#moderation")).to_contain_text("没有该状态的意见。")
    assert staff.evaluate("window.__sameDocument") is True

    staff.get_by_role("link", name="不予公开 (1)", exact=True).click()
    expect(staff).to_have_url(re.compile(r"status=rejected"))
    expect(card_of(staff, off_topic)).to_contain_text("原因：含有他人个人信息。")
    assert_focus_kept(staff, "after choosing a status")
    assert_accessible(staff, "the moderation queue of rejected comments")

    # Replies and dispositions; 未采纳 needs its reason.
    staff.get_by_role("link", name="已公开 (2)", exact=True).click()
    expect(staff).to_have_url(re.compile(r"status=published"))
    reply = "感谢您的建议。加装电梯已列入整治内容，老年人居住的楼栋优先。"
    answer(staff, mine, "部分采纳", reply=reply)
    expect(flashes(staff)).to_contain_text("已保存。")
    expect(staff).to_have_url(re.compile(r"/admin/consultations/\d+/comments\?status=published$"))
    expect(card_of(staff, mine)).to_contain_text("部分采纳")
    expect(card_of(staff, mine).locator(".reply")).to_have_text(reply)

    resident.reload()  # still on the receipt page
    expect(resident.locator("dl.facts")).to_contain_text("已公开")
    expect(resident.locator("dl.facts")).to_contain_text(reply)
    resident.goto(public_path)
    published = resident.get_by_role("region", name="已公开的意见")
    expect(published.locator("article.comment")).to_have_count(2)
    expect(published).to_contain_text("一位居民")
    expect(published).not_to_contain_text("什刹海社区")  # nothing that points at the person
    expect(published).not_to_contain_text("刘洋")
    expect(published).not_to_contain_text(off_topic)

    # The feedback report cannot be submitted while the period is open ...
    staff.goto(f"/admin/consultations/{consultation_id}/feedback")
    summary = "共收到意见3条，公开2条。关于加装电梯的建议已部分采纳。"
    staff.get_by_label("意见综述及采纳情况（Markdown）", exact=True).fill(summary)
    staff.get_by_role("button", name="保存意见采纳情况", exact=True).click()
    expect(flashes(staff)).to_contain_text("意见采纳情况已保存。")
    expect(staff.locator("main")).to_contain_text(
        "有 1 条已公开的意见尚未确定采纳情况；1 条不予公开。"
    )
    screenshot_at_widths(staff, artifacts_dir, "staff-feedback")
    submit_for_review_refused(staff, "征求意见期截止后才能公布意见采纳情况。")

    # ... and the period closes.
    close_period(consultation_id)
    resident.reload()
    expect(resident.locator("h1 + p .badge")).to_have_text("已截止")
    expect(resident.locator("#comment")).to_contain_text("征求意见期已截止。")
    expect(resident.locator("#comment form")).to_have_count(0)
    expect(resident.get_by_role("button", name="提交意见", exact=True)).to_have_count(0)

    # ... nor while a published comment has no disposition.
    staff.reload()
    submit_for_review_refused(staff, "每条已公开的意见都须先确定采纳情况。")
    staff.goto(f"/admin/consultations/{consultation_id}/comments?status=published")
    answer(staff, second, "未采纳")
    expect(staff.locator(".error-message")).to_have_text("请说明未采纳的理由。")
    expect(staff.get_by_label("采纳情况", exact=True)).to_have_value("not_adopted")
    staff.get_by_label("理由（未采纳时必填）", exact=True).fill("雨污管网改造另行立项实施。")
    staff.get_by_role("button", name="保存", exact=True).click()
    expect(flashes(staff)).to_contain_text("已保存。")

    staff.goto(f"/admin/consultations/{consultation_id}/feedback")
    expect(staff.locator("main")).to_contain_text("有 0 条已公开的意见尚未确定采纳情况")
    staff.get_by_role("button", name="提交审核", exact=True).click()
    expect(flashes(staff)).to_contain_text("已提交审核。")
    expect(staff.locator(".review-box .badge")).to_have_text("待审核")

    checker.close()
    checker = new_page()
    sign_in(checker, second_reviewer)
    checker.goto(f"/admin/consultations/{consultation_id}/feedback")
    preview = checker.get_by_role("region", name="公开预览")
    expect(preview.locator("h3 + p .badge")).to_have_text("已公布采纳情况")
    expect(preview).to_contain_text(summary)
    expect(preview).to_contain_text("部分采纳 1 条 · 未采纳 1 条")
    expect(preview).to_contain_text("未采纳 · 雨污管网改造另行立项实施。")
    screenshot_at_widths(checker, artifacts_dir, "staff-feedback-review-preview")
    checker.get_by_role("button", name="审核通过并公开", exact=True).click()
    expect(flashes(checker)).to_contain_text("已审核通过，现已公开。")

    # Public: the report with its counts, the replies and the dispositions.
    resident.reload()
    expect(resident.locator("h1 + p .badge")).to_have_text("已公布采纳情况")
    report = resident.get_by_role("region", name="意见采纳情况")
    expect(report).to_contain_text(
        "采纳 0 条 · 部分采纳 1 条 · 未采纳 1 条 · 不属于征求意见范围 0 条"
    )
    expect(report).to_contain_text(summary)
    mine_public = published.locator("article.comment").filter(has_text=text)
    expect(mine_public.locator(".reply")).to_contain_text(f"办公室的答复：{reply}")
    expect(mine_public).to_contain_text("部分采纳")
    expect(published.locator("article.comment").filter(has_text="雨污管网")).to_contain_text(
        "未采纳 · 雨污管网改造另行立项实施。"
    )
    screenshot_at_widths(resident, artifacts_dir, "public-consultation-feedback")

    # The meeting page links the report under the agenda item.
    resident.goto(f"/meetings/{setting.meeting.id}")
    item = resident.locator("ol.agenda > li").filter(has_text=ITEM)
    expect(
        item.get_by_role("link", name="公开征求意见：已公布采纳情况", exact=True)
    ).to_have_attribute("href", public_path)
    feedback_link = item.get_by_role("link", name="意见采纳情况反馈", exact=True)
    expect(feedback_link).to_have_attribute("href", f"{public_path}#feedback")
    feedback_link.click()
    expect(resident).to_have_url(re.compile(rf"{public_path}#feedback$"))
    expect(report).to_be_visible()


def open_consultation(setting: Setting, editor: Account, reviewer: Account) -> int:
    """A consultation open since a minute ago for two days, reviewed and public."""
    item = db.session.get(AgendaItem, setting.item_id)
    now = utcnow()
    consultation = operations.open_consultation(
        item,
        actor=user_named(editor),
        title="《老旧小区综合整治实施方案（征求意见稿）》",
        draft_text="全区老旧小区42个。",
        explanation="起草说明。",
        other_channels=None,
        opens_at=now - timedelta(minutes=1),
        closes_at=now + timedelta(days=2),
        short_period_reason=SHORT_REASON,
    )
    review.submit_for_review(consultation, actor=user_named(editor))
    review.approve(consultation, actor=user_named(reviewer))
    db.session.commit()
    consultation_id = consultation.id
    settle()
    return consultation_id


@pytest.mark.browser
def test_comment_and_moderation_work_without_javascript(new_page, make_meeting, make_user):
    setting = major_decision_meeting(make_meeting, make_user)
    editor = staff_account(make_user, Role.EDITOR)
    reviewer = staff_account(make_user, Role.REVIEWER)
    consultation_id = open_consultation(setting, editor, reviewer)

    resident = new_page(java_script_enabled=False)
    resident.goto(f"/consultations/{consultation_id}")
    expect(resident.locator("#body-counter")).to_be_hidden()
    expect(resident.locator("#body-hint")).to_have_text("不超过 5000 字。")
    resident.get_by_label("您的意见", exact=True).fill("建议公布各小区的整治时间表。")
    resident.get_by_role("button", name="提交意见", exact=True).click()
    expect(resident.locator("#name-error")).to_have_text("请输入您的姓名。")
    expect(resident.get_by_label("您的意见", exact=True)).to_have_value(
        "建议公布各小区的整治时间表。"
    )
    resident.get_by_label("您的姓名", exact=True).fill("周敏")
    resident.get_by_label(re.compile("^我同意处理我的个人信息")).check()
    resident.get_by_role("button", name="提交意见", exact=True).click()
    expect(resident).to_have_url(re.compile(r"/comments/[\w-]{20,}#receipt$"))
    receipt = RECEIPT.search(resident.get_by_role("heading", level=1).inner_text())[0]

    staff = new_page(java_script_enabled=False)
    sign_in(staff, editor)
    staff.goto(f"/admin/consultations/{consultation_id}/comments")
    counts = staff.locator("#moderation .counts")
    expect(counts).to_have_text("已收到 1 · 已公开 0 · 不予公开 0 · 待审核 1")

    staff.get_by_label(receipt).check()
    staff.get_by_role("button", name="所选意见不予公开", exact=True).click()
    expect(staff.locator("#moderation .error-summary")).to_have_text("请说明不予公开的理由。")
    expect(staff.get_by_label(receipt)).to_be_checked()  # the choice survives the error

    staff.get_by_role("button", name="公开所选意见", exact=True).click()
    expect(staff).to_have_url(re.compile(r"/comments\?status=received$"))
    expect(flashes(staff)).to_contain_text("已处理 1 条意见。")
    expect(counts).to_have_text("已收到 1 · 已公开 1 · 不予公开 0 · 待审核 0")

    resident.goto(f"/consultations/{consultation_id}")
    published = resident.get_by_role("region", name="已公开的意见")
    expect(published.locator("article.comment")).to_have_count(1)
    expect(published).to_contain_text("周敏")
    expect(published).to_contain_text("建议公布各小区的整治时间表。")


@pytest.mark.browser
def test_rejecting_without_reason_shows_the_error_with_htmx(new_page, make_meeting, make_user):
    setting = major_decision_meeting(make_meeting, make_user)
    editor = staff_account(make_user, Role.EDITOR)
    reviewer = staff_account(make_user, Role.REVIEWER)
    consultation_id = open_consultation(setting, editor, reviewer)
    receipt = comment_in_thread(consultation_id, "建议增加停车位。", "吴磊")

    staff = new_page()
    sign_in(staff, editor)
    staff.goto(f"/admin/consultations/{consultation_id}/comments")
    staff.get_by_label(receipt).check()
    staff.get_by_role("button", name="所选意见不予公开", exact=True).click()
    expect(staff.locator("#moderation .error-summary")).to_have_text(
        "请说明不予公开的理由。", timeout=2_000
    )
    expect(staff.get_by_label(receipt)).to_be_checked()
