"""`flask demo` loads realistic data once and keeps it after that."""

from __future__ import annotations

from core.accounts.models import User
from core.review import ReviewState
from extensions import db
from meetings.models import Body, BodyLevel, Meeting


def test_demo_loads_once_with_four_bodies_on_three_levels(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "admin" in result.output and "demo-admin-2026" in result.output
    levels = sorted(body.level for body in db.session.scalars(db.select(Body)))
    assert levels.count(BodyLevel.DISTRICT) == 1
    assert levels.count(BodyLevel.DEPARTMENT) == 2
    assert levels.count(BodyLevel.STREET) == 1
    users = db.session.scalar(db.select(db.func.count(User.id)))
    meetings = db.session.scalar(db.select(db.func.count(Meeting.id)))

    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0 and "nothing loaded" in again.output
    assert db.session.scalar(db.select(db.func.count(User.id))) == users
    assert db.session.scalar(db.select(db.func.count(Meeting.id))) == meetings


def test_demo_meetings_went_through_review(app, client):
    app.test_cli_runner().invoke(args=["demo"])
    states = {m.title: m.review_state for m in db.session.scalars(db.select(Meeting))}
    assert ReviewState.APPROVED in states.values() and ReviewState.SUBMITTED in states.values()
    home = client.get("/").get_data(as_text=True)
    for title, state in states.items():
        assert (title in client.get("/meetings/").get_data(as_text=True)) == (
            state == ReviewState.APPROVED
        )
    assert "2026年第19次区政府常务会议" in home


def test_demo_login_works(app, client):
    app.test_cli_runner().invoke(args=["demo"])
    response = client.post("/login", data={"username": "editor", "password": "demo-editor-2026"})
    assert response.status_code == 303


def test_demo_is_refused_in_production(app):
    app.config["SUNSHINE_ENV"] = "production"
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code != 0
    assert db.session.scalar(db.select(db.func.count(User.id))) == 0
