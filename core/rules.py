"""The one way a domain rule refuses: `RuleBroken`, with the message for the person and the
form field it belongs next to; several problems found at once travel together.

Operations raise it; `core.runner` turns it into messages by their fields.
"""

from __future__ import annotations

from collections.abc import Sequence

Problem = tuple[str, str | None]  # (message for the person, form field or None)


class RuleBroken(ValueError):
    """A change that would break a rule; `field` names the form field the message belongs
    next to (None: a message for the whole form). `problems` holds every problem found,
    so a form shows them all at once rather than one per attempt."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.problems: list[Problem] = [(message, field)]

    @classmethod
    def all_of(cls, problems: Sequence[Problem]) -> RuleBroken:
        refusal = cls(*problems[0])
        refusal.problems = list(problems)
        return refusal

    def __str__(self) -> str:
        return " ".join(message for message, _field in self.problems)


def refuse_if_any(problems: Sequence[Problem]) -> None:
    """Raise every problem found together; do nothing when there are none."""
    if problems:
        raise RuleBroken.all_of(problems)
