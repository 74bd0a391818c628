"""The cheapest answer: a conditional request for a public page that has not changed is
answered 304 before Flask builds a request, from the public-data version alone.

It answers only what `serve_from_cache` would answer 304 itself: a GET or HEAD without a
session cookie (staff and visitors with a form go through Flask), for a cacheable page
whose validator is still current, or a tagged fragment polled with its current tag, while
the process knows the current clock step (`app.extensions["sunshine.epoch"]`). Anything
else, or any doubt, goes on to the app.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request

from core.clock import utcnow

VERSION_SQL = "SELECT version FROM public_state WHERE id = 1"


class NotModifiedShortcut:
    def __init__(self, app: Flask, wsgi_app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        self.local = threading.local()  # each thread's own connection for the version

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        answer = self._not_modified(environ)
        if answer is None:
            return self.wsgi_app(environ, start_response)
        start_response("304 NOT MODIFIED", answer)
        return [b""]

    def _not_modified(self, environ: dict[str, Any]) -> list[tuple[str, str]] | None:
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return None
        if "session=" in environ.get("HTTP_COOKIE", ""):
            return None
        conditional = "HTTP_IF_NONE_MATCH" in environ or "v=" in environ.get("QUERY_STRING", "")
        if not conditional or not self.app.config.get("PAGE_CACHE_ENABLED", True):
            return None
        try:
            return self._decide(environ)
        except Exception:  # noqa: BLE001  (any doubt: the app answers, as without this)
            return None

    def _versioned(
        self, environ: dict[str, Any], endpoint: str, values: dict[str, Any]
    ) -> list[tuple[str, str]] | None:
        """An answer that changes with the public-data version alone (a calendar feed)."""
        from core.page_cache import client_holds, version_etag, versioned_page

        found = versioned_page(endpoint)
        if found is None:
            return None
        variant_of, cache_control = found
        request = Request(environ)
        variant = variant_of(values, request.args)
        if variant is None or "HTTP_IF_NONE_MATCH" not in environ:
            return None
        version = self._version()
        build_id = self.app.extensions["sunshine.build_id"]
        etag = version_etag(build_id, version or 0, request.path, variant)
        if not client_holds(etag, request.if_none_match):
            return None
        return [("ETag", f'"{etag}"'), ("Cache-Control", cache_control)]

    def _decide(self, environ: dict[str, Any]) -> list[tuple[str, str]] | None:
        from core.page_cache import (
            cached_pages,
            client_holds,
            page_key,
            page_variant,
            tag_for,
            tagged_parts,
            wants_fragment,
        )

        try:
            endpoint, values = self.app.url_map.bind_to_environ(environ).match()
        except HTTPException:
            return None
        with self.app.app_context():  # a server's thread has none of its own here
            versioned = self._versioned(environ, endpoint, values)
        if versioned is not None:
            return versioned
        remembered = self.app.extensions.get("sunshine.epoch")
        now = utcnow()
        if remembered is None or not remembered.since <= now < remembered.until:
            return None
        request = Request(environ)
        with self.app.app_context():
            if endpoint not in set(cached_pages.contributions()):
                return None
            if self._version() != remembered.version:
                return None
            build_id = self.app.extensions["sunshine.build_id"]
            key = page_key(
                build_id,
                remembered,
                page_variant(request.cookies),
                wants_fragment(request.headers),
                request.full_path,
            )
            parts = tagged_parts(endpoint, values)
        etag = key[:32]
        tag_current = parts is not None and request.args.get("v") == tag_for(
            build_id, remembered, parts
        )
        if not tag_current and not client_holds(etag, request.if_none_match):
            return None
        return [
            ("ETag", f'"{etag}"'),
            ("Cache-Control", "no-cache"),
            ("Vary", "Cookie, HX-Request"),
        ]

    def _version(self) -> int | None:
        """The public-data version, asked on a connection of this thread's own, kept open
        outside the pool and in autocommit: one round trip, no session, no ping."""
        connection = getattr(self.local, "connection", None)
        if connection is None:
            connection = self.local.connection = self._connect()
        try:
            cursor = connection.cursor()
            cursor.execute(VERSION_SQL)
            row = cursor.fetchone()
            cursor.close()
        except Exception:
            self.local.connection = None  # gone (a restarted server): the app answers
            connection.close()
            raise
        return row[0] if row else None

    def _connect(self) -> Any:
        from extensions import db

        pooled = db.engine.raw_connection()
        connection = pooled.driver_connection
        pooled.detach()  # ours from now on, never handed to a request
        if db.engine.dialect.name == "postgresql":
            connection.autocommit = True  # reads the version without holding a transaction
        return connection
