"""The audit log's words for consultations, comments and feedback reports (see
`core.audit.vocabulary`), registered in `consultations.register`."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core.audit.vocabulary import (
    ActionGroup,
    AuditField,
    AuditVocabulary,
    RecordType,
    labelled,
    office_time_value,
    plain_value,
)
from engagement.consultations.models import MIN_PERIOD_DAYS, Channel, CommentStatus, Disposition
from meetings.audit import DOCUMENT_FIELDS


def disposition_counts_text(counts: Any) -> str:
    """A feedback report's counts (`disposition_counts`) in words, dispositions first."""
    if not isinstance(counts, dict):
        return plain_value(counts)
    labels = {disposition.value: disposition.label for disposition in Disposition} | {
        "undecided": _("No disposition yet"),
        "received": _("Received in all"),
        "rejected": _("Not published"),
        "awaiting": _("Awaiting moderation"),
    }
    return " · ".join(
        _("%(label)s: %(count)s", label=labels.get(key, key), count=count)
        for key, count in counts.items()
    )


VOCABULARY = AuditVocabulary(
    actions=(
        ActionGroup(
            _l("Consultations"),
            {
                "consultation.create": _l("Consultation prepared"),
                "consultation.update": _l("Consultation edited"),
                "consultation.attach": _l("Document attached to a consultation"),
                "consultation.extend": _l("Comment period extended"),
                "consultation.open_at_approval": _l("Comment period opened at approval"),
            },
        ),
        ActionGroup(
            _l("Comments"),
            {
                "comment.receive": _l("Comment received"),
                "comment.enter": _l("Comment entered by staff"),
                "comment.publish": _l("Comment published"),
                "comment.reject": _l("Comment not published"),
                "comment.answer": _l("Comment answered"),
                "comment.purge_personal_data": _l(
                    "Personal data deleted after the retention period"
                ),
            },
        ),
        ActionGroup(
            _l("Feedback reports"),
            {"feedback.save": _l("Feedback report saved")},
        ),
    ),
    record_types={
        "Consultation": RecordType(_l("Consultation")),
        "ConsultationDocument": RecordType(_l("Consultation document"), fields=DOCUMENT_FIELDS),
        "Comment": RecordType(_l("Comment")),
        "FeedbackReport": RecordType(
            _l("Feedback report"),
            fields={
                "summary": AuditField(_l("Summary of the comments and how they were used")),
                "counts": AuditField(_l("Comments by disposition"), disposition_counts_text),
            },
        ),
    },
    fields={
        # consultations
        "draft_text": AuditField(_l("Draft text")),
        "explanation": AuditField(_l("Explanation of the draft")),
        "other_channels": AuditField(_l("Other ways to comment")),
        "opens_at": AuditField(_l("Opens"), office_time_value),
        "closes_at": AuditField(_l("Closes"), office_time_value),
        "short_period_reason": AuditField(
            _l("Reason for a period shorter than %(days)d days", days=MIN_PERIOD_DAYS)
        ),
        # comments
        "status": AuditField(_l("Status"), labelled(CommentStatus)),
        "channel": AuditField(_l("Received by"), labelled(Channel)),
        "received_at": AuditField(_l("Received"), office_time_value),
        "reply": AuditField(_l("Reply")),
        "disposition": AuditField(_l("Disposition"), labelled(Disposition)),
        "disposition_reason": AuditField(_l("Reason for the disposition")),
        "comments_purged": AuditField(_l("Comments whose personal data was deleted")),
    },
)
