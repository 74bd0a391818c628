"""Every kind of answer the site gives carries its protections: pages, htmx fragments,
calendar and Atom feeds, CSV and document downloads, open data, redirects, static files,
and the error pages (400, 403, 404, 405, 413, 500). Each has a Content-Security-Policy
that allows no inline or evaluated script or style and no framing, `nosniff`, a
Referrer-Policy and `X-Frame-Options: DENY`.

Behind a trusted proxy that says the visitor came over HTTPS, every answer asks browsers
to keep to HTTPS (HSTS) and every cookie is Secure; without TRUSTED_PROXIES the same
header is not believed, nor is the visitor's address it forwards (the address every
per-address limit counts). A body over MAX_REQUEST_MB is refused with 413 on every form,
public or staff, sent as a form or as an upload, and changes nothing."""

from __future__ import annotations

import io

import pytest
from flask import Flask, Response
from flask.testing import FlaskClient
from flask_limiter.util import get_remote_address
from sqlalchemy import select

from engagement.demo import load_demo
from extensions import db, limiter
from meetings.models import AgendaItem
from tests.sweep_support import changed_tables, every_request, sign_in, snapshot

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
REFERRER_POLICIES = {"strict-origin-when-cross-origin", "no-referrer"}


def assert_protected(response: Response, where: object) -> None:
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
    assert directives, where
    for name in ("script-src", "style-src"):
        sources = directives.get(name, directives.get("default-src"))
        assert sources, (where, name)
        assert not any(source.startswith("'unsafe-") for source in sources), (where, csp)
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, (where, csp)
    # Nothing may be framed; a served file is also sandboxed and allowed nothing at all.
    assert directives.get("frame-ancestors") == ["'none'"], (where, csp)
    assert headers.get("X-Frame-Options") == "DENY", where
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    assert headers.get("Referrer-Policy") in REFERRER_POLICIES, where


@pytest.fixture
def demo(app: Flask) -> None:
    load_demo()
    db.session.commit()


def upload_documents(app: Flask) -> None:
    """Files on a draft meeting's item, so the walk downloads documents too."""
    client = app.test_client()
    sign_in(client, "admin")
    items = db.session.scalars(select(AgendaItem).order_by(AgendaItem.id)).all()
    stored = 0
    for item in items:
        for name, data in (("方案.pdf", PDF), ("图.png", PNG)):
            sent = client.post(
                f"/admin/items/{item.id}/documents",
                data={"document": (io.BytesIO(data), name)},
                content_type="multipart/form-data",
            )
            stored += sent.status_code == 303
        if stored:
            return
    raise AssertionError("no draft agenda item in the demo to attach a document to")


def test_every_answer_of_every_route_is_protected(app, demo):
    upload_documents(app)
    kinds: set[str] = set()
    for username in (None, "admin"):
        client = app.test_client()
        sign_in(client, username)
        for rule, _method, path in every_request(app, {"GET"}, at_most=2):
            for headers in ({}, {"HX-Request": "true"}):
                response = client.get(path, headers=headers)
                assert_protected(response, (username, rule.rule, headers))
                kinds.add(f"{response.status_code} {response.mimetype}")
        for path, method in (("/logout", "GET"), ("/no-such-page", "GET"), ("/login", "PUT")):
            assert_protected(client.open(path, method=method), (username, path, method))
        assert_protected(client.post("/admin/meetings/new", data={}), username)
    # The walk met every kind of answer: pages, fragments, feeds, downloads, open data,
    # documents, images, static files, redirects, and refusals.
    expected = {
        "200 text/html",
        "200 text/calendar",
        "200 application/atom+xml",
        "200 text/csv",
        "200 application/json",
        "200 application/pdf",
        "200 image/png",
        "200 text/css",
        "302 text/html",
        "404 text/html",
    }
    assert expected <= kinds, expected - kinds


def test_a_server_error_and_a_refused_form_are_protected(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/explode")
    def explode():
        raise RuntimeError("boom")

    response = client.get("/explode")
    assert response.status_code == 500
    assert_protected(response, "500")
    app.config["WTF_CSRF_ENABLED"] = True
    refused = client.post("/login", data={"username": "x", "password": "y"})
    assert refused.status_code == 400
    assert_protected(refused, "400")


class TestBehindAProxy:
    @pytest.fixture
    def app_config(self) -> dict[str, object]:
        return {"TRUSTED_PROXIES": 1}

    def test_https_answers_ask_for_https_and_every_cookie_is_secure(self, app, client, demo):
        cookies = visit_with_cookies(client, {"X-Forwarded-Proto": "https"}, "https")
        assert {"session", "lang"} <= {name for name, _ in cookies}
        assert all("Secure" in cookie for _, cookie in cookies), cookies
        for path in ("/", "/admin/", "/no-such-page", "/calendar.ics"):
            response = client.get(path, headers={"X-Forwarded-Proto": "https"})
            assert response.headers["Strict-Transport-Security"].startswith("max-age="), path
            assert_protected(response, path)

    def test_the_forwarded_address_is_the_one_limits_count(self, app, client):
        assert limiter._key_func is get_remote_address  # noqa: SLF001

        @app.get("/whoami")
        def whoami():
            return get_remote_address() or ""

        answer = client.get("/whoami", headers={"X-Forwarded-For": "203.0.113.9"})
        assert answer.get_data(as_text=True) == "203.0.113.9"


class TestNoProxyTrusted:
    @pytest.fixture
    def app_config(self) -> dict[str, object]:
        return {"TRUSTED_PROXIES": 0}

    def test_a_forwarded_scheme_is_not_believed(self, app, client, demo):
        cookies = visit_with_cookies(client, {"X-Forwarded-Proto": "https"}, "http")
        assert {"session", "lang"} <= {name for name, _ in cookies}
        assert not any("Secure" in cookie for _, cookie in cookies), cookies
        for path in ("/", "/admin/", "/no-such-page"):
            response = client.get(path, headers={"X-Forwarded-Proto": "https"})
            assert "Strict-Transport-Security" not in response.headers, path

    def test_a_forwarded_address_is_not_believed(self, app, client):
        @app.get("/whoami")
        def whoami():
            return get_remote_address() or ""

        answer = client.get("/whoami", headers={"X-Forwarded-For": "203.0.113.9"})
        assert answer.get_data(as_text=True) == "127.0.0.1"


def visit_with_cookies(
    client: FlaskClient, headers: dict[str, str], scheme: str
) -> list[tuple[str, str]]:
    """Sign in as the demo admin, choose a language, sign out: every cookie set."""
    from tests.sweep_support import DEMO_PASSWORDS

    seen: list[tuple[str, str]] = []

    def keep(response):
        for cookie in response.headers.getlist("Set-Cookie"):
            seen.append((cookie.split("=", 1)[0], cookie))
        return response

    keep(client.get("/login", headers=headers))
    data = {"username": "admin", "password": DEMO_PASSWORDS["admin"]}
    assert keep(client.post("/login", data=data, headers=headers)).status_code == 303
    origin = {**headers, "Origin": f"{scheme}://localhost"}
    chosen = client.post("/language", data={"language": "en"}, headers=origin)
    assert keep(chosen).status_code == 303
    keep(client.get("/admin/", headers=headers))
    keep(client.post("/logout", headers=headers))
    return seen


def test_a_body_over_the_limit_is_refused_on_every_form(app, demo):
    app.config["WTF_CSRF_ENABLED"] = True  # as deployed: the form is read before any view
    app.config["MAX_CONTENT_LENGTH"] = 4096
    big = "x" * 8192
    for username in (None, "admin"):
        client = app.test_client()
        sign_in(client, username, with_token=True)
        before = snapshot()
        for rule, _method, path in every_request(app, {"POST"}, at_most=1):
            for data in (
                {"body": big, "note": big},
                {"document": (io.BytesIO(PDF + bytes(8192)), "plan.pdf"), "note": "x"},
            ):
                sent = client.post(path, data=data, headers={"Origin": "http://localhost"})
                assert sent.status_code == 413, (username, rule.rule, sent.status_code)
                assert_protected(sent, (username, rule.rule, "413"))
        assert changed_tables(before, snapshot()) == [], username
