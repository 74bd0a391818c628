"""Live updates (微直播): short posts while a meeting runs, public at once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.clock import UTCDateTime, utcnow
from extensions import db
from meetings.models.meetings import AgendaItem, Meeting


class LiveUpdate(db.Model):
    """A short post (微直播) while a meeting runs. Withdrawn posts leave the public page."""

    __tablename__ = "live_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_items.id"))
    text: Mapped[str] = mapped_column(String(1000))
    image_name: Mapped[str | None] = mapped_column(String(80))
    image_type: Mapped[str | None] = mapped_column(String(40))
    # What the photo shows, for people who cannot see it (its alt text). Photos posted
    # before the desk asked for it have none; the public page then says so in other words.
    image_alt: Mapped[str | None] = mapped_column(String(300))
    posted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    meeting: Mapped[Meeting] = relationship()
    agenda_item: Mapped[AgendaItem | None] = relationship()
