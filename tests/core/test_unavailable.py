"""A database that cannot be reached is answered 503 with a page that says to try again,
in the reader's language, with `Retry-After`: never a server error. A form sent then is
said not to be saved and is offered to be sent again as it was typed; a person signed in
gets the same page (nobody is loaded from the database for it). A database that answers
with an error of ours (a missing table) is still a server error, not a "try again".

The databases here are real and really unreachable: a PostgreSQL address where nothing
listens, a SQLite file in a folder that does not exist."""

from __future__ import annotations

import socket
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from core.unavailable import RETRY_AFTER_SECONDS, database_unavailable
from extensions import db, login_manager
from tests.conftest import config_for_tests


def closed_port() -> int:
    """A local port nothing listens on: connecting is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def unreachable_urls(tmp_path: Path) -> dict[str, str]:
    return {
        "postgresql": f"postgresql+psycopg://postgres@127.0.0.1:{closed_port()}/gone",
        "sqlite": f"sqlite:///{tmp_path / 'no-such-folder' / 'sunshine.sqlite3'}",
    }


@pytest.fixture(params=["postgresql", "sqlite"])
def lost_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    url = unreachable_urls(tmp_path)[request.param]
    app = create_app(
        config_for_tests(
            url,
            # The page as a deployment shows it, not an exception raised into the test.
            TESTING=False,
            UPLOAD_FOLDER=str(tmp_path / "uploads"),
            MAIL_FOLDER=str(tmp_path / "mail"),
        )
    )
    yield app
    with app.app_context():
        db.engine.dispose()


def english(client: FlaskClient) -> FlaskClient:
    client.set_cookie("lang", "en")
    return client


def page(response) -> BeautifulSoup:
    return BeautifulSoup(response.data, "html.parser")


@pytest.mark.parametrize(
    ("language", "title", "advice"),
    [
        ("zh", "服务暂时不可用", "请在 10 秒后再试"),
        ("en", "The service is unavailable for a moment", "try again in 10 seconds"),
    ],
)
@pytest.mark.parametrize("path", ["/", "/consultations/", "/open-days/1", "/meetings/"])
def test_a_page_is_503_with_retry_in_the_readers_language(
    lost_app: Flask, path: str, language: str, title: str, advice: str
) -> None:
    client = lost_app.test_client()
    if language == "en":
        english(client)
    response = client.get(path)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response.headers["Cache-Control"] == "no-store"
    html = page(response)
    assert html.h1.get_text(strip=True) == title
    assert advice in html.get_text(" ", strip=True)
    assert html.html["lang"] == ("en" if language == "en" else "zh-Hans")


@pytest.mark.parametrize(
    ("language", "not_saved", "button"),
    [
        ("zh", "您提交的内容可能没有保存", "再次提交同一表单"),
        ("en", "What you sent may not have been saved", "Send the same form again"),
    ],
)
def test_a_form_sent_then_is_not_saved_and_can_be_sent_again_as_typed(
    lost_app: Flask, language: str, not_saved: str, button: str
) -> None:
    client = lost_app.test_client()
    if language == "en":
        english(client)
    typed = {
        "body": "建议驿站 <周末> 也开放 & 延长时间",
        "name": "张三",
        "consent": "y",
        "submission_key": "k" * 22,
    }
    response = client.post(
        "/consultations/1/comments",
        data=typed,
        headers={"Referer": "http://localhost/consultations/1"},
    )
    assert response.status_code == 503
    assert response.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    html = page(response)
    assert not_saved in html.get_text(" ", strip=True)
    assert html.find("a", href="/consultations/1") is not None  # back to the form
    again = html.find("button", string=button).find_parent("form")
    assert again["method"] == "post" and again["action"] == "/consultations/1/comments"
    kept = {field["name"]: field["value"] for field in again.find_all("input", type="hidden")}
    assert kept == typed


def test_someone_signed_in_gets_the_same_page(lost_app: Flask) -> None:
    client = lost_app.test_client()
    browser = {"User-Agent": "Mozilla/5.0"}
    with lost_app.test_request_context(headers=browser, environ_base={"REMOTE_ADDR": "127.0.0.1"}):
        identifier = login_manager._session_identifier_generator()  # what a sign-in keeps
    with client.session_transaction() as session:
        session.update({"_user_id": "1:a-session-secret", "_id": identifier, "_fresh": True})
    response = client.get("/admin/", headers=browser)
    assert response.status_code == 503
    assert page(response).h1.get_text(strip=True) == "服务暂时不可用"


def test_open_data_answers_503_in_json(lost_app: Flask) -> None:
    response = lost_app.test_client().get("/api/v1/meetings")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response.json["error"] == 503


def test_an_error_of_ours_is_still_a_server_error(tmp_path: Path) -> None:
    """A database that answers, but without our tables: not a reason to try again."""
    app = create_app(config_for_tests(f"sqlite:///{tmp_path / 'empty.sqlite3'}", TESTING=False))
    response = app.test_client().get("/consultations/")
    assert response.status_code == 500
    assert "Retry-After" not in response.headers
    with app.app_context():
        db.engine.dispose()


def test_a_sqlite_file_locked_past_the_wait_is_unavailable_not_a_missing_table(
    tmp_path: Path,
) -> None:
    """What SQLite really says when another writer holds the file (as after its busy
    timeout) is "try again"; what it says about a missing table is not."""
    path = tmp_path / "locked.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    waiter = sqlite3.connect(path, timeout=0, isolation_level=None)
    with pytest.raises(sqlite3.OperationalError) as locked:
        waiter.execute("BEGIN IMMEDIATE")
    with pytest.raises(sqlite3.OperationalError) as missing:
        waiter.execute("SELECT * FROM no_such_table")
    holder.close()
    waiter.close()
    assert database_unavailable(locked.value)
    assert not database_unavailable(missing.value)


def test_a_password_is_never_put_back_and_only_keyed_forms_are_offered_again(
    lost_app: Flask,
) -> None:
    """Sending again is offered only where it stores once (a form with a submission key),
    and a password typed into a form never comes back in a page."""
    client = lost_app.test_client()
    signing_in = client.post("/login", data={"username": "wang", "password": "S3cret-pw!"})
    assert signing_in.status_code == 503
    assert b"S3cret-pw!" not in signing_in.data
    assert page(signing_in).find("button", string="再次提交同一表单") is None
    assert "可能没有保存" in page(signing_in).get_text()


@pytest.mark.parametrize(
    ("sqlstate", "unavailable"),
    [
        (None, True),  # the connection broke: no answer from the server at all
        ("08006", True),  # connection_failure
        ("57P01", True),  # admin_shutdown: the server is restarting
        ("57P03", True),  # cannot_connect_now: it is starting up
        ("53300", True),  # too_many_connections
        ("40P01", False),  # deadlock_detected: our fault to see, not to retry blindly
        ("57014", False),  # query_canceled (a statement timeout)
        ("53100", False),  # disk_full
    ],
)
def test_only_a_server_that_cannot_answer_is_unavailable(sqlstate, unavailable) -> None:
    import psycopg

    error = psycopg.errors.lookup(sqlstate)("x") if sqlstate else psycopg.OperationalError("x")
    assert database_unavailable(error) is unavailable
