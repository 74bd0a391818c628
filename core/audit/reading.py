"""Audit entries as the office reads them: the action's label before the subject's title,
the record's kind, and each changed field with its label and its values in words.

`read_entries` turns a page of entries into `AuditLine`s with the vocabulary the
features registered (`core.audit.vocabulary`). The names of referenced records (a
meeting's organising body, an item's meeting) are loaded for the whole page at once,
one query per kind of record, so a page of 50 entries costs what a page of 5 does.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from markupsafe import escape
from sqlalchemy import select

from core.audit.models import SYSTEM_ACTOR_NAME, AuditEntry
from core.audit.vocabulary import (
    EMPTY,
    AuditField,
    Reference,
    Vocabulary,
    plain_value,
    vocabulary,
)
from core.web import content, with_content
from extensions import db


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str | None  # None when nothing was recorded before (the record was created)
    new: str


@dataclass(frozen=True)
class AuditLine:
    entry: AuditEntry
    who: str
    action: str  # the action's label, or its code when no feature labels it
    summary: str  # the label and the subject's title: "Submitted for review: …"
    record: str  # the kind of record, its number and what tells it apart
    changes: list[FieldChange]


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class NameBook:
    """The names of the records a page refers to, loaded with one query per model."""

    def __init__(self) -> None:
        self.wanted: dict[Reference, set[int]] = defaultdict(set)
        self.names: dict[tuple[Reference, int], str] = {}

    def want(self, reference: Reference, value: Any) -> None:
        if _is_id(value):
            self.wanted[reference].add(value)

    def load(self) -> None:
        by_model: dict[Any, list[Reference]] = defaultdict(list)
        for reference in self.wanted:
            by_model[reference.model].append(reference)
        for model, references in by_model.items():
            ids = set().union(*(self.wanted[reference] for reference in references))
            columns = [reference.column for reference in references]
            rows = db.session.execute(select(model.id, *columns).where(model.id.in_(ids)))
            for record_id, *values in rows:
                for reference, value in zip(references, values, strict=True):
                    if record_id in self.wanted[reference]:
                        self.names[reference, record_id] = reference.show(value)

    def name(self, reference: Reference, value: Any) -> str | None:
        return self.names.get((reference, value)) if _is_id(value) else None


def _changed_fields(entry: AuditEntry) -> list[tuple[str, Any, Any]]:
    before, after = entry.before or {}, entry.after or {}
    keys = list(dict.fromkeys([*before, *after]))
    return [
        (key, before.get(key), after.get(key)) for key in keys if before.get(key) != after.get(key)
    ]


def _show(field: AuditField | None, value: Any, names: NameBook) -> str:
    if value is None or value == "":
        return EMPTY
    if field is not None and field.refers_to is not None:
        return names.name(field.refers_to, value) or f"#{value}"
    if field is not None and field.show is not None:
        return field.show(value)
    return plain_value(value)


def _who(entry: AuditEntry) -> str:
    if entry.actor_id is None and entry.actor_name == SYSTEM_ACTOR_NAME:
        return _("System")
    return entry.actor_name


def read_entries(entries: Sequence[AuditEntry], words: Vocabulary | None = None) -> list[AuditLine]:
    """The entries in the reader's language, with the names they refer to loaded at once."""
    words = words or vocabulary()
    names = NameBook()
    for entry in entries:
        record = words.record_types.get(entry.subject_type)
        if record is not None and record.detail is not None:
            names.want(record.detail, entry.subject_id)
        for key, old, new in _changed_fields(entry):
            field = words.field(entry.subject_type, key)
            if field is not None and field.refers_to is not None:
                names.want(field.refers_to, old)
                names.want(field.refers_to, new)
    names.load()
    return [_line(entry, words, names) for entry in entries]


def _line(entry: AuditEntry, words: Vocabulary, names: NameBook) -> AuditLine:
    action = words.action_label(entry.action)
    title = (entry.summary or "").strip()
    record = escape(words.record_label(entry.subject_type))
    if entry.subject_id is not None:
        record = record + f" #{entry.subject_id}"
    kind = words.record_types.get(entry.subject_type)
    if kind is not None and kind.detail is not None:
        detail = names.name(kind.detail, entry.subject_id)
        if detail:
            record = record + " · " + content(detail)
    changes = []
    for key, old, new in _changed_fields(entry):
        field = words.field(entry.subject_type, key)
        changes.append(
            FieldChange(
                label=str(field.label) if field is not None else key,
                old=None if entry.before is None else _show(field, old, names),
                new=_show(field, new, names),
            )
        )
    return AuditLine(
        entry=entry,
        who=_who(entry),
        action=action,
        summary=with_content(_("%(action)s: %(title)s"), action=action, title=title)
        if title
        else action,
        record=record,
        changes=changes,
    )
