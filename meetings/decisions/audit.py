"""The audit log's words for decisions, their corrections and images, meeting summaries
and the conclusion their publication brings (see `core.audit.vocabulary`)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from core.audit.vocabulary import (
    ActionGroup,
    AuditField,
    AuditVocabulary,
    RecordType,
    labelled,
    office_time_value,
)
from meetings.decisions.models import DecisionOutcome


def _documents(value: Any) -> str:
    pairs = value if isinstance(value, list) else []
    return "; ".join(f"{pair[0]} {pair[1]}" for pair in pairs if len(pair) == 2) or "—"


TEXT_FIELDS = {
    "title": AuditField(_l("Title")),
    "outcome": AuditField(_l("Outcome"), labelled(DecisionOutcome)),
    "text": AuditField(_l("What was decided")),
    "dissent": AuditField(_l("Dissent recorded at the meeting")),
    "interpretation": AuditField(_l("Policy interpretation")),
    "comments_used": AuditField(_l("How public comments were used")),
    "documents": AuditField(_l("Final documents"), _documents),
    "correction_note": AuditField(_l("Correction note")),
    "number": AuditField(_l("Version")),
}

VOCABULARY = AuditVocabulary(
    actions=(
        ActionGroup(
            _l("Decisions"),
            {
                "decision.create": _l("Decision recorded"),
                "decision.update": _l("Decision text changed"),
                "decision.correct": _l("Correction of a published decision started"),
                "decision.discard_correction": _l("Correction of a decision discarded"),
                "decision.add_image": _l("Image added to a policy interpretation"),
                "meeting_summary.create": _l("Meeting summary written"),
                "meeting_summary.update": _l("Meeting summary changed"),
                "meeting.concluded_by_decisions": _l(
                    "Meeting concluded: every public item's decision is published"
                ),
            },
        ),
    ),
    record_types={
        "Decision": RecordType(_l("Decision")),
        "DecisionVersion": RecordType(_l("Text of a decision"), fields=TEXT_FIELDS),
        "DecisionTerm": RecordType(_l("Search index of decisions")),
        "DecisionText": RecordType(_l("Search index of decisions")),
        "DecisionImage": RecordType(
            _l("Image of a policy interpretation"),
            fields={
                "alt": AuditField(_l("What the image shows")),
                "original_name": AuditField(_l("File name")),
            },
        ),
        "MeetingSummary": RecordType(
            _l("Meeting summary"),
            fields={
                "text": AuditField(_l("Summary")),
                "number": AuditField(_l("Version")),
                "correction_note": AuditField(_l("Correction note")),
            },
        ),
    },
    fields={"concluded_at": AuditField(_l("Concluded on"), office_time_value)},
)
