"""The pages the load bench loads, each found in whatever data the database holds (the demo,
or ten busy years), and the targets their throughput is read against.

A feature adds its public pages to `PAGES` (calendar feeds, open days, decisions, ...),
private ones too (an invitee's `/rsvp/<token>` and calendar, the token made from the
stored seed). A page's `locate` runs inside an app context with a test client and returns
the path to load and a few words on what it shows; it may ask the app itself, as the live
fragment does for its current version. A conditional request also names the `headers` it
sends (a calendar app holding the feed's current ETag), asked of whatever answers the page:
the test client, or the server about to be loaded.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta

from flask.testing import FlaskClient
from sqlalchemy import func, select

from bench.annual_report_pages import newest_report, newest_report_table, report_list
from bench.decision_pages import (
    DECISION_SEARCHES,
    corrected_decision,
    decision_feed,
    decision_list,
    decision_search,
)
from core.clock import utcnow
from core.review import ReviewState
from engagement.consultations.models import Comment, CommentStatus, Consultation, FeedbackReport
from engagement.consultations.queries import COMMENTS_PER_PAGE
from engagement.open_days.models import Mode, OpenDay, Registration
from engagement.sitting_in.models import HOLDS_A_PLACE, Invitation, InvitationStatus, Person
from extensions import db
from meetings.models import AgendaItem, Meeting


class PageKind(enum.Enum):
    HTML = "public HTML page"
    NOT_MODIFIED = "304 answer"
    DATA = "open data or health check"
    CALENDAR = "calendar feed or download"


# Targets (reported, never enforced): a page's throughput as a share of the bare /hello
# measured in the same run, by kind and database; at ten years of data, as a share of the
# same page at demo size; and the same number of SQL queries at both sizes.
SHARE_OF_HELLO = {
    (PageKind.HTML, "sqlite"): 0.20,
    (PageKind.HTML, "postgresql"): 0.15,
    (PageKind.NOT_MODIFIED, "sqlite"): 0.50,
    (PageKind.NOT_MODIFIED, "postgresql"): 0.50,
}
TEN_YEARS_OF_DEMO = 0.67
# A calendar feed's 304 costs about what the app's cheapest page costs (the fastest of the
# pages not `beside_cheapest`, at the same size in the same run): "about" read as within
# the fifth by which a page's figures move between runs.
OF_CHEAPEST_PAGE = 0.80


# Asks whatever answers the page (a path and request headers) for its answer's headers.
Ask = Callable[[str, dict[str, str]], Mapping[str, str]]
Headers = Callable[[Ask, str], dict[str, str]]


@dataclass(frozen=True)
class BenchPage:
    name: str
    locate: Callable[[FlaskClient], tuple[str, str]]
    kind: PageKind = PageKind.HTML
    # What the client sends with it, given the located path (a validator it holds); like
    # the address of a 304, worked out again right before the page is loaded.
    headers: Headers | None = None
    # Reported beside the app's cheapest page (the calendar feed, full and 304).
    beside_cheapest: bool = False

    @property
    def status(self) -> int:
        return 304 if self.kind == PageKind.NOT_MODIFIED else 200


def fixed(path: str, detail: str = "") -> Callable[[FlaskClient], tuple[str, str]]:
    return lambda _client: (path, detail)


def bench_meeting() -> Meeting:
    """The latest concluded public meeting (at ten years: a full agenda with live updates)."""
    return db.session.scalars(
        Meeting.public()
        .where(Meeting.concluded_at.is_not(None), Meeting.cancelled_at.is_(None))
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
        .limit(1)
    ).one()


def meeting_page(_client: FlaskClient) -> tuple[str, str]:
    meeting = bench_meeting()
    items = db.session.scalar(
        select(func.count(AgendaItem.id)).where(
            AgendaItem.meeting_id == meeting.id, AgendaItem.published_at.is_not(None)
        )
    )
    return f"/meetings/{meeting.id}", f"{items} agenda items"


def live_not_modified(client: FlaskClient) -> tuple[str, str]:
    """The live-updates fragment as htmx polls it: with the tag of what it already shows in
    the URL, so the answer is 304 (a tag stays current until something public changes or
    the clock passes a boundary)."""
    from meetings.views import live_tag

    meeting_id = bench_meeting().id
    with client.application.test_request_context():
        tag = live_tag(meeting_id)
    return f"/meetings/{meeting_id}/live?v={tag}", "current version"


def bench_consultation() -> tuple[int, int, int]:
    """The most recently closed public consultation with its feedback report out (at ten
    years: the one with 1,000 comments), its comments and how many of them are published."""
    consultation_id = db.session.scalar(
        Consultation.public()
        .with_only_columns(Consultation.id)
        .join(Consultation.feedback)
        .where(
            Consultation.closes_at <= utcnow(), FeedbackReport.review_state == ReviewState.APPROVED
        )
        .order_by(Consultation.closes_at.desc(), Consultation.id.desc())
        .limit(1)
    )
    counts = dict(
        db.session.execute(
            select(Comment.status, func.count(Comment.id))
            .where(Comment.consultation_id == consultation_id)
            .group_by(Comment.status)
        ).all()
    )
    return consultation_id, sum(counts.values()), counts.get(CommentStatus.PUBLISHED, 0)


def consultation_page(_client: FlaskClient) -> tuple[str, str]:
    consultation_id, received, published = bench_consultation()
    return f"/consultations/{consultation_id}", f"{received:,} comments, {published:,} shown"


def last_comment_page(_client: FlaskClient) -> tuple[str, str]:
    consultation_id, _received, published = bench_consultation()
    last = max(1, math.ceil(published / COMMENTS_PER_PAGE))
    return f"/consultations/{consultation_id}?page={last}", f"page {last} of {last}"


def calendar_feed(path: str) -> Callable[[FlaskClient], tuple[str, str]]:
    """A feed (or download) as a calendar app fetches it, with how many events it holds
    (asked of the app: the events in the body it answers)."""

    def locate(client: FlaskClient) -> tuple[str, str]:
        events = client.get(path).data.count(b"BEGIN:VEVENT")
        return path, f"{events:,} event{'' if events == 1 else 's'}"

    return locate


def holding_current_etag(ask: Ask, path: str) -> dict[str, str]:
    """A subscribed calendar app asking again with the feed's ETag it already has: the
    current one, as it was given (`If-None-Match: *` is answered 304 with the ETag,
    nothing built)."""
    return {"If-None-Match": ask(path, {"If-None-Match": "*"})["ETag"]}


def feed_not_modified(client: FlaskClient) -> tuple[str, str]:
    path, events = calendar_feed("/calendar.ics")(client)
    return path, f"{events}, its current ETag"


def meeting_download(client: FlaskClient) -> tuple[str, str]:
    return calendar_feed(f"/meetings/{bench_meeting().id}.ics")(client)


def body_feed(client: FlaskClient) -> tuple[str, str]:
    """The feed of the bench meeting's organising body (at ten years: the district's)."""
    slug = bench_meeting().body.slug
    path, events = calendar_feed(f"/calendar/bodies/{slug}.ics")(client)
    return path, f"{events} of {slug}"


def bench_open_day() -> tuple[int, int]:
    """The public open day taking registrations now with the most of them (at ten years:
    first come, over-subscribed, the generator's `bench_open_day`; in the demo, the one
    with registration open) and how many."""
    registrations, now = func.count(Registration.id), utcnow()
    return db.session.execute(
        OpenDay.public()
        .with_only_columns(OpenDay.id, registrations)
        .join(Registration, Registration.open_day_id == OpenDay.id)
        .where(
            OpenDay.registration_opens_at <= now,
            OpenDay.registration_closes_at > now,
            OpenDay.starts_at > now,
            OpenDay.cancelled_at.is_(None),
        )
        .group_by(OpenDay.id)
        .order_by(registrations.desc(), OpenDay.id.desc())
        .limit(1)
    ).one()


def open_day_page(_client: FlaskClient) -> tuple[str, str]:
    open_day_id, registrations = bench_open_day()
    return f"/open-days/{open_day_id}", f"{registrations:,} registrations"


def places_fragment(_client: FlaskClient) -> tuple[str, str]:
    """The places left as htmx asks for them once they changed: the fragment alone."""
    return f"/open-days/{bench_open_day()[0]}/places", "changed: the fragment"


def places_not_modified(client: FlaskClient) -> tuple[str, str]:
    """The places left as htmx polls them every 15 s with the tag of what the page shows:
    304 while nothing public changed."""
    from engagement.open_days.views import places_tag

    open_day_id = bench_open_day()[0]
    with client.application.test_request_context():
        tag = places_tag(open_day_id)
    return f"/open-days/{open_day_id}/places?v={tag}", "current version"


def as_htmx(_ask: Ask, _path: str) -> dict[str, str]:
    """What htmx adds to each request it makes."""
    return {"HX-Request": "true"}


def draw_page(_client: FlaskClient) -> tuple[str, str]:
    """The latest draw (at ten years: an hour ago, about 70 entries), its entries and its
    result."""
    open_day_id = db.session.scalar(
        OpenDay.public()
        .with_only_columns(OpenDay.id)
        .where(OpenDay.mode == Mode.LOTTERY, OpenDay.drawn_at.is_not(None))
        .order_by(OpenDay.drawn_at.desc(), OpenDay.id.desc())
        .limit(1)
    )
    entries = db.session.scalar(
        select(func.count(Registration.id)).where(
            Registration.open_day_id == open_day_id, Registration.draw_rank.is_not(None)
        )
    )
    return f"/open-days/{open_day_id}/draw", f"{entries} entries ranked"


def open_day_download(client: FlaskClient) -> tuple[str, str]:
    return calendar_feed(f"/open-days/{bench_open_day()[0]}.ics")(client)


def rsvp_page(_client: FlaskClient) -> tuple[str, str]:
    """An invitee's own page from the link in their invitation: the first one not answered
    yet for the soonest meeting ahead (the answer form shown). Its token is made from the
    stored seed under this app's key, as the mail made it; the server looks the link up by
    its hash alone, whatever key it runs with."""
    invitation = db.session.scalars(
        select(Invitation)
        .join(Invitation.meeting)
        .where(
            Invitation.status == InvitationStatus.INVITED,
            Meeting.starts_at > utcnow(),
            Meeting.cancelled_at.is_(None),
            Meeting.review_state == ReviewState.APPROVED,
        )
        .order_by(Meeting.starts_at, Invitation.id)
        .limit(1)
    ).one()
    days = (invitation.meeting.starts_at - utcnow()).days
    return f"/rsvp/{invitation.token}", f"not answered, the meeting in {days} days"


def application_form(_client: FlaskClient) -> tuple[str, str]:
    """The form of the soonest meeting whose call for residents to sit in is open."""
    meeting = db.session.scalars(
        select(Meeting)
        .where(
            Meeting.sit_in_open.is_(True),
            Meeting.sit_in_places > 0,
            Meeting.starts_at > utcnow() + timedelta(days=3),
            Meeting.cancelled_at.is_(None),
            Meeting.review_state == ReviewState.APPROVED,
        )
        .order_by(Meeting.starts_at, Meeting.id)
        .limit(1)
    ).one()
    return f"/meetings/{meeting.id}/sit-in/apply", f"{meeting.sit_in_places} places"


def private_feed(client: FlaskClient) -> tuple[str, str]:
    """The private calendar of the invitee with the most invitations in it (at ten years:
    a re-elected deputy's)."""
    held = func.count(Invitation.id)
    person_id = db.session.scalar(
        select(Person.id)
        .join(Invitation, Invitation.person_id == Person.id)
        .join(Invitation.meeting)
        .where(
            Person.purged_at.is_(None),
            Invitation.status.in_(HOLDS_A_PLACE),
            Meeting.review_state == ReviewState.APPROVED,
        )
        .group_by(Person.id)
        .order_by(held.desc(), Person.id)
        .limit(1)
    )
    token = db.session.get(Person, person_id).feed_token
    return calendar_feed(f"/calendar/private/{token}.ics")(client)


PAGES: list[BenchPage] = [
    BenchPage("home", fixed("/")),
    BenchPage("meeting list", fixed("/meetings/")),
    BenchPage("meeting page", meeting_page),
    BenchPage("consultation page", consultation_page),
    BenchPage("its last comment page", last_comment_page),
    BenchPage("open day list", fixed("/open-days/")),
    BenchPage("open day page", open_day_page),
    BenchPage("its places, changed", places_fragment, headers=as_htmx),
    BenchPage("its places, unchanged", places_not_modified, PageKind.NOT_MODIFIED, as_htmx),
    BenchPage("the latest draw", draw_page),
    BenchPage("an invitation to sit in", rsvp_page),
    BenchPage("applying to sit in (form)", application_form),
    BenchPage("decision list", decision_list),
    *(
        BenchPage(f"decisions searched, {kind}", decision_search(word))
        for kind, word in DECISION_SEARCHES.items()
    ),
    BenchPage("a corrected decision", corrected_decision),
    BenchPage("new decisions (Atom feed)", decision_feed, PageKind.DATA),
    BenchPage("annual reports", report_list),
    BenchPage("the newest annual report", newest_report),
    BenchPage("a report's table (CSV)", newest_report_table, PageKind.DATA),
    BenchPage("meetings (open data)", fixed("/api/v1/meetings"), PageKind.DATA),
    BenchPage("decisions (open data)", fixed("/api/v1/decisions"), PageKind.DATA),
    BenchPage("open days (open data)", fixed("/api/v1/open-days"), PageKind.DATA),
    BenchPage("live updates, unchanged", live_not_modified, PageKind.NOT_MODIFIED),
    BenchPage("health check", fixed("/healthz"), PageKind.DATA),
    BenchPage("calendar page", fixed("/calendar/")),
    BenchPage(
        "calendar feed, everything",
        calendar_feed("/calendar.ics"),
        PageKind.CALENDAR,
        beside_cheapest=True,
    ),
    BenchPage(
        "calendar feed, unchanged",
        feed_not_modified,
        PageKind.NOT_MODIFIED,
        headers=holding_current_etag,
        beside_cheapest=True,
    ),
    BenchPage(
        "calendar feed, meetings",
        calendar_feed("/calendar/meetings.ics"),
        PageKind.CALENDAR,
        beside_cheapest=True,
    ),
    BenchPage(
        "calendar feed, open days",
        calendar_feed("/calendar/open-days.ics"),
        PageKind.CALENDAR,
        beside_cheapest=True,
    ),
    BenchPage("a body's meetings feed", body_feed, PageKind.CALENDAR),
    BenchPage("meeting download (.ics)", meeting_download, PageKind.CALENDAR),
    BenchPage("open day download (.ics)", open_day_download, PageKind.CALENDAR),
    BenchPage("an invitee's private calendar", private_feed, PageKind.CALENDAR),
]
