"""The calendar page (`/calendar/`: what each feed holds, how to subscribe in each app)
and the feeds themselves, each answered by `core.ical.calendar_answer`."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from flask import Blueprint, Response, abort
from flask_babel import gettext as _

from core.ical import build_feed, calendar_answer
from core.web import current_language, public_link, render_page
from engagement.calendar.feeds import FEEDS, FEEDS_BY_SLUG, Feed, narrower_feed
from meetings.calendar import meeting_source
from meetings.queries import bodies_in_order, body_or_404

bp = Blueprint("calendar", __name__)


@dataclass(frozen=True)
class Subscription:
    """The addresses a reader needs to subscribe to one feed, in the page's language."""

    address: str  # https://…/x.ics: to paste into any app
    webcal: str  # webcal://…: Apple Calendar and Outlook open it and offer to subscribe
    google: str  # Google Calendar's add-by-address page, with the address filled in

    @classmethod
    def to(cls, endpoint: str, **values: str) -> Subscription:
        if current_language() == "en":
            values["lang"] = "en"
        address = public_link(endpoint, **values)
        webcal = "webcal://" + address.split("://", 1)[1]
        google = "https://calendar.google.com/calendar/render?cid=" + quote(webcal, safe="")
        return cls(address, webcal, google)


def feed_subscription(feed: Feed) -> Subscription:
    if feed.slug == "all":
        return Subscription.to("calendar.everything")
    return Subscription.to("calendar.feed", slug=feed.slug)


@bp.get("/calendar/")
def subscribe() -> Response:
    return render_page(
        "calendar/subscribe.html",
        feeds=[(feed, feed_subscription(feed)) for feed in FEEDS],
        bodies=[
            (body, Subscription.to("calendar.body_feed", slug=body.slug))
            for body in bodies_in_order()
        ],
    )


def _feed_answer(feed: Feed) -> Response:
    return calendar_answer(
        feed.filename, lambda: build_feed(str(feed.title), feed.sources(), str(feed.contents))
    )


@bp.get("/calendar.ics")
def everything() -> Response:
    return _feed_answer(FEEDS_BY_SLUG["all"])


@bp.get("/calendar/<slug>.ics")
def feed(slug: str) -> Response:
    found = narrower_feed(slug)
    if found is None:
        abort(404)
    return _feed_answer(found)


@bp.get("/calendar/bodies/<slug>.ics")
def body_feed(slug: str) -> Response:
    body = body_or_404(slug)  # before any 304; its slug is then a checked one

    def build() -> bytes:
        return build_feed(
            _("Sunshine: meetings of %(body)s", body=body.name),
            [meeting_source(body)],
            _("Every announced meeting of %(body)s, with its public agenda.", body=body.name),
        )

    return calendar_answer(f"{body.slug}.ics", build)
