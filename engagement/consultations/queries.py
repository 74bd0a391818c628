"""Read queries of consultations, shared by the pages, the open-data API and the meeting
pages' agenda notes: one query and one sort order for each list."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import abort
from flask_babel import gettext as _
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import contains_eager, selectinload

from core.review import ReviewState
from core.web import query_int
from engagement.consultations.models import (
    Comment,
    CommentStatus,
    Consultation,
    ConsultationState,
    FeedbackReport,
    disposition_counts,
)
from extensions import db
from meetings.models import AgendaItem, Meeting
from meetings.queries import AgendaNote

COMMENTS_PER_PAGE = 50


def newest_deadline_versions(limit: int) -> list[Any]:
    """The comment periods calendars show, the newest `limit` by closing (a choice of the
    data alone, never of today), as the columns that name each deadline's version: one
    query."""
    newest = (
        Consultation.in_calendars()
        .with_only_columns(
            Consultation.id,
            Consultation.revision,
            func.coalesce(
                Consultation.revised_at, Consultation.published_at, Consultation.created_at
            ).label("modified"),
            Consultation.closes_at,
            Meeting.cancelled_at,
            AgendaItem.removed_at,
        )
        .order_by(Consultation.closes_at.desc(), Consultation.id.desc())
        .limit(limit)
    )
    return list(db.session.execute(newest))


def deadlines(ids: list[int]) -> list[Consultation]:
    """These consultations as calendars show them, with their item and meeting: one query."""
    return list(
        db.session.scalars(
            Consultation.in_calendars()
            .where(Consultation.id.in_(ids))
            .options(contains_eager(Consultation.agenda_item).contains_eager(AgendaItem.meeting))
        )
    )


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


def published_comments(consultation: Consultation) -> Pagination:
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


@dataclass(frozen=True)
class ConsultationPage:
    """What a consultation's public page shows (`consultations/_consultation_public.html`),
    for the page itself and for the previews on the staff pages, from one function
    (`consultation_public_page`) so they cannot drift."""

    consultation: Consultation
    now: datetime
    state: ConsultationState
    opens_at: datetime
    counts: dict[str, int]
    comments: Pagination
    feedback: FeedbackReport | None  # shown when set: public, or in its own preview
    feedback_counts: dict[str, int]
    feedback_published_at: datetime | None
    preview: bool  # documents then link to the staff route, which opens them before approval


def consultation_public_page(
    consultation: Consultation, now: datetime, *, with_feedback: bool = False
) -> ConsultationPage:
    """What the consultation's public page shows at `now`. Before the consultation is
    approved: what it will show if approved at `now`, its period opening no earlier
    (`Consultation.opens_at_approval`). With `with_feedback`, before the feedback report is
    approved: what it will show once it is, with the counts approval fixes."""
    preview = not consultation.is_public
    opens_at = consultation.opens_at_approval(now) if preview else consultation.opens_at
    report = consultation.feedback
    feedback_preview = with_feedback and report is not None and not report.is_public
    shown = report if report is not None and (report.is_public or feedback_preview) else None
    if shown is None:
        feedback_counts: dict[str, int] = {}
    elif feedback_preview:
        feedback_counts = disposition_counts(consultation.id)  # what its approval fixes
    else:
        feedback_counts = shown.counts or {}
    return ConsultationPage(
        consultation=consultation,
        now=now,
        state=consultation.public_state_at(
            now, opens_at=opens_at, feedback_public=feedback_preview
        ),
        opens_at=opens_at,
        counts=comment_counts(consultation),
        comments=published_comments(consultation),
        feedback=shown,
        feedback_counts=feedback_counts,
        feedback_published_at=(shown.published_at or now) if shown is not None else None,
        preview=preview or feedback_preview,
    )


RECEIPT_PATTERN = re.compile(r"^\s*ZJ\s*[-－—]?\s*(\d{4})\s*[-－—]?\s*(\d{1,9})\s*$", re.IGNORECASE)


def normalise_receipt(typed: str) -> str | None:
    """A receipt number as printed (ZJ-2026-000123), however it was typed: lower case,
    spaces, full-width dashes, missing leading zeros. None when it cannot be one."""
    match = RECEIPT_PATTERN.match(typed or "")
    if match is None:
        return None
    return f"ZJ-{match.group(1)}-{int(match.group(2)):06d}"


def comment_by_receipt(receipt_number: str) -> Comment | None:
    """A comment on a public consultation, by its receipt number (entered by staff or sent
    from this site); None when there is no such comment anyone may ask about."""
    return db.session.scalar(
        select(Comment)
        .where(
            Comment.receipt_number == receipt_number,
            Comment.consultation_id.in_(Consultation.public().with_only_columns(Consultation.id)),
        )
        .options(selectinload(Comment.consultation).selectinload(Consultation.feedback))
    )


def next_public_moment(now: datetime) -> datetime | None:
    """The next moment after `now` when a public consultation opens or closes, or the time
    left that an open one shows changes (to the hour while days are left, then to the
    minute, as `core.web.time_left` writes it)."""
    public = Consultation.review_state == ReviewState.APPROVED
    moments = [
        db.session.scalar(select(func.min(column)).where(public, column > now))
        for column in (Consultation.opens_at, Consultation.closes_at)
    ]
    open_closing = db.session.scalars(
        select(Consultation.closes_at).where(
            public, Consultation.opens_at <= now, Consultation.closes_at > now
        )
    )
    for closes_at in open_closing:
        left = (closes_at - now).total_seconds()
        step = 3600 if left >= 86400 else 60
        # The moment the shown value drops: a whole number of steps before the closing,
        # the same moment whichever worker works it out.
        moments.append(closes_at - timedelta(seconds=math.floor(left / step) * step))
    return min((moment for moment in moments if moment is not None), default=None)
