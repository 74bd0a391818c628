"""Saving any edit form unchanged changes nothing: every staff page that shows a form
posting back to itself, on the demo data, is sent back exactly as a browser would send it,
and no stored value moves (times included)."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urljoin

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from core.clock import utcnow
from engagement.consultations import operations as consultation_operations
from engagement.consultations.queries import items_awaiting_consultation
from engagement.demo import load_demo
from engagement.open_days import operations as open_day_operations
from engagement.open_days.models import Mode
from extensions import db

# The record of what was done is expected to grow; nothing else may change.
GROWS = {"audit_entries", "outgoing_mail", "staff_sessions"}


def stored_state() -> dict[str, list[tuple]]:
    state = {}
    for table in db.metadata.sorted_tables:
        if table.name in GROWS:
            continue
        rows = db.session.execute(select(table).order_by(*table.primary_key.columns)).all()
        state[table.name] = [tuple(row) for row in rows]
    db.session.rollback()
    return state


def browser_fields(form) -> list[tuple[str, str]]:
    """What a browser sends for a form nobody touched."""
    fields = []
    for element in form.find_all(["input", "textarea", "select"]):
        name = element.get("name")
        if not name or element.has_attr("disabled"):
            continue
        if element.name == "textarea":
            # A browser drops the line break that follows <textarea>.
            text = element.text
            fields.append((name, text[2:] if text.startswith("\r\n") else text.removeprefix("\n")))
        elif element.name == "select":
            chosen = element.find("option", selected=True) or element.find("option")
            if chosen is not None:
                fields.append((name, chosen.get("value", chosen.text)))
        elif element.get("type") in ("checkbox", "radio"):
            if element.has_attr("checked"):
                fields.append((name, element.get("value", "on")))
        elif element.get("type") not in ("submit", "button", "file"):
            fields.append((name, element.get("value", "")))
    return fields


def ids_of_every(argument: str) -> list[int]:
    """The ids of every stored object an address argument names."""
    from core.accounts.models import User
    from engagement.consultations.models import Comment, Consultation
    from engagement.open_days.models import OpenDay
    from engagement.sitting_in.models import Person
    from meetings.decisions.models import Decision, DecisionImage
    from meetings.models import AgendaItem, Body, LiveUpdate, Meeting, MeetingChange

    if argument == "year":  # annual reports: each year with an edition, and this one
        from engagement.reports.models import AnnualReport

        years = set(db.session.scalars(select(AnnualReport.year)))
        return sorted(years | {utcnow().year})
    model = {
        "meeting_id": Meeting,
        "item_id": AgendaItem,
        "body_id": Body,
        "user_id": User,
        "consultation_id": Consultation,
        "comment_id": Comment,
        "update_id": LiveUpdate,
        "change_id": MeetingChange,
        "open_day_id": OpenDay,
        "person_id": Person,
        "decision_id": Decision,
        "image_id": DecisionImage,
    }[argument]
    return list(db.session.scalars(select(model.id).order_by(model.id)))


def edit_pages(app) -> list[str]:
    """Every staff GET address, once for each stored object it can show."""
    pages = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/admin") or "GET" not in rule.methods:
            continue
        arguments = sorted(name for name in rule.arguments if name != "kind")
        path = rule.rule.replace("<kind>", "meeting")
        if not arguments:
            pages.add(path)
        elif len(arguments) == 1:
            for number in ids_of_every(arguments[0]):
                pages.add(re.sub(r"<(?:int:)?\w+>", str(number), path))
    db.session.rollback()
    return sorted(pages)


def forms_posting_back(app, client):
    """(page address, form, where it posts) for every form on every staff page that posts
    back to its own page: the edit forms (a confirmation step and uploads aside)."""
    for path in edit_pages(app):
        page = client.get(path)
        if page.status_code != 200 or page.mimetype != "text/html":
            continue
        soup = BeautifulSoup(page.get_data(as_text=True), "html.parser")
        for form in soup.select("form[method=post]"):
            action = urljoin(path, form.get("action") or path)
            if action.split("#")[0] != path or form.find("input", type="file"):
                continue
            if form.has_attr("data-confirms"):  # a confirmation, not an edit form
                continue
            yield path, form, action


@pytest.fixture
def demo_with_a_draft_consultation(app):
    load_demo()
    db.session.commit()
    from core.accounts.operations import find_user

    editor = find_user("editor")
    item = items_awaiting_consultation(utcnow())[0]
    consultation_operations.open_consultation(
        item,
        actor=editor,
        title="草案征求意见",
        draft_text="## 草案",
        explanation="说明",
        other_channels=None,
        # Typed times have whole seconds (this one has some, to show they survive).
        opens_at=(utcnow() + timedelta(days=1, minutes=7)).replace(second=42, microsecond=0),
        closes_at=item.meeting.starts_at - timedelta(days=1),
        short_period_reason="时间紧",
    )
    # A draft open day, its times typed with seconds too.
    starts = (utcnow() + timedelta(days=30)).replace(second=15, microsecond=0)
    open_day_operations.create_open_day(
        actor=editor,
        stops=["区长办公室", "常务会会场"],
        title="草稿：政府开放日",
        description="参观**常务会会场**。",
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        meeting_point="区政府北门",
        capacity=20,
        registration_opens_at=starts - timedelta(days=20),
        registration_closes_at=starts - timedelta(days=2, seconds=7),
        mode=Mode.LOTTERY,
        eligibility=None,
        id_required=True,
        accessibility="全程无障碍通道。",
        simulated_meeting=False,
    )
    db.session.commit()


@pytest.mark.parametrize("username,password", [("admin", "demo-admin-2026")])
def test_saving_any_edit_form_unchanged_changes_nothing(
    app, client, demo_with_a_draft_consultation, username, password
):
    client.post("/login", data={"username": username, "password": password})
    saved = []
    for path, form, action in forms_posting_back(app, client):
        before = stored_state()
        response = client.post(action, data=MultiDict(browser_fields(form)))
        assert response.status_code in (303, 422), (path, response.status_code)
        after = stored_state()
        changed = {
            table: [
                rows_pair
                for rows_pair in zip(before[table], rows, strict=True)
                if rows_pair[0] != rows_pair[1]
            ]
            for table, rows in after.items()
            if rows != before[table]
        }
        assert not changed, f"saving {path} unchanged changed what is stored: {changed}"
        saved.append(path)
    # The walk reached the forms that edit times and text.
    assert any(re.fullmatch(r"/admin/meetings/\d+", p) for p in saved), saved
    assert any(re.fullmatch(r"/admin/consultations/\d+", p) for p in saved), saved
    assert any(p.startswith("/admin/items/") for p in saved), saved
    assert any(p.startswith("/admin/staff/") for p in saved), saved
    assert any(re.fullmatch(r"/admin/open-days/\d+/edit", p) for p in saved), saved
