"""Organising bodies and their meetings."""

from __future__ import annotations

import enum
from datetime import datetime

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import Enum, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from meetings.clock import UTCDateTime, utcnow
from meetings.review import Reviewable


class BodyLevel(enum.StrEnum):
    DISTRICT = "district"
    DEPARTMENT = "department"
    STREET = "street"

    @property
    def label(self) -> str:
        return str(BODY_LEVEL_LABELS[self])


BODY_LEVEL_LABELS = {
    BodyLevel.DISTRICT: _l("District"),
    BodyLevel.DEPARTMENT: _l("Department"),
    BodyLevel.STREET: _l("Street office"),
}


def _enum_column(enum_class: type[enum.Enum]) -> Enum:
    return Enum(
        enum_class,
        native_enum=False,
        length=16,
        values_callable=lambda members: [member.value for member in members],
    )


class Body(db.Model):
    """An organising body: the district executive meeting, a department, a street office."""

    __tablename__ = "bodies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[BodyLevel] = mapped_column(_enum_column(BodyLevel))
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    default_venue: Mapped[str | None] = mapped_column(String(200))

    def __repr__(self) -> str:
        return f"<Body {self.slug}>"


class Meeting(Reviewable, db.Model):
    __tablename__ = "meetings"
    review_kind = "meeting"
    review_kind_label = _l("Meeting announcement")

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    venue: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)
    # Every public change increments it; calendar feeds use it as SEQUENCE.
    revision: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    body: Mapped[Body] = relationship(lazy="joined")

    @property
    def review_title(self) -> str:
        return self.title

    def staff_url(self) -> str:
        return url_for("meetings.staff_meeting", meeting_id=self.id)

    def on_published(self, actor: object) -> None:
        self.revision += 1
