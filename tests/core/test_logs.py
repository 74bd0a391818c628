"""Private links keep their secret out of every log line: Werkzeug's server, gunicorn's
access log and the app's own messages; and out of the Referer sent to other sites."""

from __future__ import annotations

import logging
import runpy
import threading
import urllib.request
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from gunicorn.config import Config
from werkzeug.serving import make_server

from core import logs
from engagement.consultations import operations
from extensions import db


@pytest.fixture
def private_link(open_consultation) -> tuple[str, str]:
    comment = operations.submit_comment(
        open_consultation,
        body="小区门口需要一个驿站",
        name="李梅",
        show_name=False,
        phone=None,
        email=None,
        community=None,
        consented=True,
    )
    db.session.commit()
    return f"/comments/{comment.token}", comment.token


def test_every_route_with_a_token_is_private(app):
    private = [rule.rule for rule in app.url_map.iter_rules() if "token" in rule.arguments]
    assert private  # the comment-status page at least
    for rule in private:
        address = rule.replace("<token>", "S3cretT0kenValue_abcdefghijkl")
        for other in ("<int:document_id>", "<path:name>"):
            address = address.replace(other, "1")
        line = f'127.0.0.1 - - "GET {address}?x=1 HTTP/1.1" 200 -'
        assert "S3cretT0kenValue" not in logs.redact(line)
        assert logs.REDACTED in logs.redact(line)


def test_werkzeug_server_log_has_no_token(app, private_link, caplog):
    path, token = private_link
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with (
            caplog.at_level(logging.INFO, logger="werkzeug"),
            urllib.request.urlopen(f"http://127.0.0.1:{server.port}{path}") as answer,
        ):
            assert answer.status == 200
            assert answer.headers["Referrer-Policy"] == "no-referrer"
    finally:
        server.shutdown()
    lines = [record.getMessage() for record in caplog.records if record.name == "werkzeug"]
    assert any("/comments/[secret]" in line for line in lines)
    assert not any(token in line for line in lines)


def test_gunicorn_access_log_has_no_token(app, private_link, tmp_path):
    path, token = private_link
    settings = runpy.run_path(str(Path(__file__).resolve().parents[2] / "gunicorn.conf.py"))
    assert settings["logger_class"] == "core.logs.GunicornLogger"
    config = Config()
    config.set("accesslog", str(tmp_path / "access.log"))
    logger = logs.GunicornLogger(config)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": path,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "192.0.2.1",
        "HTTP_REFERER": f"http://localhost{path}",
    }
    response = SimpleNamespace(status="200 OK", headers=[], sent=100)
    request = SimpleNamespace(headers=[("REFERER", f"http://localhost{path}")])
    logger.access(response, request, environ, timedelta(milliseconds=3))
    written = (tmp_path / "access.log").read_text()
    assert "/comments/[secret]" in written and token not in written


def test_the_apps_own_messages_have_no_token(app, private_link, caplog):
    path, token = private_link
    app.logger.warning("Something about %s", path)
    assert token not in caplog.text and "/comments/[secret]" in caplog.text


@pytest.mark.parametrize(
    ("workers", "redis", "warned"), [(4, "", True), (4, "redis://x", False), (1, "", False)]
)
def test_several_workers_without_redis_are_warned_about(monkeypatch, workers, redis, warned):
    settings = runpy.run_path(str(Path(__file__).resolve().parents[2] / "gunicorn.conf.py"))
    monkeypatch.setenv("REDIS_URL", redis)
    said: list[str] = []
    server = SimpleNamespace(
        cfg=SimpleNamespace(workers=workers),
        log=SimpleNamespace(warning=lambda message, *args: said.append(message % args)),
    )
    settings["when_ready"](server)
    assert bool(said) == warned
    if warned:
        assert "REDIS_URL" in said[0] and "4 times" in said[0]


def test_what_a_search_asked_for_stays_out_of_the_log(app, tmp_path):
    """A staff search for a resident's phone or name is in the address; the log keeps the
    address and which page was read, not what was searched for."""
    searches = (
        "/admin/open-days/3/registrations?q=13800138000&page=2",
        "/admin/sitting-in/people?q=%E6%9D%8E%E6%A2%85&year=2026",
        "/decisions/?q=someone%40example.org",
    )
    for address in searches:
        line = logs.redact(f'127.0.0.1 - - "GET {address} HTTP/1.1" 200 -')
        assert "13800138000" not in line and "%E6%9D%8E" not in line and "%40" not in line
        assert "q=[secret]" in line
    assert "page=2" in logs.redact(searches[0]) and "year=2026" in logs.redact(searches[1])
    config = Config()
    config.set("accesslog", str(tmp_path / "access.log"))
    config.set("access_log_format", "%(r)s %(q)s")
    address, query = searches[0].split("?")
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": searches[0],
        "PATH_INFO": address,
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "192.0.2.1",
    }
    response = SimpleNamespace(status="200 OK", headers=[], sent=100)
    request = SimpleNamespace(headers=[])
    logs.GunicornLogger(config).access(response, request, environ, timedelta(milliseconds=3))
    written = (tmp_path / "access.log").read_text()
    assert "13800138000" not in written and written.count("q=[secret]") == 2
