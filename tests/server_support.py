"""What the tests that serve Sunshine with gunicorn share: a database of their own
(a SQLite file, or a PostgreSQL database created for the test and dropped after it), the
server started and killed as a deployment's would be, residents who send the public forms
as a browser does (cookies, the form's token and submission key, Back and send again) and
keep what the site acknowledged, and a TCP proxy that can cut the app off its database.

Fixtures for a test module: `migrated_database` (it overrides the session's shared one,
so `app` and the factories write into the test's own database) and `make_server`."""

from __future__ import annotations

import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from bs4 import BeautifulSoup
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app import create_app
from config import normalise_database_url
from extensions import db
from tests.conftest import POSTGRES_URL, config_for_tests

ROOT = Path(__file__).resolve().parent.parent
RECEIPT = re.compile(r"ZJ-\d{4}-\d{6}")
CONFIRMATION = re.compile(r"KF-\d{4}-\d{6}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _server_url(url: str) -> str:
    return make_url(url).set(database="postgres").render_as_string(hide_password=False)


@pytest.fixture
def migrated_database(tmp_path: Path) -> Iterator[str]:
    """A database of the test's own, made by the migrations (`flask db upgrade`)."""
    if POSTGRES_URL:
        base = normalise_database_url(POSTGRES_URL)
        name = f"sunshine_server_{secrets.token_hex(6)}"
        admin = create_engine(_server_url(base), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(base).set(database=name).render_as_string(hide_password=False)
    else:
        admin, url = None, f"sqlite:///{tmp_path / 'sunshine.sqlite3'}"
    try:
        app = create_app(config_for_tests(url))
        with app.app_context():
            upgrade()
            db.engine.dispose()
        yield url
    finally:
        if admin is not None:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


class Gunicorn:
    """`gunicorn -w 2 "app:create_app()"` on a port of its own, as a deployment runs it
    (the project's gunicorn.conf.py), with rate limits off for the burst."""

    def __init__(self, database_url: str, folder: Path) -> None:
        self.port, self.folder = free_port(), folder
        self.environment = {
            **{k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")},
            "DATABASE_URL": database_url,
            "SECRET_KEY": "server-tests-" + secrets.token_hex(16),
            "SUNSHINE_ENV": "development",
            "RATELIMIT_ENABLED": "0",
            "MAIL_FOLDER": str(folder / "mail"),
            "UPLOAD_FOLDER": str(folder / "uploads"),
        }
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        log = (self.folder / f"gunicorn-{self.starts}.log").open("w")
        command = [sys.executable, "-m", "gunicorn", "-w", "2", "-k", "sync", "--log-level"]
        command += ["warning", "-b", f"127.0.0.1:{self.port}", "app:create_app()"]
        self.process = subprocess.Popen(  # noqa: S603  (our interpreter, our arguments)
            command,
            cwd=ROOT,
            env=self.environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the master and its workers
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                if Resident(self.port).request("GET", "/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.1)
        raise AssertionError(f"gunicorn did not start: {self.log_text()}")

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL to the master and every worker at once: nothing gets to finish."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.alive():
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

    def log_text(self) -> str:
        return "".join(p.read_text(errors="replace") for p in self.folder.glob("gunicorn-*.log"))


@pytest.fixture
def make_server(tmp_path: Path) -> Iterator[Callable[[str], Gunicorn]]:
    servers: list[Gunicorn] = []

    def make(database_url: str) -> Gunicorn:
        server = Gunicorn(database_url, tmp_path)
        servers.append(server)
        server.start()
        return server

    yield make
    for server in servers:
        server.stop()


@dataclass
class Answer:
    """One response a resident got: when, its status, Retry-After and visible text."""

    at: float
    method: str
    path: str
    status: int
    retry_after: str | None
    text: str


@dataclass
class Resident:
    """A browser: keeps its cookies, reads a form's hidden fields from the page, sends it
    and sends the very same form again when no answer came (or a 503)."""

    port: int
    language: str = "zh"
    cookies: dict[str, str] = field(default_factory=dict)
    answers: list[Answer] = field(default_factory=list)

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookie_jar().items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        answer = Answer(
            time.monotonic(),
            method,
            path,
            response.status,
            response.headers.get("Retry-After"),
            BeautifulSoup(content, "html.parser").get_text(" ", strip=True),
        )
        self.answers.append(answer)
        return response.status, dict(response.headers), content

    def cookie_jar(self) -> dict[str, str]:
        return {"lang": self.language, **self.cookies}

    def form_on(self, page: str, action: str) -> dict[str, str]:
        """The hidden fields of the form that posts to `action` on `page` (its token and
        submission key, filled in for this visitor)."""
        status, _headers, content = self.request("GET", page)
        if status != 200:
            raise ConnectionError(f"{page} answered {status}")
        form = BeautifulSoup(content, "html.parser").find(
            "form", action=lambda target: (target or "").split("#")[0] == action
        )
        return {
            hidden["name"]: hidden.get("value", "")
            for hidden in form.find_all("input", type="hidden")
        }

    def send(
        self, page: str, action: str, typed: dict[str, str], number: re.Pattern, until: float
    ) -> tuple[str, str, dict[str, str]] | None:
        """Fill in the form and send it until the site acknowledges it: the number on the
        page it leads to, that page's address and the form as sent. Sent again as it was
        (the same submission key) after a lost connection or a 503. None if time ran out."""
        form = None
        while time.monotonic() < until:
            try:
                form = form or {**self.form_on(page, action), **typed}
                status, headers, _content = self.request("POST", action, form)
                if status == 303:
                    location = urlsplit(headers["Location"]).path
                    return self.read_number(location, number, until), location, form
            except (OSError, http.client.HTTPException):
                pass  # no answer: the server is gone or restarting
            time.sleep(0.2)
        return None

    def send_again(self, action: str, form: dict[str, str], until: float) -> str | None:
        """The same form once more (Back and send): where the site leads (None: not to a
        page of what was received). Sent again while there is no answer, or a 503."""
        while time.monotonic() < until:
            try:
                status, headers, _content = self.request("POST", action, form)
            except (OSError, http.client.HTTPException):
                status = None
            if status == 303:
                return urlsplit(headers["Location"]).path
            if status not in (None, 503):
                return None
            time.sleep(0.2)
        return None

    def read_number(self, location: str, number: re.Pattern, until: float) -> str:
        while True:
            try:
                status, _headers, content = self.request("GET", location)
                if status == 200 and (found := number.search(content)):
                    return found.group()
            except (OSError, http.client.HTTPException):
                if time.monotonic() > until:
                    raise
            time.sleep(0.2)


@dataclass
class Acknowledged:
    """What a resident was told was received: the number shown, the private page's
    address, the form's submission key, and where sending it once more led."""

    number: str
    location: str
    key: str
    typed: dict[str, str]
    sent_twice: bool = False
    sent_again_to: str | None = None
    acknowledged_at: float = field(default_factory=time.monotonic)


@dataclass
class Burst:
    """Residents (one thread each) commenting on a consultation and registering for an
    open day at once; each sends its next form as soon as the last was acknowledged, and
    every other one a second time (a double tap)."""

    port: int
    consultation_id: int
    open_day_id: int
    residents: int = 8
    forms_each: int = 8
    seconds: float = 40
    stop: threading.Event = field(default_factory=threading.Event)
    comments: list[Acknowledged] = field(default_factory=list)
    registrations: list[Acknowledged] = field(default_factory=list)
    unacknowledged: list[dict[str, str]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    people: list[Resident] = field(default_factory=list)
    threads: list[threading.Thread] = field(default_factory=list)

    def start(self) -> Burst:
        until = time.monotonic() + self.seconds
        for number in range(self.residents):
            resident = Resident(self.port, language="en" if number % 4 == 3 else "zh")
            self.people.append(resident)
            thread = threading.Thread(target=self._run, args=(number, resident, until))
            self.threads.append(thread)
            thread.start()
        return self

    def acknowledged(self) -> int:
        return len(self.comments) + len(self.registrations)

    def wait_for(self, count: int, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while self.acknowledged() < count and time.monotonic() < deadline:
            time.sleep(0.02)

    def finish(self) -> None:
        for thread in self.threads:
            thread.join()

    def answers(self) -> list[Answer]:
        return [answer for resident in self.people for answer in resident.answers]

    def _run(self, number: int, resident: Resident, until: float) -> None:
        try:
            self._send_forms(number, resident, until)
        except Exception as failure:  # noqa: BLE001  (reported by the test, not lost in a thread)
            self.failures.append(repr(failure))

    def _send_forms(self, number: int, resident: Resident, until: float) -> None:
        for turn in range(self.forms_each):
            if self.stop.is_set():
                return
            if turn % 3 == 2:
                self._register(
                    resident, f"居民{number}-{turn}", f"139{number:04d}{turn:04d}", until
                )
            else:
                self._comment(resident, number, turn, until)

    def _comment(self, resident: Resident, number: int, turn: int, until: float) -> None:
        page = f"/consultations/{self.consultation_id}"
        typed = {
            "body": f"第{number}-{turn}条：建议驿站周末开放（{secrets.token_hex(4)}）",
            "name": f"居民{number}",
            "consent": "y",
        }
        self._keep(resident, page, page + "/comments", typed, RECEIPT, self.comments, until)

    def _register(self, resident: Resident, name: str, phone: str, until: float) -> None:
        page = f"/open-days/{self.open_day_id}"
        typed = {"name": name, "phone": phone, "consent": "y"}
        self._keep(
            resident, page, page + "/register", typed, CONFIRMATION, self.registrations, until
        )

    def _keep(
        self,
        resident: Resident,
        page: str,
        action: str,
        typed: dict[str, str],
        pattern: re.Pattern,
        into: list[Acknowledged],
        until: float,
    ) -> None:
        sent = resident.send(page, action, typed, pattern, until)
        if sent is None:
            self.unacknowledged.append(typed)
            return
        found, location, form = sent
        acknowledged = Acknowledged(found, location, form["submission_key"], typed)
        if len(into) % 2 == 0:
            acknowledged.sent_twice = True
            acknowledged.sent_again_to = resident.send_again(action, form, until)
        into.append(acknowledged)
