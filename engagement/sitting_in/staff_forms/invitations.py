"""Staff forms for a meeting's invitations: places per category, choosing people,
withdrawing, substituting, attendance."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from core.forms import BaseForm, NumberRange
from engagement.sitting_in.models import Category


class QuotaForm(BaseForm):
    """One number field per category, named places_<category>, labelled in the reader's
    language (the labels are read when the form is made, not when this module is)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for category in Category:
            self[f"places_{category.value}"].label.text = str(category.label)


for _category in Category:
    setattr(
        QuotaForm,
        f"places_{_category.value}",
        IntegerField(
            _category.label,
            validators=[
                InputRequired(_l("Enter a number of places (0 for none).")),
                NumberRange(min=0, max=500, message=_l("Between 0 and 500 places.")),
            ],
        ),
    )


class InviteForm(BaseForm):
    """People ticked in the search results; `q` keeps the search."""

    q = StringField(_l("Find people"), validators=[Optional(), Length(max=100)])
    people = SelectMultipleField(
        _l("Tick the people to invite"),
        coerce=int,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validate_choice=False,
    )


class WithdrawForm(BaseForm):
    reason = TextAreaField(
        _l("Reason (told to the person)"),
        validators=[DataRequired(_l("Give the reason; the person is told.")), Length(max=500)],
    )


class SubstituteForm(BaseForm):
    person_id = HiddenField()
    q = StringField(
        _l("Find the person who comes instead"), validators=[Optional(), Length(max=100)]
    )
