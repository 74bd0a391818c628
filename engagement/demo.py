"""`flask demo`: realistic demo data for one machine, loaded once and kept after that."""

from __future__ import annotations

from datetime import timedelta

import click
from flask import current_app
from sqlalchemy import func, select

from engagement import operations
from engagement.models import Comment, Disposition
from extensions import db
from meetings import review
from meetings.clock import utcnow
from meetings.demo import load_meetings_demo
from meetings.models import AgendaItem
from meetings.review import ReviewState
from meetings.staff import operations as staff_operations
from meetings.staff.models import Role, User

# Demo accounts exist only in demo data; a real office creates its own with `flask users`.
DEMO_STAFF = (
    ("admin", "王磊", Role.ADMIN, "demo-admin-2026"),
    ("editor", "张敏", Role.EDITOR, "demo-editor-2026"),
    ("editor2", "刘洋", Role.EDITOR, "demo-editor2-2026"),
    ("reviewer", "李静", Role.REVIEWER, "demo-review-2026"),
)


def load_demo() -> bool:
    """Load the demo data into an empty database. Returns False when data already exists."""
    if db.session.scalar(select(func.count(User.id))):
        return False
    staff = {
        username: staff_operations.create_user(
            username=username, display_name=name, role=role, password=password, actor=None
        )
        for username, name, role, password in DEMO_STAFF
    }
    load_meetings_demo(staff)
    load_consultations_demo(staff)
    return True


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


@click.command("purge-personal-data")
def purge_personal_data_cli() -> None:
    """Delete residents' personal data whose retention period has ended (run daily by cron)."""
    cleared = operations.purge_personal_data(utcnow())
    db.session.commit()
    click.echo(f"Personal data deleted from {cleared} comments.")


@click.command("demo")
def demo_cli() -> None:
    """Load demo data the first time, then print the demo staff logins."""
    if current_app.config["SUNSHINE_ENV"] == "production":
        raise click.ClickException("Demo data is never loaded in production.")
    if load_demo():
        db.session.commit()
        click.echo("Demo data loaded.")
    else:
        click.echo("Data already present; nothing loaded.")
    click.echo("Demo staff logins (demo only):")
    for username, name, role, password in DEMO_STAFF:
        click.echo(f"  {username:10} {password:20} {role.value:9} {name}")
