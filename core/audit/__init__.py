"""The audit log: who changed what, when. `models` has the entry and `record_change`;
`views` the staff page that reads it."""

from core.audit.models import AuditEntry, record_change, snapshot, subject_type_of

__all__ = ["AuditEntry", "record_change", "snapshot", "subject_type_of"]
