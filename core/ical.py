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

from flask import Response, current_app, request
from flask_babel import force_locale
from icalendar import Calendar, Event, Timezone, vDuration

from core.clock import office_zone, utcnow
from core.page_cache import client_holds, page_cache, public_state

PRODID = "-//Sunshine//Open government meetings//ZH"
# How often a subscribed app is asked to look again; feeds also say so to proxies.
REFRESH = timedelta(hours=1)


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


def _vevent(item: CalendarEvent) -> Event:
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


def _timezone(events: list[CalendarEvent]) -> Timezone | None:
    """The office zone's rules over the span of the events' dates only (Asia/Shanghai has
    had no daylight saving since 1991, so it is one STANDARD part); none without timed
    events."""
    days = [
        moment.astimezone(office_zone()).date()
        for item in events
        for moment in (item.starts, item.ends)
        if isinstance(moment, datetime)
    ]
    if not days:
        return None
    zone = Timezone.from_tzid(
        current_app.config["OFFICE_TIMEZONE"],
        first_date=min(days),
        last_date=max(days) + timedelta(days=1),
    )
    zone.pop("COMMENT", None)
    return zone


def build_calendar(name: str, events: Iterable[CalendarEvent], description: str = "") -> bytes:
    """The whole calendar, in one pass over `events`."""
    events = list(events)
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
    zone = _timezone(events)
    if zone is not None:
        calendar.add_component(zone)
    for item in events:
        calendar.add_component(_vevent(item))
    return calendar.to_ical()


def calendar_language() -> str:
    """Feeds speak the office's language; `?lang=en` gives English labels (what the office
    wrote stays as written). The browser's choice does not apply: a feed is fetched by a
    calendar app, with no cookie."""
    return "en" if request.args.get("lang") == "en" else "zh"


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
    seed = "|".join([build_id, str(version), request.path, calendar_language()])
    etag = hashlib.sha256(seed.encode()).hexdigest()[:32]
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
