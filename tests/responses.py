"""Reading what the app answered: a page's visible text, and how many SQL statements it took."""

from __future__ import annotations

from contextlib import contextmanager

from bs4 import BeautifulSoup
from sqlalchemy import event

from extensions import db


def text_of(response) -> str:
    """The page's text as a reader sees it, whitespace collapsed."""
    return BeautifulSoup(response.data, "html.parser").get_text(" ", strip=True)


@contextmanager
def count_queries():
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def queries_for(client, url: str) -> int:
    """The queries it takes to build the page (the public page cache is set aside: what is
    measured is the work done when the page is not kept)."""
    config = client.application.config
    kept, config["PAGE_CACHE_ENABLED"] = config.get("PAGE_CACHE_ENABLED", True), False
    try:
        client.get(url)  # warm up caches that are not per request
        with count_queries() as statements:
            assert client.get(url).status_code == 200
    finally:
        config["PAGE_CACHE_ENABLED"] = kept
    return len(statements)
