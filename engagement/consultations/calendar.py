"""Comment-period deadlines as calendar events: an all-day event on the last day residents
can comment, transparent so it blocks no time. An extension moves it (same UID, higher
SEQUENCE); a cancelled meeting ends the period, and the deadline is then CANCELLED."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import contains_eager

from core.clock import to_office_time
from core.ical import CalendarEvent, event_uid
from core.web import office_time, public_link
from engagement.consultations.models import Consultation
from extensions import db
from meetings.models import AgendaItem


def deadline_event(consultation: Consultation) -> CalendarEvent:
    meeting = consultation.agenda_item.meeting
    cancelled = meeting.cancelled_at is not None
    # The last moment is just before the closing second: a period closing at midnight
    # ends on the day before.
    last_day = to_office_time(consultation.closes_at - timedelta(microseconds=1)).date()
    url = public_link("consultations.consultation_page", consultation_id=consultation.id)
    lines = [_("Comments are accepted until %(time)s.", time=office_time(consultation.closes_at))]
    if consultation.original_closes_at is not None:
        lines.append(
            _(
                "Extended from %(time)s: %(reason)s",
                time=office_time(consultation.original_closes_at),
                reason=consultation.extension_reason or "",
            )
        )
    if cancelled:
        lines.append(_("The meeting was cancelled, so the comment period has ended."))
    lines.append(_("On the agenda of: %(meeting)s", meeting=meeting.title))
    lines += ["", url]
    modified = consultation.revised_at or consultation.published_at or consultation.created_at
    title = _("Comments close: %(title)s", title=consultation.title)
    return CalendarEvent(
        uid=event_uid("comment-deadline", consultation.id),
        summary=_("[Cancelled] %(title)s", title=title) if cancelled else title,
        starts=last_day,
        ends=last_day + timedelta(days=1),
        # The meeting's cancellation is a change of the deadline too.
        sequence=consultation.revision + (1 if cancelled else 0),
        modified=max(modified, meeting.cancelled_at) if cancelled else modified,
        url=url,
        description="\n".join(lines),
        cancelled=cancelled,
        transparent=True,
    )


def public_deadline_events() -> list[CalendarEvent]:
    """The latest public comment periods' deadlines (`CALENDAR_FEED_SIZE` by closing, a
    choice of the data alone), in time order: one query."""
    newest = db.session.scalars(
        Consultation.public()
        .options(contains_eager(Consultation.agenda_item).contains_eager(AgendaItem.meeting))
        .order_by(Consultation.closes_at.desc(), Consultation.id.desc())
        .limit(current_app.config["CALENDAR_FEED_SIZE"])
    ).all()
    return [deadline_event(consultation) for consultation in reversed(newest)]
