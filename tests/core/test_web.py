"""What every page shares (`core/web.py`): language, security headers, error pages, health,
htmx fragments and the CSRF token htmx sends."""

from __future__ import annotations

import json
import re

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import create_engine
from werkzeug.http import parse_set_header

from core.accounts.models import Role

# What a browser sends with a form posted from one of the site's own pages.
FROM_THIS_SITE = {"Origin": "http://localhost"}


def page(response) -> BeautifulSoup:
    return BeautifulSoup(response.data, "html.parser")


def test_chinese_by_default(client):
    html = page(client.get("/"))
    assert html.html["lang"] == "zh-Hans"
    assert html.h1.get_text(strip=True) == "近期安排"


def test_language_switch_is_remembered(client):
    response = client.post(
        "/language", headers=FROM_THIS_SITE, data={"language": "en", "next": "/meetings/?page=1"}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/meetings/?page=1"
    html = page(client.get("/"))
    assert html.html["lang"] == "en"
    assert html.h1.get_text(strip=True) == "What's coming"
    client.post("/language", headers=FROM_THIS_SITE, data={"language": "zh"})
    assert page(client.get("/")).h1.get_text(strip=True) == "近期安排"


def test_language_switch_never_redirects_off_site(client):
    response = client.post(
        "/language", headers=FROM_THIS_SITE, data={"language": "en", "next": "//evil.example/x"}
    )
    assert response.headers["Location"] == "/"


def test_unknown_language_is_ignored(client):
    client.post("/language", headers=FROM_THIS_SITE, data={"language": "xx"})
    assert page(client.get("/")).html["lang"] == "zh-Hans"


@pytest.mark.parametrize("url", ["/", "/login", "/meetings/", "/healthz", "/nope"])
def test_security_headers_on_every_response(client, url):
    headers = client.get(url).headers
    csp = headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "style-src 'self'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_staff_pages_are_not_cached(client, auth, make_user):
    auth.login(make_user(Role.EDITOR))
    assert client.get("/admin/").headers["Cache-Control"] == "no-store"


def test_pages_have_no_inline_scripts_or_styles(client):
    for url in ("/", "/login", "/meetings/"):
        html = page(client.get(url))
        for script in html.find_all("script"):
            assert script.get("src"), f"inline script on {url}"
        assert html.find("style") is None
        assert html.find(attrs={"style": True}) is None


def test_htmx_is_vendored_and_configured_for_a_strict_csp(client):
    html = page(client.get("/"))
    script = html.find("script", src=True)["src"]
    assert script.startswith("/static/vendor/htmx-2.0.11.min.js?v=")
    assert client.get(script).status_code == 200
    config = json.loads(html.find("meta", {"name": "htmx-config"})["content"])
    assert config["allowEval"] is False
    assert config["includeIndicatorStyles"] is False


def test_every_page_has_skip_link_landmarks_and_one_h1(client):
    for url in ("/", "/login", "/meetings/", "/nope"):
        html = page(client.get(url))
        skip = html.find("a", class_="skip-link")
        assert skip["href"] == "#main" and html.find("main", id="main") is not None
        assert html.find("header") and html.find("footer") and html.find("nav")
        assert len(html.find_all("h1")) == 1, url
        for field in html.find_all(["input", "select", "textarea"]):
            if field.get("type") in ("hidden", "submit"):
                continue
            assert html.find("label", attrs={"for": field["id"]}), (url, field)


@pytest.mark.parametrize(("language", "expected"), [("zh", "页面不存在"), ("en", "Page not found")])
def test_not_found_page_in_both_languages(client, language, expected):
    client.post("/language", headers=FROM_THIS_SITE, data={"language": language})
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert page(response).h1.get_text(strip=True) == expected


@pytest.mark.parametrize(
    ("code", "zh", "en"),
    [
        (400, "无法理解该请求", "The request could not be understood"),
        (403, "您无权访问此页面", "You do not have access to this page"),
        (413, "上传的文件过大", "The upload is too large"),
        (422, "提交的部分内容无法接受", "Some of what was sent could not be accepted"),
        (500, "系统出现了问题", "Something went wrong on our side"),
    ],
)
def test_error_pages_in_both_languages(app, client, code, zh, en):
    from flask import abort

    @app.get(f"/raise/{code}")
    def raise_error():
        abort(code)

    response = client.get(f"/raise/{code}")
    assert response.status_code == code
    assert page(response).h1.get_text(strip=True) == zh
    client.post("/language", headers=FROM_THIS_SITE, data={"language": "en"})
    assert page(client.get(f"/raise/{code}")).h1.get_text(strip=True) == en


def test_unexpected_exception_gives_the_500_page(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/explode")
    def explode():
        raise RuntimeError("boom")

    response = client.get("/explode")
    assert response.status_code == 500
    assert "boom" not in response.get_data(as_text=True)
    assert page(response).h1.get_text(strip=True) == "系统出现了问题"


def test_too_large_upload_leads_back_to_its_form(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 10
    response = client.post(
        "/language",
        data={"language": "en" * 100},
        headers={"Referer": "http://localhost/admin/items/7?tab=documents"},
    )
    assert response.status_code == 413
    shown = page(response)
    assert shown.h1.get_text(strip=True) == "上传的文件过大"
    assert "20 MB" in shown.get_text() and "5 MB" in shown.get_text()
    assert shown.find("a", href="/admin/items/7?tab=documents") is not None


def test_error_pages_never_lead_to_another_site(app, client):
    response = client.get("/no-such-page", headers={"Referer": "https://evil.example/form"})
    assert "evil.example" not in response.get_data(as_text=True)


def test_healthz_makes_a_database_round_trip(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_healthz_reports_an_unreachable_database(app, client, tmp_path):
    from extensions import db

    broken = create_engine(f"sqlite:///{tmp_path / 'missing-dir' / 'x.sqlite3'}")
    engines = db.engines
    original = engines[None]
    engines[None] = broken
    try:
        response = client.get("/healthz")
    finally:
        engines[None] = original
    assert response.status_code == 503
    assert response.json["database"] == "unreachable"


def test_htmx_request_gets_the_fragment_and_vary_header(app, client, auth, make_user):
    auth.login(make_user(Role.ADMIN))
    full = client.get("/admin/audit/")
    fragment = client.get("/admin/audit/", headers={"HX-Request": "true"})
    boosted = client.get("/admin/audit/", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert "<html" in full.get_data(as_text=True)
    assert "<html" not in fragment.get_data(as_text=True) and "<table" in fragment.get_data(
        as_text=True
    )
    assert "<html" in boosted.get_data(as_text=True)
    assert "HX-Request" in fragment.headers["Vary"]


def test_vary_header_is_set_on_pages(client):
    assert "HX-Request" in parse_set_header(client.get("/login").headers.get("Vary", ""))


class TestCSRF:
    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_staff_pages_give_htmx_the_token_and_readers_get_none(self, client, make_user):
        reader_page = BeautifulSoup(client.get("/").data, "html.parser")
        assert not reader_page.body.has_attr("data-hx-headers")
        assert "session" not in {cookie.key for cookie in client._cookies.values()}
        editor = make_user(Role.EDITOR)
        signin = BeautifulSoup(client.get("/login").data, "html.parser")
        client.post(
            "/login",
            data={
                "username": editor.username,
                "password": "correct horse battery",
                "csrf_token": signin.find("input", {"name": "csrf_token"})["value"],
            },
        )
        staff_page = BeautifulSoup(client.get("/admin/").data, "html.parser")
        token = re.search(r'"X-CSRFToken": "([^"]+)"', staff_page.body["data-hx-headers"]).group(1)
        headers = {"HX-Request": "true"}
        assert client.post("/session/keepalive", headers=headers).status_code == 400
        sent = client.post("/session/keepalive", headers={**headers, "X-CSRFToken": token})
        assert sent.status_code == 204


def test_static_files_carry_their_content_hash_and_are_kept_a_year(app, client):
    import hashlib
    from pathlib import Path

    html = page(client.get("/"))
    for link in [*html.find_all("script", src=True), *html.find_all("link", href=True)]:
        address = link.get("src") or link["href"]
        if not address.startswith("/static/"):
            continue
        path, _, version = address.partition("?v=")
        content = Path(app.static_folder, path.removeprefix("/static/")).read_bytes()
        assert version == hashlib.sha256(content).hexdigest()[:16], address
        answer = client.get(address)
        assert answer.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        stale = client.get(path + "?v=0000000000000000")  # an old page's address
        assert stale.status_code == 200 and "immutable" not in stale.headers["Cache-Control"]


def test_text_is_compressed_for_clients_that_accept_it(client):
    plain = client.get("/")
    packed = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert len(packed.data) < len(plain.data) / 2
    assert "Accept-Encoding" in packed.headers["Vary"]


def test_the_language_switch_needs_no_token_but_refuses_other_sites(client):
    assert client.post("/language", data={"language": "en"}).status_code == 400
    forged = client.post(
        "/language", data={"language": "en"}, headers={"Origin": "https://evil.example"}
    )
    assert forged.status_code == 400
    by_referer = client.post(
        "/language", data={"language": "en"}, headers={"Referer": "http://localhost/meetings/"}
    )
    assert by_referer.status_code == 303
