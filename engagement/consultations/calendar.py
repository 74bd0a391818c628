"""Comment-period deadlines as calendar events: an all-day event on the last day residents
can comment, transparent so it blocks no time. An extension moves it (same UID, higher
SEQUENCE); a cancelled meeting, or the item taken off the agenda, ends the period, and the
deadline is then CANCELLED rather than left in calendars as a ghost."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _

from core.clock import to_office_time
from core.ical import CalendarEvent, event_uid
from core.web import office_time, public_link
from engagement.consultations.models import Consultation
from engagement.consultations.queries import newest_deadlines


def deadline_event(consultation: Consultation) -> CalendarEvent:
    item = consultation.agenda_item
    meeting = item.meeting
    ended_by = [moment for moment in (meeting.cancelled_at, item.removed_at) if moment]
    # The last moment is just before the closing second: a period closing at midnight
    # ends on the day before.
    last_day = to_office_time(consultation.closes_at - timedelta(microseconds=1)).date()
    if item.removed_at is None:
        url = public_link("consultations.consultation_page", consultation_id=consultation.id)
    else:  # its page is gone with the item; the meeting page says the item was removed
        url = public_link("meetings.meeting_page", meeting_id=meeting.id)
    lines = [_("Comments are accepted until %(time)s.", time=office_time(consultation.closes_at))]
    if consultation.original_closes_at is not None:
        lines.append(
            _(
                "Extended from %(time)s: %(reason)s",
                time=office_time(consultation.original_closes_at),
                reason=consultation.extension_reason or "",
            )
        )
    if meeting.cancelled_at is not None:
        lines.append(_("The meeting was cancelled, so the comment period has ended."))
    if item.removed_at is not None:
        lines.append(_("The item was taken off the agenda, so the comment period has ended."))
    lines.append(_("On the agenda of: %(meeting)s", meeting=meeting.title))
    lines += ["", url]
    modified = consultation.revised_at or consultation.published_at or consultation.created_at
    title = _("Comments close: %(title)s", title=consultation.title)
    return CalendarEvent(
        uid=event_uid("comment-deadline", consultation.id),
        summary=_("[Cancelled] %(title)s", title=title) if ended_by else title,
        starts=last_day,
        ends=last_day + timedelta(days=1),
        # Each ending is a change of the deadline too.
        sequence=consultation.revision + len(ended_by),
        modified=max([modified, *ended_by]),
        url=url,
        description="\n".join(lines),
        cancelled=bool(ended_by),
        transparent=True,
    )


def public_deadline_events() -> list[CalendarEvent]:
    """The newest comment periods' deadlines, in time order."""
    newest = newest_deadlines(current_app.config["CALENDAR_FEED_SIZE"])
    return [deadline_event(consultation) for consultation in reversed(newest)]
