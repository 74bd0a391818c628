"""Forms of the staff pages for bodies, meetings, agendas and live updates."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import (
    URL,
    DataRequired,
    InputRequired,
    Length,
    Optional,
    Regexp,
    ValidationError,
)

from core.forms import (
    BaseForm,
    NumberRange,
    OfficeTimeField,
    end_after_start,
    public_reason,
    reasonable_year,
)
from meetings.models import BodyLevel, Visibility


class BodyForm(BaseForm):
    name = StringField(
        _l("Name"), validators=[DataRequired(_l("Enter the body's name.")), Length(max=200)]
    )
    level = SelectField(
        _l("Level"), choices=lambda: [(level.value, level.label) for level in BodyLevel]
    )
    slug = StringField(
        _l("Address name"),
        description=_l("Used in calendar addresses; lower-case letters, digits and dashes."),
        validators=[
            DataRequired(_l("Enter an address name.")),
            Length(max=64),
            Regexp(r"^[a-z0-9-]+$", message=_l("Use lower-case letters, digits and dashes only.")),
        ],
    )
    default_venue = StringField(_l("Usual venue"), validators=[Optional(), Length(max=200)])


class MeetingForm(BaseForm):
    body_id = SelectField(_l("Organising body"), coerce=int)
    title = StringField(
        _l("Title"),
        description=_l("For example: the 19th executive meeting of the district in 2026"),
        validators=[DataRequired(_l("Enter the meeting's title.")), Length(max=200)],
    )
    session_number = IntegerField(
        _l("Session number in the year (optional)"),
        validators=[
            Optional(),
            NumberRange(min=1, max=999, message=_l("Enter a number from 1 to 999.")),
        ],
    )
    starts_at = OfficeTimeField(
        _l("Starts (office time)"),
        validators=[DataRequired(_l("Enter a start date and time.")), reasonable_year],
    )
    ends_at = OfficeTimeField(
        _l("Ends (office time)"),
        validators=[
            DataRequired(_l("Enter an end date and time.")),
            end_after_start("starts_at"),
            reasonable_year,
        ],
    )
    venue = StringField(
        _l("Venue"),
        description=_l("Leave empty to use the body's usual venue."),
        validators=[Optional(), Length(max=200)],
    )
    livestream_url = URLField(
        _l("Livestream address (optional)"),
        validators=[
            Optional(),
            URL(require_tld=False, message=_l("Enter a full web address starting with https://")),
            Regexp(r"^https?://", message=_l("Enter a full web address starting with https://")),
            Length(max=500),
        ],
    )
    sit_in_open = BooleanField(_l("Residents may apply to sit in"))
    sit_in_places = IntegerField(
        _l("Places for residents"),
        default=0,
        validators=[
            Optional(),
            NumberRange(min=0, max=500, message=_l("Enter a number from 0 to 500.")),
        ],
    )
    notes = TextAreaField(_l("Notes for the public"), validators=[Optional(), Length(max=5000)])

    def validate_sit_in_places(self, field: IntegerField) -> None:
        if self.sit_in_open.data and not field.data:
            raise ValidationError(_l("Say how many residents may sit in."))


class AgendaItemForm(BaseForm):
    title = StringField(
        _l("Title"), validators=[DataRequired(_l("Enter the item's title.")), Length(max=300)]
    )
    summary = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=5000)])
    sponsor = StringField(_l("Sponsoring department"), validators=[Optional(), Length(max=200)])
    presenter = StringField(_l("Presenter"), validators=[Optional(), Length(max=100)])
    is_major_decision = BooleanField(_l("Major decision"))
    visibility = RadioField(
        _l("Visibility"),
        choices=lambda: [(v.value, v.label) for v in Visibility],
        default=Visibility.PUBLIC.value,
    )
    withheld_basis = TextAreaField(
        _l("Legal basis for withholding"),
        description=_l(
            "Shown to the public in place of the item, e.g. Article 14 of the Regulations on "
            "the Disclosure of Government Information."
        ),
        validators=[Length(max=1000)],
    )

    def validate_withheld_basis(self, field: TextAreaField) -> None:
        if self.visibility.data == Visibility.WITHHELD.value and not (field.data or "").strip():
            raise ValidationError(_l("Give the legal basis for withholding the item."))


class DocumentForm(BaseForm):
    document = FileField(
        _l("Document"),
        description=_l("PDF, Word, Excel, PowerPoint, OpenDocument, PNG or JPEG; up to 20 MB."),
        validators=[InputRequired(_l("Choose a file."))],
    )


class PostponeForm(BaseForm):
    new_starts_at = OfficeTimeField(
        _l("New start (office time)"),
        validators=[DataRequired(_l("Enter a start date and time.")), reasonable_year],
    )
    new_ends_at = OfficeTimeField(
        _l("New end (office time)"),
        validators=[
            DataRequired(_l("Enter an end date and time.")),
            end_after_start("new_starts_at"),
            reasonable_year,
        ],
    )
    reason = public_reason()


class ReasonForm(BaseForm):
    reason = public_reason()


class OptionalReasonForm(BaseForm):
    reason = TextAreaField(
        _l("Note (optional, shown to the public)"), validators=[Optional(), Length(max=1000)]
    )


class RetitleForm(BaseForm):
    new_title = StringField(
        _l("New title"), validators=[DataRequired(_l("Enter the new title.")), Length(max=300)]
    )
    reason = TextAreaField(
        _l("Note (optional, shown to the public)"), validators=[Optional(), Length(max=1000)]
    )


class LiveUpdateForm(BaseForm):
    text = TextAreaField(
        _l("Update"),
        validators=[DataRequired(_l("Write the update.")), Length(max=1000)],
    )
    agenda_item_id = SelectField(_l("About agenda item (optional)"), coerce=int, default=0)
    image = FileField(_l("Image (optional)"), description=_l("PNG or JPEG, up to 5 MB."))
    image_alt = TextAreaField(
        _l("What the image shows (required with an image)"),
        description=_l(
            "Read out to people who cannot see the image, e.g. “The district head speaks; "
            "resident representatives listen in the front row.”"
        ),
        validators=[Length(max=300)],
        render_kw={"rows": 2},
    )

    def validate_image_alt(self, field: TextAreaField) -> None:
        if self.image.data and not (field.data or "").strip():
            raise ValidationError(_l("Describe what the image shows."))


class LiveCorrectionForm(BaseForm):
    text = TextAreaField(
        _l("Corrected text"), validators=[DataRequired(_l("Write the update.")), Length(max=1000)]
    )
