"""A form asked one thing at a time (`core/steps.py`, `templates/_steps.html`): where a
press leads, what "Next step" checks (only the step, with the form's own inline checks),
what travels hidden (every other answer, escaped; not the form's token and key), what the
summary says, and where the focus goes."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from flask import render_template_string
from wtforms import BooleanField, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, ValidationError

from core.forms import BaseForm
from core.steps import Step, Steps

STEPS = (
    Step("First", ("first",)),
    Step("Not on this form", ("missing",)),
    Step("Second", ("second", "note")),
    Step("End", ("agree",)),
)
ENGLISH = {"Cookie": "lang=en"}
PAGE = '{% from "_steps.html" import step_form %}{{ step_form(steps, "/toy", "", "Send") }}'


class Toy(BaseForm):
    first = StringField("First answer", validators=[DataRequired("Say the first.")])
    second = StringField("Second answer", validators=[DataRequired("Say the second.")])
    note = TextAreaField("Note")
    agree = BooleanField("I agree", validators=[DataRequired("Agree first.")])
    key = HiddenField()

    def validate_second(self, field):
        if field.data == "no":
            raise ValidationError("Not no.")


@pytest.fixture
def sent(app):
    """The steps of a toy form as a POST with `data` left them."""
    contexts = []

    def send(data: dict[str, str], method: str = "POST") -> Steps:
        context = app.test_request_context("/toy", method=method, data=data, headers=ENGLISH)
        context.push()
        contexts.append(context)
        return Steps(Toy(meta={"csrf": False}), STEPS)

    yield send
    for context in reversed(contexts):
        context.pop()


def test_a_step_whose_fields_the_form_lacks_is_left_out(sent):
    steps = sent({})
    assert [step.title for step in steps.steps] == ["First", "Second", "End"]
    assert (steps.number, steps.count, steps.is_last) == (1, 3, False)


def test_next_checks_only_the_step_it_leaves(sent):
    steps = sent({"step": "0", "step_action": "next", "first": "a", "second": ""})
    assert steps.pressed and steps.move() == 200
    assert steps.index == 1 and steps.form.second.errors == ()
    refused = sent({"step": "0", "step_action": "next", "first": " ", "second": ""})
    assert refused.move() == 422 and refused.index == 0
    assert refused.form.first.errors == ["Say the first."] and not refused.form.second.errors


def test_next_runs_the_forms_own_check_of_a_field(sent):
    steps = sent({"step": "1", "step_action": "next", "second": "no"})
    assert steps.move() == 422 and steps.form.second.errors == ["Not no."]
    assert steps.refused_here == [steps.form.second]


@pytest.mark.parametrize(
    ("position", "action", "reached"),
    [
        ("2", "back", 1),
        ("0", "back", 0),
        ("2", "change-0", 0),
        ("0", "change-2", 0),  # only back to an earlier step
        ("1", "change-x", 1),
        ("2", "next", 2),  # the last step is sent with the form's own button
        ("nonsense", "back", 0),
        ("99", "back", 1),
        ("-3", "change-0", 0),
    ],
)
def test_where_each_press_leads(sent, position, action, reached):
    steps = sent({"step": position, "step_action": action, "agree": "y"})
    steps.move()
    assert steps.index == reached


def test_only_a_post_with_a_steps_button_is_a_press(sent):
    assert not sent({"step": "1"}).pressed
    assert not sent({"step_action": "next"}, method="GET").pressed
    assert sent({"step": "1"}, method="GET").index == 0


def test_every_other_answer_is_carried_but_not_the_forms_hidden_fields(sent):
    steps = sent({"step": "0", "first": "a", "second": "b", "note": "x\r\ny", "key": "k"})
    assert steps.carried() == [("second", "b"), ("note", "x\ny")]
    ticked = sent({"step": "0", "agree": "y", "key": "k"})
    assert ("agree", "y") in ticked.carried()


def test_the_step_shown_is_the_first_with_a_refused_answer(sent):
    steps = sent({"step": "2", "first": "", "second": ""})
    steps.form.validate()
    assert steps.shown == 0 and steps.current.title == "First"
    assert [(number, f.name) for number, f in steps.refused_elsewhere()] == [
        (1, "second"),
        (2, "agree"),
    ]


def test_the_summary_lists_the_answers_before_the_last_step(sent):
    steps = sent({"step": "2", "first": "a", "note": "one\ntwo"})
    summary = [(a.step, a.label, a.value, a.long) for a in steps.answers()]
    assert summary == [
        (0, "First answer", "a", False),
        (1, "Second answer", "Not given", False),
        (1, "Note", "one\ntwo", True),
    ]


def render(steps: Steps) -> BeautifulSoup:
    return BeautifulSoup(render_template_string(PAGE, steps=steps), "html.parser")


def test_what_was_typed_is_escaped_in_the_hidden_answers(sent):
    typed = "\"><script>alert('x')</script>&amp;" + "长" * 300
    page = render(sent({"step": "1", "first": typed}))
    carried = page.find("input", {"type": "hidden", "name": "first"})
    assert carried["value"] == typed
    assert page.find("script") is None


def test_after_a_press_the_step_has_the_focus_and_arriving_it_does_not(sent, app):
    with app.test_request_context("/toy", headers=ENGLISH):
        arriving = render(Steps(Toy(formdata=None, meta={"csrf": False}), STEPS))
    assert arriving.find(attrs={"autofocus": True}) is None
    pressed = render(sent({"step": "1", "step_action": "next"}))
    assert [tag["name"] for tag in pressed.find_all(attrs={"autofocus": True})] == ["second"]
    refused = sent({"step": "1", "step_action": "next", "second": "x", "note": ""})
    refused.form.note.errors = ["Too short."]
    assert [t.get("name") for t in render(refused).find_all(attrs={"autofocus": True})] == ["note"]
    last = render(sent({"step": "2"}))
    assert [tag["id"] for tag in last.find_all(attrs={"autofocus": True})] == ["step-title"]
    assert last.find(id="step-title").get_text(" ", strip=True) == "Step 3 of 3 End"
    assert [b.get("value") for b in last.find_all("button")] == [
        "change-0",
        "change-1",
        "change-1",
        None,
        "back",
    ]
