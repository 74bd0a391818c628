"""Staff pages of open days, on one blueprint: preparing, postponing, cancelling an open day
and its draw (`open_days`), its registrations and their export (`registrations`), and the
day itself: check-in at the door, no-shows, roles, seating and feedback (`door`)."""

from __future__ import annotations

from flask import Blueprint, abort

from core.accounts.models import Permission
from engagement.open_days.models import OpenDay, Registration
from extensions import db

bp = Blueprint("open_day_staff", __name__, url_prefix="/admin/open-days")

PAGE_SIZE = 50
# Who sees registrants in full (name, phone, email, ID number); others see them masked.
FULL_PERSONAL_DATA = Permission.VIEW_REGISTRANTS


def open_day_or_404(open_day_id: int) -> OpenDay:
    return db.get_or_404(OpenDay, open_day_id)


def registration_or_404(open_day: OpenDay, registration_id: int) -> Registration:
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.open_day_id != open_day.id:
        abort(404)
    return registration


from engagement.open_days.staff_views import door, open_days, registrations  # noqa: E402, F401
