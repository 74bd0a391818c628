"""Comments: a resident's comment stored before anything can fail, with a receipt number
made from its own row id (so two can never share one); comments entered by staff; moderation,
replies and dispositions; and the purge of personal data after the retention period."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import delete, select

from core.accounts.models import User
from core.audit import record_change, snapshot
from core.clock import to_office_time, utcnow
from core.outbox import OutgoingMail, queue_mail
from core.review import ReviewState
from core.rules import RuleBroken
from core.web import office_time
from engagement.consultations.models import (
    Channel,
    Comment,
    CommentStatus,
    Consultation,
    Disposition,
    FeedbackReport,
)
from engagement.consultations.operations.consultations import ensure_feedback_open
from extensions import db

RECEIPT_PREFIX = "ZJ"
# Residents' personal data is kept for a year after the feedback report is published (the
# consent text promises this), then deleted; comments and their text stay.
RETENTION = timedelta(days=365)


def receipt_for(comment: Comment) -> str:
    """ZJ-<office year received>-<row id>: unique because the row id is."""
    year = to_office_time(comment.received_at).year
    return f"{RECEIPT_PREFIX}-{year}-{comment.id:06d}"


# The same comment sent again within this time is the one already received (Back and send,
# a second tap after a slow answer), whatever form it came from.
SAME_COMMENT_WITHIN = timedelta(hours=24)


def content_digest(consultation: Consultation, fields: Sequence[object]) -> str:
    """What identifies a comment as the same one sent again: its consultation and every
    field the resident filled in, as typed (spaces around the text aside)."""
    text = "\x1f".join(str(value or "").strip() for value in fields)
    return hashlib.sha256(f"{consultation.id}\x1e{text}".encode()).hexdigest()


def _already_received(consultation: Consultation, digest: str, now: datetime) -> Comment | None:
    return db.session.scalar(
        select(Comment)
        .where(
            Comment.content_digest == digest,
            Comment.consultation_id == consultation.id,
            Comment.received_at > now - SAME_COMMENT_WITHIN,
        )
        .order_by(Comment.id)
        .limit(1)
    )


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
    sent_too_fast: bool = False,
    submission_key: str | None = None,
) -> Comment:
    """Store a resident's comment, refused only after the closing second. The same form
    sent again (same `submission_key`), or the same comment sent again from a new form
    within a day, gives back the comment already stored.

    `suspected_automation` (the hidden field was filled) keeps the comment as not published;
    `sent_too_fast` (sent seconds after the page was opened) keeps it for moderation with a
    mark. Neither loses anything a person sent."""
    if submission_key:
        already = db.session.scalar(select(Comment).where(Comment.submission_key == submission_key))
        if already is not None:
            return already
    now = utcnow()
    if not consultation.accepts_comments_at(now):
        raise RuleBroken(not_taking_comments_message(consultation, now))
    digest = content_digest(consultation, (body, name, show_name, phone, email, community))
    if (already := _already_received(consultation, digest, now)) is not None:
        return already
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
        suspected_automation=suspected_automation or sent_too_fast,
        submission_key=submission_key or None,
        content_digest=digest,
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


def not_taking_comments_message(consultation: Consultation, now: datetime) -> str:
    """Why the consultation does not take a comment at `now`, in the resident's words."""
    item, meeting = consultation.agenda_item, consultation.agenda_item.meeting
    if meeting.cancelled_at is not None or item.removed_at is not None:
        return _(
            "The meeting this draft was for was cancelled or the item was taken off its "
            "agenda, so comments are no longer taken and yours was not sent."
        )
    if now < consultation.opens_at:
        return _(
            "The comment period opens at %(when)s; your comment was not sent yet.",
            when=office_time(consultation.opens_at),
        )
    return _(
        "The comment period closed at %(when)s, so your comment was not sent.",
        when=office_time(consultation.closes_at),
    )


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
    ensure_feedback_open(consultation)
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
        ensure_feedback_open(consultation)
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
    ensure_feedback_open(comment.consultation)
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


def _delete_receipts(comments: Sequence[Comment]) -> None:
    """The receipts mailed to these comments' senders (their address and private link), in
    two queries whatever their number; other mail to the same address stays."""
    receipts = {(c.email, c.receipt_number) for c in comments if c.email}
    if not receipts:
        return
    addresses = {address for address, _number in receipts}
    mails = db.session.execute(
        select(OutgoingMail.id, OutgoingMail.recipient, OutgoingMail.body).where(
            OutgoingMail.recipient.in_(addresses)
        )
    ).all()
    numbers_for: dict[str, set[str]] = {}
    for address, number in receipts:
        numbers_for.setdefault(address, set()).add(number)
    doomed = [
        mail.id
        for mail in mails
        if any(number in mail.body for number in numbers_for[mail.recipient])
    ]
    if doomed:
        db.session.execute(delete(OutgoingMail).where(OutgoingMail.id.in_(doomed)))


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
    _delete_receipts(comments)
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
