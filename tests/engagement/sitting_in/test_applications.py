"""Residents apply to sit in: the public call on the meeting's page, the form with what
was typed kept on every refusal, the deadline kept by the server, one application per phone
and per form; and the purge of applicants' personal data after the meeting. The eligibility
check, the draw and who sat in are in `test_application_draw`."""

from __future__ import annotations

from datetime import timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from core.accounts.models import Role
from core.audit import AuditEntry
from core.clock import to_office_time, utcnow
from core.outbox import OutgoingMail, TextMessage
from engagement.sitting_in.models import ApplicationStatus
from engagement.sitting_in.operations import applications as operations
from engagement.sitting_in.queries.applications import applications_close_at, next_call_moment
from extensions import db
from tests.engagement.sitting_in.application_support import (
    RESIDENT,
    applicants,
    applications_of,
    apply,
    error_of,
    soup,
    typed_reason,
)
from tests.responses import text_of


@pytest.fixture
def en(client):
    client.set_cookie("lang", "en")
    return client


@pytest.fixture
def calling(make_meeting, announce):
    """An announced meeting, ten days ahead, whose call for residents is open."""

    def make(places: int = 2, **overrides):
        return announce(make_meeting(sit_in_open=True, sit_in_places=places, **overrides))

    return make


@pytest.fixture
def editor(make_user):
    return make_user(Role.EDITOR)


# The call on the meeting's page


def test_the_meeting_page_calls_for_residents_and_links_to_the_form(en, calling):
    meeting = calling(places=3)
    page = en.get(f"/meetings/{meeting.id}")
    section = soup(page).find(id="sit-in")
    text = section.get_text(" ", strip=True)
    assert "Apply to sit in" in text and "3 places" in text
    closes = applications_close_at(meeting)
    assert section.find("time")["datetime"] == to_office_time(closes).isoformat("T", "seconds")
    assert "drawn by lot" in text
    assert section.find("a", href=f"/meetings/{meeting.id}/sit-in/apply") is not None
    assert section.find("form") is None  # the page is kept for everyone: no token in it


def test_after_the_deadline_the_kept_page_says_the_call_is_closed(en, calling):
    meeting = calling()
    closes = applications_close_at(meeting)
    assert next_call_moment(utcnow()) == closes  # the page cache's clock knows the moment
    assert "Applications are closed" not in text_of(en.get(f"/meetings/{meeting.id}"))
    with freeze_time(closes + timedelta(seconds=1)):
        section = soup(en.get(f"/meetings/{meeting.id}")).find(id="sit-in")
        assert next_call_moment(utcnow()) is None
    assert "Applications are closed" in section.get_text()
    assert section.find("a", href=f"/meetings/{meeting.id}/sit-in/apply") is None


def test_no_call_without_places_or_for_a_cancelled_meeting(en, make_meeting, announce, calling):
    plain = announce(make_meeting())
    assert soup(en.get(f"/meetings/{plain.id}")).find(id="sit-in") is None
    assert en.get(f"/meetings/{plain.id}/sit-in/apply").status_code == 404
    cancelled = calling()
    cancelled.cancelled_at, cancelled.cancel_reason = utcnow(), "因故取消"
    db.session.commit()
    assert soup(en.get(f"/meetings/{cancelled.id}")).find(id="sit-in") is None


def test_a_draft_meeting_has_no_application_page(client, make_meeting):
    draft = make_meeting(sit_in_open=True, sit_in_places=2)
    assert client.get(f"/meetings/{draft.id}/sit-in/apply").status_code == 404


# Applying


def test_an_application_is_stored_confirmed_and_told_by_text_and_mail(en, calling):
    meeting = calling()
    sent = apply(en, meeting, email="wang@example.cn", name_public="y")
    assert sent.status_code == 303
    [application] = applications_of(meeting)
    assert application.phone == "13800138000" and application.name_public
    assert application.status == ApplicationStatus.APPLIED and application.consent_at
    assert sent.headers["Location"].endswith(f"/sit-in/applications/{application.reference}")
    confirmation = text_of(en.get(sent.headers["Location"]))
    assert application.reference in confirmation and "What happens next" in confirmation
    assert "王建国" not in confirmation  # nothing personal under a reference
    [text] = db.session.scalars(select(TextMessage)).all()
    assert text.phone == "13800138000" and application.reference in text.body
    [mail] = db.session.scalars(select(OutgoingMail)).all()
    assert mail.recipient == "wang@example.cn" and application.reference in mail.body


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"name": "", "community": "", "reason": ""}, "name", "Enter your name."),
        ({"phone": "12345"}, "phone", "Enter a mainland mobile number"),
        ({"phone": ""}, "phone", "Enter your mobile number."),
        ({"consent": ""}, "consent", "needs your consent"),
        ({"community": ""}, "community", "Enter the community"),
        ({"reason": "长" * 1001}, "reason", "1000 characters or fewer"),
    ],
)
def test_a_refused_form_says_why_by_the_field_and_keeps_what_was_typed(
    en, calling, fields, field, message
):
    meeting = calling()
    sent = apply(en, meeting, email="wang@example.cn", **fields)
    assert sent.status_code == 422
    assert message in error_of(sent, field)
    page = soup(sent)
    assert page.find(id="error-summary") is not None
    typed = {**RESIDENT, **fields}
    for name in ("name", "community"):
        assert page.find("input", {"name": name})["value"] == typed[name]
    assert page.find("input", {"name": "email"})["value"] == "wang@example.cn"
    assert typed_reason(sent) == typed["reason"]
    assert applications_of(meeting) == []


def test_a_long_unbroken_word_in_the_reason_is_kept_when_the_form_is_refused(en, calling):
    meeting = calling()
    word = "https://example.cn/" + "a" * 300
    sent = apply(en, meeting, reason=word, consent="")
    assert sent.status_code == 422
    assert typed_reason(sent) == word
    assert "needs your consent" in error_of(sent, "consent")


def test_the_consent_sits_next_to_the_purpose_and_the_retention(en, calling, app):
    meeting = calling()
    page = soup(en.get(f"/meetings/{meeting.id}/sit-in/apply"))
    box = page.find("input", {"name": "consent"}).parent
    hint = box.find(class_="hint").get_text(" ", strip=True)
    assert "Purpose" in hint and f"{app.config['SIT_IN_RETENTION_DAYS']} days" in hint
    assert page.find("input", {"name": "name_public", "type": "checkbox"}) is not None


def test_after_the_deadline_the_server_refuses_and_gives_the_typing_back(en, calling):
    meeting = calling()
    with freeze_time(applications_close_at(meeting)):
        sent = apply(en, meeting)
    assert sent.status_code == 409
    text = text_of(sent)
    assert "Applications closed at" in text and "not sent" in text
    assert "王建国" in text and "关心老旧小区改造" in text
    assert (
        soup(sent).find("form", action=f"/meetings/{meeting.id}/sit-in/apply#send-result") is None
    )
    assert applications_of(meeting) == []


def test_one_second_before_the_deadline_is_in_time(en, calling):
    meeting = calling()
    with freeze_time(applications_close_at(meeting) - timedelta(seconds=1)):
        assert apply(en, meeting).status_code == 303
    assert len(applications_of(meeting)) == 1


def test_the_same_phone_twice_is_refused_by_the_phone_field(en, calling):
    meeting = calling()
    assert apply(en, meeting, submission_key="first-form-key-0001").status_code == 303
    again = apply(en, meeting, phone="+86 138-0013-8000", name="王建")
    assert again.status_code == 422
    assert "already applied" in error_of(again, "phone")
    assert soup(again).find("input", {"name": "name"})["value"] == "王建"
    assert len(applications_of(meeting)) == 1


def test_the_same_phone_may_apply_to_another_meeting(en, calling):
    first, second = calling(), calling()
    assert apply(en, first).status_code == 303
    assert apply(en, second).status_code == 303


def test_the_same_form_sent_twice_is_one_application(en, calling):
    meeting = calling()
    key = {"submission_key": "the-same-form-key-42"}
    first = apply(en, meeting, **key)
    second = apply(en, meeting, **key)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert len(applications_of(meeting)) == 1
    assert db.session.scalar(select(func.count()).select_from(TextMessage)) == 1


def test_the_confirmation_answers_only_its_own_reference(client, calling):
    meeting, other = calling(), calling()
    [application] = applicants(meeting, 1)
    assert (
        client.get(f"/meetings/{other.id}/sit-in/applications/{application.reference}").status_code
        == 404
    )
    assert (
        client.get(f"/meetings/{meeting.id}/sit-in/applications/LX-1999-000001").status_code == 404
    )
    assert client.get(f"/meetings/{meeting.id}/sit-in/applications/nonsense").status_code == 404


# Purge


def test_purge_empties_personal_data_after_the_retention_period_once(app, calling, editor):
    meeting = calling()
    applicants(meeting, 2)
    kept = calling()
    applicants(kept, 1)
    days = app.config["SIT_IN_RETENTION_DAYS"]
    later = meeting.ends_at + timedelta(days=days)
    kept.ends_at = later + timedelta(days=1)
    kept.starts_at = kept.ends_at - timedelta(hours=2)
    db.session.commit()
    assert operations.purge_application_data(later - timedelta(seconds=1)) == 0
    assert operations.purge_application_data(later) == 2
    db.session.commit()
    for application in applications_of(meeting):
        assert (application.name, application.phone, application.email, application.reason) == (
            None,
            None,
            None,
            None,
        )
        assert application.community == "幸福里社区" and application.purged_at is not None
        assert application.status == ApplicationStatus.APPLIED
    assert applications_of(kept)[0].name == "居民0"
    assert (
        db.session.scalar(
            select(func.count()).select_from(TextMessage).where(TextMessage.phone == "13912340001")
        )
        == 0
    )
    assert operations.purge_application_data(later) == 0  # idempotent
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "sit_in_application.purge")
    ).all()
    assert len(entries) == 1 and entries[0].after["applications_purged"] == 2
