"""The residents' open-day pages: the list, one open day (and the same words as the staff
preview), its places kept current, its calendar event, its draw, and the resident's own
page from the private link: status, QR code, cancelling, the survey."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from flask import render_template
from freezegun import freeze_time
from icalendar import Calendar
from sqlalchemy import select

from core.accounts.models import Role
from core.clock import utcnow
from engagement.open_days import operations
from engagement.open_days.models import Mode, Registration, Status
from extensions import db
from tests.responses import text_of

RESIDENT = {"name": "王建国", "phone": "13800138000", "consent": "y"}
VALID_ID = "11010519491231002X"


@pytest.fixture
def en(client):
    client.set_cookie("lang", "en")
    return client


def register(client, open_day, **fields):
    return client.post(f"/open-days/{open_day.id}/register", data={**RESIDENT, **fields})


def own_page(response) -> str:
    """The private page a registration leads to, without its #status."""
    assert response.status_code == 303, response.data[:500]
    location = response.headers["Location"]
    assert location.endswith("#status")
    return location.removesuffix("#status")


def registrations() -> list[Registration]:
    db.session.expire_all()
    return list(db.session.scalars(select(Registration).order_by(Registration.id)))


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.data, "html.parser")


def test_the_resident_journey_register_see_cancel_and_the_first_waiting_moves_up(en, make_open_day):
    open_day = make_open_day(capacity=1)
    page = en.get(f"/open-days/{open_day.id}")
    assert page.status_code == 200
    assert soup(page).find("form", attrs={"data-registration-form": str(open_day.id)})

    mine = own_page(register(en, open_day))
    waiting = own_page(register(en, open_day, name="李四", phone="13900139000"))

    shown = en.get(mine)
    assert shown.status_code == 200
    assert "no-store" in shown.headers["Cache-Control"]
    code = registrations()[0].confirmation_code
    assert re.fullmatch(r"KF-\d{4}-\d{6}", code)
    assert soup(shown).find(class_="confirmation-code").get_text(strip=True) == code
    assert "Your place is confirmed." in text_of(shown)
    qr = soup(shown).find("svg", attrs={"role": "img"})
    assert qr is not None and code in qr["aria-label"]
    assert "waiting list, number 1" in text_of(en.get(waiting))

    confirm = en.get(f"{mine}/cancel")
    assert confirm.status_code == 200
    assert "first person on the waiting list" in text_of(confirm)
    form = soup(confirm).find("form", class_="confirm-actions")
    assert form["action"] == f"{mine}/cancel" and form["method"] == "post"

    done = en.post(f"{mine}/cancel")
    assert done.status_code == 303 and done.headers["Location"].endswith(f"{mine}#status")
    after = en.get(mine)
    assert "Your registration is cancelled." in text_of(after)
    assert soup(after).find("a", string=re.compile("Cancel my registration")) is None
    assert [r.status for r in registrations()] == [Status.CANCELLED, Status.CONFIRMED]
    assert "Your place is confirmed." in text_of(en.get(waiting))

    # Back and send again: harmless, the same answer.
    again = en.post(f"{mine}/cancel", follow_redirects=True)
    assert again.status_code == 200 and "Your registration is cancelled." in text_of(again)
    assert en.get(f"{mine}/cancel").status_code == 303  # no confirmation step any more
    assert [r.status for r in registrations()] == [Status.CANCELLED, Status.CONFIRMED]


def test_an_unknown_private_link_is_not_found(client):
    assert client.get("/r/" + "x" * 32).status_code == 404
    assert client.get("/r/short").status_code == 404
    assert client.get("/r/" + "x" * 32 + "/cancel").status_code == 404
    assert client.post("/r/" + "x" * 32 + "/cancel").status_code == 404
    assert client.get("/r/" + "x" * 32 + "/feedback").status_code == 404


def test_the_personal_page_never_shows_the_full_phone_or_id_number(en, make_open_day):
    open_day = make_open_day(id_required=True)
    page = en.get(own_page(register(en, open_day, id_number=VALID_ID)))
    body = page.data.decode()
    assert "13800138000" not in body and VALID_ID not in body and "王建国" not in body
    assert "138****8000" in body and "110***********002X" in body and "王**" in body
    assert "Bring your ID card" in text_of(page)


def test_the_list_shows_upcoming_soonest_first_then_past(en, make_open_day):
    later = make_open_day(title="十月开放日", starts_at=utcnow() + timedelta(days=30),
                          ends_at=utcnow() + timedelta(days=30, hours=3))  # fmt: skip
    sooner = make_open_day(title="九月开放日")
    past = make_open_day(title="去年开放日", starts_at=utcnow() - timedelta(days=300),
                         ends_at=utcnow() - timedelta(days=300) + timedelta(hours=3))  # fmt: skip
    make_open_day(title="草稿开放日", approve=False)
    page = text_of(en.get("/open-days/"))
    assert page.index(sooner.title) < page.index(later.title) < page.index(past.title)
    assert "草稿开放日" not in page
    assert "50 places left of 50." in page and "Registration is open until" in page


def test_the_page_explains_the_open_day(en, make_open_day):
    open_day = make_open_day(description="**欢迎**参观", mode=Mode.LOTTERY)
    page = en.get(f"/open-days/{open_day.id}")
    shown = soup(page)
    assert shown.find("strong", string="欢迎") is not None  # Markdown
    stops = [li.get_text(strip=True) for li in shown.find("ol", class_="itinerary").find_all("li")]
    assert stops == ["区长办公室", "常务会会场", "城市管理指挥中心", "应急值守平台"]
    text = text_of(page)
    assert "By lot." in text and "区政府北门" in text and "本区居民" in text
    assert shown.find("a", href=f"/open-days/{open_day.id}/draw") is not None
    assert shown.find("a", href=re.compile(rf"^/open-days/{open_day.id}\.ics")) is not None
    assert shown.find("a", href="/calendar/#feed-open-days") is not None


def test_postponed_and_cancelled_open_days_say_so_with_their_reasons(en, make_open_day):
    original = utcnow() + timedelta(days=8)
    moved = make_open_day(original_starts_at=original, postpone_reason="会场维修")
    text = text_of(en.get(f"/open-days/{moved.id}"))
    assert "This open day was postponed" in text and "会场维修" in text
    cancelled = make_open_day(cancelled_at=utcnow(), cancel_reason="台风预警")
    page = en.get(f"/open-days/{cancelled.id}")
    assert "This open day is cancelled" in text_of(page) and "台风预警" in text_of(page)
    assert soup(page).find("form", attrs={"data-registration-form": True}) is None


def test_the_preview_partial_renders_an_open_day_not_yet_approved(app, make_open_day):
    draft = make_open_day(approve=False)
    with app.test_request_context("/"):
        html = render_template("open_days/_open_day_public.html", open_day=draft, now=utcnow())
    preview = BeautifulSoup(html, "html.parser")
    assert draft.title in preview.get_text()
    assert preview.find("a", href=re.compile(r"\.ics|/draw|/places")) is None
    assert preview.find(attrs={"data-hx-get": True}) is None  # nothing polls a draft


class TestPlaces:
    def test_the_fragment_shows_the_places_left_after_registrations(self, en, make_open_day):
        open_day = make_open_day(capacity=5)
        for number in range(3):
            register(en, open_day, phone=f"1380013800{number}")
        fragment = en.get(f"/open-days/{open_day.id}/places", headers={"HX-Request": "true"})
        assert fragment.status_code == 200
        polled = soup(fragment).find(id="places")
        assert polled.get_text(" ", strip=True) == "2 places left of 5."
        assert polled["data-hx-trigger"] == "every 15s"
        assert "<html" not in fragment.data.decode()
        # The same version polled again: nothing to send.
        again = en.get(polled["data-hx-get"], headers={"HX-Request": "true"})
        assert again.status_code == 304
        # Without JavaScript the page says the same.
        assert "2 places left of 5." in text_of(en.get(f"/open-days/{open_day.id}"))
        register(en, open_day, phone="13800138009")
        assert "1 place left of 5." in text_of(en.get(f"/open-days/{open_day.id}"))

    def test_polling_stops_once_registration_is_over(self, en, make_open_day):
        open_day = make_open_day()
        with freeze_time(open_day.registration_closes_at + timedelta(seconds=1)):
            fragment = en.get(f"/open-days/{open_day.id}/places", headers={"HX-Request": "true"})
        assert not soup(fragment).find(id="places").has_attr("data-hx-get")

    def test_the_page_has_a_status_region_for_the_swaps(self, en, make_open_day):
        page = soup(en.get(f"/open-days/{make_open_day().id}"))
        assert page.find(id="places-status")["role"] == "status"


def test_the_calendar_event_has_the_open_days_uid(client, make_open_day):
    open_day = make_open_day()
    response = client.get(f"/open-days/{open_day.id}.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    events = Calendar.from_ical(response.data).walk("VEVENT")
    assert len(events) == 1
    assert str(events[0]["UID"]).startswith(f"open-day-{open_day.id}@")
    hidden = make_open_day(approve=False)
    assert client.get(f"/open-days/{hidden.id}.ics").status_code == 404


class TestDraw:
    def test_no_draw_page_for_first_come(self, client, make_open_day):
        assert client.get(f"/open-days/{make_open_day().id}/draw").status_code == 404

    def test_the_draw_lists_codes_never_names_then_the_ranking(self, en, make_open_day, make_user):
        open_day = make_open_day(mode=Mode.LOTTERY, capacity=2)
        for number in range(3):
            register(en, open_day, name=f"居民{number}", phone=f"1390013900{number}")
        codes = [r.confirmation_code for r in registrations()]
        assert {r.status for r in registrations()} == {Status.APPLIED}
        before = en.get(f"/open-days/{open_day.id}/draw")
        assert before.status_code == 200
        text = text_of(before)
        assert all(code in text for code in codes)
        assert "居民" not in text and "1390013900" not in text
        assert "python -m core.draw" in text

        open_day.registration_closes_at = utcnow() - timedelta(seconds=1)
        staff = make_user(Role.EDITOR)
        seed = operations.fix_draw_seed(open_day, actor=staff)
        operations.run_draw(open_day, actor=staff)
        db.session.commit()

        after = soup(en.get(f"/open-days/{open_day.id}/draw"))
        assert seed in after.get_text()
        assert f"python -m core.draw {seed} {' '.join(codes)}" in after.find("pre").get_text()
        rows = [
            [cell.get_text(strip=True) for cell in row.find_all("td")]
            for row in after.find("tbody").find_all("tr")
        ]
        assert [row[0] for row in rows] == ["1", "2", "3"]
        assert sorted(row[1] for row in rows) == sorted(codes)
        assert [row[2] for row in rows] == ["Selected", "Selected", "On the waiting list"]
        assert "居民" not in after.get_text()


class TestFeedback:
    def attended(self, en, make_open_day) -> str:
        open_day = make_open_day()
        page = own_page(register(en, open_day))
        registration = registrations()[0]
        registration.status = Status.ATTENDED
        db.session.commit()
        return page

    def test_an_attendee_answers_once(self, en, make_open_day):
        page = self.attended(en, make_open_day)
        assert "short survey" in text_of(en.get(page))
        form = soup(en.get(f"{page}/feedback"))
        assert form.find("fieldset").find("legend") is not None
        assert len(form.find_all("input", {"name": "satisfaction", "type": "radio"})) == 5
        refused = en.post(f"{page}/feedback", data={"good": "讲解清楚"})
        assert refused.status_code == 422
        assert soup(refused).find("textarea", {"name": "good"}).get_text().strip() == "讲解清楚"
        too_long = en.post(f"{page}/feedback", data={"satisfaction": "5", "good": "好" * 2001})
        assert too_long.status_code == 422
        sent = en.post(f"{page}/feedback", data={"satisfaction": "5", "good": "讲解清楚"})
        assert sent.status_code == 303
        assert registrations()[0].feedback.satisfaction == 5
        twice = en.post(f"{page}/feedback", data={"satisfaction": "1"})
        assert "we have your answers" in text_of(twice)
        assert registrations()[0].feedback.satisfaction == 5
        assert "short survey" not in text_of(en.get(page))

    def test_only_attendees_are_asked(self, en, make_open_day):
        page = own_page(register(en, make_open_day()))
        answer = en.get(f"{page}/feedback")
        assert "for those who came on the day" in text_of(answer)
        assert soup(answer).find("input", {"name": "satisfaction"}) is None
        assert en.post(f"{page}/feedback", data={"satisfaction": "5"}).status_code == 409
        assert registrations()[0].feedback is None
