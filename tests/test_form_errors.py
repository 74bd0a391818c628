"""Every staff form sent empty shows its problems in the order the page shows the fields:
the error summary at the top lists them as a person reads the form, each linking to its
field, and each message sits next to its field."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from werkzeug.datastructures import MultiDict

from engagement.demo import load_demo
from extensions import db
from tests.test_edit_forms import browser_fields, forms_posting_back


@pytest.fixture
def demo(app):
    load_demo()
    db.session.commit()


def emptied(fields: list[tuple[str, str]]) -> MultiDict:
    """The form with everything a person types left empty (hidden values kept)."""
    return MultiDict([(name, value if name == "csrf_token" else "") for name, value in fields])


def test_error_summaries_follow_the_order_of_the_fields(app, client, demo):
    client.post("/login", data={"username": "admin", "password": "demo-admin-2026"})
    checked = []
    for path, form, action in forms_posting_back(app, client):
        answer = client.post(action, data=emptied(browser_fields(form)))
        if answer.status_code != 422:
            continue
        shown = BeautifulSoup(answer.get_data(as_text=True), "html.parser")
        summary = shown.find(id="error-summary")
        assert summary is not None, path
        linked = [a["href"].removeprefix("#") for a in summary.select("a[href^='#']")]
        in_page = [
            element["id"]
            for element in shown.find_all(id=True)
            if element["id"] in linked
            and element.name in ("input", "select", "textarea")
            and element.get("type") != "hidden"
        ]
        assert linked == in_page, f"{path}: summary {linked}, page {in_page}"
        for field_id in linked:
            # a group of radio buttons is linked by its first button
            base = field_id.removesuffix("-0")
            assert shown.find(id=f"{base}-error") is not None, (path, field_id)
        checked.append(path)
    assert any(p.startswith("/admin/staff/") for p in checked), checked
    assert len(checked) >= 4, checked
