"""The one staff form of the report: count the figures into an edition."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import Length, Optional

from core.forms import BaseForm


class PrepareForm(BaseForm):
    correction_note = TextAreaField(
        _l("What changed in this edition, shown to the public"),
        description=_l("For example: the figures of the whole year, now that it is over."),
        validators=[Optional(), Length(max=2000)],
    )
