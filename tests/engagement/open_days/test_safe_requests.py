"""The open days' routes whose names sound like a change (cancel, register, check in,
draw) change nothing on GET: they show a confirmation, a form or a page, and only a POST
acts. And a resident's own addresses, with a real private link, take empty and nonsense
POSTs, twice, without a server error or a change they did not ask for."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from core.accounts.models import Role
from core.clock import utcnow
from engagement.open_days.models import Registration, Status
from extensions import db
from tests.engagement.open_days.staff_support import register
from tests.test_bad_input import NONSENSE

STATE_CHANGING = re.compile(r"cancel|register|check.?in|draw|no.?show|invite|seed|purge|role")


def state(open_day_id: int) -> list[tuple]:
    """Everything a change to registrations would touch: each one's status and times."""
    rows = db.session.execute(
        select(
            Registration.id,
            Registration.status,
            Registration.cancelled_at,
            Registration.checked_in_at,
            Registration.role,
        )
        .where(Registration.open_day_id == open_day_id)
        .order_by(Registration.id)
    ).all()
    return [tuple(row) for row in rows]


def test_no_get_of_a_route_named_for_a_change_changes_anything(
    app, client, auth, make_user, make_open_day
):
    open_day = make_open_day(capacity=1, starts_at=utcnow() + timedelta(hours=1))
    first, waiting = register(open_day, 2)
    auth.login(make_user(Role.EDITOR))
    before = state(open_day.id)
    values = {"open_day_id": open_day.id, "registration_id": first.id, "token": first.token}
    named = [
        rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods
        and rule.endpoint.startswith(("open_days.", "open_day_staff."))
        and STATE_CHANGING.search(rule.endpoint + rule.rule)
    ]
    assert len(named) >= 4  # the confirmation steps, the register address, check-in, draw
    for rule in named:
        path = rule.rule
        for argument in rule.arguments:
            path = re.sub(rf"<(?:[^:>]+:)?{argument}>", str(values[argument]), path)
        assert client.get(path).status_code < 500, path
        db.session.expire_all()
        assert state(open_day.id) == before, f"GET {path} changed registrations"
    assert db.session.get(Registration, waiting.id).status == Status.WAITLISTED


def test_a_residents_own_addresses_take_nonsense_twice_without_an_error(client, make_open_day):
    open_day = make_open_day()
    registration = register(open_day, 1)[0]
    token = registration.token
    for path in (f"/r/{token}/feedback", f"/r/{token}/cancel"):
        for data in ({}, NONSENSE, NONSENSE):
            response = client.post(path, data=data)
            assert response.status_code < 500, (path, response.status_code)
        db.session.expire_all()
    # Nothing typed stands for a survey answer (the survey is for those who came), and
    # the confirmation step's button cancels once, however often it is sent.
    from core.audit import AuditEntry

    db.session.refresh(registration)
    assert registration.feedback is None
    assert registration.status == Status.CANCELLED
    cancels = select(func.count(AuditEntry.id)).where(AuditEntry.action == "registration.cancel")
    assert db.session.scalar(cancels) == 1
