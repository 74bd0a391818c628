"""Forms of the staff meeting pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class MeetingForm(FlaskForm):
    body_id = SelectField(_l("Organising body"), coerce=int)
    title = StringField(
        _l("Title"),
        description=_l("For example: 2026年第19次区政府常务会议"),
        validators=[DataRequired(_l("Enter the meeting's title.")), Length(max=200)],
    )
    starts_at = DateTimeLocalField(
        _l("Starts (office time)"),
        format=DATETIME_FORMAT,
        validators=[DataRequired(_l("Enter a start date and time."))],
    )
    ends_at = DateTimeLocalField(
        _l("Ends (office time)"),
        format=DATETIME_FORMAT,
        validators=[DataRequired(_l("Enter an end date and time."))],
    )
    venue = StringField(_l("Venue"), validators=[Optional(), Length(max=200)])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000)])

    def validate_ends_at(self, field: DateTimeLocalField) -> None:
        if self.starts_at.data and field.data and field.data <= self.starts_at.data:
            raise ValidationError(_l("The end must be after the start."))
