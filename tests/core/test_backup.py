"""Backups: `flask backup` takes one consistent moment of the office's database while
residents go on commenting, and `flask restore` puts it back into an empty database that
then serves the public pages. Nothing is half there: every table nobody wrote to is
whole, the comments taken are the first ones sent, each with its audit entry and its step
of the public version, every reference points at a row, and sampled rows equal the
office's. A backup of a quiet database restores it row for row. The commands refuse to
overwrite a backup, or to restore over a database with data, unless told to."""

from __future__ import annotations

import re
import secrets
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine, inspect, select, text

from app import create_app
from config import normalise_database_url
from core.audit import AuditEntry
from core.backup import make_backup, restore_backup, table_counts
from core.clock import utcnow
from core.page_cache.models import PublicState
from core.runner import attempt
from engagement.consultations.models import Comment, Consultation
from engagement.consultations.operations import submit_comment
from engagement.demo import load_demo
from extensions import db
from meetings.models import Body, BodyLevel
from tests.conftest import POSTGRES_URL, config_for_tests

pytestmark = pytest.mark.skipif(
    bool(POSTGRES_URL) and not (shutil.which("pg_dump") and shutil.which("pg_restore")),
    reason="backups of PostgreSQL need pg_dump and pg_restore on PATH",
)

SENT_DURING_BACKUP = "备份进行时寄来的意见"
WRITTEN_BY_RESIDENTS = {"comments", "audit_entries", "public_state"}


@pytest.fixture
def demo(app: Flask) -> None:
    load_demo()
    db.session.commit()


@pytest.fixture
def fresh_database(tmp_path: Path) -> Iterator[Callable[[], str]]:
    """Makes empty databases of the kind the suite runs on: new SQLite files, or new
    PostgreSQL databases, dropped afterwards."""
    made: list[str] = []
    admin = None
    if POSTGRES_URL:
        admin = create_engine(normalise_database_url(POSTGRES_URL), isolation_level="AUTOCOMMIT")

    def make() -> str:
        name = f"sunshine_restore_{secrets.token_hex(4)}"
        if admin is None:
            return f"sqlite:///{tmp_path / name}.sqlite3"
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        made.append(name)
        return admin.url.set(database=name).render_as_string(hide_password=False)

    yield make
    if admin is not None:
        with admin.connect() as connection:
            for name in made:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def office_on(url: str, tmp_path: Path) -> Iterator[Flask]:
    """The app of an office whose database is at `url`, with its context pushed."""
    folders = {"UPLOAD_FOLDER": str(tmp_path / "up"), "MAIL_FOLDER": str(tmp_path / "mail")}
    app = create_app(config_for_tests(url, **folders))
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


class ResidentsCommenting(threading.Thread):
    """Residents sending comments one after another, each committed on its own, the way the
    comment form does, until told to stop."""

    def __init__(self, app: Flask, consultation_id: int) -> None:
        super().__init__(daemon=True)
        self.app, self.consultation_id = app, consultation_id
        self.sent = 0
        self.error: BaseException | None = None
        self.stopping = threading.Event()
        self.progress = threading.Condition()

    def run(self) -> None:
        try:
            with self.app.app_context():
                while not self.stopping.is_set():
                    consultation = db.session.get(Consultation, self.consultation_id)
                    attempt(lambda c=consultation: self._send(c))
                    with self.progress:
                        self.sent += 1
                        self.progress.notify_all()
                db.session.remove()
        except BaseException as error:  # noqa: BLE001  (raised again in the test)
            self.error = error
            with self.progress:
                self.progress.notify_all()

    def _send(self, consultation: Consultation) -> Comment:
        return submit_comment(
            consultation,
            body=f"{SENT_DURING_BACKUP} {self.sent + 1}",
            name="王建国",
            show_name=False,
            phone=None,
            email=None,
            community="东风社区",
            consented=True,
        )

    def wait_until_sent(self, count: int) -> None:
        with self.progress:
            self.progress.wait_for(lambda: self.sent >= count or self.error, timeout=120)
        if self.error:
            raise self.error
        assert self.sent >= count, "the residents' comments stopped arriving"

    def finish(self) -> None:
        self.stopping.set()
        self.join()
        if self.error:
            raise self.error


def every_row() -> dict[str, dict[tuple, tuple]]:
    """Each table's rows by primary key, every column, read in one transaction."""
    rows: dict[str, dict[tuple, tuple]] = {}
    with db.engine.connect() as connection:
        inspector = inspect(connection)
        for table in inspector.get_table_names():
            key = inspector.get_pk_constraint(table)["constrained_columns"]
            order = ", ".join(f'"{column}"' for column in key)
            result = connection.execute(text(f'SELECT * FROM "{table}" ORDER BY {order}'))  # noqa: S608
            rows[table] = {
                tuple(row._mapping[column] for column in key): tuple(row) for row in result
            }
    return rows


def broken_references() -> list[str]:
    """Every foreign key whose row points at nothing, and SQLite's own integrity check."""
    problems = []
    with db.engine.connect() as connection:
        inspector = inspect(connection)
        for table in inspector.get_table_names():
            for key in inspector.get_foreign_keys(table):
                pairs = list(zip(key["constrained_columns"], key["referred_columns"], strict=True))
                present = " AND ".join(f't."{mine}" IS NOT NULL' for mine, _ in pairs)
                joined = " AND ".join(f'r."{theirs}" = t."{mine}"' for mine, theirs in pairs)
                orphans = connection.scalar(
                    text(
                        f'SELECT count(*) FROM "{table}" t WHERE {present} AND NOT EXISTS '  # noqa: S608
                        f'(SELECT 1 FROM "{key["referred_table"]}" r WHERE {joined})'
                    )
                )
                if orphans:
                    problems.append(f"{table} → {key['referred_table']}: {orphans} rows")
        if db.engine.dialect.name == "sqlite":
            checked = connection.exec_driver_sql("PRAGMA integrity_check").scalars().all()
            problems += [] if checked == ["ok"] else checked
    return problems


def comments_sent_during_backup() -> list[int]:
    return db.session.scalars(
        select(Comment.id).where(Comment.body.startswith(SENT_DURING_BACKUP)).order_by(Comment.id)
    ).all()


def public_version() -> int:
    return db.session.scalar(select(PublicState.version))


def test_a_backup_taken_while_residents_comment_restores_one_consistent_moment(
    app, demo, fresh_database, tmp_path
):
    consultation = next(
        c for c in db.session.scalars(select(Consultation)) if c.accepts_comments_at(utcnow())
    )
    before, version_before = table_counts(), public_version()
    residents = ResidentsCommenting(app, consultation.id)
    db.session.commit()  # the test holds no transaction while residents write
    residents.start()
    try:
        residents.wait_until_sent(3)
        sent_before = residents.sent
        during = make_backup(tmp_path / "during.backup")
        sent_after = residents.sent
        residents.wait_until_sent(sent_after + 3)  # still writing after the backup
    finally:
        residents.finish()
    office_rows, office_comments = every_row(), comments_sent_during_backup()

    restored_url = fresh_database()
    with office_on(restored_url, tmp_path):
        assert table_counts() == {}
        counts = restore_backup(during.path)
        assert broken_references() == []
        restored_rows, restored_comments = every_row(), comments_sent_during_backup()
        received = set(
            db.session.scalars(
                select(AuditEntry.subject_id).where(AuditEntry.action == "comment.receive")
            )
        )
        version = public_version()

    assert counts == during.counts
    taken = counts["comments"] - before["comments"]
    # The moment lies between the comments sent before the backup began and after it ended
    # (one more may have been committed just before the count was read).
    assert sent_before <= taken <= sent_after + 1
    untouched = {name: rows for name, rows in before.items() if name not in WRITTEN_BY_RESIDENTS}
    assert {name: counts.get(name) for name in untouched} == untouched
    # Each comment taken came whole: its audit entry and its step of the public version.
    assert counts["audit_entries"] - before["audit_entries"] == taken
    assert version - version_before == taken
    assert restored_comments == office_comments[:taken]
    assert set(restored_comments) <= received
    for table, rows in restored_rows.items():
        if table == "public_state":  # its version moved on with each later comment
            continue
        for key in sorted(rows)[::7]:
            assert rows[key] == office_rows[table][key], (table, key)

    # The restored database serves the office's public pages.
    with office_on(restored_url, tmp_path) as restored:
        client = restored.test_client()
        assert client.get("/").status_code == 200
        listing = client.get("/meetings/").get_data(as_text=True)
        meeting_ids = re.findall(r'href="/meetings/(\d+)"', listing)
        assert meeting_ids and client.get(f"/meetings/{meeting_ids[0]}").status_code == 200

    # Once the writing stops, a backup is the office's database row for row.
    quiet = make_backup(tmp_path / "quiet.backup")
    with office_on(fresh_database(), tmp_path):
        assert restore_backup(quiet.path) == table_counts() == quiet.counts
        assert every_row() == office_rows
    assert quiet.counts == table_counts()


def test_the_commands_back_up_restore_and_refuse_to_overwrite(app, demo, fresh_database, tmp_path):
    runner = app.test_cli_runner()
    office = table_counts()
    path = tmp_path / "office.backup"

    written = runner.invoke(args=["backup", str(path)])
    assert written.exit_code == 0, written.output
    assert f"Wrote {path} ({path.stat().st_size} bytes)" in written.output
    assert re.search(rf"^\s+comments\s+{office['comments']}$", written.output, re.MULTILINE)
    assert f"{len(office)} tables, {sum(office.values())} rows." in written.output
    assert path.stat().st_mode & 0o777 == 0o600  # personal data: the office's account only

    kept = path.read_bytes()
    refused = runner.invoke(args=["backup", str(path)])
    assert refused.exit_code != 0 and "already exists" in refused.output
    assert path.read_bytes() == kept
    assert runner.invoke(args=["backup", str(path), "--force"]).exit_code == 0

    # Into a database with data: only with --replace, and only once confirmed.
    db.session.add(Body(name="街道办公会", level=BodyLevel.STREET, slug="added-after-backup"))
    db.session.commit()
    changed = table_counts()
    refused = runner.invoke(args=["restore", str(path)])
    assert refused.exit_code != 0 and "--replace" in refused.output
    declined = runner.invoke(args=["restore", str(path), "--replace"], input="n\n")
    assert declined.exit_code != 0 and "Replace everything in" in declined.output
    assert table_counts() == changed
    replaced = runner.invoke(args=["restore", str(path), "--replace", "--yes"])
    assert replaced.exit_code == 0, replaced.output
    assert table_counts() == office
    assert db.session.scalar(select(Body).where(Body.slug == "added-after-backup")) is None

    # Into an empty database, as after losing the machine.
    with office_on(fresh_database(), tmp_path) as fresh:
        restored = fresh.test_cli_runner().invoke(args=["restore", str(path)])
        assert restored.exit_code == 0, restored.output
        assert table_counts() == office
        assert f"{len(office)} tables, {sum(office.values())} rows." in restored.output
