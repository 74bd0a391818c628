"""`flask demo` loads realistic data once and keeps it after that."""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from bs4 import BeautifulSoup
from freezegun import freeze_time
from sqlalchemy import inspect as sa_inspect

from core.accounts.models import User
from core.audit import AuditEntry
from core.clock import UTCDateTime, utcnow
from core.outbox import OutgoingMail, TextMessage
from core.review import ReviewState
from engagement.consultations.demo import DEMO_CONSULTATIONS
from engagement.consultations.models import (
    Channel,
    Comment,
    CommentStatus,
    Consultation,
    ConsultationState,
    Disposition,
)
from engagement.demo import load_demo
from engagement.sitting_in.models import (
    Application,
    ApplicationStatus,
    Attendance,
    Category,
    Invitation,
    InvitationStatus,
    Person,
    Quota,
)
from extensions import db
from meetings.models import Body, BodyLevel, ChangeKind, LiveUpdate, Meeting, MeetingChange


def test_demo_loads_once_with_four_bodies_on_three_levels(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "admin" in result.output and "demo-admin-2026" in result.output
    levels = sorted(body.level for body in db.session.scalars(db.select(Body)))
    assert levels.count(BodyLevel.DISTRICT) == 1
    assert levels.count(BodyLevel.DEPARTMENT) == 2
    assert levels.count(BodyLevel.STREET) == 1
    users = db.session.scalar(db.select(db.func.count(User.id)))
    meetings = db.session.scalar(db.select(db.func.count(Meeting.id)))

    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0 and "nothing loaded" in again.output
    assert db.session.scalar(db.select(db.func.count(User.id))) == users
    assert db.session.scalar(db.select(db.func.count(Meeting.id))) == meetings


def test_demo_meetings_went_through_review(app, client):
    app.test_cli_runner().invoke(args=["demo"])
    states = {m.title: m.review_state for m in db.session.scalars(db.select(Meeting))}
    assert ReviewState.APPROVED in states.values() and ReviewState.SUBMITTED in states.values()
    home = client.get("/").get_data(as_text=True)
    for title, state in states.items():
        assert (title in client.get("/meetings/").get_data(as_text=True)) == (
            state == ReviewState.APPROVED
        )
    assert "2026年第19次区政府常务会议" in home


def test_demo_login_works(app, client):
    app.test_cli_runner().invoke(args=["demo"])
    response = client.post("/login", data={"username": "editor", "password": "demo-editor-2026"})
    assert response.status_code == 303


def test_demo_is_refused_in_production(app):
    app.config["SUNSHINE_ENV"] = "production"
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code != 0
    assert db.session.scalar(db.select(db.func.count(User.id))) == 0


# The story the demo tells: what residents wrote fits what they were asked about, and every
# time reads as the day it happened, whenever the demo is loaded.

# Steps that happened are dated before the load; these columns say when something is
# scheduled, and may lie ahead.
SCHEDULED = {
    ("Meeting", "starts_at"),
    ("Meeting", "ends_at"),
    ("Meeting", "original_starts_at"),
    ("MeetingChange", "old_starts_at"),
    ("MeetingChange", "new_starts_at"),
    ("MeetingChange", "new_ends_at"),
    ("Consultation", "opens_at"),
    ("Consultation", "closes_at"),
    ("Consultation", "original_closes_at"),
    ("OpenDay", "starts_at"),
    ("OpenDay", "ends_at"),
    ("OpenDay", "registration_opens_at"),
    ("OpenDay", "registration_closes_at"),
    ("OpenDay", "original_starts_at"),
}
# The time an audit row keeps for an action, read on the row it is about.
AUDITED_AT = {
    "staff.create": "created_at",
    "meeting.create": "created_at",
    "agenda.add": "created_at",
    "meeting_change.propose": "created_at",
    "consultation.create": "created_at",
    "open_day.create": "created_at",
    "registration.create": "created_at",
    "registration.check_in": "checked_in_at",
    "review.submit": "submitted_at",
    "review.approve": "published_at",
    "live.post": "posted_at",
    "comment.receive": "received_at",
    "comment.publish": "moderated_at",
    "comment.reject": "moderated_at",
    "person.create": "created_at",
    "person.import": "created_at",
    "invitation.create": "created_at",
    "invitation.answer": "answered_at",
    "invitation.attendance": "attendance_marked_at",
    "sit_in_application.create": "created_at",
    "sit_in_application.eligibility": "eligibility_marked_at",
}
MINUTE = timedelta(minutes=1)


@dataclass
class Loaded:
    """When the demo was loaded: between `started` and `finished`."""

    started: datetime
    finished: datetime

    def near(self, moment: datetime) -> bool:
        return self.started - MINUTE <= moment <= self.finished + MINUTE


def load_at(moment: str | None) -> Loaded:
    with freeze_time(moment) if moment else nullcontext():
        started = utcnow()
        load_demo()
        db.session.commit()
        finished = utcnow()
    return Loaded(started, finished)


@pytest.fixture
def loaded(app) -> Loaded:
    return load_at(None)


# The real clock (as `make run` loads it), and five minutes into a new year in the office,
# when nothing of the day has happened yet.
@pytest.fixture(params=[None, "2026-12-31T16:05:00+00:00"], ids=["now", "new-year"])
def loaded_any_time(app, request) -> Loaded:
    return load_at(request.param)


def all_of(model: type) -> list:
    """Every row, by primary key (a meeting's draw is keyed by its meeting)."""
    return db.session.scalars(db.select(model).order_by(*sa_inspect(model).primary_key)).all()


def time_columns(model: type) -> list[str]:
    return [
        attribute.key
        for attribute in sa_inspect(model).column_attrs
        if isinstance(attribute.columns[0].type, UTCDateTime)
    ]


def test_every_comment_is_about_its_own_consultation_and_no_other(app, loaded):
    themes = {demo.title: demo.theme for demo in DEMO_CONSULTATIONS}
    consultations = all_of(Consultation)
    assert sorted(c.title for c in consultations) == sorted(themes)
    for consultation in consultations:
        own = themes[consultation.title]
        others = [
            word for title, theme in themes.items() if title != consultation.title for word in theme
        ]
        # The words declared are the subject's: its title and its agenda item's use them.
        assert any(word in consultation.title for word in own), consultation.title
        assert any(word in consultation.agenda_item.title for word in own), consultation.title
        office_texts = [consultation.draft_text, consultation.explanation]
        if consultation.feedback:
            office_texts.append(consultation.feedback.summary)
        comments = db.session.scalars(
            db.select(Comment).where(Comment.consultation_id == consultation.id)
        ).all()
        assert len(comments) >= 5
        for comment in comments:
            assert any(word in comment.body for word in own), comment.body
            office_texts += [comment.reply, comment.disposition_reason, comment.rejection_reason]
        for text in [comment.body for comment in comments] + office_texts:
            mentioned = [word for word in others if text and word in text]
            assert mentioned == [], (consultation.title, text)


def test_comments_read_like_residents_wrote_them(app, loaded):
    comments = all_of(Comment)
    assert len({comment.body for comment in comments}) == len(comments)
    lengths = sorted(len(comment.body) for comment in comments)
    assert lengths[0] < 30 and lengths[-1] > 80
    assert any(not comment.show_name for comment in comments)
    assert any(comment.community and comment.show_name for comment in comments)
    assert {comment.channel for comment in comments} == set(Channel)
    rejected = [c for c in comments if c.status == CommentStatus.REJECTED]
    assert rejected and all(comment.rejection_reason for comment in rejected)
    decided = [c for c in comments if c.consultation.feedback and c.consultation.feedback.is_public]
    assert {c.disposition for c in decided if c.status == CommentStatus.PUBLISHED} == set(
        Disposition
    )


def test_nothing_that_happened_is_dated_at_the_load_or_after_it(app, loaded_any_time):
    for mapper in db.Model.registry.mappers:
        model = mapper.class_
        if model.__name__ == "PublicState":  # the site's own bookkeeping: changed by the load
            continue
        for key in time_columns(model):
            for row in all_of(model):
                moment = getattr(row, key)
                if moment is None:
                    continue
                where = f"{model.__name__}.{key} of {sa_inspect(row).identity}"
                assert not loaded_any_time.near(moment), where
                if (model.__name__, key) not in SCHEDULED:
                    assert moment < loaded_any_time.started, where


def test_meetings_are_announced_days_ahead_and_concluded_soon_after_they_end(app, loaded_any_time):
    meetings = all_of(Meeting)
    concluded = [meeting for meeting in meetings if meeting.concluded_at]
    assert len(concluded) >= 5
    for meeting in meetings:
        if meeting.submitted_at:
            assert meeting.created_at <= meeting.submitted_at, meeting.title
        if not meeting.is_announced:
            continue
        starts = meeting.original_starts_at or meeting.starts_at
        assert meeting.submitted_at <= meeting.published_at <= starts - timedelta(days=1)
        for item in meeting.public_agenda:
            assert meeting.created_at <= item.created_at <= item.published_at < starts
    for meeting in concluded:
        # concluded by the publication of its last decision, within the 20 working days
        assert meeting.ends_at < meeting.concluded_at < meeting.ends_at + timedelta(days=28)
        assert meeting.concluded_at < loaded_any_time.started - timedelta(hours=1)
    for change in all_of(MeetingChange):
        meeting = change.meeting
        assert meeting.published_at <= change.created_at <= change.submitted_at
        assert change.submitted_at <= change.published_at, meeting.title
        if change.kind == ChangeKind.CONCLUDE:
            assert meeting.starts_at <= change.created_at
            assert change.published_at == meeting.concluded_at
        if change.kind == ChangeKind.CANCEL:
            assert change.published_at == meeting.cancelled_at < meeting.starts_at
    updates = all_of(LiveUpdate)
    assert updates
    for update in updates:
        meeting = update.meeting
        assert meeting.starts_at - timedelta(minutes=30) <= update.posted_at
        assert update.posted_at <= (meeting.concluded_at or meeting.ends_at)


def test_consultations_run_after_the_announcement_and_report_before_the_meeting(
    app, loaded_any_time
):
    states = set()
    for consultation in all_of(Consultation):
        meeting = consultation.agenda_item.meeting
        assert meeting.published_at <= consultation.created_at <= consultation.submitted_at
        assert consultation.submitted_at <= consultation.published_at <= consultation.opens_at
        assert consultation.opens_at < consultation.closes_at < meeting.starts_at
        feedback = consultation.feedback
        if feedback is not None and feedback.submitted_at:
            assert consultation.closes_at <= feedback.submitted_at < meeting.starts_at
        if feedback is not None and feedback.published_at:
            assert feedback.submitted_at <= feedback.published_at < meeting.starts_at
        states.add(consultation.state_at(loaded_any_time.finished))
    assert {ConsultationState.OPEN, ConsultationState.FEEDBACK_PUBLISHED} <= states


def test_comments_arrive_in_the_period_and_are_handled_before_the_report(app, loaded_any_time):
    comments = all_of(Comment)
    assert comments
    for comment in comments:
        consultation = comment.consultation
        assert consultation.opens_at <= comment.received_at < consultation.closes_at
        if comment.moderated_at:
            assert comment.received_at < comment.moderated_at
        if comment.replied_at:
            assert comment.moderated_at <= comment.replied_at
        feedback = consultation.feedback
        if feedback is not None and feedback.submitted_at:
            assert comment.moderated_at <= feedback.submitted_at
            assert comment.replied_at is None or comment.replied_at <= feedback.submitted_at
    # Receipt numbers are handed out in the order comments arrive.
    by_arrival = sorted(comments, key=lambda comment: comment.received_at)
    assert [comment.id for comment in by_arrival] == sorted(comment.id for comment in comments)


def test_audit_rows_are_dated_with_the_steps_they_record(app, loaded_any_time):
    models = {mapper.class_.__name__: mapper.class_ for mapper in db.Model.registry.mappers}
    checked = 0
    for entry in all_of(AuditEntry):
        subject = db.session.get(models[entry.subject_type], entry.subject_id)
        if entry.action in AUDITED_AT:
            assert entry.at == getattr(subject, AUDITED_AT[entry.action]), entry.action
            checked += 1
        elif entry.action == "comment.answer":
            assert subject.moderated_at <= entry.at
        elif entry.action == "comment.enter":
            assert subject.received_at <= entry.at
    assert checked > 100


# Sitting in: who sat in on the last meeting held, and the next meeting's invitations and call.


def sitting_in_meetings() -> tuple[Meeting, Meeting]:
    with_invitations = db.select(Invitation.meeting_id)
    held, upcoming = db.session.scalars(
        db.select(Meeting).where(Meeting.id.in_(with_invitations)).order_by(Meeting.starts_at)
    ).all()
    return held, upcoming


def test_the_held_meeting_lists_who_sat_in_naming_residents_only_with_consent(app, client, loaded):
    held, _upcoming = sitting_in_meetings()
    assert held.ends_at < utcnow() and held.sit_in_open
    invitations = db.session.scalars(db.select(Invitation).where(Invitation.meeting == held)).all()
    categories = [i.category for i in invitations if i.status == InvitationStatus.ACCEPTED]
    assert categories.count(Category.DEPUTY) == 3 and categories.count(Category.CPPCC) == 3
    assert {i.status for i in invitations} == {InvitationStatus.ACCEPTED, InvitationStatus.DECLINED}
    present = [i for i in invitations if i.attendance == Attendance.PRESENT]
    absent = [i for i in invitations if i.attendance == Attendance.ABSENT]
    assert len(absent) == 1
    residents = [i for i in present if i.category == Category.RESIDENT]
    named = [i for i in residents if i.name_public]
    unnamed = [i for i in residents if not i.name_public]
    assert named and unnamed
    section = BeautifulSoup(client.get(f"/meetings/{held.id}").data, "html.parser").find(
        id="sat-in"
    )
    listed = section.get_text(" ", strip=True)
    for invitation in present:
        person = invitation.person
        shown = invitation.category != Category.RESIDENT or invitation.name_public
        assert (person.name in listed) == shown, person.name
        assert person.phone not in listed and (person.email or "@") not in listed
        if not shown:
            assert person.community in listed
    for invitation in [*absent, *(i for i in invitations if i.attendance is None)]:
        assert invitation.person.name not in listed
    assert len(section.find_all("li")) == len(present)


def test_the_next_meeting_has_places_answers_pending_and_its_call_open(app, client, loaded):
    _held, upcoming = sitting_in_meetings()
    assert upcoming.starts_at > loaded.finished and upcoming.sit_in_open
    quotas = db.session.scalars(db.select(Quota).where(Quota.meeting_id == upcoming.id)).all()
    assert {(q.category, q.places) for q in quotas} >= {(Category.DEPUTY, 3), (Category.CPPCC, 3)}
    statuses = [
        i.status
        for i in db.session.scalars(db.select(Invitation).where(Invitation.meeting == upcoming))
    ]
    assert statuses.count(InvitationStatus.INVITED) == 1
    assert InvitationStatus.DECLINED in statuses and InvitationStatus.ACCEPTED in statuses
    applications = db.session.scalars(
        db.select(Application).where(Application.meeting == upcoming).order_by(Application.id)
    ).all()
    assert len(applications) > upcoming.sit_in_places
    assert {a.status for a in applications} == {ApplicationStatus.APPLIED}
    assert [a.created_at for a in applications] == sorted(a.created_at for a in applications)
    page = client.get(f"/meetings/{upcoming.id}").get_data(as_text=True)
    assert f"/meetings/{upcoming.id}/sit-in/apply" in page  # the call, open


def test_the_directory_is_the_demo_districts_and_its_messages_never_leave(app, loaded):
    people = db.session.scalars(db.select(Person)).all()
    assert len(people) >= 20
    assert {person.category for person in people} >= set(Category) - {Category.OTHER}
    assert all(person.email is None or person.email.endswith("@example.cn") for person in people)
    assert len({person.phone for person in people}) == len(people)
    assert any("百人建议代表团" in person.tag_list for person in people)
    # Marked sent when the story sent them: `flask send-outbox` finds nothing to send.
    for model in (OutgoingMail, TextMessage):
        messages = all_of(model)
        assert messages and all(m.created_at < m.sent_at < loaded.started for m in messages)
