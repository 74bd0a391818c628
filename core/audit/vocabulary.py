"""The audit log's words: what its codes mean to the office reading it.

An entry is stored with codes (`meeting.update`, `Meeting`, `starts_at`, `"district"`,
`"2026-12-01T01:00:00+00:00"`); a reader sees "Meeting details changed", "Meeting",
"Starts", "District" and "2026-12-01 09:00", in their own language and in office time.
Core names none of a feature's words: each feature adds an `AuditVocabulary` to
`audit_vocabulary` in its `register(app)`, with labels for its actions, its record types
and the fields of its before/after snapshots, and says how a field's values read
(`labelled(BodyLevel)`, `yes_no`, `office_time_value`, or a `Reference` to another
record's name). A code without a label is shown as it is, so nothing is hidden.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import gettext as _

from core.extension_points import ExtensionPoint
from core.web import filesize, office_time

ValueShow = Callable[[Any], str]
EMPTY = "—"


@dataclass(frozen=True, eq=False)  # compared by identity: a column's == builds SQL
class Reference:
    """A field that holds another record's id, read as that record's name.

    `column` is the attribute that names it (`Body.name`); `show` turns its value into
    text (`lambda kind: kind.label` for an enum). The names a page needs are loaded for
    the whole page at once: one query per kind of record, whatever the number of rows.
    """

    column: Any
    show: Callable[[Any], str] = str

    @property
    def model(self) -> Any:
        return self.column.class_


@dataclass(frozen=True)
class AuditField:
    """A field of a before/after snapshot: its label, and how its values read (plain
    text when neither `show` nor `refers_to` is given)."""

    label: Any
    show: ValueShow | None = None
    refers_to: Reference | None = None


@dataclass(frozen=True)
class RecordType:
    """A kind of record the log speaks about (`Meeting`). `detail`, read from the record
    by its id, tells records of the type apart (a meeting change's kind); `fields`
    label fields that mean something else on this type than the shared ones."""

    label: Any
    detail: Reference | None = None
    fields: Mapping[str, AuditField] = field(default_factory=dict)


@dataclass(frozen=True)
class ActionGroup:
    """Actions shown together in the log's "what happened" filter, under `label`."""

    label: Any
    actions: Mapping[str, Any]


@dataclass(frozen=True)
class AuditVocabulary:
    """What one feature adds: its actions (in groups), record types and fields."""

    actions: tuple[ActionGroup, ...] = ()
    record_types: Mapping[str, RecordType] = field(default_factory=dict)
    fields: Mapping[str, AuditField] = field(default_factory=dict)


audit_vocabulary: ExtensionPoint[AuditVocabulary] = ExtensionPoint("audit_vocabulary")


class Vocabulary:
    """Every contribution to the current app, merged. A code registered twice is a
    mistake (two features would disagree on what it means), so it is refused."""

    def __init__(self, contributions: Iterable[AuditVocabulary]) -> None:
        self.groups: list[ActionGroup] = []
        self.actions: dict[str, Any] = {}
        self.record_types: dict[str, RecordType] = {}
        self.fields: dict[str, AuditField] = {}
        for contribution in contributions:
            self.groups.extend(contribution.actions)
            for group in contribution.actions:
                _merge(self.actions, group.actions, "action")
            _merge(self.record_types, contribution.record_types, "record type")
            _merge(self.fields, contribution.fields, "field")

    def action_label(self, action: str) -> str:
        label = self.actions.get(action)
        return str(label) if label is not None else action

    def record_label(self, subject_type: str) -> str:
        record = self.record_types.get(subject_type)
        return str(record.label) if record is not None else subject_type

    def field(self, subject_type: str, name: str) -> AuditField | None:
        """The field as the record type defines it, else the shared one, else None."""
        record = self.record_types.get(subject_type)
        if record is not None and name in record.fields:
            return record.fields[name]
        return self.fields.get(name)


def _merge(into: dict[str, Any], new: Mapping[str, Any], what: str) -> None:
    for code, value in new.items():
        if code in into and into[code] is not value:
            raise ValueError(f"The audit {what} {code!r} is registered twice.")
        into[code] = value


def vocabulary() -> Vocabulary:
    """The current app's audit vocabulary."""
    return Vocabulary(audit_vocabulary.contributions())


# How values read. Each takes the value as stored in the JSON snapshot.


def yes_no(value: Any) -> str:
    return _("Yes") if value else _("No")


def office_time_value(value: Any) -> str:
    """A stored ISO time as the office's wall clock, `yyyy-MM-dd HH:mm`."""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if moment.tzinfo is None:  # a day, or a time from before times carried their zone
        return str(value)
    return office_time(moment)


def file_size(value: Any) -> str:
    return filesize(value) if isinstance(value, int) else str(value)


def labelled(enum_class: type[enum.Enum]) -> ValueShow:
    """A stored enum value as its member's label (`core.labels.LabelledEnum`)."""

    def show(value: Any) -> str:
        try:
            return enum_class(value).label
        except ValueError:  # a value an earlier version stored
            return str(value)

    return show


def plain_value(value: Any) -> str:
    """A value no field says how to read: text, with Yes/No and "—" for empty."""
    if value is None or value == "" or value == [] or value == {}:
        return EMPTY
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, list):
        return ", ".join(plain_value(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{key}: {plain_value(item)}" for key, item in value.items())
    return str(value)
