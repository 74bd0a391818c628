"""Read queries for the staff start page: the comments waiting for moderation, by
consultation, and the comment periods that close within the week. One query each,
whatever the number: the first few rows with the totals."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from core.review import ReviewState
from core.start_page import ROWS, StartResult, StartRow
from core.web import office_time
from engagement.consultations.models import Comment, CommentStatus, Consultation
from extensions import db
from meetings.models import AgendaItem, Meeting

if TYPE_CHECKING:
    from core.accounts.models import User

CLOSING_SOON = timedelta(days=7)


def comments_to_moderate(user: User, now: datetime) -> StartResult:
    """Consultations with comments received and not yet published or rejected, the one
    waiting longest first, each linking to its moderation queue."""
    waiting = func.count(Comment.id)
    oldest = func.min(Comment.received_at)
    rows = db.session.execute(
        select(Consultation.id, Consultation.title, waiting, oldest, func.sum(waiting).over())
        .join(Comment, Comment.consultation_id == Consultation.id)
        .where(Comment.status == CommentStatus.RECEIVED)
        .group_by(Consultation.id, Consultation.title)
        .order_by(oldest, Consultation.id)
        .limit(ROWS)
    ).all()
    total = int(rows[0][4]) if rows else 0
    return StartResult(
        total,
        ngettext(
            "%(num)d comment waits for moderation.", "%(num)d comments wait for moderation.", total
        ),
        [
            StartRow(
                title,
                url_for("consultation_staff.moderation", consultation_id=consultation_id),
                " · ".join(
                    [
                        ngettext("%(num)d comment waiting", "%(num)d comments waiting", count),
                        _("the oldest received %(when)s", when=office_time(received)),
                    ]
                ),
            )
            for consultation_id, title, count, received, _total in rows
        ],
        more_url=url_for("consultation_staff.consultations"),
    )


def consultations_closing(user: User, now: datetime) -> StartResult:
    """Comment periods open now that close within `CLOSING_SOON`, the soonest first: the
    last days to extend one, or to prepare its feedback report."""
    comments = (
        select(func.count(Comment.id))
        .where(
            Comment.consultation_id == Consultation.id,
            Comment.status != CommentStatus.REJECTED,
        )
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(
            Consultation.id,
            Consultation.title,
            Consultation.closes_at,
            comments,
            func.count().over(),
        )
        .join(AgendaItem, AgendaItem.id == Consultation.agenda_item_id)
        .join(Meeting, Meeting.id == AgendaItem.meeting_id)
        .where(
            Consultation.review_state == ReviewState.APPROVED,
            Consultation.opens_at <= now,
            Consultation.closes_at > now,
            Consultation.closes_at <= now + CLOSING_SOON,
            Meeting.cancelled_at.is_(None),
            AgendaItem.removed_at.is_(None),
        )
        .order_by(Consultation.closes_at, Consultation.id)
        .limit(ROWS)
    ).all()
    total = rows[0][4] if rows else 0
    return StartResult(
        total,
        ngettext(
            "%(num)d comment period closes within 7 days.",
            "%(num)d comment periods close within 7 days.",
            total,
        ),
        [
            StartRow(
                title,
                url_for("consultation_staff.consultation", consultation_id=consultation_id),
                " · ".join(
                    [
                        _("closes %(when)s", when=office_time(closes_at)),
                        ngettext("%(num)d comment so far", "%(num)d comments so far", count),
                    ]
                ),
            )
            for consultation_id, title, closes_at, count, _total in rows
        ],
        more_url=url_for("consultation_staff.consultations"),
    )
