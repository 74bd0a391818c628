"""The audit log: who changed what, when. `models` has the entry and `record_change`;
`vocabulary` the words features register for their codes (`audit_vocabulary`);
`reading` turns entries into what the office reads; `forms` and `views` the staff page."""

from core.audit.models import AuditEntry, record_change, snapshot, subject_type_of

__all__ = ["AuditEntry", "record_change", "snapshot", "subject_type_of"]
