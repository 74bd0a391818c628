"""What every form of the product shares: cleaned text, office-time fields, the public
reason that goes with a public change, mainland mobile numbers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from flask import has_request_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import DateField, DateTimeLocalField, Field, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError
from wtforms.validators import NumberRange as WTFormsNumberRange
from wtforms.widgets import HiddenInput

from core.accounts.recovery import kept_formdata
from core.clock import office_zone, to_office_time
from core.phones import normalise_phone

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class NumberRange(WTFormsNumberRange):
    """wtforms' range check, also for a number too long for a float (hundreds of digits),
    where wtforms' own NaN test raises OverflowError: such a number is out of range."""

    def __call__(self, form: Any, field: Field) -> None:
        try:
            super().__call__(form, field)
        except OverflowError:
            raise ValidationError(self.message or _("The number is out of range.")) from None


class OfficeTimeField(DateTimeLocalField):
    """A date and time on the office's wall clock, however it reaches the form.

    WTForms converts a stored (aware) time to the office zone to show it and gives typed
    values the office zone (`tz`), so opening an edit form and saving it unchanged stores
    the same instant. A time with seconds is shown with its seconds, so they survive too.
    """

    def __init__(self, label: object = None, validators: object = None, **kwargs: object):
        kwargs.setdefault("format", [DATETIME_FORMAT, DATETIME_FORMAT + ":%S"])
        kwargs.setdefault("tz", office_zone)
        super().__init__(label, validators, **kwargs)

    def _has_seconds(self) -> bool:
        return isinstance(self.data, datetime) and bool(self.data.second) and not self.raw_data

    def _value(self) -> str:
        if self._has_seconds():
            return to_office_time(self.data).strftime(DATETIME_FORMAT + ":%S")
        return super()._value()

    def __call__(self, **kwargs: object) -> Markup:
        if self._has_seconds():
            kwargs.setdefault("step", 1)  # the browser accepts a value with seconds
        return super().__call__(**kwargs)

    @property
    def utc(self) -> datetime | None:
        """The typed or stored instant, as stored: aware UTC."""
        return self.data.astimezone(UTC) if self.data else None


class DayField(DateField):
    """A day typed as year-month-day (a date input, or the address of a filtered page);
    anything else gets a message in the reader's language, next to the field."""

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(
                _l("Enter the date as year-month-day, for example 2026-05-01.")
            ) from None


def clean_text(value: object) -> object:
    """Text as the server stores and counts it: no NUL characters (PostgreSQL refuses them)
    and one character per line break, as the browser's counter shows."""
    if isinstance(value, str):
        return value.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")
    return value


class BaseForm(FlaskForm):
    """Every form of the product: its text fields are cleaned before they are validated,
    and a staff form opens with what its sender typed when their sign-in had ended before
    it was saved (`core.accounts.recovery`)."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            filters = unbound_field.kwargs.get("filters", ())
            unbound_field.kwargs["filters"] = (clean_text, *filters)
            return unbound_field.bind(form=form, **options)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not args and "formdata" not in kwargs and has_request_context():
            kept = kept_formdata({field.name for field in self})
            if kept is not None:
                self.process(formdata=kept)

    def hidden_tag(self, *fields: Any) -> Markup:
        """The form's hidden fields (`fields`, by field or name, or all), without ids: a page
        with two forms would otherwise repeat `id="csrf_token"`, and no label points at a
        hidden field."""
        chosen = (getattr(self, f, None) if isinstance(f, str) else f for f in fields or self)
        hidden = [f for f in chosen if f is not None and isinstance(f.widget, HiddenInput)]
        return Markup("\n").join(f(id=False) for f in hidden)


def public_reason() -> TextAreaField:
    """The required reason that accompanies a public change and is shown with it."""
    return TextAreaField(
        _l("Reason (shown to the public)"),
        validators=[
            DataRequired(_l("Give the reason; it is shown to the public.")),
            Length(max=1000),
        ],
    )


def reasonable_year(form: FlaskForm, field: DateField | DateTimeLocalField) -> None:
    if field.data and not 2000 <= field.data.year <= 2100:
        raise ValidationError(_l("Enter a date between the years 2000 and 2100."))


def end_after_start(start_field: str) -> Callable[[FlaskForm, DateTimeLocalField], None]:
    """A validator for an end field: it must be after the field named `start_field`."""

    def check(form: FlaskForm, field: DateTimeLocalField) -> None:
        start = getattr(form, start_field).data
        if start and field.data and field.data <= start:
            raise ValidationError(_l("The end must be after the start."))

    return check


PHONE_PROBLEM = _l("Enter a mainland mobile number: 11 digits starting with 13 to 19.")


def mainland_mobile(form: FlaskForm, field: Field) -> None:
    """A required mainland mobile number, kept as its 11 digits once it is one; what was
    typed stays otherwise (`core.phones`)."""
    if not (field.data or "").strip():
        raise ValidationError(_("Enter your mobile number."))
    optional_mainland_mobile(form, field)


def optional_mainland_mobile(form: FlaskForm, field: Field) -> None:
    """Empty (kept as None), or a mainland mobile number kept as its 11 digits."""
    if not (field.data or "").strip():
        field.data = None
        return
    phone = normalise_phone(field.data)
    if phone is None:
        raise ValidationError(str(PHONE_PROBLEM))
    field.data = phone
