"""What the rate-limit tests (`test_rate_limits.py`) share: the five forms residents and
staff send, each with what fills it and where it is sent; one way to send a form to the app
in this process or to a second worker in its own process; and that second worker itself
(`python -m tests.rate_limit_support DATABASE_URL REDIS_URL PREFIX PORT FOLDER`): the app
as the tests configure it, with its limits on and counted where that REDIS_URL says."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[1]

# The form, the address it came from, the interface language: the answer's status and text.
Send = Callable[[str, dict[str, str], str, str], tuple[int, str]]


def page_text(html: str) -> str:
    return BeautifulSoup(html, "html.parser").get_text(" ", strip=True)


def in_process(client) -> Send:
    """Send through the test client, from `address` as the trusted proxy reports it."""

    def send(path: str, form: dict[str, str], address: str, language: str) -> tuple[int, str]:
        client.set_cookie("lang", language)
        response = client.post(path, data=form, headers={"X-Forwarded-For": address})
        return response.status_code, response.get_data(as_text=True)

    return send


def over_http(port: int) -> Send:
    """Send to a worker in another process, as the proxy in front of both would."""

    def send(path: str, form: dict[str, str], address: str, language: str) -> tuple[int, str]:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"lang={language}",
            "X-Forwarded-For": address,
        }
        try:
            connection.request("POST", path, body=urlencode(form).encode(), headers=headers)
            response = connection.getresponse()
            return response.status, response.read().decode(errors="replace")
        finally:
            connection.close()

    return send


@dataclass
class Form:
    """One form under a limit: `fill(n)` is the n-th sending (each a new comment,
    registration, application, failed sign-in or answer), `path(n)` where it goes; `allowed`
    sendings pass with `passes`, the next is refused with 429 and `refusal` in each language;
    `kept` is a value typed in the refused sending that its page shows again."""

    name: str
    path: Callable[[int], str]
    fill: Callable[[int], dict[str, str]]
    allowed: int
    passes: int
    refusal: dict[str, str]
    kept: str | None = None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SecondWorker:
    """The app in a process of its own, as gunicorn's next worker: nothing of this process's
    limiter is shared with it, only the storage named."""

    def __init__(self, database_url: str, redis_url: str, prefix: str, folder: Path) -> None:
        self.port = free_port()
        self.log = folder / "second-worker.log"
        command = [sys.executable, "-m", "tests.rate_limit_support", database_url, redis_url]
        command += [prefix, str(self.port), str(folder)]
        with self.log.open("w") as output:
            self.process = subprocess.Popen(  # noqa: S603  (our interpreter, our arguments)
                command, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("the second worker did not start:\n" + self.log.read_text()[-3000:])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def worker_config(redis_url: str, prefix: str, folder: str) -> dict[str, object]:
    """What both workers run with: limits on, counted where a deployment with this
    `REDIS_URL` counts them (`config.load_config`; in-process without one) under `prefix`,
    clients known by the address one trusted proxy reports, no shared page cache."""
    from config import load_config

    deployed = load_config(Path(folder), {**os.environ, "REDIS_URL": redis_url})
    return {
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": deployed["RATELIMIT_STORAGE_URI"],
        "RATELIMIT_KEY_PREFIX": prefix,
        "TRUSTED_PROXIES": 1,
        "REDIS_URL": None,
        "PAGE_CACHE_ENABLED": False,
        "UPLOAD_FOLDER": str(Path(folder) / "uploads"),
        "MAIL_FOLDER": str(Path(folder) / "mail"),
        "MAIL_SERVER": None,
    }


def serve(database_url: str, redis_url: str, prefix: str, port: str, folder: str) -> None:
    from werkzeug.serving import make_server

    from app import create_app
    from tests.conftest import config_for_tests

    config = config_for_tests(database_url, **worker_config(redis_url, prefix, folder))
    make_server("127.0.0.1", int(port), create_app(config)).serve_forever()


if __name__ == "__main__":
    serve(*sys.argv[1:6])
