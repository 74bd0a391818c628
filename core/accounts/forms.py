"""Forms of the staff sign-in and account pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, Regexp

from core.accounts.models import MIN_PASSWORD_LENGTH, Role
from core.forms import BaseForm


def role_choices() -> list[tuple[str, str]]:
    return [(role.value, role.label) for role in Role]


class LoginForm(BaseForm):
    username = StringField(
        _l("User name"),
        validators=[DataRequired(_l("Enter your user name."))],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Enter your password."))],
        render_kw={"autocomplete": "current-password"},
    )


# The account pages hold another person's details: the browser offers none of the
# administrator's own (autocomplete off), and a password it may remember as new.
SOMEONE_ELSES = {"autocomplete": "off"}


# Made before the other account fields: WTForms orders fields by when they were made, and
# the new-account page (and its error summary) starts with the user name.
USERNAME = StringField(
    _l("User name"),
    description=_l("Lower-case letters, digits, dots, dashes; used to sign in."),
    validators=[
        DataRequired(_l("Enter a user name.")),
        Length(min=2, max=64),
        Regexp(r"^[a-z0-9._-]+$", message=_l("Use lower-case letters, digits, . _ - only.")),
    ],
    render_kw=SOMEONE_ELSES,
)


class StaffDetailsForm(BaseForm):
    display_name = StringField(
        _l("Full name"),
        validators=[DataRequired(_l("Enter the person's name.")), Length(max=100)],
        render_kw=SOMEONE_ELSES,
    )
    email = EmailField(
        _l("Email (optional)"),
        validators=[Optional(), Email(_l("Enter a valid email address.")), Length(max=254)],
        render_kw=SOMEONE_ELSES,
    )
    role = SelectField(_l("Role"), choices=role_choices)


class PasswordFields:
    password = PasswordField(
        _l("Password"),
        description=_l("At least %(count)d characters.", count=MIN_PASSWORD_LENGTH),
        validators=[
            DataRequired(_l("Enter a password.")),
            Length(
                min=MIN_PASSWORD_LENGTH,
                message=_l(
                    "Passwords need at least %(count)d characters.", count=MIN_PASSWORD_LENGTH
                ),
            ),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[EqualTo("password", _l("The two passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )


class StaffCreateForm(StaffDetailsForm, PasswordFields):
    username = USERNAME


class PasswordResetForm(BaseForm, PasswordFields):
    pass
