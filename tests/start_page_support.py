"""Building what the staff start page lists: some of everything (`build`), and in bulk
where the rows are many, comments waiting for moderation, invitations without an answer,
registrations, failed messages. The things themselves (meetings, consultations, open
days) come from the conftest factories, the features' operations and the preview cases."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import insert, select

from core import review
from core.accounts.models import Role
from core.clock import utcnow
from core.outbox import OutgoingMail, TextMessage
from core.private_links import token_hash
from engagement.consultations import operations as consultation_operations
from engagement.consultations.models import Comment, CommentStatus, Consultation
from engagement.open_days.models import HOLDS_A_PLACE, OpenDay, Registration, Status
from engagement.sitting_in.models import Category, Invitation, InvitationStatus, Person
from extensions import db
from meetings.models import AgendaItem, Meeting
from tests.test_preview import CASES, Factories

# The sections each role sees once `build` has filled them all.
EDITING = {"open-days-today", "mine", "decisions", "moderation", "closing", "invitations"}
EDITING |= {"open-days-filling"}
SEES = {
    Role.EDITOR: EDITING,
    Role.REVIEWER: {"review"},
    Role.ADMIN: EDITING | {"review", "outbox"},
}

# Kinds built many at a time (each test_preview case makes its own meeting, consultation or
# open day); tests/test_start_page.py reads every registered kind once.
BUILT_KINDS = (
    "consultation",
    "decision",
    "feedback_report",
    "meeting",
    "meeting_change",
    "meeting_summary",
    "open_day",
)


def start_page_factories(make_meeting, announce, reviewer, make_open_day, make_user) -> Factories:
    """The conftest factories as `build` and the preview cases use them, with consultations
    each on an item of their own."""
    return Factories(
        make_meeting=make_meeting,
        announce=announce,
        make_consultation=consultation_maker(make_meeting, announce, reviewer),
        make_open_day=make_open_day,
        make_user=make_user,
    )


def consultation_maker(make_meeting, announce, reviewer):
    """`make_consultation` of the conftest, each on a major item of a meeting of its own, so
    a test can make as many as it needs."""

    def make(*, approve: bool = True, **overrides: object) -> Consultation:
        meeting = announce(
            make_meeting(
                starts_at=utcnow() + timedelta(days=40),
                agenda=[
                    AgendaItem(position=1, title="关于养老服务驿站的意见", is_major_decision=True)
                ],
            )
        )
        now = utcnow()
        fields = {
            "title": f"养老服务驿站建设实施意见（征求意见稿）{meeting.id}",
            "draft_text": "每个社区一个驿站。",
            "explanation": "区民政局起草。",
            "other_channels": None,
            "opens_at": now - timedelta(minutes=1),
            "closes_at": now + timedelta(days=31),
            "short_period_reason": None,
            **overrides,
        }
        consultation = consultation_operations.open_consultation(
            meeting.agenda[0], actor=meeting.author, **fields
        )
        if approve:
            review.submit_for_review(consultation, actor=meeting.author)
            review.approve(consultation, actor=reviewer)
        db.session.commit()
        return consultation

    return make


def closing_in(make_consultation, days: float) -> Consultation:
    """A public consultation, open now, whose period ends `days` from now."""
    consultation = make_consultation()
    consultation.closes_at = utcnow() + timedelta(days=days)
    db.session.commit()
    return consultation


def add_comments(
    consultation: Consultation, count: int, status: CommentStatus = CommentStatus.RECEIVED
) -> None:
    """Comments in one statement, received a minute apart (the first the oldest)."""
    now = utcnow()
    first = db.session.scalar(select(db.func.count(Comment.id))) or 0
    db.session.execute(
        insert(Comment),
        [
            {
                "consultation_id": consultation.id,
                "receipt_number": f"ZJ-T-{first + number:08d}",
                "token": secrets.token_urlsafe(24),
                "body": f"意见{number}",
                "name": "居民",
                "status": status,
                "received_at": now - timedelta(minutes=count - number),
            }
            for number in range(count)
        ],
    )
    db.session.commit()


def add_invitations(
    meeting: Meeting, count: int, status: InvitationStatus = InvitationStatus.INVITED
) -> None:
    """`count` new people invited to the meeting, in two statements."""
    first = db.session.scalar(select(db.func.count(Person.id))) or 0
    seeds = [secrets.token_hex(16) for _ in range(count)]
    people = db.session.scalars(
        insert(Person).returning(Person.id),
        [
            {
                "name": f"代表{first + number}",
                "category": Category.DEPUTY,
                "phone": f"1390000{first + number:04d}",
                "tags": ",",
                "feed_seed": seed,
                "feed_token_hash": token_hash(seed + "feed"),
            }
            for number, seed in enumerate(seeds)
        ],
    ).all()
    db.session.execute(
        insert(Invitation),
        [
            {
                "meeting_id": meeting.id,
                "person_id": person_id,
                "category": Category.DEPUTY,
                "status": status,
                "link_seed": seed,
                "token_hash": token_hash(seed),
            }
            for person_id, seed in zip(people, seeds, strict=True)
        ],
    )
    db.session.commit()


def add_registrations(open_day: OpenDay, statuses: list[Status]) -> None:
    """Registrations in one statement, their places counted as `register` counts them."""
    first = db.session.scalar(select(db.func.count(Registration.id))) or 0
    db.session.execute(
        insert(Registration),
        [
            {
                "open_day_id": open_day.id,
                "status": status,
                "name": "王秀英",
                "phone": f"137{first + number:08d}",
                "link_seed": secrets.token_hex(16),
                "token_hash": secrets.token_hex(32),
                "checked_in_at": utcnow() if status == Status.ATTENDED else None,
            }
            for number, status in enumerate(statuses)
        ],
    )
    open_day.taken += sum(status in HOLDS_A_PLACE for status in statuses)
    db.session.commit()


def add_failed_messages(count: int) -> None:
    """`count` mails and `count` text messages that were tried and refused."""
    db.session.execute(
        insert(OutgoingMail),
        [
            {
                "recipient": f"deputy{number}@example.cn",
                "subject": "列席邀请",
                "body": "…",
                "attempts": 1,
                "last_error": "SMTPRecipientsRefused",
            }
            for number in range(count)
        ],
    )
    db.session.execute(
        insert(TextMessage),
        [
            {
                "phone": f"1380000{number:04d}",
                "kind": "open_day.confirmed",
                "params": "{}",
                "body": "报名成功",
                "attempts": 1,
                "last_error": "GatewayRefused: 403",
            }
            for number in range(count)
        ],
    )
    db.session.commit()


def build(factories: Factories, reviewer, people: dict[Role, object], count: int) -> None:
    """`count` of everything the start page lists: of each reviewable kind, items waiting
    for review and items returned to the editor and to the administrator; comment periods
    closing this week with comments to moderate; meetings this week with unanswered
    invitations; decisions due (the held meetings of the decision and summary cases);
    open days today and open days filling up; failed mail and text messages."""
    f = factories
    for kind in BUILT_KINDS:
        variant = "cancel" if kind == "meeting_change" else ""
        for number in range(count):
            item = CASES[kind][variant](f).item
            owner = (None, people[Role.EDITOR], people[Role.ADMIN])[number % 3]
            if owner is not None:
                review.return_for_changes(item, "请补充说明。", actor=reviewer)
                item.author_id = owner.id
    for _ in range(count):
        add_comments(closing_in(f.make_consultation, days=3), count)
        meeting = f.announce(f.make_meeting(starts_at=utcnow() + timedelta(days=3)))
        add_invitations(meeting, count)
        today = f.make_open_day(starts_at=utcnow(), ends_at=utcnow() + timedelta(hours=3))
        add_registrations(today, [Status.CONFIRMED] * count + [Status.ATTENDED])
        add_registrations(f.make_open_day(capacity=count + 2), [Status.CONFIRMED] * count)
    add_failed_messages(count)
    db.session.commit()
