"""The audit log records every change with who, what, when and before/after, and staff
who may read it can filter it."""

from __future__ import annotations

from datetime import timedelta

from bs4 import BeautifulSoup

from core.accounts import operations
from core.accounts.models import Role
from core.audit import AuditEntry
from core.clock import utcnow
from extensions import db


def rows(response) -> list[list[str]]:
    table = BeautifulSoup(response.data, "html.parser").find("tbody")
    return [
        [cell.get_text(" ", strip=True) for cell in tr.find_all("td")]
        for tr in table.find_all("tr")
    ]


def test_account_changes_record_before_and_after(make_user):
    admin = make_user(Role.ADMIN)
    editor = make_user(Role.EDITOR)
    operations.set_role(editor, Role.REVIEWER, actor=admin)
    db.session.commit()
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "staff.update"))
    assert entry.actor_id == admin.id and entry.actor_name == admin.display_name
    assert entry.before["role"] == "editor" and entry.after["role"] == "reviewer"
    assert entry.subject_type == "User" and entry.subject_id == editor.id
    assert abs(entry.at - utcnow()) < timedelta(minutes=1)


def test_sign_in_and_meeting_drafts_are_logged(client, auth, make_user, make_body):
    editor = make_user(Role.EDITOR)
    body = make_body()
    auth.login(editor)
    client.post(
        "/admin/meetings/new",
        data={
            "body_id": body.id,
            "title": "背街小巷环境整治专题会",
            "starts_at": "2026-12-01T09:00",
            "ends_at": "2026-12-01T10:00",
        },
    )
    actions = db.session.scalars(db.select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["staff.login", "meeting.create"]
    created = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "meeting.create"))
    assert created.after["title"] == "背街小巷环境整治专题会"
    assert created.after["starts_at"] == "2026-12-01T01:00:00+00:00"  # stored in UTC


def test_admin_filters_the_log_by_person_and_action(client, auth, make_user):
    admin = make_user(Role.ADMIN, display_name="王管理")
    other = make_user(Role.ADMIN, display_name="赵管理")
    editor = make_user(Role.EDITOR)
    operations.disable_user(editor, actor=other)
    operations.enable_user(editor, actor=admin)
    db.session.commit()
    auth.login(admin)

    by_other = rows(client.get(f"/admin/audit/?actor={other.id}"))
    assert [row[2] for row in by_other] == ["staff.disable"]
    enables = rows(client.get("/admin/audit/?action=staff.enable"))
    assert len(enables) == 1 and enables[0][1] == "王管理"
    assert rows(client.get("/admin/audit/?subject=Meeting")) == [["没有符合条件的记录。"]]


def test_date_filter_uses_office_days(client, auth, make_user):
    admin = make_user(Role.ADMIN)
    entry = AuditEntry(
        actor_name="system",
        action="test.old",
        subject_type="User",
        subject_id=admin.id,
        summary="old entry",
        at=utcnow() - timedelta(days=40),
    )
    db.session.add(entry)
    db.session.commit()
    auth.login(admin)
    today = (utcnow() + timedelta(hours=8)).date().isoformat()
    recent = rows(client.get(f"/admin/audit/?from={today}"))
    assert all(row[2] != "test.old" for row in recent)
    assert any(
        row[2] == "test.old"
        for row in rows(
            client.get("/admin/audit/?to=" + (utcnow() - timedelta(days=39)).date().isoformat())
        )
    )


def test_nonsense_filters_are_ignored_not_errors(client, auth, make_user):
    auth.login(make_user(Role.ADMIN))
    response = client.get("/admin/audit/?actor=abc&from=2026-13-45&to=yesterday&page=1")
    assert response.status_code == 200


def test_log_is_paginated(client, auth, make_user):
    admin = make_user(Role.ADMIN)
    for number in range(60):
        db.session.add(
            AuditEntry(
                actor_name="system", action="test.bulk", subject_type="User", summary=f"n{number}"
            )
        )
    db.session.commit()
    auth.login(admin)
    first = client.get("/admin/audit/?action=test.bulk")
    assert len(rows(first)) == 50
    assert len(rows(client.get("/admin/audit/?action=test.bulk&page=2"))) == 10
