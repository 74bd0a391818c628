"""The day itself on the staff pages: check-in by the typed code (no JavaScript needed),
no-shows after the start, roles and the seating list of the simulated meeting, and the
feedback summary."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from core.accounts.models import Role
from core.clock import to_office_time, utcnow
from core.outbox import TextMessage
from engagement.open_days import operations
from engagement.open_days.models import Role as MeetingRole
from engagement.open_days.models import Status, VisitFeedback
from extensions import db
from tests.engagement.open_days.staff_support import in_english, register, soup


def at_the_door(make_open_day, count: int = 3, **fields):
    """An open day starting in an hour (doors open), with `count` confirmed registrants."""
    open_day = make_open_day(**fields)
    people = register(open_day, count)
    now = utcnow()
    open_day.registration_closes_at = now - timedelta(minutes=5)
    open_day.starts_at = now + timedelta(hours=1)
    open_day.ends_at = now + timedelta(hours=4)
    db.session.commit()
    return open_day, people


class TestCheckIn:
    def test_typed_codes_first_time_again_refused_and_forgiving(
        self, client, auth, make_user, make_open_day
    ):
        open_day, (first, second, third) = at_the_door(make_open_day)
        other_day, (stranger,) = at_the_door(make_open_day, 1)
        operations.cancel_registration(third)
        db.session.commit()
        auth.login(make_user(Role.EDITOR))
        in_english(client)
        url = f"/admin/open-days/{open_day.id}/check-in"

        page = client.get(url)
        assert page.status_code == 200
        assert "camera=(self)" in page.headers["Permissions-Policy"]
        form = soup(page).select_one("form#check-in-form")
        code = form.select_one("input[name=code]")
        assert code.has_attr("autofocus") and code["inputmode"] == "text"
        assert code["autocomplete"] == "off"
        assert soup(page).select_one("#scan-start").has_attr("hidden")  # until the script
        assert "Attended: 0 of 2 expected." in page.get_data(as_text=True)

        done = client.post(url, data={"code": first.confirmation_code})
        assert done.status_code == 200
        result = soup(done).select_one("#check-in-result")
        assert "Checked in now" in result.get_text()
        assert first.name in result.get_text()  # in full: this is staff
        assert soup(done).select_one("input[name=code]").get("value", "") == ""  # next person
        assert "Attended: 1 of 2 expected." in done.get_data(as_text=True)
        db.session.expire_all()
        assert first.status == Status.ATTENDED and first.checked_in_at is not None

        again = client.post(url, data={"code": first.confirmation_code})
        at = to_office_time(first.checked_in_at).strftime("%H:%M")
        assert (
            f"Already checked in at {at}" in soup(again).select_one("#check-in-result").get_text()
        )

        # Lower case, without dashes, with spaces around: still the code.
        forgiving = "  " + second.confirmation_code.lower().replace("-", "") + " "
        assert "Checked in now" in client.post(url, data={"code": forgiving}).get_data(as_text=True)

        refused = client.post(url, data={"code": third.confirmation_code})
        assert refused.status_code == 422
        message = soup(refused).select_one("#code-error").get_text()
        assert "Not admitted" in message and "Cancelled" in message
        assert soup(refused).select_one("input[name=code]")["value"] == third.confirmation_code
        assert soup(refused).select_one("#check-in-result") is None

        elsewhere = client.post(url, data={"code": stranger.confirmation_code})
        assert elsewhere.status_code == 422
        assert (
            "No registration for this open day"
            in soup(elsewhere).select_one("#code-error").get_text()
        )
        assert client.post(url, data={"code": ""}).status_code == 422
        db.session.expire_all()
        assert stranger.status == Status.CONFIRMED and third.status == Status.CANCELLED

    def test_before_the_doors_open_the_code_is_refused(
        self, client, auth, make_user, make_open_day
    ):
        open_day = make_open_day()  # in ten days
        person = register(open_day, 1)[0]
        auth.login(make_user(Role.EDITOR))
        in_english(client)
        url = f"/admin/open-days/{open_day.id}/check-in"
        assert "Check-in opens at" in client.get(url).get_data(as_text=True)
        refused = client.post(url, data={"code": person.confirmation_code})
        assert refused.status_code == 422
        db.session.expire_all()
        assert person.status == Status.CONFIRMED

    def test_the_scanner_script_and_the_vendored_decoder_are_served(
        self, client, auth, make_user, make_open_day
    ):
        open_day, _people = at_the_door(make_open_day, 1)
        auth.login(make_user(Role.EDITOR))
        page = soup(client.get(f"/admin/open-days/{open_day.id}/check-in"))
        sources = [script["src"].split("?")[0] for script in page.select("script[src]")]
        assert "/static/vendor/jsqr/jsQR.js" in sources and "/static/js/check-in.js" in sources
        assert not page.select("script:not([src])")  # nothing inline (CSP)
        for source in ("/static/vendor/jsqr/jsQR.js", "/static/js/check-in.js"):
            assert client.get(source).status_code == 200


class TestNoShows:
    def test_after_the_start_everyone_not_checked_in_is_a_no_show(
        self, client, auth, make_user, make_open_day
    ):
        open_day, (came, absent, also_absent) = at_the_door(make_open_day)
        auth.login(make_user(Role.EDITOR))
        in_english(client)
        client.post(
            f"/admin/open-days/{open_day.id}/check-in", data={"code": came.confirmation_code}
        )
        assert client.post(f"/admin/open-days/{open_day.id}/no-shows").status_code == 303
        db.session.expire_all()
        assert absent.status == Status.CONFIRMED  # refused before the start

        open_day.starts_at = utcnow() - timedelta(minutes=30)
        db.session.commit()
        page = soup(client.get(f"/admin/open-days/{open_day.id}"))
        button = page.select_one(f'form[action="/admin/open-days/{open_day.id}/no-shows"] button')
        assert "Mark the 2 people not checked in as no-shows" in button.get_text()
        assert client.post(f"/admin/open-days/{open_day.id}/no-shows").status_code == 303
        db.session.expire_all()
        assert [came.status, absent.status, also_absent.status] == [
            Status.ATTENDED,
            Status.NO_SHOW,
            Status.NO_SHOW,
        ]


class TestSimulatedMeeting:
    def test_roles_are_assigned_and_the_seating_list_puts_them_first(
        self, client, auth, make_user, make_open_day
    ):
        open_day = make_open_day(capacity=4)
        people = register(open_day, 5)  # the fifth waits: no role for them
        auth.login(make_user(Role.EDITOR))
        in_english(client)
        url = f"/admin/open-days/{open_day.id}/roles"
        page = soup(client.get(url))
        selects = page.select("main form select")
        assert [s["name"] for s in selects] == [f"role_{p.id}" for p in people[:4]]
        assert [o["value"] for o in selects[0].select("option")] == [""] + [
            role.value for role in MeetingRole
        ]
        sent = {
            f"role_{people[0].id}": "recorder",
            f"role_{people[1].id}": "district_head",
            f"role_{people[2].id}": "",
            f"role_{people[3].id}": "deputy_head",
        }
        assert client.post(url, data=sent).status_code == 303
        db.session.expire_all()
        assert [p.role for p in people] == [
            MeetingRole.RECORDER,
            MeetingRole.DISTRICT_HEAD,
            None,
            MeetingRole.DEPUTY_HEAD,
            None,
        ]
        bad = client.post(url, data=sent | {f"role_{people[2].id}": "emperor"})
        assert bad.status_code == 422

        seating = soup(client.get(f"/admin/open-days/{open_day.id}/seating"))
        names = [
            row.select("td")[2].get_text(strip=True)
            for row in seating.select("table.seating tbody tr")
        ]
        assert names == [people[1].name, people[3].name, people[0].name, people[2].name]
        cards = seating.select(".role-card")
        assert len(cards) == 4
        assert cards[0].select_one(".role-card-name").get_text(strip=True) == people[1].name
        assert "District head" in cards[0].select_one(".role-card-role").get_text()

    def test_an_open_day_without_a_simulated_meeting_has_no_roles(
        self, client, auth, make_user, make_open_day
    ):
        open_day = make_open_day(simulated_meeting=False)
        register(open_day, 1)
        auth.login(make_user(Role.EDITOR))
        page = soup(client.get(f"/admin/open-days/{open_day.id}/roles"))
        assert page.select_one("main form[method=post]") is None


class TestFeedback:
    def test_the_summary_counts_what_attendees_answered(
        self, client, auth, make_user, make_open_day
    ):
        open_day, people = at_the_door(make_open_day, 5)
        for person in people:
            operations.check_in(open_day, person.confirmation_code, actor=person.open_day.author)
        db.session.commit()
        open_day.starts_at = utcnow() - timedelta(hours=1)
        db.session.commit()
        for person, score, good in zip(
            people[:4], (5, 5, 4, 2), ("讲解清楚", None, "很有收获", None), strict=True
        ):
            operations.submit_feedback(person, satisfaction=score, good=good, suggestions=None)
        db.session.commit()
        auth.login(make_user(Role.EDITOR))
        in_english(client)
        url = f"/admin/open-days/{open_day.id}/feedback"
        page = soup(client.get(url))
        rows = db.session.scalars(select(VisitFeedback)).all()
        assert page.select_one("#feedback-answers").get_text() == str(len(rows)) == "4"
        average = sum(row.satisfaction for row in rows) / len(rows)
        assert page.select_one("#feedback-average").get_text().startswith(f"{average:.1f}")
        spread = {
            int(row.th.get_text()): int(row.td.get_text())
            for row in page.select("table.spread tbody tr")
        }
        assert spread == {
            score: sum(1 for row in rows if row.satisfaction == score) for score in range(1, 6)
        }
        words = page.select_one(".feedback-words").get_text()
        assert "讲解清楚" in words and "很有收获" in words

        assert client.post(f"{url}/invite").status_code == 303
        invited = db.session.scalar(
            select(func.count(TextMessage.id)).where(TextMessage.kind == "open_day_feedback")
        )
        assert invited == 5
        assert "0 attendees have not been asked yet" in client.get(url).get_data(as_text=True)
