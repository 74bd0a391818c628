"""Reads about residents' applications to sit in: when a meeting's public call closes, the
places left for residents, the counts by status, the draw's entries and ranking, who sat
in (the meeting page's list, one query), and the moments the call changes by the clock."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import contains_eager

from core.review import ReviewState
from engagement.sitting_in.models import (
    NAMED_PUBLICLY,
    Application,
    ApplicationStatus,
    Attendance,
    Category,
    Invitation,
    Person,
    SitInDraw,
)
from engagement.sitting_in.queries.invitations import places_by_category, taken_by_category
from extensions import db
from meetings.models import Meeting


def close_hours() -> timedelta:
    return timedelta(hours=current_app.config["SIT_IN_APPLICATIONS_CLOSE_HOURS"])


def applications_close_at(meeting: Meeting) -> datetime:
    """The call closes `SIT_IN_APPLICATIONS_CLOSE_HOURS` before the meeting starts, leaving
    the office time to check eligibility, draw and invite."""
    return meeting.starts_at - close_hours()


def call_is_public(meeting: Meeting) -> bool:
    """The meeting calls for residents: announced, with places, not cancelled."""
    return (
        meeting.sit_in_open
        and meeting.review_state == ReviewState.APPROVED
        and meeting.cancelled_at is None
    )


def takes_applications_at(meeting: Meeting, now: datetime) -> bool:
    """Until the call closes, and never once a draw is published (a postponement moves
    the closing time; the draw's entries stay as published)."""
    return (
        call_is_public(meeting)
        and now < applications_close_at(meeting)
        and sit_in_draw(meeting) is None
    )


def resident_places_left(meeting: Meeting) -> int:
    """Residents' places not held by an invitation (staff may invite some directly)."""
    places = places_by_category(meeting)[Category.RESIDENT]
    return max(0, places - taken_by_category(meeting)[Category.RESIDENT])


def status_counts(meeting: Meeting) -> Counter[ApplicationStatus]:
    return Counter(
        dict(
            db.session.execute(
                select(Application.status, func.count())
                .where(Application.meeting_id == meeting.id)
                .group_by(Application.status)
            ).all()
        )
    )


def applications_of(meeting: Meeting, status: ApplicationStatus | None = None) -> Select:
    """A meeting's applications in the order they came (by reference)."""
    query = select(Application).where(Application.meeting_id == meeting.id)
    if status is not None:
        query = query.where(Application.status == status)
    return query.order_by(Application.id)


def sit_in_draw(meeting: Meeting) -> SitInDraw | None:
    return db.session.get(SitInDraw, meeting.id)


def draw_ranking(meeting: Meeting) -> list[Application]:
    """The draw's result as published: every entry, in drawn order."""
    return list(
        db.session.scalars(
            select(Application)
            .where(Application.meeting_id == meeting.id, Application.draw_rank.is_not(None))
            .order_by(Application.draw_rank)
        )
    )


@dataclass(frozen=True)
class SatIn:
    """One line of the public list of who sat in. `name` is None when the list shows only
    the category (and the community) of someone who did not consent to be named."""

    category: Category
    name: str | None
    organisation: str | None
    title: str | None
    community: str | None


# The list's order: the categories as the office names them, then names.
CATEGORY_ORDER = case(
    *((Invitation.category == category, position) for position, category in enumerate(Category)),
    else_=len(Category),
)


def who_sat_in(meeting: Meeting) -> list[SatIn]:
    """Everyone marked present: those in `NAMED_PUBLICLY` by name with organisation and
    title, others by name only with their consent, else by category and community."""
    rows = db.session.scalars(
        select(Invitation)
        .join(Invitation.person)
        .options(contains_eager(Invitation.person))
        .where(Invitation.meeting_id == meeting.id, Invitation.attendance == Attendance.PRESENT)
        .order_by(CATEGORY_ORDER, Person.name, Invitation.id)
    ).all()
    lines = []
    for invitation in rows:
        person = invitation.person
        office = invitation.category in NAMED_PUBLICLY
        lines.append(
            SatIn(
                category=invitation.category,
                name=person.name if office or invitation.name_public else None,
                organisation=person.organisation if office else None,
                title=person.title if office else None,
                community=person.community,
            )
        )
    return lines


def next_call_moment(now: datetime) -> datetime | None:
    """The next moment after `now` when an announced meeting's call for residents closes
    (its page stops offering the form then, by the clock alone)."""
    first = db.session.scalar(
        select(func.min(Meeting.starts_at)).where(
            Meeting.review_state == ReviewState.APPROVED,
            Meeting.cancelled_at.is_(None),
            Meeting.sit_in_open.is_(True),
            Meeting.starts_at > now + close_hours(),
        )
    )
    return first - close_hours() if first is not None else None
