"""The staff start page across the features: each role sees the sections it can act on,
and the page costs the same number of queries for each role whether a little or ten times
as much waits (no query per row, rows limited). Each reviewable kind's rows read in the
one query of their kind. It sits at the top of tests/ because it spans the features."""

from __future__ import annotations

import pytest

from core import review
from core.accounts.models import Role
from core.clock import utcnow
from core.review.staff_queries import awaiting_my_review, my_work
from extensions import db
from tests.responses import count_queries, queries_for, start_page
from tests.start_page_support import SEES, build, start_page_factories
from tests.test_preview import CASES, Factories


@pytest.fixture
def factories(make_meeting, announce, reviewer, make_open_day, make_user) -> Factories:
    return start_page_factories(make_meeting, announce, reviewer, make_open_day, make_user)


def test_each_role_sees_the_sections_it_can_act_on(client, auth, factories, reviewer, make_user):
    people = {role: make_user(role) for role in Role}
    build(factories, reviewer, people, count=3)
    for role, user in people.items():
        auth.login(user)
        page = start_page(client.get("/admin/"))
        assert set(page) - {"clear"} == SEES[role], role
        for name, section in page.items():
            if name != "clear":
                assert section["count"] >= len(section["rows"]) > 0, (role, name)
        auth.logout()


def test_the_page_costs_the_same_for_ten_times_the_work(
    client, auth, factories, reviewer, make_user
):
    people = {role: make_user(role) for role in Role}
    build(factories, reviewer, people, count=3)
    small = {}
    for role, user in people.items():
        auth.login(user)
        small[role] = queries_for(client, "/admin/")
        auth.logout()
    build(factories, reviewer, people, count=30)
    for role, user in people.items():
        auth.login(user)
        page = start_page(client.get("/admin/"))
        assert all(len(s["rows"]) == 5 for name, s in page.items() if name != "clear"), role
        assert queries_for(client, "/admin/") == small[role], role
        auth.logout()
    print("queries on /admin/:", {role.value: number for role, number in small.items()})


def queries(statements: list[str]) -> list[str]:
    """Without the BEGIN that opens a transaction, which depends on what ran before."""
    return [statement for statement in statements if not statement.startswith("BEGIN")]


def every_kind() -> list[object]:
    return [pytest.param(kind, id=kind) for kind in sorted(review.REVIEWABLE_KINDS)]


@pytest.mark.parametrize("kind", every_kind())
def test_each_kind_reads_its_rows_in_its_own_query(kind, app, factories, reviewer):
    """Titles and addresses come with the rows: one query per kind for each list, whatever
    the kind's title needs (the meeting of a change, the consultation of a report)."""
    variants = CASES.get(kind)
    if not variants:
        pytest.skip(f"no case for {kind!r} in tests/test_preview.py to build one")
    variant = "cancel" if kind == "meeting_change" else next(iter(variants))
    item = CASES[kind][variant](factories).item
    kinds, users = len(review.REVIEWABLE_KINDS), type(reviewer)
    with app.test_request_context():
        db.session.expire_all()
        with count_queries() as statements:
            result = awaiting_my_review(db.session.get(users, reviewer.id), utcnow())
        assert [row.url.partition("#")[0] for row in result.rows] == [
            item.staff_url().partition("#")[0]
        ]
        assert len(queries(statements)) == kinds + 1  # and the reviewer's account

        review.return_for_changes(item, "请补充说明。", actor=reviewer)
        db.session.commit()
        author = db.session.get(users, item.author_id)
        db.session.expire_all()
        with count_queries() as statements:
            result = my_work(author, utcnow())
        assert [row.note for row in result.rows] == ["请补充说明。"]
        assert len(queries(statements)) == kinds + 1  # and the author's account
