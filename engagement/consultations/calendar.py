"""Comment-period deadlines as calendar events: an all-day event on the last day residents
can comment, transparent so it blocks no time. An extension moves it (same UID, higher
SEQUENCE); a cancelled meeting, or the item taken off the agenda, ends the period, and the
deadline is then CANCELLED rather than left in calendars as a ghost."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import gettext as _

from core.clock import to_office_time
from core.ical import CalendarEvent, EventSource, EventVersion, event_uid
from core.web import office_time, public_link
from engagement.consultations.models import Consultation
from engagement.consultations.queries import deadlines, newest_deadline_versions


def deadline_uid(consultation_id: int) -> str:
    return event_uid("comment-deadline", consultation_id)


def _version(
    consultation_id: int,
    revision: int,
    modified: datetime,
    closes_at: datetime,
    ended_by: list[datetime],
) -> EventVersion:
    """One rule for the feed's version query and the event itself: each ending (a
    cancelled meeting, a removed item) is a change of the deadline too; the last moment is
    just before the closing second, so a period closing at midnight ends the day before."""
    last_day: date = to_office_time(closes_at - timedelta(microseconds=1)).date()
    return EventVersion(
        consultation_id,
        deadline_uid(consultation_id),
        revision + len(ended_by),
        max([modified, *ended_by]),
        last_day,
        last_day + timedelta(days=1),
    )


def deadline_event(consultation: Consultation) -> CalendarEvent:
    item = consultation.agenda_item
    meeting = item.meeting
    ended_by = [moment for moment in (meeting.cancelled_at, item.removed_at) if moment]
    modified = consultation.revised_at or consultation.published_at or consultation.created_at
    version = _version(
        consultation.id, consultation.revision, modified, consultation.closes_at, ended_by
    )
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
    title = _("Comments close: %(title)s", title=consultation.title)
    return CalendarEvent(
        uid=version.uid,
        summary=_("[Cancelled] %(title)s", title=title) if ended_by else title,
        starts=version.starts,
        ends=version.ends,
        sequence=version.sequence,
        modified=version.modified,
        url=url,
        description="\n".join(lines),
        cancelled=bool(ended_by),
        transparent=True,
    )


def deadline_source() -> EventSource:
    """The newest comment periods' deadlines for a feed."""

    def versions() -> list[EventVersion]:
        limit = current_app.config["CALENDAR_FEED_SIZE"]
        return [
            _version(
                row.id,
                row.revision,
                row.modified,
                row.closes_at,
                [moment for moment in (row.cancelled_at, row.removed_at) if moment],
            )
            for row in newest_deadline_versions(limit)
        ]

    def events(ids: list[int]) -> list[CalendarEvent]:
        return [deadline_event(consultation) for consultation in deadlines(ids)]

    return EventSource(versions, events)
