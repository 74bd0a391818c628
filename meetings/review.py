"""Confidentiality review (保密审查): the one path by which anything becomes public.

A reviewable thing (a meeting announcement, a consultation, a decision, an open day)
mixes in `Reviewable`. Its state goes draft → submitted → approved (public), or back
to returned with a note. Public queries use `Model.public()`; nothing else may show
content to residents. Whoever changed the content cannot approve it: the audit log
says who that was.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Select, Text, and_, or_, select
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship, selectinload

from extensions import db, string_enum
from meetings.audit import AuditEntry, record_change, subject_type_of
from meetings.clock import UTCDateTime, utcnow
from meetings.staff.models import Permission

if TYPE_CHECKING:
    from meetings.staff.models import User


class ReviewState(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    RETURNED = "returned"

    @property
    def label(self) -> str:
        return str(REVIEW_STATE_LABELS[self])


REVIEW_STATE_LABELS = {
    ReviewState.DRAFT: _l("Draft"),
    ReviewState.SUBMITTED: _l("Awaiting review"),
    ReviewState.APPROVED: _l("Approved and public"),
    ReviewState.RETURNED: _l("Returned for changes"),
}

# kind (as used in staff addresses) -> model class; filled by `Reviewable` subclasses.
REVIEWABLE_KINDS: dict[str, type[Reviewable]] = {}


class ReviewRefused(ValueError):
    """The review step is not allowed; the message is for the person who tried."""


class Reviewable:
    """Mixin for content that must be approved before the public may see it."""

    review_kind: ClassVar[str]
    review_kind_label: ClassVar[Any]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "review_kind" in cls.__dict__:
            REVIEWABLE_KINDS[cls.review_kind] = cls

    review_state: Mapped[ReviewState] = mapped_column(
        string_enum(ReviewState),
        default=ReviewState.DRAFT,
        index=True,
    )
    review_note: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @declared_attr
    def author_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("users.id"))

    @declared_attr
    def reviewed_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("users.id"))

    @declared_attr
    def author(cls) -> Mapped[User]:
        return relationship(foreign_keys=[cls.author_id])

    @declared_attr
    def reviewed_by(cls) -> Mapped[User | None]:
        return relationship(foreign_keys=[cls.reviewed_by_id])

    @hybrid_property
    def is_public(self) -> bool:
        return self.review_state == ReviewState.APPROVED

    @property
    def is_editable(self) -> bool:
        return self.review_state in (ReviewState.DRAFT, ReviewState.RETURNED)

    @classmethod
    def public(cls) -> Select:
        """The only query public pages may start from."""
        return select(cls).where(cls.review_state == ReviewState.APPROVED)

    @property
    def review_title(self) -> str:
        raise NotImplementedError

    def staff_url(self) -> str:
        raise NotImplementedError

    def on_published(self, actor: User) -> None:
        """Called when approval makes the content public (e.g. bump a revision)."""

    def review_blockers(self) -> list[str]:
        """Reasons the content cannot go to review or be approved yet (empty when ready)."""
        return []

    def content_parts(self) -> list[object]:
        """Everything whose changes count as working on this content (for `contributors`)."""
        return [self]

    @classmethod
    def review_queue_options(cls) -> list[Any]:
        """Loader options so the review queue shows each item without a query per row."""
        return [selectinload(cls.author)]


def contributors(item: Reviewable) -> set[int]:
    """Ids of staff who changed the content or any of its parts, from the audit log."""
    parts = or_(
        *(
            and_(AuditEntry.subject_type == subject_type_of(part), AuditEntry.subject_id == part.id)
            for part in item.content_parts()
        )
    )
    rows = db.session.scalars(
        select(AuditEntry.actor_id).where(
            parts,
            AuditEntry.actor_id.is_not(None),
            AuditEntry.action.not_in(("review.approve", "review.return", "staff.login")),
        )
    )
    return set(rows) | {item.author_id}


def _refuse_if_not_ready(item: Reviewable) -> None:
    blockers = item.review_blockers()
    if blockers:
        raise ReviewRefused(" ".join(blockers))


def submit_for_review(item: Reviewable, *, actor: User) -> None:
    if not actor.can(Permission.EDIT):
        raise ReviewRefused(_("Your role cannot submit content for review."))
    if not item.is_editable:
        raise ReviewRefused(_("Only a draft or returned item can be submitted."))
    _refuse_if_not_ready(item)
    item.review_state = ReviewState.SUBMITTED
    item.submitted_at = utcnow()
    record_change(
        "review.submit",
        item,
        actor=actor,
        summary=f"Submitted for review: {item.review_title}",
        after={"review_state": item.review_state.value},
    )


def approve(item: Reviewable, *, actor: User) -> None:
    """Approve and publish. Refused to anyone who changed or submitted the content."""
    if not actor.can(Permission.REVIEW):
        raise ReviewRefused(_("Your role cannot approve content."))
    if item.review_state != ReviewState.SUBMITTED:
        raise ReviewRefused(_("Only content awaiting review can be approved."))
    if actor.id in contributors(item):
        raise ReviewRefused(_("You worked on this content, so another reviewer must approve it."))
    _refuse_if_not_ready(item)
    item.review_state = ReviewState.APPROVED
    item.reviewed_by = actor
    item.review_note = None
    item.published_at = utcnow()
    item.on_published(actor)
    record_change(
        "review.approve",
        item,
        actor=actor,
        summary=f"Approved and published: {item.review_title}",
        before={"review_state": ReviewState.SUBMITTED.value},
        after={"review_state": item.review_state.value},
    )


def return_for_changes(item: Reviewable, note: str, *, actor: User) -> None:
    if not actor.can(Permission.REVIEW):
        raise ReviewRefused(_("Your role cannot review content."))
    if item.review_state != ReviewState.SUBMITTED:
        raise ReviewRefused(_("Only content awaiting review can be returned."))
    if not note.strip():
        raise ReviewRefused(_("Say what needs to change."))
    item.review_state = ReviewState.RETURNED
    item.reviewed_by = actor
    item.review_note = note.strip()
    record_change(
        "review.return",
        item,
        actor=actor,
        summary=f"Returned for changes: {item.review_title}",
        before={"review_state": ReviewState.SUBMITTED.value},
        after={"review_state": item.review_state.value, "note": item.review_note},
    )


def awaiting_review() -> list[Reviewable]:
    """Everything submitted, oldest first, across every reviewable kind."""
    items: list[Reviewable] = []
    for model in REVIEWABLE_KINDS.values():
        items.extend(
            db.session.scalars(
                select(model)
                .where(model.review_state == ReviewState.SUBMITTED)
                .options(*model.review_queue_options())
            )
        )
    return sorted(items, key=lambda item: item.submitted_at or utcnow())
