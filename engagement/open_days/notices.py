"""What residents are told, by text message and by mail where they gave an address: one
notifier (`tell`) for every message about a registration, in the language they registered
in, queued with the change and sent after the commit. Texts are short and never carry an
ID number."""

from __future__ import annotations

import enum

from flask_babel import force_locale
from flask_babel import gettext as _

from core.outbox import queue_mail, queue_text
from core.web import office_time, public_link
from engagement.open_days.models import Registration


class Notice(enum.StrEnum):
    CONFIRMED = "open_day_confirmed"
    WAITLISTED = "open_day_waitlisted"
    APPLIED = "open_day_applied"
    PROMOTED = "open_day_promoted"
    SELECTED = "open_day_selected"
    NOT_SELECTED = "open_day_not_selected"
    REMINDER = "open_day_reminder"
    POSTPONED = "open_day_postponed"
    CANCELLED = "open_day_cancelled"
    CANCELLED_BY_YOU = "open_day_cancelled_by_you"
    NEW_LINK = "open_day_link"
    FEEDBACK = "open_day_feedback"


def _sentence(notice: Notice, registration: Registration) -> str:
    """The message's one sentence, in the current language."""
    day = registration.open_day
    if notice is Notice.CONFIRMED:
        return _("Your place is confirmed.")
    if notice is Notice.WAITLISTED:
        return _(
            "The places are taken; you are on the waiting list and will be told if one frees up."
        )
    if notice is Notice.APPLIED:
        return _("You are in the draw; you will be told the result after registration closes.")
    if notice is Notice.PROMOTED:
        return _("A place was given back and it is now yours: your place is confirmed.")
    if notice is Notice.SELECTED:
        return _("You were selected in the draw: your place is confirmed.")
    if notice is Notice.NOT_SELECTED:
        return _("You were not selected in the draw; you are on the waiting list.")
    if notice is Notice.REMINDER:
        if day.id_required:
            return _("Reminder: the open day is tomorrow. Bring your ID card.")
        return _("Reminder: the open day is tomorrow.")
    if notice is Notice.POSTPONED:
        return _("The open day has been moved. Reason: %(reason)s", reason=day.postpone_reason)
    if notice is Notice.CANCELLED:
        return _("The open day has been cancelled. Reason: %(reason)s", reason=day.cancel_reason)
    if notice is Notice.CANCELLED_BY_YOU:
        return _("Your registration is cancelled.")
    if notice is Notice.NEW_LINK:
        return _("Here is the link to your registration again.")
    return _("Thank you for coming. Tell us how it was in a short survey.")


def tell(registration: Registration, notice: Notice) -> None:
    """Queue `notice` to the registrant's phone, and to their email if they gave one."""
    if registration.phone is None:  # purged
        return
    day = registration.open_day
    with force_locale(registration.locale):
        link = public_link("open_days.registration_page", token=registration.token)
        params = {
            "title": day.title[:20],
            "time": office_time(day.starts_at, "M-d HH:mm"),
            "code": registration.confirmation_code,
            "link": link,
        }
        sentence = _sentence(notice, registration)
        text = _(
            "[Open day] %(title)s, %(time)s. %(sentence)s Code %(code)s. %(link)s",
            title=params["title"],
            time=params["time"],
            sentence=sentence,
            code=params["code"],
            link=link,
        )
        queue_text(
            registration.phone,
            notice.value,
            params | {"sentence": sentence},
            text,
            locale=registration.locale,
        )
        if registration.email:
            queue_mail(
                registration.email,
                _("Open day: %(title)s", title=day.title),
                _(
                    "%(sentence)s\n\nOpen day: %(title)s\nWhen: %(when)s\n"
                    "Meeting point: %(place)s\nConfirmation code: %(code)s\n\n"
                    "Your registration, its QR code for the door and cancelling: %(link)s\n",
                    sentence=sentence,
                    title=day.title,
                    when=office_time(day.starts_at),
                    place=day.meeting_point,
                    code=registration.confirmation_code,
                    link=link,
                ),
            )
