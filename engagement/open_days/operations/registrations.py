"""Registering for an open day and cancelling, under the open day's lock.

The rush: hundreds of residents in the first minute for fifty places. Every registering
transaction starts by writing the open day's row: `taken = taken + 1 WHERE taken <
capacity` gives a place or nothing, atomically on both databases (SQLite takes its write
lock at BEGIN IMMEDIATE; PostgreSQL locks the row and re-checks the condition after any
wait), and a CHECK on the row makes overselling impossible even for a bug. Everything
else (the waiting list, one per phone, a cancellation's promotion) is decided after that
first statement, so while one transaction decides, the others wait in line: the waiting
list's order is the order of the locks. A wait longer than `OPEN_DAY_LOCK_TIMEOUT_MS`
ends in an error the page answers with "busy, please send again" (503), never a 500.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, text, update

from core.audit import record_change
from core.clock import utcnow
from core.private_links import token_hash
from core.rules import RuleBroken
from core.web import office_time
from engagement.open_days.models import (
    ACTIVE,
    WAITING,
    OpenDay,
    Registration,
    Status,
    link_token,
)
from engagement.open_days.notices import Notice, tell
from extensions import db

# A second "send my link again" for the same registration within this time sends nothing.
LINK_AGAIN_AFTER = timedelta(minutes=10)


class AlreadyRegistered(RuleBroken):
    """This phone is already registered for this open day."""

    def __init__(self, registration: Registration) -> None:
        super().__init__(
            _(
                "This phone number is already registered for this open day. We can send "
                "the link to your registration again, to the phone (and email) given then."
            ),
            "phone",
        )
        self.registration_id = registration.id


def _bound_the_wait() -> None:
    if db.session.get_bind().dialect.name == "postgresql":
        timeout = int(current_app.config["OPEN_DAY_LOCK_TIMEOUT_MS"])
        db.session.execute(text(f"SET LOCAL lock_timeout = {timeout}"))


def lock_the_open_day(open_day: OpenDay) -> None:
    """Wait for (a bounded time) and hold the open day's row until the commit, then read it
    afresh: what follows sees every registration committed before."""
    _bound_the_wait()
    db.session.execute(
        update(OpenDay)
        .where(OpenDay.id == open_day.id)
        .values(taken=OpenDay.taken)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(open_day)


def _take_a_place(open_day: OpenDay) -> bool:
    """The first statement of a first-come registration: one place, if any is left."""
    _bound_the_wait()
    taken = db.session.execute(
        update(OpenDay)
        .where(OpenDay.id == open_day.id, OpenDay.taken < OpenDay.capacity)
        .values(taken=OpenDay.taken + 1)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount == 1:
        db.session.refresh(open_day)
        return True
    lock_the_open_day(open_day)
    return False


def _give_back_a_place(open_day: OpenDay) -> None:
    db.session.execute(
        update(OpenDay)
        .where(OpenDay.id == open_day.id)
        .values(taken=OpenDay.taken - 1)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(open_day)


def not_taking_registrations_message(open_day: OpenDay) -> str:
    now = utcnow()
    if open_day.cancelled_at is not None:
        return _("This open day has been cancelled; registrations are no longer taken.")
    if now < open_day.registration_opens_at:
        return _(
            "Registration opens at %(when)s; you are not registered yet.",
            when=office_time(open_day.registration_opens_at),
        )
    return _(
        "Registration closed at %(when)s; you are not registered.",
        when=office_time(open_day.registration_closes_at),
    )


def register(
    open_day: OpenDay,
    *,
    name: str,
    phone: str,
    email: str | None,
    id_number: str | None,
    consented: bool,
    locale: str,
    submission_key: str | None = None,
) -> Registration:
    """Register a resident: a confirmed place while any is left, else the waiting list; in
    a lottery, an entry in the draw. The same form sent again gives back its registration;
    the same phone again is refused with `AlreadyRegistered`."""
    if submission_key:
        already = db.session.scalar(
            select(Registration).where(Registration.submission_key == submission_key)
        )
        if already is not None:
            return already
    place = False if open_day.is_lottery else _take_a_place(open_day)
    if open_day.is_lottery:
        lock_the_open_day(open_day)
    now = utcnow()
    if not open_day.takes_registrations_at(now):
        raise RuleBroken(not_taking_registrations_message(open_day))
    if not consented:
        raise RuleBroken(
            _("Registration needs your consent to the use of your details."), "consent"
        )
    existing = db.session.scalar(
        select(Registration).where(
            Registration.open_day_id == open_day.id, Registration.phone == phone
        )
    )
    if existing is not None:
        raise AlreadyRegistered(existing)
    if open_day.is_lottery:
        status = Status.APPLIED
    else:
        status = Status.CONFIRMED if place else Status.WAITLISTED
    registration = store_registration(
        open_day,
        status=status,
        name=name,
        phone=phone,
        email=email,
        id_number=id_number if open_day.id_required else None,
        locale=locale,
        at=now,
        submission_key=submission_key,
    )
    tell(
        registration,
        {
            Status.CONFIRMED: Notice.CONFIRMED,
            Status.WAITLISTED: Notice.WAITLISTED,
            Status.APPLIED: Notice.APPLIED,
        }[status],
    )
    return registration


def store_registration(
    open_day: OpenDay,
    *,
    status: Status,
    name: str,
    phone: str,
    email: str | None,
    id_number: str | None,
    locale: str,
    at: datetime,
    submission_key: str | None = None,
) -> Registration:
    """Write a registration as received at `at`, with its private link and its audit row
    (the demo stores its story's registrations through it too)."""
    seed = secrets.token_hex(16)
    registration = Registration(
        open_day=open_day,
        status=status,
        name=name.strip(),
        phone=phone,
        email=(email or "").strip() or None,
        id_number=id_number or None,
        consent_at=at,
        link_seed=seed,
        token_hash=token_hash(link_token(seed)),
        locale=locale,
        created_at=at,
        submission_key=submission_key or None,
    )
    db.session.add(registration)
    db.session.flush()
    # No personal data in the audit log: the confirmation code names the registration.
    record_change(
        "registration.create",
        registration,
        actor=None,
        summary=f"{open_day.title} · {registration.confirmation_code}",
        after={"status": status.value},
    )
    return registration


def waiting_list(open_day: OpenDay):
    """Who waits for a place given back, first first: the draw's order, then arrival."""
    return (
        select(Registration)
        .where(Registration.open_day_id == open_day.id, Registration.status.in_(WAITING))
        .order_by(Registration.draw_rank, Registration.id)
    )


def promote_first_waiting(open_day: OpenDay) -> Registration | None:
    """Give a place that was given back to the first person waiting, and tell them."""
    if utcnow() >= open_day.starts_at or open_day.cancelled_at is not None:
        return None
    first = db.session.scalar(waiting_list(open_day).limit(1))
    if first is None:
        return None
    before = first.status
    first.status = Status.CONFIRMED
    first.promoted_at = utcnow()
    record_change(
        "registration.promote",
        first,
        actor=None,
        summary=f"{open_day.title} · {first.confirmation_code}",
        before={"status": before.value},
        after={"status": first.status.value},
    )
    tell(first, Notice.PROMOTED)
    return first


def cancel_registration(registration: Registration, *, actor=None) -> Registration | None:
    """Cancel a registration (the resident from their page, or staff); a place it held
    goes at once to the first person waiting. Returns who was promoted, if anyone."""
    open_day = registration.open_day
    lock_the_open_day(open_day)
    db.session.refresh(registration)
    if registration.status not in ACTIVE:
        raise RuleBroken(
            _("This registration is already %(status)s.", status=registration.status.label)
        )
    if utcnow() >= open_day.starts_at:
        raise RuleBroken(
            _("The open day has started; the registration can no longer be cancelled.")
        )
    held = registration.holds_a_place
    before = registration.status
    registration.status = Status.CANCELLED
    registration.cancelled_at = utcnow()
    record_change(
        "registration.cancel",
        registration,
        actor=actor,
        summary=f"{open_day.title} · {registration.confirmation_code}",
        before={"status": before.value},
        after={"status": Status.CANCELLED.value},
    )
    tell(registration, Notice.CANCELLED_BY_YOU)
    if not held:
        return None
    promoted = promote_first_waiting(open_day)
    if promoted is None:
        _give_back_a_place(open_day)
    return promoted


def send_link_again(open_day: OpenDay, phone: str) -> None:
    """Send the registration's link again, to the phone and email it was registered with
    (never anywhere the asker names), at most once in `LINK_AGAIN_AFTER`."""
    now = utcnow()
    registration = db.session.scalar(
        select(Registration).where(
            Registration.open_day_id == open_day.id, Registration.phone == phone
        )
    )
    if registration is None:
        return
    sent = db.session.execute(
        update(Registration)
        .where(
            Registration.id == registration.id,
            (Registration.link_sent_at.is_(None))
            | (Registration.link_sent_at < now - LINK_AGAIN_AFTER),
        )
        .values(link_sent_at=now)
        .execution_options(synchronize_session=False)
    )
    if sent.rowcount == 1:
        tell(registration, Notice.NEW_LINK)


def registration_by_token(token: str) -> Registration | None:
    if len(token) < 20:
        return None
    return db.session.scalar(
        select(Registration).where(Registration.token_hash == token_hash(token))
    )
