"""The schema is made by the migrations, the same on SQLite and PostgreSQL, and matches
the models (a model change without its migration fails here)."""

from __future__ import annotations

import secrets

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine, inspect, text

from app import create_app
from config import normalise_database_url
from extensions import db
from tests.conftest import POSTGRES_URL, config_for_tests, requires_postgres


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

    base = normalise_database_url(POSTGRES_URL)
    name = f"sunshine_migrations_{secrets.token_hex(4)}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        postgres_tables = migrate_and_describe(base.rsplit("/", 1)[0] + "/" + name)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    assert postgres_tables == sqlite_tables


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
