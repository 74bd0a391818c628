"""The audit log's words for the annual report (see `core.audit.vocabulary`)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.audit.vocabulary import ActionGroup, AuditField, AuditVocabulary, RecordType

VOCABULARY = AuditVocabulary(
    actions=(
        ActionGroup(
            _l("Annual reports"),
            {
                "annual_report.create": _l("Annual report: an edition prepared"),
                "annual_report.recount": _l("Annual report: figures counted again"),
            },
        ),
    ),
    record_types={
        "AnnualReport": RecordType(
            _l("Annual openness report"),
            fields={
                "number": AuditField(_l("Edition")),
                "correction_note": AuditField(_l("What changed in this edition")),
            },
        ),
    },
)
