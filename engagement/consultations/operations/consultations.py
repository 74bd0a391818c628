"""Consultations: opening one on an agenda item, editing its draft, its documents, and
extending its period while it is open. The period rules (30 days or a public reason, closing
before the meeting) are checked here, all problems at once."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from core.accounts.models import User
from core.audit import record_change, snapshot
from core.clock import utcnow
from core.files import StoredFile
from core.review import ReviewState
from core.rules import Problem, RuleBroken, refuse_if_any
from engagement.consultations.models import (
    Consultation,
    ConsultationDocument,
    short_period_refusal,
)
from extensions import db
from meetings.models import AgendaItem

CONSULTATION_FIELDS = (
    "title",
    "draft_text",
    "explanation",
    "other_channels",
    "opens_at",
    "closes_at",
    "short_period_reason",
)


def _check_period(item: AgendaItem, fields: dict[str, object]) -> None:
    """Every problem of a period at once, each next to its field."""
    opens_at, closes_at = fields["opens_at"], fields["closes_at"]
    problems: list[Problem] = []
    if closes_at <= opens_at:
        problems.append((_("The period must close after it opens."), "closes_at"))
    if closes_at >= item.meeting.starts_at:
        problems.append(
            (_("The comment period must close before the meeting starts."), "closes_at")
        )
    short = short_period_refusal(opens_at, closes_at, fields.get("short_period_reason"))
    if short:
        problems.append((short, "short_period_reason"))
    refuse_if_any(problems)


def ensure_feedback_open(consultation: Consultation) -> None:
    """Once the feedback report is under review or published, its comments are fixed."""
    feedback = consultation.feedback
    if feedback is not None and feedback.review_state in (
        ReviewState.SUBMITTED,
        ReviewState.APPROVED,
    ):
        raise RuleBroken(
            _("The feedback report is under review or published; dispositions are fixed.")
        )


def open_consultation(item: AgendaItem, *, actor: User, **fields: object) -> Consultation:
    """Prepare a consultation on an agenda item; it becomes public through review."""
    if db.session.scalar(select(Consultation.id).where(Consultation.agenda_item_id == item.id)):
        raise RuleBroken(_("This agenda item already has a consultation."))
    _check_period(item, fields)
    consultation = Consultation(agenda_item=item, author=actor, **fields)
    db.session.add(consultation)
    db.session.flush()
    record_change(
        "consultation.create",
        consultation,
        actor=actor,
        summary=consultation.title,
        after=snapshot(consultation, *CONSULTATION_FIELDS),
    )
    return consultation


def update_consultation(consultation: Consultation, *, actor: User, **fields: object) -> None:
    if not consultation.is_editable:
        raise RuleBroken(_("The consultation is awaiting review or public and cannot be edited."))
    _check_period(consultation.agenda_item, fields)
    before = snapshot(consultation, *CONSULTATION_FIELDS)
    for field, value in fields.items():
        setattr(consultation, field, value)
    record_change(
        "consultation.update",
        consultation,
        actor=actor,
        summary=consultation.title,
        before=before,
        after=snapshot(consultation, *CONSULTATION_FIELDS),
    )


def attach_consultation_document(
    consultation: Consultation, stored: StoredFile, *, actor: User
) -> ConsultationDocument:
    if not consultation.is_editable:
        raise RuleBroken(_("The consultation is awaiting review or public and cannot be edited."))
    document = ConsultationDocument(consultation=consultation, **stored.columns())
    db.session.add(document)
    db.session.flush()
    record_change(
        "consultation.attach",
        document,
        actor=actor,
        summary=f"{consultation.title} · {stored.original_name}",
        after={"name": stored.original_name, "size": stored.size},
    )
    return document


def extend_consultation(
    consultation: Consultation, new_closes_at: datetime, reason: str, *, actor: User
) -> None:
    """Give residents more time; the reason and the original date are shown publicly."""
    if not consultation.accepts_comments_at(utcnow()):
        raise RuleBroken(_("Only an open consultation can be extended."))
    problems: list[Problem] = []
    if new_closes_at <= consultation.closes_at:
        problems.append(
            (_("The new closing time must be later than the current one."), "new_closes_at")
        )
    if new_closes_at >= consultation.agenda_item.meeting.starts_at:
        problems.append(
            (_("The comment period must close before the meeting starts."), "new_closes_at")
        )
    if not reason.strip():
        problems.append((_("Give the reason; it is shown to the public."), "reason"))
    refuse_if_any(problems)
    before = {"closes_at": consultation.closes_at.isoformat()}
    consultation.original_closes_at = consultation.original_closes_at or consultation.closes_at
    consultation.closes_at = new_closes_at
    consultation.extension_reason = reason.strip()
    consultation.revise(utcnow())
    record_change(
        "consultation.extend",
        consultation,
        actor=actor,
        summary=consultation.title,
        before=before,
        after={"closes_at": new_closes_at.isoformat(), "reason": reason.strip()},
    )
