"""The invitee's answer at their private link."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from core.forms import BaseForm
from engagement.sitting_in.models import MAX_NOTE_LENGTH


class AnswerForm(BaseForm):
    answer = RadioField(
        _l("Will you come"),
        choices=[("accept", _l("Yes, I will come")), ("decline", _l("No, I cannot come"))],
        validators=[InputRequired(_l("Choose yes or no."))],
    )
    note = TextAreaField(
        _l("Note for the office (optional)"),
        description=_l("For example: who comes in your place, or what you need to attend."),
        validators=[Optional(), Length(max=MAX_NOTE_LENGTH)],
    )
    name_public = BooleanField(
        _l("If I sit in, the meeting's public page may show my name"),
        description=_l("Otherwise it shows “Resident representative” and your community."),
    )
