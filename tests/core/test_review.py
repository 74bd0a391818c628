"""Confidentiality review: nothing is public before a reviewer approves it, and nobody
approves their own work."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from core import review
from core.accounts.models import Role
from core.audit import AuditEntry
from core.review import ReviewState
from core.rules import RuleBroken
from extensions import db
from meetings.operations import update_meeting
from tests.responses import queries_for


def public_pages_show(client, meeting) -> dict[str, bool]:
    """Where the meeting's title appears to an anonymous visitor."""
    seen = {}
    for url in ("/", "/meetings/"):
        seen[url] = meeting.title in client.get(url).get_data(as_text=True)
    page = client.get(f"/meetings/{meeting.id}")
    seen["page"] = page.status_code == 200 and meeting.title in page.get_data(as_text=True)
    return seen


@pytest.mark.parametrize("state", [ReviewState.DRAFT, ReviewState.SUBMITTED, ReviewState.RETURNED])
def test_unapproved_meeting_is_on_no_public_page(client, make_meeting, state):
    meeting = make_meeting(title="未审核的会议", review_state=state)
    assert public_pages_show(client, meeting) == {"/": False, "/meetings/": False, "page": False}
    assert client.get(f"/meetings/{meeting.id}").status_code == 404


def test_approved_meeting_appears_on_public_pages(client, make_meeting, make_user):
    meeting = make_meeting(title="已审核的会议")
    review.submit_for_review(meeting, actor=meeting.author)
    review.approve(meeting, actor=make_user(Role.REVIEWER))
    db.session.commit()
    assert public_pages_show(client, meeting) == {"/": True, "/meetings/": True, "page": True}
    assert meeting.published_at is not None
    assert meeting.revision == 1


def test_reviewer_cannot_approve_what_they_authored(make_meeting, make_user):
    reviewer = make_user(Role.ADMIN)  # admins may both edit and review
    meeting = make_meeting(author=reviewer)
    review.submit_for_review(meeting, actor=reviewer)
    with pytest.raises(RuleBroken):
        review.approve(meeting, actor=reviewer)
    assert meeting.review_state == ReviewState.SUBMITTED


def test_reviewer_who_edited_someone_elses_draft_cannot_approve_it(make_meeting, make_user):
    admin = make_user(Role.ADMIN)
    meeting = make_meeting()
    update_meeting(meeting, actor=admin, title="改过的标题")
    review.submit_for_review(meeting, actor=meeting.author)
    with pytest.raises(RuleBroken):
        review.approve(meeting, actor=admin)
    review.approve(meeting, actor=make_user(Role.REVIEWER))
    assert meeting.review_state == ReviewState.APPROVED


def test_editor_cannot_approve(make_meeting, make_user):
    meeting = make_meeting()
    review.submit_for_review(meeting, actor=meeting.author)
    with pytest.raises(RuleBroken):
        review.approve(meeting, actor=make_user(Role.EDITOR))


def test_only_submitted_content_can_be_approved(make_meeting, make_user):
    meeting = make_meeting()
    with pytest.raises(RuleBroken):
        review.approve(meeting, actor=make_user(Role.REVIEWER))
    assert meeting.review_state == ReviewState.DRAFT


def test_return_needs_a_note_and_sends_it_back_editable(make_meeting, make_user):
    reviewer = make_user(Role.REVIEWER)
    meeting = make_meeting()
    review.submit_for_review(meeting, actor=meeting.author)
    with pytest.raises(RuleBroken):
        review.return_for_changes(meeting, "   ", actor=reviewer)
    review.return_for_changes(meeting, "议题名称需与文件一致", actor=reviewer)
    assert meeting.review_state == ReviewState.RETURNED
    assert meeting.review_note == "议题名称需与文件一致"
    assert meeting.is_editable


def test_submitted_meeting_cannot_be_edited(make_meeting):
    meeting = make_meeting()
    review.submit_for_review(meeting, actor=meeting.author)
    with pytest.raises(RuleBroken):
        update_meeting(meeting, actor=meeting.author, title="偷偷改")


def test_review_steps_are_in_the_audit_log(make_meeting, make_user):
    reviewer = make_user(Role.REVIEWER)
    meeting = make_meeting()
    review.submit_for_review(meeting, actor=meeting.author)
    review.approve(meeting, actor=reviewer)
    db.session.commit()
    actions = [
        (entry.action, entry.actor_id)
        for entry in db.session.scalars(
            db.select(AuditEntry).where(AuditEntry.subject_id == meeting.id).order_by(AuditEntry.id)
        )
    ]
    assert actions == [("review.submit", meeting.author.id), ("review.approve", reviewer.id)]


class TestInTheBrowserForms:
    """The same rules through the staff pages, as staff use them."""

    def test_full_cycle_draft_to_public(self, client, auth, make_user, make_body):
        editor, reviewer = make_user(Role.EDITOR), make_user(Role.REVIEWER)
        body = make_body()
        auth.login(editor)
        response = client.post(
            "/admin/meetings/new",
            data={
                "sit_in_places": "0",
                "body_id": body.id,
                "title": "2026年第20次区政府常务会议",
                "starts_at": "2026-12-20T09:00",
                "ends_at": "2026-12-20T11:30",
                "venue": "",
                "notes": "",
            },
        )
        assert response.status_code == 303
        meeting_url = response.headers["Location"]
        meeting_id = int(meeting_url.rstrip("/").rsplit("/", 1)[1])
        assert client.get(f"/meetings/{meeting_id}").status_code == 404
        client.post(
            f"/admin/meetings/{meeting_id}/items/new",
            data={"title": "关于养老服务驿站建设的实施意见", "visibility": "public"},
        )

        client.post(f"/admin/review/meeting/{meeting_id}/submit")
        assert client.get(f"/meetings/{meeting_id}").status_code == 404
        assert client.post(f"/admin/review/meeting/{meeting_id}/approve").status_code == 403

        auth.logout()
        auth.login(reviewer)
        queue = BeautifulSoup(client.get("/admin/review/").data, "html.parser")
        assert queue.find("a", string="2026年第20次区政府常务会议") is not None
        client.post(f"/admin/review/meeting/{meeting_id}/approve")

        auth.logout()
        page = client.get(f"/meetings/{meeting_id}")
        assert page.status_code == 200
        text = BeautifulSoup(page.data, "html.parser").get_text()
        assert "2026-12-20 09:00" in text  # entered and shown in office time

    def test_self_approval_through_the_page_is_refused_with_a_message(
        self, client, auth, make_meeting, make_user
    ):
        admin = make_user(Role.ADMIN)
        meeting = make_meeting(author=admin)
        review.submit_for_review(meeting, actor=admin)
        db.session.commit()
        auth.login(admin)
        response = client.post(f"/admin/review/meeting/{meeting.id}/approve", follow_redirects=True)
        assert "another reviewer must approve" in response.get_data(as_text=True) or (
            "须由其他审核人员审核" in response.get_data(as_text=True)
        )
        db.session.refresh(meeting)
        assert meeting.review_state == ReviewState.SUBMITTED
        assert client.get(f"/meetings/{meeting.id}").status_code == 404


def test_review_queue_query_count_does_not_grow(client, auth, make_meeting, make_user):
    reviewer = make_user(Role.REVIEWER)

    def submit_meetings(count: int) -> None:
        for _ in range(count):
            meeting = make_meeting()
            review.submit_for_review(meeting, actor=meeting.author)
        db.session.commit()

    submit_meetings(1)
    auth.login(reviewer)
    small = queries_for(client, "/admin/review/")
    submit_meetings(10)
    assert queries_for(client, "/admin/review/") == small
