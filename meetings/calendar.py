"""Meetings as calendar events: for the feeds (`engagement/calendar`) and the single
download on each meeting page, from one function, so a meeting is the same event in both.

Only what the public page shows goes in: the public agenda, withheld items as withheld.
A cancelled meeting stays, as CANCELLED, so calendars strike it; a postponed one keeps its
UID with the new time. Both raise SEQUENCE (`Meeting.revise`).
"""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _

from core.ical import CalendarEvent, EventSource, EventVersion, event_uid
from core.web import office_time, public_link
from meetings.models import Body, Meeting
from meetings.queries import newest_public_meeting_versions, public_meetings_with_agendas


def meeting_uid(meeting_id: int) -> str:
    return event_uid("meeting", meeting_id)


def _description(meeting: Meeting, url: str) -> str:
    lines: list[str] = []
    if meeting.cancelled_at is not None:
        lines += [_("This meeting is cancelled"), meeting.cancel_reason or "", ""]
    elif meeting.original_starts_at is not None:
        lines.append(
            _(
                "Postponed; it was to start at %(time)s.",
                time=office_time(meeting.original_starts_at),
            )
        )
        if meeting.postpone_reason:
            lines.append(_("Reason: %(reason)s", reason=meeting.postpone_reason))
        lines.append("")
    lines.append(_("Organised by: %(body)s", body=meeting.body.name))
    lines.append(_("Agenda"))
    for number, item in enumerate(meeting.public_agenda, start=1):
        if item.is_withheld:
            title = _("Agenda item withheld from the public")
            lines.append(f"{number}. {title}")
            if item.withheld_basis:
                lines.append(_("Basis for withholding: %(basis)s", basis=item.withheld_basis))
        else:
            lines.append(f"{number}. {item.title}")
    if not meeting.public_agenda:
        lines.append(_("No agenda items yet."))
    lines += ["", url]
    return "\n".join(lines)


def meeting_event(meeting: Meeting) -> CalendarEvent:
    """An announced meeting as the public sees it (its agenda loaded with it)."""
    url = public_link("meetings.meeting_page", meeting_id=meeting.id)
    cancelled = meeting.cancelled_at is not None
    return CalendarEvent(
        uid=meeting_uid(meeting.id),
        summary=_("[Cancelled] %(title)s", title=meeting.title) if cancelled else meeting.title,
        starts=meeting.starts_at,
        ends=meeting.ends_at,
        sequence=meeting.revision,
        modified=meeting.revised_at or meeting.published_at or meeting.created_at,
        url=url,
        location=meeting.venue,
        description=_description(meeting, url),
        cancelled=cancelled,
    )


def meeting_source(body: Body | None = None) -> EventSource:
    """The newest public meetings (of one body) for a feed."""

    def versions() -> list[EventVersion]:
        limit = current_app.config["CALENDAR_FEED_SIZE"]
        return [
            EventVersion(row.id, meeting_uid(row.id), row.revision, row.modified,
                         row.starts_at, row.ends_at)
            for row in newest_public_meeting_versions(limit, body)
        ]  # fmt: skip

    def events(ids: list[int]) -> list[CalendarEvent]:
        return [meeting_event(meeting) for meeting in public_meetings_with_agendas(ids)]

    return EventSource(versions, events)
