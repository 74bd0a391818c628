"""The rush (issue 12, "Done when"): hundreds of residents, each a separate process, send
their registrations at the same moment to a real gunicorn with several workers, through the
public form with its CSRF token; the open day has 50 places. Exactly 50 are confirmed, the
rest waitlisted, each phone exactly once, every acknowledged registration stored, no
server error (a 503 "busy" is allowed: the resident sends again, and it is counted).

On SQLite (always) and on PostgreSQL (when TEST_DATABASE_URL is set). Each database gets
its own server (`rush_server.Gunicorn`); the test process prepares the open days and reads
the tables directly. `rush_server.create_rush_app` adds one test-only route, the negative
control, which registers by counting then inserting: it oversells on PostgreSQL, showing
that the rush test can fail. Cancellations racing new registrations keep the count and
promote the waiting list in order.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import threading
import time
from datetime import timedelta

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, select, text

from app import create_app
from core import review
from core.accounts.models import Role, User
from core.clock import utcnow
from core.private_links import token_hash
from engagement.open_days import operations
from engagement.open_days.models import HOLDS_A_PLACE, OpenDay, Registration, Status
from extensions import db
from tests.conftest import POSTGRES_URL, config_for_tests, empty_all_tables
from tests.engagement.open_days.rush_server import Gunicorn, Job, Outcome, resident

CAPACITY = 50
RESIDENTS = 500
PROCESSES = 25  # each sends RESIDENTS / PROCESSES registrations, one after the other


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def rush_database(request, tmp_path_factory) -> str:
    """A migrated database for the rush: SQLite in a file of its own, or the PostgreSQL
    database of TEST_DATABASE_URL (the suite's own, emptied after each test)."""
    if request.param == "postgresql":
        if not POSTGRES_URL:
            pytest.skip("set TEST_DATABASE_URL to a PostgreSQL database to run the rush on it")
        return request.getfixturevalue("migrated_database")
    url = f"sqlite:///{tmp_path_factory.mktemp('rush') / 'rush.sqlite3'}"
    app = create_app(config_for_tests(url))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return url


@pytest.fixture(scope="module")
def server(rush_database, tmp_path_factory):
    """gunicorn, 4 workers of 4 threads, configured as a deployment would be (CSRF on) but
    without rate limits: every resident here comes from the same address."""
    environment = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    environment |= {
        "DATABASE_URL": rush_database,
        "SECRET_KEY": os.environ["SECRET_KEY"],  # the tests' own: the links match
        "SUNSHINE_ENV": "development",
        "RATELIMIT_ENABLED": "0",
    }
    log = tmp_path_factory.mktemp("rush-log") / "gunicorn.log"
    gunicorn = Gunicorn(environment, log, workers=4, threads=4)
    yield gunicorn
    gunicorn.stop()


@pytest.fixture
def rush_app(rush_database, server):
    app = create_app(config_for_tests(rush_database, SECRET_KEY=os.environ["SECRET_KEY"]))
    with app.app_context():
        yield app
        db.session.rollback()
        empty_all_tables()
        db.session.remove()
        db.engine.dispose()


def open_day_with_places(capacity: int = CAPACITY) -> OpenDay:
    """A public first-come open day, registration open now, as staff would make it."""
    author, reviewer = (
        User(username=f"rush-{role.value}", display_name=role.value, role=role)
        for role in (Role.EDITOR, Role.REVIEWER)
    )
    for user in (author, reviewer):
        user.set_password("not used here")
        db.session.add(user)
    db.session.flush()
    now = utcnow()
    open_day = operations.create_open_day(
        actor=author,
        stops=["区长办公室", "常务会会场"],
        title="政府开放日：抢报名",
        description="参观区政府。",
        starts_at=now + timedelta(days=10),
        ends_at=now + timedelta(days=10, hours=3),
        meeting_point="区政府北门",
        capacity=capacity,
        registration_opens_at=now - timedelta(minutes=1),
        registration_closes_at=now + timedelta(days=5),
        eligibility=None,
        id_required=False,
        accessibility=None,
        simulated_meeting=False,
    )
    review.submit_for_review(open_day, actor=author)
    review.approve(open_day, actor=reviewer)
    db.session.commit()
    return open_day


def phone(number: int) -> str:
    return f"139{number:08d}"


def rush(port: int, jobs: list[Job], processes: int) -> tuple[list[Outcome], float]:
    """Every process opens its pages, then all send at one signal. Returns the outcomes
    and the seconds from the signal to the last answer."""
    db.session.rollback()  # the test holds no transaction (on SQLite: no write lock) meanwhile
    # Each resident a process of its own, forked from a clean server process that has
    # imported only `rush_server` (not this test process with its database connections).
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["tests.engagement.open_days.rush_server"])
    start, results = context.Event(), context.Queue()
    workers = [
        context.Process(target=resident, args=(port, jobs[i::processes], start, results))
        for i in range(processes)
    ]
    for worker in workers:
        worker.start()
    deadline = time.monotonic() + 240
    try:
        problems = []
        for _ in workers:
            kind, value = results.get(timeout=max(deadline - time.monotonic(), 1))
            if kind == "error":
                problems.append(value)
        assert not problems, problems
        began = time.monotonic()
        start.set()
        outcomes = [results.get(timeout=max(deadline - time.monotonic(), 1))[1] for _ in jobs]
        return outcomes, time.monotonic() - began
    finally:
        start.set()
        for worker in workers:
            worker.join(max(deadline - time.monotonic(), 0.1))
        for worker in workers:
            if worker.is_alive():
                worker.kill()
                worker.join(5)


def summary(outcomes: list[Outcome]) -> dict[str, int]:
    sends = [status for outcome in outcomes for status in outcome.statuses]
    return {
        "sent": len(outcomes),
        "retries_after_503": sends.count(503),
        "server_errors_other_than_503": sum(1 for s in sends if s >= 500 and s != 503),
        "not_303": sum(1 for outcome in outcomes if outcome.statuses[-1:] != [303]),
    }


def assert_every_answer_was_a_redirect(outcomes: list[Outcome], server: Gunicorn) -> None:
    failed = [(o.job.kind, o.statuses, o.error[:200]) for o in outcomes if o.error]
    failed += [(o.job.kind, o.statuses, "") for o in outcomes if o.statuses[-1:] != [303]]
    assert not failed, (failed[:5], server.log_tail())
    errors = [s for o in outcomes for s in o.statuses if s >= 500 and s != 503]
    assert not errors, (errors, server.log_tail())


def counts(open_day_id: int) -> dict[str, int]:
    db.session.rollback()  # see what the server committed
    rows = db.session.execute(
        text(
            "SELECT status, count(*) FROM open_day_registrations"
            " WHERE open_day_id = :id GROUP BY status"
        ),
        {"id": open_day_id},
    ).all()
    return dict(rows)


def test_500_residents_at_once_get_exactly_the_50_places(rush_app, server, rush_database, capsys):
    open_day = open_day_with_places()
    phones = [phone(n) for n in range(RESIDENTS)]
    jobs = [Job("register", open_day.id, phone=number) for number in phones]
    outcomes, seconds = rush(server.port, jobs, PROCESSES)

    figures = summary(outcomes) | counts(open_day.id) | {"seconds": round(seconds, 1)}
    with capsys.disabled():
        print(f"\nrush on {rush_database.split(':')[0]}: {figures}")
    assert_every_answer_was_a_redirect(outcomes, server)
    assert counts(open_day.id) == {"confirmed": CAPACITY, "waitlisted": RESIDENTS - CAPACITY}
    stored = db.session.execute(
        select(Registration.phone, Registration.token_hash).where(
            Registration.open_day_id == open_day.id
        )
    ).all()
    assert sorted(row.phone for row in stored) == sorted(phones)  # each phone exactly once
    # Every registration acknowledged (303 to its private page) is the one stored.
    acknowledged = {token_hash(o.location.split("/r/")[1].split("#")[0]) for o in outcomes}
    assert acknowledged == {row.token_hash for row in stored}
    db.session.refresh(open_day)
    assert open_day.taken == CAPACITY
    # The waiting list's order is the order the registrations got the lock: by id.
    confirmed_ids = db.session.scalars(
        select(Registration.id).where(
            Registration.open_day_id == open_day.id, Registration.status == Status.CONFIRMED
        )
    ).all()
    first_waiting = db.session.scalar(
        select(Registration.id)
        .where(Registration.open_day_id == open_day.id, Registration.status == Status.WAITLISTED)
        .order_by(Registration.id)
        .limit(1)
    )
    assert max(confirmed_ids) < first_waiting


def test_the_same_rush_oversells_a_naive_count_then_insert(rush_app, server, rush_database, capsys):
    """The negative control: a registration that counts the confirmed and then inserts
    (`rush_server.naive_register`) gives more than 50 places on PostgreSQL, where
    concurrent transactions count the same committed rows. On SQLite every writing
    transaction begins IMMEDIATE (extensions.py), so writers are serialised and even the
    naive version gives exactly 50: there the product's guarantee rests on that lock, and
    the test asserts what is true."""
    open_day = open_day_with_places()
    jobs = [
        Job("register", open_day.id, phone=phone(n), target="naive-register")
        for n in range(RESIDENTS)
    ]
    outcomes, _seconds = rush(server.port, jobs, PROCESSES)
    assert_every_answer_was_a_redirect(outcomes, server)
    confirmed = counts(open_day.id).get("confirmed", 0)
    with capsys.disabled():
        print(f"\nnaive count-then-insert on {rush_database.split(':')[0]}: {confirmed} confirmed")
    if rush_database.startswith("postgresql"):
        assert confirmed > CAPACITY
    else:
        assert confirmed == CAPACITY


class Watch(threading.Thread):
    """Reads the open day's count and its place holders, in one statement, again and again
    while the rush runs: no reader may ever see more than the capacity."""

    def __init__(self, url: str, open_day_id: int) -> None:
        super().__init__(daemon=True)
        self.engine = create_engine(url)
        self.open_day_id, self.seen = open_day_id, []
        self.stopping = threading.Event()

    def run(self) -> None:
        holding = ", ".join(f"'{status.value}'" for status in HOLDS_A_PLACE)
        statement = text(
            "SELECT taken, capacity, (SELECT count(*) FROM open_day_registrations"  # noqa: S608
            f" WHERE open_day_id = :id AND status IN ({holding})) FROM open_days WHERE id = :id"
        )
        with self.engine.connect() as connection:
            while not self.stopping.is_set():
                self.seen.append(
                    tuple(connection.execute(statement, {"id": self.open_day_id}).one())
                )
                connection.commit()
                time.sleep(0.01)

    def stop(self) -> list[tuple[int, int, int]]:
        self.stopping.set()
        self.join(10)
        self.engine.dispose()
        return self.seen


def test_cancellations_racing_registrations_promote_the_waiting_list_in_order(
    rush_app, server, rush_database
):
    open_day = open_day_with_places()
    first = [
        operations.register(
            open_day,
            name=f"居民{n}",
            phone=phone(n),
            email=None,
            id_number=None,
            consented=True,
            locale="zh",
        )
        for n in range(CAPACITY + 30)
    ]
    db.session.commit()
    confirmed = [r for r in first if r.status == Status.CONFIRMED]
    waiting = [r for r in first if r.status == Status.WAITLISTED]
    assert len(confirmed) == CAPACITY and len(waiting) == 30
    leaving = random.Random(12).sample(confirmed, 20)
    jobs = [Job("cancel", open_day.id, token=r.token) for r in leaving]
    jobs += [Job("register", open_day.id, phone=phone(1000 + n)) for n in range(100)]
    random.Random(5).shuffle(jobs)

    watch = Watch(rush_database, open_day.id)
    watch.start()
    outcomes, _seconds = rush(server.port, jobs, 20)
    seen = watch.stop()
    assert_every_answer_was_a_redirect(outcomes, server)

    assert seen and all(taken == holding <= capacity for taken, capacity, holding in seen), [
        row for row in seen if not row[0] == row[2] <= row[1]
    ][:5]
    assert counts(open_day.id) == {"confirmed": 50, "cancelled": 20, "waitlisted": 110}
    db.session.refresh(open_day)
    assert open_day.taken == CAPACITY
    promoted = db.session.execute(
        select(Registration.id, Registration.promoted_at).where(
            Registration.open_day_id == open_day.id, Registration.promoted_at.is_not(None)
        )
    ).all()
    # The first 20 waiting, by id, and in that order.
    assert sorted(row.id for row in promoted) == [r.id for r in waiting[:20]]
    by_time = [row.id for row in sorted(promoted, key=lambda row: (row.promoted_at, row.id))]
    assert by_time == sorted(by_time)
    cancelled = db.session.scalars(
        select(Registration.id).where(
            Registration.open_day_id == open_day.id, Registration.status == Status.CANCELLED
        )
    ).all()
    assert sorted(cancelled) == sorted(r.id for r in leaving)
