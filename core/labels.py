"""Enums whose members people read: each enum declares its own translated labels."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any


class LabelledEnum(enum.StrEnum):
    """An enum stored as its string value and shown by its translated label.

    A subclass defines `labels()`, mapping each member to a lazy translation, next to the
    members themselves, so no shared table has to be extended from elsewhere.
    """

    @classmethod
    def labels(cls) -> Mapping[Any, Any]:
        raise NotImplementedError(f"{cls.__name__} must define labels()")

    @property
    def label(self) -> str:
        return str(type(self).labels()[self])
