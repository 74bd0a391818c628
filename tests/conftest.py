"""Fixtures for every test directory: a real database (SQLite by default, PostgreSQL with
TEST_DATABASE_URL), created once by the migrations and emptied after every test, and the
factories for the objects tests need (`make_user`, `make_meeting`, `announce`,
`approve_change`, `make_consultation`, ...). Helpers that are not fixtures live in
`tests/responses.py` and, for the browser tests, `tests/browser_support.py`."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from jinja2.bccache import Bucket, BytecodeCache
from sqlalchemy import create_engine, text

os.environ.setdefault("SECRET_KEY", "tests-only-" + secrets.token_hex(16))

from app import create_app  # noqa: E402  (after the environment is set)
from core import review  # noqa: E402
from core.accounts.models import Role, User  # noqa: E402
from core.clock import utcnow  # noqa: E402
from engagement.consultations import operations as consultation_operations  # noqa: E402
from engagement.consultations.models import Consultation  # noqa: E402
from engagement.open_days import operations as open_day_operations  # noqa: E402
from engagement.open_days.models import Mode  # noqa: E402
from extensions import db, limiter  # noqa: E402
from meetings import operations as meeting_operations  # noqa: E402
from meetings.decisions import operations as decision_operations  # noqa: E402
from meetings.decisions.models import Decision, DecisionOutcome  # noqa: E402
from meetings.models import AgendaItem, Body, BodyLevel, ChangeKind, Meeting, MeetingChange  # noqa: E402

TEST_PASSWORD = "correct horse battery"
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")
requires_postgres = pytest.mark.skipif(
    not POSTGRES_URL, reason="set TEST_DATABASE_URL to a PostgreSQL database to run this test"
)


def reset_postgres_schema(url: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    if POSTGRES_URL:
        from config import normalise_database_url

        url = normalise_database_url(POSTGRES_URL)
        reset_postgres_schema(url)
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'sunshine-test.sqlite3'}"


def config_for_tests(database_url: str, **overrides: object) -> dict[str, object]:
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        # CI sets REDIS_URL for the tests that count across workers; every other test keeps
        # its page cache in its own process.
        "REDIS_URL": None,
        # scrypt costs tens of milliseconds a password and the tests make hundreds of
        # accounts; tests/core/test_accounts.py checks that a deployment uses scrypt.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1",
        **overrides,
    }


@pytest.fixture(scope="session")
def migrated_database(database_url: str) -> str:
    """The schema, made the way a deployment makes it: by running the migrations."""
    app = create_app(config_for_tests(database_url))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return database_url


def empty_all_tables() -> None:
    # The public-data version only grows, as in a deployment (the migration makes its row).
    tables = [table for table in db.metadata.sorted_tables if table.name != "public_state"]
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(table.name for table in tables)  # our own metadata, not input
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))  # noqa: S608
    else:
        # Tables that point at each other (a decision and its text in force) are emptied
        # in one transaction, checked at its end.
        db.session.execute(text("PRAGMA defer_foreign_keys = ON"))
        for table in reversed(tables):
            db.session.execute(table.delete())
    db.session.commit()


class IsolatedRequestClient(FlaskClient):
    """Each request runs in its own application context, as in production.

    The test itself holds an application context (for factories and assertions); without
    this, requests would share its `g` and its database session, and a user loaded by one
    request would stay signed in for the next.
    """

    def open(self, *args, **kwargs):
        db.session.commit()  # end the test's transaction: the request sees its data
        with self.application.app_context():
            return super().open(*args, **kwargs)


class TemplateBytecode(BytecodeCache):
    """Compiled templates kept for the whole run. Every test gets a new app, and each new
    app would otherwise compile every template it renders again from its source; Jinja
    still compares each template's source checksum before using what is kept here."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_BYTECODE = TemplateBytecode()


@pytest.fixture
def app_config() -> dict[str, object]:
    """Override in a test module to change the configuration of `app`."""
    return {}


@pytest.fixture
def app(migrated_database: str, app_config: dict[str, object], tmp_path: Path) -> Iterator[Flask]:
    config = {
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        "MAIL_FOLDER": str(tmp_path / "mail"),
        "MAIL_SERVER": None,
        **app_config,
    }
    # Flask-Limiter keeps the first app's key prefix for every later app of the process (a
    # deployment has one app per process); each test's app starts from its own settings.
    limiter._key_prefix = ""
    limiter._storage_dead = False  # nor an earlier app's unreachable Redis
    app = create_app(config_for_tests(migrated_database, **config))
    app.test_client_class = IsolatedRequestClient
    app.jinja_env.bytecode_cache = TEMPLATE_BYTECODE
    with app.app_context():
        yield app
        db.session.rollback()
        empty_all_tables()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def make_user(app: Flask) -> Callable[..., User]:
    counter = iter(range(1, 10_000))

    def make(role: Role | str = Role.EDITOR, **overrides: object) -> User:
        role = Role(role)
        number = next(counter)
        user = User(
            username=overrides.pop("username", f"{role.value}{number}"),
            display_name=overrides.pop("display_name", f"{role.value.title()} {number}"),
            role=role,
            **overrides,
        )
        user.set_password(TEST_PASSWORD)
        db.session.add(user)
        db.session.commit()
        return user

    return make


class Auth:
    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def login(self, user: User, password: str = TEST_PASSWORD):
        return self.client.post("/login", data={"username": user.username, "password": password})

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client: FlaskClient) -> Auth:
    return Auth(client)


@pytest.fixture
def make_body(app: Flask) -> Callable[..., Body]:
    counter = iter(range(1, 10_000))

    def make(**overrides: object) -> Body:
        number = next(counter)
        fields = {
            "name": f"区政府常务会议 {number}",
            "level": BodyLevel.DISTRICT,
            "slug": f"body-{number}",
            "default_venue": "区政府第一会议室",
            **overrides,
        }
        body = Body(**fields)
        db.session.add(body)
        db.session.commit()
        return body

    return make


@pytest.fixture
def make_meeting(make_body: Callable[..., Body], make_user: Callable[..., User]):
    """A draft meeting by a fresh editor, ten days from now, with one agenda item, unless
    told otherwise (`agenda=[]` for none)."""

    def make(**overrides: object) -> Meeting:
        starts_at = overrides.pop("starts_at", utcnow() + timedelta(days=10))
        fields = {
            "title": "2026年第19次区政府常务会议",
            "starts_at": starts_at,
            "ends_at": starts_at + timedelta(hours=2),
            "venue": "区政府第一会议室",
            **overrides,
        }
        if "body" not in fields:
            fields["body"] = make_body()
        if "author" not in fields:
            fields["author"] = make_user(Role.EDITOR)
        agenda = overrides.get("agenda")
        meeting = Meeting(**fields)
        if agenda is None:
            meeting.agenda = [AgendaItem(position=1, title="关于老旧小区综合整治的议题")]
        db.session.add(meeting)
        db.session.commit()
        return meeting

    return make


@pytest.fixture
def reviewer(make_user: Callable[..., User]) -> User:
    return make_user(Role.REVIEWER)


@pytest.fixture
def announce(reviewer: User) -> Callable[[Meeting], Meeting]:
    """Announce a meeting: submitted by its author, approved by `reviewer`, committed."""

    def announce(meeting: Meeting) -> Meeting:
        review.submit_for_review(meeting, actor=meeting.author)
        review.approve(meeting, actor=reviewer)
        db.session.commit()
        return meeting

    return announce


@pytest.fixture
def approve_change(reviewer: User) -> Callable[..., MeetingChange]:
    """A change to an announced meeting, proposed and submitted by the meeting's author and
    approved by `reviewer`, committed."""

    def approve_change(meeting: Meeting, kind: ChangeKind, **fields: object) -> MeetingChange:
        change = meeting_operations.propose_change(meeting, kind, actor=meeting.author, **fields)
        review.submit_for_review(change, actor=meeting.author)
        review.approve(change, actor=reviewer)
        db.session.commit()
        return change

    return approve_change


@pytest.fixture
def publish_decision(reviewer: User) -> Callable[..., Decision]:
    """Record an item's decision by its meeting's author, submitted and approved by
    `reviewer`, committed: the way staff publish one. The meeting must have started."""

    def publish(item: AgendaItem, **fields: object) -> Decision:
        values = {
            "title": item.title,
            "outcome": DecisionOutcome.APPROVED,
            "text": f"会议原则同意{item.title}。",
            "dissent": None,
            "interpretation": "## 这项决定是什么\n\n用通俗的话说明决定的内容。",
            "comments_used": None,
            "documents": [],
            **fields,
        }
        author = item.meeting.author
        decision = decision_operations.record_decision(item, actor=author, **values)
        review.submit_for_review(decision.versions[0], actor=author)
        review.approve(decision.versions[0], actor=reviewer)
        db.session.commit()
        return decision

    return publish


@pytest.fixture
def publish_decisions(publish_decision) -> Callable[[Meeting], Meeting]:
    """Publish a decision for each public item of a held meeting, which concludes it."""

    def publish_all(meeting: Meeting) -> Meeting:
        for item in meeting.public_agenda:
            if not item.is_withheld:
                publish_decision(item)
        return meeting

    return publish_all


@pytest.fixture
def major_item(make_meeting, announce) -> AgendaItem:
    """A major-decision item of a meeting announced for 40 days from now."""
    meeting = make_meeting(
        starts_at=utcnow() + timedelta(days=40),
        agenda=[
            AgendaItem(position=1, title="关于养老服务驿站建设的实施意见", is_major_decision=True)
        ],
    )
    return announce(meeting).agenda[0]


@pytest.fixture
def make_consultation(major_item: AgendaItem, reviewer: User):
    """A consultation on `major_item`, open now for 31 days and approved, unless told otherwise."""

    def make(*, approve: bool = True, **overrides: object) -> Consultation:
        now = utcnow()
        fields = {
            "title": "养老服务驿站建设实施意见（征求意见稿）",
            "draft_text": "## 目标\n\n每个社区一个驿站。",
            "explanation": "区民政局起草。",
            "other_channels": "信函：区民政局",
            "opens_at": now - timedelta(minutes=1),
            "closes_at": now + timedelta(days=31),
            "short_period_reason": None,
            **overrides,
        }
        author = major_item.meeting.author
        consultation = consultation_operations.open_consultation(major_item, actor=author, **fields)
        if approve:
            review.submit_for_review(consultation, actor=author)
            review.approve(consultation, actor=reviewer)
        db.session.commit()
        return consultation

    return make


@pytest.fixture
def open_consultation(make_consultation) -> Consultation:
    """A consultation with `make_consultation`'s defaults: open now, for 31 days, public."""
    return make_consultation()


@pytest.fixture
def make_open_day(make_user: Callable[..., User], reviewer: User):
    """An open day, public unless told otherwise: registration open now (first come, 50
    places) for a visit in ten days. Overrides are applied after approval, so a test can
    move a public open day anywhere in time (e.g. `starts_at` in the past)."""
    author = make_user(Role.EDITOR)

    def make(*, approve: bool = True, stops: list[str] | None = None, **overrides: object):
        now = utcnow()
        fields = {
            "title": "政府开放日：走进区政府",
            "description": "参观区长办公室和常务会会场，体验模拟常务会。",
            "starts_at": now + timedelta(days=10),
            "ends_at": now + timedelta(days=10, hours=3),
            "meeting_point": "区政府北门",
            "capacity": 50,
            "registration_opens_at": now - timedelta(minutes=1),
            "registration_closes_at": now + timedelta(days=5),
            "mode": Mode.FIRST_COME,
            "eligibility": "本区居民",
            "id_required": False,
            "accessibility": "全程无障碍通道。",
            "simulated_meeting": True,
        }
        creating = {key: overrides.pop(key) for key in list(overrides) if key == "mode"}
        open_day = open_day_operations.create_open_day(
            actor=author,
            stops=stops or ["区长办公室", "常务会会场", "城市管理指挥中心", "应急值守平台"],
            **(fields | creating),
        )
        if approve:
            review.submit_for_review(open_day, actor=author)
            review.approve(open_day, actor=reviewer)
        for name, value in overrides.items():
            setattr(open_day, name, value)
        db.session.commit()
        return open_day

    return make


@pytest.fixture
def artifacts_dir() -> Path:
    path = Path(__file__).resolve().parent.parent / "test-artifacts"
    path.mkdir(exist_ok=True)
    return path
