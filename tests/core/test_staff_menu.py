"""The staff menu is built from what each feature registers: every staff page lights the
entry of its own blueprint, and each person sees only the entries their role may use."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from core.accounts.models import Role
from core.menu import staff_menu
from engagement.demo import load_demo
from extensions import db

DEMO_LOGINS = {
    Role.ADMIN: ("admin", "demo-admin-2026"),
    Role.EDITOR: ("editor", "demo-editor-2026"),
    Role.REVIEWER: ("reviewer", "demo-review-2026"),
}


def menu(html: str) -> tuple[list[str], list[str]]:
    nav = BeautifulSoup(html, "html.parser").select_one("nav.staff-nav")
    links = [a["href"] for a in nav.select("a")]
    current = [a["href"] for a in nav.select("a[aria-current=page]")]
    return links, current


def path_of(app, endpoint: str) -> str:
    return app.url_map.bind("localhost").build(endpoint)


def staff_get_pages(app) -> list[tuple[str, str]]:
    """(address, blueprint) of every staff page that takes ids, filled with demo ids."""
    pages = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/admin") or "GET" not in rule.methods:
            continue
        path = re.sub(r"<kind>", "meeting", rule.rule)
        path = re.sub(r"<(?:int:)?\w+>", "1", path)
        pages.append((path, rule.endpoint.partition(".")[0]))
    return pages


@pytest.fixture
def demo(app):
    load_demo()
    db.session.commit()


@pytest.mark.parametrize("role", list(Role))
def test_every_staff_page_lights_the_entry_of_its_blueprint(app, client, demo, role):
    username, password = DEMO_LOGINS[role]
    client.post("/login", data={"username": username, "password": password})
    entries = {entry.blueprint: entry for entry in staff_menu.contributions()}
    seen = 0
    for path, blueprint in staff_get_pages(app):
        response = client.get(path)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        links, current = menu(response.get_data(as_text=True))
        expected = entries.get(blueprint)
        if expected is not None:
            # a page someone may open is reachable from their menu (reviewers reach the
            # meetings they review), and lights its entry
            assert current == [path_of(app, expected.endpoint)], path
        else:
            assert current == [], path
        seen += 1
    assert seen >= 5


@pytest.mark.parametrize("role", list(Role))
def test_each_role_sees_only_the_entries_it_may_open(app, client, demo, role):
    username, password = DEMO_LOGINS[role]
    client.post("/login", data={"username": username, "password": password})
    links, _current = menu(client.get("/admin/").get_data(as_text=True))
    for entry in staff_menu.contributions():
        url = path_of(app, entry.endpoint)
        assert (url in links) == (client.get(url).status_code == 200), url
