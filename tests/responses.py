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


def start_page(response) -> dict[str, dict]:
    """The staff start page's sections with something waiting, by name: the count in the
    heading, each row's link text, address and detail, and the "see all" address; the
    titles of those with nothing waiting under "clear"."""
    assert response.status_code == 200, response.status_code
    page = BeautifulSoup(response.data, "html.parser")
    found: dict[str, dict] = {}
    for section in page.select("section.start-section"):
        more = section.select_one(".start-more a")
        found[section["id"].removeprefix("start-")] = {
            "count": int(section.find("h2").find(class_="badge").get_text()),
            "rows": [
                {
                    "label": row.find("a").get_text(" ", strip=True),
                    "url": row.find("a")["href"],
                    "text": row.get_text(" ", strip=True),
                }
                for row in section.select(".start-rows > li")
            ],
            "more": more["href"] if more else None,
        }
    clear = page.find(id="start-clear")
    found["clear"] = {
        "titles": [li.get_text(" ", strip=True) for li in clear.find_all("li")] if clear else []
    }
    return found
