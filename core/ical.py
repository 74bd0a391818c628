"""Calendars: the one way a public thing becomes an event (`CalendarEvent`), and the one
way events become an iCalendar answer (`calendar_answer`) that every calendar app accepts.

What comes out depends on the data alone (RFC 5545, 7986): DTSTAMP and LAST-MODIFIED are
when the thing last changed publicly, never the time of the request, so the same data
gives the same bytes and a feed can be answered 304 from the public-data version without
building it. Each event's UID names the thing (`event_uid`), not the site's address, so it
is the same in every feed, in a single download and in mail, and survives a move of the
site. Times carry the office zone's TZID with one VTIMEZONE covering the events' dates.
No METHOD: feeds and downloads publish; only invitation mail sends REQUEST or CANCEL.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any

from flask import Response, current_app, request
from flask_babel import force_locale, get_locale
from icalendar import Calendar, Event, Timezone, vDuration

from core.clock import office_zone, utcnow
from core.page_cache import client_holds, page_cache, public_state, version_etag

PRODID = "-//Sunshine//Open government meetings//ZH"
# How often a subscribed app is asked to look again; feeds also say so to proxies.
REFRESH = timedelta(hours=1)
# An event's serialized text is kept this long after it was last made (it is made again
# under a new version after any change to it, and on a new release).
KEEP_EVENTS = timedelta(days=7)


@dataclass(frozen=True)
class CalendarEvent:
    """A public thing as a calendar event. `starts`/`ends` are aware datetimes, or dates
    for an all-day event (`ends` is the day after the last day, as RFC 5545 counts)."""

    uid: str
    summary: str
    starts: datetime | date
    ends: datetime | date
    sequence: int  # the thing's public revision: calendars keep the highest
    modified: datetime  # when it last changed publicly
    url: str
    location: str | None = None
    description: str | None = None
    cancelled: bool = False
    transparent: bool = False  # blocks no time (a deadline)


def event_uid(kind: str, object_id: int) -> str:
    """The event's identity: the kind and id of the thing and the office's calendar domain,
    which is set once (`CALENDAR_UID_DOMAIN`) and independent of the public address."""
    return f"{kind}-{object_id}@{current_app.config['CALENDAR_UID_DOMAIN']}"


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(microsecond=0)


def _office(moment: datetime | date) -> datetime | date:
    if isinstance(moment, datetime):
        return moment.astimezone(office_zone()).replace(microsecond=0)
    return moment


def as_vevent(item: CalendarEvent) -> Event:
    event = Event()
    event.add("uid", item.uid)
    event.add("dtstamp", _utc(item.modified))
    event.add("dtstart", _office(item.starts))
    event.add("dtend", _office(item.ends))
    event.add("summary", item.summary)
    if item.location:
        event.add("location", item.location)
    if item.description:
        event.add("description", item.description)
    event.add("url", item.url)
    event.add("sequence", item.sequence)
    event.add("last-modified", _utc(item.modified))
    event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
    event.add("transp", "TRANSPARENT" if item.transparent else "OPAQUE")
    return event


@dataclass(frozen=True)
class EventVersion:
    """What a cheap query tells of an event: which thing (`ref`, its id), its identity and
    version (`uid`, `sequence`, `modified`), and when it is (to order the feed and cover
    its dates with the time zone). An event's text depends on these and on the release
    alone (labels, settings: the build id), so it is kept serialized under them."""

    ref: int
    uid: str
    sequence: int
    modified: datetime
    starts: datetime | date
    ends: datetime | date

    @property
    def sort_key(self) -> tuple[datetime, str]:
        starts = self.starts
        if not isinstance(starts, datetime):
            starts = datetime.combine(starts, datetime.min.time(), tzinfo=office_zone())
        return (starts, self.uid)


@dataclass(frozen=True)
class EventSource:
    """Where a feed's events come from: the versions of the newest ones (one cheap query),
    and the full events for the refs whose serialized text is not kept (a few queries)."""

    versions: Callable[[], list[EventVersion]]
    events: Callable[[list[int]], list[CalendarEvent]]


def version_of(item: CalendarEvent, ref: int = 0) -> EventVersion:
    return EventVersion(ref, item.uid, item.sequence, item.modified, item.starts, item.ends)


@lru_cache(maxsize=64)
def _timezone_text(tzid: str, first: date, last: date) -> bytes:
    zone = Timezone.from_tzid(tzid, first_date=first, last_date=last)
    zone.pop("COMMENT", None)
    return zone.to_ical()


def _timezone(versions: list[EventVersion]) -> bytes:
    """The office zone's rules over the span of the events' dates only (Asia/Shanghai has
    had no daylight saving since 1991, so it is one STANDARD part); none without timed
    events."""
    days = [
        moment.astimezone(office_zone()).date()
        for item in versions
        for moment in (item.starts, item.ends)
        if isinstance(moment, datetime)
    ]
    if not days:
        return b""
    tzid = current_app.config["OFFICE_TIMEZONE"]
    return _timezone_text(tzid, min(days), max(days) + timedelta(days=1))


def _frame(name: str, description: str) -> tuple[bytes, bytes]:
    """The calendar's own lines, before and after its components."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    if description:
        calendar.add("description", description)
        calendar.add("x-wr-caldesc", description)
    calendar.add("x-wr-timezone", current_app.config["OFFICE_TIMEZONE"])
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    text = calendar.to_ical()
    end = b"END:VCALENDAR\r\n"
    return text[: -len(end)], end


def _assemble(
    name: str, description: str, versions: list[EventVersion], texts: list[bytes]
) -> bytes:
    head, end = _frame(name, description)
    return b"".join([head, _timezone(versions), *texts, end])


def build_calendar(name: str, events: Iterable[CalendarEvent], description: str = "") -> bytes:
    """A calendar of the events in hand (a single download), in their order."""
    events = list(events)
    texts = [as_vevent(item).to_ical() for item in events]
    return _assemble(name, description, [version_of(item) for item in events], texts)


def kept_text_key(version: EventVersion) -> str:
    seed = "|".join(
        [
            current_app.extensions["sunshine.build_id"],
            str(get_locale()),
            version.uid,
            str(version.sequence),
            version.modified.isoformat(),
        ]
    )
    return "vevent:" + hashlib.sha256(seed.encode()).hexdigest()[:32]


def build_feed(name: str, sources: Iterable[EventSource], description: str = "") -> bytes:
    """A feed of every source's newest events in time order, in one pass. Each event's
    text is kept under its version (`EventVersion`), so after a publication only the events
    that changed are loaded and serialized again; the bytes are those `build_calendar`
    gives for the same events."""
    keep = current_app.config.get("PAGE_CACHE_ENABLED", True)
    wanted = [(source, version) for source in sources for version in source.versions()]
    wanted.sort(key=lambda pair: pair[1].sort_key)
    keys = [kept_text_key(version) for _source, version in wanted]
    kept: list[bytes | None] = list(page_cache.get_many(*keys)) if keep and keys else []
    kept += [None] * (len(keys) - len(kept))
    missing: dict[int, tuple[EventSource, list[int]]] = {}
    for (source, version), text in zip(wanted, kept, strict=True):
        if text is None:
            missing.setdefault(id(source), (source, []))[1].append(version.ref)
    made = {
        item.uid: as_vevent(item).to_ical()
        for source, refs in missing.values()
        for item in source.events(refs)
    }
    texts = [
        text if text is not None else made[version.uid]
        for (_source, version), text in zip(wanted, kept, strict=True)
    ]
    if keep and made:
        fresh = {
            key: text
            for key, (_source, version), text in zip(keys, wanted, texts, strict=True)
            if version.uid in made
        }
        page_cache.set_many(fresh, timeout=int(KEEP_EVENTS.total_seconds()))
    return _assemble(name, description, [version for _source, version in wanted], texts)


def calendar_language(args: Any = None) -> str:
    """Feeds speak the office's language; `?lang=en` gives English labels (what the office
    wrote stays as written). The browser's choice does not apply: a feed is fetched by a
    calendar app, with no cookie."""
    return "en" if (request.args if args is None else args).get("lang") == "en" else "zh"


def calendar_answer(
    filename: str, build: Callable[[], bytes], *, download: bool = False
) -> Response:
    """A public calendar answer with validators from the public-data version (one query):
    a client that has it gets 304 with nothing built; the bytes are built once per version,
    address and language, then kept. No cookie is set; a proxy may keep it for
    `CALENDAR_MAX_AGE`. The view has made sure the thing exists before calling this."""
    version, changed_at = public_state()
    # By path and language only: other query strings neither change the feed nor make
    # another copy of it to build and keep.
    build_id = current_app.extensions["sunshine.build_id"]
    etag = version_etag(build_id, version, request.path, calendar_language())
    response = Response(mimetype="text/calendar")
    response.set_etag(etag)
    last_modified = _last_modified(changed_at)
    if last_modified is not None:
        response.last_modified = last_modified
    response.cache_control.public = True
    response.cache_control.max_age = current_app.config["CALENDAR_MAX_AGE"]
    disposition = "attachment" if download else "inline"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    unchanged = client_holds(etag, request.if_none_match) or (
        not request.if_none_match
        and last_modified is not None
        and request.if_modified_since is not None
        and last_modified <= request.if_modified_since
    )
    if unchanged:  # the client has this version: nothing is built
        response.status_code = 304
        return response
    keep = current_app.config.get("PAGE_CACHE_ENABLED", True)
    key = f"calendar:{etag}"
    body = page_cache.get(key) if keep else None
    if body is None:
        with force_locale(calendar_language()):
            body = build()
        if keep:
            page_cache.set(key, body, timeout=int(REFRESH.total_seconds()))
    response.set_data(body)
    response.content_type = "text/calendar; charset=utf-8"
    return response


def _last_modified(changed_at: datetime | None) -> datetime | None:
    """The last public change, rounded up to its whole second (HTTP dates have no smaller
    unit), and said only once that second is over: a client told "10:00:01" during that
    second could otherwise miss a second change within it."""
    if changed_at is None:
        return None
    whole = changed_at.replace(microsecond=0)
    if whole < changed_at:
        whole += timedelta(seconds=1)
    return whole if whole <= utcnow() else None


@dataclass(frozen=True)
class Attendee:
    """Someone an invitation mail is sent to (RFC 5546): their address and name."""

    email: str
    name: str


def itip_message(
    item: CalendarEvent,
    method: str,
    *,
    organizer_email: str,
    organizer_name: str,
    attendee: Attendee,
    partstat: str = "NEEDS-ACTION",
) -> bytes:
    """An iTIP message for one attendee (RFC 5546): METHOD REQUEST (an invitation or its
    update; the attendee is asked to answer) or CANCEL (the event, or their place in it,
    is cancelled). The event is the public one, with its UID and SEQUENCE, so the copy
    in a calendar and the copy in a subscribed feed are one event."""
    if method not in ("REQUEST", "CANCEL"):
        raise ValueError(f"unsupported iTIP method {method!r}")
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    event = as_vevent(item)
    if method == "CANCEL":
        event["status"] = "CANCELLED"
    event.add("organizer", f"mailto:{organizer_email}", parameters={"CN": organizer_name})
    event.add(
        "attendee",
        f"mailto:{attendee.email}",
        parameters={
            "CN": attendee.name,
            "CUTYPE": "INDIVIDUAL",
            "ROLE": "OPT-PARTICIPANT",
            "PARTSTAT": partstat,
            "RSVP": "TRUE" if method == "REQUEST" else "FALSE",
        },
    )
    head, end = calendar.to_ical(), b"END:VCALENDAR\r\n"
    return b"".join([head[: -len(end)], _timezone([version_of(item)]), event.to_ical(), end])
