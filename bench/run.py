"""Benchmarks, reported not asserted: time to render the busiest pages.

Builds a throwaway SQLite database with the demo data, then times each page with the
Flask test client (no network). Prints median and 95th percentile per page.
Run with `make bench`; CI runs it as a report.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("SECRET_KEY", "bench-only")

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "200"))


def main() -> None:
    from flask_migrate import upgrade

    from app import create_app
    from engagement.demo import load_demo
    from extensions import db

    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3",
                "RATELIMIT_ENABLED": False,
                "WTF_CSRF_ENABLED": False,  # the bench signs in without a form page
            }
        )
        with app.app_context():
            upgrade()
            load_demo()
            db.session.commit()
            meeting_id = 1
        client = app.test_client()
        client.post("/login", data={"username": "admin", "password": "demo-admin-2026"})
        pages = [
            "/",
            "/meetings/",
            f"/meetings/{meeting_id}",
            "/consultations/1",
            "/api/v1/meetings",
            "/api/v1/consultations",
            "/healthz",
            "/admin/audit/",
            "/admin/consultations/1/comments",
        ]
        print(f"{'page':24} {'median ms':>10} {'p95 ms':>10}  ({ROUNDS} requests each)")
        for url in pages:
            timings = []
            for _ in range(ROUNDS):
                start = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, (url, response.status_code)
            timings.sort()
            p95 = timings[int(len(timings) * 0.95) - 1]
            print(f"{url:24} {statistics.median(timings):10.2f} {p95:10.2f}")


if __name__ == "__main__":
    main()
