"""What every input may hold: no NUL characters in query strings, form fields or path
segments (PostgreSQL text cannot hold one and SQLite would store it), so both databases
answer the same, in one place before any code sees the request."""

from __future__ import annotations

from typing import Any

from flask import Flask, Request
from werkzeug.datastructures import ImmutableMultiDict, iter_multi_items
from werkzeug.routing import PathConverter, UnicodeConverter


class InputWithoutNul(ImmutableMultiDict):
    """Query strings and form fields without NUL characters: PostgreSQL text cannot hold
    one and SQLite would store it, so every input is treated alike before any code sees it."""

    def __init__(self, mapping: Any = None) -> None:
        if mapping is not None:
            mapping = [
                (key.replace("\x00", ""), value.replace("\x00", ""))
                if isinstance(value, str)
                else (key, value)
                for key, value in iter_multi_items(mapping)
            ]
        super().__init__(mapping)


class SunshineRequest(Request):
    parameter_storage_class = InputWithoutNul


class SegmentWithoutNul(UnicodeConverter):
    """A path segment never matches with a NUL in it: such an address is simply not found."""

    def __init__(self, map, *args: Any, **kwargs: Any) -> None:  # noqa: A002  (werkzeug's name)
        super().__init__(map, *args, **kwargs)
        self.regex = self.regex.replace("[^/]", "[^/\x00]")


class PathWithoutNul(PathConverter):
    regex = "[^\x00]*?"


# What the office writes (titles, agendas, comments, names) is Chinese whatever language
# the reader chose; in the English interface it is marked so (WCAG 3.1.2), for speech and
# for the right Chinese glyphs.


def accept_input_without_nul(app: Flask) -> None:
    """Before any route is added: requests and path segments cannot carry NUL characters."""
    app.request_class = SunshineRequest
    app.url_map.converters.update(
        default=SegmentWithoutNul, string=SegmentWithoutNul, path=PathWithoutNul
    )
