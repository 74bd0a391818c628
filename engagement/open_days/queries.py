"""Read queries of open days, shared by the pages, the API and the calendar: one query and
one sort order for each list."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import abort
from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from core.review import ReviewState
from engagement.open_days.models import (
    WAITING,
    OpenDay,
    Registration,
    Status,
    VisitFeedback,
)
from extensions import db


def public_open_days() -> Select:
    """Upcoming first (soonest first), then past ones, latest first (the list and API)."""
    return (
        OpenDay.public()
        .options(selectinload(OpenDay.stops))
        .order_by(OpenDay.starts_at.desc(), OpenDay.id.desc())
    )


def upcoming_and_past(now: datetime) -> tuple[list[OpenDay], Select]:
    """The list page: every upcoming open day, soonest first, and a query of past ones."""
    upcoming = list(
        db.session.scalars(
            OpenDay.public()
            .where(OpenDay.ends_at > now)
            .options(selectinload(OpenDay.stops))
            .order_by(OpenDay.starts_at, OpenDay.id)
        )
    )
    past = (
        OpenDay.public()
        .where(OpenDay.ends_at <= now)
        .options(selectinload(OpenDay.stops))
        .order_by(OpenDay.starts_at.desc(), OpenDay.id.desc())
    )
    return upcoming, past


def upcoming_open_days(now: datetime, limit: int) -> list[OpenDay]:
    """The home page: public open days not yet held or cancelled, soonest first."""
    return list(
        db.session.scalars(
            OpenDay.public()
            .where(OpenDay.starts_at > now, OpenDay.cancelled_at.is_(None))
            .order_by(OpenDay.starts_at, OpenDay.id)
            .limit(limit)
        )
    )


def public_open_day_or_404(open_day_id: int) -> OpenDay:
    open_day = db.session.scalar(
        OpenDay.public().where(OpenDay.id == open_day_id).options(selectinload(OpenDay.stops))
    )
    if open_day is None:
        abort(404)
    return open_day


def waiting_position(registration: Registration) -> int | None:
    """Where a waiting registration stands on the list (1 is next), else None."""
    if registration.status not in WAITING:
        return None
    ahead = db.session.scalar(
        select(func.count(Registration.id)).where(
            Registration.open_day_id == registration.open_day_id,
            Registration.status.in_(WAITING),
            (Registration.draw_rank < registration.draw_rank)
            if registration.draw_rank is not None
            else (Registration.id < registration.id),
        )
    )
    return (ahead or 0) + 1


def status_counts(open_day: OpenDay) -> dict[Status, int]:
    """How many registrations are in each status: one query."""
    counted = dict(
        db.session.execute(
            select(Registration.status, func.count(Registration.id))
            .where(Registration.open_day_id == open_day.id)
            .group_by(Registration.status)
        ).all()
    )
    return {status: counted.get(status, 0) for status in Status}


def feedback_summary(open_day: OpenDay) -> dict[str, Any]:
    """Answers, the average and the spread of satisfaction, and the words: two queries."""
    spread = dict(
        db.session.execute(
            select(VisitFeedback.satisfaction, func.count(VisitFeedback.id))
            .where(VisitFeedback.open_day_id == open_day.id)
            .group_by(VisitFeedback.satisfaction)
        ).all()
    )
    answers = sum(spread.values())
    average = sum(score * count for score, count in spread.items()) / answers if answers else None
    words = db.session.scalars(
        select(VisitFeedback)
        .where(VisitFeedback.open_day_id == open_day.id)
        .order_by(VisitFeedback.id)
    ).all()
    return {
        "answers": answers,
        "average": average,
        "spread": {score: spread.get(score, 0) for score in range(5, 0, -1)},
        "words": words,
    }


def newest_open_day_versions(limit: int) -> list[Any]:
    """The open days calendars show, the newest `limit` by start, as the columns that name
    each event's version: one query."""
    return list(
        db.session.execute(
            OpenDay.public()
            .with_only_columns(
                OpenDay.id,
                OpenDay.revision,
                OpenDay.starts_at,
                OpenDay.ends_at,
                func.coalesce(OpenDay.revised_at, OpenDay.published_at, OpenDay.created_at).label(
                    "modified"
                ),
            )
            .order_by(OpenDay.starts_at.desc(), OpenDay.id.desc())
            .limit(limit)
        )
    )


def open_days_by_id(ids: list[int]) -> list[OpenDay]:
    """With their itineraries (each event lists its stops): two queries, however many."""
    return list(
        db.session.scalars(
            OpenDay.public().where(OpenDay.id.in_(ids)).options(selectinload(OpenDay.stops))
        )
    )


def next_public_moment(now: datetime) -> datetime | None:
    """The next moment after `now` when a public open day's registration opens or closes,
    or the day starts or ends (its page changes by the clock then)."""
    public = OpenDay.review_state == ReviewState.APPROVED
    moments = [
        db.session.scalar(select(func.min(column)).where(public, column > now))
        for column in (
            OpenDay.registration_opens_at,
            OpenDay.registration_closes_at,
            OpenDay.starts_at,
            OpenDay.ends_at,
        )
    ]
    return min((moment for moment in moments if moment is not None), default=None)
