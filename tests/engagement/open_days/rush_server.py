"""What the rush tests (`test_rush.py`) run: gunicorn serving the app with several workers,
and the residents, each a separate process, that first open the page (a cookie, a CSRF
token and the form's key) and then, all at the same moment, send their registrations or
cancellations, sending again when the server answers "busy" (503), as a resident would.

`create_rush_app` is gunicorn's target: the real app, plus one route that exists only
here, `naive_register`, the negative control: a registration done the way that breaks
(count the confirmed, then insert), with nothing of the product's conditional UPDATE.

Only the standard library at the top: each resident process imports this module.
"""

from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[3]
# The naive control's pause between its count and its insert: the few milliseconds a real
# view spends between reading and writing, so the race it loses is lost on every run.
NAIVE_THINK_SECONDS = 0.02
GIVE_UP_AFTER_SECONDS = 60  # a resident sending again on every "busy" stops after this


def create_rush_app():  # -> flask.Flask
    """The app as deployed (CSRF on), with the negative control's route added."""
    from flask import redirect
    from sqlalchemy import func, select

    from app import create_app
    from core.clock import utcnow
    from core.private_links import token_hash
    from engagement.open_days.forms import RegistrationForm
    from engagement.open_days.models import OpenDay, Registration, Status, link_token
    from extensions import db

    app = create_app()

    @app.post("/open-days/<int:open_day_id>/naive-register")
    def naive_register(open_day_id: int):
        form = RegistrationForm.for_open_day(False)
        if not form.validate_on_submit():
            return str(form.errors), 422
        open_day = db.session.get(OpenDay, open_day_id)
        confirmed = db.session.scalar(
            select(func.count(Registration.id)).where(
                Registration.open_day_id == open_day_id,
                Registration.status == Status.CONFIRMED,
            )
        )
        time.sleep(NAIVE_THINK_SECONDS)
        seed = os.urandom(16).hex()
        registration = Registration(
            open_day_id=open_day_id,
            status=Status.CONFIRMED if confirmed < open_day.capacity else Status.WAITLISTED,
            name=form.name.data,
            phone=form.phone.data,
            consent_at=utcnow(),
            link_seed=seed,
            token_hash=token_hash(link_token(seed)),
            locale="zh",
        )
        db.session.add(registration)
        db.session.commit()
        return redirect(f"/r/{link_token(seed)}#status", code=303)

    return app


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Gunicorn:
    """gunicorn serving `create_rush_app()` with `workers` processes of `threads` threads."""

    def __init__(self, environment: dict[str, str], log: Path, workers=4, threads=4) -> None:
        self.port, self.log = free_port(), log
        command = [sys.executable, "-m", "gunicorn", "-w", str(workers), "--threads", str(threads)]
        command += ["-k", "gthread", "-b", f"127.0.0.1:{self.port}", "--timeout", "60"]
        command += [
            "--log-level",
            "warning",
            "tests.engagement.open_days.rush_server:create_rush_app()",
        ]
        with log.open("w") as output:
            self.process = subprocess.Popen(  # noqa: S603  (our interpreter, our arguments)
                command, cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT
            )
        self._wait_until_every_worker_answers(workers)

    def _wait_until_every_worker_answers(self, workers: int, seconds: float = 60) -> None:
        deadline, answered = time.monotonic() + seconds, 0
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                answered += request(self.port, "GET", "/healthz").status == 200
            except OSError:
                time.sleep(0.2)
            if answered >= workers * 2:  # every worker has imported the app, most likely
                return
        self.stop()
        raise RuntimeError(f"gunicorn did not start:\n{self.log_tail()}")

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@dataclass
class Answer:
    status: int
    location: str
    cookies: dict[str, str]
    body: str
    retry_after: str | None


def request(
    port: int, method: str, path: str, *, cookies=None, form=None, timeout: float = 60
) -> Answer:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {"Accept-Language": "zh-CN"}
    if cookies:
        headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
    body = None
    if form is not None:
        body = urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode(errors="replace")
        got = {}
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, value = header.split(";", 1)[0].partition("=")
            got[name.strip()] = value.strip()
        return Answer(
            response.status,
            response.headers.get("Location", ""),
            got,
            text,
            response.headers.get("Retry-After"),
        )
    finally:
        connection.close()


HIDDEN = re.compile(r'<input[^>]*name="(csrf_token|submission_key)"[^>]*value="([^"]*)"')


def hidden_fields(html: str, action: str) -> dict[str, str]:
    """The hidden fields of the form posting to `action` (the CSRF token, the form's key)."""
    start = html.find(f'action="{action}')
    if start < 0:
        raise ValueError(f"no form posting to {action} on the page")
    form = html[start : html.find("</form>", start)]
    return dict(HIDDEN.findall(form))


@dataclass
class Job:
    """One resident's errand: register with `phone`, or cancel with `token`."""

    kind: str  # "register" or "cancel"
    open_day_id: int
    phone: str = ""
    token: str = ""
    target: str = "register"  # the route posted to: "register" or "naive-register"


@dataclass
class Outcome:
    job: Job
    statuses: list[int] = field(default_factory=list)  # every answer, 503s included
    location: str = ""
    error: str = ""


@dataclass
class Prepared:
    job: Job
    path: str
    cookies: dict[str, str]
    form: dict[str, str]


def prepare(port: int, job: Job) -> Prepared:
    """Open the page as the resident does: its cookie, token and form key."""
    if job.kind == "register":
        page = request(port, "GET", f"/open-days/{job.open_day_id}")
        action = f"/open-days/{job.open_day_id}/register"
        form = hidden_fields(page.body, action) | {
            "name": f"居民{job.phone[-4:]}",
            "phone": job.phone,
            "email": "",
            "consent": "y",
        }
        path = f"/open-days/{job.open_day_id}/{job.target}"
    else:
        page = request(port, "GET", f"/r/{job.token}/cancel")
        path = f"/r/{job.token}/cancel"
        form = hidden_fields(page.body, path)
    if page.status != 200:
        raise RuntimeError(f"GET for {job.kind} answered {page.status}")
    return Prepared(job, path, page.cookies, form)


def send(port: int, prepared: Prepared) -> Outcome:
    """Send the form; on "busy" (503) wait a moment and send the same again."""
    outcome = Outcome(prepared.job)
    cookies = dict(prepared.cookies)
    deadline = time.monotonic() + GIVE_UP_AFTER_SECONDS
    attempt = 0
    while time.monotonic() < deadline:
        answer = request(port, "POST", prepared.path, cookies=cookies, form=prepared.form)
        cookies |= answer.cookies
        outcome.statuses.append(answer.status)
        if answer.status != 503:
            outcome.location = answer.location
            if answer.status >= 400:
                outcome.error = answer.body[:500]
            return outcome
        attempt += 1
        time.sleep(min(0.05 * attempt, 1.0))
    outcome.error = f"still busy after {GIVE_UP_AFTER_SECONDS} s"
    return outcome


def resident(port: int, jobs: list[Job], start, results) -> None:
    """A process of residents: open every page first, wait for the start, then send."""
    try:
        prepared = [prepare(port, job) for job in jobs]
    except Exception as error:  # reported to the test, which fails with it
        results.put(("error", f"preparing: {type(error).__name__}: {error}"))
        start.wait(120)
        return
    results.put(("ready", None))
    start.wait(120)
    for item in prepared:
        try:
            results.put(("outcome", send(port, item)))
        except Exception as error:
            results.put(("outcome", Outcome(item.job, error=f"{type(error).__name__}: {error}")))
