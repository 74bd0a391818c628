"""What the tests of the open days' staff pages share: registrants made through the
operation residents use, English pages, and a form sent back as a browser sends it."""

from __future__ import annotations

from bs4 import BeautifulSoup

from engagement.open_days import operations
from engagement.open_days.models import OpenDay, Registration
from extensions import db


def register(
    open_day: OpenDay, count: int, *, start: int = 0, **fields: object
) -> list[Registration]:
    """`count` residents registered (committed), phones 1380000xxxx from `start`."""
    made = []
    for number in range(start, start + count):
        values = {
            "name": f"张{number:02d}",
            "phone": f"1380000{number:04d}",
            "email": None,
            "id_number": None,
            "consented": True,
            "locale": "zh",
        } | fields
        made.append(operations.register(open_day, **values))
        db.session.commit()
    return made


def in_english(client) -> None:
    client.set_cookie("lang", "en")


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")
