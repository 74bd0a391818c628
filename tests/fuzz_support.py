"""What `tests/test_fuzz.py` sends and where it looks: the forms the app itself shows
(found by reading its pages, each field with its type, options and hidden values), the
values a person could type into each field, hostile or valid, and every address that
shows what was stored: pages, CSV downloads and calendar feeds."""

from __future__ import annotations

import os
import re
import secrets
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import strategies as st
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from core.clock import to_office_time, utcnow
from extensions import db

# Every resident's form and every open-data address get 500 generated inputs in each run;
# each staff form 40 (staff are signed in, few and trusted; 72 forms at 500 take about 20
# minutes a database here): `FUZZ_STAFF_EXAMPLES=500` is the long run (`make fuzz-long`).
EXAMPLES_PER_FORM = int(os.environ.get("FUZZ_EXAMPLES", "500"))
EXAMPLES_PER_STAFF_FORM = int(os.environ.get("FUZZ_STAFF_EXAMPLES", "40"))
# Unique to this run: found raw in a page, it can only have come from what was sent.
RUN = secrets.token_hex(2)
MARKERS = (f"<fz-{RUN}>", f'"><svg onload=fz{RUN}>', f"'><img src=x onerror=fz{RUN}>")
RAW_MARKER = "<fz-"
INJECTED_EVENT = f"fz{RUN}-injected"  # an event or property this text must never become
NOT_PAGES = re.compile(r"^/(static|documents|consultation-documents|live-images|admin/documents)/")
PER_SHAPE = int(os.environ.get("FUZZ_PER_SHAPE", "10"))  # addresses of one shape read per crawl


@dataclass
class Field:
    name: str
    kind: str  # the input's type, or "textarea" / "select"
    value: str = ""
    options: list[str] = field(default_factory=list)


@dataclass
class Form:
    action: str
    fields: list[Field]
    page: str


def shape(path: str) -> str:
    """An address with its ids and tokens as placeholders: `/meetings/N`, `/r/T/cancel`."""
    segments = urlsplit(path).path.split("/")
    return "/".join(
        "N" if s.isdigit() else "T" if len(s) >= 20 else re.sub(r"\d+", "N", s) for s in segments
    )


def forms_on(page: str, html: bytes) -> list[Form]:
    found = []
    for form in BeautifulSoup(html, "html.parser").find_all("form"):
        if (form.get("method") or "get").lower() != "post":
            continue
        fields: dict[str, Field] = {}
        for tag in form.find_all(["input", "textarea", "select", "button"]):
            name = tag.get("name")
            if not name:
                continue
            if tag.name == "select":
                options = [o.get("value", o.get_text()) for o in tag.find_all("option")]
                fields.setdefault(name, Field(name, "select", options=options))
            elif tag.name == "textarea":
                fields.setdefault(name, Field(name, "textarea", tag.get_text().strip()))
            else:
                kind = tag.get("type", "text" if tag.name == "input" else "submit").lower()
                if tag.get("tabindex") == "-1":  # a trap for robots: a person leaves it empty
                    kind = "trap"
                known = fields.setdefault(name, Field(name, kind, tag.get("value", "")))
                if kind in ("radio", "checkbox", "submit"):
                    known.options.append(tag.get("value", "on"))
        action = urlsplit(urljoin(page, form.get("action") or page)).path
        found.append(Form(action, list(fields.values()), page))
    return found


def crawl(client: FlaskClient, starts: list[str]) -> tuple[list[str], list[Form]]:
    """Every page reachable from `starts` by same-site links (a few of each shape), and the
    POST forms on them."""
    seen_shapes: dict[str, int] = defaultdict(int)
    queue, seen, pages, forms = list(starts), set(), [], []
    while queue:
        path = queue.pop(0)
        if path in seen or NOT_PAGES.match(path):
            continue
        seen.add(path)
        if seen_shapes[shape(path)] >= PER_SHAPE and path not in starts:
            continue
        seen_shapes[shape(path)] += 1
        response = client.get(path)
        pages.append(path)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        forms += forms_on(path, response.data)
        for link in BeautifulSoup(response.data, "html.parser").find_all("a", href=True):
            target = urljoin(path, link["href"])
            parts = urlsplit(target)
            if not parts.netloc and parts.path.startswith("/") and "logout" not in parts.path:
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return pages, forms


def endpoint_of(app: Flask, path: str, method: str = "POST") -> str | None:
    try:
        return app.url_map.bind("localhost").match(path, method=method)[0]
    except HTTPException:
        return None


def private_addresses() -> list[str]:
    """The pages only a private link reaches: invitations, registrations, private feeds."""
    from engagement.open_days.models import Registration
    from engagement.sitting_in.models import Invitation, Person

    addresses = []
    for invitation in db.session.scalars(select(Invitation).limit(6)):
        addresses.append(f"/rsvp/{invitation.token}")
    for registration in db.session.scalars(select(Registration).limit(6)):
        token = registration.token
        addresses += [f"/r/{token}", f"/r/{token}/cancel", f"/r/{token}/feedback"]
    for person in db.session.scalars(select(Person).limit(3)):
        addresses.append(f"/calendar/private/{person.feed_token}.ics")
    return addresses


# Values ---------------------------------------------------------------------------------

HOSTILE = [
    *MARKERS,
    f"javascript:alert('fz{RUN}')",
    f"<script>alert('fz{RUN}')</script>",
    "' OR 1=1--",
    "'; DROP TABLE users;--",
    '" OR ""="',
    '=HYPERLINK("http://evil.example","x")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\x00",
    "\r\n",
    "\u202e\u200b\ufeff",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 😀 𠀋",
    "{{ 7*7 }}",
    "%s%n",
    "../../etc/passwd",
    # A calendar's lines: a feed built by joining text would end the event and begin one.
    f"x\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:{INJECTED_EVENT}\r\nEND:VEVENT",
    f"x\nSUMMARY:{INJECTED_EVENT}",
    "a\\,b;c",
]
EDGE_DATES = [
    "0001-01-01",
    "0001-01-01T00:00",
    "9999-12-31",
    "9999-12-31T23:59",
    "2026-02-30",
    "2026-02-29T10:00",
    "2028-02-29T10:00",
    "-0001-01-01T00:00",
    "2026-13-01T00:00",
    "2026-06-01T25:61",
    "",
    "yesterday",
]
NUMBERS = ["0", "-1", "1", "2", "99999999999999999999999", "1e309", "NaN", "1.5", "٣", "²"]

# Text without surrogates (which a form cannot carry), control characters and NUL allowed.
any_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
# Oversized text built by repetition: up to ~20,000 characters without generating each one.
long_text = st.tuples(any_text, st.integers(1, 500)).map(lambda pair: pair[0] * pair[1])
hostile = st.sampled_from(HOSTILE)
plain = st.sampled_from(["关于老旧小区综合整治的意见", "Resident", "张三", "同意", "x"])
payload = st.one_of(
    hostile,
    st.tuples(plain, hostile, any_text).map("".join),
    any_text,
    long_text,
)
wrong_type = st.one_of(
    st.integers(-(10**30), 10**30).map(str), st.sampled_from(NUMBERS), st.just("")
)


def id_number(serial: int) -> str:
    """A resident identity card number with its check character (GB 11643)."""
    digits = f"11010519800101{serial:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(digit) * weight for digit, weight in zip(digits, weights, strict=True))
    return digits + "10X98765432"[total % 11]


def future(days: int, fmt: str) -> str:
    return to_office_time(utcnow() + timedelta(days=days)).strftime(fmt)


def valid_value(item: Field) -> st.SearchStrategy[str]:
    """What a careful person would put in the field: most forms accept it."""
    kind, name = item.kind, item.name
    if item.options and kind in ("select", "radio", "checkbox", "submit"):
        return st.sampled_from(item.options)
    if "key" in name:  # a fresh form each time: the same key is the same submission again
        return st.uuids().map(lambda key: key.hex)
    if kind in ("hidden", "trap"):
        return st.just(item.value)
    if kind in ("datetime-local", "date", "time"):
        fmt = {"date": "%Y-%m-%d", "time": "%H:%M"}.get(kind, "%Y-%m-%dT%H:%M")
        return st.integers(-5, 60).map(lambda days: future(days, fmt))
    if kind == "number":
        return st.integers(0, 60).map(str)
    if kind == "tel" or "phone" in name:  # a different person each time: one place a phone
        return st.builds("{}{:04d} {:04d}".format, st.sampled_from(["139", "+86 137"]),
                         st.integers(0, 9999), st.integers(0, 9999))  # fmt: skip
    if name == "id_number":
        return st.integers(0, 999).map(id_number)
    if kind == "email" or "email" in name:
        return st.sampled_from(["fz@example.org", "resident@example.cn"])
    if kind == "password":
        return st.sampled_from(["demo-admin-2026", "a long enough passphrase 2026"])
    if item.value:
        return st.just(item.value)
    # Accepted text always carries a marker, and now and then starts like a formula.
    return st.builds("{}{} {}".format, st.sampled_from(["", "", "=", "+", "-", "@", "\x00"]), plain,
                     st.sampled_from(MARKERS))  # fmt: skip


def hostile_value(item: Field) -> st.SearchStrategy[str | list[str]]:
    if item.kind in ("datetime-local", "date", "time"):
        return st.one_of(st.sampled_from(EDGE_DATES), payload)
    if item.kind == "number":
        return st.one_of(wrong_type, payload)
    return st.one_of(
        payload, wrong_type, st.lists(st.one_of(payload, wrong_type), min_size=2, max_size=3)
    )


def form_data(form: Form) -> st.SearchStrategy[dict[str, str | list[str]]]:
    """A filled-in form: mostly valid values with hostile ones mixed in, some fields left
    out, and now and then a field the form does not have. Each field's strategies are
    built once, not at every draw."""
    choices = [(item, valid_value(item), hostile_value(item)) for item in form.fields]
    extra = st.tuples(st.sampled_from(["extra", "id", "author_id", "status"]), payload)

    @st.composite
    def filled(draw: st.DrawFn) -> dict[str, str | list[str]]:
        hostility = draw(st.sampled_from([0, 10, 30, 100]))  # percent of fields
        data: dict[str, str | list[str]] = {}
        for item, valid, hostile_values in choices:
            roll = draw(st.integers(1, 100))
            if roll > 97 and item.kind not in ("hidden", "submit"):
                continue  # left out
            data[item.name] = draw(hostile_values if roll <= hostility else valid)
        if draw(st.integers(0, 19)) == 0:
            name, value = draw(extra)
            data[name] = value
        return data

    return filled()


api_query = st.dictionaries(
    st.sampled_from(
        ["page", "per_page", "year", "status", "body", "from", "to", "q", "since", "kind", "x"]
    ),
    st.one_of(st.sampled_from(EDGE_DATES), wrong_type, payload, st.integers(-5, 200).map(str)),
    max_size=4,
)
path_segment = st.one_of(
    st.integers(-(10**25), 10**25).map(str),
    st.sampled_from(["0", "1", "2", "3", "abc", "1.5", "%00", "%2F", "..", "1%20"]),
    st.integers(1, 40).map(str),
    any_text.map(lambda text: re.sub(r"[/?#%]", "", text)).filter(bool),
)


def routes(app: Flask, method: str) -> Iterator[tuple[str, object]]:
    for rule in app.url_map.iter_rules():
        if rule.endpoint != "static" and method in rule.methods:
            yield rule.endpoint, rule
