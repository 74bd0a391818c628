"""Staff sign-in sessions, kept on the server (OWASP ASVS 5.0, chapter 7).

The cookie holds `user id:session secret`; the server keeps the secret's digest with the
moment the session started and was last used. A session ends, whatever the cookie says,
when its person signs out, after `SESSION_IDLE_MINUTES` without a request, at
`SESSION_MAX_HOURS` after sign-in, or when the account is disabled or its password reset.
Typing in a staff form keeps it alive (`static/js/staff.js` asks `keepalive` now and then).

Readers who never signed in have no session row and cost nothing here.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Flask, current_app, g, session
from flask_login import current_user
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from core.accounts.models import EndReason, StaffSession, User, new_secret_token, token_digest
from core.clock import utcnow
from core.runner import attempt
from extensions import db, writes_first

# How often last use is written down, at most: the idle limit is kept to within this.
TOUCH_AT_MOST_EVERY = timedelta(minutes=1)
# Work sent after the sign-in lapsed (idle or lifetime) can still be kept for this long.
RECOVERABLE_FOR = timedelta(hours=12)


def idle_limit() -> timedelta:
    return timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])


def touch_every() -> timedelta:
    return min(TOUCH_AT_MOST_EVERY, idle_limit() / 4)


def keepalive_every() -> timedelta:
    """How often a page where someone types asks to stay signed in."""
    return min(timedelta(minutes=2), idle_limit() / 3)


def lifetime_limit() -> timedelta:
    return timedelta(hours=current_app.config["SESSION_MAX_HOURS"])


def start_session(user: User) -> StaffSession:
    """A new session for `user`, signed in just now; the secret goes into the cookie."""
    secret = new_secret_token()
    staff_session = StaffSession(user=user, secret_digest=token_digest(secret))
    db.session.add(staff_session)
    db.session.flush()
    user.session_secret = secret
    return staff_session


def end_session(secret: str | None, reason: EndReason) -> None:
    """End the session with this secret (signing out); nothing when there is none."""
    if not secret:
        return
    db.session.execute(
        update(StaffSession)
        .where(StaffSession.secret_digest == token_digest(secret), StaffSession.ended_at.is_(None))
        .values(ended_at=utcnow(), end_reason=reason.value)
    )


def end_all_sessions(user: User, reason: EndReason = EndReason.ACCOUNT_CHANGED) -> None:
    """End every session of the account at once (disabled, password reset)."""
    db.session.execute(
        update(StaffSession)
        .where(StaffSession.user_id == user.id, StaffSession.ended_at.is_(None))
        .values(ended_at=utcnow(), end_reason=reason.value)
    )


def lapse_reason(staff_session: StaffSession, now: datetime) -> EndReason | None:
    """Why a session still open in the database has run out by now, if it has."""
    if now - staff_session.started_at >= lifetime_limit():
        return EndReason.LIFETIME
    if now - staff_session.last_seen_at >= idle_limit():
        return EndReason.IDLE
    return None


def load_user(cookie_value: str) -> User | None:
    """Flask-Login's loader: the signed-in person, or None when the session has ended.

    It only reads; what must be written (last use, or the end of a lapsed session) is noted
    in `g` for `settle_session`, which runs before the view in a transaction of its own.
    """
    raw_id, _, secret = cookie_value.partition(":")
    if not raw_id.isdigit() or not secret:
        return None
    staff_session = db.session.scalar(
        select(StaffSession)
        .where(StaffSession.secret_digest == token_digest(secret))
        .options(joinedload(StaffSession.user))
    )
    if staff_session is None or staff_session.user_id != int(raw_id):
        return None
    user, now = staff_session.user, utcnow()
    if staff_session.ended_at is not None:
        lapsed = staff_session.end_reason in (EndReason.IDLE, EndReason.LIFETIME)
        if lapsed and now - staff_session.ended_at < RECOVERABLE_FOR and user.is_active:
            g.lapsed_user_id = user.id
        return None
    if not user.is_active:
        g.session_to_end = (staff_session.id, EndReason.ACCOUNT_CHANGED)
        return None
    if reason := lapse_reason(staff_session, now):
        g.session_to_end = (staff_session.id, reason)
        g.lapsed_user_id = user.id
        return None
    if now - staff_session.last_seen_at >= touch_every():
        g.session_to_touch = staff_session.id
    user.session_secret = secret
    return user


def _write(session_id: int, **values: object) -> None:
    db.session.execute(update(StaffSession).where(StaffSession.id == session_id).values(**values))


def settle_session() -> None:
    """Before every request of someone who signed in: load them, then record the session's
    use or its end in a short transaction that starts with the write (so SQLite never has
    to upgrade a read lock), before the view reads anything."""
    if "_user_id" not in session:
        return
    current_user._get_current_object()  # runs `load_user`
    to_end, to_touch = g.pop("session_to_end", None), g.pop("session_to_touch", None)
    if to_end is None and to_touch is None:
        return
    db.session.rollback()  # ends the loader's read; nothing else has happened yet
    now = utcnow()
    with writes_first():
        if to_end is not None:
            session_id, reason = to_end
            attempt(lambda: _write(session_id, ended_at=now, end_reason=reason.value))
        else:
            attempt(lambda: _write(to_touch, last_seen_at=now))


def register(app: Flask) -> None:
    app.before_request(settle_session)
    app.jinja_env.globals["keepalive_every_ms"] = lambda: int(
        keepalive_every().total_seconds() * 1000
    )
