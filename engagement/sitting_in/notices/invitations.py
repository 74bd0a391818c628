"""What invitees are told, in their language: the invitation mail (plain text, HTML and an
iTIP calendar part whose event is the meeting's public one, same UID) and a short text
message to their phone. Queued with the change; sent after the commit, or, for a whole
meeting's invitations, by the page that shows the sending's progress."""

from __future__ import annotations

import dataclasses
import enum

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from core.ical import Attendee, itip_message
from core.outbox import queue_mail, queue_text
from core.web import office_time, public_link
from engagement.sitting_in.models import Invitation, InvitationStatus
from meetings.calendar import meeting_event


class Notice(enum.StrEnum):
    INVITED = "sit_in_invited"  # REQUEST
    UPDATED = "sit_in_updated"  # REQUEST with a higher SEQUENCE: the meeting moved
    REMINDER = "sit_in_reminder"  # no calendar part
    CANCELLED = "sit_in_cancelled"  # CANCEL: the meeting is cancelled
    WITHDRAWN = "sit_in_withdrawn"  # CANCEL: this person's invitation is withdrawn


CALENDAR_METHOD = {
    Notice.INVITED: "REQUEST",
    Notice.UPDATED: "REQUEST",
    Notice.CANCELLED: "CANCEL",
    Notice.WITHDRAWN: "CANCEL",
}
PARTSTAT = {
    InvitationStatus.ACCEPTED: "ACCEPTED",
    InvitationStatus.DECLINED: "DECLINED",
}


def batch_name(meeting_id: int) -> str:
    """The mail of one meeting's invitations, sent together with its progress shown."""
    return f"sit-in-invitations-{meeting_id}"


def _sentence(notice: Notice, invitation: Invitation) -> str:
    meeting = invitation.meeting
    if notice is Notice.INVITED:
        return _("You are invited to sit in on this meeting. Please tell us if you will come.")
    if notice is Notice.UPDATED:
        if meeting.postpone_reason:
            return _(
                "The meeting has been moved. Reason: %(reason)s", reason=meeting.postpone_reason
            )
        return _("The meeting has changed; here are its details as they are now.")
    if notice is Notice.REMINDER:
        if invitation.status == InvitationStatus.ACCEPTED:
            return _("A reminder: you are expected at this meeting.")
        return _("A reminder: please tell us whether you will come.")
    if notice is Notice.CANCELLED:
        return _("The meeting has been cancelled. Reason: %(reason)s", reason=meeting.cancel_reason)
    if invitation.withdraw_reason:
        return _(
            "Your invitation to this meeting has been withdrawn. Reason: %(reason)s",
            reason=invitation.withdraw_reason,
        )
    return _("Your invitation to this meeting has been withdrawn.")


def next_sequence(invitation: Invitation, notice: Notice) -> int:
    """The SEQUENCE of the message: the meeting's public revision for an invitation (sent
    again, the same); for anything else above what this person was last sent, so their
    calendar takes it even when their own invitation changed after the meeting did (a
    withdrawal, then an invitation again)."""
    revision, sent = invitation.meeting.revision, invitation.sequence_sent
    if notice is Notice.INVITED and sent <= revision:
        return revision
    return max(revision, sent + 1)


def tell(invitation: Invitation, notice: Notice, *, batch: str | None = None) -> None:
    """Queue `notice` to the invitee's email (with the calendar part) and phone."""
    person = invitation.person
    meeting = invitation.meeting
    if not (person.email or person.phone):  # purged, or never given
        return
    with force_locale(person.locale):
        link = public_link("sitting_in.rsvp", token=invitation.token)
        feed = public_link("sitting_in.private_feed", token=person.feed_token)
        sentence = _sentence(notice, invitation)
        if person.email:
            _queue_mail(invitation, notice, sentence, link, feed, batch)
        if person.phone:
            title = meeting.title[:20]
            time = office_time(meeting.starts_at, "M-d HH:mm")
            queue_text(
                person.phone,
                notice.value,
                {"title": title, "time": time, "sentence": sentence, "link": link},
                _(
                    "[Sitting in] %(title)s, %(time)s. %(sentence)s %(link)s",
                    title=title,
                    time=time,
                    sentence=sentence,
                    link=link,
                ),
                locale=person.locale,
            )


def _queue_mail(
    invitation: Invitation,
    notice: Notice,
    sentence: str,
    link: str,
    feed: str,
    batch: str | None,
) -> None:
    person, meeting = invitation.person, invitation.meeting
    details = {
        "sentence": sentence,
        "meeting": meeting,
        "name": person.name,
        "when": office_time(meeting.starts_at),
        "ends": office_time(meeting.ends_at, "HH:mm"),
        "link": link,
        "feed": feed,
        "page": public_link("meetings.meeting_page", meeting_id=meeting.id),
        "mail_lang": "en" if person.locale.startswith("en") else "zh-Hans",
        "answerable": notice in (Notice.INVITED, Notice.UPDATED, Notice.REMINDER),
    }
    calendar = None
    method = CALENDAR_METHOD.get(notice)
    if method is not None:
        sequence = next_sequence(invitation, notice)
        event = dataclasses.replace(meeting_event(meeting), sequence=sequence)
        calendar = itip_message(
            event,
            method,
            organizer_email=current_app.config["MAIL_FROM"],
            organizer_name=meeting.body.name,
            attendee=Attendee(person.email or "", person.name or ""),
            partstat=PARTSTAT.get(invitation.status, "NEEDS-ACTION"),
        )
        invitation.sequence_sent = sequence
    subject = _subject(notice, meeting.title)
    message = queue_mail(
        person.email or "",
        subject,
        render_template("sitting_in/mail/invitation.txt", **details),
        html=render_template("sitting_in/mail/invitation.html", **details),
        calendar=calendar,
        batch=batch,
    )
    invitation.mail_id = message.id


def _subject(notice: Notice, title: str) -> str:
    if notice is Notice.INVITED:
        return _("Invitation to sit in: %(title)s", title=title)
    if notice is Notice.UPDATED:
        return _("Changed: %(title)s", title=title)
    if notice is Notice.REMINDER:
        return _("Reminder: %(title)s", title=title)
    if notice is Notice.CANCELLED:
        return _("Cancelled: %(title)s", title=title)
    return _("Invitation withdrawn: %(title)s", title=title)
