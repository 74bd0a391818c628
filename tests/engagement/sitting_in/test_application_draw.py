"""Giving residents' places to sit in: the eligibility check with its reason, inviting
every eligible applicant when they fit, otherwise the public draw in two published steps
that anyone can run again; and the meeting's list of who sat in, naming residents only
with their consent."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from core.accounts.models import Role
from core.audit import AuditEntry
from core.clock import utcnow
from core.draw import draw
from core.outbox import TextMessage
from core.rules import RuleBroken
from engagement.sitting_in.models import (
    ApplicationStatus,
    Attendance,
    Category,
    Invitation,
    InvitationStatus,
    Person,
    SitInDraw,
)
from engagement.sitting_in.operations import applications as operations
from engagement.sitting_in.operations.invitations import invite_people, set_quotas
from engagement.sitting_in.queries.applications import who_sat_in
from extensions import db
from tests.engagement.sitting_in.application_support import (
    applicants,
    applications_of,
    close_the_call,
    eligible,
    error_of,
    sat_in,
    soup,
)
from tests.responses import count_queries, text_of


@pytest.fixture
def en(client):
    client.set_cookie("lang", "en")
    return client


@pytest.fixture
def calling(make_meeting, announce):
    """An announced meeting, ten days ahead, whose call for residents is open."""

    def make(places: int = 2, **overrides):
        return announce(make_meeting(sit_in_open=True, sit_in_places=places, **overrides))

    return make


@pytest.fixture
def editor(make_user):
    return make_user(Role.EDITOR)


# Eligibility and giving the places


def test_staff_see_applications_in_full_and_mark_them_with_a_reason(client, auth, calling, editor):
    meeting = calling()
    [application] = applicants(meeting, 1)
    auth.login(editor)
    meeting_page = soup(client.get(f"/admin/meetings/{meeting.id}"))
    assert meeting_page.find("a", href=f"/admin/sitting-in/meetings/{meeting.id}/applications")
    page = client.get(f"/admin/sitting-in/meetings/{meeting.id}/applications")
    text = text_of(page)
    assert "居民0" in text and "13912340000" in text and "关心议题" in text
    prefix = f"a{application.id}-"
    refused = client.post(
        f"/admin/sitting-in/meetings/{meeting.id}/applications/{application.id}/eligibility",
        data={f"{prefix}decision": "ineligible", f"{prefix}reason": ""},
    )
    assert refused.status_code == 422
    assert "理由" in error_of(refused, f"{prefix}reason")
    marked = client.post(
        f"/admin/sitting-in/meetings/{meeting.id}/applications/{application.id}/eligibility",
        data={f"{prefix}decision": "ineligible", f"{prefix}reason": "非本区居民"},
    )
    assert marked.status_code == 303
    [application] = applications_of(meeting)
    assert application.status == ApplicationStatus.INELIGIBLE
    told = db.session.scalars(select(TextMessage).order_by(TextMessage.id)).all()[-1]
    assert "非本区居民" in told.body and told.kind == "sit_in_application_ineligible"
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "sit_in_application.eligibility")
    )
    assert entry.after == {"status": "ineligible", "eligibility_reason": "非本区居民"}


def test_places_are_given_only_after_the_call_closes_and_every_application_is_checked(
    calling, editor
):
    meeting = calling(places=3)
    applicants(meeting, 1)
    eligible(meeting, 1, editor, start=1)
    with force_locale("en"), pytest.raises(RuleBroken, match="places are given after they close"):
        operations.invite_all_eligible(meeting, actor=editor)
    db.session.rollback()
    close_the_call(meeting)
    with force_locale("en"), pytest.raises(RuleBroken, match="wait for the eligibility check"):
        operations.invite_all_eligible(meeting, actor=editor)
    db.session.rollback()


def test_when_the_eligible_fit_every_one_is_invited_as_a_resident(calling, editor):
    meeting = calling(places=3)
    first, second = eligible(meeting, 2, editor)
    first.name_public = True
    close_the_call(meeting)
    with force_locale("en"), pytest.raises(RuleBroken, match="drawn by lot|no draw"):
        operations.fix_sit_in_draw_seed(meeting, actor=editor)
    db.session.rollback()
    invitations = operations.invite_all_eligible(meeting, actor=editor)
    db.session.commit()
    assert len(invitations) == 2
    for application in applications_of(meeting):
        assert application.status == ApplicationStatus.SELECTED
        invitation = db.session.get(Invitation, application.invitation_id)
        assert invitation.status == InvitationStatus.INVITED
        assert invitation.person.category == Category.RESIDENT
        assert invitation.person.community == "幸福里社区"
        assert invitation.person.phone == application.phone
        assert invitation.name_public == application.name_public


def test_an_applicant_already_in_the_directory_is_invited_as_themselves(
    calling, editor, make_person
):
    known = make_person(category=Category.RESIDENT, name="居民0", phone="13912340000")
    meeting = calling(places=2)
    eligible(meeting, 2, editor)
    close_the_call(meeting)
    people = db.session.scalar(select(func.count()).select_from(Person))
    invitations = operations.invite_all_eligible(meeting, actor=editor)
    db.session.commit()
    assert known.id in {invitation.person_id for invitation in invitations}
    assert db.session.scalar(select(func.count()).select_from(Person)) == people + 1


def test_the_draw_is_published_in_two_steps_and_reproduces_from_its_published_inputs(
    en, auth, calling, editor
):
    meeting = calling(places=2)
    eligible(meeting, 5, editor)
    close_the_call(meeting)
    auth.login(editor)
    staff_page = text_of(en.get(f"/admin/sitting-in/meetings/{meeting.id}/applications"))
    assert "Fix and publish the seed" in staff_page and "without review" in staff_page
    assert en.get(f"/meetings/{meeting.id}/sit-in/draw").status_code == 404
    base = f"/admin/sitting-in/meetings/{meeting.id}/applications"
    assert en.post(f"{base}/draw/seed").status_code == 303
    auth.logout()

    before = soup(en.get(f"/meetings/{meeting.id}/sit-in/draw"))
    seed = before.find(class_="draw-seed").get_text(strip=True)
    entries = [li.get_text(strip=True) for li in before.select("ul.codes li")]
    assert len(entries) == 5 and all(entry.startswith("LX-") for entry in entries)
    assert "居民" not in before.get_text()  # references only, never names
    assert f"python -m core.draw {seed} {' '.join(entries)}" in before.find("pre").get_text()
    call = soup(en.get(f"/meetings/{meeting.id}")).find(id="sit-in")
    assert call.find("a", href=f"/meetings/{meeting.id}/sit-in/draw") is not None

    auth.login(editor)
    assert en.post(f"{base}/draw").status_code == 303
    auth.logout()
    after = soup(en.get(f"/meetings/{meeting.id}/sit-in/draw"))
    rows = [
        [cell.get_text(strip=True) for cell in row.find_all("td")]
        for row in after.select("table.draw-result tbody tr")
    ]
    assert [reference for _rank, reference, _result in rows] == draw(seed, entries)
    assert [result for *_rest, result in rows].count("Selected") == 2
    assert [row[2] for row in rows[:2]] == ["Selected", "Selected"]
    statuses = [application.status for application in applications_of(meeting)]
    assert statuses.count(ApplicationStatus.SELECTED) == 2
    assert statuses.count(ApplicationStatus.NOT_SELECTED) == 3
    invited = db.session.scalar(
        select(func.count()).select_from(Invitation).where(Invitation.meeting_id == meeting.id)
    )
    assert invited == 2
    not_selected = db.session.scalars(
        select(TextMessage).where(TextMessage.kind == "sit_in_application_not_selected")
    ).all()
    assert len(not_selected) == 3
    steps = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action.in_(["sit_in_draw.seed", "sit_in_draw.run"]))
        .order_by(AuditEntry.id)
    ).all()
    assert [entry.action for entry in steps] == ["sit_in_draw.seed", "sit_in_draw.run"]
    assert steps[0].after["seed"] == seed and steps[0].after["draw_entries"] == entries
    assert steps[1].after["draw_ranking"] == draw(seed, entries)


def test_eligibility_cannot_change_once_the_seed_is_fixed(client, auth, calling, editor):
    meeting = calling(places=1)
    first, _second = eligible(meeting, 2, editor)
    close_the_call(meeting)
    operations.fix_sit_in_draw_seed(meeting, actor=editor)
    db.session.commit()
    with force_locale("en"), pytest.raises(RuleBroken, match="can no\\s+longer change"):
        operations.mark_eligibility(first, eligible=False, reason="重复申请", actor=editor)
    db.session.rollback()
    auth.login(editor)
    prefix = f"a{first.id}-"
    refused = client.post(
        f"/admin/sitting-in/meetings/{meeting.id}/applications/{first.id}/eligibility",
        data={f"{prefix}decision": "ineligible", f"{prefix}reason": "重复申请"},
    )
    assert refused.status_code == 422
    assert applications_of(meeting)[0].status == ApplicationStatus.ELIGIBLE
    with force_locale("en"), pytest.raises(RuleBroken, match="already fixed"):
        operations.fix_sit_in_draw_seed(meeting, actor=editor)
    db.session.rollback()
    assert db.session.get(SitInDraw, meeting.id).entry_list == [
        application.reference for application in applications_of(meeting)
    ]


def test_the_draw_runs_once(calling, editor):
    meeting = calling(places=1)
    eligible(meeting, 2, editor)
    close_the_call(meeting)
    with force_locale("en"), pytest.raises(RuleBroken, match="seed first"):
        operations.run_sit_in_draw(meeting, actor=editor)
    db.session.rollback()
    operations.fix_sit_in_draw_seed(meeting, actor=editor)
    operations.run_sit_in_draw(meeting, actor=editor)
    db.session.commit()
    with force_locale("en"), pytest.raises(RuleBroken, match="already been run"):
        operations.run_sit_in_draw(meeting, actor=editor)
    db.session.rollback()


def test_a_published_draw_holds_its_places_until_it_runs(calling, editor, make_person, client):
    """Once the seed and entries are public, the residents' places they are for cannot go to
    anyone else, nor be cut, nor gain late entries (a postponement reopening the call)."""
    meeting = calling(places=2)
    eligible(meeting, 3, editor)
    close_the_call(meeting)
    operations.fix_sit_in_draw_seed(meeting, actor=editor)
    db.session.commit()
    resident = make_person(category=Category.RESIDENT, name="直接邀请的居民")
    with pytest.raises(RuleBroken):
        invite_people(meeting, [resident], actor=editor)
    db.session.rollback()
    with pytest.raises(RuleBroken):
        set_quotas(meeting, {Category.RESIDENT: 1}, actor=editor)
    db.session.rollback()
    meeting.starts_at = utcnow() + timedelta(days=10)  # postponed: the clock alone would reopen
    meeting.ends_at = meeting.starts_at + timedelta(hours=2)
    db.session.commit()
    late = client.post(
        f"/meetings/{meeting.id}/sit-in/apply",
        data={"name": "晚到", "phone": "13912345678", "community": "幸福社区",
              "reason": "关心", "consent": "y"},
    )  # fmt: skip
    assert late.status_code == 409
    assert len(applications_of(meeting)) == 3
    selected = [
        application
        for application in operations.run_sit_in_draw(meeting, actor=editor)
        if application.status == ApplicationStatus.SELECTED
    ]
    db.session.commit()
    assert len(selected) == 2


# Who sat in


def test_who_sat_in_names_deputies_and_residents_only_with_their_consent(
    en, make_meeting, announce
):
    meeting = announce(
        make_meeting(starts_at=utcnow() - timedelta(hours=3), sit_in_open=True, sit_in_places=2)
    )
    sat_in(meeting, name="李代表", category=Category.DEPUTY, organisation="区人大", title="代表")
    sat_in(meeting, name="赵居民", category=Category.RESIDENT, community="幸福里社区")
    sat_in(
        meeting, name="钱居民", category=Category.RESIDENT, community="和平社区", name_public=True
    )
    sat_in(meeting, name="<b>孙</b>", category=Category.EXPERT, organisation="大学")
    absent = sat_in(meeting, name="周缺席", category=Category.CPPCC)
    absent.attendance = Attendance.ABSENT
    db.session.commit()
    page = en.get(f"/meetings/{meeting.id}")
    section = soup(page).find(id="sat-in")
    lines = [li.get_text(" ", strip=True) for li in section.find_all("li")]
    assert lines[0].startswith("李代表") and "区人大" in lines[0]
    assert lines[1].startswith("<b>孙</b>")  # escaped: shown as typed, not as markup
    assert "Resident representative, 幸福里社区" in lines
    assert any(line.startswith("钱居民") for line in lines)
    assert len(lines) == 4
    assert "赵居民" not in page.get_data(as_text=True)
    assert "周缺席" not in page.get_data(as_text=True)
    assert "<b>孙</b>" not in page.get_data(as_text=True)
    assert soup(page).find(id="sit-in") is None  # the call is over


def test_who_sat_in_is_one_query(app, make_meeting, announce):
    meeting = announce(make_meeting(starts_at=utcnow() - timedelta(hours=3)))
    for number in range(3):
        sat_in(meeting, name=f"代表{number}", category=Category.DEPUTY)
    db.session.expire_all()
    assert meeting.id  # loaded, as the meeting's page has it
    with count_queries() as statements:
        lines = who_sat_in(meeting)
    assert len(lines) == 3
    assert len([statement for statement in statements if statement.startswith("SELECT")]) == 1
