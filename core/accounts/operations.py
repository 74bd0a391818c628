"""Changes to staff accounts. Each one flushes, writes the audit log and never commits."""

from __future__ import annotations

from functools import cache

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from core.accounts.models import MIN_PASSWORD_LENGTH, EndReason, Role, User
from core.accounts.sessions import end_all_sessions, end_session, start_session
from core.audit import record_change, snapshot
from core.clock import utcnow
from core.rules import RuleBroken
from extensions import db

ACCOUNT_FIELDS = ("username", "display_name", "email", "role", "disabled_at")


def account_title(user: User) -> str:
    """How the audit log names an account: the person, then the name they sign in with."""
    return f"{user.display_name} ({user.username})"


def find_user(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == username.strip().lower()))


@cache
def _stand_in_hash(method: str) -> str:
    return generate_password_hash("no such account", method=method)


def authenticate(username: str, password: str) -> User | None:
    """The active account with this name and password, or None. An unknown or disabled name
    costs the same password check as a real one, so the time taken tells nothing."""
    user = find_user(username)
    if user is None:
        User(
            password_hash=_stand_in_hash(current_app.config["PASSWORD_HASH_METHOD"])
        ).check_password(password)
        return None
    if not user.check_password(password) or not user.is_active:
        return None
    return user


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise RuleBroken(
            _("Passwords need at least %(count)d characters.", count=MIN_PASSWORD_LENGTH),
            "password",
        )


def _active_admin_count() -> int:
    return db.session.scalar(
        select(func.count(User.id)).where(User.role == Role.ADMIN, User.disabled_at.is_(None))
    )


def _ensure_an_admin_remains(user: User) -> None:
    if user.role == Role.ADMIN and user.is_active and _active_admin_count() <= 1:
        raise RuleBroken(
            _("This is the last active administrator; appoint another one first."), "role"
        )


def create_user(
    *,
    username: str,
    display_name: str,
    role: Role,
    password: str,
    email: str | None = None,
    actor: User | None,
) -> User:
    username = username.strip().lower()
    if find_user(username) is not None:
        raise RuleBroken(_("The user name %(name)s is already taken.", name=username), "username")
    check_password_rules(password)
    user = User(username=username, display_name=display_name.strip(), role=role, email=email)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    record_change(
        "staff.create",
        user,
        actor=actor,
        summary=account_title(user),
        after=snapshot(user, *ACCOUNT_FIELDS),
    )
    return user


def update_user(
    user: User, *, display_name: str, email: str | None, role: Role, actor: User | None
) -> None:
    before = snapshot(user, *ACCOUNT_FIELDS)
    if role != user.role:
        _ensure_an_admin_remains(user)
    user.display_name = display_name.strip()
    user.email = email or None
    user.role = role
    record_change(
        "staff.update",
        user,
        actor=actor,
        summary=account_title(user),
        before=before,
        after=snapshot(user, *ACCOUNT_FIELDS),
    )


def set_role(user: User, role: Role, *, actor: User | None) -> None:
    update_user(user, display_name=user.display_name, email=user.email, role=role, actor=actor)


def disable_user(user: User, *, actor: User | None) -> None:
    """Disable the account and end all of its sessions at once."""
    if not user.is_active:
        return
    if actor is not None and actor.id == user.id:
        raise RuleBroken(_("You cannot disable your own account."))
    _ensure_an_admin_remains(user)
    before = snapshot(user, *ACCOUNT_FIELDS)
    user.disabled_at = utcnow()
    end_all_sessions(user)
    record_change(
        "staff.disable",
        user,
        actor=actor,
        summary=account_title(user),
        before=before,
        after=snapshot(user, *ACCOUNT_FIELDS),
    )


def enable_user(user: User, *, actor: User | None) -> None:
    if user.is_active:
        return
    before = snapshot(user, *ACCOUNT_FIELDS)
    user.disabled_at = None
    record_change(
        "staff.enable",
        user,
        actor=actor,
        summary=account_title(user),
        before=before,
        after=snapshot(user, *ACCOUNT_FIELDS),
    )


def reset_password(user: User, password: str, *, actor: User | None) -> None:
    """Set a new password; every existing session of the account ends."""
    check_password_rules(password)
    user.set_password(password)
    end_all_sessions(user)
    record_change("staff.reset_password", user, actor=actor, summary=account_title(user))


def record_login(user: User) -> None:
    """A new sign-in session for `user` (its secret is set on `user` for the cookie)."""
    user.last_login_at = utcnow()
    start_session(user)
    record_change("staff.login", user, actor=user, summary=account_title(user))


def record_logout(user: User, session_secret: str | None) -> None:
    """End this sign-in on the server: a copy of the cookie opens nothing afterwards."""
    end_session(session_secret, EndReason.SIGNED_OUT)
    if getattr(user, "is_authenticated", False):
        record_change("staff.logout", user, actor=user, summary=account_title(user))
