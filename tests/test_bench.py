"""The load bench stays runnable and measures what it says: its generator writes, at a
small scale, data that keeps the rules the operations keep, and every page the bench
loads answers on it as the bench expects (200, or 304 for the unchanged live fragment).

At the top of tests/, like `test_access.py`: the bench loads pages of every part."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from bench.generate import fill
from bench.pages import PAGES, bench_consultation
from core.review import REVIEWABLE_KINDS, ReviewState
from engagement.consultations.models import (
    Comment,
    CommentStatus,
    Consultation,
    disposition_counts,
)
from engagement.consultations.operations import receipt_for
from extensions import db
from meetings.models import AgendaItem, ChangeKind, Meeting, MeetingChange

SCALE = 0.01  # 50 meetings, 500 agenda items, 2 consultations with 210 comments


@pytest.fixture
def generated(app):
    return fill(SCALE)


def test_every_bench_page_answers_as_the_bench_expects(client, generated):
    assert generated.written["meetings"] == 50
    assert generated.written["agenda_items"] == 500
    for page in PAGES:
        path, _detail = page.locate(client)
        assert client.get(path).status_code == page.status, (page.name, path)


def test_the_last_comment_page_is_the_last_and_shows_the_latest_comment(client, generated):
    consultation_id, received, published = bench_consultation()
    assert received == round(1000 * SCALE)
    path, _detail = next(p for p in PAGES if p.name == "its last comment page").locate(client)
    page = BeautifulSoup(client.get(path).data, "html.parser")
    latest = db.session.scalars(
        select(Comment.receipt_number)
        .where(
            Comment.consultation_id == consultation_id, Comment.status == CommentStatus.PUBLISHED
        )
        .order_by(Comment.received_at.desc(), Comment.id.desc())
    ).first()
    assert page.find(id=f"c-{latest}") is not None
    assert page.find("a", rel="next") is None


def test_generated_consultations_keep_the_rules_of_the_operations(generated):
    made = Consultation.id >= generated.first_id(Consultation)
    for consultation in db.session.scalars(select(Consultation).where(made)):
        meeting = consultation.agenda_item.meeting
        assert meeting.published_at <= consultation.published_at <= consultation.opens_at
        assert consultation.closes_at < meeting.starts_at
        assert not consultation.period_is_short or consultation.short_period_reason
        feedback = consultation.feedback
        assert feedback.is_public and feedback.published_at > consultation.closes_at
        assert feedback.counts == disposition_counts(consultation.id)
    for comment in db.session.scalars(
        select(Comment).where(Comment.consultation_id.in_(select(Consultation.id).where(made)))
    ):
        assert comment.receipt_number == receipt_for(comment)


def test_generated_meetings_are_what_review_and_approved_changes_make(generated):
    for model in REVIEWABLE_KINDS.values():
        approved = db.session.scalars(model.public())
        assert all(item.published_at and item.reviewed_by_id != item.author_id for item in approved)
    for meeting in db.session.scalars(Meeting.public()):
        changes = db.session.scalars(
            MeetingChange.public().where(MeetingChange.meeting_id == meeting.id)
        ).all()
        assert meeting.revision == 1 + len(changes)
        kinds = {change.kind for change in changes}
        assert (meeting.concluded_at is not None) == (ChangeKind.CONCLUDE in kinds)
        assert (meeting.cancelled_at is not None) == (ChangeKind.CANCEL in kinds)
        assert all(item.published_at for item in meeting.agenda)
    unannounced_but_public = db.session.scalar(
        select(func.count(AgendaItem.id))
        .join(AgendaItem.meeting)
        .where(Meeting.review_state != ReviewState.APPROVED, AgendaItem.published_at.is_not(None))
    )
    assert unannounced_but_public == 0
