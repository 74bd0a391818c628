"""The runner is the one place a request commits: a refusal leaves nothing behind and
sends nothing; success commits and sends what the operation queued, after the commit."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from wtforms import StringField

from core.forms import BaseForm
from core.outbox import OutgoingMail, queue_mail, take_queued_mail
from core.rules import RuleBroken
from core.runner import attempt, run_action, run_command, run_for_form, show_refusal
from extensions import db
from meetings.models import Body, BodyLevel


class NameForm(BaseForm):
    class Meta:
        csrf = False

    name = StringField("Name")


def add_body_then(refuse: bool, field: str | None = None) -> Body:
    body = Body(name="街道办公会", level=BodyLevel.STREET, slug="street-x")
    db.session.add(body)
    queue_mail("resident@example.cn", "subject", "body")
    if refuse:
        raise RuleBroken("不行", field)
    return body


def counts() -> tuple[int, int]:
    bodies = db.session.scalar(select(func.count(Body.id)))
    mail = db.session.scalar(select(func.count(OutgoingMail.id)))
    return bodies, mail


def test_a_refused_operation_leaves_nothing_behind_and_sends_nothing(app):
    with pytest.raises(RuleBroken):
        attempt(lambda: add_body_then(refuse=True))
    assert counts() == (0, 0)
    assert take_queued_mail() == []


def test_a_successful_operation_is_committed_and_its_mail_sent_after(app):
    body = attempt(lambda: add_body_then(refuse=False))
    db.session.rollback()  # what was committed survives
    assert counts() == (1, 1)
    sent = db.session.scalar(select(OutgoingMail))
    assert sent.sent_at is not None and body.id is not None


def test_a_refusal_goes_next_to_its_field_or_to_the_top(app):
    with app.test_request_context(method="POST", data={"name": "x"}):
        form = NameForm()
        show_refusal(form, RuleBroken("名称已被使用", "name"))
        show_refusal(form, RuleBroken("整体问题"))
        show_refusal(form, RuleBroken("未知字段", "no_such_field"))
        assert form.name.errors == ["名称已被使用"]
        assert form.form_errors == ["整体问题", "未知字段"]


def test_a_refused_form_keeps_what_was_typed(app):
    with app.test_request_context(method="POST", data={"name": "我输入的"}):
        form = NameForm()
        assert run_for_form(form, lambda: add_body_then(True, "name"), done="ok", then="/") is None
        assert form.name.data == "我输入的" and form.name.errors == ["不行"]
    assert counts() == (0, 0)


def test_a_button_flashes_the_refusal_and_goes_back(app):
    with app.test_request_context(method="POST"):
        response = run_action(lambda: add_body_then(True), done="ok", then="/back")
        assert response.status_code == 303 and response.location == "/back"
        from flask import get_flashed_messages

        assert get_flashed_messages(with_categories=True) == [("error", "不行")]
    assert counts() == (0, 0)


def test_a_command_reports_the_refusal_as_its_error(app):
    import click

    with pytest.raises(click.ClickException, match="不行"):
        run_command(lambda: add_body_then(True))
    assert counts() == (0, 0)


def test_any_other_failure_also_rolls_back_and_forgets_queued_mail(app):
    def fail() -> None:
        add_body_then(False)
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        attempt(fail)
    assert counts() == (0, 0)
    assert take_queued_mail() == []
