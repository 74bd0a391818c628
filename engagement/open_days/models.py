"""Government open days (政府开放日): the day with its itinerary, the residents'
registrations, and what attendees said afterwards.

Places are counted in the open day's own row (`taken`), changed only by a conditional
UPDATE inside the registering transaction and held under a CHECK, so the capacity is kept
by the database whatever the number of workers; one registration per phone is a unique
constraint. A registration's private link is stored only as its hash.
"""

from __future__ import annotations

from datetime import datetime

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.clock import UTCDateTime, to_office_time, utcnow
from core.labels import LabelledEnum
from core.private_links import link_token as private_link_token
from core.review import ContentPart, Reviewable, ReviewState
from extensions import db, string_enum

CONFIRMATION_PREFIX = "KF"


class Mode(LabelledEnum):
    FIRST_COME = "first_come", _l("First come, with a waiting list")
    LOTTERY = "lottery", _l("Drawn by lot after registration closes")


class OpenDayState(LabelledEnum):
    DRAFT = "draft", _l("Not yet public")
    UPCOMING = "upcoming", _l("Registration opens soon")
    OPEN = "open", _l("Registration open")
    CLOSED = "closed", _l("Registration closed")
    DRAWN = "drawn", _l("Places drawn")
    HELD = "held", _l("Held")
    CANCELLED = "cancelled", _l("Cancelled")


class Status(LabelledEnum):
    CONFIRMED = "confirmed", _l("Confirmed")
    WAITLISTED = "waitlisted", _l("On the waiting list")
    APPLIED = "applied", _l("In the draw")
    SELECTED = "selected", _l("Selected in the draw")
    NOT_SELECTED = "not_selected", _l("Not selected; on the waiting list")
    CANCELLED = "cancelled", _l("Cancelled")
    ATTENDED = "attended", _l("Attended")
    NO_SHOW = "no_show", _l("Did not come")


# Who holds a place: counted in `OpenDay.taken`.
HOLDS_A_PLACE = (Status.CONFIRMED, Status.SELECTED, Status.ATTENDED, Status.NO_SHOW)
# Who waits for a place given back, in order (`Registration.waiting_order`).
WAITING = (Status.WAITLISTED, Status.NOT_SELECTED)
# Who may still cancel.
ACTIVE = (Status.CONFIRMED, Status.WAITLISTED, Status.APPLIED, Status.SELECTED, Status.NOT_SELECTED)


class Role(LabelledEnum):
    """Roles in the simulated executive meeting (模拟常务会议)."""

    DISTRICT_HEAD = "district_head", _l("District head (chairs the meeting)")
    DEPUTY_HEAD = "deputy_head", _l("Deputy district head")
    DEPARTMENT_HEAD = "department_head", _l("Department head")
    RECORDER = "recorder", _l("Recorder")


class OpenDay(Reviewable, db.Model):
    __tablename__ = "open_days"
    __table_args__ = (
        CheckConstraint("taken >= 0 AND taken <= capacity", name="places"),
        CheckConstraint("capacity > 0", name="capacity"),
        Index("ix_open_days_public_start", "review_state", "starts_at"),
    )
    review_kind = "open_day"
    review_kind_label = _l("Open day")

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)  # Markdown
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    meeting_point: Mapped[str] = mapped_column(String(300))
    capacity: Mapped[int]
    taken: Mapped[int] = mapped_column(default=0, server_default="0")
    registration_opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    registration_closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    mode: Mapped[Mode] = mapped_column(string_enum(Mode), default=Mode.FIRST_COME)
    eligibility: Mapped[str | None] = mapped_column(Text)
    id_required: Mapped[bool] = mapped_column(default=False)
    accessibility: Mapped[str | None] = mapped_column(Text)
    simulated_meeting: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Every public change increments it and sets `revised_at` (calendar SEQUENCE).
    revision: Mapped[int] = mapped_column(default=0, server_default="0")
    revised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    original_starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    postpone_reason: Mapped[str | None] = mapped_column(Text)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    # The lottery: the seed is fixed and published before the draw is run.
    draw_seed: Mapped[str | None] = mapped_column(String(64))
    draw_seed_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    drawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Personal data of its registrations removed (anonymous counts stay).
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    stops: Mapped[list[ItineraryStop]] = relationship(
        back_populates="open_day",
        order_by="ItineraryStop.position",
        cascade="all, delete-orphan",
    )

    @property
    def review_title(self) -> str:
        return self.title

    def staff_url(self) -> str:
        return url_for("open_day_staff.open_day", open_day_id=self.id)

    def public_url(self) -> str:
        return url_for("open_days.open_day_page", open_day_id=self.id)

    def content_parts(self) -> list[ContentPart]:
        from sqlalchemy import select

        return [
            (OpenDay, [self.id]),
            (ItineraryStop, select(ItineraryStop.id).where(ItineraryStop.open_day_id == self.id)),
        ]

    def review_blockers(self) -> list[str]:
        from flask_babel import gettext as _

        if not self.stops:
            return [_("An open day needs at least one stop on its itinerary.")]
        if self.registration_closes_at > self.starts_at:
            return [_("Registration must close before the open day starts.")]
        if self.starts_at <= utcnow():
            return [_("The open day has already started.")]
        return []

    def on_published(self, actor: object) -> None:
        if self.published_at is not None:
            self.revise(self.published_at)

    def revise(self, now: datetime) -> None:
        """A change the public sees: calendars replace their copy of the event."""
        self.revision += 1
        self.revised_at = now

    @property
    def stop_names(self) -> list[str]:
        """The stops' names in order (as staff type them, one per line)."""
        return [stop.name for stop in self.stops]

    @property
    def places_left(self) -> int:
        return max(self.capacity - self.taken, 0)

    @property
    def is_lottery(self) -> bool:
        return self.mode == Mode.LOTTERY

    def takes_registrations_at(self, now: datetime) -> bool:
        """From the opening second up to, not including, the closing second."""
        return (
            self.review_state == ReviewState.APPROVED
            and self.cancelled_at is None
            and self.registration_opens_at <= now < self.registration_closes_at
            and now < self.starts_at
        )

    def state_at(self, now: datetime) -> OpenDayState:
        if self.review_state != ReviewState.APPROVED:
            return OpenDayState.DRAFT
        return self.public_state_at(now)

    def public_state_at(self, now: datetime) -> OpenDayState:
        if self.cancelled_at is not None:
            return OpenDayState.CANCELLED
        if now >= self.starts_at:
            return OpenDayState.HELD
        if now < self.registration_opens_at:
            return OpenDayState.UPCOMING
        if now < self.registration_closes_at:
            return OpenDayState.OPEN
        if self.drawn_at is not None:
            return OpenDayState.DRAWN
        return OpenDayState.CLOSED

    @property
    def state(self) -> OpenDayState:
        return self.state_at(utcnow())

    @property
    def year(self) -> int:
        return to_office_time(self.starts_at).year


class ItineraryStop(db.Model):
    __tablename__ = "open_day_stops"

    id: Mapped[int] = mapped_column(primary_key=True)
    open_day_id: Mapped[int] = mapped_column(ForeignKey("open_days.id"), index=True)
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(200))

    open_day: Mapped[OpenDay] = relationship(back_populates="stops")


def link_token(seed: str) -> str:
    """The registration's private link (`core.private_links`)."""
    return private_link_token("open-day-registration", seed)


class Registration(db.Model):
    __tablename__ = "open_day_registrations"
    __table_args__ = (
        UniqueConstraint("open_day_id", "phone", name="uq_open_day_registrations_one_per_phone"),
        Index("ix_open_day_registrations_day_status", "open_day_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    open_day_id: Mapped[int] = mapped_column(ForeignKey("open_days.id"))
    status: Mapped[Status] = mapped_column(string_enum(Status))
    # Personal data, emptied by the purge after the open day (`purge_open_day`).
    name: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(254))
    id_number: Mapped[str | None] = mapped_column(String(18))
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The private link is derived from this seed and the app's secret key (`link_token`);
    # only its hash is looked up, so the table alone opens no one's page.
    link_seed: Mapped[str] = mapped_column(String(32))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    locale: Mapped[str] = mapped_column(String(10), default="zh")  # messages' language
    # The form it came from: the same form sent again is this registration, not a second.
    submission_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The lottery's order: 1 is drawn first. Waiting follows it, then arrival.
    draw_rank: Mapped[int | None]
    promoted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    link_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    feedback_invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    role: Mapped[Role | None] = mapped_column(string_enum(Role))

    open_day: Mapped[OpenDay] = relationship(lazy="joined", innerjoin=True)
    feedback: Mapped[VisitFeedback | None] = relationship(back_populates="registration")

    @property
    def token(self) -> str:
        return link_token(self.link_seed)

    @property
    def confirmation_code(self) -> str:
        """KF-<office year of the open day>-<row id>: unique because the row id is."""
        return f"{CONFIRMATION_PREFIX}-{self.open_day.year}-{self.id:06d}"

    @property
    def holds_a_place(self) -> bool:
        return self.status in HOLDS_A_PLACE

    @property
    def may_cancel(self) -> bool:
        return self.status in ACTIVE and utcnow() < self.open_day.starts_at

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)


class VisitFeedback(db.Model):
    """An attendee's answer to the short survey after the visit (anonymous once purged)."""

    __tablename__ = "open_day_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("open_day_registrations.id"), unique=True
    )
    open_day_id: Mapped[int] = mapped_column(ForeignKey("open_days.id"), index=True)
    satisfaction: Mapped[int]
    good: Mapped[str | None] = mapped_column(Text)
    suggestions: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    registration: Mapped[Registration] = relationship(back_populates="feedback")


def mask_phone(phone: str | None) -> str:
    """138****5678: enough for the person to recognise their own number."""
    if not phone:
        return ""
    return phone[:3] + "*" * max(len(phone) - 7, 1) + phone[-4:] if len(phone) > 7 else "****"


def mask_id_number(number: str | None) -> str:
    """110***********123X: the region and the last four, never the birth date."""
    if not number:
        return ""
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def mask_name(name: str | None) -> str:
    """张**: the first character only, and never how long the rest is."""
    if not name:
        return ""
    return name[0] + "**"
