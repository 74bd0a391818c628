"""Reads about invitations: places and how many are taken per category (one query each),
a meeting's invitations for staff, an invitee's by their link or feed, the meetings staff
invite to, and those soon to meet with invitations still unanswered (the start page)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, selectinload

from core.clock import utcnow
from core.private_links import token_hash
from core.review import ReviewState
from core.start_page import ROWS, StartResult, StartRow
from core.web import office_time
from engagement.sitting_in.models import (
    HOLDS_A_PLACE,
    Category,
    Invitation,
    InvitationStatus,
    Person,
    Quota,
    SitInDraw,
)
from extensions import db
from meetings.models import Meeting

if TYPE_CHECKING:
    from core.accounts.models import User

ANSWER_SOON = timedelta(days=7)  # the start page asks after meetings this close


def places_by_category(meeting: Meeting) -> dict[Category, int]:
    """The places per category: as set, else none, except residents, who have the places
    the meeting's public call offers."""
    places = {category: 0 for category in Category}
    places[Category.RESIDENT] = meeting.sit_in_places if meeting.sit_in_open else 0
    for category, number in db.session.execute(
        select(Quota.category, Quota.places).where(Quota.meeting_id == meeting.id)
    ):
        places[category] = number
    return places


def taken_by_category(meeting: Meeting) -> Counter[Category]:
    """Invitations holding a place (invited or accepted), per category."""
    return Counter(
        dict(
            db.session.execute(
                select(Invitation.category, func.count())
                .where(Invitation.meeting_id == meeting.id, Invitation.status.in_(HOLDS_A_PLACE))
                .group_by(Invitation.category)
            ).all()
        )
    )


def places_held_for_the_draw(meeting: Meeting) -> int:
    """Residents' places a published draw that has not run yet holds for its winners."""
    return (
        db.session.scalar(
            select(SitInDraw.places).where(
                SitInDraw.meeting_id == meeting.id, SitInDraw.drawn_at.is_(None)
            )
        )
        or 0
    )


@dataclass(frozen=True)
class QuotaLine:
    category: Category
    places: int
    taken: int
    accepted: int
    chosen: int = 0  # ticked on the invite form, not yet invited

    @property
    def left(self) -> int:
        return self.places - self.taken - self.chosen


def quota_lines(meeting: Meeting, chosen: Counter[Category] | None = None) -> list[QuotaLine]:
    places = places_by_category(meeting)
    taken = taken_by_category(meeting)
    accepted = Counter(
        dict(
            db.session.execute(
                select(Invitation.category, func.count())
                .where(
                    Invitation.meeting_id == meeting.id,
                    Invitation.status == InvitationStatus.ACCEPTED,
                )
                .group_by(Invitation.category)
            ).all()
        )
    )
    chosen = chosen or Counter()
    return [
        QuotaLine(category, places[category], taken[category], accepted[category], chosen[category])
        for category in Category
        if places[category] or taken[category] or chosen[category]
    ]


def meeting_invitations(meeting: Meeting) -> list[Invitation]:
    """Every invitation of the meeting with its person and mail, by category then name."""
    return list(
        db.session.scalars(
            select(Invitation)
            .join(Invitation.person)
            .options(contains_eager(Invitation.person), selectinload(Invitation.mail))
            .where(Invitation.meeting_id == meeting.id)
            .order_by(Invitation.category, Person.name, Invitation.id)
        ).unique()
    )


def invitation_by_token(token: str) -> Invitation | None:
    """The invitation a private link opens: none once withdrawn (the link is revoked)."""
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.token_hash == token_hash(token))
    )
    if invitation is None or invitation.status == InvitationStatus.WITHDRAWN:
        return None
    return invitation


def person_by_feed_token(token: str) -> Person | None:
    return db.session.scalar(
        select(Person).where(
            Person.feed_token_hash == token_hash(token), Person.purged_at.is_(None)
        )
    )


def feed_invitations(person: Person) -> list[Invitation]:
    """What a person's private calendar holds: each invitation they have not declined and
    that was not withdrawn, to an announced meeting, with the meeting's agenda loaded."""
    return list(
        db.session.scalars(
            select(Invitation)
            .join(Invitation.meeting)
            .options(selectinload(Invitation.meeting).selectinload(Meeting.agenda))
            .where(
                Invitation.person_id == person.id,
                Invitation.status.in_(HOLDS_A_PLACE),
                Meeting.review_state == ReviewState.APPROVED,
            )
            .order_by(Meeting.starts_at, Invitation.id)
        ).unique()
    )


def meetings_to_invite_to() -> list[tuple[Meeting, int]]:
    """Announced meetings, soonest first, up to 30 days after they ended (attendance is
    marked after), with how many invitations hold a place in each (one query)."""
    held = (
        select(Invitation.meeting_id, func.count().label("held"))
        .where(Invitation.status.in_(HOLDS_A_PLACE))
        .group_by(Invitation.meeting_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Meeting, func.coalesce(held.c.held, 0))
        .outerjoin(held, held.c.meeting_id == Meeting.id)
        .where(
            Meeting.review_state == ReviewState.APPROVED,
            Meeting.ends_at > utcnow() - timedelta(days=30),
        )
        .order_by(Meeting.starts_at)
        .limit(100)
    ).all()
    return [(meeting, count) for meeting, count in rows]


def unanswered_invitations(user: User, now: datetime) -> StartResult:
    """Announced meetings starting within `ANSWER_SOON` with invitations not answered yet,
    the soonest first, each linking to its invitations (one query)."""
    unanswered = func.count(Invitation.id)
    rows = db.session.execute(
        select(
            Meeting.id, Meeting.title, Meeting.starts_at, unanswered, func.sum(unanswered).over()
        )
        .join(Invitation, Invitation.meeting_id == Meeting.id)
        .where(
            Invitation.status == InvitationStatus.INVITED,
            Meeting.review_state == ReviewState.APPROVED,
            Meeting.cancelled_at.is_(None),
            Meeting.starts_at > now,
            Meeting.starts_at <= now + ANSWER_SOON,
        )
        .group_by(Meeting.id, Meeting.title, Meeting.starts_at)
        .order_by(Meeting.starts_at, Meeting.id)
        .limit(ROWS)
    ).all()
    total = int(rows[0][4]) if rows else 0
    return StartResult(
        total,
        ngettext(
            "%(num)d invitation has no answer yet.",
            "%(num)d invitations have no answer yet.",
            total,
        ),
        [
            StartRow(
                title,
                url_for("sit_in_staff.invitations", meeting_id=meeting_id),
                " · ".join(
                    [
                        ngettext("%(num)d without an answer", "%(num)d without an answer", count),
                        _("meeting %(when)s", when=office_time(starts_at)),
                    ]
                ),
            )
            for meeting_id, title, starts_at, count, _total in rows
        ],
        more_url=url_for("sit_in_staff.meetings"),
    )
