"""Forms of the decision pages: a decision's text, a correction, an image, the summary,
and the public list's filters."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import Field, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from core.forms import BaseForm
from meetings.decisions.models import DecisionOutcome

MAX_TEXT = 20_000
MAX_DOCUMENTS = 20
_ADDRESS = re.compile(r"https?://[^\s<>\"]+", re.IGNORECASE)


def parse_documents(value: str) -> list[list[str]]:
    """One final document per line: its name, then its address (http or https)."""
    documents = []
    for number, line in enumerate(value.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        name, _space, address = line.rpartition(" ")
        if not _ADDRESS.fullmatch(address) or not name.strip():
            raise ValueError(number)
        documents.append([name.strip()[:200], address[:500]])
    return documents


def format_documents(documents: list[list[str]]) -> str:
    return "\n".join(f"{name} {address}" for name, address in documents or [])


class DocumentsField(TextAreaField):
    """Final documents as lines of "name address"; the value is the list of pairs."""

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return format_documents(self.data or [])

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = []
        if valuelist:
            try:
                self.data = parse_documents(valuelist[0])
            except ValueError as line:
                self.data = None
                raise ValueError(
                    _l(
                        "Line %(line)s: write the document's name, a space, then its address "
                        "starting with https:// or http://.",
                        line=line.args[0],
                    )
                ) from None
        if self.data is not None and len(self.data) > MAX_DOCUMENTS:
            raise ValueError(_l("List at most %(count)d documents.", count=MAX_DOCUMENTS))


class DecisionForm(BaseForm):
    title = StringField(
        _l("Title"),
        description=_l("The agenda item's title, unless the decision is better named."),
        validators=[DataRequired(_l("Enter the decision's title.")), Length(max=300)],
    )
    outcome = SelectField(_l("Outcome"), choices=[])
    text = TextAreaField(
        _l("What was decided"),
        description=_l("The decision as recorded at the meeting."),
        validators=[DataRequired(_l("Write what was decided.")), Length(max=MAX_TEXT)],
        render_kw={"rows": 6},
    )
    dissent = TextAreaField(
        _l("Dissent recorded at the meeting (optional)"),
        validators=[Optional(), Length(max=MAX_TEXT)],
        render_kw={"rows": 3},
    )
    interpretation = TextAreaField(
        _l("Policy interpretation"),
        description=_l(
            "In plain words for residents: what it means for them and when. Markdown: "
            "## for a heading, - for a list, ![what it shows](address) for an image uploaded "
            "below."
        ),
        validators=[Optional(), Length(max=MAX_TEXT)],
        render_kw={"rows": 14},
    )
    comments_used = TextAreaField(
        _l("How public comments were used (for an item that was put out for comment)"),
        validators=[Optional(), Length(max=MAX_TEXT)],
        render_kw={"rows": 5},
    )
    documents = DocumentsField(
        _l("Final documents (optional)"),
        description=_l(
            "One per line: its name, a space, then its address (https://… or http://…)."
        ),
    )
    correction_note = TextAreaField(
        _l("Correction note, shown to the public"),
        description=_l("What was corrected and why."),
        validators=[Optional(), Length(max=2000)],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Labels are read when the form is made, so they follow the reader's language.
        self.outcome.choices = [(outcome.value, outcome.label) for outcome in DecisionOutcome]

    def values(self, *, correction: bool) -> dict[str, Any]:
        values = {
            "title": self.title.data,
            "outcome": DecisionOutcome(self.outcome.data),
            "text": self.text.data,
            "dissent": self.dissent.data or None,
            "interpretation": self.interpretation.data or "",
            "comments_used": self.comments_used.data or None,
            "documents": self.documents.data or [],
        }
        if correction:
            values["correction_note"] = self.correction_note.data or None
        return values


def _one_line(form: BaseForm, field: Field) -> None:
    if field.data and ("\n" in field.data or "]" in field.data or "[" in field.data):
        raise ValidationError(_l("Write it on one line, without square brackets."))


class DecisionImageForm(BaseForm):
    image = FileField(_l("Image (PNG or JPEG)"))
    alt = StringField(
        _l("What the image shows"),
        description=_l("Read out to people who cannot see it."),
        validators=[
            DataRequired(_l("Say what the image shows, for people who cannot see it.")),
            Length(max=300),
            _one_line,
        ],
    )


class SummaryForm(BaseForm):
    text = TextAreaField(
        _l("Meeting summary"),
        description=_l(
            "The summary of the meeting as a whole, for the press and the public. Markdown."
        ),
        validators=[DataRequired(_l("Write the summary.")), Length(max=MAX_TEXT)],
        render_kw={"rows": 10},
    )
    correction_note = TextAreaField(
        _l("Correction note, shown to the public"),
        description=_l("What was corrected and why."),
        validators=[Optional(), Length(max=2000)],
    )
