"""Secrets stay out of log lines.

A private link carries its secret in the address (a resident's comment status, and later
registrations and invitations): every route with a `token` argument is private, and its
token is replaced by `[secret]` in every line the app, Werkzeug's server or gunicorn's
access log writes. Routes are read from the app's URL map, so a new private route is
covered without being listed here. The values of a query string are replaced too (a staff
search may be for a resident's name or phone), except those naming a page of a list.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from flask import Flask
from gunicorn.glogging import Logger as GunicornBaseLogger

REDACTED = "[secret]"
_private_routes: list[re.Pattern[str]] = []


def _route_pattern(rule: str) -> re.Pattern[str]:
    """`/comments/<token>` → a pattern whose group 1 is the token, in a path or a URL."""
    pattern, position = "", 0
    for match in re.finditer(r"<(?:[^:<>]+:)?([^<>]+)>", rule):
        pattern += re.escape(rule[position : match.start()])
        pattern += "([^/?#\\s\"']+)" if match.group(1) == "token" else "[^/?#\\s\"']+"
        position = match.end()
    return re.compile(pattern + re.escape(rule[position:]))


# A query string can carry what someone typed (a staff search for a name or a phone): its
# values are replaced too, except those that only say which page of a list was read.
PLAIN_PARAMETERS = frozenset({"page", "year", "lang", "status", "per_page", "sort", "view"})
_QUERY_VALUE = re.compile(r"([?&])([^=&\s\"'#?]+)=([^&\s\"'#]+)")


def _redact_query_values(text: str) -> str:
    return _QUERY_VALUE.sub(
        lambda m: m.group(0) if m.group(2) in PLAIN_PARAMETERS else f"{m[1]}{m[2]}={REDACTED}",
        text,
    )


def redact(text: str) -> str:
    """`text` with the token of every private address in it replaced, and the values a
    query string carries."""
    for pattern in _private_routes:
        text = pattern.sub(lambda m: m.group(0).replace(m.group(1), REDACTED), text)
    return _redact_query_values(text)


class RedactSecrets(logging.Filter):
    """Rewrites a record's message so no private token is written."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class GunicornLogger(GunicornBaseLogger):
    """gunicorn's access log without private tokens (`gunicorn.conf.py` selects it)."""

    def atoms(self, resp: Any, req: Any, environ: dict, request_time: Any) -> dict:
        atoms = {
            key: redact(value) if isinstance(value, str) else value
            for key, value in super().atoms(resp, req, environ, request_time).items()
        }
        if atoms.get("q"):  # the query string alone, without its "?"
            atoms["q"] = redact("?" + atoms["q"])[1:]
        return atoms


def register(app: Flask) -> None:
    """After every route is added: learn the private ones and filter the app's loggers."""
    _private_routes[:] = [
        _route_pattern(rule.rule) for rule in app.url_map.iter_rules() if "token" in rule.arguments
    ]
    for logger in (app.logger, logging.getLogger("werkzeug"), logging.getLogger("gunicorn.error")):
        if not any(isinstance(existing, RedactSecrets) for existing in logger.filters):
            logger.addFilter(RedactSecrets())
