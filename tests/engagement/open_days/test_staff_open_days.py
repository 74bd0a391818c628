"""Preparing an open day through its staff pages, review, postponing and cancelling it at
once (registrants told by text), and the lottery run from the staff page."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from core.accounts.models import Role
from core.audit import AuditEntry
from core.clock import to_office_time, utcnow
from core.draw import draw
from core.outbox import TextMessage
from engagement.open_days.models import Mode, OpenDay, Status
from extensions import db
from tests.engagement.open_days.staff_support import in_english, register, soup
from tests.test_edit_forms import browser_fields

TYPED = "%Y-%m-%dT%H:%M"


def typed(moment) -> str:
    return to_office_time(moment).strftime(TYPED)


def new_open_day_form(**overrides: str) -> dict[str, str]:
    now = utcnow().replace(second=0, microsecond=0)
    return {
        "title": "政府开放日：走进应急指挥中心",
        "description": "参观**应急值守平台**。",
        "starts_at": typed(now + timedelta(days=20)),
        "ends_at": typed(now + timedelta(days=20, hours=3)),
        "meeting_point": "区政府北门",
        "itinerary": "区长办公室\n\n  常务会会场  \n应急值守平台\n",
        "capacity": "30",
        "registration_opens_at": typed(now + timedelta(days=1)),
        "registration_closes_at": typed(now + timedelta(days=15)),
        "mode": "first_come",
        "eligibility": "本区居民",
        "id_required": "y",
        "accessibility": "全程无障碍通道。",
        "simulated_meeting": "y",
    } | overrides


def audit_count(action: str) -> int:
    return db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == action))


class TestPreparing:
    def test_create_edit_unchanged_submit_approve_public(self, client, auth, make_user):
        editor, reviewer = make_user(Role.EDITOR), make_user(Role.REVIEWER)
        auth.login(editor)
        created = client.post("/admin/open-days/new", data=new_open_day_form())
        assert created.status_code == 303
        open_day = db.session.scalar(select(OpenDay))
        assert created.headers["Location"] == f"/admin/open-days/{open_day.id}"
        assert [stop.name for stop in open_day.stops] == [
            "区长办公室",
            "常务会会场",
            "应急值守平台",
        ]
        assert open_day.mode == Mode.FIRST_COME and open_day.id_required
        assert open_day.simulated_meeting and open_day.capacity == 30

        # Saving the edit form as the browser shows it changes nothing.
        page = soup(client.get(f"/admin/open-days/{open_day.id}/edit"))
        form = page.select_one("main form[method=post]")
        assert form.select_one("textarea[name=itinerary]").text.strip().splitlines() == [
            "区长办公室",
            "常务会会场",
            "应急值守平台",
        ]
        before = {c.name: getattr(open_day, c.name) for c in OpenDay.__table__.columns}
        saved = client.post(
            f"/admin/open-days/{open_day.id}/edit", data=MultiDict(browser_fields(form))
        )
        assert saved.status_code == 303
        db.session.expire_all()
        after = {c.name: getattr(open_day, c.name) for c in OpenDay.__table__.columns}
        assert after == before
        assert audit_count("open_day.update") == 0

        # An edit that changes something is recorded.
        edited = client.post(
            f"/admin/open-days/{open_day.id}/edit",
            data=new_open_day_form(capacity="40", itinerary="区长办公室\n常务会会场"),
        )
        assert edited.status_code == 303
        db.session.expire_all()
        assert open_day.capacity == 40 and len(open_day.stops) == 2
        assert audit_count("open_day.update") == 1

        staff_page = soup(client.get(f"/admin/open-days/{open_day.id}"))
        assert staff_page.select_one(f"#{open_day.preview_id}") is not None
        submitted = client.post(f"/admin/review/open_day/{open_day.id}/submit")
        assert submitted.status_code == 303
        assert client.get(f"/open-days/{open_day.id}").status_code == 404

        auth.logout()
        auth.login(reviewer)
        approved = client.post(f"/admin/review/open_day/{open_day.id}/approve")
        assert approved.status_code == 303
        db.session.expire_all()
        assert open_day.is_public
        public = client.get(f"/open-days/{open_day.id}")
        assert public.status_code == 200 and "走进应急指挥中心" in public.get_data(as_text=True)
        # Once public, the edit page offers no form and refuses a save.
        auth.logout()
        auth.login(editor)
        assert (
            soup(client.get(f"/admin/open-days/{open_day.id}/edit")).select_one(
                "main form[method=post]"
            )
            is None
        )
        refused = client.post(f"/admin/open-days/{open_day.id}/edit", data=new_open_day_form())
        assert refused.status_code == 422

    def test_bad_input_is_shown_by_its_field_with_what_was_typed(self, client, auth, make_user):
        auth.login(make_user(Role.EDITOR))
        in_english(client)
        now = utcnow()
        sent = new_open_day_form(
            itinerary="\n  \n",
            registration_closes_at=typed(now + timedelta(days=25)),  # after the start
            capacity="0",
        )
        response = client.post("/admin/open-days/new", data=sent)
        assert response.status_code == 422
        page = soup(response)
        assert "at least one stop" in page.select_one("#itinerary-error").get_text()
        assert page.select_one("#capacity-error") is not None
        assert page.select_one("#title")["value"] == sent["title"]
        # A rule of the operation, once the fields are valid, lands by its field too.
        response = client.post(
            "/admin/open-days/new",
            data=new_open_day_form(registration_closes_at=typed(now + timedelta(days=25))),
        )
        assert response.status_code == 422
        assert (
            "before the open day starts"
            in soup(response).select_one("#registration_closes_at-error").get_text()
        )
        assert db.session.scalar(select(func.count(OpenDay.id))) == 0

    def test_the_list_shows_every_state_with_places_and_counts(
        self, client, auth, make_user, make_open_day
    ):
        draft = make_open_day(approve=False, title="草稿开放日")
        public = make_open_day(capacity=3)
        register(public, 4)
        auth.login(make_user(Role.REVIEWER))
        in_english(client)
        page = soup(client.get("/admin/open-days/"))
        rows = {
            row.select_one("a").get_text(): row.get_text(" ", strip=True)
            for row in page.select("tbody tr")
        }
        assert "Not yet public" in rows[draft.title]
        assert "3 of 3" in rows[public.title] and "4 registrations" in rows[public.title]
        assert "1 waiting" in rows[public.title]
        # A reviewer is offered no button to prepare one.
        assert page.find("a", href="/admin/open-days/new") is None


def text_messages(kind: str) -> list[TextMessage]:
    return list(db.session.scalars(select(TextMessage).where(TextMessage.kind == kind)))


class TestPostponeAndCancel:
    def test_postpone_publishes_at_once_and_tells_every_registrant(
        self, client, auth, make_user, make_open_day
    ):
        open_day = make_open_day(capacity=2)
        people = register(open_day, 3)
        cancelled = people[0]
        from engagement.open_days import operations

        operations.cancel_registration(cancelled)
        db.session.commit()
        auth.login(make_user(Role.EDITOR))
        in_english(client)
        page = soup(client.get(f"/admin/open-days/{open_day.id}"))
        notes = (
            page.select_one("#postpone-publishes").get_text()
            + page.select_one("#postpone-tells").get_text()
        )
        assert "without review" in notes and "text message" in notes
        revision = open_day.revision
        later = open_day.starts_at + timedelta(days=7)
        response = client.post(
            f"/admin/open-days/{open_day.id}/postpone",
            data={
                "postpone-new_starts_at": typed(later),
                "postpone-new_ends_at": typed(later + timedelta(hours=3)),
                "postpone-reason": "会场维修",
            },
        )
        assert response.status_code == 303
        db.session.expire_all()
        assert open_day.revision == revision + 1
        assert open_day.postpone_reason == "会场维修" and open_day.original_starts_at
        told = text_messages("open_day_postponed")
        # Everyone still registered (the two with places, not the one who cancelled).
        assert sorted(m.phone for m in told) == sorted(p.phone for p in people[1:])
        assert all("会场维修" in m.body for m in told)

    def test_postpone_with_bad_input_shows_the_page_again_with_messages(
        self, client, auth, make_user, make_open_day
    ):
        open_day = make_open_day()
        auth.login(make_user(Role.EDITOR))
        in_english(client)
        past = utcnow() - timedelta(days=1)
        response = client.post(
            f"/admin/open-days/{open_day.id}/postpone",
            data={
                "postpone-new_starts_at": typed(past),
                "postpone-new_ends_at": typed(past + timedelta(hours=2)),
                "postpone-reason": "改期原因",
            },
        )
        assert response.status_code == 422
        page = soup(response)
        assert "future" in page.select_one("#postpone-new_starts_at-error").get_text()
        assert page.select_one("#postpone-reason").get_text().strip() == "改期原因"
        missing = client.post(f"/admin/open-days/{open_day.id}/cancel", data={})
        assert missing.status_code == 422
        assert soup(missing).select_one("#cancel-reason-error") is not None
        db.session.expire_all()
        assert open_day.revision == 1 and open_day.cancelled_at is None

    def test_cancel_publishes_at_once_and_tells_every_registrant(
        self, client, auth, make_user, make_open_day
    ):
        open_day = make_open_day()
        people = register(open_day, 2)
        auth.login(make_user(Role.EDITOR))
        revision = open_day.revision
        response = client.post(
            f"/admin/open-days/{open_day.id}/cancel", data={"cancel-reason": "防汛工作需要"}
        )
        assert response.status_code == 303
        db.session.expire_all()
        assert open_day.cancelled_at is not None and open_day.revision == revision + 1
        told = text_messages("open_day_cancelled")
        assert sorted(m.phone for m in told) == sorted(p.phone for p in people)
        page = soup(client.get(f"/admin/open-days/{open_day.id}"))
        assert page.select_one("#cancel") is None  # nothing left to cancel or postpone


class TestLottery:
    def test_seed_then_draw_through_the_pages_and_the_draw_can_be_rerun(
        self, client, auth, make_user, make_open_day
    ):
        open_day = make_open_day(mode=Mode.LOTTERY, capacity=2)
        entries = register(open_day, 5)
        assert {entry.status for entry in entries} == {Status.APPLIED}
        auth.login(make_user(Role.EDITOR))
        in_english(client)
        staff_url = f"/admin/open-days/{open_day.id}"
        # Before registration closes: no buttons, only what will happen.
        assert soup(client.get(staff_url)).select_one("#draw form") is None

        open_day.registration_closes_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
        page = soup(client.get(staff_url))
        seed_form = page.select_one("#draw form")
        assert seed_form["action"] == f"{staff_url}/draw/seed"
        assert "Fix and publish the seed" in seed_form.get_text()
        # Running the draw before the seed is published is refused.
        client.post(f"{staff_url}/draw")
        db.session.expire_all()
        assert open_day.drawn_at is None

        assert client.post(f"{staff_url}/draw/seed").status_code == 303
        db.session.expire_all()
        seed = open_day.draw_seed
        assert seed and open_day.draw_seed_published_at
        page = soup(client.get(staff_url))
        assert page.select_one("#draw .seed").get_text() == seed
        assert page.select_one(f'#draw a[href="/open-days/{open_day.id}/draw"]') is not None
        assert page.select_one("#draw form")["action"] == f"{staff_url}/draw"

        assert client.post(f"{staff_url}/draw").status_code == 303
        db.session.expire_all()
        assert open_day.drawn_at is not None and open_day.draw_seed == seed
        ranked = sorted(entries, key=lambda entry: entry.draw_rank)
        codes = [entry.confirmation_code for entry in entries]
        assert [entry.confirmation_code for entry in ranked] == draw(seed, codes)
        assert [entry.status for entry in ranked] == [Status.SELECTED] * 2 + [
            Status.NOT_SELECTED
        ] * 3
        assert open_day.taken == 2
        assert len(text_messages("open_day_selected")) == 2
        assert len(text_messages("open_day_not_selected")) == 3
        assert soup(client.get(staff_url)).select_one("#draw form") is None
