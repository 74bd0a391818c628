"""The directory of people to invite, on the staff pages: the list with its search (htmx
answers with the results alone) in a fixed number of queries, adding and editing a person
(bad input kept and explained; saved unchanged, nothing moves), a person's invitations,
and the retention purge. The CSV import is in `test_people_import`."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from core.accounts.models import Role
from core.audit import AuditEntry
from core.clock import utcnow
from core.private_links import token_hash
from engagement.sitting_in.models import Attendance, Category, InvitationStatus, Person
from engagement.sitting_in.operations.people import purge_people_data, update_person
from extensions import db
from tests.engagement.sitting_in.people_support import (
    PEOPLE,
    audit_actions,
    invite,
    people_count,
    sign_in_an_editor,
    soup,
)
from tests.responses import queries_for


@pytest.fixture
def editor(client, auth, make_user):
    return sign_in_an_editor(client, auth, make_user)


def names_listed(response) -> list[str]:
    return [cell.get_text(" ", strip=True) for cell in soup(response).select("tbody th")]


def edit_form(client, url: str):
    """The person form of the page at `url`."""
    return soup(client.get(url)).find("input", {"name": "name"}).find_parent("form")


def browser_fields(form) -> MultiDict:
    """What a browser sends for a form nobody touched."""
    fields = MultiDict()
    for element in form.find_all(["input", "textarea"]):
        if element.get("type") in ("radio", "checkbox") and not element.has_attr("checked"):
            continue
        if element.name == "textarea":
            fields.add(element["name"], element.text.removeprefix("\n"))
        elif element.get("name"):
            fields.add(element["name"], element.get("value", ""))
    return fields


# The list


class TestList:
    def test_search_finds_people_by_name_organisation_title_community_phone_and_tag(
        self, client, editor, make_person
    ):
        wang = make_person(name="王建国", organisation="区教育局", tags=["教育"])
        li = make_person(
            name="李秀英",
            category=Category.RESIDENT,
            organisation=None,
            title=None,
            community="东湖社区",
            phone="13912345678",
            tags=["养老", "社区"],
        )
        zhao = make_person(name="赵敏", category=Category.EXPERT, title="教授", tags=["养老"])
        assert names_listed(client.get(PEOPLE)) == ["李秀英", "王建国", "赵敏"]

        def found(**query):
            return names_listed(client.get(PEOPLE, query_string=query))

        assert found(q="王建") == [wang.name]
        assert found(q="教育局") == [wang.name]
        assert found(q="教授") == [zhao.name]
        assert found(q="东湖") == [li.name]
        assert found(q="139-1234") == [li.name]
        assert found(q="养老") == [li.name, zhao.name]
        assert found(tag="养老") == [li.name, zhao.name]
        assert found(tag="养老", category="resident") == [li.name]
        assert found(q="养老 教授") == [zhao.name]  # every word must match
        assert found(category="deputy") == [wang.name]
        nothing = client.get(PEOPLE, query_string={"q": "%_", "category": "emperor", "page": "x"})
        assert nothing.status_code == 200 and names_listed(nothing) == []

    def test_the_list_shows_category_organisation_tags_and_contact(
        self, client, editor, make_person
    ):
        make_person(name="王建国", organisation="区教育局", title="副局长", tags=["教育"])
        row = soup(client.get(PEOPLE)).select_one("tbody tr").get_text(" ", strip=True)
        for shown in ("王建国", "People's congress deputy", "区教育局 · 副局长", "教育"):
            assert shown in row
        assert "13800000001" in row and "person1@example.cn" in row

    def test_the_search_is_active_with_htmx_and_answers_with_the_results_alone(
        self, client, editor, make_person
    ):
        make_person(name="王建国")
        page = soup(client.get(PEOPLE))
        search = page.find("input", {"name": "q"})
        assert search["data-hx-get"] == PEOPLE and "delay" in search["data-hx-trigger"]
        assert search["data-hx-target"] == "#people-found"
        assert page.find("form", role="search")["action"] == PEOPLE  # without JavaScript
        answer = client.get(PEOPLE, query_string={"q": "王"}, headers={"HX-Request": "true"})
        assert answer.status_code == 200 and "HX-Request" in answer.headers["Vary"]
        assert "<html" not in answer.get_data(as_text=True)
        assert soup(answer).find(id="people-found") is not None
        assert "1 person found" in answer.get_data(as_text=True)

    def test_pages_of_people_take_the_same_number_of_queries_however_many(
        self, client, editor, make_person
    ):
        for number in range(5):
            make_person(tags=[f"标签{number}"])
        few = queries_for(client, PEOPLE)
        for number in range(55):
            make_person(tags=[f"标签{number}", "城建"])
        assert queries_for(client, PEOPLE) == few
        assert queries_for(client, PEOPLE + "?q=代表&tag=城建&page=2") <= few

    def test_people_whose_data_was_purged_show_that_it_was_deleted(
        self, client, editor, make_person, app
    ):
        person = make_person(category=Category.RESIDENT, updated_at=utcnow() - timedelta(days=99))
        purge_people_data(utcnow())
        db.session.commit()
        row = soup(client.get(PEOPLE)).select_one("tbody tr").get_text(" ", strip=True)
        assert row.startswith("— personal data deleted") and "13800000001" not in row
        page = client.get(f"{PEOPLE}/{person.id}")
        assert page.status_code == 200 and "Personal data deleted on" in page.get_data(as_text=True)


# Adding and editing


VALID = {
    "name": " 王建国 ",
    "category": "deputy",
    "organisation": "区教育局",
    "title": "",
    "community": "",
    "email": "wang@example.cn",
    "phone": "+86 139-1234-5678",
    "tags": "教育、城建，教育; 养老",
    "locale": "zh",
    "notes": "",
}


class TestForm:
    def test_a_person_is_added_with_the_phone_as_11_digits_and_the_tags_split(self, client, editor):
        response = client.post(f"{PEOPLE}/new", data=VALID)
        assert response.status_code == 303
        person = db.session.scalar(select(Person))
        assert response.headers["Location"] == f"{PEOPLE}/{person.id}"
        assert (person.name, person.phone, person.title) == ("王建国", "13912345678", None)
        assert person.tag_list == ["教育", "城建", "养老"]
        assert person.feed_token_hash == token_hash(person.feed_token)
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "person.create"))
        assert entry.after["name"] == "王建国" and entry.after["category"] == "deputy"
        # Contact details stay out of the log, which is kept longer than they are.
        assert "13912345678" not in str(entry.after) and "wang@" not in str(entry.after)

    def test_bad_input_is_explained_by_each_field_and_what_was_typed_stays(self, client, editor):
        typed = VALID | {"name": "  ", "category": "emperor", "email": "wang@", "phone": "12345"}
        response = client.post(f"{PEOPLE}/new", data=typed)
        assert response.status_code == 422
        page = soup(response)
        for field in ("name", "category", "email", "phone"):
            assert page.find(id=f"{field}-error") is not None, field
        assert "mainland mobile number" in page.find(id="phone-error").text
        assert page.find(id="email")["value"] == "wang@"
        assert page.find(id="phone")["value"] == "12345"
        assert page.find(id="tags")["value"] == VALID["tags"]
        assert people_count() == 0

    def test_a_phone_number_already_in_the_directory_is_refused_by_its_field(
        self, client, editor, make_person
    ):
        make_person(name="李四", phone="13912345678")
        response = client.post(f"{PEOPLE}/new", data=VALID)
        assert response.status_code == 422
        assert "李四" in soup(response).find(id="phone-error").text
        assert people_count() == 1

    def test_saving_the_edit_form_unchanged_changes_nothing(self, client, editor, make_person):
        person = make_person(tags=["教育", "城建"], notes="周二下午不便", community=None)
        stamp = person.updated_at
        url = f"{PEOPLE}/{person.id}/edit"
        response = client.post(url, data=browser_fields(edit_form(client, url)))
        assert response.status_code == 303
        db.session.refresh(person)
        assert person.updated_at == stamp and person.tag_list == ["教育", "城建"]
        assert audit_actions() == []

    def test_an_edit_is_logged_with_before_and_after_but_no_contact_details(
        self, client, editor, make_person
    ):
        person = make_person(name="王建国")
        url = f"{PEOPLE}/{person.id}/edit"
        fields = browser_fields(edit_form(client, url))
        fields["title"] = "副局长"
        fields["phone"] = "139 0000 1111"
        assert client.post(url, data=fields).status_code == 303
        db.session.refresh(person)
        assert (person.title, person.phone) == ("副局长", "13900001111")
        assert person.updated_at > person.created_at
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "person.update"))
        assert entry.before["title"] == "区人大代表" and entry.after["title"] == "副局长"
        assert entry.after["phone_changed"] is True and entry.after["email_changed"] is None
        assert "13900001111" not in str(entry.after) + str(entry.before)

    def test_update_person_with_the_same_values_returns_false(self, app, editor, make_person):
        person = make_person(tags=["a"])
        same = {
            "name": person.name,
            "category": person.category,
            "organisation": person.organisation,
            "title": person.title,
            "community": None,
            "email": person.email,
            "phone": person.phone,
            "notes": None,
            "locale": "zh",
        }
        assert update_person(person, actor=editor, tags=["a"], **same) is False


# A person's page


def test_a_persons_page_lists_their_invitations_latest_meeting_first(
    client, editor, make_person, make_meeting
):
    person = make_person(name="王建国")
    earlier = make_meeting(title="第18次常务会议", starts_at=utcnow() - timedelta(days=40))
    later = make_meeting(title="第19次常务会议", starts_at=utcnow() + timedelta(days=5))
    invite(person, earlier, InvitationStatus.ACCEPTED, Attendance.PRESENT)
    invite(person, later, InvitationStatus.DECLINED)
    response = client.get(f"{PEOPLE}/{person.id}")
    assert response.status_code == 200
    rows = soup(response).select("section tbody tr")
    cells = [[td.get_text(" ", strip=True) for td in row.find_all("td")] for row in rows]
    assert [row[0] for row in cells] == ["第19次常务会议", "第18次常务会议"]
    assert cells[0][2:] == ["Declined", "—"] and cells[1][2:] == ["Accepted", "Sat in"]
    link = rows[0].find("a")["href"]
    assert link == f"/admin/meetings/{later.id}"
    assert client.get(f"{PEOPLE}/987654").status_code == 404


# The retention purge


class TestPurge:
    def test_contact_details_go_after_the_period_and_residents_names_too(self, app, make_person):
        old = utcnow() - timedelta(days=31)
        deputy = make_person(notes="秘书：小李", updated_at=old)
        resident = make_person(
            category=Category.RESIDENT, community="东湖社区", title="楼长", updated_at=old
        )
        recent = make_person(updated_at=utcnow() - timedelta(days=29))
        now = utcnow()
        assert purge_people_data(now) == 2
        db.session.commit()
        assert (deputy.name, deputy.organisation, deputy.title) == (
            "代表1",
            "区人大常委会",
            "区人大代表",
        )
        assert (deputy.email, deputy.phone, deputy.notes) == (None, None, None)
        assert (resident.name, resident.organisation, resident.title, resident.phone) == (None,) * 4
        assert resident.community == "东湖社区" and resident.purged_at == now
        assert recent.phone is not None and recent.purged_at is None
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "person.purge"))
        assert entry.after == {"people_purged": 2, "retention_days": 30}
        # Idempotent: nothing more to do, and nothing more in the log.
        assert purge_people_data(utcnow()) == 0
        db.session.commit()
        assert audit_actions() == ["person.purge"]

    def test_the_period_runs_from_the_end_of_the_last_meeting_they_were_invited_to(
        self, app, make_person, make_meeting
    ):
        long_ago = utcnow() - timedelta(days=400)
        person = make_person(updated_at=long_ago)
        invite(person, make_meeting(starts_at=utcnow() - timedelta(days=100)))
        last = make_meeting(starts_at=utcnow() - timedelta(days=20))
        invite(person, last)
        assert purge_people_data(utcnow()) == 0
        # 30 days after that meeting ended (two hours after it started) the data goes.
        assert purge_people_data(last.ends_at + timedelta(days=30, seconds=-1)) == 0
        assert purge_people_data(last.ends_at + timedelta(days=30)) == 1
        db.session.commit()
        assert person.phone is None and person.name == "代表1"

    def test_someone_edited_or_invited_again_after_a_purge_is_purged_again_in_time(
        self, app, make_person, make_meeting, make_user
    ):
        staff = make_user(Role.EDITOR)
        person = make_person(category=Category.RESIDENT, updated_at=utcnow() - timedelta(days=40))
        assert purge_people_data(utcnow()) == 1
        db.session.commit()
        update_person(
            person,
            actor=staff,
            tags=[],
            name="李秀英",
            category=Category.RESIDENT,
            organisation=None,
            title=None,
            community=None,
            email=None,
            phone="13911112222",
            notes=None,
            locale="zh",
        )
        db.session.commit()
        assert purge_people_data(utcnow() + timedelta(days=29)) == 0
        assert purge_people_data(utcnow() + timedelta(days=31)) == 1
        db.session.commit()
        assert person.phone is None and person.name is None
        # Invited again, to a meeting after that purge: kept until 30 days after it ends.
        meeting = make_meeting(starts_at=utcnow() + timedelta(days=40))
        invite(person, meeting)
        assert purge_people_data(meeting.ends_at + timedelta(days=29)) == 0
        assert purge_people_data(meeting.ends_at + timedelta(days=31)) == 1
