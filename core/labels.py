"""Enums whose members people read: each member carries its translated label.

    class BodyLevel(LabelledEnum):
        DISTRICT = "district", _l("District")

`BodyLevel.DISTRICT.value` is what is stored ("district"); `.label` is what is shown, in
the reader's language.
"""

from __future__ import annotations

import enum
from typing import Any


class LabelledEnum(enum.StrEnum):
    """A string enum whose members are declared as `NAME = "value", lazy_label`."""

    _label: Any

    def __new__(cls, value: str, label: Any) -> LabelledEnum:
        member = str.__new__(cls, value)
        member._value_ = value
        member._label = label
        return member

    @property
    def label(self) -> str:
        return str(self._label)
