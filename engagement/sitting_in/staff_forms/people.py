"""Staff forms of the directory of people to invite: adding or editing a person, and the
checks a person's details pass, in the form and in a CSV import (`people_import`) alike.

A mobile number is a mainland one, kept as its 11 digits (`core.phones`); tags are typed in
one field or cell, separated by commas, 、, semicolons or new lines.
"""

from __future__ import annotations

import re
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import EmailField, RadioField, SelectChoice, StringField, TelField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from core.forms import BaseForm, optional_mainland_mobile
from engagement.sitting_in.models import Category, Person, tags_value

MAX_NAME = 100
MAX_ORGANISATION = 200
MAX_TITLE = 100
MAX_COMMUNITY = 100
MAX_EMAIL = 254
MAX_NOTES = 2000
MAX_TAG = 50
MAX_TAGS_STORED = 500  # the column's size, commas included

TAG_SEPARATORS = re.compile(r"[,，、;；\n]+")
LOCALES = {"zh": _l("Chinese"), "en": _l("English")}


def tags_of(text: str | None) -> list[str]:
    """The tags typed in one field or cell, in order, each once."""
    return [tag for tag in tags_value(TAG_SEPARATORS.split(text or "")).split(",") if tag]


def tags_problem(tags: list[str]) -> str | None:
    if any(len(tag) > MAX_TAG for tag in tags):
        return _("Keep each tag to %(count)d characters.", count=MAX_TAG)
    if len(tags_value(tags)) > MAX_TAGS_STORED:
        return _("Too many tags: at most %(count)d characters in all.", count=MAX_TAGS_STORED)
    return None


def email_problem(email: str) -> str | None:
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        return _("Enter a valid email address, like name@example.org.")
    return None


def valid_email(form: BaseForm, field: EmailField) -> None:
    field.data = (field.data or "").strip()
    if field.data and (problem := email_problem(field.data)):
        raise ValidationError(problem)


class PersonForm(BaseForm):
    """Adding or editing a person. The staff member's own autofill has no place here."""

    name = StringField(
        _l("Name"),
        validators=[DataRequired(_l("Enter the person's name.")), Length(max=MAX_NAME)],
        render_kw={"autocomplete": "off"},
    )
    category = RadioField(
        _l("Category"),
        choices=lambda: [SelectChoice(category.value, category.label) for category in Category],
        validators=[InputRequired(_l("Choose the person's category."))],
        validate_choice=False,  # an unknown value gets the message below, not WTForms'
    )
    organisation = StringField(
        _l("Organisation (optional)"),
        validators=[Optional(), Length(max=MAX_ORGANISATION)],
        render_kw={"autocomplete": "off"},
    )
    title = StringField(
        _l("Title or position (optional)"),
        validators=[Optional(), Length(max=MAX_TITLE)],
        render_kw={"autocomplete": "off"},
    )
    community = StringField(
        _l("Community (optional)"),
        description=_l("For a resident representative: the community they live in."),
        validators=[Optional(), Length(max=MAX_COMMUNITY)],
        render_kw={"autocomplete": "off"},
    )
    email = EmailField(
        _l("Email (optional)"),
        description=_l("Invitations are sent here, with a calendar entry."),
        validators=[valid_email, Length(max=MAX_EMAIL)],
        render_kw={"autocomplete": "off"},
    )
    phone = TelField(
        _l("Mobile phone (optional)"),
        description=_l("A mainland mobile number; spaces, dashes and +86 are fine."),
        validators=[optional_mainland_mobile],
        render_kw={"autocomplete": "off", "inputmode": "tel"},
    )
    tags = StringField(
        _l("Tags (optional)"),
        description=_l(
            "Separate tags with commas, 、 or semicolons; a tag names a group to find "
            "people by, such as a subject or a district."
        ),
        render_kw={"autocomplete": "off"},
    )
    locale = RadioField(
        _l("Language of messages to them"),
        choices=[SelectChoice(code, name) for code, name in LOCALES.items()],
        default="zh",
        validate_choice=False,
    )
    notes = TextAreaField(
        _l("Notes for staff (optional)"),
        description=_l("Deleted with the contact details after the retention period."),
        validators=[Optional(), Length(max=MAX_NOTES)],
        render_kw={"rows": 3},
    )

    def validate_category(self, field: RadioField) -> None:
        if field.data not in {category.value for category in Category}:
            raise ValidationError(_l("Choose the person's category."))

    def validate_tags(self, field: StringField) -> None:
        if problem := tags_problem(tags_of(field.data)):
            raise ValidationError(problem)

    def validate_locale(self, field: RadioField) -> None:
        if field.data not in LOCALES:
            field.data = "zh"

    def fields_for_operation(self) -> dict[str, Any]:
        """What `create_person` / `update_person` take, as they store it."""
        return {
            "name": self.name.data.strip(),
            "category": Category(self.category.data),
            "organisation": _text(self.organisation.data),
            "title": _text(self.title.data),
            "community": _text(self.community.data),
            "email": self.email.data or None,
            "phone": self.phone.data or None,
            "notes": _text(self.notes.data),
            "tags": tags_of(self.tags.data),
            "locale": self.locale.data,
        }


def _text(value: str | None) -> str | None:
    return (value or "").strip() or None


def person_form(person: Person | None = None) -> PersonForm:
    """The form, filled from `person` when given (what was sent comes first)."""
    if person is None:
        return PersonForm()
    data = {
        "name": person.name or "",
        "category": person.category.value,
        "organisation": person.organisation or "",
        "title": person.title or "",
        "community": person.community or "",
        "email": person.email or "",
        "phone": person.phone or "",
        "tags": ", ".join(person.tag_list),
        "locale": person.locale,
        "notes": person.notes or "",
    }
    return PersonForm(data=data)
