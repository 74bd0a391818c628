"""Changes to consultations, comments and feedback reports.

Operations flush and write the audit log; the caller commits (and then sends any mail
queued here). A resident's comment is stored before anything else can fail, and gets its
receipt number from its own row id, so two comments can never share one.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from core.accounts.models import User
from core.audit import record_change, snapshot
from core.clock import to_office_time, utcnow
from core.files import StoredFile
from core.outbox import queue_mail
from core.review import ReviewState
from core.rules import Problem, RuleBroken, refuse_if_any
from engagement.consultations.models import (
    Channel,
    Comment,
    CommentStatus,
    Consultation,
    ConsultationDocument,
    Disposition,
    FeedbackReport,
    disposition_counts,
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
RECEIPT_PREFIX = "ZJ"


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


def _ensure_feedback_open(consultation: Consultation) -> None:
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
    record_change(
        "consultation.extend",
        consultation,
        actor=actor,
        summary=consultation.title,
        before=before,
        after={"closes_at": new_closes_at.isoformat(), "reason": reason.strip()},
    )


def receipt_for(comment: Comment) -> str:
    """ZJ-<office year received>-<row id>: unique because the row id is."""
    year = to_office_time(comment.received_at).year
    return f"{RECEIPT_PREFIX}-{year}-{comment.id:06d}"


def submit_comment(
    consultation: Consultation,
    *,
    body: str,
    name: str,
    show_name: bool,
    phone: str | None,
    email: str | None,
    community: str | None,
    consented: bool,
    suspected_automation: bool = False,
    submission_key: str | None = None,
) -> Comment:
    """Store a resident's comment, refused only after the closing second. The same form
    sent again (same `submission_key`) gives back the comment already stored."""
    if submission_key:
        already = db.session.scalar(select(Comment).where(Comment.submission_key == submission_key))
        if already is not None:
            return already
    now = utcnow()
    if not consultation.accepts_comments_at(now):
        raise RuleBroken(
            _(
                "The comment period closed at %(when)s. Your text is still below; you can "
                "send it by the other ways listed on this page.",
                when=to_office_time(consultation.closes_at).strftime("%Y-%m-%d %H:%M:%S"),
            )
        )
    comment = Comment(
        consultation=consultation,
        body=body.strip(),
        name=name.strip(),
        show_name=show_name,
        phone=(phone or "").strip() or None,
        email=(email or "").strip() or None,
        community=(community or "").strip() or None,
        consent_at=now if consented else None,
        channel=Channel.WEB,
        received_at=now,
        suspected_automation=suspected_automation,
        submission_key=submission_key or None,
    )
    if suspected_automation:
        # Kept, never shown: a person who filled the hidden field loses nothing.
        comment.status = CommentStatus.REJECTED
        comment.rejection_reason = "automated submission suspected"
    db.session.add(comment)
    db.session.flush()
    comment.receipt_number = receipt_for(comment)
    record_change(
        "comment.receive",
        comment,
        actor=None,
        summary=f"{consultation.title} · {comment.receipt_number}",
    )
    if comment.email and not suspected_automation:
        queue_mail(
            comment.email,
            _("Your comment %(receipt)s was received", receipt=comment.receipt_number),
            _(
                "Thank you for commenting on “%(title)s”.\n\nReceipt number: %(receipt)s\n"
                "Follow its status and any reply here: %(link)s\n",
                title=consultation.title,
                receipt=comment.receipt_number,
                link=comment.status_url(),
            ),
        )
    return comment


def enter_comment(
    consultation: Consultation,
    *,
    body: str,
    name: str,
    channel: Channel,
    received_at: datetime,
    phone: str | None,
    email: str | None,
    community: str | None,
    actor: User,
) -> Comment:
    """A comment that arrived by letter, phone or email, typed in by staff."""
    if consultation.review_state != ReviewState.APPROVED:
        raise RuleBroken(_("The consultation is not public yet."))
    _ensure_feedback_open(consultation)
    if not consultation.opens_at <= received_at <= utcnow():
        raise RuleBroken(_("The time received must be between the opening and now."), "received_at")
    # A letter posted in time may arrive after the closing; calls and mail may not.
    if received_at >= consultation.closes_at and channel != Channel.LETTER:
        raise RuleBroken(_("It arrived after the period closed."), "received_at")
    comment = Comment(
        consultation=consultation,
        body=body.strip(),
        name=name.strip(),
        show_name=False,
        phone=phone or None,
        email=email or None,
        community=community or None,
        channel=channel,
        received_at=received_at,
        entered_by_id=actor.id,
    )
    db.session.add(comment)
    db.session.flush()
    comment.receipt_number = receipt_for(comment)
    record_change(
        "comment.enter",
        comment,
        actor=actor,
        summary=f"{consultation.title} · {comment.receipt_number}",
        after={"channel": channel.value, "received_at": received_at.isoformat()},
    )
    return comment


def moderate_comments(
    comments: list[Comment], publish: bool, reason: str | None, *, actor: User
) -> None:
    """Publish, or reject with a reason. Rejected comments keep their text and reason."""
    for consultation in {comment.consultation for comment in comments}:
        _ensure_feedback_open(consultation)
    if not publish and not (reason or "").strip():
        raise RuleBroken(_("Give the reason for not publishing."), "reason")
    now = utcnow()
    for comment in comments:
        before = {"status": comment.status.value}
        comment.status = CommentStatus.PUBLISHED if publish else CommentStatus.REJECTED
        comment.rejection_reason = None if publish else reason.strip()
        comment.moderated_at = now
        record_change(
            "comment.publish" if publish else "comment.reject",
            comment,
            actor=actor,
            summary=comment.receipt_number,
            before=before,
            after={"status": comment.status.value, "reason": comment.rejection_reason},
        )


def answer_comment(
    comment: Comment,
    *,
    reply: str | None,
    disposition: Disposition | None,
    disposition_reason: str | None,
    actor: User,
) -> None:
    """Set the public reply and the disposition for the feedback report."""
    if disposition == Disposition.NOT_ADOPTED and not (disposition_reason or "").strip():
        raise RuleBroken(_("Say why the comment was not adopted."), "disposition_reason")
    _ensure_feedback_open(comment.consultation)
    before = snapshot(comment, "reply", "disposition", "disposition_reason")
    new_reply = (reply or "").strip() or None
    if new_reply != comment.reply:
        comment.reply = new_reply
        comment.replied_at = utcnow() if new_reply else None
    comment.disposition = disposition
    comment.disposition_reason = (disposition_reason or "").strip() or None
    record_change(
        "comment.answer",
        comment,
        actor=actor,
        summary=comment.receipt_number,
        before=before,
        after=snapshot(comment, "reply", "disposition", "disposition_reason"),
    )


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


RETENTION = timedelta(days=365)


def purge_personal_data(now: datetime) -> int:
    """Delete residents' names and contact details one year after the feedback report of
    their consultation was published (the period promised when they consented).
    Returns how many comments were cleared; the comments themselves stay."""
    expired = (
        select(Comment)
        .join(Comment.consultation)
        .join(Consultation.feedback)
        .where(
            FeedbackReport.review_state == ReviewState.APPROVED,
            FeedbackReport.published_at <= now - RETENTION,
            Comment.personal_data_purged_at.is_(None),
        )
    )
    comments = db.session.scalars(expired).all()
    for comment in comments:
        comment.name = ""
        comment.show_name = False
        comment.phone = None
        comment.email = None
        comment.community = None
        comment.personal_data_purged_at = now
    if comments:
        record_change(
            "comment.purge_personal_data",
            comments[0].consultation,
            actor=None,
            summary="",
            after={"comments_purged": len(comments)},
        )
    return len(comments)
