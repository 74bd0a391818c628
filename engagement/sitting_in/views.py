"""Public pages of sitting in: the invitee's own invitation `/rsvp/<token>` and private
feed `/calendar/private/<token>.ics` (no account: the link is the key; an unknown or
revoked one is a plain 404), a meeting's call for residents' applications and its draw
(`application_views`)."""

from __future__ import annotations

import dataclasses

from flask import Blueprint, Response, abort, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address

from core.clock import utcnow
from core.ical import build_calendar
from core.private_links import token_hash
from core.runner import run_for_form
from core.web import render_page
from engagement.sitting_in.forms.rsvp import AnswerForm
from engagement.sitting_in.models import NAMED_PUBLICLY, Invitation, InvitationStatus, Person
from engagement.sitting_in.operations.invitations import answer_invitation
from engagement.sitting_in.queries.invitations import (
    feed_invitations,
    invitation_by_token,
    person_by_feed_token,
)
from extensions import limiter
from meetings.calendar import meeting_event

bp = Blueprint("sitting_in", __name__)

# Answers sent from one connection (a guessed link counts too), and to one invitation.
RSVP_RATE_LIMIT = "60 per 10 minutes;300 per day"
RSVP_LINK_RATE_LIMIT = "10 per 10 minutes;30 per day"


def invitation_or_404(token: str) -> Invitation:
    invitation = invitation_by_token(token)
    if invitation is None:
        abort(404)
    return invitation


def _answers_closed() -> bool:
    """Closed answers are said as such, before any limit on sending; reading never counts."""
    if request.method != "POST":
        return True
    invitation = invitation_by_token((request.view_args or {}).get("token", ""))
    return invitation is not None and not invitation.may_answer_at(utcnow())


def _link_key() -> str:
    # The link's hash, never the link itself: the key is kept in Redis and logged on breach.
    return "rsvp|" + token_hash((request.view_args or {}).get("token", ""))


def _too_many_answers(_limit: object) -> Response | None:
    """The invitation again with the answer as sent, asking to wait (a guessed link: the
    plain "too many requests" page)."""
    token = (request.view_args or {}).get("token", "")
    invitation = invitation_by_token(token)
    if invitation is None:
        return None
    form = AnswerForm()
    form.validate()  # keeps what was typed, to show it back
    form.form_errors.append(_("Please wait a few minutes before trying again."))
    return _rsvp_page(invitation, form, token, status=429)


def _rsvp_page(invitation: Invitation, form: AnswerForm, token: str, status: int) -> Response:
    return render_page(
        "sitting_in/rsvp.html",
        invitation=invitation,
        meeting=invitation.meeting,
        person=invitation.person,
        form=form,
        token=token,
        answered=invitation.status in (InvitationStatus.ACCEPTED, InvitationStatus.DECLINED),
        may_answer=invitation.may_answer_at(utcnow()),
        asks_consent=invitation.category not in NAMED_PUBLICLY,
        status=status,
    )


@bp.route("/rsvp/<token>", methods=["GET", "POST"])
@limiter.limit(
    RSVP_RATE_LIMIT,
    methods=["POST"],
    key_func=get_remote_address,
    on_breach=_too_many_answers,
    exempt_when=_answers_closed,
)
@limiter.limit(
    RSVP_LINK_RATE_LIMIT,
    methods=["POST"],
    key_func=_link_key,
    on_breach=_too_many_answers,
    exempt_when=_answers_closed,
)
def rsvp(token: str) -> Response:
    invitation = invitation_or_404(token)
    form = AnswerForm(
        data={
            "answer": {
                InvitationStatus.ACCEPTED: "accept",
                InvitationStatus.DECLINED: "decline",
            }.get(invitation.status),
            "note": invitation.answer_note,
            "name_public": invitation.name_public,
        }
        if request.method == "GET"
        else None
    )
    may_answer = invitation.may_answer_at(utcnow())
    status = 200
    if request.method == "POST":
        if not may_answer:
            form.validate()  # keeps what was typed, to show it back
            form.form_errors.append(
                _("Answers are closed: the meeting has started or is cancelled.")
            )
            status = 409
        elif form.validate_on_submit():
            done = run_for_form(
                form,
                lambda: answer_invitation(
                    invitation,
                    accepted=form.answer.data == "accept",
                    note=form.note.data,
                    name_public=bool(form.name_public.data),
                ),
                done=lambda changed: (
                    _("Thank you: your answer is saved. You may change it until the meeting.")
                    if changed
                    else _("Your answer was already saved as it is.")
                ),
                then=url_for("sitting_in.rsvp", token=token),
            )
            if done:
                return done
        if status == 200:
            status = 422 if form.errors else 200
    return _rsvp_page(invitation, form, token, status=status)


@bp.get("/calendar/private/<token>.ics")
def private_feed(token: str) -> Response:
    """All of one person's current invitations, the meetings' public events with their
    UIDs (the invitation mail's and the public feeds'): built for them each time, never
    kept by a shared cache."""
    person = person_by_feed_token(token)
    if person is None:
        abort(404)
    with force_locale(person.locale):
        return _feed_answer(person)


def _feed_answer(person: Person) -> Response:
    events = [
        dataclasses.replace(
            meeting_event(invitation.meeting),
            sequence=max(invitation.meeting.revision, invitation.sequence_sent),
        )
        for invitation in feed_invitations(person)
    ]
    body = build_calendar(
        _("Sunshine: my invitations to sit in"),
        events,
        _("The meetings you are invited to sit in on. Declined ones leave the calendar."),
    )
    response = Response(body, content_type="text/calendar; charset=utf-8")
    response.headers["Content-Disposition"] = 'inline; filename="invitations.ics"'
    return response


from engagement.sitting_in import application_views  # noqa: E402, F401  (its routes join bp)
