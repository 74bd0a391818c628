"""Static files a browser keeps for a year: every `url_for('static', ...)` carries a hash of
the file's content (`?v=...`), and an answer for that exact content is marked immutable.

A changed file gets a new address, so nobody sees an old stylesheet after an update; an
address with a stale or missing hash is still served, but only briefly cached.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Any

from flask import Flask, Response, current_app, request

YEAR = 365 * 24 * 3600


@cache
def _content_hash(folder: str, filename: str) -> str | None:
    path = Path(folder) / filename
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    except OSError:
        return None


def content_hash(filename: str) -> str | None:
    """The hash of a static file as it is now (read once per process)."""
    return _content_hash(current_app.static_folder or "", filename)


def add_content_hash(endpoint: str, values: dict[str, Any]) -> None:
    if endpoint == "static" and "v" not in values:
        version = content_hash(values.get("filename", ""))
        if version:
            values["v"] = version


def cache_static_files(response: Response) -> Response:
    """A year, immutable, for the content the address names; otherwise a short while."""
    if request.endpoint != "static" or response.status_code not in (200, 304):
        return response
    filename = (request.view_args or {}).get("filename", "")
    if request.args.get("v") and request.args.get("v") == content_hash(filename):
        response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    else:
        response.headers["Cache-Control"] = "public, max-age=300"
    return response


def register(app: Flask) -> None:
    app.url_defaults(add_content_hash)
    app.after_request(cache_static_files)
