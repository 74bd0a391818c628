"""A long form asked one thing at a time, as elder-friendly mode (长辈模式) asks for it: only
the current step's fields are shown, every other answer travels in the page as a hidden
input, and "Next step" checks only what the step asks. The last step shows every answer
with a button to change it, above the form's own send button.

Nothing is stored before the last step: a step's button (`ACTION`) never reaches the
form's operation, and the last step's send is the form's ordinary submission, validated
whole again, so an answer changed in the page on its way is checked like any other. Drawn
by `templates/_steps.html`; the view decides nothing but to call `move` when a step's
button was pressed (`pressed`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask import request
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import Field
from wtforms.widgets import CheckboxInput, HiddenInput

# The pressed button: "next", "back", or "change-<n>" (back to step n, counted from 0).
ACTION = "step_action"
# The step shown when the form was sent, counted from 0 (a hidden input).
POSITION = "step"


@dataclass(frozen=True)
class Step:
    """One page of the walk: what it is about, and the names of the fields it asks."""

    title: Any  # a lazy string
    fields: tuple[str, ...]


@dataclass(frozen=True)
class Answer:
    """One answer on the last step's summary, and the step that asks it."""

    step: int
    label: str
    value: str
    long: bool  # a text area's answer keeps its lines


def _checkbox(field: Field) -> bool:
    return isinstance(field.widget, CheckboxInput)


def _position() -> int:
    try:
        return int(request.form.get(POSITION, "0"))
    except ValueError:
        return 0


class Steps:
    """`form` walked through `steps` (those whose fields the form has; a field the form
    dropped, such as an ID number an open day does not ask for, drops its step)."""

    def __init__(self, form: FlaskForm, steps: Sequence[Step]) -> None:
        self.form = form
        self.steps = [
            Step(step.title, present)
            for step in steps
            if (present := tuple(name for name in step.fields if name in form))
        ]
        sent = request.method == "POST"
        self.index = min(max(_position(), 0), len(self.steps) - 1) if sent else 0
        self.after_a_step = sent  # focus goes to the step, not left at the page's top

    @property
    def pressed(self) -> bool:
        """A step's button was pressed: move, store nothing."""
        return request.method == "POST" and ACTION in request.form

    def move(self) -> int:
        """Go where the pressed button says; "Next step" only once this step's answers
        pass their checks. The status to answer with: 422 when they do not."""
        action = request.form.get(ACTION, "")
        if action == "back":
            self.index = max(self.index - 1, 0)
        elif action.startswith("change-") and action[7:].isdigit():
            self.index = min(int(action[7:]), self.index)  # only back to an earlier step
        elif action == "next":
            if not self._valid(self.steps[self.index]):
                return 422
            self.index = min(self.index + 1, len(self.steps) - 1)
        return 200

    def _valid(self, step: Step) -> bool:
        """Check only this step's fields, with the form's own `validate_<name>` too."""
        valid = True
        for name in step.fields:
            inline = getattr(type(self.form), f"validate_{name}", None)
            valid &= self.form[name].validate(self.form, [inline] if inline else [])
        return valid

    # What the page shows

    @property
    def shown(self) -> int:
        """The step on the page: the first with an answer refused (the whole form is checked
        again on sending), else the one reached."""
        for number, step in enumerate(self.steps):
            if any(self.form[name].errors for name in step.fields):
                return number
        return self.index

    @property
    def current(self) -> Step:
        return self.steps[self.shown]

    @property
    def count(self) -> int:
        return len(self.steps)

    @property
    def number(self) -> int:
        return self.shown + 1

    @property
    def is_last(self) -> bool:
        return self.shown == len(self.steps) - 1

    def fields(self) -> list[Field]:
        """The shown step's fields; after a step, the first refused (or the first) is given
        focus, so the reader is at the step rather than at the top of the page. The last
        step, which starts with the summary, focuses its heading instead (`focus_heading`)."""
        fields = [self.form[name] for name in self.current.fields]
        refused = [field for field in fields if field.errors]
        if self.after_a_step and (refused or not self.is_last):
            focused = (refused or fields)[0]
            focused.render_kw = {**(focused.render_kw or {}), "autofocus": True}
        return fields

    @property
    def focus_heading(self) -> bool:
        return self.after_a_step and self.is_last and not self.refused_here

    @property
    def refused_here(self) -> list[Field]:
        return [self.form[name] for name in self.current.fields if self.form[name].errors]

    def refused_elsewhere(self) -> list[tuple[int, Field]]:
        """Answers refused on other steps (a final check that found more than one)."""
        return [
            (number, self.form[name])
            for number, step in enumerate(self.steps)
            if number != self.shown
            for name in step.fields
            if self.form[name].errors
        ]

    def carried(self) -> list[tuple[str, str]]:
        """Every other answer, as (name, value) hidden inputs; an unticked box is absent,
        as a browser sends it. The form's own hidden fields (its token and key) are drawn
        by the page, which may fill them for each visitor."""
        shown = set(self.current.fields)
        kept = []
        for field in self.form:
            if field.name in shown or isinstance(field.widget, HiddenInput):
                continue
            if _checkbox(field):
                if field.data:
                    kept.append((field.name, "y"))
            else:
                kept.append((field.name, field._value()))
        return kept

    def answers(self) -> list[Answer]:
        """Every answer of the steps before the last, for the summary."""
        listed = []
        for number, step in enumerate(self.steps[:-1]):
            for name in step.fields:
                field = self.form[name]
                if _checkbox(field):
                    value = _("Yes") if field.data else _("No")
                else:
                    value = field._value() or _("Not given")
                listed.append(
                    Answer(number, field.label.text, value, field.type == "TextAreaField")
                )
        return listed
