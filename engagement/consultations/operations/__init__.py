"""Changes to consultations (`consultations`), comments (`comments`) and feedback reports
(`feedback`).

Operations flush and write the audit log; the caller commits (and then sends any mail
queued here).
"""

from engagement.consultations.operations.comments import (
    RECEIPT_PREFIX,
    RETENTION,
    answer_comment,
    enter_comment,
    moderate_comments,
    not_taking_comments_message,
    purge_personal_data,
    receipt_for,
    submit_comment,
)
from engagement.consultations.operations.consultations import (
    CONSULTATION_FIELDS,
    attach_consultation_document,
    ensure_feedback_open,
    extend_consultation,
    open_consultation,
    update_consultation,
)
from engagement.consultations.operations.feedback import save_feedback_report

__all__ = [
    "CONSULTATION_FIELDS",
    "RECEIPT_PREFIX",
    "RETENTION",
    "answer_comment",
    "not_taking_comments_message",
    "attach_consultation_document",
    "ensure_feedback_open",
    "enter_comment",
    "extend_consultation",
    "moderate_comments",
    "open_consultation",
    "purge_personal_data",
    "receipt_for",
    "save_feedback_report",
    "submit_comment",
    "update_consultation",
]
