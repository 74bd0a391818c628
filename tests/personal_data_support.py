"""What the personal-data tests (`test_personal_data.py`, `test_retention.py`) share: the
people of the story, each with personal details found nowhere else (a sentinel name, phone,
email and, for the open-day registrant, a valid resident ID number), and every flow their
details pass through, run against the app served by Werkzeug's own server as a browser
would use it: commenting, registering for an open day (and asking for the link again, and
cancelling), applying to sit in, being put in the directory, invited, answering at the
invitation link, the private calendar; the staff pages that list them, the CSV downloads,
the outbox and audit pages; and cron's commands (reminders, sending the outbox)."""

from __future__ import annotations

import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta

from flask import Flask
from werkzeug.serving import make_server

from core.clock import utcnow
from extensions import db

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK = "10X98765432"


def resident_id_number(first_17: str) -> str:
    """A resident ID number with its GB 11643 check character."""
    total = sum(int(digit) * weight for digit, weight in zip(first_17, WEIGHTS, strict=True))
    return first_17 + CHECK[total % 11]


@dataclass
class Person:
    """One person of the story: what they type, and the private links they are given."""

    key: str
    name: str
    phone: str
    email: str
    id_number: str | None = None
    tokens: list[str] = field(default_factory=list)

    @property
    def personal(self) -> dict[str, str]:
        """What identifies or reaches them (the tokens are secrets, not personal data)."""
        found = {"name": self.name, "phone": self.phone, "email": self.email}
        if self.id_number:
            found["ID number"] = self.id_number
        return found

    @property
    def sentinels(self) -> dict[str, str]:
        return self.personal | {f"token {i}": token for i, token in enumerate(self.tokens)}


def story_people() -> dict[str, Person]:
    return {
        "commenter": Person("commenter", "哨兵名字Q7", "13800138071", "sentinel-q7@example.org"),
        "registrant": Person(
            "registrant",
            "哨兵名字R8",
            "13800138072",
            "sentinel-r8@example.org",
            resident_id_number("11010519491231002"),
        ),
        "applicant": Person("applicant", "哨兵名字A9", "13800138073", "sentinel-a9@example.org"),
        "invitee": Person("invitee", "哨兵名字P6", "13800138074", "sentinel-p6@example.org"),
    }


class Browser:
    """A browser talking to a real server: cookies kept, redirects not followed."""

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003
            return None

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), self._NoRedirect
        )

    def open(self, method: str, path: str, form: dict | None = None) -> tuple[int, str, str]:
        db.session.commit()  # the server sees what the test made, and waits for no lock
        data = urllib.parse.urlencode(form or {}, doseq=True).encode() if method == "POST" else None
        request = urllib.request.Request(self.base + path, data=data, method=method)  # noqa: S310
        try:
            with self.opener.open(request, timeout=60) as answer:
                return answer.status, answer.headers.get("Location", ""), answer.read().decode()
        except urllib.error.HTTPError as answer:
            return answer.code, answer.headers.get("Location", ""), answer.read().decode()

    def get(self, path: str) -> tuple[int, str, str]:
        return self.open("GET", path)

    def post(self, path: str, form: dict | None = None) -> tuple[int, str, str]:
        return self.open("POST", path, form)


@contextmanager
def served(app: Flask) -> Iterator[str]:
    """The app on Werkzeug's development server, whose request log goes through logging."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.shutdown()


def token_in(location_or_text: str, route: str) -> str:
    found = re.search(re.escape(route) + r"([A-Za-z0-9_\-]{20,})", location_or_text)
    assert found, f"no {route} link in {location_or_text[:500]!r}"
    return found.group(1)


def expect(answer: tuple[int, str, str], *statuses: int) -> tuple[int, str, str]:
    assert answer[0] in statuses, f"{answer[0]} {answer[1]} {answer[2][:800]}"
    return answer


@dataclass
class Story:
    people: dict[str, Person]
    consultation: object
    open_day: object
    meeting: object
    staff: object
    outputs: list[str] = field(default_factory=list)  # what cron's commands printed


def run_every_flow(app: Flask, base: str, story: Story) -> None:
    """Everything the people of the story go through, and the staff pages about them."""
    from engagement.sitting_in.models import Person as DirectoryPerson

    people, resident, staff = story.people, Browser(base), Browser(base)
    expect(staff.post("/login", {"username": story.staff.username, "password": PASSWORD}), 303)

    # A comment, its receipt mail and status page; the staff moderation page and CSV.
    commenter, consultation = people["commenter"], story.consultation
    sent = expect(
        resident.post(
            f"/consultations/{consultation.id}/comments",
            {
                "body": "建议在社区设置老年人驿站。",
                "name": commenter.name,
                "phone": commenter.phone,
                "email": commenter.email,
                "community": "幸福里社区",
                "consent": "y",
            },
        ),
        303,
    )
    commenter.tokens.append(token_in(sent[1], "/comments/"))
    expect(resident.get(f"/comments/{commenter.tokens[0]}"), 200)
    expect(staff.get(f"/admin/consultations/{consultation.id}/comments"), 200)
    expect(staff.get(f"/admin/consultations/{consultation.id}/comments.csv"), 200)

    # An open day that needs the ID number: register, see it, ask for the link again.
    registrant, open_day = people["registrant"], story.open_day
    sent = expect(
        resident.post(
            f"/open-days/{open_day.id}/register",
            {
                "name": registrant.name,
                "phone": registrant.phone,
                "email": registrant.email,
                "id_number": registrant.id_number,
                "consent": "y",
            },
        ),
        303,
    )
    registrant.tokens.append(token_in(sent[1], "/r/"))
    expect(resident.get(f"/r/{registrant.tokens[0]}"), 200)
    expect(resident.post(f"/open-days/{open_day.id}/send-link", {"phone": registrant.phone}), 303)
    for page in ("registrations", "registrations.csv", "check-in", "seating"):
        expect(staff.get(f"/admin/open-days/{open_day.id}/{page}"), 200)
    for search in (registrant.phone, registrant.name):  # a staff search is in the address
        query = urllib.parse.urlencode({"q": search})
        expect(staff.get(f"/admin/open-days/{open_day.id}/registrations?{query}"), 200)

    # An application to sit in, and the staff's list of applications.
    applicant, meeting = people["applicant"], story.meeting
    expect(
        resident.post(
            f"/meetings/{meeting.id}/sit-in/apply",
            {
                "name": applicant.name,
                "phone": applicant.phone,
                "email": applicant.email,
                "community": "幸福里社区",
                "reason": "关心老旧小区改造",
                "consent": "y",
            },
        ),
        303,
    )
    expect(staff.get(f"/admin/sitting-in/meetings/{meeting.id}/applications"), 200)

    # A resident representative put in the directory, invited, mailed; answers at the link.
    invitee = people["invitee"]
    person_form = {
        "name": invitee.name,
        "category": "resident",
        "community": "幸福里社区",
        "email": invitee.email,
        "phone": invitee.phone,
        "locale": "zh",
    }
    expect(staff.post("/admin/sitting-in/people/new", person_form), 303)
    person = db.session.scalar(
        db.select(DirectoryPerson).where(DirectoryPerson.name == invitee.name)
    )
    expect(staff.get("/admin/sitting-in/people"), 200)
    by_email = urllib.parse.urlencode({"q": invitee.email})
    expect(staff.get(f"/admin/sitting-in/people?{by_email}"), 200)
    expect(staff.get(f"/admin/sitting-in/people/{person.id}"), 200)
    invite = {"people": [str(person.id)]}
    expect(staff.post(f"/admin/sitting-in/meetings/{meeting.id}/invite", invite), 303)
    expect(staff.post(f"/admin/sitting-in/meetings/{meeting.id}/send"), 303)
    mail = "\n".join(message.body for message in outbox_mail(invitee.email))
    invitee.tokens += [token_in(mail, "/rsvp/"), token_in(mail, "/calendar/private/")]
    expect(resident.get(f"/rsvp/{invitee.tokens[0]}"), 200)
    answer = {"answer": "accept", "note": "会准时参加", "name_public": "y"}
    expect(resident.post(f"/rsvp/{invitee.tokens[0]}", answer), 303)
    expect(resident.get(f"/calendar/private/{invitee.tokens[1]}.ics"), 200)
    expect(staff.get(f"/admin/sitting-in/meetings/{meeting.id}"), 200)

    # Cron: reminders, then the outbox sent (to the mail folder), then staff's outbox and
    # audit pages.
    runner = app.test_cli_runner()
    for command in (["remind-invitees", "--days", "30"], ["remind-open-day-registrants"]):
        story.outputs.append(run(runner, command))
    story.outputs.append(run(runner, ["send-outbox"]))
    expect(staff.get("/admin/outbox/"), 200)
    expect(staff.get("/admin/audit/"), 200)

    # The registrant cancels at their link (a waiting list would move up).
    expect(resident.post(f"/r/{registrant.tokens[0]}/cancel"), 303)


PASSWORD = "correct horse battery"


def run(runner, command: list[str]) -> str:
    db.session.commit()
    result = runner.invoke(args=command)
    assert result.exit_code == 0, result.output
    return result.output


def outbox_mail(recipient: str) -> list:
    from core.outbox import OutgoingMail

    db.session.expire_all()
    return list(
        db.session.scalars(db.select(OutgoingMail).where(OutgoingMail.recipient == recipient))
    )


def tomorrow_morning():
    """Ten in the morning tomorrow, office time: an open day the reminder is about."""
    return utcnow() + timedelta(days=1)


def prepare_story(make_user, make_consultation, make_open_day, invitable_meeting) -> Story:
    """The consultation open for comments, an open day tomorrow that needs the ID number,
    and a meeting in ten days that takes invitations and residents' applications."""
    from core.accounts.models import Role
    from engagement.sitting_in.models import Category

    now = utcnow()
    consultation = make_consultation(
        opens_at=now - timedelta(days=31),
        closes_at=now + timedelta(days=1),
        short_period_reason="临近上会，剩余时间不足30日",
    )
    open_day = make_open_day(
        id_required=True,
        starts_at=now + timedelta(days=1),
        ends_at=now + timedelta(days=1, hours=3),
        registration_closes_at=now + timedelta(hours=12),
    )
    meeting = invitable_meeting({Category.RESIDENT: 2}, sit_in_open=True, sit_in_places=2)
    staff = make_user(Role.ADMIN)
    db.session.commit()
    return Story(story_people(), consultation, open_day, meeting, staff)
