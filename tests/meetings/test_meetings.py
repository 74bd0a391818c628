"""Meetings and agendas: lifecycle, public changes through review, what residents see."""

from __future__ import annotations

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup

from core import review
from core.accounts.models import Role
from core.audit import AuditEntry
from core.clock import utcnow
from core.review import ReviewState
from core.rules import RuleBroken
from extensions import db
from meetings import operations
from meetings.models import (
    AgendaItem,
    Body,
    ChangeKind,
    LiveUpdate,
    Meeting,
    MeetingChange,
    MeetingStatus,
    Visibility,
)
from tests.responses import text_of


def hours(n: float) -> timedelta:
    return timedelta(hours=n)


class TestLifecycle:
    def test_draft_is_not_announced_until_approved(self, make_meeting, reviewer):
        meeting = make_meeting()
        assert meeting.status == MeetingStatus.DRAFT
        review.submit_for_review(meeting, actor=meeting.author)
        assert meeting.status == MeetingStatus.DRAFT
        review.approve(meeting, actor=reviewer)
        assert meeting.status == MeetingStatus.ANNOUNCED
        assert meeting.revision == 1
        assert all(item.published_at for item in meeting.agenda)

    def test_meeting_without_agenda_cannot_be_submitted(self, make_meeting):
        meeting = make_meeting(agenda=[])
        with pytest.raises(RuleBroken, match="议题"):
            review.submit_for_review(meeting, actor=meeting.author)
        assert meeting.review_state == ReviewState.DRAFT

    def test_status_follows_the_clock(self, make_meeting, announce):
        now = utcnow()
        meeting = announce(make_meeting(starts_at=now + hours(1)))
        assert meeting.status_at(now) == MeetingStatus.ANNOUNCED
        assert meeting.status_at(now + hours(1)) == MeetingStatus.LIVE
        assert meeting.status_at(meeting.ends_at) == MeetingStatus.HELD

    def test_publishing_every_public_decision_concludes_the_meeting(
        self, make_meeting, announce, publish_decision
    ):
        meeting = announce(
            make_meeting(
                starts_at=utcnow() - hours(3),
                agenda=[
                    AgendaItem(position=1, title="议题一"),
                    AgendaItem(position=2, title="议题二"),
                    AgendaItem(
                        position=3,
                        title="涉密议题",
                        visibility=Visibility.WITHHELD,
                        withheld_basis="依法不予公开",
                    ),
                ],
            )
        )
        assert meeting.status == MeetingStatus.HELD
        publish_decision(meeting.agenda[0])
        assert meeting.status == MeetingStatus.HELD  # one public item still waits
        publish_decision(meeting.agenda[1])
        assert meeting.status == MeetingStatus.CONCLUDED  # the withheld item has none
        assert meeting.revision == 2

    def test_staff_cannot_conclude_by_hand_while_a_decision_is_missing(
        self, make_meeting, announce, approve_change
    ):
        meeting = announce(make_meeting(starts_at=utcnow() - hours(3)))
        with pytest.raises(RuleBroken, match="决定|decision"):
            approve_change(meeting, ChangeKind.CONCLUDE)
        assert meeting.status == MeetingStatus.HELD

    def test_a_meeting_whose_items_are_all_withheld_is_concluded_by_hand(
        self, make_meeting, announce, approve_change
    ):
        withheld = AgendaItem(
            position=1, title="涉密议题", visibility=Visibility.WITHHELD, withheld_basis="依法"
        )
        meeting = announce(make_meeting(starts_at=utcnow() - hours(3), agenda=[withheld]))
        approve_change(meeting, ChangeKind.CONCLUDE)
        assert meeting.status == MeetingStatus.CONCLUDED

    def test_cannot_conclude_before_it_starts(self, make_meeting, announce):
        meeting = announce(make_meeting())
        with pytest.raises(RuleBroken):
            operations.propose_change(meeting, ChangeKind.CONCLUDE, actor=meeting.author)

    def test_postpone_keeps_identity_and_bumps_revision(
        self, make_meeting, announce, approve_change
    ):
        meeting = announce(make_meeting())
        first_start = meeting.starts_at
        new_start = first_start + timedelta(days=7)
        approve_change(
            meeting,
            ChangeKind.POSTPONE,
            reason="因故延期",
            new_starts_at=new_start,
            new_ends_at=new_start + hours(2),
        )
        assert meeting.status == MeetingStatus.POSTPONED
        assert meeting.starts_at == new_start and meeting.original_starts_at == first_start
        assert meeting.revision == 2

    def test_cancel_needs_a_reason_and_stays_listed(
        self, client, make_meeting, announce, approve_change
    ):
        meeting = announce(make_meeting(title="将被取消的会议"))
        with pytest.raises(RuleBroken):
            operations.propose_change(meeting, ChangeKind.CANCEL, actor=meeting.author, reason=" ")
        approve_change(meeting, ChangeKind.CANCEL, reason="议题需进一步论证")
        assert meeting.status == MeetingStatus.CANCELLED
        listing = text_of(client.get("/meetings/"))
        assert "将被取消的会议" in listing and "已取消" in listing
        page = text_of(client.get(f"/meetings/{meeting.id}"))
        assert "本次会议已取消" in page and "议题需进一步论证" in page

    def test_postponed_page_shows_old_and_new_time_and_reason(
        self, client, make_meeting, announce, approve_change
    ):
        meeting = announce(make_meeting())
        new_start = meeting.starts_at + timedelta(days=7)
        approve_change(
            meeting,
            ChangeKind.POSTPONE,
            reason="与区人大会议时间冲突",
            new_starts_at=new_start,
            new_ends_at=new_start + hours(2),
        )
        page = text_of(client.get(f"/meetings/{meeting.id}"))
        assert "本次会议已延期" in page and "与区人大会议时间冲突" in page
        assert "公布后的变更" in page
        assert "已延期" in text_of(client.get("/meetings/?status=postponed"))

    def test_concluded_meeting_cannot_change_any_more(
        self, make_meeting, announce, publish_decisions
    ):
        meeting = publish_decisions(announce(make_meeting(starts_at=utcnow() - hours(3))))
        with pytest.raises(RuleBroken):
            operations.add_agenda_item(meeting, title="补充议题", actor=meeting.author)
        with pytest.raises(RuleBroken):
            operations.propose_change(meeting, ChangeKind.CANCEL, actor=meeting.author, reason="x")


class TestStaffPages:
    def test_end_before_start_is_refused_next_to_the_field(
        self, client, auth, make_user, make_body
    ):
        body = make_body()
        auth.login(make_user(Role.EDITOR))
        response = client.post(
            "/admin/meetings/new",
            data={
                "body_id": body.id,
                "title": "时间填错的会议",
                "starts_at": "2026-12-20T11:00",
                "ends_at": "2026-12-20T09:00",
                "sit_in_places": "0",
            },
        )
        assert response.status_code == 422
        page = BeautifulSoup(response.data, "html.parser")
        assert "结束时间必须晚于开始时间" in page.find(id="ends_at-error").get_text()
        assert page.find("input", {"name": "title"})["value"] == "时间填错的会议"
        assert db.session.scalar(db.select(db.func.count(Meeting.id))) == 0

    def test_nonsense_input_gets_messages_not_errors(self, client, auth, make_user, make_body):
        make_body()
        auth.login(make_user(Role.EDITOR))
        response = client.post(
            "/admin/meetings/new",
            data={
                "body_id": "abc",
                "title": "",
                "starts_at": "yesterday",
                "ends_at": "2026-99-99",
                "session_number": "-3",
                "livestream_url": "javascript:alert(1)",
                "sit_in_places": "many",
            },
        )
        assert response.status_code == 422
        page = BeautifulSoup(response.data, "html.parser")
        for field in ("title", "starts_at", "ends_at", "livestream_url"):
            assert page.find(id=f"{field}-error") is not None, field

    def test_concluded_meeting_refuses_new_items_and_keeps_what_was_typed(
        self, client, auth, make_meeting, announce, publish_decisions
    ):
        meeting = publish_decisions(announce(make_meeting(starts_at=utcnow() - hours(3))))
        auth.login(meeting.author)
        response = client.post(
            f"/admin/meetings/{meeting.id}/items/new",
            data={"title": "会后补充的议题", "summary": "很长的说明", "visibility": "public"},
        )
        assert response.status_code == 422
        page = BeautifulSoup(response.data, "html.parser")
        assert "会议已结束，议程不能再修改" in page.find(id="error-summary").get_text()
        assert page.find("input", {"name": "title"})["value"] == "会后补充的议题"
        assert page.find("textarea", {"name": "summary"}).get_text().strip() == "很长的说明"

    def test_move_items_without_javascript_and_with_htmx(self, client, auth, make_meeting):
        meeting = make_meeting()
        second = operations.add_agenda_item(meeting, title="第二项", actor=meeting.author)
        db.session.commit()
        auth.login(meeting.author)
        response = client.post(f"/admin/items/{second.id}/move", data={"direction": "up"})
        assert response.status_code == 303
        db.session.expire_all()
        assert [item.title for item in meeting.current_agenda][0] == "第二项"
        fragment = client.post(
            f"/admin/items/{second.id}/move",
            data={"direction": "down"},
            headers={"HX-Request": "true"},
        )
        html = BeautifulSoup(fragment.data, "html.parser")
        assert html.find("html") is None
        titles = [h3.get_text(strip=True) for h3 in html.select("#agenda-list h3")]
        assert titles == ["关于老旧小区综合整治的议题", "第二项"]
        assert html.find("button", autofocus=True)["id"] == f"up-{second.id}"

    def test_proposed_item_goes_away_with_its_proposal(self, client, auth, make_meeting, announce):
        meeting = announce(make_meeting())
        auth.login(meeting.author)
        client.post(
            f"/admin/meetings/{meeting.id}/items/new",
            data={"title": "提议的议题", "visibility": "public"},
        )
        item = db.session.scalar(db.select(AgendaItem).where(AgendaItem.title == "提议的议题"))
        assert item.published_at is None
        item_id = item.id
        refused = client.post(f"/admin/items/{item.id}/delete", follow_redirects=True)
        assert "该议题尚在提议中，请撤回该提议" in text_of(refused)
        change = db.session.scalar(db.select(MeetingChange))
        assert client.post(f"/admin/changes/{change.id}/withdraw").status_code == 303
        db.session.expire_all()
        assert db.session.get(AgendaItem, item_id) is None
        assert db.session.scalar(db.select(db.func.count(MeetingChange.id))) == 0

    def test_withheld_item_needs_its_legal_basis(self, client, auth, make_meeting):
        meeting = make_meeting()
        auth.login(meeting.author)
        response = client.post(
            f"/admin/meetings/{meeting.id}/items/new",
            data={"title": "涉密议题", "visibility": "withheld", "withheld_basis": ""},
        )
        assert response.status_code == 422
        assert BeautifulSoup(response.data, "html.parser").find(id="withheld_basis-error")

    def test_proposal_form_for_announced_meeting(self, client, auth, make_meeting, announce):
        meeting = announce(make_meeting())
        auth.login(meeting.author)
        response = client.post(
            f"/admin/meetings/{meeting.id}/propose/postpone",
            data={
                "new_starts_at": "2020-01-01T09:00",
                "new_ends_at": "2020-01-01T10:00",
                "reason": "x",
            },
        )
        assert response.status_code == 422  # a postponement into the past
        assert "新的时间必须晚于现在" in text_of(response)
        response = client.post(f"/admin/meetings/{meeting.id}/propose/nonsense")
        assert response.status_code == 404

    def test_reviewer_reads_the_staff_meeting_page_but_cannot_edit(
        self, client, auth, make_meeting, reviewer
    ):
        meeting = make_meeting(title="待审核的会议")
        review.submit_for_review(meeting, actor=meeting.author)
        db.session.commit()
        auth.login(reviewer)
        page = client.get(f"/admin/meetings/{meeting.id}")
        assert page.status_code == 200
        html = BeautifulSoup(page.data, "html.parser")
        assert html.find("input", {"name": "title"}) is None  # no edit form
        assert html.find("button", string="审核通过并公开") is not None
        response = client.post(f"/admin/meetings/{meeting.id}", data={"title": "审核员改的"})
        assert response.status_code == 403
        queue = text_of(client.get("/admin/review/"))
        assert "待审核的会议" in queue and "1 项议题" in queue


class TestNothingUnreviewedLeaks:
    def test_proposed_item_and_title_are_not_public_until_approved(
        self, client, make_meeting, announce, approve_change
    ):
        meeting = announce(make_meeting())
        item = operations.add_agenda_item(meeting, title="悄悄加的议题", actor=meeting.author)
        operations.propose_change(
            meeting, ChangeKind.ADD_ITEM, agenda_item=item, actor=meeting.author
        )
        public_item = meeting.agenda[0]
        operations.propose_change(
            meeting,
            ChangeKind.RETITLE_ITEM,
            agenda_item=public_item,
            new_title="尚未审核的新名称",
            actor=meeting.author,
        )
        db.session.commit()
        for url in (f"/meetings/{meeting.id}", f"/api/v1/meetings/{meeting.id}", "/meetings/", "/"):
            body = client.get(url).get_data(as_text=True)
            assert "悄悄加的议题" not in body and "尚未审核的新名称" not in body, url

        approve_change(
            meeting, ChangeKind.RETITLE_ITEM, agenda_item=public_item, new_title="审核后的新名称"
        )
        page = text_of(client.get(f"/meetings/{meeting.id}"))
        assert "审核后的新名称" in page and "议题名称变更" in page

    def test_draft_meeting_is_absent_from_pages_fragments_api_and_files(self, client, make_meeting):
        meeting = make_meeting(title="草稿会议")
        for url in (
            f"/meetings/{meeting.id}",
            f"/meetings/{meeting.id}/live",
            f"/api/v1/meetings/{meeting.id}",
        ):
            assert client.get(url).status_code == 404, url
        assert "草稿会议" not in client.get("/api/v1/meetings").get_data(as_text=True)
        assert "草稿会议" not in client.get("/meetings/?status=draft").get_data(as_text=True)

    def test_withheld_item_shows_only_that_it_exists_and_why(self, client, make_meeting, announce):
        meeting = make_meeting(
            agenda=[
                AgendaItem(position=1, title="公开议题"),
                AgendaItem(
                    position=2,
                    title="某涉密工程",
                    summary="涉密摘要",
                    visibility=Visibility.WITHHELD,
                    withheld_basis="《政府信息公开条例》第十四条",
                ),
            ]
        )
        announce(meeting)
        for url in (f"/meetings/{meeting.id}", f"/api/v1/meetings/{meeting.id}"):
            body = client.get(url).get_data(as_text=True)
            assert "某涉密工程" not in body and "涉密摘要" not in body, url
            assert "第十四条" in body, url
        assert "本议题不予公开" in text_of(client.get(f"/meetings/{meeting.id}"))


class TestLiveUpdates:
    def test_post_correct_withdraw(self, client, make_meeting, announce):
        meeting = announce(make_meeting(starts_at=utcnow() - hours(1)))
        update = operations.post_live_update(
            meeting, text="会议开始", agenda_item=None, image=None, actor=meeting.author
        )
        db.session.commit()
        assert "会议开始" in text_of(client.get(f"/meetings/{meeting.id}"))
        operations.correct_live_update(update, "会议开始，区长主持", actor=meeting.author)
        db.session.commit()
        page = text_of(client.get(f"/meetings/{meeting.id}"))
        assert "会议开始，区长主持" in page and "已编辑" in page
        operations.withdraw_live_update(update, actor=meeting.author)
        db.session.commit()
        assert "区长主持" not in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
        kept = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "live.withdraw"))
        assert kept.before["text"] == "会议开始，区长主持"

    def test_fragment_answers_304_when_nothing_changed(self, client, make_meeting, announce):
        meeting = announce(make_meeting(starts_at=utcnow() - hours(1)))
        first = client.get(f"/meetings/{meeting.id}/live", headers={"HX-Request": "true"})
        assert first.status_code == 200
        etag = first.headers["ETag"].strip('"')
        fragment = BeautifulSoup(first.data, "html.parser").find(id="live-updates")
        assert fragment["data-hx-trigger"] == "every 5s"
        again = client.get(fragment["data-hx-get"], headers={"HX-Request": "true"})
        assert again.status_code == 304 and again.data == b""
        revalidated = client.get(  # the same variant (Vary: HX-Request), with its validator
            f"/meetings/{meeting.id}/live",
            headers={"If-None-Match": f'"{etag}"', "HX-Request": "true"},
        )
        assert revalidated.status_code == 304
        operations.post_live_update(
            meeting, text="新消息", agenda_item=None, image=None, actor=meeting.author
        )
        db.session.commit()
        changed = client.get(fragment["data-hx-get"], headers={"HX-Request": "true"})
        assert changed.status_code == 200 and "新消息" in changed.get_data(as_text=True)

    def test_no_polling_once_the_meeting_is_over(self, client, make_meeting, announce):
        meeting = announce(make_meeting(starts_at=utcnow() - hours(5)))
        page = BeautifulSoup(client.get(f"/meetings/{meeting.id}").data, "html.parser")
        assert not page.find(id="live-updates").has_attr("data-hx-trigger")

    def test_live_update_on_a_cancelled_meeting_is_refused(
        self, make_meeting, announce, approve_change
    ):
        meeting = announce(make_meeting())
        approve_change(meeting, ChangeKind.CANCEL, reason="取消")
        with pytest.raises(RuleBroken):
            operations.post_live_update(
                meeting, text="x", agenda_item=None, image=None, actor=meeting.author
            )
        assert db.session.scalar(db.select(db.func.count(LiveUpdate.id))) == 0


class TestFilters:
    def test_filters_by_body_level_year_and_status(self, client, make_meeting, make_body, announce):
        street = make_body(name="什刹海街道办事处主任办公会", level="street", slug="shichahai")
        announce(make_meeting(title="区级会议"))
        announce(make_meeting(title="街道会议", body=street))
        assert "街道会议" in text_of(client.get("/meetings/?body=shichahai"))
        assert "区级会议" not in text_of(client.get("/meetings/?body=shichahai"))
        assert "区级会议" not in text_of(client.get("/meetings/?level=street"))
        year = utcnow().year + (1 if utcnow().month == 12 and utcnow().day > 20 else 0)
        assert "区级会议" in text_of(client.get(f"/meetings/?year={year}"))
        assert "区级会议" not in text_of(client.get("/meetings/?year=1999"))
        assert "区级会议" in text_of(client.get("/meetings/?status=announced"))
        assert "区级会议" not in text_of(client.get("/meetings/?status=cancelled"))
        assert client.get("/meetings/?status=nonsense&year=abc&page=999").status_code == 200

    def test_htmx_filter_returns_only_the_results(self, client, make_meeting, announce):
        announce(make_meeting())
        response = client.get("/meetings/?level=district", headers={"HX-Request": "true"})
        html = BeautifulSoup(response.data, "html.parser")
        assert html.find("html") is None and html.find(id="results") is not None


def test_list_shows_live_and_upcoming_first_then_past(client, make_meeting, announce):
    now = utcnow()
    past = announce(make_meeting(title="上月的会议", starts_at=now - timedelta(days=30)))
    later = announce(make_meeting(title="下月的会议", starts_at=now + timedelta(days=30)))
    soon = announce(make_meeting(title="明天的会议", starts_at=now + timedelta(days=1)))
    live = announce(make_meeting(title="正在开的会议", starts_at=now - hours(1)))
    html = BeautifulSoup(client.get("/meetings/").data, "html.parser")
    titles = [h2.get_text(strip=True) for h2 in html.select("#results h2")]
    assert titles == [m.title for m in (live, soon, later, past)]
    api_titles = [m["title"] for m in client.get("/api/v1/meetings").json["items"]]
    assert api_titles == titles


class TestBodies:
    def test_admin_adds_and_edits_a_body(self, client, auth, make_user):
        auth.login(make_user(Role.ADMIN))
        data = {
            "name": "德胜街道办事处主任办公会",
            "level": "street",
            "slug": "desheng",
            "default_venue": "",
        }
        assert client.post("/admin/bodies/new", data=data).status_code == 303
        body = db.session.scalar(db.select(Body).where(Body.slug == "desheng"))
        assert body.level.value == "street"
        response = client.post(
            f"/admin/bodies/{body.id}", data={**data, "default_venue": "德胜街道会议室"}
        )
        assert response.status_code == 303
        db.session.refresh(body)
        assert body.default_venue == "德胜街道会议室"

    def test_duplicate_or_bad_address_name_is_refused(self, client, auth, make_user, make_body):
        make_body(slug="taken")
        auth.login(make_user(Role.ADMIN))
        for slug, message in (("taken", "已被使用"), ("Not OK!", "只能使用小写字母")):
            response = client.post(
                "/admin/bodies/new", data={"name": "某主体", "level": "department", "slug": slug}
            )
            assert response.status_code == 422
            page = BeautifulSoup(response.data, "html.parser")
            assert message in page.find(id="slug-error").get_text()
            assert page.find("input", {"name": "name"})["value"] == "某主体"


class TestDeletingAnItemAsksFirst:
    def test_the_delete_button_leads_to_a_question_and_deletes_nothing(
        self, client, auth, make_meeting
    ):
        meeting = make_meeting()
        item_id, title = meeting.agenda[0].id, meeting.agenda[0].title
        auth.login(meeting.author)
        staff_page = BeautifulSoup(client.get(f"/admin/meetings/{meeting.id}").data, "html.parser")
        link = staff_page.find("a", href=f"/admin/items/{item_id}/delete")
        assert link is not None and not staff_page.find(
            "form", action=f"/admin/items/{item_id}/delete"
        )
        question = client.get(link["href"])
        assert question.status_code == 200 and title in text_of(question)
        assert db.session.get(AgendaItem, item_id) is not None

        assert client.post(link["href"]).status_code == 303
        db.session.expire_all()
        assert db.session.get(AgendaItem, item_id) is None


def test_years_of_the_filter_are_office_years(make_meeting, announce):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from meetings.queries import years_with_meetings

    shanghai = ZoneInfo("Asia/Shanghai")
    for moment in (
        datetime(2026, 1, 1, 0, 30, tzinfo=shanghai),
        datetime(2023, 7, 1, tzinfo=shanghai),
    ):
        announce(make_meeting(starts_at=moment))
    # 00:30 on 1 January in the office is still 2025 in UTC; 2024 and 2025 had no meeting
    assert years_with_meetings() == [2026, 2023]


@pytest.mark.parametrize("per_page", [1, 3, 7])
def test_every_page_of_the_list_follows_its_order(make_meeting, announce, per_page):
    from meetings.queries import meeting_filters, public_meetings_page

    now = utcnow()
    for days in (-30, -2, -1, 0, 1, 3, 9, -400):
        start = now + timedelta(days=days, hours=-1 if days == 0 else 0)  # one is live now
        announce(make_meeting(starts_at=start))
    make_meeting(starts_at=now + timedelta(days=5))  # a draft, never listed
    everything = db.session.scalars(Meeting.public()).all()
    upcoming = sorted(
        (m for m in everything if m.ends_at >= now), key=lambda m: (m.starts_at, m.id)
    )
    past = sorted((m for m in everything if m.ends_at < now), key=lambda m: (m.starts_at, m.id))
    expected = [m.id for m in upcoming] + [m.id for m in reversed(past)]
    with app_request_context():
        filters = meeting_filters()
        first = public_meetings_page(filters, now, page=1, per_page=per_page)
        seen = [
            m.id
            for number in range(1, first.pages + 2)  # one page past the end is empty
            for m in public_meetings_page(filters, now, page=number, per_page=per_page).items
        ]
    assert seen == expected and first.total == len(expected)


def app_request_context():
    from flask import current_app

    return current_app.test_request_context("/meetings/")
