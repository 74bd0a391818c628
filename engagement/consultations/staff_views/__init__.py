"""Staff pages of consultations, on one blueprint: preparing, extending and reporting on a
consultation (`consultations`), and moderating, answering, entering and exporting its
comments (`comments`)."""

from __future__ import annotations

from flask import Blueprint

from engagement.consultations.models import Consultation
from extensions import db

bp = Blueprint("consultation_staff", __name__, url_prefix="/admin")

QUEUE_PAGE_SIZE = 50


def consultation_or_404(consultation_id: int) -> Consultation:
    return db.get_or_404(Consultation, consultation_id)


from engagement.consultations.staff_views import comments, consultations  # noqa: E402, F401
