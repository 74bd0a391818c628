"""Staff pages of meetings: the meeting list and drafts (`meetings`), agendas and their
documents (`agenda`), proposed changes to announced meetings (`changes`), the live desk
(`live`), all on one blueprint; organising bodies (`bodies`) have their own."""

from __future__ import annotations

from flask import Blueprint, Response, redirect, url_for
from sqlalchemy.orm import selectinload

from extensions import db
from meetings.models import AgendaItem, Meeting

bp = Blueprint("meeting_staff", __name__, url_prefix="/admin")


def meeting_or_404(meeting_id: int) -> Meeting:
    return db.get_or_404(
        Meeting,
        meeting_id,
        options=[selectinload(Meeting.agenda).selectinload(AgendaItem.documents)],
    )


def item_or_404(item_id: int) -> AgendaItem:
    return db.get_or_404(AgendaItem, item_id)


def meeting_page(meeting: Meeting, anchor: str = "") -> str:
    return url_for("meeting_staff.meeting", meeting_id=meeting.id) + anchor


def to_meeting(meeting: Meeting, anchor: str = "") -> Response:
    return redirect(meeting_page(meeting, anchor), code=303)


from meetings.staff_views import agenda, changes, live, meetings  # noqa: E402, F401  (routes)
