"""Organising bodies, their meetings, agendas, documents, live updates and public changes.

A meeting is announced through confidentiality review together with its agenda. After
that, every public change (postponement, cancellation, conclusion, agenda changes, new
documents) is a `MeetingChange` that goes through review itself and is applied when it is
approved; the approved changes are the public "changes since announcement".

`meetings` has bodies, meetings, agenda items and documents; `changes` the reviewed
changes of announced meetings; `live` the live updates posted while a meeting runs.
"""

from meetings.models.changes import (
    ChangeKind,
    MeetingChange,
    meeting_change_checks,
    meeting_change_listeners,
)
from meetings.models.live import LiveUpdate
from meetings.models.meetings import (
    AgendaDocument,
    AgendaItem,
    Body,
    BodyLevel,
    Meeting,
    MeetingStatus,
    Visibility,
)

__all__ = [
    "AgendaDocument",
    "AgendaItem",
    "Body",
    "BodyLevel",
    "ChangeKind",
    "LiveUpdate",
    "Meeting",
    "MeetingChange",
    "MeetingStatus",
    "Visibility",
    "meeting_change_checks",
    "meeting_change_listeners",
]
