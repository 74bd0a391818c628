"""Redis is where the workers share their page cache and their rate-limit counts; when it
cannot be reached (restarting, the network to it cut), the site goes on: pages are built
without the cache, forms are taken, and the limits are counted by each worker on its own
meanwhile. Nobody gets a server error because of it.

Redis here is a local port nothing listens on, configured the way a deployment is
(`config.load_config` with `REDIS_URL`)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from config import load_config
from engagement.consultations.models import Comment
from extensions import db


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def app_config(tmp_path: Path) -> dict[str, object]:
    deployed = load_config(tmp_path, {"REDIS_URL": f"redis://127.0.0.1:{closed_port()}/0"})
    return {
        key: value
        for key, value in deployed.items()
        if key.startswith("RATELIMIT_") or key in ("REDIS_URL", "PAGE_CACHE_ENABLED")
    } | {"RATELIMIT_ENABLED": True, "TESTING": False}


def test_pages_and_forms_go_on_without_redis(app, client, open_consultation, make_meeting):
    assert app.config["REDIS_URL"] and app.config["PAGE_CACHE_ENABLED"]
    for path in ("/", "/meetings/", "/consultations/", f"/consultations/{open_consultation.id}"):
        for _ in range(2):  # built, then (with no cache to keep it) built again
            assert client.get(path).status_code == 200, path
    assert client.get("/calendar.ics").status_code == 200
    signing_in = client.post("/login", data={"username": "nobody", "password": "wrong"})
    assert signing_in.status_code == 422
    path = f"/consultations/{open_consultation.id}/comments"
    sent = client.post(path, data={"body": "门口需要驿站", "name": "王建国", "consent": "y"})
    assert sent.status_code == 303
    assert db.session.scalar(db.select(db.func.count(Comment.id))) == 1


def test_the_limits_still_hold_in_each_worker(app, client, open_consultation):
    path = f"/consultations/{open_consultation.id}/comments"
    answers = [
        client.post(path, data={"body": f"第{n}条意见", "name": "王建国", "consent": "y"})
        for n in range(61)
    ]
    assert [answer.status_code for answer in answers[:60]] == [303] * 60
    assert answers[60].status_code == 429
