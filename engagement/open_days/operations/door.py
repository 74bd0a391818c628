"""The day itself: check-in at the door (by the QR code or the typed confirmation code),
no-shows afterwards, roles for the simulated executive meeting, the reminder the day
before, and the short survey after the visit."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select, update

from core.accounts.models import User
from core.audit import record_change
from core.clock import to_office_time, utcnow
from core.review import ReviewState
from core.rules import RuleBroken
from engagement.open_days.models import (
    CONFIRMATION_PREFIX,
    OpenDay,
    Registration,
    Role,
    Status,
    VisitFeedback,
)
from engagement.open_days.notices import Notice, tell
from extensions import db

# Check-in opens this long before the start, and closes when the day ends.
DOORS_OPEN_BEFORE = timedelta(hours=3)
CODE = re.compile(rf"^(?:{CONFIRMATION_PREFIX}-?\d{{4}}-?)?0*(\d{{1,9}})$")


def registration_id_from_code(code: str) -> int | None:
    """The row id in a confirmation code as typed or scanned: "KF-2026-000123", "kf2026000123"
    or just "123"; None when it is not one."""
    match = CODE.match(re.sub(r"\s+", "", code).upper())
    return int(match.group(1)) if match else None


@dataclass(frozen=True)
class CheckIn:
    registration: Registration
    already_at: datetime | None  # set when it was checked in before


def check_in(open_day: OpenDay, code: str, *, actor: User) -> CheckIn:
    """Mark the person with this code as attended; a second time says when the first was."""
    now = utcnow()
    if not (open_day.starts_at - DOORS_OPEN_BEFORE <= now < open_day.ends_at):
        raise RuleBroken(
            _("Check-in is open from three hours before the start until the end."), "code"
        )
    registration_id = registration_id_from_code(code)
    registration = (
        db.session.get(Registration, registration_id) if registration_id is not None else None
    )
    if registration is None or registration.open_day_id != open_day.id:
        raise RuleBroken(_("No registration for this open day has this code."), "code")
    if registration.status == Status.ATTENDED:
        return CheckIn(registration, registration.checked_in_at)
    if registration.status not in (Status.CONFIRMED, Status.SELECTED):
        raise RuleBroken(
            _("Not admitted: this registration is %(status)s.", status=registration.status.label),
            "code",
        )
    # Two phones scanning the same code at once: only one marks it.
    marked = db.session.execute(
        update(Registration)
        .where(
            Registration.id == registration.id,
            Registration.status.in_((Status.CONFIRMED, Status.SELECTED)),
        )
        .values(status=Status.ATTENDED, checked_in_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(registration)
    if marked.rowcount == 0:
        return CheckIn(registration, registration.checked_in_at)
    record_change(
        "registration.check_in",
        registration,
        actor=actor,
        summary=f"{open_day.title} · {registration.confirmation_code}",
        after={"status": Status.ATTENDED.value},
    )
    return CheckIn(registration, None)


def mark_no_shows(open_day: OpenDay, *, actor: User) -> int:
    """After the start, everyone with a place who did not check in is a no-show."""
    if utcnow() < open_day.starts_at:
        raise RuleBroken(_("No-shows are marked after the open day starts."))
    absent = db.session.scalars(
        select(Registration).where(
            Registration.open_day_id == open_day.id,
            Registration.status.in_((Status.CONFIRMED, Status.SELECTED)),
        )
    ).all()
    for registration in absent:
        registration.status = Status.NO_SHOW
    record_change(
        "open_day.no_shows",
        open_day,
        actor=actor,
        summary=open_day.title,
        after={"no_shows": len(absent)},
    )
    return len(absent)


def assign_role(registration: Registration, role: Role | None, *, actor: User) -> None:
    """A role in the simulated executive meeting, for someone with a place."""
    if not registration.open_day.simulated_meeting:
        raise RuleBroken(_("This open day has no simulated meeting."))
    if not registration.holds_a_place:
        raise RuleBroken(_("Only someone with a place takes a role."))
    if role == registration.role:
        return
    before = registration.role.value if registration.role else None
    registration.role = role
    record_change(
        "registration.role",
        registration,
        actor=actor,
        summary=f"{registration.open_day.title} · {registration.confirmation_code}",
        before={"role": before},
        after={"role": role.value if role else None},
    )


def remind_registrants(now: datetime) -> int:
    """Remind everyone with a place, once, of an open day that starts tomorrow (office
    time). Returns how many were reminded."""
    tomorrow = to_office_time(now).date() + timedelta(days=1)
    upcoming = db.session.scalars(
        select(OpenDay).where(
            OpenDay.review_state == ReviewState.APPROVED,
            OpenDay.cancelled_at.is_(None),
            OpenDay.starts_at > now,
            OpenDay.starts_at < now + timedelta(days=2),
        )
    ).all()
    reminded = 0
    for open_day in upcoming:
        if to_office_time(open_day.starts_at).date() != tomorrow:
            continue
        for registration in db.session.scalars(
            select(Registration).where(
                Registration.open_day_id == open_day.id,
                Registration.status.in_((Status.CONFIRMED, Status.SELECTED)),
                Registration.reminded_at.is_(None),
            )
        ):
            registration.reminded_at = now
            tell(registration, Notice.REMINDER)
            reminded += 1
    return reminded


def invite_feedback(open_day: OpenDay, *, actor: User) -> int:
    """Send each attendee not asked yet the link to the survey."""
    if utcnow() < open_day.starts_at:
        raise RuleBroken(_("Feedback is asked for after the visit."))
    attended = db.session.scalars(
        select(Registration).where(
            Registration.open_day_id == open_day.id,
            Registration.status == Status.ATTENDED,
            Registration.feedback_invited_at.is_(None),
        )
    ).all()
    for registration in attended:
        registration.feedback_invited_at = utcnow()
        tell(registration, Notice.FEEDBACK)
    record_change(
        "open_day.feedback_invited",
        open_day,
        actor=actor,
        summary=open_day.title,
        after={"invited": len(attended)},
    )
    return len(attended)


def submit_feedback(
    registration: Registration, *, satisfaction: int, good: str | None, suggestions: str | None
) -> VisitFeedback:
    """An attendee's answer to the survey, once."""
    if registration.status != Status.ATTENDED:
        raise RuleBroken(_("The survey is for those who came on the day."))
    if registration.feedback is not None:
        return registration.feedback
    feedback = VisitFeedback(
        registration=registration,
        open_day_id=registration.open_day_id,
        satisfaction=satisfaction,
        good=(good or "").strip() or None,
        suggestions=(suggestions or "").strip() or None,
    )
    db.session.add(feedback)
    db.session.flush()
    return feedback
