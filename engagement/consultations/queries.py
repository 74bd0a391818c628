"""Read queries of consultations, shared by the pages, the open-data API and the meeting
pages' agenda notes: one query and one sort order for each list."""

from __future__ import annotations

from datetime import datetime

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import selectinload

from core.review import ReviewState
from core.web import query_int
from engagement.consultations.models import Comment, CommentStatus, Consultation
from extensions import db
from meetings.models import AgendaItem, Meeting
from meetings.queries import AgendaNote

COMMENTS_PER_PAGE = 50


def public_consultation_or_404(consultation_id: int) -> Consultation:
    consultation = db.session.scalar(
        Consultation.public()
        .where(Consultation.id == consultation_id)
        .options(selectinload(Consultation.documents), selectinload(Consultation.feedback))
    )
    if consultation is None:
        abort(404)
    return consultation


def public_consultations(now: datetime) -> Select:
    """Open ones first, then by closing time, latest first (the list page and the API)."""
    still_open = case((Consultation.closes_at > now, 0), else_=1)
    return (
        Consultation.public()
        .options(selectinload(Consultation.feedback))
        .order_by(still_open, Consultation.closes_at.desc(), Consultation.id.desc())
    )


def open_consultations(now: datetime, limit: int) -> list[Consultation]:
    """Consultations still taking comments or about to, closing soonest first (home page)."""
    return db.session.scalars(
        Consultation.public()
        .where(Consultation.closes_at > now)
        .options(selectinload(Consultation.feedback))
        .order_by(Consultation.closes_at)
        .limit(limit)
    ).all()


def items_awaiting_consultation(now: datetime) -> list[AgendaItem]:
    """Major-decision items of meetings that have not started and have no consultation yet:
    what a new consultation can be about."""
    return db.session.scalars(
        select(AgendaItem)
        .join(AgendaItem.meeting)
        .where(
            AgendaItem.is_major_decision.is_(True),
            AgendaItem.removed_at.is_(None),
            Meeting.starts_at > now,
            AgendaItem.id.not_in(select(Consultation.agenda_item_id)),
        )
        .order_by(Meeting.starts_at, AgendaItem.position)
    ).all()


def published_comments(consultation: Consultation):
    return db.paginate(
        select(Comment)
        .where(
            Comment.consultation_id == consultation.id,
            Comment.status == CommentStatus.PUBLISHED,
        )
        .order_by(Comment.received_at, Comment.id),
        page=query_int("page", 1),
        per_page=COMMENTS_PER_PAGE,
        error_out=False,
    )


def comment_counts_for(consultation_ids: list[int]) -> dict[int, dict[str, int]]:
    """Comments by status for several consultations, in one query."""
    counts = {
        consultation_id: {status.value: 0 for status in CommentStatus} | {"total": 0}
        for consultation_id in consultation_ids
    }
    rows = db.session.execute(
        select(Comment.consultation_id, Comment.status, func.count(Comment.id))
        .where(Comment.consultation_id.in_(consultation_ids))
        .group_by(Comment.consultation_id, Comment.status)
    ).all()
    for consultation_id, status, number in rows:
        counts[consultation_id][status.value] = number
        counts[consultation_id]["total"] += number
    return counts


def comment_counts(consultation: Consultation) -> dict[str, int]:
    return comment_counts_for([consultation.id])[consultation.id]


def consultation_notes(items: list[AgendaItem], public: bool) -> dict[int, list[AgendaNote]]:
    """Under each agenda item with a consultation: a link to it and, for its meeting, whether
    the feedback report exists (an item is not ready for its meeting until it does)."""
    query = select(Consultation).where(Consultation.agenda_item_id.in_([i.id for i in items]))
    if public:
        query = query.where(Consultation.review_state == ReviewState.APPROVED)
    notes: dict[int, list[AgendaNote]] = {}
    for consultation in db.session.scalars(query.options(selectinload(Consultation.feedback))):
        url = consultation.public_url() if public else consultation.staff_url()
        entries = [
            AgendaNote(_("Public consultation: %(state)s", state=consultation.state.label), url)
        ]
        if consultation.feedback is not None and consultation.feedback.is_public:
            entries.append(AgendaNote(_("Feedback report on the comments"), f"{url}#feedback"))
        elif not public:
            entries.append(
                AgendaNote(
                    _("Not ready for the meeting: no published feedback report yet"), warning=True
                )
            )
        notes[consultation.agenda_item_id] = entries
    return notes
