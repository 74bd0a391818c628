"""Walking a form asked one thing at a time (`core/steps.py`, elder-friendly mode) as a
browser without JavaScript does: read the step's form from the page, send every input it
holds (hidden answers as they are, the step's fields as typed, a ticked box only when
ticked) with the pressed button's name and value, to the form's address."""

from __future__ import annotations

from bs4 import BeautifulSoup, Tag

NEXT = "next"
BACK = "back"


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.data, "html.parser")


def step_form(response) -> Tag:
    form = soup(response).select_one("#step form")
    assert form is not None, "no step form on the page"
    return form


def step_heading(response) -> str:
    return soup(response).find(id="step-title").get_text(" ", strip=True)


def shown_fields(response) -> list[str]:
    """The names of the fields the reader sees on this step."""
    form = step_form(response)
    return [
        tag["name"]
        for tag in form.find_all(["input", "textarea", "select"])
        if tag.get("type") != "hidden" and tag.get("name")
    ]


def hidden_values(response) -> dict[str, str]:
    return {
        tag["name"]: tag.get("value", "")
        for tag in step_form(response).find_all("input", type="hidden")
    }


def sent_by(response, fill: dict[str, str | bool] | None = None) -> dict[str, str]:
    """What the browser sends from this step with `fill` typed in (True ticks a box)."""
    data: dict[str, str] = {}
    for tag in step_form(response).find_all(["input", "textarea"]):
        name = tag.get("name")
        if not name:
            continue
        kind = (tag.get("type") or "text").lower()
        if tag.name == "textarea":
            # WTForms starts a textarea with a line break, which HTML drops.
            data[name] = tag.get_text().removeprefix("\r\n").removeprefix("\n")
        elif kind == "checkbox":
            if tag.has_attr("checked"):
                data[name] = tag.get("value", "on")
        else:
            data[name] = tag.get("value", "")
    for name, value in (fill or {}).items():
        if value is True:
            data[name] = "y"
        elif value is False:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def press(client, response, button: str | None, fill: dict | None = None):
    """Press a step's button (`next`, `back`, `change-<n>`) or, with None, the send button
    of the last step."""
    form = step_form(response)
    data = sent_by(response, fill)
    if button is not None:
        found = form.find("button", attrs={"name": "step_action", "value": button})
        assert found is not None, f"no {button} button on: {step_heading(response)}"
        data["step_action"] = button
    else:
        assert form.find("button", attrs={"name": None, "type": "submit"}) is not None
    return client.post(form["action"].split("#")[0], data=data)


def walk(client, response, answers: dict[str, str | bool], consent: dict[str, bool]):
    """From the first step, type each shown field's answer and press "Next step" until the
    last step, then tick `consent` and send. Every step must be accepted."""
    while step_form(response).find("button", attrs={"value": NEXT}) is not None:
        fill = {name: answers[name] for name in shown_fields(response) if name in answers}
        response = press(client, response, NEXT, fill)
        assert response.status_code == 200, (step_heading(response), response.status_code)
    return press(client, response, None, consent)
