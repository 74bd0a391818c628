"""Times on staff forms are office time and survive saving; a proposal that review would
refuse is refused at the form, with the reason next to its field."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bs4 import BeautifulSoup

from extensions import db
from meetings.models import ChangeKind, Meeting, MeetingChange

SHANGHAI = ZoneInfo("Asia/Shanghai")


def errors_by_field(response) -> dict[str, str]:
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return {
        element["id"].removesuffix("-error"): element.get_text(" ", strip=True)
        for element in soup.select("[id$=-error]")
    }


def meeting_form(meeting: Meeting, **changes: str) -> dict[str, str]:
    fields = {
        "body_id": str(meeting.body_id),
        "title": meeting.title,
        "starts_at": "2027-03-02T14:00",
        "ends_at": "2027-03-02T16:00",
        "venue": meeting.venue or "",
        "sit_in_places": "0",
    }
    return {**fields, **changes}


def test_a_meeting_at_14_00_stays_at_14_00_however_often_it_is_saved(client, auth, make_meeting):
    meeting = make_meeting()
    auth.login(meeting.author)
    assert (
        client.post(f"/admin/meetings/{meeting.id}", data=meeting_form(meeting)).status_code == 303
    )
    for _ in range(3):
        page = BeautifulSoup(client.get(f"/admin/meetings/{meeting.id}").data, "html.parser")
        shown = page.find("input", attrs={"name": "starts_at"})["value"]
        assert shown == "2027-03-02T14:00"
        client.post(f"/admin/meetings/{meeting.id}", data=meeting_form(meeting, starts_at=shown))
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).starts_at == datetime(
        2027, 3, 2, 14, 0, tzinfo=SHANGHAI
    )


def test_the_postponement_form_starts_from_the_meeting_in_office_time(
    client, auth, make_meeting, announce
):
    meeting = announce(make_meeting(starts_at=datetime(2027, 3, 2, 6, 0, tzinfo=ZoneInfo("UTC"))))
    auth.login(meeting.author)
    page = BeautifulSoup(
        client.get(f"/admin/meetings/{meeting.id}/propose/postpone").data, "html.parser"
    )
    assert page.find("input", attrs={"name": "new_starts_at"})["value"] == "2027-03-02T14:00"


class TestProposalsReviewWouldRefuse:
    def propose(self, client, meeting, kind, **data):
        return client.post(f"/admin/meetings/{meeting.id}/propose/{kind}", data=data)

    def test_postponing_to_an_earlier_time_is_refused_next_to_the_time(
        self, client, auth, make_meeting, announce
    ):
        meeting = announce(make_meeting())
        auth.login(meeting.author)
        earlier = (meeting.starts_at - timedelta(days=2)).astimezone(SHANGHAI)
        response = self.propose(
            client,
            meeting,
            "postpone",
            new_starts_at=earlier.strftime("%Y-%m-%dT%H:%M"),
            new_ends_at=(earlier + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            reason="调整",
        )
        assert response.status_code == 422
        assert "new_starts_at" in errors_by_field(response)
        assert db.session.scalar(db.select(db.func.count(MeetingChange.id))) == 0

    def test_concluding_a_meeting_that_has_not_started_is_refused(
        self, client, auth, make_meeting, announce
    ):
        meeting = announce(make_meeting())
        auth.login(meeting.author)
        response = self.propose(client, meeting, "conclude", reason="")
        assert response.status_code == 422
        assert "开始" in response.get_data(as_text=True)
        assert db.session.scalar(db.select(db.func.count(MeetingChange.id))) == 0

    def test_a_reorder_that_changes_nothing_is_refused(self, client, auth, make_meeting, announce):
        from meetings.models import AgendaItem

        meeting = make_meeting(
            agenda=[AgendaItem(position=1, title="第一项"), AgendaItem(position=2, title="第二项")]
        )
        meeting = announce(meeting)
        auth.login(meeting.author)
        first, second = meeting.public_agenda
        unchanged = {f"position-{first.id}": "1", f"position-{second.id}": "2"}
        response = self.propose(client, meeting, "reorder", **unchanged)
        assert response.status_code == 422
        swapped = {f"position-{first.id}": "2", f"position-{second.id}": "1"}
        assert self.propose(client, meeting, "reorder", **swapped).status_code == 303
        change = db.session.scalar(db.select(MeetingChange))
        assert change.kind == ChangeKind.REORDER and change.new_order == [second.id, first.id]
