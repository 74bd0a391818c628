"""The load bench, reported not asserted: each public page's throughput through gunicorn,
as a share of a bare Flask `/hello` served with the same settings in the same run.

For each database (SQLite, and PostgreSQL when it answers) and each size (the demo data,
and ten busy years on top: `bench/generate.py`), it builds or reuses the database, serves
Sunshine with gunicorn (sync workers, two per core) beside `bench/hello.py`, loads
`/hello` and every page of `bench/pages.py` with wrk, and prints requests per second,
median and 99th-percentile latency, the share of `/hello`, ten years ÷ demo and the SQL
queries each page takes, with the targets met or not; the calendar feed beside the app's
cheapest page, and what its full render costs against icalendar's own serialization of
the same events (`bench/feed_cost.py`, measured in-process before the servers start).
Results also go to `bench/results/latest.json` and `latest.md`.

    make bench          # the full run (10 s per page)
    make bench-short    # 2 s per page (what CI runs)

Environment: BENCH_SECONDS (10), BENCH_SIZES (demo,ten-years), BENCH_DATABASES
(sqlite,postgresql), BENCH_DATABASE_URL (postgresql+psycopg://postgres@127.0.0.1:5432/bench),
BENCH_CONNECTIONS (16), BENCH_WORKERS (two per core), BENCH_REBUILD=1 to build the
databases again. The exit status is 1 only when something could not run (wrk missing and
not installable, a server that did not start, a page that answered the wrong status);
speed never fails it.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SECRET_KEY", "bench-only")

from sqlalchemy import create_engine, event, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.exc import OperationalError  # noqa: E402

from app import create_app  # noqa: E402
from bench import feed_cost, generate, report  # noqa: E402
from bench.pages import PAGES, Ask, BenchPage  # noqa: E402
from bench.serve import (  # noqa: E402
    CouldNotRun,
    Server,
    answer,
    ensure_wrk,
    get,
    load,
    server_environment,
    warm_every_worker,
)
from extensions import db  # noqa: E402

RESULTS = ROOT / "bench" / "results"
SIZES = {"demo": 0.0, "ten-years": 1.0}
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/bench"
HELLO_SECONDS = 3


def settings() -> dict[str, object]:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "seconds": int(os.environ.get("BENCH_SECONDS", "10")),
        "sizes": [s for s in os.environ.get("BENCH_SIZES", "demo,ten-years").split(",") if s],
        "databases": os.environ.get("BENCH_DATABASES", "sqlite,postgresql").split(","),
        "postgres": os.environ.get("BENCH_DATABASE_URL", DEFAULT_POSTGRES),
        "connections": int(os.environ.get("BENCH_CONNECTIONS", "16")),
        "workers": int(os.environ.get("BENCH_WORKERS", str(2 * (cores or 1)))),
        "cores": cores,
    }


def database_url(database: str, size: str, postgres: str) -> str:
    if database == "sqlite":
        return f"sqlite:///{RESULTS / 'db' / f'{size}.sqlite3'}"
    schema = f"bench_{size.replace('-', '_')}"
    url = make_url(postgres).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


def postgres_answers(url: str) -> bool:
    """Whether the PostgreSQL server answers; its database is created when it is missing."""
    try:
        _connect(url)
        return True
    except OperationalError as failure:
        if "does not exist" not in str(failure):
            return False  # no server there: skip PostgreSQL
    name = make_url(url).database
    server = make_url(url).set(database="postgres").render_as_string(hide_password=False)
    engine = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        _connect(url)
        return True
    except OperationalError:
        return False
    finally:
        engine.dispose()


def _connect(url: str) -> None:
    engine = create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect():
            pass
    finally:
        engine.dispose()


def located_pages(url: str) -> list[dict[str, object]]:
    """Each page's path in this database, the status the app answers in-process, and the
    SQL statements it takes (counted on a second request, after a warm-up)."""
    # Queries as the page is built (the page cache set aside): what each publication costs.
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False, "PAGE_CACHE_ENABLED": False}
    )
    client = app.test_client()
    found = []
    with app.app_context():
        for page in PAGES:
            with app.app_context():  # each request on its own session, as in a server
                path, detail = page.locate(client)
                headers = page.headers(asker(client), path) if page.headers else {}
            found.append(
                {"name": page.name, "kind": page.kind.name, "expected": page.status}
                | {"beside_cheapest": page.beside_cheapest, "path": path, "detail": detail}
                | {"headers": headers, **count(app, path, headers)}
            )
        db.engine.dispose()
    return found


def asker(client) -> Ask:
    return lambda path, headers: client.get(path, headers=headers).headers


def server_asker(port: int) -> Ask:
    return lambda path, headers: answer(port, path, headers=headers).headers


def relocated(url: str, page: BenchPage) -> tuple[str, str]:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False})
    with app.app_context():
        located = page.locate(app.test_client())
        db.engine.dispose()
    return located


def count(app, path: str, headers: dict[str, str]) -> dict[str, int]:
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    client = app.test_client()
    with app.app_context():
        client.get(path, headers=headers)
    event.listen(db.engine, "before_cursor_execute", record)
    try:
        with app.app_context():
            status = client.get(path, headers=headers).status_code
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return {"in_process_status": status, "queries": len(statements)}


def feed_render(url: str) -> dict[str, object]:
    """The calendar feed's full render against icalendar's serialization of it, measured
    in-process before any server of this database is started."""
    try:
        render = feed_cost.measure(url)
    except Exception as failure:  # noqa: BLE001  (reported; the pages are still loaded)
        print(f"   {feed_cost.PATH}: could not measure its render: {failure!r}", flush=True)
        return {"error": repr(failure)}
    print(
        f"   {feed_cost.PATH}: {render['events']:,} events built in {render['app_ms']:.0f} ms, "
        f"icalendar's to_ical {render['icalendar_ms']:.0f} ms: {render['ratio']:.2f}×",
        flush=True,
    )
    return render


def bench_database(
    wrk: str, database: str, hello: Server, options: dict[str, object]
) -> dict[str, object]:
    """Build or reuse the database at each size, serve each with its own gunicorn, and load
    each page at every size back to back, right after /hello: a change in the machine's
    load (other work on it) then barely shows in the page's share of /hello or in ten
    years ÷ demo."""
    name = report.DATABASE_NAMES[database]
    sizes: dict[str, dict[str, object]] = {}
    for size in options["sizes"]:
        url = database_url(database, size, options["postgres"])
        print(f"== {name}, {size}: database", flush=True)
        built = generate.ensure(url, SIZES[size])
        print(f"   built in {built:.0f} s" if built is not None else "   kept from an earlier run")
        sizes[size] = {"url": url, "built_seconds": built, "pages": located_pages(url)}
        sizes[size]["feed_render"] = feed_render(url)
    servers = {}
    problems = [
        f"{name}, {size}: {feed_cost.PATH} render: {block['feed_render']['error']}"
        for size, block in sizes.items()
        if "error" in block["feed_render"]
    ]
    try:
        for size, block in sizes.items():
            environment = server_environment(block.pop("url"))
            label = f"sunshine-{database}-{size}"
            servers[size] = Server(label, "app:create_app()", options["workers"], environment)
        for server in servers.values():
            server.wait_until_it_answers("/healthz")
        hello_runs = []
        for index, page in enumerate(PAGES):
            # The ceiling is quick to measure and warm after its first run.
            seconds = min(HELLO_SECONDS, options["seconds"])
            ceiling = load(wrk, hello.port, "/hello", options, seconds=seconds, warm_up=not index)
            hello_runs.append(ceiling)
            print(f"   {name + ', /hello':22} {'':44} {ceiling['rps']:>7,.0f} req/s", flush=True)
            for size, block in sizes.items():
                entry = block["pages"][index] | {"hello_rps": ceiling["rps"]}
                block["pages"][index] = entry
                problems += measure(wrk, servers[size], page, entry, options, f"{name}, {size}")
    finally:
        for server in servers.values():
            server.stop()
    return {
        "database": database,
        "hello": {"runs": [run["rps"] for run in hello_runs]},
        "sizes": sizes,
        "problems": problems,
    }


def measure(
    wrk: str,
    server: Server,
    page: BenchPage,
    entry: dict[str, object],
    options: dict[str, object],
    label: str,
) -> list[str]:
    """Check the page answers as expected over HTTP, then load it; what went wrong, if any."""
    if page.kind.name == "NOT_MODIFIED":
        # A 304 is answered for what is current now: its address (the tag of what the
        # poller already has) or the validator sent with it (the feed's ETag a calendar app
        # holds, as this server gives it) is worked out again right before it is loaded.
        entry["path"], entry["detail"] = relocated(server.database_url, page)
        if page.headers:
            entry["headers"] = page.headers(server_asker(server.port), entry["path"])
    entry["status"] = get(server.port, entry["path"], headers=entry["headers"])
    if entry["status"] != page.status or entry["in_process_status"] != page.status:
        return [f"{label}: {entry['path']} answered {entry['status']}, expected {page.status}"]
    warm_every_worker(server.port, entry["path"], options["workers"], entry["headers"])
    entry |= load(wrk, server.port, entry["path"], options, headers=entry["headers"])
    entry["share_of_hello"] = entry["rps"] / entry["hello_rps"]
    print(
        f"   {label:22} {entry['path'][:44]:44} {entry['rps']:>7,.0f} req/s  "
        f"p50 {report.number(entry['p50_ms'], '7.1f')} ms  "
        f"p99 {report.number(entry['p99_ms'], '7.1f')} ms  {entry['queries']:>3} queries",
        flush=True,
    )
    return []


def cut_short(_signal: int, _frame: object) -> None:
    """CI gives the bench what is left of its time and then stops it (SIGTERM): the report
    is still written, with every database measured by then."""
    raise CouldNotRun("stopped when its time ran out; the databases measured before are kept")


def main() -> int:
    signal.signal(signal.SIGTERM, cut_short)
    options = settings()
    started, load_at_start = time.monotonic(), os.getloadavg()
    try:
        wrk = ensure_wrk()
    except CouldNotRun as missing:
        print(f"bench: {missing}", file=sys.stderr)
        return 1
    runs, problems, skipped = [], [], []
    hello = Server("hello", "bench.hello:app", options["workers"], server_environment(None))
    try:
        hello.wait_until_it_answers("/hello")
        for database in options["databases"]:
            if database == "postgresql" and not postgres_answers(options["postgres"]):
                skipped.append(f"PostgreSQL ({options['postgres']}) did not answer; skipped.")
                print(f"== {skipped[-1]}", flush=True)
                continue
            run = bench_database(wrk, database, hello, options)
            runs.append(run)
            problems.extend(run["problems"])
    except CouldNotRun as failure:
        problems.append(str(failure))
    finally:
        hello.stop()
    results = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "page_cache": os.environ.get("BENCH_PAGE_CACHE", "1") != "0",
        "settings": {k: v for k, v in options.items() if k != "postgres"},
        "wrk": f"wrk -t2 -c{options['connections']} -d{options['seconds']}s --latency",
        "gunicorn": f"gunicorn -w {options['workers']} -k sync",
        "runs": runs,
        "skipped": skipped,
        "problems": problems,
        "total_seconds": round(time.monotonic() - started),
        # Other work on the machine takes its share of the cores: read the figures with it.
        "load_average": {"start": load_at_start, "end": os.getloadavg()},
    }
    markdown = report.markdown(results)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    (RESULTS / "latest.md").write_text(markdown)
    print()
    print(markdown)
    for problem in problems:
        print(f"bench: could not run: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
