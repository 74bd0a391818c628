"""Nothing a resident was told was received is lost when the server is killed.

Sunshine runs under gunicorn as a deployment runs it (two workers). Residents comment on
a consultation and register for an open day with few places, all at once; in the middle
of it every gunicorn process is killed (SIGKILL: nothing gets to finish) and gunicorn is
started again on the same database, while residents whose request got no answer send the
same form again, as a browser's Back and send does. Afterwards every comment whose
receipt number a resident saw, and every registration whose confirmation code they saw,
is in the database exactly once; a form sent twice (a double tap, or sent again after no
answer) was stored once and leads to the same receipt; the open day's places given and
places left add up to its places, and agree with the registrations that hold one; the
database is consistent (SQLite: `PRAGMA integrity_check`, `foreign_key_check`;
PostgreSQL: every constraint valid)."""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy import func, select, text

from engagement.consultations.models import Comment, Consultation
from engagement.open_days.models import HOLDS_A_PLACE, OpenDay, Registration, Status
from extensions import db
from tests.core.test_backup import broken_references
from tests.server_support import Burst, Gunicorn, make_server, migrated_database

__all__ = ["make_server", "migrated_database"]  # fixtures, used by name

PLACES = 6


def prepare(
    open_consultation: Consultation, make_open_day: Callable[..., OpenDay]
) -> tuple[int, int]:
    """An open consultation and an open day taking registrations, as plain ids; the
    test's own transaction ended, so the server's writers never wait for it."""
    open_day = make_open_day(capacity=PLACES)
    ids = open_consultation.id, open_day.id
    db.session.commit()
    db.session.close()
    return ids


def assert_nothing_acknowledged_lost(burst: Burst, consultation_id: int, open_day_id: int) -> None:
    """Every acknowledged comment and registration stored exactly once, each form sent
    twice stored once and leading to the same receipt, and the open day's places adding
    up: places given are the registrations holding one, never more than its places, and
    the rest wait."""
    db.session.close()
    comments = db.session.scalars(
        select(Comment).where(Comment.consultation_id == consultation_id)
    ).all()
    bodies = [comment.body for comment in comments]
    assert len(bodies) == len(set(bodies)), "a comment was stored twice"
    by_receipt = {comment.receipt_number: comment for comment in comments}
    assert len(by_receipt) == len(comments)
    for acknowledged in burst.comments:
        stored = by_receipt.get(acknowledged.number)
        assert stored is not None, f"acknowledged comment {acknowledged.number} is missing"
        assert stored.body == acknowledged.typed["body"]
        assert stored.submission_key == acknowledged.key

    registrations = db.session.scalars(
        select(Registration).where(Registration.open_day_id == open_day_id)
    ).all()
    by_phone = {registration.phone: registration for registration in registrations}
    assert len(by_phone) == len(registrations), "a phone was registered twice"
    for acknowledged in burst.registrations:
        stored = by_phone.get(acknowledged.typed["phone"])
        assert stored is not None, f"acknowledged registration {acknowledged.number} is missing"
        assert stored.confirmation_code == acknowledged.number
        assert stored.submission_key == acknowledged.key

    twice = [a for a in burst.comments + burst.registrations if a.sent_twice]
    assert twice, "no form was sent twice"
    for acknowledged in twice:
        assert acknowledged.sent_again_to == acknowledged.location, (
            f"{acknowledged.number} sent again led to {acknowledged.sent_again_to}"
        )

    open_day = db.session.get(OpenDay, open_day_id)
    holding = sum(registration.status in HOLDS_A_PLACE for registration in registrations)
    assert open_day.taken == holding <= open_day.capacity
    assert open_day.taken + open_day.places_left == open_day.capacity
    assert open_day.taken == min(open_day.capacity, len(registrations))  # first come: full first
    waiting = sum(registration.status == Status.WAITLISTED for registration in registrations)
    assert holding + waiting == len(registrations)


def assert_database_consistent() -> None:
    if db.engine.dialect.name == "sqlite":
        assert db.session.execute(text("PRAGMA integrity_check")).scalars().all() == ["ok"]
        assert db.session.execute(text("PRAGMA foreign_key_check")).all() == []
    else:  # every foreign key points at a row, as SQLite's foreign_key_check says above
        db.session.rollback()
        assert broken_references() == []
    over = select(func.count()).select_from(OpenDay).where(OpenDay.taken > OpenDay.capacity)
    assert db.session.scalar(over) == 0


def test_killed_server_loses_nothing_acknowledged(
    app,
    migrated_database: str,
    make_server: Callable[[str], Gunicorn],
    open_consultation,
    make_open_day,
) -> None:
    consultation_id, open_day_id = prepare(open_consultation, make_open_day)
    server = make_server(migrated_database)
    burst = Burst(server.port, consultation_id, open_day_id).start()
    burst.wait_for(12)
    server.kill()
    killed_after = burst.acknowledged()
    time.sleep(0.5)  # residents meet a closed port meanwhile, and send again
    server.start()
    burst.finish()

    assert killed_after < burst.residents * burst.forms_each, "the kill came after the burst"
    assert not burst.failures
    assert not burst.unacknowledged, "a form was never acknowledged after the restart"
    assert not [a for a in burst.answers() if a.status >= 500 and a.status != 503]
    assert_nothing_acknowledged_lost(burst, consultation_id, open_day_id)
    assert_database_consistent()
