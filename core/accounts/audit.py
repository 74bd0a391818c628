"""The audit log's words for staff accounts (see `core.audit.vocabulary`)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.accounts.models import Role
from core.audit.vocabulary import (
    ActionGroup,
    AuditField,
    AuditVocabulary,
    RecordType,
    labelled,
    office_time_value,
)

VOCABULARY = AuditVocabulary(
    actions=(
        ActionGroup(
            _l("Staff accounts"),
            {
                "staff.create": _l("Account created"),
                "staff.update": _l("Account changed"),
                "staff.disable": _l("Account disabled"),
                "staff.enable": _l("Account enabled"),
                "staff.reset_password": _l("Password reset"),
                "staff.login": _l("Signed in"),
                "staff.logout": _l("Signed out"),
            },
        ),
    ),
    record_types={
        "User": RecordType(_l("Staff account")),
        "StaffSession": RecordType(_l("Sign-in session")),
        "RecoveredForm": RecordType(_l("Form kept after a sign-in ended")),
    },
    fields={
        "username": AuditField(_l("User name")),
        "display_name": AuditField(_l("Full name")),
        "email": AuditField(_l("Email")),
        "role": AuditField(_l("Role"), labelled(Role)),
        "disabled_at": AuditField(_l("Disabled at"), office_time_value),
    },
)
