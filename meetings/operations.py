"""Changes to meetings. Each flushes, writes the audit log and leaves the commit to the caller."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from extensions import db
from meetings.audit import record_change, snapshot
from meetings.models import Body, Meeting
from meetings.review import ReviewRefused
from meetings.staff.models import User

MEETING_FIELDS = ("body_id", "title", "starts_at", "ends_at", "venue", "notes")


def create_meeting(
    body: Body,
    *,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    venue: str | None,
    notes: str | None,
    actor: User,
) -> Meeting:
    meeting = Meeting(
        body=body,
        title=title.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        venue=(venue or body.default_venue or None),
        notes=notes or None,
        author=actor,
    )
    db.session.add(meeting)
    db.session.flush()
    record_change(
        "meeting.create",
        meeting,
        actor=actor,
        summary=f"Created meeting draft: {meeting.title}",
        after=snapshot(meeting, *MEETING_FIELDS),
    )
    return meeting


def update_meeting(meeting: Meeting, *, actor: User, **changes: object) -> None:
    """Change a draft (or returned) meeting; approved ones change through their own steps."""
    if not meeting.is_editable:
        raise ReviewRefused(
            _("This meeting is awaiting review or public and cannot be edited here.")
        )
    before = snapshot(meeting, *MEETING_FIELDS)
    for field, value in changes.items():
        if field not in MEETING_FIELDS:
            raise TypeError(f"Unknown meeting field {field}")
        setattr(meeting, field, value)
    db.session.flush()
    record_change(
        "meeting.update",
        meeting,
        actor=actor,
        summary=f"Edited meeting draft: {meeting.title}",
        before=before,
        after=snapshot(meeting, *MEETING_FIELDS),
    )
