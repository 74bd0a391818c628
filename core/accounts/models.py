"""The staff account, what each role may do, and the sign-in sessions kept on the server."""

from __future__ import annotations

import enum
import hashlib
import secrets
from datetime import datetime
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from core.clock import UTCDateTime, utcnow
from core.labels import LabelledEnum
from extensions import db, string_enum

MIN_PASSWORD_LENGTH = 12


class Role(LabelledEnum):
    ADMIN = "admin", _l("Administrator")
    EDITOR = "editor", _l("Editor")
    REVIEWER = "reviewer", _l("Reviewer")


class Permission(enum.StrEnum):
    EDIT = "edit"  # prepare content and submit it for review
    REVIEW = "review"  # approve or return what others prepared
    MANAGE_STAFF = "manage_staff"
    MANAGE_BODIES = "manage_bodies"
    VIEW_AUDIT = "view_audit"
    VIEW_CONTACTS = "view_contacts"  # residents' phone numbers and email addresses
    # Open-day registrants in full (name, phone, email, ID number): those who run the day.
    VIEW_REGISTRANTS = "view_registrants"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.EDITOR: frozenset({Permission.EDIT, Permission.VIEW_REGISTRANTS}),
    Role.REVIEWER: frozenset({Permission.REVIEW, Permission.VIEW_AUDIT}),
    Role.ADMIN: frozenset(Permission),
}


def new_secret_token() -> str:
    """256 bits from `secrets`, URL-safe: for a sign-in session's cookie."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """What is stored of a secret token: its SHA-256, so a copy of the database opens no
    session."""
    return hashlib.sha256(token.encode()).hexdigest()


class User(UserMixin, db.Model):
    __tablename__ = "users"
    shows_publicly = False  # staff accounts appear on no public page

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(254))
    role: Mapped[Role] = mapped_column(string_enum(Role))
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.disabled_at is None

    # The secret of the sign-in session this request belongs to (set at sign-in and by the
    # loader); Flask-Login keeps what `get_id` returns in the session cookie.
    session_secret = None  # str, not stored

    def get_id(self) -> str:
        return f"{self.id}:{self.session_secret}"

    def set_password(self, password: str) -> None:
        method = current_app.config["PASSWORD_HASH_METHOD"]  # scrypt outside the tests
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def can(self, permission: Permission) -> bool:
        return self.is_active and permission in ROLE_PERMISSIONS[self.role]

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role.value}>"


class EndReason(enum.StrEnum):
    SIGNED_OUT = "signed_out"
    IDLE = "idle"
    LIFETIME = "lifetime"  # the absolute limit since sign-in
    ACCOUNT_CHANGED = "account_changed"  # disabled, or its password was reset


class StaffSession(db.Model):
    """One sign-in of a staff member, kept on the server: signing out, the idle limit, the
    absolute lifetime and disabling the account end it here, whatever the cookie says."""

    __tablename__ = "staff_sessions"
    shows_publicly = False  # nor do sign-ins

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    secret_digest: Mapped[str] = mapped_column(String(64), unique=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[str | None] = mapped_column(String(20))

    user: Mapped[User] = relationship()


class RecoveredForm(db.Model):
    """What a staff member sent after their sign-in had ended, kept to be filled back into
    the same form once they sign in again (never a password)."""

    __tablename__ = "recovered_forms"
    shows_publicly = False  # nor work kept after a sign-in lapsed

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    path: Mapped[str] = mapped_column(String(500))  # the page that shows the form
    fields: Mapped[list[Any]] = mapped_column(JSON)  # [[name, value], ...] as sent
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
