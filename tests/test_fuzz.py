"""Whatever a person types into any form, and whatever they put in an open-data address,
the office's site never answers with a server error, and what was stored never comes
back as live markup: every page, staff page, mail, CSV download and calendar feed shows
it as text.

The forms are the ones the app itself shows on the demo data (each field read from the
page, with its options and hidden values), filled in by a generator with a mix of what a
careful resident would type and what an attacker would: oversized and control-character
text, astral characters, HTML and script, SQL fragments, wrong types, dates at the ends of
the calendar, huge numbers. Enough of it is valid that comments, registrations and
applications are stored, so the check of what is shown afterwards is meaningful.

Each resident's form and each open-data address gets 500 inputs a run, each staff form 40;
`make fuzz-long` (`bench/fuzz_long.py`, run by CI) sends 500 to every form on both
databases side by side."""

from __future__ import annotations

import csv
import io
import json
import re
import time
from collections import Counter
from collections.abc import Iterable

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar
from sqlalchemy import func, select

from core.accounts.models import User
from core.outbox import OutgoingMail, TextMessage
from engagement.consultations.models import Comment
from engagement.demo import load_demo
from engagement.open_days.models import Registration
from engagement.sitting_in.models import Application
from extensions import db
from tests.fuzz_support import (
    EXAMPLES_PER_FORM,
    EXAMPLES_PER_STAFF_FORM,
    INJECTED_EVENT,
    RUN,
    Form,
    api_query,
    crawl,
    endpoint_of,
    form_data,
    path_segment,
    private_addresses,
    routes,
)
from tests.test_bad_input import sign_in
from tests.test_every_page import seed_states

FUZZ = settings(
    max_examples=EXAMPLES_PER_FORM,
    deadline=None,
    database=None,
    derandomize=False,
    print_blob=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)
PUBLIC_STARTS = ["/", "/meetings/", "/consultations/", "/open-days/", "/decisions/", "/login"]
STAFF_STARTS = ["/admin/"]
NOT_FUZZED = {"accounts.logout"}  # signing out is not a form anyone fills in
RAW_MARKUP = (f"<fz-{RUN}", f"<svg onload=fz{RUN}", f"<img src=x onerror=fz{RUN}", "<script>alert")
SPREADSHEET_FORMULA = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def demo(app) -> tuple[list[str], list[str]]:
    """The demo with the states it lacks (`tests/test_every_page.py`): the addresses to
    start reading from, public and staff."""
    load_demo()
    public, staff = seed_states()
    db.session.commit()
    return public, staff


def stored() -> dict[str, int]:
    """How many comments, registrations and applications residents have sent."""
    return {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in (Comment, Registration, Application)
    }


def account_id(username: str) -> int:
    return db.session.scalar(select(User.id).where(User.username == username))


def discover(app, client, starts: tuple[list[str], list[str]]) -> dict[tuple[str, str], Form]:
    """One form per (who fills it in, endpoint): the residents' from the public pages and
    private links, the staff's from the staff pages as the administrator."""
    _, public_forms = crawl(app.test_client(), PUBLIC_STARTS + starts[0] + private_addresses())
    sign_in(client, "admin")
    _, staff_forms = crawl(client, STAFF_STARTS + starts[1])
    # The administrator does the fuzzing: their own account is not disabled under them.
    own_account = f"/admin/staff/{account_id('admin')}"
    chosen: dict[tuple[str, str], Form] = {}
    for who, forms in (("resident", public_forms), ("admin", staff_forms)):
        for form in forms:
            endpoint = endpoint_of(app, form.action)
            if endpoint is None or endpoint in NOT_FUZZED or form.action.startswith(own_account):
                continue
            staff_only = form.action.startswith("/admin/")
            if (who == "resident") == staff_only:
                continue
            chosen.setdefault((who, endpoint), form)
    return chosen


def unseen_form(app, endpoint: str, seen: Iterable[Form]) -> Form:
    rule = next(rule for name, rule in routes(app, "POST") if name == endpoint)
    ids = {"kind": "meeting", "user_id": str(account_id("editor"))}
    path = re.sub(r"<(?:int:)?(\w+)>", lambda m: ids.get(m[1], "1"), rule.rule)
    names = {item.name: item for form in seen for item in form.fields}
    return Form(path, list(names.values()), page="(no page shows it)")


def fuzz_form(app, client, who: str, form: Form, statuses: Counter) -> list[str]:
    """Send generated fillings of `form` (`EXAMPLES_PER_FORM` to a resident's form,
    `EXAMPLES_PER_STAFF_FORM` to a staff form); returns what went wrong."""
    failures: list[str] = []
    examples = EXAMPLES_PER_STAFF_FORM if who == "admin" else EXAMPLES_PER_FORM

    @settings(FUZZ, max_examples=examples)
    @given(form_data(form))
    def send(data: dict) -> None:
        reader = client if who == "admin" else app.test_client()
        response = reader.post(form.action, data=data)
        statuses[response.status_code] += 1
        assert response.status_code < 500, f"{form.action}: {response.status_code}"

    try:
        send()
    except Exception as error:  # noqa: BLE001  (each form's failure is reported together)
        notes = "\n".join(getattr(error, "__notes__", []))
        failures.append(f"{who} {form.action} (from {form.page}): {error}\n{notes}")
    return failures


ADDRESS_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "srcset"}


def markup_left_raw(html: str) -> list[str]:
    found = [marker for marker in RAW_MARKUP if marker in html]
    for tag in BeautifulSoup(html, "html.parser").find_all(True):
        for name, value in tag.attrs.items():
            text = " ".join(value) if isinstance(value, list) else value
            # A handler, or an address a click would run (a form field's value is only text).
            address = name in ADDRESS_ATTRIBUTES
            script = name.startswith("on") or (
                address and text.strip().lower().startswith("javascript:")
            )
            if script and f"fz{RUN}" in text:
                found.append(f"{tag.name} {name}={text[:60]!r}")
    return found


def unsafe_cells(data: bytes) -> list[str]:
    unsafe = []
    for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))):
        for cell in row:
            if cell[:1] in SPREADSHEET_FORMULA:
                try:
                    float(cell)
                except ValueError:
                    unsafe.append(cell[:40])
    return unsafe


def calendar_faults(data: bytes) -> list[str]:
    """A feed that does not parse, a text value that does not come back the same after
    writing and reading it again, or an event made from someone's text."""
    faults = []
    calendar = Calendar.from_ical(data)
    again = Calendar.from_ical(calendar.to_ical())
    for event, copy in zip(calendar.walk("VEVENT"), again.walk("VEVENT"), strict=True):
        for name in ("SUMMARY", "DESCRIPTION", "LOCATION"):
            if str(event.get(name, "")) != str(copy.get(name, "")):
                faults.append(f"{name} changes when read again: {str(event.get(name))[:60]!r}")
        if str(event.get("SUMMARY", "")).startswith(INJECTED_EVENT):
            faults.append("an event made from text someone sent")
    if any(line.startswith(f"SUMMARY:{INJECTED_EVENT}") for line in data.decode().splitlines()):
        faults.append("a property line made from text someone sent")
    return faults


def shown_anywhere(app, client, starts: tuple[list[str], list[str]]) -> list[str]:
    """Read back every page, download and feed as a resident and as the administrator."""
    problems = []
    public = PUBLIC_STARTS + starts[0] + private_addresses()
    readers = (("resident", app.test_client(), public), ("admin", client, STAFF_STARTS + starts[1]))
    for who, reader, starts in readers:
        pages, _ = crawl(reader, starts)
        for path in pages:
            response = reader.get(path)
            if response.status_code >= 500:
                problems.append(f"{who} {path}: {response.status_code}")
            elif response.mimetype == "text/html":
                problems += [f"{who} {path}: {m}" for m in markup_left_raw(response.text)]
            elif response.mimetype == "text/csv":
                problems += [f"{who} {path}: cell {c!r}" for c in unsafe_cells(response.data)]
            elif response.mimetype == "text/calendar":
                problems += [f"{who} {path}: {f}" for f in calendar_faults(response.data)]
    for mail in db.session.scalars(select(OutgoingMail)):
        problems += [f"mail {mail.id}: {m}" for m in markup_left_raw(mail.html or "")]
        if mail.calendar:
            problems += [f"mail {mail.id}: {f}" for f in calendar_faults(mail.calendar.encode())]
    # Text messages are plain text (staff read them on the outbox page, crawled above); their
    # template parameters must still be the JSON the gateway is sent.
    for message in db.session.scalars(select(TextMessage)):
        if not isinstance(json.loads(message.params), dict):
            problems.append(f"text message {message.id}: parameters {message.params[:60]!r}")
    return problems


def test_no_form_input_fails_or_comes_back_as_markup(app, client, demo):
    started = time.monotonic()
    stored_before = stored()
    forms = discover(app, client, demo)
    print(f"discovery took {time.monotonic() - started:.0f} s")
    post_endpoints = {endpoint for endpoint, rule in routes(app, "POST")} - NOT_FUZZED
    # Forms the demo's states do not show (a disabled account to enable, a draw not yet
    # seeded): their address with the first ids, and the field names of every form.
    for endpoint in sorted(post_endpoints - {endpoint for _, endpoint in forms}):
        forms[("admin", endpoint)] = unseen_form(app, endpoint, forms.values())
    statuses: Counter = Counter()
    failures: list[str] = []
    # The residents' forms first, while the demo's consultations and open days are open.
    for (who, _endpoint), form in sorted(forms.items(), key=lambda item: item[0][0] != "resident"):
        failures += fuzz_form(app, client, who, form, statuses)
        if client.get("/admin/").status_code != 200:  # a form signed the administrator out
            sign_in(client, "admin")
    print(f"{len(forms)} forms, {statuses.total()} sent: {dict(statuses)}")
    print(f"fuzzing took {time.monotonic() - started:.0f} s")
    assert failures == [], "\n\n".join(failures)
    assert statuses[429] == 0
    # Payloads were accepted and stored, so reading them back below means something.
    stored_after = stored()
    print(f"stored: {stored_before} before, {stored_after} after")
    assert all(stored_after[kind] > stored_before[kind] for kind in stored_before)
    problems = shown_anywhere(app, client, demo)
    assert problems == [], "\n".join(problems)


def fuzz_address(client, rule, statuses: Counter) -> list[str]:
    """Send `EXAMPLES_PER_FORM` generated path segments and query strings to one open-data
    route; returns what went wrong."""

    @FUZZ
    @given(st.lists(path_segment, min_size=len(rule.arguments), max_size=3), api_query)
    def read(segments: list[str], query: dict) -> None:
        path = rule.rule
        for argument, segment in zip(sorted(rule.arguments), segments, strict=False):
            path = re.sub(rf"<(?:int:)?{argument}>", segment.replace("\\", ""), path)
        response = client.get(path, query_string=query)
        statuses[response.status_code] += 1
        assert response.status_code < 500, f"{path} {query}: {response.status_code}"
        assert response.is_json or response.status_code == 404

    try:
        read()
    except Exception as error:  # noqa: BLE001  (each route's failure is reported together)
        return [f"{rule.rule}: {error}\n" + "\n".join(getattr(error, "__notes__", []))]
    return []


def test_no_open_data_address_fails(app, client, demo):
    statuses: Counter = Counter()
    failures: list[str] = []
    for _endpoint, rule in routes(app, "GET"):
        if rule.rule.startswith("/api/"):
            failures += fuzz_address(client, rule, statuses)
    print(f"open data: {statuses.total()} sent: {dict(statuses)}")
    assert failures == [], "\n\n".join(failures)
    assert statuses[200] > 0
