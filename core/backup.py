"""Backups of the office's database and restoring them: `flask backup` and `flask restore`.

A backup is one consistent moment of the whole database, taken while residents go on
commenting and registering: on SQLite through SQLite's online backup API (a plain copy of
the file would miss what is still in its write-ahead log, or catch a page half written);
on PostgreSQL by `pg_dump --format=custom`, run inside a snapshot this module exports, so
the table counts it reports are the counts of exactly what the dump holds.

A restore goes into the configured database, which must be empty unless the operator asks
to replace what is there. Stop the app (gunicorn, cron) before restoring over a database in
use.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import text
from sqlalchemy.engine import URL, Connection

from core.rules import RuleBroken
from core.runner import run_command
from extensions import db

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"


@dataclass(frozen=True)
class BackupSummary:
    """What a backup holds: its file, its size in bytes and each table's rows."""

    path: Path
    size: int
    counts: dict[str, int]

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


def make_backup(path: str | Path, *, overwrite: bool = False) -> BackupSummary:
    """Write a consistent backup of the configured database to `path`, refusing to replace
    a file already there unless `overwrite`. The file appears under its name only once it is
    whole and checked."""
    path = Path(path).absolute()
    if path.exists() and not overwrite:
        raise RuleBroken(f"{path} already exists; choose another name or use --force.")
    if not path.parent.is_dir():
        raise RuleBroken(f"The folder {path.parent} does not exist.")
    partial = path.with_name(f".{path.name}.partial-{os.getpid()}")
    partial.unlink(missing_ok=True)
    # Residents' personal data is in it: readable by the office's account alone, from the
    # first byte written.
    os.close(os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    try:
        if _is_sqlite():
            counts = _sqlite_backup(_sqlite_file(), partial)
        else:
            counts = _postgres_backup(partial)
        partial.chmod(0o600)
        _put_in_place(partial, path, overwrite=overwrite)
    finally:
        partial.unlink(missing_ok=True)
    return BackupSummary(path=path, size=path.stat().st_size, counts=counts)


def _put_in_place(partial: Path, path: Path, *, overwrite: bool) -> None:
    if overwrite:
        partial.replace(path)
        return
    try:
        os.link(partial, path)  # fails, rather than replaces, if a file appeared meanwhile
    except FileExistsError as error:
        raise RuleBroken(f"{path} already exists; use --force.") from error
    except OSError:  # a share without hard links: look, then move
        if path.exists():
            raise RuleBroken(f"{path} already exists; use --force.") from None
        partial.replace(path)


def restore_backup(path: str | Path, replace: bool = False) -> dict[str, int]:
    """Restore the backup at `path` into the configured database and return its table
    counts afterwards. The database must have no tables unless `replace`."""
    path = Path(path)
    if not path.is_file():
        raise RuleBroken(f"There is no backup file at {path}.")
    with path.open("rb") as handle:
        magic = handle.read(len(SQLITE_MAGIC))
    sqlite = _is_sqlite()
    if sqlite and not magic.startswith(SQLITE_MAGIC):
        raise RuleBroken(f"{path} is not a SQLite backup; this office's database is SQLite.")
    if not sqlite and not magic.startswith(PG_DUMP_MAGIC):
        raise RuleBroken(f"{path} is not a PostgreSQL backup (pg_dump --format=custom).")
    if table_counts() and not replace:
        raise RuleBroken(
            "The database already has tables; restore into an empty database, or use "
            "--replace to replace everything in it."
        )
    # Nothing of ours may hold the database while it is replaced.
    db.session.close()
    db.engine.dispose()
    if sqlite:
        with closing(sqlite3.connect(path)) as source, _sqlite_connection() as target:
            source.backup(target)
    else:
        command = ["pg_restore", "--no-owner", "--single-transaction", "--exit-on-error"]
        if replace:
            command += ["--clean", "--if-exists"]
        _run_client([*command, "--dbname", _libpq_url(), str(path)])
    db.engine.dispose()
    return table_counts()


def table_counts() -> dict[str, int]:
    """Each table of the configured database with its rows, counted in one consistent read
    (alembic's version table included: a restore brings the schema's version with it)."""
    if _is_sqlite():
        if not Path(_sqlite_file()).exists():
            return {}
        with _sqlite_connection() as connection:
            return _sqlite_counts(connection)
    with _postgres_snapshot() as connection:
        return _postgres_counts(connection)


def database_name() -> str:
    """The configured database as an operator recognises it, without its password."""
    return db.engine.url.render_as_string(hide_password=True)


# SQLite


def _is_sqlite() -> bool:
    return db.engine.dialect.name == "sqlite"


def _sqlite_file() -> str:
    name = db.engine.url.database
    if not name or name == ":memory:" or name.startswith("file:"):
        raise RuleBroken("Only a SQLite database in a file can be backed up or restored.")
    return name


@contextmanager
def _sqlite_connection(name: str | None = None) -> Iterator[sqlite3.Connection]:
    """A connection of our own: autocommit, so reads begin only where we say, and it waits
    for the app's writers rather than failing."""
    connection = sqlite3.connect(name or _sqlite_file(), isolation_level=None, timeout=15)
    try:
        yield connection
    finally:
        connection.close()


def _sqlite_counts(connection: sqlite3.Connection) -> dict[str, int]:
    connection.execute("BEGIN")  # one read transaction: every count from the same moment
    try:
        names = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        return {
            name: connection.execute(f"SELECT count(*) FROM {_quoted(name)}").fetchone()[0]  # noqa: S608
            for name in names
        }
    finally:
        connection.execute("COMMIT")


def _sqlite_backup(source_file: str, target: Path) -> dict[str, int]:
    """Copy the live database page by page in one step of the backup API, which reads one
    committed moment (the write-ahead log included) while writers carry on."""
    with _sqlite_connection(source_file) as source, _sqlite_connection(str(target)) as copy:
        source.backup(copy)
        # One self-contained file: no write-ahead log beside it.
        copy.execute("PRAGMA journal_mode=DELETE")
        problems = [row[0] for row in copy.execute("PRAGMA integrity_check")]
        if problems != ["ok"]:
            raise RuleBroken(f"The backup failed its integrity check: {'; '.join(problems)}")
        return _sqlite_counts(copy)


# PostgreSQL


def _libpq_url() -> str:
    """The SQLAlchemy URL as libpq reads it (`postgresql+psycopg://` → `postgresql://`),
    without its password, which travels in PGPASSWORD rather than on a command line."""
    url: URL = db.engine.url.set(drivername="postgresql", password=None)
    return url.render_as_string(hide_password=False)


def _run_client(command: list[str]) -> None:
    environment = dict(os.environ)
    if db.engine.url.password:
        environment["PGPASSWORD"] = str(db.engine.url.password)
    try:
        subprocess.run(command, env=environment, check=True, capture_output=True, text=True)  # noqa: S603
    except FileNotFoundError as error:
        raise RuleBroken(
            f"{command[0]} is not installed; install the PostgreSQL client of the "
            "server's version (e.g. the postgresql-client package)."
        ) from error
    except subprocess.CalledProcessError as error:
        raise RuleBroken(f"{command[0]} failed: {error.stderr.strip()}") from error


@contextmanager
def _postgres_snapshot() -> Iterator[Connection]:
    """A read-only transaction that sees one moment from its first statement to its end."""
    engine = db.engine.execution_options(isolation_level="REPEATABLE READ")
    with engine.connect() as connection, connection.begin():
        connection.execute(text("SET TRANSACTION READ ONLY"))
        yield connection


def _postgres_counts(connection: Connection) -> dict[str, int]:
    names = connection.scalars(
        text(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
        )
    ).all()
    return {
        name: connection.scalar(text(f"SELECT count(*) FROM {_quoted(name)}"))  # noqa: S608
        for name in names
    }


def _postgres_backup(target: Path) -> dict[str, int]:
    """pg_dump reads the snapshot this transaction exports, so the dump and the counts we
    report are the same moment, whatever is written meanwhile."""
    with _postgres_snapshot() as connection:
        snapshot = connection.scalar(text("SELECT pg_export_snapshot()"))
        counts = _postgres_counts(connection)
        _run_client(
            [
                "pg_dump",
                "--format=custom",
                f"--snapshot={snapshot}",
                f"--file={target}",
                "--dbname",
                _libpq_url(),
            ]
        )
    _run_client(["pg_restore", "--list", str(target)])  # the dump reads back whole
    return counts


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# Commands


def _print_counts(counts: dict[str, int]) -> None:
    width = max((len(name) for name in counts), default=0)
    for name, rows in counts.items():
        click.echo(f"  {name:{width}}  {rows:>9}")
    click.echo(f"{len(counts)} tables, {sum(counts.values())} rows.")


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace the file if it already exists.")
@with_appcontext
def backup_cli(path: Path, force: bool) -> None:
    """Write a consistent backup of the database to PATH while the office keeps working.

    SQLite: a copy made with SQLite's online backup API. PostgreSQL: pg_dump's custom
    format (restore with `flask restore`, or pg_restore). For cron, nightly and before
    every `flask db upgrade`; keep the copies off this machine."""
    summary = run_command(lambda: make_backup(path, overwrite=force))
    click.echo(f"Wrote {summary.path} ({summary.size} bytes):")
    _print_counts(summary.counts)


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--replace", is_flag=True, help="Replace everything in a database that already has tables."
)
@click.option("--yes", is_flag=True, help="Do not ask before replacing (for scripts).")
@with_appcontext
def restore_cli(path: Path, replace: bool, yes: bool) -> None:
    """Restore the backup at PATH into the configured database.

    The database must be empty, unless --replace: then everything in it is replaced by the
    backup, after you confirm. Stop the app and cron before replacing a database in use."""
    present = table_counts()
    if present and replace and not yes:
        click.confirm(
            f"Replace everything in {database_name()} ({len(present)} tables, "
            f"{sum(present.values())} rows) with {path}?",
            abort=True,
        )
    counts = run_command(lambda: restore_backup(path, replace=replace))
    click.echo(f"Restored {path} into {database_name()}:")
    _print_counts(counts)
