"""The staff start page lists the meetings of the coming seven days with invitations still
unanswered, the soonest first, each linking to its invitations; answered ones, later
meetings and cancelled ones are not there; reviewers, who do not invite, see none of it."""

from __future__ import annotations

from datetime import timedelta

from core.accounts.models import Role
from core.clock import utcnow
from engagement.sitting_in.models import InvitationStatus
from meetings.models import ChangeKind
from tests.responses import start_page
from tests.start_page_support import add_invitations


def test_meetings_this_week_with_unanswered_invitations(
    client, auth, invitable_meeting, make_user, approve_change
):
    friday = invitable_meeting(title="周五的会议", starts_at=utcnow() + timedelta(days=5))
    tomorrow = invitable_meeting(title="明天的会议", starts_at=utcnow() + timedelta(days=1))
    answered = invitable_meeting(title="都已回复的会议", starts_at=utcnow() + timedelta(days=2))
    later = invitable_meeting(title="下个月的会议", starts_at=utcnow() + timedelta(days=30))
    called_off = invitable_meeting(title="取消的会议", starts_at=utcnow() + timedelta(days=3))
    add_invitations(friday, 3)
    add_invitations(friday, 1, InvitationStatus.ACCEPTED)
    add_invitations(tomorrow, 1)
    add_invitations(tomorrow, 2, InvitationStatus.DECLINED)
    add_invitations(answered, 2, InvitationStatus.ACCEPTED)
    add_invitations(later, 4)
    add_invitations(called_off, 2)
    approve_change(called_off, ChangeKind.CANCEL, reason="因故取消")

    client.set_cookie("lang", "en")
    auth.login(make_user(Role.EDITOR))
    unanswered = start_page(client.get("/admin/"))["invitations"]
    assert unanswered["count"] == 4
    assert [(row["label"], row["url"]) for row in unanswered["rows"]] == [
        ("明天的会议", f"/admin/sitting-in/meetings/{tomorrow.id}"),
        ("周五的会议", f"/admin/sitting-in/meetings/{friday.id}"),
    ]
    assert "3 without an answer" in unanswered["rows"][1]["text"]
    assert unanswered["more"] == "/admin/sitting-in/"

    auth.login(make_user(Role.REVIEWER))
    assert "invitations" not in start_page(client.get("/admin/"))
