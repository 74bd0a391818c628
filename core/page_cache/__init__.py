"""Public pages for anonymous readers, served from a cache and answered 304 cheaply.

A page a feature declares cacheable (`cached_pages`) is kept by address, language and
elder-friendly mode (`core.web.page_variant`), and htmx-fragment-or-not, under the
public-data version (`models.PublicState`), which every change to anything the public can see
increases in its own transaction: the request after an approval, a withdrawal or a
cancellation reads a new version and renders afresh. What changes with the clock alone (a
meeting going live, a period closing at its second) is met by each feature's next such
moment (`clock_boundaries`; the time left of an open comment period counts too): an entry
is never served past it, nor past the next whole hour.

The validator (ETag) is derived from the version and that moment, so any worker answers
a conditional GET with 304 after one query, without building the page. Staff, and anyone
with something in their session (a flashed message), get the page built for them.

A part of a page that must differ per visitor (a form's token and keys) is kept in the
cache as a placeholder and filled for each response (`visitor_parts`); such a response is
private and carries no validator.

Storage: Redis when `REDIS_URL` is set (shared by every worker), otherwise in-process.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from flask import Flask, Response, current_app, g, request, session
from flask_caching import Cache
from markupsafe import Markup, escape
from sqlalchemy import select

from core.clock import utcnow
from core.extension_points import ExtensionPoint
from core.page_cache.models import PublicState, bump_public_version
from core.web import page_variant
from extensions import db

__all__ = [
    "PublicState",
    "bump_public_version",
    "cached_pages",
    "client_holds",
    "clock_boundaries",
    "epoch_tag",
    "page_variant",
    "public_state",
    "tagged_fragments",
    "version_etag",
    "versioned_pages",
    "visitor_part",
    "visitor_parts",
]

# Endpoints whose GET answers are the same for every anonymous reader.
cached_pages: ExtensionPoint[str] = ExtensionPoint("cached_pages")
# Each returns the next moment after `now` at which something public changes by the clock.
clock_boundaries: ExtensionPoint[Callable[[datetime], datetime | None]] = ExtensionPoint(
    "clock_boundaries"
)
# name -> renders the per-visitor part (e.g. a form's hidden fields) for this response.
visitor_parts: ExtensionPoint[tuple[str, Callable[[], str]]] = ExtensionPoint("visitor_parts")
# endpoint -> the parts of its `epoch_tag` from its address's values: a poll whose `v` is
# still the current tag is answered 304 from the version alone.
tagged_fragments: ExtensionPoint[tuple[str, Callable[[dict[str, Any]], tuple[object, ...]]]] = (
    ExtensionPoint("tagged_fragments")
)

# endpoint -> (the variant of the answer for its address's values and query arguments, or
# None when the address may not exist; its Cache-Control): answers that change with the
# public-data version alone, never with the clock (the calendar feeds), validated by
# `version_etag` in the view and before Flask.
versioned_pages: ExtensionPoint[tuple[str, Callable[[dict[str, Any], Any], str | None], str]] = (
    ExtensionPoint("versioned_pages")
)

page_cache = Cache()
STATE_QUERY = select(PublicState.version, PublicState.changed_at).where(PublicState.id == 1)
# However quiet the clock, a kept page is built again at the next whole hour (a safety net
# for anything shown that changes with time and names no boundary of its own).
LONGEST = timedelta(hours=1)
PLACEHOLDER = "<!--sunshine-visitor:{name}-->"
# Session keys that do not make a page personal: the form token a reader may carry.
IMPERSONAL_SESSION_KEYS = {"csrf_token"}


@dataclass(frozen=True)
class Epoch:
    """Public state as of a version, valid until the next clock boundary."""

    version: int
    since: datetime
    until: datetime


# What a page or feed is made from besides the data: the code, the templates, the
# translations, and the settings that appear in what is served.
BUILT_FROM = ("core", "meetings", "engagement", "templates", "translations")
BUILT_WITH = ("PUBLIC_BASE_URL", "OFFICE_TIMEZONE", "CALENDAR_UID_DOMAIN", "CALENDAR_FEED_SIZE")


def _build_id(app: Flask) -> str:
    """Changes with any code, template, translation or setting that shapes what is served,
    so a new release (or a moved site) never answers 304 with an old page or feed; the
    same in every worker of one release."""
    digest = hashlib.sha256()
    for folder in BUILT_FROM:
        for path in sorted(Path(app.root_path, folder).rglob("*")):
            if path.is_file() and path.suffix in (".py", ".html", ".mo", ".po"):
                digest.update(path.read_bytes())
    requirements = Path(app.root_path, "requirements.txt")  # the libraries that write it
    if requirements.exists():
        digest.update(requirements.read_bytes())
    for setting in BUILT_WITH:
        digest.update(f"{setting}={app.config.get(setting)}".encode())
    return digest.hexdigest()[:12]


def public_state() -> tuple[int, datetime | None]:
    """The public-data version and when it last changed: one query (built once)."""
    row = db.session.execute(STATE_QUERY).one_or_none()
    return (row.version, row.changed_at) if row is not None else (0, None)


def current_epoch(now: datetime) -> Epoch:
    """One query for the version; the next clock boundary is worked out once per version
    and process, and again only once it has passed."""
    version, _changed_at = public_state()
    remembered: Epoch | None = current_app.extensions.get("sunshine.epoch")
    if (
        remembered is not None
        and remembered.version == version
        and remembered.since <= now < remembered.until
    ):
        return remembered
    upcoming = [moment for find in clock_boundaries.contributions() if (moment := find(now))]
    # The next whole hour, the same in every worker, so their keys and validators agree.
    next_hour = now.replace(minute=0, second=0, microsecond=0) + LONGEST
    epoch = Epoch(version, now, min([*upcoming, next_hour]))
    current_app.extensions["sunshine.epoch"] = epoch
    return epoch


def _reader_is_anonymous() -> bool:
    return set(session.keys()) <= IMPERSONAL_SESSION_KEYS


def _cacheable() -> bool:
    return (
        request.method in ("GET", "HEAD")
        and current_app.config.get("PAGE_CACHE_ENABLED", True)
        and request.endpoint in set(cached_pages.contributions())
        and _reader_is_anonymous()
    )


def page_key(build_id: str, epoch: Epoch, variant: str, fragment: bool, full_path: str) -> str:
    """Names one kept page; its first 32 characters are the page's validator (ETag). The
    same in every worker, and computable before Flask (`shortcut`)."""
    seed = "|".join(
        [
            build_id,
            str(epoch.version),
            epoch.until.isoformat(),
            variant,
            "fragment" if fragment else "page",
            full_path,
        ]
    )
    return hashlib.sha256(seed.encode()).hexdigest()


# Flask-Compress names what it compressed by the validator and the algorithm ("abc:br"): a
# client holding that copy holds this version too.
COMPRESSED_SUFFIXES = (":br", ":gzip", ":deflate", ":zstd")


def client_holds(etag: str, if_none_match: Any) -> bool:
    """The client's `If-None-Match` names `etag`, as sent or as compressed."""
    for held in if_none_match.as_set(include_weak=True):
        for suffix in COMPRESSED_SUFFIXES:
            held = held.removesuffix(suffix)
        if held == etag:
            return True
    return etag in if_none_match  # "*"


def version_etag(build_id: str, version: int, path: str, variant: str) -> str:
    """The validator of an answer that changes with the public-data version alone."""
    seed = "|".join([build_id, str(version), path, variant])
    return hashlib.sha256(seed.encode()).hexdigest()[:32]


def versioned_page(endpoint: str | None) -> tuple[Callable[..., str | None], str] | None:
    for versioned, variant, cache_control in versioned_pages.contributions():
        if versioned == endpoint:
            return variant, cache_control
    return None


def wants_fragment(headers: Any) -> bool:
    return headers.get("HX-Request") == "true" and not headers.get("HX-Boosted")


def _key(epoch: Epoch) -> str:
    return page_key(
        current_app.extensions["sunshine.build_id"],
        epoch,
        page_variant(request.cookies),
        wants_fragment(request.headers),
        request.full_path,
    )


def tag_for(build_id: str, epoch: Epoch, parts: tuple[object, ...]) -> str:
    seed = "|".join([build_id, str(epoch.version), epoch.until.isoformat(), *map(str, parts)])
    return hashlib.sha256(seed.encode()).hexdigest()[:20]


def epoch_tag(*parts: object) -> str:
    """A short version of what the public can see, for a fragment that is polled with it
    (`?v=`): it changes with every public change and clock boundary, so an unchanged poll is
    answered 304 from the version alone (`tagged_fragments`, and before Flask)."""
    epoch = current_epoch(utcnow())
    return tag_for(current_app.extensions["sunshine.build_id"], epoch, parts)


def visitor_part(name: str) -> Markup:
    """In a template: the per-visitor part `name`, filled in for each response."""
    g.visitor_parts = True
    return Markup(PLACEHOLDER.format(name=escape(name)))  # noqa: S704  (escaped)


def tagged_parts(endpoint: str | None, values: dict[str, Any]) -> tuple[object, ...] | None:
    for tagged, parts in tagged_fragments.contributions():
        if tagged == endpoint:
            return parts(values)
    return None


def _tag_still_current(epoch: Epoch) -> bool:
    parts = tagged_parts(request.endpoint, request.view_args or {})
    if parts is None or not request.args.get("v"):
        return False
    return request.args["v"] == tag_for(current_app.extensions["sunshine.build_id"], epoch, parts)


def serve_from_cache() -> Response | None:
    if not _cacheable():
        return None
    epoch = current_epoch(utcnow())
    key = g.page_cache_key = _key(epoch)
    g.page_cache_epoch = epoch
    etag = key[:32]
    if client_holds(etag, request.if_none_match) or _tag_still_current(epoch):
        response = Response(status=304)
        response.set_etag(etag)
        g.page_cache_hit = True
        return response
    kept = page_cache.get(key)
    if kept is None:
        return None
    g.page_cache_hit = True
    g.visitor_parts = kept["personal"]
    response = Response(kept["body"], status=kept["status"], mimetype=kept["mimetype"])
    response.vary.update(kept["vary"])
    if kept.get("disposition"):
        response.headers["Content-Disposition"] = kept["disposition"]
    if not kept["personal"]:
        response.set_etag(etag)
    return response


def keep_and_fill(response: Response) -> Response:
    """Keep a freshly built cacheable page; fill per-visitor parts of any page."""
    key = g.get("page_cache_key")
    if key and not g.get("page_cache_hit") and response.status_code == 200:
        personal = bool(g.get("visitor_parts"))
        until: datetime = g.page_cache_epoch.until
        seconds = max(1, int((until - utcnow()).total_seconds()) + 1)
        page_cache.set(
            key,
            {
                "body": response.get_data(),
                "status": response.status_code,
                "mimetype": response.mimetype,
                "vary": sorted(response.vary),
                "personal": personal,
                # A download keeps its file name (a table's CSV) when served from here.
                "disposition": response.headers.get("Content-Disposition"),
            },
            timeout=seconds,
        )
        if not personal:
            response.set_etag(key[:32])
    if key and response.status_code in (200, 304):
        response.headers["Cache-Control"] = "no-cache"  # revalidate: 304 costs one query
    if g.get("visitor_parts") and not response.direct_passthrough:
        body = response.get_data(as_text=True)
        if "<!--sunshine-visitor:" in body:
            for name, render in visitor_parts.contributions():
                body = body.replace(PLACEHOLDER.format(name=name), str(render()))
            response.set_data(body)
            response.headers.pop("ETag", None)
            response.headers["Cache-Control"] = "private, no-store"
    if key:
        response.vary.update(("Cookie", "HX-Request"))
    return response


def register(app: Flask) -> None:
    config = {
        "CACHE_KEY_PREFIX": app.config.get("PAGE_CACHE_KEY_PREFIX", "sunshine-page:"),
        "CACHE_DEFAULT_TIMEOUT": int(LONGEST.total_seconds()),
    }
    if app.config.get("REDIS_URL"):
        config |= {
            "CACHE_TYPE": "core.page_cache.backend.ForgivingRedisCache",
            "CACHE_REDIS_URL": app.config["REDIS_URL"],
            # A Redis that does not answer costs a page a second at most, then it is built.
            "CACHE_OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    else:
        config |= {"CACHE_TYPE": "SimpleCache", "CACHE_THRESHOLD": 2000}
    page_cache.init_app(app, config=config)
    app.extensions["sunshine.build_id"] = _build_id(app)
    app.before_request(serve_from_cache)
    app.after_request(keep_and_fill)
    from core.page_cache.shortcut import NotModifiedShortcut

    app.wsgi_app = NotModifiedShortcut(app, app.wsgi_app)  # type: ignore[method-assign]
    app.jinja_env.globals["visitor_part"] = visitor_part
