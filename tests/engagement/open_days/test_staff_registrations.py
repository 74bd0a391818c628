"""An open day's registrations on the staff pages: the list with its filter, search
(htmx answers with the results alone) and pages, the CSV export with personal data masked
for a role that may not see it, and cancelling a registration for someone."""

from __future__ import annotations

import csv
import io

from flask_babel import force_locale

from core.accounts.models import Role
from engagement.open_days.models import Status
from extensions import db
from tests.engagement.open_days.staff_support import in_english, register, soup

ID_NUMBER = "11010519491231002X"


def codes_listed(response) -> list[str]:
    return [cell.get_text(strip=True) for cell in soup(response).select("tbody tr td.receipt")]


class TestList:
    def test_filter_by_status_and_search_by_name_phone_and_code(
        self, client, auth, make_user, make_open_day
    ):
        open_day = make_open_day(capacity=2)
        people = register(open_day, 3)
        people.append(register(open_day, 1, start=50, name="李四")[0])
        confirmed, _second, waiting, lisi = people
        auth.login(make_user(Role.EDITOR))
        in_english(client)
        url = f"/admin/open-days/{open_day.id}/registrations"

        page = client.get(url)
        assert page.status_code == 200
        assert codes_listed(page) == [p.confirmation_code for p in people]
        counts = soup(page).select_one("ul.status-counts").get_text(" ", strip=True)
        with force_locale("en"):  # every status has its count, even at nought
            assert all(f"{status.label}: " in counts for status in Status)
        assert "Confirmed: 2" in counts and "On the waiting list: 2" in counts

        waiting_only = client.get(url, query_string={"status": "waitlisted"})
        assert codes_listed(waiting_only) == [waiting.confirmation_code, lisi.confirmation_code]
        assert codes_listed(client.get(url, query_string={"q": "李四"})) == [lisi.confirmation_code]
        assert codes_listed(client.get(url, query_string={"q": "138 0000 0050"})) == [
            lisi.confirmation_code
        ]
        # A code as typed at a counter: lower case, without dashes.
        typed = confirmed.confirmation_code.lower().replace("-", "")
        assert codes_listed(client.get(url, query_string={"q": typed})) == [
            confirmed.confirmation_code
        ]
        both = client.get(url, query_string={"q": "张", "status": "waitlisted"})
        assert codes_listed(both) == [waiting.confirmation_code]
        nothing = client.get(url, query_string={"q": "王五", "status": "nonsense"})
        assert nothing.status_code == 200 and codes_listed(nothing) == []

    def test_the_search_is_active_with_htmx_and_answers_with_the_results_alone(
        self, client, auth, make_user, make_open_day
    ):
        open_day = make_open_day()
        people = register(open_day, 3)
        auth.login(make_user(Role.EDITOR))
        url = f"/admin/open-days/{open_day.id}/registrations"
        page = soup(client.get(url))
        search = page.select_one("#registration-search")
        assert search["data-hx-trigger"] == "input changed delay:300ms, search"
        assert search["data-hx-get"] == url
        form = search.find_parent("form")
        assert form["method"] == "get" and form["data-hx-target"] == "#registrations-found"

        fragment = client.get(url, query_string={"q": "张01"}, headers={"HX-Request": "true"})
        text = fragment.get_data(as_text=True)
        assert fragment.status_code == 200 and "<html" not in text and "<form" not in text
        found = soup(fragment)
        assert found.select_one("section#registrations-found") is not None
        assert codes_listed(fragment) == [people[1].confirmation_code]
        assert found.select_one("#found-count[data-hx-swap-oob]") is not None

    def test_fifty_to_a_page(self, client, auth, make_user, make_open_day):
        open_day = make_open_day(capacity=100)
        register(open_day, 53)
        auth.login(make_user(Role.EDITOR))
        url = f"/admin/open-days/{open_day.id}/registrations"
        first = client.get(url)
        assert len(codes_listed(first)) == 50
        following = soup(first).select_one("a[rel=next]")["href"]
        assert len(codes_listed(client.get(following))) == 3

    def test_a_reviewer_sees_registrants_masked(self, client, auth, make_user, make_open_day):
        open_day = make_open_day(id_required=True)
        register(open_day, 1, name="王建国", id_number=ID_NUMBER, email="wang@example.org")
        auth.login(make_user(Role.REVIEWER))
        row = soup(client.get(f"/admin/open-days/{open_day.id}/registrations")).select_one(
            "tbody tr"
        )
        text = row.get_text(" ", strip=True)
        assert "王建国" not in text and "王**" in text
        assert "13800000000" not in text and "138****0000" in text
        assert "wang@example.org" not in text and "w***@example.org" in text
        assert ID_NUMBER not in text and "110***********002X" in text
        assert row.find("a", string="取消") is None and not row.select("td a")


class TestCancelling:
    def test_staff_cancel_after_a_confirmation_and_the_first_waiting_gets_the_place(
        self, client, auth, make_user, make_open_day
    ):
        open_day = make_open_day(capacity=1)
        confirmed, waiting = register(open_day, 2)
        auth.login(make_user(Role.EDITOR))
        url = f"/admin/open-days/{open_day.id}/registrations/{confirmed.id}/cancel"
        listed = soup(client.get(f"/admin/open-days/{open_day.id}/registrations"))
        assert listed.select_one(f'a[href="{url}"]') is not None
        asked = soup(client.get(url))
        assert asked.select_one("form[data-confirms]")["action"] == url
        assert confirmed.confirmation_code in asked.get_text()
        db.session.expire_all()
        assert confirmed.status == Status.CONFIRMED  # asking changes nothing

        assert client.post(url).status_code == 303
        db.session.expire_all()
        assert confirmed.status == Status.CANCELLED
        assert waiting.status == Status.CONFIRMED and open_day.taken == 1
        again = client.post(url)  # already cancelled: refused, nothing moves
        assert again.status_code == 303
        assert (
            client.get(
                f"/admin/open-days/{open_day.id}/registrations/{confirmed.id + 99}/cancel"
            ).status_code
            == 404
        )

    def test_a_registration_of_another_open_day_is_not_found(
        self, client, auth, make_user, make_open_day
    ):
        one, other = make_open_day(), make_open_day()
        theirs = register(other, 1)[0]
        auth.login(make_user(Role.EDITOR))
        url = f"/admin/open-days/{one.id}/registrations/{theirs.id}/cancel"
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404


class TestExport:
    def rows(self, response) -> list[dict[str, str]]:
        text = response.get_data(as_text=True)
        assert text.startswith("\ufeff")
        return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))

    def test_full_for_those_who_run_the_day_masked_for_a_reviewer(
        self, client, auth, make_user, make_open_day
    ):
        open_day = make_open_day(id_required=True, capacity=1)
        register(open_day, 1, name="王建国", id_number=ID_NUMBER, email="wang@example.org")
        register(open_day, 1, start=1, name="=HYPERLINK(1)")
        url = f"/admin/open-days/{open_day.id}/registrations.csv"

        auth.login(make_user(Role.EDITOR))
        response = client.get(url)
        assert response.status_code == 200
        assert response.content_type.startswith("text/csv")
        assert response.data.startswith(b"\xef\xbb\xbf")
        assert "attachment" in response.headers["Content-Disposition"]
        full = self.rows(response)
        assert list(full[0]) == [
            "code", "status", "name", "phone", "email", "id_number", "created", "checked_in", "role"
        ]  # fmt: skip
        assert full[0]["name"] == "王建国" and full[0]["phone"] == "13800000000"
        assert full[0]["email"] == "wang@example.org" and full[0]["id_number"] == ID_NUMBER
        assert [row["status"] for row in full] == ["confirmed", "waitlisted"]
        assert full[1]["name"] == "'=HYPERLINK(1)"  # never a formula in a spreadsheet

        auth.logout()
        auth.login(make_user(Role.REVIEWER))
        masked = self.rows(client.get(url))
        assert masked[0]["name"] == "王**" and masked[0]["phone"] == "138****0000"
        assert masked[0]["email"] == "w***@example.org"
        assert masked[0]["id_number"] == "110***********002X"
        assert masked[0]["code"] == full[0]["code"]
