"""What applicants to sit in are told, by text message and by mail where they gave an
address: that their application arrived, that it is not eligible (with the office's
reason) or eligible after all, or that they were not selected in the draw. In the language
they applied in, queued with the change and sent after the commit. Those selected are told
by their invitation (`notices.invitations`)."""

from __future__ import annotations

import enum

from flask_babel import force_locale
from flask_babel import gettext as _

from core.outbox import queue_mail, queue_text
from core.web import office_time, public_link
from engagement.sitting_in.models import Application
from engagement.sitting_in.queries.applications import applications_close_at


class ApplicantNotice(enum.StrEnum):
    RECEIVED = "sit_in_application_received"
    INELIGIBLE = "sit_in_application_ineligible"
    NOW_ELIGIBLE = "sit_in_application_eligible"  # found eligible after being told it was not
    NOT_SELECTED = "sit_in_application_not_selected"


def _sentence(notice: ApplicantNotice, application: Application) -> str:
    if notice is ApplicantNotice.RECEIVED:
        return _(
            "We have your application to sit in. We check eligibility after applications "
            "close (%(when)s) and tell you the result.",
            when=office_time(applications_close_at(application.meeting), "M-d HH:mm"),
        )
    if notice is ApplicantNotice.INELIGIBLE:
        return _(
            "Your application to sit in is not eligible. Reason: %(reason)s",
            reason=application.eligibility_reason,
        )
    if notice is ApplicantNotice.NOW_ELIGIBLE:
        return _(
            "On a second look, your application to sit in is eligible after all. "
            "We will tell you the result."
        )
    return _(
        "You were not selected in the public draw for places to sit in. Thank you for applying."
    )


def _link(notice: ApplicantNotice, application: Application) -> str:
    if notice is ApplicantNotice.NOT_SELECTED:
        return public_link("sitting_in.draw_page", meeting_id=application.meeting_id)
    return public_link("meetings.meeting_page", meeting_id=application.meeting_id)


def tell_applicant(application: Application, notice: ApplicantNotice) -> None:
    """Queue `notice` to the applicant's phone, and to their email if they gave one."""
    if application.phone is None:  # purged
        return
    meeting = application.meeting
    with force_locale(application.locale):
        link = _link(notice, application)
        title = meeting.title[:20]
        time = office_time(meeting.starts_at, "M-d HH:mm")
        sentence = _sentence(notice, application)
        queue_text(
            application.phone,
            notice.value,
            {
                "title": title,
                "time": time,
                "sentence": sentence,
                "reference": application.reference,
                "link": link,
            },
            _(
                "[Sitting in] %(title)s, %(time)s. %(sentence)s Reference %(reference)s. %(link)s",
                title=title,
                time=time,
                sentence=sentence,
                reference=application.reference,
                link=link,
            ),
            locale=application.locale,
        )
        if application.email:
            queue_mail(
                application.email,
                _("Sitting in: %(title)s", title=meeting.title),
                _(
                    "%(sentence)s\n\nMeeting: %(title)s\nWhen: %(when)s\n"
                    "Your reference: %(reference)s\n\n%(link)s\n",
                    sentence=sentence,
                    title=meeting.title,
                    when=office_time(meeting.starts_at),
                    reference=application.reference,
                    link=link,
                ),
            )
