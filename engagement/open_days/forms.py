"""Residents' forms for open days: registering, asking for the link again, cancelling, and
the short survey after the visit. Staff forms are in `staff_forms`.

A mobile number is a mainland one (11 digits, 1[3-9]…), typed as people write it (spaces,
dashes, +86) and kept as its 11 digits (`core.phones.normalise_phone`); a resident ID number
is checked as GB 11643 defines it (birth date and check character)."""

from __future__ import annotations

import re
import secrets
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    Field,
    HiddenField,
    RadioField,
    SelectChoice,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    Optional,
    Regexp,
    ValidationError,
)

from core.clock import to_office_time, utcnow
from core.forms import BaseForm, mainland_mobile
from core.steps import Step

MAX_NAME_LENGTH = 50
MAX_FEEDBACK_LENGTH = 2000

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARACTERS = "10X98765432"


def id_check_character(first_17: str) -> str:
    """GB 11643: the weighted sum of the first 17 digits, modulo 11, picks the 18th."""
    total = sum(int(digit) * weight for digit, weight in zip(first_17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARACTERS[total % 11]


def id_number_problem(number: str) -> str | None:
    """Why `number` (already upper-case, no spaces) is not a resident ID number, or None."""
    if len(number) != 18:
        return _("A resident ID number has 18 characters; this has %(count)d.", count=len(number))
    if not re.fullmatch(r"[0-9]{17}[0-9X]", number):
        return _("A resident ID number is 17 digits followed by a digit or X.")
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        born = None
    if born is None or born.year < 1900 or born > to_office_time(utcnow()).date():
        return _("The birth date in this ID number (characters 7 to 14) is not a real date.")
    if id_check_character(number[:17]) != number[17]:
        return _("This ID number does not add up: check each character against your ID card.")
    return None


def resident_id_number(form: FlaskForm, field: Field) -> None:
    number = re.sub(r"\s", "", field.data or "").upper()
    if not number:
        raise ValidationError(_("Enter your resident ID number; this open day requires it."))
    problem = id_number_problem(number)
    if problem:
        raise ValidationError(problem)
    field.data = number


def consent_description() -> str:
    return _(
        "Purpose: to give you a place on the open day, send you messages about it and check "
        "you in at the door. Your name, phone, email and ID number are deleted %(days)d days "
        "after the open day.",
        days=current_app.config["OPEN_DAY_RETENTION_DAYS"],
    )


class RegistrationForm(BaseForm):
    """The resident's registration. `id_number` is removed when the open day does not need
    it (`for_open_day`)."""

    name = StringField(
        _l("Your name"),
        description=_l("As on your ID card."),
        validators=[DataRequired(_l("Enter your name.")), Length(max=MAX_NAME_LENGTH)],
        render_kw={"autocomplete": "name"},
    )
    phone = TelField(
        _l("Mobile phone"),
        description=_l("We send your confirmation and any change by text message."),
        validators=[mainland_mobile],
        render_kw={"autocomplete": "tel", "inputmode": "tel"},
    )
    email = EmailField(
        _l("Email (optional)"),
        validators=[Optional(), Email(_l("Enter a valid email address.")), Length(max=254)],
        render_kw={"autocomplete": "email"},
    )
    id_number = StringField(
        _l("Resident ID number"),
        description=_l("18 characters. Bring the same ID card on the day."),
        validators=[resident_id_number],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    consent = BooleanField(
        _l("I agree to the use of my details for this open day"),
        validators=[
            DataRequired(_l("Registration needs your consent to the use of your details."))
        ],
    )
    # One key per filled-in form: sent twice (double tap, Back and send) it registers once.
    submission_key = HiddenField(
        default=lambda: secrets.token_urlsafe(16),
        validators=[Optional(), Regexp(r"^[A-Za-z0-9_-]{16,64}$")],
    )

    @classmethod
    def for_open_day(cls, id_required: bool, **kwargs: object) -> RegistrationForm:
        form = cls(**kwargs)
        if not id_required:
            del form.id_number
        form.consent.description = consent_description()
        return form


# In elder-friendly mode the registration asks one thing at a time (`core.steps`); the ID
# number's step is left out with its field when the open day does not ask for it.
REGISTRATION_STEPS = (
    Step(_l("Your name"), ("name",)),
    Step(_l("Your phone"), ("phone",)),
    Step(_l("Email"), ("email",)),
    Step(_l("ID card"), ("id_number",)),
    Step(_l("Check and send"), ("consent",)),
)


class SendLinkForm(BaseForm):
    phone = TelField(
        _l("Mobile phone you registered with"),
        validators=[DataRequired(_l("Enter your mobile number."))],
        render_kw={"autocomplete": "tel", "inputmode": "tel"},
    )


class ConfirmForm(BaseForm):
    """A button with nothing typed: only its token."""


class FeedbackForm(BaseForm):
    satisfaction = RadioField(
        _l("How satisfied were you with the open day?"),
        choices=[
            SelectChoice(5, _l("5 – very satisfied")),
            SelectChoice(4, _l("4 – satisfied")),
            SelectChoice(3, _l("3 – neither satisfied nor dissatisfied")),
            SelectChoice(2, _l("2 – dissatisfied")),
            SelectChoice(1, _l("1 – very dissatisfied")),
        ],
        coerce=int,
        validators=[InputRequired(_l("Choose how satisfied you were."))],
    )
    good = TextAreaField(
        _l("What was good? (optional)"),
        description=_l("Up to %(count)d characters.", count=MAX_FEEDBACK_LENGTH),
        validators=[Optional(), Length(max=MAX_FEEDBACK_LENGTH)],
    )
    suggestions = TextAreaField(
        _l("What should we do better? (optional)"),
        description=_l("Up to %(count)d characters.", count=MAX_FEEDBACK_LENGTH),
        validators=[Optional(), Length(max=MAX_FEEDBACK_LENGTH)],
    )
