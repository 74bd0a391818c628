"""Preparing an open day (it becomes public through review), postponing or cancelling it
once public (at once, with a public reason, every registrant told), and the purge of its
registrants' personal data after the retention period."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import delete, select

from core.accounts.models import User
from core.audit import record_change, snapshot
from core.clock import utcnow
from core.outbox import OutgoingMail, TextMessage
from core.review import ReviewState
from core.rules import Problem, RuleBroken, refuse_if_any
from engagement.open_days.models import ACTIVE, ItineraryStop, OpenDay, Registration
from engagement.open_days.notices import Notice, tell
from engagement.open_days.operations.registrations import lock_the_open_day
from extensions import db

OPEN_DAY_FIELDS = (
    "title",
    "description",
    "starts_at",
    "ends_at",
    "meeting_point",
    "capacity",
    "registration_opens_at",
    "registration_closes_at",
    "mode",
    "eligibility",
    "id_required",
    "accessibility",
    "simulated_meeting",
)


def _check_times(fields: dict[str, object]) -> None:
    """Every problem with the times and the capacity at once, each next to its field."""
    problems: list[Problem] = []
    if fields["ends_at"] <= fields["starts_at"]:
        problems.append((_("The end must be after the start."), "ends_at"))
    if fields["registration_closes_at"] <= fields["registration_opens_at"]:
        problems.append((_("Registration must close after it opens."), "registration_closes_at"))
    if fields["registration_closes_at"] > fields["starts_at"]:
        problems.append(
            (_("Registration must close before the open day starts."), "registration_closes_at")
        )
    if not 1 <= fields["capacity"] <= 10000:
        problems.append((_("Give between 1 and 10,000 places."), "capacity"))
    refuse_if_any(problems)


def _set_stops(open_day: OpenDay, stops: list[str]) -> None:
    open_day.stops = [
        ItineraryStop(position=position, name=name) for position, name in enumerate(stops, start=1)
    ]


def create_open_day(*, actor: User, stops: list[str], **fields: object) -> OpenDay:
    """Prepare an open day; it becomes public through review."""
    _check_times(fields)
    open_day = OpenDay(author=actor, **fields)
    _set_stops(open_day, stops)
    db.session.add(open_day)
    db.session.flush()
    record_change(
        "open_day.create",
        open_day,
        actor=actor,
        summary=open_day.title,
        after=snapshot(open_day, *OPEN_DAY_FIELDS, "stop_names"),
    )
    return open_day


def update_open_day(open_day: OpenDay, *, actor: User, stops: list[str], **fields: object) -> None:
    """Edit a draft (or returned) open day; once public it changes only by postponing or
    cancelling."""
    if not open_day.is_editable:
        raise RuleBroken(
            _("Only a draft can be edited; a public open day can be postponed or cancelled.")
        )
    _check_times(fields)
    before = snapshot(open_day, *OPEN_DAY_FIELDS, "stop_names")
    for name, value in fields.items():
        setattr(open_day, name, value)
    if stops != open_day.stop_names:
        _set_stops(open_day, stops)
    after = snapshot(open_day, *OPEN_DAY_FIELDS, "stop_names")
    if after != before:  # saving the form unchanged leaves no trace
        record_change(
            "open_day.update",
            open_day,
            actor=actor,
            summary=open_day.title,
            before=before,
            after=after,
        )


def _ensure_changeable(open_day: OpenDay) -> None:
    if open_day.review_state != ReviewState.APPROVED:
        raise RuleBroken(
            _("Only a public open day is postponed or cancelled; edit the draft instead.")
        )
    if open_day.cancelled_at is not None:
        raise RuleBroken(_("This open day is cancelled."))
    if utcnow() >= open_day.starts_at:
        raise RuleBroken(_("This open day has already started."))


def _tell_everyone_registered(open_day: OpenDay, notice: Notice) -> int:
    registrations = db.session.scalars(
        select(Registration).where(
            Registration.open_day_id == open_day.id, Registration.status.in_(ACTIVE)
        )
    ).all()
    for registration in registrations:
        tell(registration, notice)
    return len(registrations)


def postpone_open_day(
    open_day: OpenDay, *, starts_at: datetime, ends_at: datetime, reason: str, actor: User
) -> int:
    """Move a public open day (public reason, calendars updated, every registrant told).
    Returns how many were told."""
    lock_the_open_day(open_day)
    _ensure_changeable(open_day)
    problems: list[Problem] = []
    if starts_at <= utcnow():
        problems.append((_("The new start must be in the future."), "new_starts_at"))
    if starts_at < open_day.registration_closes_at:
        problems.append((_("The new start must be after registration closes."), "new_starts_at"))
    if ends_at <= starts_at:
        problems.append((_("The end must be after the start."), "new_ends_at"))
    refuse_if_any(problems)
    before = snapshot(open_day, "starts_at", "ends_at")
    open_day.original_starts_at = open_day.original_starts_at or open_day.starts_at
    open_day.starts_at, open_day.ends_at = starts_at, ends_at
    open_day.postpone_reason = reason.strip()
    open_day.revise(utcnow())
    record_change(
        "open_day.postpone",
        open_day,
        actor=actor,
        summary=open_day.title,
        before=before,
        after=snapshot(open_day, "starts_at", "ends_at", "postpone_reason"),
    )
    return _tell_everyone_registered(open_day, Notice.POSTPONED)


def cancel_open_day(open_day: OpenDay, *, reason: str, actor: User) -> int:
    """Cancel a public open day: it stays visible as cancelled with its reason, calendars
    mark it cancelled, every registrant is told. Returns how many were told."""
    lock_the_open_day(open_day)
    _ensure_changeable(open_day)
    open_day.cancelled_at = utcnow()
    open_day.cancel_reason = reason.strip()
    open_day.revise(open_day.cancelled_at)
    record_change(
        "open_day.cancel",
        open_day,
        actor=actor,
        summary=open_day.title,
        after=snapshot(open_day, "cancel_reason"),
    )
    return _tell_everyone_registered(open_day, Notice.CANCELLED)


def _delete_messages_to(open_day: OpenDay, registrations: list[Registration]) -> None:
    """Every text and mail sent to these registrants. A phone or address also registered
    for another open day not purged yet keeps that one's messages: only those naming a
    confirmation code of this open day go (each message carries its code)."""
    for model, address, column in (
        (TextMessage, "phone", TextMessage.phone),
        (OutgoingMail, "email", OutgoingMail.recipient),
    ):
        mine = {getattr(r, address) for r in registrations if getattr(r, address)}
        if not mine:
            continue
        elsewhere = set(
            db.session.scalars(
                select(getattr(Registration, address)).where(
                    Registration.open_day_id != open_day.id,
                    getattr(Registration, address).in_(mine),
                )
            )
        )
        if mine - elsewhere:
            db.session.execute(delete(model).where(column.in_(mine - elsewhere)))
        for registration in registrations:
            if getattr(registration, address) in elsewhere:
                db.session.execute(
                    delete(model).where(
                        column == getattr(registration, address),
                        model.body.contains(registration.confirmation_code),
                    )
                )


def purge_open_day_data(now: datetime, days: int) -> int:
    """Remove registrants' names, phones, emails and ID numbers (and the messages sent to
    them) `days` after each open day ended, keeping the anonymous counts and feedback.
    Returns how many open days were purged."""
    due = db.session.scalars(
        select(OpenDay).where(
            OpenDay.purged_at.is_(None), OpenDay.ends_at <= now - timedelta(days=days)
        )
    ).all()
    for open_day in due:
        registrations = db.session.scalars(
            select(Registration).where(Registration.open_day_id == open_day.id)
        ).all()
        _delete_messages_to(open_day, registrations)
        for registration in registrations:
            registration.name = None
            registration.phone = None
            registration.email = None
            registration.id_number = None
        open_day.purged_at = now
        record_change(
            "open_day.purge",
            open_day,
            actor=None,
            summary=open_day.title,
            after={"registrations_purged": len(registrations), "retention_days": days},
        )
    return len(due)
