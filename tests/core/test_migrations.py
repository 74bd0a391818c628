"""The schema is made by the migrations, the same on SQLite and PostgreSQL, and matches
the models (a model change without its migration fails here)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine, inspect, text

from app import create_app
from config import normalise_database_url
from core.accounts.models import Role, User
from core.audit import AuditEntry
from core.clock import utcnow
from extensions import db
from meetings.models import Body, BodyLevel, LiveUpdate, Meeting
from tests.conftest import POSTGRES_URL, config_for_tests, requires_postgres


@contextmanager
def fresh_database(tmp_path: Path) -> Iterator[str]:
    """An empty database of the kind the suite runs on: a new SQLite file, or a new
    PostgreSQL database (dropped afterwards) when TEST_DATABASE_URL is set."""
    if not POSTGRES_URL:
        yield f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
        return
    base = normalise_database_url(POSTGRES_URL)
    name = f"sunshine_migrations_{secrets.token_hex(4)}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def migrate_and_describe(url: str) -> dict[str, dict[str, tuple[str, bool]]]:
    """Run every migration on an empty database; return tables -> columns -> (type, nullable)."""
    app = create_app(config_for_tests(url))
    with app.app_context():
        upgrade()
        inspector = inspect(db.engine)
        described = {
            table: {
                column["name"]: (generic_type(column["type"]), column["nullable"])
                for column in inspector.get_columns(table)
            }
            for table in inspector.get_table_names()
        }
        db.engine.dispose()
    return described


def generic_type(column_type) -> str:
    """The portable name of a column type (TIMESTAMP and DATETIME are one thing)."""
    name = type(column_type).__name__.upper()
    return {
        "TIMESTAMP": "DATETIME",
        "DATETIME": "DATETIME",
        "JSONB": "JSON",
        "JSON": "JSON",
        "TEXT": "TEXT",
        "VARCHAR": "VARCHAR",
        "INTEGER": "INTEGER",
        "BOOLEAN": "BOOLEAN",
    }.get(name, name)


def test_migrations_match_the_models(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": True}
        )
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_migrations_on_empty_sqlite_make_every_model_table(tmp_path):
    tables = migrate_and_describe(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    assert set(tables) - {"alembic_version"} == set(db.metadata.tables)


@requires_postgres
def test_sqlite_and_postgresql_get_the_same_tables_and_columns(tmp_path):
    sqlite_tables = migrate_and_describe(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    with fresh_database(tmp_path) as url:
        postgres_tables = migrate_and_describe(url)
    assert postgres_tables == sqlite_tables


# (action, what versions up to 0004 stored, the title 0005 leaves, what it adds to `after`)
OLD_AUDIT_SENTENCES = [
    ("staff.create", "Created account editor2 (editor)", "editor2", None),
    ("staff.login", "admin signed in", "admin", None),
    ("review.approve", "Approved and published: 第19次会议", "第19次会议", None),
    (
        "agenda.add",
        "Added agenda item to 第19次会议: 关于停车的议题",
        "第19次会议 · 关于停车的议题",
        None,
    ),
    ("agenda.move", "Moved agenda item up: 关于停车的议题", "关于停车的议题", None),
    ("document.attach", "Attached 方案.pdf to 关于停车的议题", "关于停车的议题 · 方案.pdf", None),
    ("meeting.update", "Edited meeting draft: 第19次会议", "第19次会议", None),
    ("meeting_change.propose", "Proposed postpone for 第19次会议", "第19次会议", None),
    ("consultation.attach", "Attached 说明.docx to 《意见稿》", "《意见稿》 · 说明.docx", None),
    ("comment.receive", "Comment ZJ-2026-1 received on 《意见稿》", "《意见稿》 · ZJ-2026-1", None),
    (
        "comment.enter",
        "Entered comment ZJ-2026-000002 received by letter",
        "ZJ-2026-000002",
        {"channel": "letter"},
    ),
    ("comment.reject", "Rejected comment ZJ-2026-000003", "ZJ-2026-000003", None),
    (
        "comment.purge_personal_data",
        "Deleted personal data of 3 comments after the retention period",
        "",
        {"comments_purged": 3},
    ),
    ("feedback.save", "Saved feedback report for 《意见稿》", "《意见稿》", None),
    # Already a title, or a sentence no version wrote: left as they are.
    ("meeting.create", "第20次会议", "第20次会议", None),
    ("custom.action", "Something else happened", "Something else happened", None),
]


def test_old_audit_sentences_become_titles(tmp_path):
    with fresh_database(tmp_path) as url:
        app = create_app(config_for_tests(url))
        with app.app_context():
            upgrade(revision="0004_staff_sessions")  # just before the titles migration
            # The schema of that time has no public-data version to bump yet.
            from core.page_cache.models import BUMPED

            db.session.info[BUMPED] = True
            author = User(username="editor", display_name="张敏", role=Role.EDITOR)
            author.set_password("a long enough password")
            body = Body(name="区政府常务会议", level=BodyLevel.DISTRICT, slug="district")
            db.session.add_all([author, body])
            db.session.flush()
            # The meetings table as it was at 0004 (later revisions add columns the model has).
            meeting_id = db.session.execute(
                Meeting.__table__.insert()
                .values(
                    body_id=body.id,
                    author_id=author.id,
                    title="第19次会议",
                    starts_at=utcnow(),
                    ends_at=utcnow() + timedelta(hours=1),
                    review_state="draft",
                )
                .returning(Meeting.__table__.c.id)
            ).scalar_one()
            # The table as it was at 0004 (later revisions add columns the model has).
            update_id = db.session.execute(
                LiveUpdate.__table__.insert()
                .values(
                    meeting_id=meeting_id,
                    text="会议开始。",
                    posted_at=utcnow(),
                    author_id=author.id,
                )
                .returning(LiveUpdate.__table__.c.id)
            ).scalar_one()
            entries = [
                AuditEntry(actor_name="system", action=action, subject_type="X", summary=old)
                for action, old, _title, _after in OLD_AUDIT_SENTENCES
            ]
            corrected = AuditEntry(
                actor_name="张敏",
                action="live.correct",
                subject_type="LiveUpdate",
                subject_id=update_id,
                summary="Corrected a live update",
                after={"text": "会议开始！"},
            )
            db.session.add_all([*entries, corrected])
            db.session.flush()
            ids, corrected_id = [entry.id for entry in entries], corrected.id
            db.session.commit()
            db.session.close()  # the migration writes through its own connection

            upgrade()
            db.session.expire_all()
            read = {entry.id: entry for entry in db.session.scalars(db.select(AuditEntry))}
            assert [(read[i].summary, read[i].after) for i in ids] == [
                (title, after) for _action, _old, title, after in OLD_AUDIT_SENTENCES
            ]
            assert read[corrected_id].summary == "第19次会议"  # the live update's meeting
            assert read[corrected_id].after == {"text": "会议开始！"}
            db.session.remove()
            db.engine.dispose()


@pytest.mark.skipif(bool(POSTGRES_URL), reason="the SQLite pragmas apply to SQLite only")
def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(app):
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


@pytest.mark.skipif(bool(POSTGRES_URL), reason="the writer lock recipe applies to SQLite only")
def test_concurrent_read_then_write_transactions_both_succeed_on_sqlite(app):
    """Two writers that read first would deadlock with SQLite's deferred BEGIN (one gets
    'database is locked' at once); starting writers with BEGIN IMMEDIATE queues them."""
    import threading
    import time

    from core.accounts.models import Role, User

    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def writer(number: int) -> None:
        with app.app_context():
            try:
                barrier.wait()
                db.session.scalar(db.select(db.func.count(User.id)))  # read first
                time.sleep(0.2)  # let the other writer read too
                user = User(username=f"writer{number}", display_name="并发", role=Role.EDITOR)
                user.set_password("a long enough password")
                db.session.add(user)
                db.session.commit()
            except BaseException as error:  # collected and asserted below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=writer, args=(n,)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert db.session.scalar(db.select(db.func.count(User.id))) == 2


def test_calendar_revisions_are_read_from_the_history(tmp_path):
    """0009 gives existing meetings and consultations the time they last changed publicly
    and a consultation one revision per extension, from the changes and the audit log."""
    from sqlalchemy import column, table

    from core.clock import UTCDateTime

    announced, changed = utcnow() - timedelta(days=9), utcnow() - timedelta(days=5)
    approved, extensions = (
        utcnow() - timedelta(days=8),
        [utcnow() - timedelta(days=d) for d in (4, 2)],
    )
    with fresh_database(tmp_path) as url:
        app = create_app(config_for_tests(url))
        with app.app_context():
            upgrade(revision="0008_live_photo_descriptions")
            from core.page_cache.models import BUMPED

            db.session.info[BUMPED] = True
            author = User(username="editor", display_name="张敏", role=Role.EDITOR)
            author.set_password("a long enough password")
            body = Body(name="区政府常务会议", level=BodyLevel.DISTRICT, slug="district")
            db.session.add_all([author, body])
            db.session.flush()
            # The tables as they were at 0008, with only the columns they had.
            times = {name: UTCDateTime() for name in ("starts_at", "ends_at", "created_at")}
            meetings = table(
                "meetings",
                *(column(name) for name in ("id", "body_id", "title", "author_id")),
                *(column(name) for name in ("review_state", "revision", "sit_in_open")),
                *(column(name) for name in ("sit_in_places",)),
                *(column(name, kind) for name, kind in times.items()),
                column("published_at", UTCDateTime()),
            )
            db.session.execute(
                meetings.insert().values(
                    id=1, body_id=body.id, title="第19次会议", author_id=author.id,
                    review_state="approved", revision=2, sit_in_open=False, sit_in_places=0,
                    starts_at=utcnow(), ends_at=utcnow(), created_at=announced,
                    published_at=announced,
                )
            )  # fmt: skip
            changes = table(
                "meeting_changes",
                *(column(name) for name in ("meeting_id", "kind", "review_state", "author_id")),
                column("created_at", UTCDateTime()),
                column("published_at", UTCDateTime()),
            )
            db.session.execute(
                changes.insert().values(
                    meeting_id=1, kind="postpone", review_state="approved",
                    author_id=author.id, created_at=changed, published_at=changed,
                )
            )  # fmt: skip
            items = table(
                "agenda_items",
                *(column(name) for name in ("id", "meeting_id", "position", "title")),
                *(column(name) for name in ("is_major_decision", "visibility")),
                column("created_at", UTCDateTime()),
            )
            db.session.execute(
                items.insert().values(
                    id=1, meeting_id=1, position=1, title="议题", is_major_decision=True,
                    visibility="public", created_at=announced,
                )
            )  # fmt: skip
            consultations = table(
                "consultations",
                *(column(name) for name in ("id", "agenda_item_id", "title", "draft_text")),
                *(column(name) for name in ("explanation", "review_state", "author_id")),
                *(column(name, UTCDateTime()) for name in ("opens_at", "closes_at")),
                *(column(name, UTCDateTime()) for name in ("created_at", "published_at")),
            )
            db.session.execute(
                consultations.insert().values(
                    id=1, agenda_item_id=1, title="意见稿", draft_text="稿", explanation="说明",
                    review_state="approved", author_id=author.id, opens_at=approved,
                    closes_at=utcnow(), created_at=approved, published_at=approved,
                )
            )  # fmt: skip
            db.session.add_all(
                AuditEntry(
                    actor_name="张敏", action="consultation.extend", at=moment,
                    subject_type="Consultation", subject_id=1, summary="意见稿",
                )
                for moment in extensions
            )  # fmt: skip
            db.session.commit()
            db.session.close()

            upgrade()
            meeting = db.session.get(Meeting, 1)
            assert meeting.revised_at == changed and meeting.revision == 2
            from engagement.consultations.models import Consultation

            consultation = db.session.get(Consultation, 1)
            assert consultation.revision == 3  # approval and two extensions
            assert consultation.revised_at == extensions[-1]
            db.session.remove()
            db.engine.dispose()
