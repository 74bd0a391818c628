"""The feedback report (意见采纳情况): its summary, saved by staff; its counts are fixed when
review publishes it."""

from __future__ import annotations

from flask_babel import gettext as _

from core.accounts.models import User
from core.audit import record_change
from core.rules import RuleBroken
from engagement.consultations.models import (
    Consultation,
    FeedbackReport,
    disposition_counts,
)
from extensions import db


def save_feedback_report(
    consultation: Consultation, summary: str, *, actor: User
) -> FeedbackReport:
    report = consultation.feedback
    if report is None:
        report = FeedbackReport(consultation=consultation, summary=summary, author=actor)
        db.session.add(report)
    elif not report.is_editable:
        raise RuleBroken(
            _("The feedback report is under review or published; dispositions are fixed.")
        )
    else:
        report.summary = summary
    report.counts = disposition_counts(consultation.id)
    db.session.flush()
    record_change(
        "feedback.save",
        report,
        actor=actor,
        summary=consultation.title,
        after={"summary": summary, "counts": report.counts},
    )
    return report
