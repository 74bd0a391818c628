"""Demo consultations: one open now with comments, one closed with its feedback report."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core import review
from core.accounts.models import User
from core.clock import utcnow
from core.review import ReviewState
from engagement.consultations import operations
from engagement.consultations.models import Comment, Disposition
from extensions import db
from meetings.models import AgendaItem

DEMO_COMMENTS = (
    (
        "王建国",
        "新街口社区",
        "建议划片方案公布前先在社区公示，给家长留出足够的准备时间。",
        Disposition.ADOPTED,
        None,
        "已采纳：划片方案将提前30日在各社区公示。",
    ),
    (
        "李秀英",
        "德胜社区",
        "多校划片要考虑孩子上学路程，低年级尽量就近。",
        Disposition.PARTLY_ADOPTED,
        None,
        "部分采纳：低年级优先就近，但部分学区学位有限。",
    ),
    (
        "匿名居民",
        None,
        "希望取消所有入学材料审核。",
        Disposition.NOT_ADOPTED,
        "入学材料审核是确保学位公平分配的必要环节，依法不能取消。",
        None,
    ),
    ("赵敏", "什刹海社区", "建议同步公布各校学位数量。", Disposition.OUT_OF_SCOPE, None, None),
)


def _past_comment(consultation, name, community, body, received_at):
    comment = Comment(
        consultation=consultation,
        body=body,
        name=name,
        show_name=name != "匿名居民",
        community=community,
        consent_at=received_at,
        received_at=received_at,
    )
    db.session.add(comment)
    db.session.flush()
    comment.receipt_number = operations.receipt_for(comment)
    return comment


def load_consultations_demo(staff: dict[str, User]) -> None:
    """One consultation open now, one closed with its feedback report published."""
    editor, reviewer = staff["editor"], staff["reviewer"]
    now = utcnow()
    items = db.session.scalars(
        select(AgendaItem).where(AgendaItem.is_major_decision).order_by(AgendaItem.id)
    ).all()
    upcoming_school = next(
        item for item in items if "入学政策" in item.title and item.meeting.starts_at > now
    )
    past_elderly = next(
        item
        for item in items
        if "养老服务驿站" in item.title
        and item.meeting.concluded_at is not None
        and item.meeting.starts_at < now - timedelta(days=10)
    )
    open_one = operations.open_consultation(
        upcoming_school,
        title="《2027年义务教育阶段入学工作实施意见（征求意见稿）》公开征求意见",
        draft_text=(
            "## 一、总体要求\n\n坚持免试就近入学，完善多校划片。\n\n"
            "## 二、入学材料审核\n\n非本市户籍适龄儿童入学材料由街道统一受理。"
        ),
        explanation="为进一步规范义务教育阶段入学工作，区教委起草了本实施意见。**欢迎提出意见。**",
        other_channels="信函：区教委基础教育科（请在信封注明“入学意见”）\n电子邮箱：jw-yijian@example.gov.cn",
        opens_at=now - timedelta(days=2),
        closes_at=upcoming_school.meeting.starts_at - timedelta(days=3),
        short_period_reason="为确保明年春季入学工作按时启动，征求意见期缩短，并同步在各社区张贴公告。",
        actor=editor,
    )
    review.submit_for_review(open_one, actor=editor)
    review.approve(open_one, actor=reviewer)
    # History: it was approved, and so opened, two days ago.
    open_one.submitted_at = open_one.published_at = open_one.opens_at = now - timedelta(days=2)
    for index, (name, community, body, *_rest) in enumerate(DEMO_COMMENTS[:3]):
        comment = _past_comment(
            open_one, name, community, body, now - timedelta(hours=30 - index * 5)
        )
        if index < 2:
            operations.moderate_comments([comment], True, None, actor=editor)

    closed = operations.open_consultation(
        past_elderly,
        title="《关于加快养老服务驿站建设的实施意见（征求意见稿）》公开征求意见",
        draft_text="## 建设目标\n\n到2027年底实现每个社区至少一个养老服务驿站。",
        explanation="本意见由区民政局起草，征求社会各界意见。",
        other_channels=None,
        opens_at=past_elderly.meeting.starts_at - timedelta(days=45),
        closes_at=past_elderly.meeting.starts_at - timedelta(days=10),
        short_period_reason=None,
        actor=editor,
    )
    # History: this one was reviewed and published before its period ran, months ago.
    closed.review_state = ReviewState.APPROVED
    closed.submitted_at = closed.published_at = closed.opens_at - timedelta(days=1)
    closed.reviewed_by = reviewer
    for index, (name, community, body, disposition, reason, reply) in enumerate(DEMO_COMMENTS):
        comment = _past_comment(
            closed,
            name,
            community,
            body.replace("划片", "驿站选址"),
            closed.opens_at + timedelta(days=3 + index),
        )
        operations.moderate_comments([comment], True, None, actor=editor)
        operations.answer_comment(
            comment, reply=reply, disposition=disposition, disposition_reason=reason, actor=editor
        )
    report = operations.save_feedback_report(
        closed,
        "共收到意见4条，均已公开。采纳1条、部分采纳1条，未采纳的意见已逐条说明理由。",
        actor=editor,
    )
    review.submit_for_review(report, actor=editor)
    review.approve(report, actor=reviewer)
