"""Sitting in (列席): the people the office invites (`Person`, the directory), their
invitations to a meeting (`Invitation`, answered at a private link), the places per
category the meeting offers (`Quota`), residents' applications to a meeting's public call
(`Application`) and the public draw among eligible applicants (`SitInDraw`).

An invitation's private link and a person's private calendar feed are stored only as
hashes (`core.private_links`); the tokens are derived from seeds under the app's key.
"""

from __future__ import annotations

from datetime import datetime

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.clock import UTCDateTime, to_office_time, utcnow
from core.labels import LabelledEnum
from core.outbox import OutgoingMail
from core.private_links import link_token, new_link_seed, token_hash
from extensions import db, string_enum
from meetings.models import Meeting

APPLICATION_PREFIX = "LX"
MAX_NOTE_LENGTH = 500  # an invitee's note with their answer


class Category(LabelledEnum):
    DEPUTY = "deputy", _l("People's congress deputy")
    CPPCC = "cppcc", _l("CPPCC member")
    EXPERT = "expert", _l("Expert")
    RESIDENT = "resident", _l("Resident representative")
    MEDIA = "media", _l("Media")
    OTHER = "other", _l("Other")


# Whose name and title the public list of who sat in shows in every case: they sit in
# because of a public office or profession. Others are named only with their consent.
NAMED_PUBLICLY = (Category.DEPUTY, Category.CPPCC, Category.EXPERT, Category.MEDIA)


class InvitationStatus(LabelledEnum):
    INVITED = "invited", _l("No answer yet")
    ACCEPTED = "accepted", _l("Accepted")
    DECLINED = "declined", _l("Declined")
    WITHDRAWN = "withdrawn", _l("Withdrawn by the office")


# Who holds one of the meeting's places for their category (`Quota`).
HOLDS_A_PLACE = (InvitationStatus.INVITED, InvitationStatus.ACCEPTED)


class Attendance(LabelledEnum):
    PRESENT = "present", _l("Sat in")
    ABSENT = "absent", _l("Did not come")


class Person(db.Model):
    """Someone the office may invite. Contact details are personal data: shown in full to
    those who prepare invitations, purged on the residents' retention rule."""

    __tablename__ = "sit_in_people"
    shows_publicly = False  # the public sees who sat in through invitations

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str | None] = mapped_column(String(100))  # None once purged
    category: Mapped[Category] = mapped_column(string_enum(Category), index=True)
    organisation: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(100))
    community: Mapped[str | None] = mapped_column(String(100))  # 社区 (residents)
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(20))
    notes: Mapped[str | None] = mapped_column(Text)
    # Tags as typed, kept as ",tag,tag," so one tag is found with LIKE '%,tag,%'.
    tags: Mapped[str] = mapped_column(String(500), default=",")
    locale: Mapped[str] = mapped_column(String(10), default="zh")  # messages' language
    # The private calendar of all their invitations: only its token's hash is stored.
    feed_seed: Mapped[str] = mapped_column(String(32))
    feed_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    invitations: Mapped[list[Invitation]] = relationship(
        back_populates="person", order_by="Invitation.id.desc()"
    )

    @classmethod
    def new(cls, **fields: object) -> Person:
        """A person with their private feed's seed and its token's hash."""
        person = cls(**fields)
        person.feed_seed = new_link_seed()
        person.feed_token_hash = token_hash(person.feed_token)
        return person

    @property
    def tag_list(self) -> list[str]:
        return [tag for tag in self.tags.split(",") if tag]

    @property
    def feed_token(self) -> str:
        return link_token("invitee-feed", self.feed_seed)

    @property
    def display_name(self) -> str:
        return self.name or "—"

    def staff_url(self) -> str:
        return url_for("sit_in_staff.person", person_id=self.id)


def tags_value(tags: list[str]) -> str:
    """Tags as stored: trimmed, without commas, each once, in the order given."""
    clean: list[str] = []
    for tag in tags:
        tag = tag.replace(",", " ").replace("，", " ").strip()
        if tag and tag not in clean:
            clean.append(tag)
    return "," + "".join(f"{tag}," for tag in clean)


class Quota(db.Model):
    """How many people of a category the meeting takes (e.g. 3 deputies, 6 residents)."""

    __tablename__ = "sit_in_quotas"
    shows_publicly = False

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), primary_key=True)
    category: Mapped[Category] = mapped_column(string_enum(Category), primary_key=True)
    places: Mapped[int]


class Invitation(db.Model):
    """One person invited to sit in on one meeting. Only attendance, once the meeting is
    held, is public (the meeting's list of who sat in): the operation that marks it says
    so (`bump_public_version`); answers and mail change no public page."""

    __tablename__ = "sit_in_invitations"
    shows_publicly = False
    __table_args__ = (
        UniqueConstraint("meeting_id", "person_id", name="uq_sit_in_invitations_once"),
        Index("ix_sit_in_invitations_meeting_status", "meeting_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("sit_in_people.id"), index=True)
    # The person's category when invited: the quota it counts against.
    category: Mapped[Category] = mapped_column(string_enum(Category))
    status: Mapped[InvitationStatus] = mapped_column(
        string_enum(InvitationStatus), default=InvitationStatus.INVITED
    )
    answer_note: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Residents choose whether the public list names them (otherwise: their community).
    name_public: Mapped[bool] = mapped_column(default=False)
    link_seed: Mapped[str] = mapped_column(String(32))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The SEQUENCE of the last calendar message sent for it (REQUEST or CANCEL).
    sequence_sent: Mapped[int] = mapped_column(default=0)
    # The last invitation mail (sent, failed or waiting): its state is shown to staff.
    mail_id: Mapped[int | None] = mapped_column(ForeignKey("outgoing_mail.id"))
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attendance: Mapped[Attendance | None] = mapped_column(string_enum(Attendance))
    attendance_marked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    substitute_for_id: Mapped[int | None] = mapped_column(ForeignKey("sit_in_invitations.id"))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdraw_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    meeting: Mapped[Meeting] = relationship(lazy="joined", innerjoin=True)
    person: Mapped[Person] = relationship(
        back_populates="invitations", lazy="joined", innerjoin=True
    )
    mail: Mapped[OutgoingMail | None] = relationship()
    substitute_for: Mapped[Invitation | None] = relationship(remote_side=[id])

    @property
    def token(self) -> str:
        return link_token("invitation", self.link_seed)

    @property
    def holds_a_place(self) -> bool:
        return self.status in HOLDS_A_PLACE

    def may_answer_at(self, now: datetime) -> bool:
        """Until the meeting starts, unless withdrawn or the meeting is cancelled."""
        return (
            self.status in (InvitationStatus.INVITED, *ANSWERS)
            and self.meeting.cancelled_at is None
            and now < self.meeting.starts_at
        )


ANSWERS = (InvitationStatus.ACCEPTED, InvitationStatus.DECLINED)


class ApplicationStatus(LabelledEnum):
    APPLIED = "applied", _l("Waiting for the eligibility check")
    ELIGIBLE = "eligible", _l("Eligible")
    INELIGIBLE = "ineligible", _l("Not eligible")
    SELECTED = "selected", _l("Selected: invited to sit in")
    NOT_SELECTED = "not_selected", _l("Not selected")


class Application(db.Model):
    """A resident's application to sit in on a meeting, from its public call."""

    __tablename__ = "sit_in_applications"
    __table_args__ = (
        UniqueConstraint("meeting_id", "phone", name="uq_sit_in_applications_one_per_phone"),
        Index("ix_sit_in_applications_meeting_status", "meeting_id", "status"),
    )
    shows_publicly = False  # the draw page shows it through `SitInDraw`

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"))
    status: Mapped[ApplicationStatus] = mapped_column(
        string_enum(ApplicationStatus), default=ApplicationStatus.APPLIED
    )
    # Personal data, emptied by the purge after the meeting (anonymous counts stay).
    name: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(254))
    community: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str | None] = mapped_column(Text)
    name_public: Mapped[bool] = mapped_column(default=False)
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    locale: Mapped[str] = mapped_column(String(10), default="zh")
    # The form it came from: the same form sent again is this application, not a second.
    submission_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    eligibility_reason: Mapped[str | None] = mapped_column(Text)
    eligibility_marked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    draw_rank: Mapped[int | None]
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("sit_in_invitations.id"))
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    meeting: Mapped[Meeting] = relationship(lazy="joined", innerjoin=True)

    @property
    def reference(self) -> str:
        """LX-<office year of the meeting>-<row id>: the draw lists entries by it."""
        year = to_office_time(self.meeting.starts_at).year
        return f"{APPLICATION_PREFIX}-{year}-{self.id:06d}"


class SitInDraw(db.Model):
    """The draw among a meeting's eligible applicants: its seed and entries are fixed and
    published before it runs; the ranking follows from them alone (`core.draw`)."""

    __tablename__ = "sit_in_draws"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), primary_key=True)
    places: Mapped[int]
    seed: Mapped[str] = mapped_column(String(64))
    entries: Mapped[str] = mapped_column(Text)  # the references, one per line, as published
    seed_published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    drawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    meeting: Mapped[Meeting] = relationship()

    @property
    def entry_list(self) -> list[str]:
        return [line for line in self.entries.splitlines() if line]
