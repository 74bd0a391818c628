"""The audit log's words for bodies, meetings, agendas, documents, changes and live
updates (see `core.audit.vocabulary`), registered in `meetings.register`."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.audit.vocabulary import (
    ActionGroup,
    AuditField,
    AuditVocabulary,
    RecordType,
    Reference,
    file_size,
    labelled,
    office_time_value,
    yes_no,
)
from meetings.models import (
    AgendaItem,
    Body,
    BodyLevel,
    ChangeKind,
    Meeting,
    MeetingChange,
    Visibility,
)

# A document's name is its file's name; consultations' documents read the same way.
DOCUMENT_FIELDS = {
    "name": AuditField(_l("File name")),
    "size": AuditField(_l("Size"), file_size),
}

VOCABULARY = AuditVocabulary(
    actions=(
        ActionGroup(
            _l("Organising bodies"),
            {
                "body.create": _l("Organising body created"),
                "body.update": _l("Organising body changed"),
            },
        ),
        ActionGroup(
            _l("Meetings"),
            {
                "meeting.create": _l("Meeting draft created"),
                "meeting.update": _l("Meeting details changed"),
                "meeting_change.propose": _l("Change to an announced meeting proposed"),
                "meeting_change.withdraw": _l("Proposed change withdrawn"),
            },
        ),
        ActionGroup(
            _l("Agenda"),
            {
                "agenda.add": _l("Agenda item added"),
                "agenda.update": _l("Agenda item edited"),
                "agenda.delete": _l("Agenda item deleted"),
                "agenda.move": _l("Agenda item moved"),
                "document.attach": _l("Document attached to an agenda item"),
            },
        ),
        ActionGroup(
            _l("Live updates"),
            {
                "live.post": _l("Live update posted"),
                "live.correct": _l("Live update corrected"),
                "live.withdraw": _l("Live update withdrawn"),
            },
        ),
    ),
    record_types={
        "Body": RecordType(_l("Organising body")),
        "Meeting": RecordType(_l("Meeting")),
        "AgendaItem": RecordType(_l("Agenda item")),
        "AgendaDocument": RecordType(_l("Agenda item document"), fields=DOCUMENT_FIELDS),
        "MeetingChange": RecordType(
            _l("Change to a meeting"), detail=Reference(MeetingChange.kind, labelled(ChangeKind))
        ),
        "LiveUpdate": RecordType(_l("Live update")),
    },
    fields={
        # bodies
        "name": AuditField(_l("Name")),
        "level": AuditField(_l("Level"), labelled(BodyLevel)),
        "slug": AuditField(_l("Address name")),
        "default_venue": AuditField(_l("Usual venue")),
        # meetings
        "body_id": AuditField(_l("Organising body"), refers_to=Reference(Body.name)),
        "title": AuditField(_l("Title")),
        "session_number": AuditField(_l("Session number in the year")),
        "starts_at": AuditField(_l("Starts"), office_time_value),
        "ends_at": AuditField(_l("Ends"), office_time_value),
        "venue": AuditField(_l("Venue")),
        "livestream_url": AuditField(_l("Livestream address")),
        "sit_in_open": AuditField(_l("Residents may apply to sit in"), yes_no),
        "sit_in_places": AuditField(_l("Places for residents")),
        "notes": AuditField(_l("Notes for the public")),
        # agenda items
        "meeting_id": AuditField(_l("Meeting"), refers_to=Reference(Meeting.title)),
        "agenda_item_id": AuditField(_l("Agenda item"), refers_to=Reference(AgendaItem.title)),
        "position": AuditField(_l("Place on the agenda")),
        "summary": AuditField(_l("Summary")),
        "sponsor": AuditField(_l("Sponsoring department")),
        "presenter": AuditField(_l("Presenter")),
        "is_major_decision": AuditField(_l("Major decision"), yes_no),
        "visibility": AuditField(_l("Visibility"), labelled(Visibility)),
        "withheld_basis": AuditField(_l("Legal basis for withholding")),
        # changes of announced meetings
        "kind": AuditField(_l("Kind of change"), labelled(ChangeKind)),
        "reason": AuditField(_l("Reason")),
        "new_title": AuditField(_l("New title")),
        "new_starts_at": AuditField(_l("New start"), office_time_value),
        "new_ends_at": AuditField(_l("New end"), office_time_value),
        # live updates
        "text": AuditField(_l("Text")),
        "image_alt": AuditField(_l("Description of the photo")),
        "withdrawn": AuditField(_l("Withdrawn"), yes_no),
    },
)
