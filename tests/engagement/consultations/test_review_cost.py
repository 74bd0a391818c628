"""What approving a feedback report checks costs the same however many comments its
consultation has: who worked on the report (every comment counts) is one query."""

from __future__ import annotations

import secrets
from datetime import timedelta

import pytest
from sqlalchemy import insert

from core import review
from core.accounts.models import Role
from core.clock import utcnow
from core.review import ReviewState
from core.rules import RuleBroken
from engagement.consultations import operations
from engagement.consultations.models import Comment, CommentStatus, Disposition, FeedbackReport
from extensions import db
from meetings.models import AgendaItem
from tests.responses import count_queries


def add_comments(consultation, count: int) -> None:
    """Published comments with a disposition, inserted in one statement."""
    now = utcnow()
    rows = [
        {
            "consultation_id": consultation.id,
            "receipt_number": f"ZJ-{consultation.id}-{number:06d}",
            "token": secrets.token_urlsafe(24),
            "body": f"意见{number}",
            "name": "居民",
            "status": CommentStatus.PUBLISHED,
            "disposition": Disposition.ADOPTED,
            "received_at": now,
            "moderated_at": now,
        }
        for number in range(count)
    ]
    db.session.execute(insert(Comment), rows)


def closed_consultation(make_meeting, announce, reviewer, comments: int):
    """A public consultation, now closed, with `comments` published and decided comments."""
    meeting = announce(
        make_meeting(
            starts_at=utcnow() + timedelta(days=40),
            agenda=[AgendaItem(position=1, title="关于养老服务驿站建设的实施意见")],
        )
    )
    consultation = operations.open_consultation(
        meeting.agenda[0],
        title="养老服务驿站建设实施意见（征求意见稿）",
        draft_text="每个社区一个驿站。",
        explanation="区民政局起草。",
        other_channels=None,
        opens_at=utcnow() - timedelta(minutes=1),
        closes_at=utcnow() + timedelta(days=31),
        short_period_reason=None,
        actor=meeting.author,
    )
    review.submit_for_review(consultation, actor=meeting.author)
    review.approve(consultation, actor=reviewer)
    add_comments(consultation, comments)
    consultation.closes_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    return consultation


def submit_report(consultation) -> FeedbackReport:
    editor = consultation.author
    report = operations.save_feedback_report(consultation, "综述", actor=editor)
    review.submit_for_review(report, actor=editor)
    db.session.commit()
    return report


def submitted_report(make_meeting, announce, reviewer, comments: int) -> FeedbackReport:
    return submit_report(closed_consultation(make_meeting, announce, reviewer, comments))


def approve_through_the_page(client, report) -> list[str]:
    with count_queries() as statements:
        response = client.post(f"/admin/review/feedback_report/{report.id}/approve")
    assert response.status_code == 303, response.status_code
    return statements


def test_a_report_on_two_thousand_comments_can_be_approved(
    client, auth, make_meeting, announce, reviewer, make_user
):
    report = submitted_report(make_meeting, announce, reviewer, comments=2000)
    auth.login(make_user(Role.REVIEWER))
    approve_through_the_page(client, report)
    db.session.refresh(report)
    assert report.review_state == ReviewState.APPROVED
    assert report.counts["adopted"] == 2000


def test_approving_a_report_costs_the_same_for_ten_and_two_thousand_comments(
    client, auth, make_meeting, announce, reviewer, make_user
):
    small = submitted_report(make_meeting, announce, reviewer, comments=10)
    large = submitted_report(make_meeting, announce, reviewer, comments=2000)
    auth.login(make_user(Role.REVIEWER))
    for_small = approve_through_the_page(client, small)
    for_large = approve_through_the_page(client, large)
    assert len(for_large) == len(for_small)
    # The same statements, not only as many: no condition or parameter per comment.
    assert [len(statement) for statement in for_large] == [
        len(statement) for statement in for_small
    ]


def test_whoever_answered_one_comment_among_thousands_cannot_approve(
    make_meeting, announce, reviewer, make_user
):
    consultation = closed_consultation(make_meeting, announce, reviewer, comments=2000)
    admin = make_user(Role.ADMIN)
    last = db.session.scalar(
        db.select(Comment)
        .where(Comment.consultation_id == consultation.id)
        .order_by(Comment.id.desc())
        .limit(1)
    )
    operations.answer_comment(
        last, reply="感谢。", disposition=Disposition.ADOPTED, disposition_reason=None, actor=admin
    )
    report = submit_report(consultation)
    with pytest.raises(RuleBroken, match="其他审核人员|another reviewer"):
        review.approve(report, actor=admin)
    review.approve(report, actor=make_user(Role.REVIEWER))
    assert report.review_state == ReviewState.APPROVED
