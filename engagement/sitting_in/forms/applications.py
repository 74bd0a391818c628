"""A resident's application to sit in on a meeting, from its public call. The mobile number
is a mainland one, typed as people write it and kept as its 11 digits
(`core.phones.normalise_phone`)."""

from __future__ import annotations

import secrets

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp

from core.forms import BaseForm, mainland_mobile
from core.steps import Step

MAX_NAME_LENGTH = 50
MAX_COMMUNITY_LENGTH = 100
MAX_REASON_LENGTH = 1000


def consent_description() -> str:
    return _(
        "Purpose: to check whether you may sit in, to enter you in the public draw if there "
        "are more eligible applicants than places, to invite you if you are selected and to "
        "tell you the result. Your name, phone, email and reason are deleted %(days)d days "
        "after the meeting; your community and the outcome are kept, without your name, "
        "for the office's counts.",
        days=current_app.config["SIT_IN_RETENTION_DAYS"],
    )


class ApplicationForm(BaseForm):
    name = StringField(
        _l("Your name"),
        validators=[DataRequired(_l("Enter your name.")), Length(max=MAX_NAME_LENGTH)],
        render_kw={"autocomplete": "name"},
    )
    phone = TelField(
        _l("Mobile phone"),
        description=_l("We tell you the result and send the invitation by text message."),
        validators=[mainland_mobile],
        render_kw={"autocomplete": "tel", "inputmode": "tel"},
    )
    email = EmailField(
        _l("Email (optional)"),
        validators=[Optional(), Email(_l("Enter a valid email address.")), Length(max=254)],
        render_kw={"autocomplete": "email"},
    )
    community = StringField(
        _l("Your community"),
        description=_l("The residents' community where you live."),
        validators=[
            DataRequired(_l("Enter the community where you live.")),
            Length(max=MAX_COMMUNITY_LENGTH),
        ],
    )
    reason = TextAreaField(
        _l("Why would you like to sit in?"),
        description=_l(
            "For example, an agenda item that concerns you. Up to %(count)d characters.",
            count=MAX_REASON_LENGTH,
        ),
        validators=[
            DataRequired(_l("Tell us why you would like to sit in.")),
            Length(
                max=MAX_REASON_LENGTH,
                message=_l("Keep it to %(max)d characters or fewer."),
            ),
        ],
        render_kw={"rows": 5},
    )
    name_public = BooleanField(
        _l("If I am selected, publish my name in the list of who sat in"),
        description=_l(
            "Otherwise the list says only “Resident representative” and your community."
        ),
    )
    consent = BooleanField(
        _l("I agree to the use of my details for this application"),
        validators=[DataRequired(_l("Applying needs your consent to the use of your details."))],
    )
    # One key per filled-in form: sent twice (double tap, Back and send) it applies once.
    submission_key = HiddenField(
        default=lambda: secrets.token_urlsafe(16),
        validators=[Optional(), Regexp(r"^[A-Za-z0-9_-]{16,64}$")],
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.consent.description = consent_description()


# In elder-friendly mode the application asks one thing at a time (`core.steps`).
APPLICATION_STEPS = (
    Step(_l("Your name"), ("name",)),
    Step(_l("Your phone"), ("phone",)),
    Step(_l("Email"), ("email",)),
    Step(_l("Community"), ("community",)),
    Step(_l("Reason"), ("reason",)),
    Step(_l("Publishing your name"), ("name_public",)),
    Step(_l("Check and send"), ("consent",)),
)
