"""The open-day pages run the same number of SQL queries whatever the amount of data: with
ten times the open days and ten times the registrations on each, the public list, an open
day's page, its places, its draw, the open data and the calendar feed and download, and
the staff open day page and its registrations, run as many queries as before (no query
per row)."""

from __future__ import annotations

import secrets
from datetime import timedelta

import pytest
from sqlalchemy import insert

from core.accounts.models import Role
from core.clock import utcnow
from engagement.open_days.models import (
    HOLDS_A_PLACE,
    Mode,
    OpenDay,
    Registration,
    Status,
    VisitFeedback,
)
from extensions import db
from tests.responses import queries_for


def add_registrations(open_day: OpenDay, statuses: list[Status], *, ranked: bool = False) -> None:
    """Registrations in the given statuses, inserted in one statement, as `register` stores
    them (the places they hold counted in `taken`); ranked in order for a drawn lottery."""
    now = utcnow()
    first = open_day.id * 100_000 + len(open_day_registrations(open_day))
    rows = [
        {
            "open_day_id": open_day.id,
            "status": status,
            "name": "王秀英",
            "phone": f"139{first + number:08d}",
            "email": "resident@example.cn" if number % 2 else None,
            "consent_at": now,
            "link_seed": secrets.token_hex(16),
            "token_hash": secrets.token_hex(32),
            "locale": "zh",
            "created_at": now - timedelta(minutes=number),
            "draw_rank": first % 100_000 + number + 1 if ranked else None,
            "checked_in_at": now if status == Status.ATTENDED else None,
        }
        for number, status in enumerate(statuses)
    ]
    db.session.execute(insert(Registration), rows)
    open_day.taken += sum(status in HOLDS_A_PLACE for status in statuses)
    if Status.ATTENDED in statuses:
        attended = [r for r in open_day_registrations(open_day) if r.status == Status.ATTENDED]
        db.session.execute(
            insert(VisitFeedback),
            [
                {"registration_id": r.id, "open_day_id": open_day.id, "satisfaction": 5,
                 "good": "讲解很细致", "created_at": now}
                for r in attended
                if r.feedback is None
            ],
        )  # fmt: skip
    db.session.commit()


def open_day_registrations(open_day: OpenDay) -> list[Registration]:
    return list(
        db.session.scalars(db.select(Registration).where(Registration.open_day_id == open_day.id))
    )


def first_come(make_open_day) -> OpenDay:
    """Registration open now, 1,000 places."""
    return make_open_day(capacity=1000)


def drawn(make_open_day) -> OpenDay:
    """A lottery whose registration closed yesterday, drawn an hour ago."""
    now = utcnow()
    return make_open_day(
        mode=Mode.LOTTERY,
        capacity=1000,
        registration_opens_at=now - timedelta(days=10),
        registration_closes_at=now - timedelta(days=1),
        draw_seed=secrets.token_hex(16),
        draw_seed_published_at=now - timedelta(hours=20),
        drawn_at=now - timedelta(hours=1),
    )


def held(make_open_day) -> OpenDay:
    """Held a week ago."""
    now = utcnow()
    return make_open_day(
        capacity=1000,
        starts_at=now - timedelta(days=7),
        ends_at=now - timedelta(days=7) + timedelta(hours=3),
        registration_opens_at=now - timedelta(days=30),
        registration_closes_at=now - timedelta(days=10),
    )


def fill(open_day: OpenDay, each: int) -> None:
    """`each` registrations of every kind its stage has."""
    if open_day.drawn_at is not None:
        statuses = [Status.SELECTED, Status.NOT_SELECTED, Status.CANCELLED]
        add_registrations(open_day, statuses * each, ranked=True)
    elif open_day.starts_at < utcnow():
        add_registrations(open_day, [Status.ATTENDED, Status.NO_SHOW, Status.CANCELLED] * each)
    else:
        statuses = [Status.CONFIRMED, Status.WAITLISTED, Status.CANCELLED]
        add_registrations(open_day, statuses * each)


def more_open_days(make_open_day, count: int, each: int) -> None:
    for _ in range(count):
        for make in (first_come, drawn, held):
            fill(make(make_open_day), each)


@pytest.fixture
def grown(make_open_day):
    """The open days the pages are measured on (a first-come one, a drawn lottery, a held
    one), each with 2 registrations of every kind; called, it makes ten times as much:
    nine more of each with as many registrations, and ten times the registrations on the
    measured ones."""
    measured = {"first_come": first_come(make_open_day), "drawn": drawn(make_open_day)}
    measured["held"] = held(make_open_day)
    for open_day in measured.values():
        fill(open_day, 2)

    def grow() -> None:
        more_open_days(make_open_day, 9, 2)
        for open_day in measured.values():
            fill(open_day, 18)

    return measured, grow


def public_addresses(measured: dict[str, OpenDay]) -> list[str]:
    open_day, lottery, past = measured["first_come"], measured["drawn"], measured["held"]
    return [
        "/open-days/",
        f"/open-days/{open_day.id}",
        f"/open-days/{past.id}",
        f"/open-days/{lottery.id}",
        f"/open-days/{open_day.id}/places",
        f"/open-days/{lottery.id}/draw",
        "/api/v1/open-days",
        f"/api/v1/open-days/{lottery.id}",
        "/calendar/open-days.ics",
        f"/open-days/{open_day.id}.ics",
    ]


def staff_addresses(measured: dict[str, OpenDay]) -> list[str]:
    return [
        f"/admin/open-days/{open_day.id}{page}"
        for open_day in measured.values()
        for page in ("", "/registrations")
    ]


def costs(client, addresses: list[str]) -> dict[str, int]:
    return {address: queries_for(client, address) for address in addresses}


def test_public_open_day_pages_cost_the_same_with_ten_times_the_data(client, grown):
    measured, grow = grown
    small = costs(client, public_addresses(measured))
    grow()
    assert costs(client, public_addresses(measured)) == small


def test_staff_open_day_pages_cost_the_same_with_ten_times_the_data(client, auth, make_user, grown):
    measured, grow = grown
    auth.login(make_user(Role.EDITOR))
    small = costs(client, staff_addresses(measured))
    grow()
    assert costs(client, staff_addresses(measured)) == small
