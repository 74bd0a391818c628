"""An open day's registrations: the list with its filter and search (htmx searches as one
types; without JavaScript the form filters the page), the CSV export, and cancelling a
registration for someone (which gives the place to the first person waiting)."""

from __future__ import annotations

import re
from typing import Any

from flask import Response, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import Select, or_, select

from core.accounts.access import permission_required
from core.accounts.models import Permission
from core.clock import to_office_time
from core.runner import run_action
from core.spreadsheets import csv_download
from core.web import query_int, render_page, with_content
from engagement.open_days import operations
from engagement.open_days.models import (
    OpenDay,
    Registration,
    Status,
    mask_id_number,
    mask_name,
    mask_phone,
)
from engagement.open_days.operations.door import registration_id_from_code
from engagement.open_days.queries import status_counts
from engagement.open_days.staff_views import (
    FULL_PERSONAL_DATA,
    PAGE_SIZE,
    bp,
    open_day_or_404,
    registration_or_404,
)
from extensions import db

MAX_SEARCH_LENGTH = 50


def searched(query: Select, text: str) -> Select:
    """Registrations whose name holds `text`, whose phone holds its digits, or whose
    confirmation code it is."""
    text = text.strip()
    if not text:
        return query
    matches = [Registration.name.contains(text, autoescape=True)]
    digits = re.sub(r"\D", "", text)
    if len(digits) >= 3:
        matches.append(Registration.phone.contains(digits, autoescape=True))
    registration_id = registration_id_from_code(text)
    if registration_id is not None:
        matches.append(Registration.id == registration_id)
    return query.where(or_(*matches))


def _list_context(open_day: OpenDay) -> dict[str, Any]:
    wanted = request.args.get("status", "")
    text = request.args.get("q", "")[:MAX_SEARCH_LENGTH]
    query = select(Registration).where(Registration.open_day_id == open_day.id)
    if wanted in {status.value for status in Status}:
        query = query.where(Registration.status == Status(wanted))
    else:
        wanted = ""
    query = searched(query, text)
    found = db.paginate(
        query.order_by(Registration.id),
        page=query_int("page", 1),
        per_page=PAGE_SIZE,
        error_out=False,
    )
    return {
        "open_day": open_day,
        "registrations": found,
        "counts": status_counts(open_day),
        "statuses": list(Status),
        "wanted": wanted,
        "q": text,
        "full": current_user.can(FULL_PERSONAL_DATA),
        "masked_email": masked_email,
    }


@bp.get("/<int:open_day_id>/registrations")
@permission_required(Permission.EDIT, Permission.REVIEW)
def registrations(open_day_id: int) -> Response:
    open_day = open_day_or_404(open_day_id)
    return render_page(
        "open_days/staff/registrations.html",
        "open_days/staff/_registrations_found.html",
        **_list_context(open_day),
    )


@bp.route("/<int:open_day_id>/registrations/<int:registration_id>/cancel", methods=["GET", "POST"])
@permission_required(Permission.EDIT)
def cancel_registration(open_day_id: int, registration_id: int) -> Response:
    """Asks first (GET), then cancels (POST); a place it held goes to the first waiting."""
    open_day = open_day_or_404(open_day_id)
    registration = registration_or_404(open_day, registration_id)
    back = url_for("open_day_staff.registrations", open_day_id=open_day.id)
    if request.method == "GET":
        code = registration.confirmation_code
        return render_page(
            "confirm.html",
            heading=_("Cancel a registration"),
            subject=code,
            question=with_content(
                _("Cancel registration %(code)s for “%(title)s”?"), code=code, title=open_day.title
            ),
            consequence=_(
                "The registrant is told by text message. A place it held goes at once to the "
                "first person waiting, who is told too. This cannot be undone."
            ),
            action=url_for(
                "open_day_staff.cancel_registration",
                open_day_id=open_day.id,
                registration_id=registration.id,
            ),
            confirm_label=_("Cancel the registration"),
            cancel=back,
        )
    return run_action(
        lambda: operations.cancel_registration(registration, actor=current_user),
        done=_("Registration %(code)s cancelled.", code=registration.confirmation_code),
        then=back,
    )


@bp.get("/<int:open_day_id>/registrations.csv")
@permission_required(Permission.EDIT, Permission.REVIEW)
def registrations_csv(open_day_id: int) -> Response:
    """Every registration as CSV that Excel opens with Chinese intact (UTF-8 with a BOM);
    personal data masked unless the reader's role may see it in full."""
    open_day = open_day_or_404(open_day_id)
    full = current_user.can(FULL_PERSONAL_DATA)
    header = [
        "code",
        "status",
        "name",
        "phone",
        "email",
        "id_number",
        "created",
        "checked_in",
        "role",
    ]
    registrations = db.session.scalars(
        select(Registration)
        .where(Registration.open_day_id == open_day.id)
        .order_by(Registration.id)
    )
    return csv_download(
        f"open-day-{open_day.id}-registrations.csv",
        header,
        (_registration_row(registration, full) for registration in registrations),
    )


def _registration_row(registration: Registration, full: bool) -> list[object]:
    name, phone = registration.name or "", registration.phone or ""
    email, id_number = registration.email or "", registration.id_number or ""
    if not full:
        name, phone, id_number = mask_name(name), mask_phone(phone), mask_id_number(id_number)
        email = masked_email(email)
    row = [
        registration.confirmation_code,
        registration.status.value,
        name,
        phone,
        email,
        id_number,
        _stamp(registration.created_at),
        _stamp(registration.checked_in_at),
        registration.role.value if registration.role else "",
    ]
    return row


def _stamp(moment: Any) -> str:
    return to_office_time(moment).strftime("%Y-%m-%d %H:%M:%S") if moment else ""


def masked_email(email: str | None) -> str:
    """a***@example.org: the first letter and the domain."""
    if not email or "@" not in email:
        return ""
    local, _at, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"
