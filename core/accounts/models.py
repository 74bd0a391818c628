"""The staff account and what each role may do."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column
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


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.EDITOR: frozenset({Permission.EDIT}),
    Role.REVIEWER: frozenset({Permission.REVIEW, Permission.VIEW_AUDIT}),
    Role.ADMIN: frozenset(Permission),
}


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(254))
    role: Mapped[Role] = mapped_column(string_enum(Role))
    password_hash: Mapped[str] = mapped_column(String(255))
    # Part of the login cookie: replacing it ends every session of this account.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.disabled_at is None

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    def set_password(self, password: str) -> None:
        method = current_app.config["PASSWORD_HASH_METHOD"]  # scrypt outside the tests
        self.password_hash = generate_password_hash(password, method=method)
        self.session_token = new_session_token()

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def can(self, permission: Permission) -> bool:
        return self.is_active and permission in ROLE_PERMISSIONS[self.role]

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role.value}>"
