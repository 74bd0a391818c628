"""When the database cannot be reached (its server restarting, the network to it cut, a
SQLite file locked past its busy timeout), every page answers 503 with a page in the
reader's language that says so and when to try again (`Retry-After`): never a server
error. A form sent at that moment may not have been stored; the page says so and leads
back to the form (the browser keeps what was typed); a resident's form with a submission
key (stored once however often it arrives) is offered to be sent again from the page.

The page is built without the database: no signed-in person is loaded for it and the
layout reads only the request, the session cookie and the configuration. A connection
lost after the answer was ready (while the request's session ends) does not turn that
answer into a server error either.
"""

from __future__ import annotations

import sqlite3

from flask import Flask, Response, current_app, g, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from flask_login import AnonymousUserMixin
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from core.errors import came_from
from extensions import db

try:  # the PostgreSQL driver, when installed
    import psycopg
except ImportError:  # pragma: no cover - requirements.txt installs it
    psycopg = None

RETRY_AFTER_SECONDS = 10
# PostgreSQL's SQLSTATEs for a server going down or not taking connections yet (besides
# class 08, connection exceptions): admin_shutdown, crash_shutdown, cannot_connect_now,
# too_many_connections.
POSTGRES_NOT_NOW = {"57P01", "57P02", "57P03", "53300"}
# What SQLite says when its file is held by another writer past the busy timeout, or
# cannot be opened at all; its other OperationalErrors (no such table) are our bugs.
SQLITE_UNAVAILABLE = ("database is locked", "database is busy", "unable to open database file")
# A form with more fields than this is not offered to send again as it was (no public
# form comes near it); its sender goes back to it instead.
MAX_FIELDS_TO_SEND_AGAIN = 60
# The field of the residents' forms that makes sending twice store once.
SUBMISSION_KEY = "submission_key"


def database_unavailable(error: BaseException) -> bool:
    """The database could not be reached or did not answer in time: worth trying again."""
    if isinstance(error, PoolTimeoutError):  # every pooled connection busy past the wait
        return True
    if isinstance(error, DBAPIError):
        if error.connection_invalidated:
            return True
        if not isinstance(error, OperationalError | InterfaceError):
            return False
        error = error.orig
    if psycopg is not None and isinstance(error, psycopg.InterfaceError):
        return True  # the connection is closed
    if psycopg is not None and isinstance(error, psycopg.OperationalError):
        # No SQLSTATE: the connection failed or broke. Otherwise only the server's own
        # words for "not now" count; a deadlock, a timeout or a full disk is a fault to
        # see (500 and its traceback), not a reason to send the reader away.
        state = getattr(error, "sqlstate", None)
        return state is None or state.startswith("08") or state in POSTGRES_NOT_NOW
    if isinstance(error, sqlite3.OperationalError):
        return any(message in str(error) for message in SQLITE_UNAVAILABLE)
    return False


def _psycopg_errors() -> tuple[type[BaseException], ...]:
    return (psycopg.OperationalError, psycopg.InterfaceError) if psycopg is not None else ()


def answer_unavailable(error: Exception) -> Response:
    """503 with the retry page for an unreachable database; any other error goes on to
    the server-error page (raised again)."""
    if not database_unavailable(error):
        raise error
    try:
        db.session.rollback()  # nothing of this request's work is kept
    except Exception:  # noqa: BLE001  (the connection is gone already: nothing to undo)
        current_app.logger.debug("Rollback after a lost database failed", exc_info=True)
    current_app.logger.warning(
        "Database unavailable (%s %s): answered 503",
        request.method,
        request.path,
        exc_info=error,
    )
    # The layout asks who is signed in; loading them would ask the database again.
    if "_login_user" not in g:
        g._login_user = AnonymousUserMixin()
    response = _unavailable_page()
    response.status_code = 503
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


def _unavailable_page() -> Response:
    title = _("The service is unavailable for a moment")
    if request.accept_mimetypes.best == "application/json" or request.path.startswith("/api/"):
        return jsonify(error=503, message=title, retry_after=RETRY_AFTER_SECONDS)
    sent = request.method == "POST"
    return make_response(
        render_template(
            "errors/unavailable.html",
            title=title,
            sent=sent,
            back=came_from(),
            send_again=_fields_to_send_again() if sent else None,
            retry_after=RETRY_AFTER_SECONDS,
        )
    )


def _fields_to_send_again() -> list[tuple[str, str]] | None:
    """What the form held, to send once more from this page; None unless that is safe and
    faithful: only a form with a submission key (a comment, a registration, an
    application), which is stored once however often it arrives, without a file (a page
    cannot hold one), and never a password put back into a page."""
    if (
        SUBMISSION_KEY not in request.form
        or request.files
        or len(request.form) > MAX_FIELDS_TO_SEND_AGAIN
    ):
        return None
    return [
        (name, value)
        for name in request.form
        if "password" not in name.lower()
        for value in request.form.getlist(name)
    ]


def end_session_whatever_the_database(_error: BaseException | None) -> None:
    """End the request's database session, as Flask-SQLAlchemy does right after, but
    without failing when the connection went away after the answer was ready (its
    ROLLBACK cannot reach the server): the answer, perhaps a receipt for what was
    committed, still goes out instead of a server error."""
    try:
        db.session.remove()
    except Exception as error:
        if not database_unavailable(error):
            raise
        current_app.logger.warning("Database connection lost at the end of a request")
        db.session.remove()  # the lost connection is discarded now: nothing left to undo


def register(app: Flask) -> None:
    for error_class in (OperationalError, InterfaceError, PoolTimeoutError, *_psycopg_errors()):
        app.register_error_handler(error_class, answer_unavailable)
    # Registered after Flask-SQLAlchemy's own, so it runs first (teardowns run in reverse).
    app.teardown_appcontext(end_session_whatever_the_database)
