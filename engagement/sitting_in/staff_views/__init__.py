"""Staff pages of sitting in, on one blueprint: the directory of people and its CSV import
(`people`), a meeting's invitations, quotas, answers and attendance (`invitations`), and
residents' applications with the draw (`applications`)."""

from __future__ import annotations

from flask import Blueprint, abort

from core.review import ReviewState
from engagement.sitting_in.models import Invitation, Person
from extensions import db
from meetings.models import Meeting

bp = Blueprint("sit_in_staff", __name__, url_prefix="/admin/sitting-in")

PAGE_SIZE = 50


def person_or_404(person_id: int) -> Person:
    return db.get_or_404(Person, person_id)


def meeting_or_404(meeting_id: int) -> Meeting:
    """A meeting people may be invited to: announced (its time and place are public)."""
    meeting = db.get_or_404(Meeting, meeting_id)
    if meeting.review_state != ReviewState.APPROVED:
        abort(404)
    return meeting


def invitation_or_404(meeting: Meeting, invitation_id: int) -> Invitation:
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.meeting_id != meeting.id:
        abort(404)
    return invitation


from engagement.sitting_in.staff_views import applications, invitations, people  # noqa: E402, F401
