"""The staff area's start page: what needs each person now.

Features add the page's sections on `start_page_sections` in their `register(app)`, as
they add menu entries: a section has a title, an order, the permissions that show it (any of
them) and a function that reads, for the signed-in person at a moment, how many things
wait and the first few of them (`ROWS`), each linking to the staff page where the work is
done. A section reads in a fixed number of queries however much waits: its rows are
limited and what they show is loaded with them. The page shows first the sections with
something waiting, then names those with nothing, so it is never blank.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from flask import Blueprint, Response
from flask_login import current_user

from core.accounts.access import staff_required
from core.clock import utcnow
from core.extension_points import ExtensionPoint
from core.web import render_page

if TYPE_CHECKING:
    from core.accounts.models import Permission, User

ROWS = 5  # rows a section lists; its count and summary say how many there are in all


@dataclass(frozen=True)
class StartRow:
    label: str  # what the row is about, as the office wrote it (a title)
    url: str  # the staff page where the work is done
    detail: str = ""  # in the reader's language: when, how many, in what state
    note: str | None = None  # the office's own words to read with it: a reviewer's note
    urgent: bool = False  # past its deadline: the detail is shown as a warning


@dataclass(frozen=True)
class StartResult:
    count: int  # how many things wait, not only the rows shown; 0 for none
    summary: str = ""  # the count in words (ngettext)
    rows: Sequence[StartRow] = ()
    more_url: str | None = None  # the staff page that lists them all


@dataclass(frozen=True)
class StartSection:
    name: str  # the section's id on the page
    title: Any  # a lazy translation
    read: Callable[[User, datetime], StartResult]
    permissions: tuple[Permission, ...] = ()  # any of them shows the section; () for all
    order: int = 50  # lower comes first

    def is_visible(self, user: User) -> bool:
        return not self.permissions or any(user.can(p) for p in self.permissions)


start_page_sections: ExtensionPoint[StartSection] = ExtensionPoint("start_page_sections")


def sections_for(user: User, now: datetime) -> list[tuple[StartSection, StartResult]]:
    """Each section the person may act on, in order, with what it holds now."""
    sections = sorted(
        (section for section in start_page_sections.contributions() if section.is_visible(user)),
        key=lambda section: section.order,
    )
    return [(section, section.read(user, now)) for section in sections]


bp = Blueprint("start_page", __name__, url_prefix="/admin")


@bp.get("/")
@staff_required
def dashboard() -> Response:
    sections = sections_for(current_user._get_current_object(), utcnow())
    return render_page(
        "start_page/staff/dashboard.html",
        waiting=[(section, result) for section, result in sections if result.count],
        clear=[(section, result) for section, result in sections if not result.count],
    )
