"""Build a database for the load bench: the demo data, and at full size ten busy years on
top (5,000 meetings, 50,000 agenda items, 200 consultations with 200,000 comments, the
decisions of the meetings held with their search index, 120 open days with about 7,000
registrations, sitting in on about 300 district meetings with their invitations and
residents' applications, and what each later feature adds in its own step).

    .venv/bin/python bench/generate.py sqlite:////tmp/ten-years.sqlite3
    .venv/bin/python bench/generate.py postgresql+psycopg://postgres@127.0.0.1:5432/bench
    .venv/bin/python bench/generate.py URL --scale 0.01    # a small version
    .venv/bin/python bench/generate.py URL --scale 0       # the demo data only

The target is emptied first (a SQLite file is replaced; on PostgreSQL the schema of the
URL's search_path, `public` by default, is dropped and created again), then migrated with
the app's own migrations. Each feature's share is one entry in `STEPS`.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SECRET_KEY", "bench-only")

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from app import create_app  # noqa: E402
from bench.data import Generation  # noqa: E402
from bench.data.consultations import generate_consultations  # noqa: E402
from bench.data.decisions import generate_decisions  # noqa: E402
from bench.data.meetings import generate_meetings  # noqa: E402
from bench.data.open_days import generate_open_days  # noqa: E402
from bench.data.reports import generate_reports  # noqa: E402
from bench.data.sitting_in import generate_sitting_in  # noqa: E402
from core.clock import utcnow  # noqa: E402
from core.runner import attempt  # noqa: E402
from engagement.demo import load_demo  # noqa: E402
from extensions import db  # noqa: E402

# One step per feature, in the order their data depends on each other. A feature adds its
# share of ten busy years here (open days and their registrations, decisions, ...).
STEPS: list[Callable[[Generation], None]] = [
    generate_meetings,
    generate_consultations,
    generate_decisions,
    generate_open_days,
    generate_sitting_in,
    generate_reports,
]
SEED = 2026

# What the data depends on: a change to any of these makes a kept database stale.
SOURCES = (
    "bench/generate.py",
    "bench/data/*.py",
    "bench/data/*/*.py",
    "migrations/versions/*.py",
    "*/demo.py",
    "*/*/demo.py",
    "*/demo/*.py",
    "*/*/demo/*.py",
)


def fill(scale: float, *, seed: int = SEED, now: datetime | None = None) -> Generation | None:
    """In an app context on a migrated, empty database: the demo data, then every step's
    share at `scale` (0: the demo only), each step in its own transaction. Returns the
    generation (rows written per table, first ids, marks), None for the demo only."""
    attempt(load_demo)
    if scale <= 0:
        return None
    generation = Generation.start(scale=scale, seed=seed, now=now or utcnow())
    for step in STEPS:
        started = time.perf_counter()
        if db.engine.dialect.name == "sqlite":
            # Room for the indexes of the biggest tables in memory: random tokens land on
            # random index pages, which otherwise go to and from the disk for each batch.
            db.session.execute(text("PRAGMA cache_size = -500000"))
        attempt(lambda step=step: (step(generation), generation.finish()))
        print(f"  {step.__name__}: {time.perf_counter() - started:.1f} s", flush=True)
    return generation


def schema_of(url: str) -> str:
    """The PostgreSQL schema a URL works in: the first of its search_path, else public."""
    options = make_url(url).query.get("options", "")
    for option in options.split() if isinstance(options, str) else options:
        if option.startswith("-csearch_path="):
            return option.removeprefix("-csearch_path=").split(",")[0]
    return "public"


def fingerprint(scale: float) -> str:
    """Changes when the data would: the sources above, the scale and the day (the demo and
    the history are dated from the day they are made)."""
    digest = hashlib.sha256(f"{scale}|{utcnow().date()}|{SEED}".encode())
    for pattern in SOURCES:
        for path in sorted(ROOT.glob(pattern)):
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _sqlite_path(url: str) -> Path:
    return Path(make_url(url).database)


def stored_fingerprint(url: str) -> str | None:
    """The fingerprint of the data a database holds, if it was built by `build`."""
    if url.startswith("sqlite"):
        marker = _sqlite_path(url).with_suffix(".fingerprint")
        return marker.read_text().strip() if marker.exists() else None
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.scalar(
                text(
                    "SELECT obj_description(oid, 'pg_namespace') FROM pg_namespace"
                    " WHERE nspname = :s"
                ),
                {"s": schema_of(url)},
            )
    finally:
        engine.dispose()


def _empty(url: str) -> None:
    if url.startswith("sqlite"):
        path = _sqlite_path(url)
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm", ".fingerprint"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        path.with_suffix(".fingerprint").unlink(missing_ok=True)
        return
    schema = schema_of(url)
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()


def _mark(url: str, mark: str) -> None:
    if url.startswith("sqlite"):
        _sqlite_path(url).with_suffix(".fingerprint").write_text(mark)
        return
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f"COMMENT ON SCHEMA \"{schema_of(url)}\" IS '{mark}'"))
    engine.dispose()


def build(url: str, scale: float, *, seed: int = SEED) -> dict[str, int]:
    """Empty the target, migrate it, fill it, and mark it with the data's fingerprint."""
    if os.environ.get("SUNSHINE_ENV", "").strip().lower() == "production":
        raise SystemExit("Bench data is never generated where SUNSHINE_ENV=production.")
    _empty(url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False})
    with app.app_context():
        upgrade()
        generation = fill(scale, seed=seed)
        db.session.remove()
        db.engine.dispose()
    _mark(url, fingerprint(scale))
    return dict(generation.written) if generation else {}


def ensure(url: str, scale: float) -> float | None:
    """Build the database unless it already holds today's data at this scale (set
    BENCH_REBUILD=1 to build anyway). Returns the seconds building took, None if kept."""
    if os.environ.get("BENCH_REBUILD") != "1" and stored_fingerprint(url) == fingerprint(scale):
        return None
    started = time.perf_counter()
    build(url, scale)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database", help="sqlite:///path or postgresql+psycopg://... URL")
    parser.add_argument("--scale", type=float, default=1.0, help="1 = ten busy years")
    parser.add_argument("--seed", type=int, default=SEED)
    arguments = parser.parse_args()
    started = time.perf_counter()
    written = build(arguments.database, arguments.scale, seed=arguments.seed)
    for table, rows in sorted(written.items()):
        print(f"  {table:24} {rows:>9,}")
    print(f"Built in {time.perf_counter() - started:.1f} s: {arguments.database}")


if __name__ == "__main__":
    main()
