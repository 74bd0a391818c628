"""Forms of the staff pages of open days: preparing one, postponing or cancelling it, the
confirmation code at the door, and the roles of the simulated executive meeting."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)

from core.forms import BaseForm, NumberRange, OfficeTimeField, end_after_start, reasonable_year
from engagement.open_days.models import Mode, OpenDay, Registration, Role
from meetings.forms import PostponeForm, ReasonForm

MAX_STOP_LENGTH = 200


def stops_of(text: str | None) -> list[str]:
    """The itinerary typed one stop per line: blank lines and surrounding spaces dropped."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class OpenDayForm(BaseForm):
    title = StringField(
        _l("Title"), validators=[DataRequired(_l("Enter the title.")), Length(max=200)]
    )
    description = TextAreaField(
        _l("Description (Markdown)"),
        render_kw={"rows": 6},
        validators=[DataRequired(_l("Write the description.")), Length(max=10000)],
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
    meeting_point = StringField(
        _l("Meeting point"),
        validators=[DataRequired(_l("Enter the meeting point.")), Length(max=300)],
    )
    # Not named `stops`: a form filled from the open day would take its stop rows.
    itinerary = TextAreaField(
        _l("Itinerary"),
        description=_l("One stop per line, in the order of the visit."),
        render_kw={"rows": 5},
    )
    capacity = IntegerField(
        _l("Places"),
        validators=[
            InputRequired(_l("Say how many places there are.")),
            NumberRange(min=1, max=10000, message=_l("Give between 1 and 10,000 places.")),
        ],
    )
    registration_opens_at = OfficeTimeField(
        _l("Registration opens (office time)"),
        validators=[DataRequired(_l("Enter when registration opens.")), reasonable_year],
    )
    registration_closes_at = OfficeTimeField(
        _l("Registration closes (office time)"),
        validators=[
            DataRequired(_l("Enter when registration closes.")),
            reasonable_year,
        ],
    )
    mode = RadioField(
        _l("How places are given"),
        choices=lambda: [(mode.value, mode.label) for mode in Mode],
        default=Mode.FIRST_COME.value,
    )
    eligibility = TextAreaField(
        _l("Who may register (optional)"), validators=[Optional(), Length(max=2000)]
    )
    id_required = BooleanField(_l("ID card needed on the day"))
    accessibility = TextAreaField(
        _l("Accessibility information (optional)"), validators=[Optional(), Length(max=2000)]
    )
    simulated_meeting = BooleanField(_l("With a simulated executive meeting"))

    def validate_itinerary(self, field: TextAreaField) -> None:
        stops = stops_of(field.data)
        if not stops:
            raise ValidationError(_l("Give at least one stop, one per line."))
        if any(len(stop) > MAX_STOP_LENGTH for stop in stops):
            raise ValidationError(
                _l("Keep each stop to %(count)d characters.", count=MAX_STOP_LENGTH)
            )

    def fields_for_operation(self) -> dict[str, Any]:
        """What `create_open_day` / `update_open_day` take, as they store it."""
        return {
            "title": self.title.data.strip(),
            "description": self.description.data,
            "starts_at": self.starts_at.utc,
            "ends_at": self.ends_at.utc,
            "meeting_point": self.meeting_point.data.strip(),
            "capacity": self.capacity.data,
            "registration_opens_at": self.registration_opens_at.utc,
            "registration_closes_at": self.registration_closes_at.utc,
            "mode": Mode(self.mode.data),
            "eligibility": (self.eligibility.data or "").strip() or None,
            "id_required": bool(self.id_required.data),
            "accessibility": (self.accessibility.data or "").strip() or None,
            "simulated_meeting": bool(self.simulated_meeting.data),
            "stops": stops_of(self.itinerary.data),
        }


def open_day_form(open_day: OpenDay | None = None) -> OpenDayForm:
    """The form, filled from `open_day` when it is given (and from what was sent)."""
    if open_day is None:
        return OpenDayForm()
    return OpenDayForm(obj=open_day, itinerary="\n".join(open_day.stop_names))


def postpone_form(**kwargs: Any) -> PostponeForm:
    """A meeting's postponement form (a new start and end, a public reason)."""
    # Prefixed: the page holds both forms, and each field's id must be its own.
    return PostponeForm(prefix="postpone", **kwargs)


def cancel_form(**kwargs: Any) -> ReasonForm:
    return ReasonForm(prefix="cancel", **kwargs)


class CheckInForm(BaseForm):
    """The code typed at the door (or filled in by the camera's scan). Not the staff
    member's own details: no autocomplete."""

    code = StringField(
        _l("Confirmation code"),
        description=_l("For example KF-2026-000123; lower case and without dashes works too."),
        validators=[DataRequired(_l("Enter the confirmation code.")), Length(max=40)],
        render_kw={
            "autofocus": True,
            "inputmode": "text",
            "autocomplete": "off",
            "autocapitalize": "characters",
            "spellcheck": "false",
            "class": "code-input",
        },
    )


def role_choices() -> list[tuple[str, str]]:
    return [("", _l("No role"))] + [(role.value, role.label) for role in Role]


class RolesForm(BaseForm):
    """One select per person with a place (`role_<registration id>`), added by
    `roles_form`."""

    def role_of(self, registration: Registration) -> Role | None:
        value = getattr(self, f"role_{registration.id}").data
        return Role(value) if value else None


def roles_form(registrations: list[Registration], **kwargs: Any) -> RolesForm:
    class Form(RolesForm):
        pass

    for registration in registrations:
        setattr(
            Form,
            f"role_{registration.id}",
            SelectField(
                _l("Role of %(code)s", code=registration.confirmation_code),
                choices=role_choices,
                default=registration.role.value if registration.role else "",
            ),
        )
    return Form(**kwargs)
