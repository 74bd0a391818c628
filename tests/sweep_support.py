"""Every route of the assembled app with real values from the demo data: each id argument
filled with ids that exist (a child's parent taken from the child, so an invitation goes
with its own meeting), each private link with a real token, each file with its name.
Used by `test_sweeps.py` and `test_response_headers.py`; and how the whole database is
compared before and after (`snapshot`)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from typing import Any

from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.routing import Rule

from core.accounts.models import User
from engagement.calendar.feeds import FEEDS
from engagement.consultations.models import Comment, Consultation, ConsultationDocument
from engagement.open_days.models import OpenDay, Registration
from engagement.reports.models import AnnualReport
from engagement.reports.tables import TABLE_KEYS
from engagement.sitting_in.models import Application, Invitation, InvitationStatus, Person
from extensions import db
from meetings.decisions.models import Decision, DecisionImage
from meetings.models import AgendaDocument, AgendaItem, Body, LiveUpdate, Meeting, MeetingChange

DEMO_PASSWORDS = {
    "admin": "demo-admin-2026",
    "editor": "demo-editor-2026",
    "editor2": "demo-editor2-2026",
    "reviewer": "demo-review-2026",
}
# The argument's table, for every `<int:...>` argument.
ID_MODELS: dict[str, Any] = {
    "meeting_id": Meeting,
    "item_id": AgendaItem,
    "consultation_id": Consultation,
    "comment_id": Comment,
    "decision_id": Decision,
    "open_day_id": OpenDay,
    "registration_id": Registration,
    "update_id": LiveUpdate,
    "change_id": MeetingChange,
    "image_id": DecisionImage,
    "user_id": User,
    "body_id": Body,
    "person_id": Person,
    "invitation_id": Invitation,
    "application_id": Application,
}
API_MODELS = {
    "api.meeting": Meeting,
    "api.consultation": Consultation,
    "api.decision": Decision,
    "api.open_day": OpenDay,
}


def _tokens(endpoint: str) -> list[str]:
    if endpoint == "consultations.comment_status":
        return list(db.session.scalars(select(Comment.token).order_by(Comment.id)))
    if endpoint.startswith("open_days."):
        return [r.token for r in db.session.scalars(select(Registration).order_by(Registration.id))]
    if endpoint == "sitting_in.rsvp":
        invitations = select(Invitation).where(Invitation.status != InvitationStatus.WITHDRAWN)
        return [i.token for i in db.session.scalars(invitations.order_by(Invitation.id))]
    if endpoint == "sitting_in.private_feed":
        return [p.feed_token for p in db.session.scalars(select(Person).order_by(Person.id))]
    raise AssertionError(f"a private link with no token source: {endpoint}")


def _rows(model: Any, *columns: str) -> list[dict[str, Any]]:
    found = db.session.scalars(select(model).order_by(model.id))
    return [{column: getattr(row, column) for column in columns} for row in found]


def _all_values(app: Flask, rule: Rule) -> list[dict[str, Any]]:
    """Every combination of real values this rule's arguments can take in the data."""
    names = set(rule.arguments)
    if not names:
        return [{}]
    if names == {"filename"}:
        return [{"filename": "css/site.css"}]
    if names == {"token"}:
        return [{"token": token} for token in _tokens(rule.endpoint)]
    if names == {"id"}:
        return [{"id": row["id"]} for row in _rows(API_MODELS[rule.endpoint], "id")]
    if names == {"slug"}:
        if rule.endpoint == "calendar.body_feed":
            return _rows(Body, "slug")
        return [{"slug": feed.slug} for feed in FEEDS if feed.slug != "all"]
    if names == {"document_id", "name"}:
        model = ConsultationDocument if "consultation" in rule.endpoint else AgendaDocument
        rows = _rows(model, "id", "original_name")
        return [{"document_id": r["id"], "name": r["original_name"]} for r in rows]
    if names == {"meeting_id", "reference"}:
        rows = db.session.scalars(select(Application).order_by(Application.id))
        return [{"meeting_id": a.meeting_id, "reference": a.reference} for a in rows]
    if "year" in names:
        years = list(db.session.scalars(select(AnnualReport.year).order_by(AnnualReport.year)))
        keys = TABLE_KEYS[:2] if "key" in names else [None]
        return [{"year": y, **({"key": k} if k else {})} for y in years for k in keys]
    values: dict[str, Any] = {}
    if "kind" in names:  # a change proposed on a meeting, or a review step
        values["kind"] = "meeting" if rule.endpoint.startswith("review.") else "postpone"
        if "item_id" in names and rule.endpoint.startswith("meeting_staff."):
            values["kind"] = "retitle_item"
        names = names - {"kind"}
    # The child of the others (an invitation has its meeting's id): one row per child.
    for name in sorted(names):
        others = names - {name}
        if all(hasattr(ID_MODELS[name], other) for other in others):
            rows = _rows(ID_MODELS[name], "id", *others)
            return [{**values, **row, name: row.pop("id")} for row in rows]
    raise AssertionError(f"no real values known for {rule.rule}")


def samples(app: Flask, rule: Rule, at_most: int = 3) -> list[dict[str, Any]]:
    """Up to `at_most` value sets, spread over the data (first, middle, last)."""
    found = _all_values(app, rule)
    if len(found) <= at_most:
        return found
    if at_most == 1:
        return found[:1]
    step = (len(found) - 1) / (at_most - 1)
    return [found[round(i * step)] for i in range(at_most)]


def fill(rule: Rule, values: dict[str, Any]) -> str:
    path = rule.rule
    for name, value in values.items():
        path = re.sub(rf"<(?:[^:>]+:)?{name}>", str(value), path)
    return path


def every_request(
    app: Flask, methods: set[str], at_most: int = 3
) -> Iterator[tuple[Rule, str, str]]:
    """(rule, method, path) for every route answering one of `methods`, on real data."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        for method in sorted(rule.methods & methods):
            for values in samples(app, rule, at_most):
                yield rule, method, fill(rule, values)


def snapshot(excluded: frozenset[str] = frozenset()) -> dict[str, tuple[int, str]]:
    """Each table's row count and a hash of all its rows in primary-key order."""
    result = {}
    for table in db.metadata.sorted_tables:
        if table.name in excluded:
            continue
        rows = db.session.execute(select(table).order_by(*table.primary_key.columns)).all()
        digest = hashlib.sha256(repr([tuple(row) for row in rows]).encode()).hexdigest()
        result[table.name] = (len(rows), digest)
    db.session.rollback()
    return result


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(name for name in before if before[name] != after.get(name))


def form_token(client: FlaskClient, url: str = "/login") -> str:
    page = BeautifulSoup(client.get(url).data, "html.parser")
    return page.find("input", {"name": "csrf_token"})["value"]


def sign_in(client: FlaskClient, username: str | None, *, with_token: bool = False) -> None:
    """Sign in as a demo account (nobody for None); `with_token` when forms are checked."""
    if username is None:
        return
    data = {"username": username, "password": DEMO_PASSWORDS[username]}
    if with_token:
        data["csrf_token"] = form_token(client)
    assert client.post("/login", data=data).status_code == 303, username
