"""Open days as calendar events: for the feeds and each open day's own download, from one
function. A cancelled open day stays, as CANCELLED; a postponed one keeps its UID with the
new time; both raise SEQUENCE (`OpenDay.revise`)."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _

from core.ical import CalendarEvent, EventSource, EventVersion, event_uid
from core.web import office_time, public_link
from engagement.open_days.models import OpenDay
from engagement.open_days.queries import newest_open_day_versions, open_days_by_id


def open_day_uid(open_day_id: int) -> str:
    return event_uid("open-day", open_day_id)


def _description(open_day: OpenDay, url: str) -> str:
    lines: list[str] = []
    if open_day.cancelled_at is not None:
        lines += [_("This open day is cancelled"), open_day.cancel_reason or "", ""]
    elif open_day.original_starts_at is not None:
        lines.append(
            _(
                "Postponed; it was to start at %(time)s.",
                time=office_time(open_day.original_starts_at),
            )
        )
        if open_day.postpone_reason:
            lines.append(_("Reason: %(reason)s", reason=open_day.postpone_reason))
        lines.append("")
    lines.append(_("Itinerary"))
    lines += [f"{stop.position}. {stop.name}" for stop in open_day.stops]
    if open_day.id_required:
        lines += ["", _("Bring your ID card.")]
    lines += ["", url]
    return "\n".join(lines)


def open_day_event(open_day: OpenDay) -> CalendarEvent:
    url = public_link("open_days.open_day_page", open_day_id=open_day.id)
    cancelled = open_day.cancelled_at is not None
    return CalendarEvent(
        uid=open_day_uid(open_day.id),
        summary=_("[Cancelled] %(title)s", title=open_day.title) if cancelled else open_day.title,
        starts=open_day.starts_at,
        ends=open_day.ends_at,
        sequence=open_day.revision,
        modified=open_day.revised_at or open_day.published_at or open_day.created_at,
        url=url,
        location=open_day.meeting_point,
        description=_description(open_day, url),
        cancelled=cancelled,
    )


def open_day_source() -> EventSource:
    """The newest public open days for a feed."""

    def versions() -> list[EventVersion]:
        limit = current_app.config["CALENDAR_FEED_SIZE"]
        return [
            EventVersion(row.id, open_day_uid(row.id), row.revision, row.modified,
                         row.starts_at, row.ends_at)
            for row in newest_open_day_versions(limit)
        ]  # fmt: skip

    def events(ids: list[int]) -> list[CalendarEvent]:
        return [open_day_event(open_day) for open_day in open_days_by_id(ids)]

    return EventSource(versions, events)
