"""The audit log's words for open days and registrations (see `core.audit.vocabulary`),
registered in `open_days.register`. Registrations are named by their confirmation code;
no personal data is written to the log."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.audit.vocabulary import (
    ActionGroup,
    AuditField,
    AuditVocabulary,
    RecordType,
    labelled,
    office_time_value,
    yes_no,
)
from engagement.open_days.models import Mode, Role, Status

VOCABULARY = AuditVocabulary(
    actions=(
        ActionGroup(
            _l("Open days"),
            {
                "open_day.create": _l("Open day prepared"),
                "open_day.update": _l("Open day edited"),
                "open_day.postpone": _l("Open day postponed"),
                "open_day.cancel": _l("Open day cancelled"),
                "open_day.draw_seed": _l("Draw seed fixed and published"),
                "open_day.draw": _l("Places drawn by lot"),
                "open_day.no_shows": _l("No-shows marked"),
                "open_day.feedback_invited": _l("Attendees asked for feedback"),
                "open_day.purge": _l(
                    "Registrants' personal data deleted after the retention period"
                ),
            },
        ),
        ActionGroup(
            _l("Open day registrations"),
            {
                "registration.create": _l("Registration received"),
                "registration.promote": _l("Place given to the first person waiting"),
                "registration.cancel": _l("Registration cancelled"),
                "registration.check_in": _l("Checked in at the door"),
                "registration.role": _l("Role in the simulated meeting assigned"),
            },
        ),
    ),
    record_types={
        "OpenDay": RecordType(_l("Open day")),
        "ItineraryStop": RecordType(_l("Stop on an open day's itinerary")),
        "VisitFeedback": RecordType(_l("Open day feedback")),
        "Registration": RecordType(
            _l("Open day registration"),
            # "role" is the accounts' field name too: the registration's own is kept here.
            fields={
                "status": AuditField(_l("Status"), labelled(Status)),
                "role": AuditField(_l("Role"), labelled(Role)),
            },
        ),
    },
    fields={
        "description": AuditField(_l("Description")),
        "meeting_point": AuditField(_l("Meeting point")),
        "capacity": AuditField(_l("Places")),
        "registration_opens_at": AuditField(_l("Registration opens"), office_time_value),
        "registration_closes_at": AuditField(_l("Registration closes"), office_time_value),
        "mode": AuditField(_l("How places are given"), labelled(Mode)),
        "eligibility": AuditField(_l("Who may register")),
        "id_required": AuditField(_l("ID card needed on the day"), yes_no),
        "accessibility": AuditField(_l("Accessibility")),
        "simulated_meeting": AuditField(_l("With a simulated executive meeting"), yes_no),
        "stop_names": AuditField(_l("Itinerary")),
        "postpone_reason": AuditField(_l("Reason for postponing")),
        "cancel_reason": AuditField(_l("Reason for cancelling")),
        "draw_seed": AuditField(_l("Draw seed")),
        "entries": AuditField(_l("Entries in the draw")),
        "selected": AuditField(_l("Selected")),
        "ranking": AuditField(_l("Drawn order (confirmation codes)")),
        "no_shows": AuditField(_l("No-shows")),
        "invited": AuditField(_l("Attendees asked")),
        "registrations_purged": AuditField(_l("Registrations whose personal data was deleted")),
        "retention_days": AuditField(_l("Days kept after the open day")),
    },
)
