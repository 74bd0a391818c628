"""A year of known activity for the report's tests: every row made here is counted by
hand in `EXPECTED_2025`, so each figure of the report can be checked against it."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from core.accounts.models import Role
from core.review import ReviewState
from engagement.consultations.models import (
    Comment,
    Consultation,
    FeedbackReport,
)
from engagement.open_days.models import Registration, Status, VisitFeedback
from engagement.sitting_in.models import (
    Application,
    ApplicationStatus,
    Attendance,
    Category,
    Invitation,
    Person,
)
from extensions import db
from meetings.models import AgendaItem, BodyLevel, Visibility
from meetings.models.live import LiveUpdate

# Office time is UTC+8: 2025-12-31 23:30 there is 15:30 UTC; 2026-01-01 00:10 is 16:10 UTC.
LAST_MINUTES_OF_2025 = datetime(2025, 12, 31, 15, 30, tzinfo=UTC)
FIRST_MINUTES_OF_2026 = datetime(2025, 12, 31, 16, 10, tzinfo=UTC)
TAKEN_AT = datetime(2026, 2, 1, 2, 0, tzinfo=UTC)  # the year 2025 is over


def at(year: int, month: int, day: int, hour: int = 2) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


def _seed() -> tuple[str, str]:
    return secrets.token_hex(16), secrets.token_hex(32)


class YearBuilder:
    """Makes meetings, consultations, sitting in and open days through the tests' factories
    and, for the many small rows (comments, registrations), the models."""

    def __init__(
        self, make_meeting, make_body, make_user, announce, publish_decision, make_open_day
    ):
        self.make_meeting, self.make_body, self.make_user = make_meeting, make_body, make_user
        self.announce, self.publish_decision = announce, publish_decision
        self.make_open_day = make_open_day
        self.editor = make_user(Role.EDITOR)
        self.bodies = {
            "district": make_body(name="区政府常务会议", level=BodyLevel.DISTRICT),
            "department": make_body(name="区民政局局务会", level=BodyLevel.DEPARTMENT),
            "street": make_body(name="什刹海街道办事处主任办公会", level=BodyLevel.STREET),
        }

    def meeting(self, starts_at, body="district", items=1, withheld=0, announce=True, **fields):
        agenda = [AgendaItem(position=n + 1, title=f"议题{n + 1}") for n in range(items)]
        agenda += [
            AgendaItem(
                position=items + n + 1,
                title=f"不公开议题{n + 1}",
                visibility=Visibility.WITHHELD,
                withheld_basis="《政府信息公开条例》第十四条",
            )
            for n in range(withheld)
        ]
        meeting = self.make_meeting(
            starts_at=starts_at, body=self.bodies[body], agenda=agenda, **fields
        )
        if announce:
            self.announce(meeting)
        return meeting

    def decide(self, item: AgendaItem, published_at: datetime, **fields: object) -> None:
        decision = self.publish_decision(item, **fields)
        decision.first_published_at = published_at
        db.session.commit()

    def live_update(self, meeting) -> None:
        db.session.add(LiveUpdate(meeting=meeting, text="会议开始", author_id=self.editor.id))
        db.session.commit()

    def consultation(self, item: AgendaItem, opens_at: datetime, title: str) -> Consultation:
        consultation = Consultation(
            agenda_item=item,
            title=title,
            draft_text="草案",
            explanation="说明",
            opens_at=opens_at,
            closes_at=opens_at + timedelta(days=31),
            author=self.editor,
            review_state=ReviewState.APPROVED,
            published_at=opens_at,
        )
        db.session.add(consultation)
        db.session.commit()
        return consultation

    def comments(self, consultation, status, count, disposition=None, automated=False) -> None:
        for _ in range(count):
            db.session.add(
                Comment(
                    consultation=consultation,
                    body="意见",
                    name="居民",
                    status=status,
                    disposition=disposition,
                    suspected_automation=automated,
                )
            )
        db.session.commit()

    def feedback(self, consultation, published_at) -> None:
        db.session.add(
            FeedbackReport(
                consultation_id=consultation.id,
                summary="采纳情况",
                author=self.editor,
                review_state=ReviewState.APPROVED,
                published_at=published_at,
            )
        )
        db.session.commit()

    def sat_in(self, meeting, category: Category, attendance=Attendance.PRESENT, person=None):
        if person is None:
            feed_seed, feed_hash = _seed()
            person = Person(
                name="列席人", category=category, feed_seed=feed_seed, feed_token_hash=feed_hash
            )
        link_seed, token_hash = _seed()
        db.session.add(
            Invitation(
                meeting=meeting,
                person=person,
                category=category,
                link_seed=link_seed,
                token_hash=token_hash,
                attendance=attendance,
            )
        )
        db.session.commit()
        return person

    def application(self, meeting, status: ApplicationStatus) -> None:
        db.session.add(Application(meeting_id=meeting.id, status=status, community="社区"))
        db.session.commit()

    def open_day(self, starts_at, capacity, taken, statuses, scores=(), **fields):
        open_day = self.make_open_day(
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=3),
            capacity=capacity,
            taken=taken,
            **fields,
        )
        registrations = []
        for status, count in statuses.items():
            for _ in range(count):
                link_seed, token_hash = _seed()
                registration = Registration(
                    open_day_id=open_day.id,
                    status=status,
                    phone=f"139{secrets.randbelow(10**8):08d}",
                    link_seed=link_seed,
                    token_hash=token_hash,
                )
                registrations.append(registration)
                db.session.add(registration)
        db.session.flush()
        attended = [r for r in registrations if r.status == Status.ATTENDED]
        for registration, score in zip(attended, scores, strict=False):
            db.session.add(
                VisitFeedback(
                    registration_id=registration.id, open_day_id=open_day.id, satisfaction=score
                )
            )
        db.session.commit()
        return open_day
