"""What the load bench runs: gunicorn serving an app on a free port, and wrk loading a
path on it, with wrk's figures read from its output."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


class CouldNotRun(RuntimeError):
    """Something the bench needs is missing or broken: the run fails (speed never does)."""


def ensure_wrk() -> str:
    """wrk from Debian's package, installed when missing and we may (root with apt-get)."""
    if found := shutil.which("wrk"):
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("== installing wrk (Debian's package)", flush=True)
        environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "wrk"]):
            subprocess.run(command, env=environment, check=False, stdout=subprocess.DEVNULL)  # noqa: S603
    if found := shutil.which("wrk"):
        return found
    raise CouldNotRun("wrk is not installed and could not be installed (apt-get install wrk).")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(port: int, path: str, timeout: float = 30, headers: dict[str, str] | None = None) -> int:
    return answer(port, path, timeout, headers).status


def answer(
    port: int, path: str, timeout: float = 30, headers: dict[str, str] | None = None
) -> http.client.HTTPResponse:
    """The server's answer to a GET, read to the end (its status and headers)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        response.read()
        return response
    finally:
        connection.close()


def warm_every_worker(
    port: int, path: str, workers: int, headers: dict[str, str] | None = None
) -> None:
    """As many requests at once as there are workers: a sync worker takes one at a time,
    so each builds the page into its own page cache before the load starts (a page that
    takes a second to build, like a 1,000-event feed, would otherwise be built by each
    worker inside the measured run)."""
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(lambda _n: get(port, path, headers=headers), range(workers)))


class Server:
    """gunicorn serving `target` with sync workers on a free port, until `stop`."""

    def __init__(self, name: str, target: str, workers: int, environment: dict[str, str]):
        self.name, self.port = name, free_port()
        self.database_url = environment.get("DATABASE_URL")
        RESULTS.mkdir(parents=True, exist_ok=True)
        self.log = RESULTS / f"{name}.log"
        command = [sys.executable, "-m", "gunicorn", "-w", str(workers), "-k", "sync"]
        command += ["-b", f"127.0.0.1:{self.port}", "--log-level", "warning", target]
        with self.log.open("w") as log:
            self.process = subprocess.Popen(  # noqa: S603  (our own interpreter and arguments)
                command, cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT
            )

    def wait_until_it_answers(self, path: str, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                if get(self.port, path, timeout=5) == 200:
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        tail = self.log.read_text(errors="replace")[-2000:]
        raise CouldNotRun(f"{self.name} did not start (see {self.log}):\n{tail}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def server_environment(url: str | None) -> dict[str, str]:
    """What a deployment would set, minus Redis (one machine) and rate limits (the bench
    sends thousands of requests from one address)."""
    environment = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    environment |= {
        "SECRET_KEY": "bench-only-not-a-secret",
        "SUNSHINE_ENV": "development",
        "RATELIMIT_ENABLED": "0",
        # BENCH_PAGE_CACHE=0 measures pages as built on every request (the cost of the first
        # request after each publication); the default measures them as readers get them.
        "PAGE_CACHE_ENABLED": os.environ.get("BENCH_PAGE_CACHE", "1"),
    }
    if url:
        environment["DATABASE_URL"] = url
    return environment


LATENCY = re.compile(r"^\s*(50|99)%\s+([\d.]+)(us|ms|s|m)\s*$", re.MULTILINE)
UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def parse_wrk(output: str) -> dict[str, float | int]:
    """Requests per second, p50 and p99 in ms, and failed requests from `wrk --latency`."""
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if rate is None:
        raise CouldNotRun(f"wrk printed no result:\n{output}")
    completed = re.search(r"(\d+) requests in", output)
    # No request finished in the time given (a page slower than the run is long).
    percentiles = (
        {p: float(v) * UNIT_MS[u] for p, v, u in LATENCY.findall(output)}
        if completed and int(completed.group(1))
        else {}
    )
    bad_status = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return {
        "rps": float(rate.group(1)),
        "p50_ms": percentiles.get("50"),
        "p99_ms": percentiles.get("99"),
        "errors": (int(bad_status.group(1)) if bad_status else 0)
        + (sum(int(n) for n in socket_errors.groups()) if socket_errors else 0),
    }


def load(
    wrk: str,
    port: int,
    path: str,
    options: dict[str, object],
    *,
    seconds: int | None = None,
    warm_up: bool = True,
    headers: dict[str, str] | None = None,
) -> dict[str, float | int]:
    """One wrk run against `path` (sending `headers` with each request), after a second's
    warm-up so every worker has compiled its templates and opened its database connection."""
    url = f"http://127.0.0.1:{port}{path}"
    connections = str(options["connections"])
    base = [wrk, "-t2", "-c", connections, "--timeout", "10s"]
    for name, value in (headers or {}).items():
        base += ["-H", f"{name}: {value}"]
    try:
        if warm_up:
            subprocess.run([*base, "-d1s", url], check=True, capture_output=True)  # noqa: S603
        measured = subprocess.run(  # noqa: S603
            [*base, f"-d{seconds or options['seconds']}s", "--latency", url],
            check=True,
            capture_output=True,
            text=True,
        )
    except subprocess.CalledProcessError as failure:
        raise CouldNotRun(f"wrk failed on {path}: {failure.stderr}") from failure
    return parse_wrk(measured.stdout)
