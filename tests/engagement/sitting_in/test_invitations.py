"""Invitations: each category's places hold (also for two staff at once on PostgreSQL), the
invitee answers at their link until the meeting starts, reminders go once, substituting
moves the place, attendance is marked after the start; staff pages for all of it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from core.accounts.models import Role
from core.clock import utcnow
from core.outbox import OutgoingMail, TextMessage
from core.rules import RuleBroken
from engagement.sitting_in.models import (
    Attendance,
    Category,
    Invitation,
    InvitationStatus,
    Quota,
)
from engagement.sitting_in.operations.invitations import (
    answer_invitation,
    invite_people,
    mark_attendance,
    remind_invitees,
    set_quotas,
    substitute,
)
from engagement.sitting_in.queries.invitations import taken_by_category
from extensions import db


@pytest.fixture
def editor(make_user):
    return make_user(Role.EDITOR)


def test_a_category_takes_no_more_than_its_places(invitable_meeting, make_person, editor):
    meeting = invitable_meeting({Category.DEPUTY: 2})
    first = [make_person(), make_person()]
    invite_people(meeting, first, actor=editor)
    db.session.commit()
    with pytest.raises(RuleBroken) as refused:
        invite_people(meeting, [make_person()], actor=editor)
    db.session.rollback()
    assert "2" in str(refused.value)
    # Without places set, a category takes no one.
    with pytest.raises(RuleBroken):
        invite_people(meeting, [make_person(category=Category.MEDIA)], actor=editor)
    db.session.rollback()
    # A declined place is free again; the one who declined can be invited again.
    answer_invitation(first[0].invitations[0], accepted=False, note=None, name_public=False)
    db.session.commit()
    (again,) = invite_people(meeting, [make_person()], actor=editor)
    db.session.commit()
    assert taken_by_category(meeting)[Category.DEPUTY] == 2
    assert again.status == InvitationStatus.INVITED


def test_inviting_the_same_person_twice_is_refused_by_name(invitable_meeting, make_person, editor):
    meeting = invitable_meeting()
    person = make_person(name="周敏")
    invite_people(meeting, [person], actor=editor)
    db.session.commit()
    with pytest.raises(RuleBroken, match="周敏"):
        invite_people(meeting, [person], actor=editor)


def test_places_cannot_go_below_those_invited(invitable_meeting, make_person, editor):
    meeting = invitable_meeting({Category.DEPUTY: 3})
    invite_people(meeting, [make_person(), make_person()], actor=editor)
    db.session.commit()
    with pytest.raises(RuleBroken):
        set_quotas(meeting, {Category.DEPUTY: 1}, actor=editor)
    db.session.rollback()
    assert set_quotas(meeting, {Category.DEPUTY: 2, Category.MEDIA: 1}, actor=editor)
    db.session.commit()
    assert not set_quotas(meeting, {Category.DEPUTY: 2, Category.MEDIA: 1}, actor=editor)


def test_the_quota_page_saved_unchanged_changes_nothing(client, auth, invitable_meeting, editor):
    meeting = invitable_meeting()
    auth.login(editor)
    page = client.get(f"/admin/sitting-in/meetings/{meeting.id}").get_data(as_text=True)
    values = dict(re.findall(r'name="(places_\w+)"[^>]*value="(\d+)"', page))
    assert values["places_deputy"] == "3"
    before = db.session.scalar(select(func.count()).select_from(Quota))
    answer = client.post(
        f"/admin/sitting-in/meetings/{meeting.id}/quotas",
        data={**values, "csrf_token": csrf(page)},
    )
    assert answer.status_code == 303
    assert db.session.scalar(select(func.count()).select_from(Quota)) == before
    # Nonsense is refused next to its field, with what was typed kept.
    answer = client.post(
        f"/admin/sitting-in/meetings/{meeting.id}/quotas",
        data={**values, "places_expert": "很多", "csrf_token": csrf(page)},
    )
    assert answer.status_code == 422
    assert 'value="很多"' in answer.get_data(as_text=True)


def csrf(page: str) -> str:
    """The form's token if the page has one (the tests' app does not check it)."""
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    return found.group(1) if found else ""


def test_staff_invite_from_the_search_with_live_counts(
    client, auth, invitable_meeting, make_person, editor
):
    meeting = invitable_meeting({Category.DEPUTY: 1})
    wang = make_person(name="王代表")
    li = make_person(name="李代表")
    auth.login(editor)
    page = client.get(f"/admin/sitting-in/meetings/{meeting.id}/invite?q=代表")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "王代表" in text and "李代表" in text
    token = csrf(text)
    # Ticking both (htmx) shows one too many before anything is sent.
    counts = client.post(
        f"/admin/sitting-in/meetings/{meeting.id}/invite",
        data={"q": "代表", "people": [wang.id, li.id], "csrf_token": token},
        headers={"HX-Request": "true"},
    )
    assert counts.status_code == 200
    assert 'id="invite-choices"' in counts.get_data(as_text=True)
    assert "<html" not in counts.get_data(as_text=True)
    refused = client.post(
        f"/admin/sitting-in/meetings/{meeting.id}/invite",
        data={"q": "代表", "people": [wang.id, li.id], "action": "invite", "csrf_token": token},
    )
    assert refused.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 0
    done = client.post(
        f"/admin/sitting-in/meetings/{meeting.id}/invite",
        data={"q": "代表", "people": [wang.id], "action": "invite", "csrf_token": token},
    )
    assert done.status_code == 303
    (invitation,) = db.session.scalars(select(Invitation)).all()
    assert invitation.person_id == wang.id
    # Sent again (Back, then send): refused by name, nothing doubled.
    again = client.post(
        f"/admin/sitting-in/meetings/{meeting.id}/invite",
        data={"q": "代表", "people": [wang.id], "action": "invite", "csrf_token": token},
    )
    assert again.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 1
    page = client.get(f"/admin/sitting-in/meetings/{meeting.id}").get_data(as_text=True)
    assert "王代表" in page


def test_the_invitee_answers_and_changes_their_answer_until_the_start(
    client, invitable_meeting, make_person, editor
):
    meeting = invitable_meeting()
    (invitation,) = invite_people(meeting, [make_person(name="赵委员")], actor=editor)
    db.session.commit()
    link = f"/rsvp/{invitation.token}"
    page = client.get(link)
    assert page.status_code == 200 and "赵委员" in page.get_data(as_text=True)
    token = csrf(page.get_data(as_text=True))
    empty = client.post(link, data={"csrf_token": token})
    assert empty.status_code == 422
    note = "会" * 600
    too_long = client.post(link, data={"csrf_token": token, "answer": "accept", "note": note})
    assert too_long.status_code == 422 and note in too_long.get_data(as_text=True)
    assert client.post(link, data={"csrf_token": token, "answer": "accept"}).status_code == 303
    assert invitation.status == InvitationStatus.ACCEPTED
    # Twice the same answer: nothing new in the log.
    client.post(link, data={"csrf_token": token, "answer": "accept"})
    answer = client.post(link, data={"csrf_token": token, "answer": "decline", "note": "出差"})
    assert answer.status_code == 303
    db.session.refresh(invitation)
    assert invitation.status == InvitationStatus.DECLINED and invitation.answer_note == "出差"
    with freeze_time(meeting.starts_at + timedelta(minutes=1)):
        late = client.post(link, data={"csrf_token": token, "answer": "accept"})
        assert late.status_code == 409
    db.session.refresh(invitation)
    assert invitation.status == InvitationStatus.DECLINED


def test_unknown_and_withdrawn_links_are_a_plain_404(
    client, auth, invitable_meeting, make_person, editor
):
    meeting = invitable_meeting()
    (invitation,) = invite_people(meeting, [make_person()], actor=editor)
    db.session.commit()
    assert client.get("/rsvp/" + "x" * 32).status_code == 404
    auth.login(editor)
    url = f"/admin/sitting-in/meetings/{meeting.id}/invitations/{invitation.id}/withdraw"
    page = client.get(url).get_data(as_text=True)
    empty = client.post(url, data={"csrf_token": csrf(page), "reason": ""})
    assert empty.status_code == 422
    assert (
        client.post(url, data={"csrf_token": csrf(page), "reason": "人选调整"}).status_code == 303
    )
    auth.logout()
    assert client.get(f"/rsvp/{invitation.token}").status_code == 404


def test_reminders_go_once_to_those_still_invited(app, invitable_meeting, make_person, editor):
    soon = invitable_meeting(starts_at=utcnow() + timedelta(days=1))
    later = invitable_meeting(starts_at=utcnow() + timedelta(days=9))
    coming, declining = make_person(), make_person()
    invite_people(soon, [coming, declining], actor=editor)
    invite_people(later, [make_person()], actor=editor)
    db.session.commit()
    answer_invitation(declining.invitations[0], accepted=False, note=None, name_public=False)
    db.session.commit()
    texts = db.session.scalar(select(func.count()).select_from(TextMessage))
    assert remind_invitees(utcnow(), days=2) == 1
    db.session.commit()
    assert remind_invitees(utcnow(), days=2) == 0
    assert db.session.scalar(select(func.count()).select_from(TextMessage)) == texts + 1
    reminder = db.session.scalars(select(OutgoingMail).order_by(OutgoingMail.id.desc())).first()
    assert reminder.recipient == coming.email and reminder.calendar is None


def test_the_reminder_command_runs_from_cron(app, invitable_meeting, make_person, editor):
    meeting = invitable_meeting(starts_at=utcnow() + timedelta(days=1))
    invite_people(meeting, [make_person()], actor=editor)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["remind-invitees"])
    assert result.exit_code == 0 and "1 invitees reminded" in result.output
    result = app.test_cli_runner().invoke(args=["remind-invitees"])
    assert "0 invitees reminded" in result.output


def test_a_substitute_takes_the_place(invitable_meeting, make_person, editor):
    meeting = invitable_meeting({Category.DEPUTY: 1, Category.CPPCC: 1})
    first = make_person()
    (invitation,) = invite_people(meeting, [first], actor=editor)
    db.session.commit()
    with pytest.raises(RuleBroken):  # no place for an expert
        substitute(invitation, make_person(category=Category.EXPERT), actor=editor)
    db.session.rollback()
    replacement = make_person(name="替补代表")
    new = substitute(invitation, replacement, actor=editor)
    db.session.commit()
    assert invitation.status == InvitationStatus.WITHDRAWN
    assert new.substitute_for_id == invitation.id and new.person_id == replacement.id
    assert taken_by_category(meeting)[Category.DEPUTY] == 1


def test_attendance_is_marked_after_the_start(client, auth, invitable_meeting, make_person, editor):
    meeting = invitable_meeting(starts_at=utcnow() + timedelta(minutes=10))
    (came, absent) = invite_people(meeting, [make_person(), make_person()], actor=editor)
    db.session.commit()
    with pytest.raises(RuleBroken):
        mark_attendance(meeting, {came.id: Attendance.PRESENT}, actor=editor)
    db.session.rollback()
    auth.login(editor)
    with freeze_time(meeting.starts_at + timedelta(minutes=1)):
        page = client.get(f"/admin/sitting-in/meetings/{meeting.id}").get_data(as_text=True)
        assert f'name="attendance-{came.id}"' in page
        answer = client.post(
            f"/admin/sitting-in/meetings/{meeting.id}/attendance",
            data={
                "csrf_token": csrf(page),
                f"attendance-{came.id}": "present",
                f"attendance-{absent.id}": "absent",
            },
        )
        assert answer.status_code == 303
    db.session.refresh(came)
    db.session.refresh(absent)
    assert came.attendance == Attendance.PRESENT and absent.attendance == Attendance.ABSENT


def test_the_meetings_staff_page_links_to_its_invitations(client, auth, invitable_meeting, editor):
    meeting = invitable_meeting()
    auth.login(editor)
    page = client.get(f"/admin/meetings/{meeting.id}").get_data(as_text=True)
    assert f"/admin/sitting-in/meetings/{meeting.id}" in page
    listing = client.get("/admin/sitting-in/").get_data(as_text=True)
    assert meeting.title in listing


def test_two_staff_inviting_at_once_cannot_both_take_the_last_place(
    app, invitable_meeting, make_person, editor
):
    """Each in its own thread, session and transaction, as two requests would be: the
    meeting's row is held from the first statement, so the second counts after the first
    committed (both databases)."""
    import threading

    meeting = invitable_meeting({Category.DEPUTY: 1})
    people = [make_person(), make_person()]
    ids = (meeting.id, editor.id, [person.id for person in people])
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def invite(person_id: int) -> None:
        from core.accounts.models import User
        from engagement.sitting_in.models import Person
        from meetings.models import Meeting

        with app.app_context():
            start.wait()
            try:
                invite_people(
                    db.session.get(Meeting, ids[0]),
                    [db.session.get(Person, person_id)],
                    actor=db.session.get(User, ids[1]),
                )
                db.session.commit()
                outcomes.append("invited")
            except RuleBroken:
                db.session.rollback()
                outcomes.append("refused")
            finally:
                db.session.remove()

    db.session.commit()  # the test's own read ends, as between two requests
    threads = [threading.Thread(target=invite, args=(person_id,)) for person_id in ids[2]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["invited", "refused"]
    db.session.expire_all()
    assert taken_by_category(meeting)[Category.DEPUTY] == 1


def test_who_declined_cannot_take_back_a_place_given_to_someone_else(
    client, invitable_meeting, make_person, editor
):
    meeting = invitable_meeting({Category.CPPCC: 1})
    (first,) = invite_people(meeting, [make_person(category=Category.CPPCC)], actor=editor)
    db.session.commit()
    answer_invitation(first, accepted=False, note=None, name_public=False)
    db.session.commit()
    invite_people(meeting, [make_person(category=Category.CPPCC)], actor=editor)
    db.session.commit()
    answer = client.post(f"/rsvp/{first.token}", data={"answer": "accept"})
    assert answer.status_code == 422
    assert "联系办公室" in answer.get_data(as_text=True)
    db.session.refresh(first)
    assert first.status == InvitationStatus.DECLINED
    assert taken_by_category(meeting)[Category.CPPCC] == 1


def test_nonsense_ids_on_staff_forms_are_no_server_error(
    client, auth, invitable_meeting, make_person, editor
):
    meeting = invitable_meeting()
    (invitation,) = invite_people(meeting, [make_person()], actor=editor)
    db.session.commit()
    auth.login(editor)
    base = f"/admin/sitting-in/meetings/{meeting.id}"
    huge = "9" * 25
    for answer in (
        client.get(f"{base}/invite?people={huge}&people=abc"),
        client.post(f"{base}/invite", data={"people": [huge], "action": "invite"}),
        client.post(
            f"{base}/invitations/{invitation.id}/substitute",
            data={"q": "代表", "person_id": "²"},
        ),
        client.post(
            f"{base}/invitations/{invitation.id}/substitute",
            data={"q": "代表", "person_id": huge},
        ),
        client.post(
            f"{base}/attendance", data={f"attendance-{huge}": "present", "attendance-²": "x"}
        ),
    ):
        assert answer.status_code in (200, 303, 422), answer.status_code


def test_the_purge_takes_the_messages_with_their_links_and_nothing_else(
    app, invitable_meeting, make_person, editor
):
    from core.outbox import queue_mail
    from engagement.sitting_in.operations.people import purge_people_data

    meeting = invitable_meeting()
    person = make_person(category=Category.RESIDENT, community="幸福里社区")
    set_quotas(meeting, {Category.RESIDENT: 1}, actor=editor)
    (invitation,) = invite_people(meeting, [person], actor=editor)
    queue_mail(person.email, "区政府开放日", "与列席无关的一封信")
    db.session.commit()
    token = invitation.token
    mine = [OutgoingMail.body.contains(token), TextMessage.body.contains(token)]
    assert db.session.scalar(select(func.count()).select_from(OutgoingMail).where(mine[0]))
    assert db.session.scalar(select(func.count()).select_from(TextMessage).where(mine[1]))
    later = meeting.ends_at + timedelta(days=app.config["SIT_IN_RETENTION_DAYS"] + 1)
    assert purge_people_data(later) == 1
    db.session.commit()
    assert not db.session.scalar(select(func.count()).select_from(OutgoingMail).where(mine[0]))
    assert not db.session.scalar(select(func.count()).select_from(TextMessage).where(mine[1]))
    (left,) = db.session.scalars(select(OutgoingMail)).all()
    assert left.subject == "区政府开放日"
    assert person.name is None and person.phone is None and person.community == "幸福里社区"


def test_opening_withdraw_or_substitute_changes_nothing(
    client, auth, invitable_meeting, make_person, editor
):
    """Their names say what they do, but a GET only shows the form: only its POST acts."""
    meeting = invitable_meeting()
    (invitation,) = invite_people(meeting, [make_person()], actor=editor)
    other = make_person(name="替补代表")
    db.session.commit()
    auth.login(editor)
    base = f"/admin/sitting-in/meetings/{meeting.id}/invitations/{invitation.id}"
    for path in (
        f"{base}/withdraw",
        f"{base}/withdraw?reason=人选调整",
        f"{base}/substitute?q=替补&person_id={other.id}",
    ):
        assert client.get(path).status_code == 200
    db.session.refresh(invitation)
    assert invitation.status == InvitationStatus.INVITED
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 1
