"""The Flask extensions, created unbound here and bound to the app in `create_app`."""

from __future__ import annotations

import enum
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from flask import has_request_context, request
from flask_babel import Babel
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import Enum, MetaData, event
from sqlalchemy.engine import Engine

# Named constraints keep migrations identical on SQLite and PostgreSQL and let
# Alembic's batch mode alter SQLite tables.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING_CONVENTION))
migrate = Migrate(render_as_batch=True, compare_type=True)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
compress = Compress()


_writes_first: ContextVar[bool] = ContextVar("writes_first", default=False)


@contextmanager
def writes_first() -> Iterator[None]:
    """Transactions begun inside start as writers even in a GET (a staff session's last use
    is written down before the page reads anything)."""
    token = _writes_first.set(True)
    try:
        yield
    finally:
        _writes_first.reset(token)


def _request_will_write() -> bool:
    """Reads (GET/HEAD) never write; everything else, and commands outside a request, may."""
    if not has_request_context() or _writes_first.get():
        return True
    return request.method not in {"GET", "HEAD", "OPTIONS"}


def prepare_engine(engine: Engine) -> None:
    """SQLite: WAL, a busy timeout, foreign keys, and writers that take the lock up front.

    pysqlite's own BEGIN is deferred, so two writers can both read and then fail to
    upgrade their lock. We take over BEGIN (SQLAlchemy's recipe for the sqlite3
    driver) and start every transaction that may write as BEGIN IMMEDIATE.
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _request_will_write() else "BEGIN")


def string_enum(enum_class: type[enum.Enum], length: int = 16) -> Enum:
    """An enum column stored as its string values, the same on SQLite and PostgreSQL."""
    return Enum(
        enum_class,
        native_enum=False,
        length=length,
        values_callable=lambda members: [member.value for member in members],
    )
