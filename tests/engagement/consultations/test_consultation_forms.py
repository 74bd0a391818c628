"""A consultation's public period starts when it becomes public, and its form shows every
problem of the period at once."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from bs4 import BeautifulSoup
from freezegun import freeze_time

from core import review
from core.clock import utcnow
from extensions import db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_an_opening_time_that_passed_during_review_moves_to_the_approval(
    client, make_consultation, reviewer
):
    weeks_ago = utcnow() - timedelta(days=21)
    consultation = make_consultation(approve=False, opens_at=weeks_ago)
    review.submit_for_review(consultation, actor=consultation.author)
    with freeze_time(utcnow() + timedelta(hours=1)):
        review.approve(consultation, actor=reviewer)
        db.session.commit()
        approved_at = utcnow()
    assert consultation.opens_at == consultation.published_at == approved_at
    page = client.get(f"/consultations/{consultation.id}").get_data(as_text=True)
    assert approved_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") in page
    assert weeks_ago.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") not in page


def test_a_future_opening_time_is_kept_at_approval(make_consultation):
    later = utcnow() + timedelta(days=2)
    consultation = make_consultation(opens_at=later, closes_at=later + timedelta(days=31))
    assert consultation.opens_at == later


def test_the_consultation_form_shows_every_problem_of_the_period_at_once(client, auth, major_item):
    auth.login(major_item.meeting.author)
    meeting_start = major_item.meeting.starts_at.astimezone(SHANGHAI)
    opens = meeting_start - timedelta(days=5)
    response = client.post(
        "/admin/consultations/new",
        data={
            "agenda_item_id": str(major_item.id),
            "title": "征求意见",
            "draft_text": "草案",
            "explanation": "说明",
            "opens_at": opens.strftime("%Y-%m-%dT%H:%M"),
            # Closes after the meeting starts, and the period is short with no reason.
            "closes_at": (meeting_start + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 422
    soup = BeautifulSoup(response.data, "html.parser")
    assert soup.find(id="closes_at-error") is not None
    assert soup.find(id="short_period_reason-error") is not None
