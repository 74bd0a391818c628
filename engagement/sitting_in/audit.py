"""The audit log's words for sitting in (see `core.audit.vocabulary`), registered in
`sitting_in.register`: the directory of people, invitations and their answers, residents'
applications and the draw. People are named by name in staff's log only; applicants by
their reference (LX-…)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.audit.vocabulary import (
    ActionGroup,
    AuditField,
    AuditVocabulary,
    RecordType,
    labelled,
    yes_no,
)
from engagement.sitting_in.models import ApplicationStatus, Attendance, Category, InvitationStatus

PEOPLE = AuditVocabulary(
    actions=(
        ActionGroup(
            _l("People to invite"),
            {
                "person.create": _l("Person added to the directory"),
                "person.update": _l("Person's details edited"),
                "person.import": _l("People imported from a CSV file"),
                "person.purge": _l(
                    "Personal data of people in the directory deleted after the retention period"
                ),
            },
        ),
    ),
    record_types={
        "Person": RecordType(
            _l("Person in the directory"),
            # Contact details and notes are never written to the log: only that they changed.
            fields={
                "name": AuditField(_l("Name")),
                "organisation": AuditField(_l("Organisation")),
                "title": AuditField(_l("Title or position")),
                "community": AuditField(_l("Community")),
                "tags": AuditField(
                    _l("Tags"),
                    lambda stored: ", ".join(tag for tag in str(stored).split(",") if tag) or "—",
                ),
                "locale": AuditField(
                    _l("Language of messages to them"),
                    lambda code: str({"zh": _l("Chinese"), "en": _l("English")}.get(code, code)),
                ),
                "email_changed": AuditField(_l("Email changed"), yes_no),
                "phone_changed": AuditField(_l("Mobile phone changed"), yes_no),
                "notes_changed": AuditField(_l("Notes for staff changed"), yes_no),
                "people_imported": AuditField(_l("People imported")),
                "file_fingerprint": AuditField(_l("File fingerprint (SHA-256)")),
                "people_purged": AuditField(_l("People whose personal data was deleted")),
                "retention_days": AuditField(_l("Days kept after the last meeting or edit")),
            },
        )
    },
    fields={"category": AuditField(_l("Category"), labelled(Category))},
)


def _places(value: object) -> str:
    """{"deputy": 3, ...} as "People's congress deputy 3, ..." in the reader's language."""
    if not isinstance(value, dict):
        return str(value)
    by_value = {category.value: category for category in Category}
    return ", ".join(
        f"{by_value[key].label if key in by_value else key} {number}"
        for key, number in value.items()
    )


INVITATIONS = AuditVocabulary(
    actions=(
        ActionGroup(
            _l("Invitations to sit in"),
            {
                "invitation.create": _l("Invited to sit in"),
                "invitation.quotas": _l("Places per category set"),
                "invitation.answer": _l("Invitation answered by the invitee"),
                "invitation.resend": _l("Invitation sent again"),
                "invitation.withdraw": _l("Invitation withdrawn"),
                "invitation.attendance": _l("Attendance marked"),
                "invitation.remind": _l("Invitees reminded"),
            },
        ),
    ),
    record_types={
        "Invitation": RecordType(
            _l("Invitation to sit in"),
            fields={
                "status": AuditField(_l("Answer"), labelled(InvitationStatus)),
                "attendance": AuditField(_l("Attendance"), labelled(Attendance)),
            },
        ),
        "Quota": RecordType(_l("Places per category")),
    },
    fields={
        "places": AuditField(_l("Places per category"), _places),
        "name_public": AuditField(_l("Name shown on the public page"), yes_no),
        "withdraw_reason": AuditField(_l("Reason for withdrawing")),
        "reminded": AuditField(_l("Invitees reminded")),
        "days": AuditField(_l("Days before the meeting")),
    },
)

APPLICATIONS = AuditVocabulary(
    actions=(
        ActionGroup(
            _l("Applications to sit in"),
            {
                "sit_in_application.create": _l("Application to sit in received"),
                "sit_in_application.eligibility": _l("Eligibility of an application marked"),
                "sit_in_application.invite": _l("Eligible applicant invited (no draw needed)"),
                "sit_in_draw.seed": _l("Seed of the draw for places to sit in fixed and published"),
                "sit_in_draw.run": _l("Places to sit in drawn by lot"),
                "sit_in_application.purge": _l(
                    "Applicants' personal data deleted after the retention period"
                ),
            },
        ),
    ),
    record_types={
        "Application": RecordType(
            _l("Application to sit in"),
            fields={
                "status": AuditField(_l("Status"), labelled(ApplicationStatus)),
                "eligibility_reason": AuditField(_l("Reason for the eligibility decision")),
            },
        ),
        "SitInDraw": RecordType(
            _l("Draw for places to sit in"),
            fields={
                "seed": AuditField(_l("Draw seed")),
                "places": AuditField(_l("Places drawn")),
                "draw_entries": AuditField(_l("Entries in the draw (references)")),
                "draw_ranking": AuditField(_l("Drawn order (references)")),
                "drawn_selected": AuditField(_l("Selected and invited (references)")),
            },
        ),
    },
    fields={
        "applications_purged": AuditField(_l("Applications whose personal data was deleted")),
        "application_retention_days": AuditField(_l("Days kept after the meeting")),
    },
)
