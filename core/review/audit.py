"""The audit log's words for confidentiality review (see `core.audit.vocabulary`). The
kinds of record that go through review are labelled by the features that own them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.audit.vocabulary import ActionGroup, AuditField, AuditVocabulary, labelled
from core.review.models import ReviewState

VOCABULARY = AuditVocabulary(
    actions=(
        ActionGroup(
            _l("Review"),
            {
                "review.submit": _l("Submitted for review"),
                "review.approve": _l("Approved and published"),
                "review.return": _l("Returned for changes"),
            },
        ),
    ),
    fields={
        "review_state": AuditField(_l("Review state"), labelled(ReviewState)),
        "note": AuditField(_l("Reviewer's note")),
    },
)
