"""The staff start page with every section filled, in a real browser: each role sees the
sections it can act on, axe-core finds nothing, in either language, at the desktop and
phone widths, and nothing is wider than the screen (the demo data the page crawl reads
leaves some sections empty). Screenshots of each role's page go to `test-artifacts/`
(`start-page-<role>-<language>-<width>.png`)."""

from __future__ import annotations

import pytest

from core.accounts.models import Role
from tests.browser_support import WIDTHS, Account, assert_fits_width, requires_chromium, settle
from tests.browser_support import sign_in as sign_in_as
from tests.instruments import assert_accessible
from tests.start_page_support import SEES, build, start_page_factories

# isort: split
# The fixtures, which pytest finds under their names (page, new_page, live_server, ...).
from tests.browser_support import (  # noqa: F401
    app_config_fixture,
    browser_fixture,
    live_server_fixture,
    new_page_fixture,
    page_fixture,
)

pytestmark = [requires_chromium, pytest.mark.browser]


@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_section_reads_well_everywhere(
    language,
    page,
    live_server,
    make_meeting,
    announce,
    reviewer,
    make_open_day,
    make_user,
    artifacts_dir,
):
    factories = start_page_factories(make_meeting, announce, reviewer, make_open_day, make_user)
    people = {role: make_user(role) for role in Role}
    build(factories, reviewer, people, count=3)
    roles = (Role.EDITOR, Role.REVIEWER, Role.ADMIN)
    accounts = {role: Account(people[role].username, people[role].display_name) for role in roles}
    settle()  # and read nothing more here: the server's requests write

    for role in roles:
        page.context.clear_cookies()
        page.set_viewport_size({"width": WIDTHS[0], "height": 800})
        sign_in_as(page, accounts[role])
        page.context.add_cookies([{"name": "lang", "value": language, "url": live_server}])
        page.goto("/admin/")
        shown = page.locator("section.start-section").evaluate_all("all => all.map(s => s.id)")
        assert {name.removeprefix("start-") for name in shown} == SEES[role]
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            assert_accessible(page, f"{role.value}'s start page at {width}px in {language}")
            assert_fits_width(page, width, "start page")
            page.screenshot(
                path=artifacts_dir / f"start-page-{role.value}-{language}-{width}.png",
                full_page=True,
            )
