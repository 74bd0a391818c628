"""Nothing a person can send makes a server error: every route of the app, on the demo
data, gets empty forms, nonsense and the same form twice, as each role and as a resident.

At the top of tests/, like `test_access.py`: it walks the routes of the assembled app and
needs the demo data of every part (`engagement.demo`)."""

from __future__ import annotations

import re

import pytest

from engagement.demo import load_demo
from extensions import db

NONSENSE = {
    field: value
    for field, value in {
        "title": "x" * 5000,
        "name": "\x00<script>alert(1)</script>",
        "body": "意见" * 3000,
        "summary": "",
        "starts_at": "0001-01-01T00:00",
        "ends_at": "yesterday",
        "new_starts_at": "9999-99-99T99:99",
        "new_ends_at": "",
        "opens_at": "2026-02-30T10:00",
        "closes_at": "²",
        "received_at": "nonsense",
        "new_closes_at": "-1",
        "body_id": "abc",
        "agenda_item_id": "99999999999999999999",
        "session_number": "-5",
        "sit_in_places": "many",
        "visibility": "secret",
        "level": "galaxy",
        "slug": "../../etc",
        "role": "emperor",
        "channel": "pigeon",
        "disposition": "maybe",
        "direction": "sideways",
        "action": "explode",
        "comment": ["²", "1", "9" * 30],
        "language": "xx",
        "next": "//evil.example/",
        "note": "",
        "reason": "",
        "email": "not-an-email",
        "phone": "call me",
        "username": "Robert'); DROP TABLE users;--",
        "password": "",
        "pw-password": "x",
        "consent": "maybe",
    }.items()
}
QUERY_NONSENSE = (
    "?page=-1&per_page=99999999999999999999&year=²&status=zzz&actor=abc&from=0001-01-01"
    "&to=9999-12-31&body=%00"
)
# A NUL character in every part of a request: PostgreSQL text cannot hold one, so it must be
# dealt with before any query, the same way on both databases.
NUL_FORM = {
    name: [f"{v}\x00" for v in value] if isinstance(value, list) else f"\x00{value}\x00"
    for name, value in {**NONSENSE, "note": "审核意见", "reason": "理由", "q": "查询"}.items()
}
QUERY_NUL = "?" + "&".join(
    f"{name}=%00{name}"
    for name in ("page", "year", "status", "body", "actor", "action", "subject", "from", "to", "q")
)


@pytest.fixture
def demo(app):
    load_demo()
    db.session.commit()


def every_route(app, suffix: str = ""):
    """(method, path) for every route, each argument filled in and followed by `suffix`."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        path = rule.rule
        for argument in rule.arguments:
            value = {"kind": "meeting", "token": "x" * 32, "name": "x.pdf"}.get(argument, "1")
            path = re.sub(rf"<(?:[^:>]+:)?{argument}>", value + suffix, path)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield method, path


def sign_in(client, username: str | None) -> None:
    if username:
        password = {"admin": "demo-admin-2026", "editor": "demo-editor-2026"}.get(
            username, "demo-review-2026"
        )
        response = client.post("/login", data={"username": username, "password": password})
        assert response.status_code == 303


@pytest.mark.parametrize("username", [None, "admin", "editor", "reviewer"])
def test_no_route_answers_with_a_server_error(app, client, demo, username):
    sign_in(client, username)
    failures = []
    for method, path in every_route(app):
        if path in ("/logout",):
            continue
        attempts = (
            [{}, NONSENSE, NONSENSE]  # empty, nonsense, and the same nonsense twice
            if method == "POST"
            else [None]
        )
        for data in attempts:
            url = path + (QUERY_NONSENSE if method == "GET" else "")
            response = client.open(url, method=method, data=data)
            if response.status_code >= 500:
                failures.append((method, url, response.status_code))
    assert failures == []


@pytest.mark.parametrize("username", [None, "admin"])
def test_a_nul_character_anywhere_is_no_server_error(app, client, demo, username):
    sign_in(client, username)
    failures = []
    for where, suffix, query, form in (
        ("path", "%00", "", {}),
        ("query", "", QUERY_NUL, {}),
        ("form", "", "", NUL_FORM),
    ):
        for method, path in every_route(app, suffix):
            if path == "/logout" or (where == "form" and method != "POST"):
                continue
            url = path + (query if method == "GET" else "")
            response = client.open(url, method=method, data=form or None)
            if response.status_code >= 500:
                failures.append((where, method, url, response.status_code))
    assert failures == []
