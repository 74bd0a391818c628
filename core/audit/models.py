"""The audit log: who changed what, when, with a short before and after.

Every operation calls `record_change` after it has changed its objects; the row is
written in the same transaction, so a change and its audit entry land together.

An entry keeps codes and content, never sentences: the action (`meeting.update`), the
subject's type and id, its title as the office wrote it (`summary`), and before/after
snapshots of fields by name. The log page puts them into the reader's language with the
words the features register (`core.audit.vocabulary`).
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, String, inspect
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.clock import UTCDateTime, utcnow
from extensions import db

if TYPE_CHECKING:
    from core.accounts.models import User


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"
    shows_publicly = False  # staff only: its rows change no public page

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # Kept as text too, so the entry still reads right after the account is renamed.
    actor_name: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(64), index=True)
    subject_type: Mapped[str] = mapped_column(String(64), index=True)
    subject_id: Mapped[int | None] = mapped_column(index=True)
    # The subject's title (content, in no particular language); the page puts the
    # action's label before it. Rows from before 0004 had English sentences here.
    summary: Mapped[str] = mapped_column(String(300))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])


SYSTEM_ACTOR_NAME = "system"


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def snapshot(obj: object, *fields: str) -> dict[str, Any]:
    """The named attributes of `obj` as JSON-ready values, for before/after columns."""
    return {field: _plain(getattr(obj, field)) for field in fields}


def subject_type_of(subject: object) -> str:
    return inspect(subject).mapper.class_.__name__


def record_change(
    action: str,
    subject: object,
    *,
    actor: User | None,
    summary: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add an audit row for a change the caller has just made (flushes to get ids).

    `action` is a code a feature labels in its audit vocabulary; `summary` is the
    subject's title as written (`meeting.title`, `"会议 · 议题"` when two names are needed),
    never a sentence: the page says what happened in the reader's language.
    """
    if inspect(subject).identity is None:
        db.session.flush()
    entry = AuditEntry(
        actor=actor,
        actor_name=actor.display_name if actor is not None else SYSTEM_ACTOR_NAME,
        action=action,
        subject_type=subject_type_of(subject),
        subject_id=getattr(subject, "id", None),
        summary=summary[:300],
        before=before,
        after=after,
    )
    db.session.add(entry)
    return entry
