"""Confidentiality review (保密审查): the one path by which anything becomes public.

A reviewable thing (a meeting announcement, a consultation, a decision, an open day)
mixes in `Reviewable`. Its state goes draft → submitted → approved (public), or back
to returned with a note. Public queries use `Model.public()`; nothing else may show
content to residents. Whoever changed the content cannot approve it: the audit log
says who that was.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Select, Text, select
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship, selectinload

from core.clock import UTCDateTime
from core.labels import LabelledEnum
from extensions import string_enum

if TYPE_CHECKING:
    from core.accounts.models import User


class ReviewState(LabelledEnum):
    DRAFT = "draft", _l("Draft")
    SUBMITTED = "submitted", _l("Awaiting review")
    APPROVED = "approved", _l("Approved and public")
    RETURNED = "returned", _l("Returned for changes")


# kind (as used in staff addresses) -> model class; filled by `Reviewable` subclasses.
REVIEWABLE_KINDS: dict[str, type[Reviewable]] = {}

# A kind of record and which of its rows: a few ids, or a SELECT of ids, so that checking
# who worked on the content is one query however many rows there are.
ContentPart = tuple[type, Sequence[int] | Select]


class Reviewable:
    """Mixin for content that must be approved before the public may see it."""

    review_kind: ClassVar[str]
    review_kind_label: ClassVar[Any]
    # A partial (given the item as `item`) that shows everything approving it makes public,
    # small enough for the review queue, which then offers approval there (changes to a
    # meeting). Kinds without one are approved on their own staff page, below the full
    # public preview; the queue links there.
    queue_preview: ClassVar[str | None] = None

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

    @property
    def audit_title(self) -> str:
        """The title the audit log keeps: content only, no translated words, so every
        reader sees the entry in their own language (the review title, unless it adds
        a label)."""
        return self.review_title

    def staff_url(self) -> str:
        raise NotImplementedError

    @property
    def preview_id(self) -> str:
        """The id of the region of its staff page that shows what the public will see."""
        return f"preview-{self.review_kind}-{self.id}"

    def preview_url(self) -> str:
        return self.staff_url().partition("#")[0] + "#" + self.preview_id

    def on_published(self, actor: User) -> None:
        """Called when approval makes the content public (e.g. bump a revision)."""

    def review_blockers(self) -> list[str]:
        """Reasons the content cannot go to review or be approved yet (empty when ready)."""
        return []

    def content_parts(self) -> list[ContentPart]:
        """The records whose changes count as working on this content (for `contributors`),
        by kind: `(Model, ids)` with `ids` a list or a SELECT of ids, never one entry per
        row, so the check costs the same for ten parts and twenty thousand."""
        return [(type(self), [self.id])]

    @classmethod
    def review_queue_options(cls) -> list[Any]:
        """Loader options so the review queue shows each item without a query per row."""
        return [selectinload(cls.author)]

    @classmethod
    def review_title_options(cls) -> list[Any]:
        """Loader options so a list of titles (the staff start page) reads each item's
        `review_title` and `staff_url` without a query per row: joins, since the list is
        limited. Kinds whose title comes from another record load it here."""
        return []
