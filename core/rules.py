"""The one way a domain rule refuses: `RuleBroken`, with the message for the person and the
form field it belongs next to.

Operations raise it; `core.runner.run_operation` turns it into a message by its field.
"""

from __future__ import annotations


class RuleBroken(ValueError):
    """A change that would break a rule; `field` names the form field the message belongs
    next to (None: a message for the whole form)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field
