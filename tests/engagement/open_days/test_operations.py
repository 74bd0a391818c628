"""The open days' operations keep their rules: first come fills then waitlists, a place given
back goes to the first person waiting, the lottery is re-run from its published seed, the
reminder goes once, the purge leaves no personal data (read straight from the tables),
postponing and cancelling tell every registrant, and the database itself refuses a second
registration of a phone and more places taken than there are."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from core.accounts.models import Role
from core.audit.models import AuditEntry
from core.clock import office_zone, to_office_time, utcnow
from core.draw import draw
from core.outbox import OutgoingMail, TextMessage
from core.rules import RuleBroken
from engagement.open_days import operations
from engagement.open_days.models import Mode, OpenDay, Registration, Status
from engagement.open_days.notices import Notice
from engagement.open_days.operations.registrations import waiting_list
from extensions import db

ID_NUMBER = "11010519491231002X"  # the standard's own example, with a valid check digit


def phone(number: int) -> str:
    return f"139{number:08d}"


def sign_up(open_day: OpenDay, number: int, **overrides: object) -> Registration:
    fields = {
        "name": f"王{number}号",
        "phone": phone(number),
        "email": None,
        "id_number": None,
        "consented": True,
        "locale": "zh",
    }
    registration = operations.register(open_day, **(fields | overrides))
    db.session.commit()
    return registration


def texts_to(number: str, kind: Notice | None = None) -> list[TextMessage]:
    query = select(TextMessage).where(TextMessage.phone == number)
    if kind is not None:
        query = query.where(TextMessage.kind == kind.value)
    return list(db.session.scalars(query.order_by(TextMessage.id)))


@pytest.fixture
def staff(make_user):
    return make_user(Role.EDITOR)


def test_first_come_fills_the_places_then_waitlists(make_open_day):
    day = make_open_day(capacity=3)
    registrations = [sign_up(day, n) for n in range(5)]
    assert [r.status for r in registrations] == [Status.CONFIRMED] * 3 + [Status.WAITLISTED] * 2
    db.session.refresh(day)
    assert day.taken == 3 and day.places_left == 0
    assert [len(texts_to(phone(n), Notice.CONFIRMED)) for n in range(3)] == [1, 1, 1]
    assert [len(texts_to(phone(n), Notice.WAITLISTED)) for n in (3, 4)] == [1, 1]
    assert [r.id for r in db.session.scalars(waiting_list(day))] == [
        registrations[3].id,
        registrations[4].id,
    ]


def test_cancelling_a_place_promotes_the_first_waiting_and_tells_them(make_open_day):
    day = make_open_day(capacity=2)
    first, second, waiting_1, waiting_2 = (sign_up(day, n) for n in range(4))
    promoted = operations.cancel_registration(second)
    db.session.commit()
    assert promoted.id == waiting_1.id
    db.session.refresh(waiting_1)
    db.session.refresh(waiting_2)
    db.session.refresh(day)
    assert (second.status, waiting_1.status) == (Status.CANCELLED, Status.CONFIRMED)
    assert waiting_1.promoted_at is not None and waiting_2.status == Status.WAITLISTED
    assert day.taken == 2
    assert len(texts_to(phone(2), Notice.PROMOTED)) == 1
    assert texts_to(phone(3), Notice.PROMOTED) == []
    assert len(texts_to(phone(1), Notice.CANCELLED_BY_YOU)) == 1


def test_cancelling_a_waiting_one_promotes_nobody_and_keeps_the_count(make_open_day):
    day = make_open_day(capacity=1)
    holder, waiting_1, waiting_2 = (sign_up(day, n) for n in range(3))
    assert operations.cancel_registration(waiting_1) is None
    db.session.commit()
    db.session.refresh(day)
    db.session.refresh(waiting_2)
    assert day.taken == 1 and holder.status == Status.CONFIRMED
    assert waiting_2.status == Status.WAITLISTED
    assert (
        db.session.scalar(select(func.count()).where(TextMessage.kind == "open_day_promoted")) == 0
    )
    with pytest.raises(RuleBroken):  # cancelled once is cancelled
        operations.cancel_registration(waiting_1)
    db.session.rollback()


def test_cancelling_with_nobody_waiting_gives_the_place_back(make_open_day):
    day = make_open_day(capacity=2)
    first, _second = sign_up(day, 1), sign_up(day, 2)
    assert operations.cancel_registration(first) is None
    db.session.commit()
    db.session.refresh(day)
    assert day.taken == 1
    assert sign_up(day, 3).status == Status.CONFIRMED


def test_the_lottery_is_drawn_from_the_published_seed_and_waits_in_drawn_order(
    make_open_day, staff
):
    day = make_open_day(mode=Mode.LOTTERY, capacity=3)
    entries = [sign_up(day, n) for n in range(8)]
    assert {r.status for r in entries} == {Status.APPLIED}
    db.session.refresh(day)
    assert day.taken == 0
    with pytest.raises(RuleBroken):  # not while registration is open
        operations.fix_draw_seed(day, actor=staff)
    db.session.rollback()
    day.registration_closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()

    seed = operations.fix_draw_seed(day, actor=staff)
    db.session.commit()
    drawn = operations.run_draw(day, actor=staff)
    db.session.commit()

    codes = [r.confirmation_code for r in entries]
    assert [r.confirmation_code for r in drawn] == draw(seed, codes)
    assert [r.confirmation_code for r in drawn] == draw(seed, reversed(codes))  # anyone re-runs
    assert [r.status for r in drawn] == [Status.SELECTED] * 3 + [Status.NOT_SELECTED] * 5
    assert [r.draw_rank for r in drawn] == list(range(1, 9))
    db.session.refresh(day)
    assert day.taken == 3 and day.drawn_at is not None and day.draw_seed == seed
    told = {r.phone: r.status for r in drawn}
    for number, status in told.items():
        kind = Notice.SELECTED if status == Status.SELECTED else Notice.NOT_SELECTED
        assert len(texts_to(number, kind)) == 1
    audit = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "open_day.draw"))
    assert audit.after["draw_seed"] == seed and audit.after["ranking"] == draw(seed, codes)
    with pytest.raises(RuleBroken):  # once
        operations.run_draw(day, actor=staff)
    db.session.rollback()

    # A selected one cancels: the first not selected, in drawn order, gets the place.
    promoted = operations.cancel_registration(drawn[1])
    db.session.commit()
    assert promoted.id == drawn[3].id and promoted.status == Status.CONFIRMED
    assert len(texts_to(drawn[3].phone, Notice.PROMOTED)) == 1
    # A not-selected one ahead in the queue leaves: the next after them is next.
    operations.cancel_registration(drawn[4])
    promoted = operations.cancel_registration(drawn[0])
    db.session.commit()
    assert promoted.id == drawn[5].id
    db.session.refresh(day)
    assert day.taken == 3


def tomorrow_at_ten() -> datetime:
    tomorrow = to_office_time(utcnow()).date() + timedelta(days=1)
    return datetime.combine(tomorrow, time(10, 0), tzinfo=office_zone())


def test_the_reminder_goes_once_to_everyone_with_a_place_for_tomorrow(make_open_day):
    starts = tomorrow_at_ten()
    day = make_open_day(capacity=2, starts_at=starts, ends_at=starts + timedelta(hours=3))
    later = make_open_day(capacity=2)  # in ten days: not reminded yet
    for n in range(3):
        sign_up(day, n)
    sign_up(later, 9)
    assert operations.remind_registrants(utcnow()) == 2
    db.session.commit()
    assert operations.remind_registrants(utcnow()) == 0
    db.session.commit()
    reminded = db.session.scalars(
        select(TextMessage.phone).where(TextMessage.kind == Notice.REMINDER.value)
    ).all()
    assert sorted(reminded) == [phone(0), phone(1)]  # not the waiting one, not the later day


def personal_values(registrations: list[Registration]) -> set[str]:
    values: set[str] = set()
    for registration in registrations:
        values |= {registration.name, registration.phone}
        values |= {value for value in (registration.email, registration.id_number) if value}
    return values


def test_the_purge_leaves_no_personal_data(app, make_open_day, staff):
    day = make_open_day(capacity=2, id_required=True)
    recent = make_open_day(capacity=2)
    registrations = [
        sign_up(day, n, email=f"visitor{n}@example.cn", id_number=ID_NUMBER if n else None)
        for n in range(4)
    ]
    kept = sign_up(recent, 50, email="kept@example.cn")
    operations.cancel_registration(registrations[3])
    db.session.commit()
    assert registrations[0].id_number == ID_NUMBER or registrations[1].id_number == ID_NUMBER
    personal = personal_values(registrations)
    day.starts_at = utcnow() - timedelta(days=31, hours=3)
    day.ends_at = utcnow() - timedelta(days=31)
    recent.starts_at = utcnow() - timedelta(days=3, hours=3)
    recent.ends_at = utcnow() - timedelta(days=3)
    db.session.commit()

    assert operations.purge_open_day_data(utcnow(), 30) == 1
    db.session.commit()
    assert operations.purge_open_day_data(utcnow(), 30) == 0  # done once
    db.session.commit()

    def sql(statement: str) -> list:
        return db.session.execute(text(statement), {"day": day.id}).all()

    rows = sql(
        "SELECT name, phone, email, id_number FROM open_day_registrations WHERE open_day_id = :day"
    )
    assert len(rows) == 4 and all(tuple(row) == (None, None, None, None) for row in rows)
    statuses = sql("SELECT status FROM open_day_registrations WHERE open_day_id = :day")
    assert sorted(row[0] for row in statuses) == [
        "cancelled",
        "confirmed",
        "confirmed",
        "waitlisted",
    ]
    texts = sql("SELECT phone, kind, body, params FROM text_messages")
    mails = sql("SELECT recipient, subject, body FROM outgoing_mail")
    audit = sql("SELECT * FROM audit_entries")
    assert texts and mails and len(audit) > 8  # the other open day's, and the log, remain
    everything_left = json.dumps([[str(v) for v in row] for row in texts + mails + audit])
    for value in personal:
        assert value not in everything_left, value
    # The other open day's registrant, still within the retention period, is untouched.
    db.session.refresh(kept)
    assert kept.phone == phone(50) and texts_to(phone(50))
    assert db.session.scalar(
        select(func.count()).where(OutgoingMail.recipient == "kept@example.cn")
    )

    purge = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "open_day.purge"))
    assert purge.subject_id == day.id
    assert purge.after == {"registrations_purged": 4, "retention_days": 30}
    db.session.refresh(day)
    assert day.purged_at is not None and day.taken == 2  # the anonymous counts stay


def test_the_purge_keeps_the_messages_of_another_open_day_to_the_same_phone(make_open_day):
    """Someone registered for an open day long past and one still to come: the old one's
    messages go with the purge, the coming one's stay (waiting to be sent, or sent)."""
    old, coming = make_open_day(capacity=2), make_open_day(capacity=2)
    gone = sign_up(old, 7, email="same@example.cn")
    kept = sign_up(coming, 7, email="same@example.cn")
    old.starts_at = utcnow() - timedelta(days=40, hours=3)
    old.ends_at = utcnow() - timedelta(days=40)
    db.session.commit()
    gone_code, kept_code = gone.confirmation_code, kept.confirmation_code
    assert operations.purge_open_day_data(utcnow(), 30) == 1
    db.session.commit()
    texts = db.session.scalars(select(TextMessage.body)).all()
    mails = db.session.scalars(select(OutgoingMail.body)).all()
    assert len(texts) == 1 and kept_code in texts[0] and gone_code not in texts[0]
    assert len(mails) == 1 and kept_code in mails[0]
    db.session.refresh(kept)
    assert kept.phone == phone(7) and kept.email == "same@example.cn"


def test_postponing_and_cancelling_tell_every_active_registrant(make_open_day, staff):
    day = make_open_day(capacity=2)
    registrations = [sign_up(day, n) for n in range(4)]
    operations.cancel_registration(registrations[3])
    db.session.commit()
    db.session.refresh(day)
    revision = day.revision
    starts = day.starts_at + timedelta(days=7)
    told = operations.postpone_open_day(
        day, starts_at=starts, ends_at=starts + timedelta(hours=3), reason="台风", actor=staff
    )
    db.session.commit()
    assert told == 3
    assert day.revision == revision + 1 and day.postpone_reason == "台风"
    assert day.original_starts_at is not None and day.starts_at == starts
    assert [len(texts_to(phone(n), Notice.POSTPONED)) for n in range(4)] == [1, 1, 1, 0]
    assert "台风" in texts_to(phone(0), Notice.POSTPONED)[0].body

    told = operations.cancel_open_day(day, reason="场地检修", actor=staff)
    db.session.commit()
    assert told == 3 and day.revision == revision + 2 and day.cancelled_at is not None
    assert [len(texts_to(phone(n), Notice.CANCELLED)) for n in range(4)] == [1, 1, 1, 0]
    with pytest.raises(RuleBroken):  # no registrations for a cancelled open day
        sign_up(day, 20)
    db.session.rollback()


def test_one_registration_per_phone_even_when_the_check_is_bypassed(make_open_day):
    day = make_open_day(capacity=5)
    first = sign_up(day, 1)
    with pytest.raises(operations.AlreadyRegistered):
        sign_up(day, 1, name="另一个人")
    db.session.rollback()
    assert db.session.scalar(select(func.count(Registration.id))) == 1
    db.session.refresh(day)
    assert day.taken == 1  # the refused one gave its place back with the rollback

    db.session.add(
        Registration(
            open_day_id=day.id,
            status=Status.CONFIRMED,
            name="绕过检查",
            phone=first.phone,
            link_seed="0" * 32,
            token_hash="f" * 64,
            locale="zh",
        )
    )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_the_same_form_sent_twice_is_one_registration(make_open_day):
    day = make_open_day(capacity=5)
    first = sign_up(day, 1, submission_key="form-abc")
    again = sign_up(day, 1, submission_key="form-abc")
    assert again.id == first.id
    db.session.refresh(day)
    assert day.taken == 1


def test_the_database_refuses_more_places_taken_than_there_are(make_open_day):
    day = make_open_day(capacity=2)
    with pytest.raises(IntegrityError):
        db.session.execute(
            text("UPDATE open_days SET taken = capacity + 1 WHERE id = :id"), {"id": day.id}
        )
        db.session.flush()
    db.session.rollback()
    with pytest.raises(IntegrityError):
        db.session.execute(text("UPDATE open_days SET taken = -1 WHERE id = :id"), {"id": day.id})
    db.session.rollback()
    db.session.refresh(day)
    assert day.taken == 0
