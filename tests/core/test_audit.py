"""The audit log records every change with who, what, when and before/after, and reads as
the office's record: in the reader's language, with labels for every action, record and
field, values in words and times in office time. Staff who may read it can filter it."""

from __future__ import annotations

import ast
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from flask_babel import force_locale

from core.accounts import operations
from core.accounts.models import Role
from core.audit import AuditEntry
from core.audit.reading import read_entries
from core.audit.vocabulary import AuditVocabulary, RecordType, Vocabulary, vocabulary
from core.clock import utcnow
from engagement.demo import load_demo
from extensions import db
from meetings import operations as meeting_operations
from meetings.models import ChangeKind
from tests.responses import queries_for

ROOT = Path(__file__).resolve().parents[2]
ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}|[+-]\d{2}:\d{2}\b")
RAW_BOOLEAN = re.compile(r"\b(True|False|None|true|false|null)\b")


def page_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.data, "html.parser")


def rows(response) -> list[list[str]]:
    """Each entry's cells: when, who, what happened (with before/after), record."""
    table = page_of(response).find("tbody")
    return [
        [cell.get_text(" ", strip=True) for cell in tr.find_all("td")]
        for tr in table.find_all("tr")
    ]


def every_page(client, url: str = "/admin/audit/") -> list[BeautifulSoup]:
    """The log's pages, following its "next" links."""
    pages = []
    while url:
        response = client.get(url)
        assert response.status_code == 200
        pages.append(page_of(response))
        next_link = pages[-1].find("a", rel="next")
        url = next_link["href"] if next_link else None
    return pages


@pytest.fixture
def demo(app):
    load_demo()
    db.session.commit()


# Recording


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
    # The title is stored, not a sentence: the page says what happened in its language.
    assert created.summary == "背街小巷环境整治专题会"


# The vocabulary: every code the log can hold has words


def literal_actions(node: ast.expr, where: str) -> set[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return literal_actions(node.body, where) | literal_actions(node.orelse, where)
    raise AssertionError(f"{where}: write the action as a string so this test can read it")


def snapshot_fields(node, local, constants, where) -> set[str]:
    """The field names a before/after argument can hold, read from the code."""
    if isinstance(node, ast.Constant) and node.value is None:
        return set()
    if isinstance(node, ast.Dict):
        fields: set[str] = set()
        for key, value in zip(node.keys, node.values, strict=True):
            if key is None:  # {**snapshot(...)}
                fields |= snapshot_fields(value, local, constants, where)
            elif isinstance(key, ast.Constant):
                fields.add(key.value)
        return fields
    if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "snapshot":
        fields = set()
        for argument in node.args[1:]:
            if isinstance(argument, ast.Constant):
                fields.add(argument.value)
            elif isinstance(argument, ast.Starred) and argument.value.id in constants:
                fields |= set(constants[argument.value.id])
            else:
                raise AssertionError(f"{where}: cannot read the fields of {ast.unparse(node)}")
        return fields
    if isinstance(node, ast.Name) and node.id in local:
        return set().union(*(snapshot_fields(v, {}, constants, where) for v in local[node.id]))
    raise AssertionError(
        f"{where}: write before/after as a dict or snapshot(...) so this test can read its fields"
    )


def record_change_calls() -> list[tuple[str, set[str], set[str]]]:
    """Every `record_change(...)` in the code: where, its action(s), its fields."""
    trees = {
        path: ast.parse(path.read_text(encoding="utf-8"))
        for package in ("core", "meetings", "engagement")
        for path in (ROOT / package).rglob("*.py")
    }
    constants = {
        node.targets[0].id: [element.value for element in node.value.elts]
        for tree in trees.values()
        for node in tree.body
        if isinstance(node, ast.Assign)
        and isinstance(node.targets[0], ast.Name)
        and isinstance(node.value, ast.Tuple)
        and all(isinstance(element, ast.Constant) for element in node.value.elts)
    }
    calls = []
    for path, tree in trees.items():
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef):
                continue
            local: dict[str, list[ast.expr]] = {}
            for node in ast.walk(function):
                if isinstance(node, ast.Assign):
                    for target in node.targets:
                        if isinstance(target, ast.Name):
                            local.setdefault(target.id, []).append(node.value)
            for call in ast.walk(function):
                if isinstance(call, ast.Call) and getattr(call.func, "id", None) == "record_change":
                    where = f"{path.relative_to(ROOT)}:{call.lineno}"
                    fields = set()
                    for keyword in call.keywords:
                        if keyword.arg in ("before", "after"):
                            fields |= snapshot_fields(keyword.value, local, constants, where)
                    calls.append((where, literal_actions(call.args[0], where), fields))
    return calls


def test_every_action_and_field_written_in_the_code_has_a_label(app):
    words = vocabulary()
    calls = record_change_calls()
    assert len(calls) >= 30  # the walk found the operations
    field_names = set(words.fields).union(
        *(record.fields for record in words.record_types.values())
    )
    unlabelled = [
        (where, code)
        for where, actions, fields in calls
        for code in sorted(actions - words.actions.keys()) + sorted(fields - field_names)
    ]
    assert unlabelled == []


def test_every_entry_of_the_demo_has_labels_for_its_action_record_and_fields(app, demo):
    words = vocabulary()
    missing = set()
    for entry in db.session.scalars(db.select(AuditEntry)):
        if entry.action not in words.actions:
            missing.add(("action", entry.action))
        if entry.subject_type not in words.record_types:
            missing.add(("record type", entry.subject_type))
        for key in {**(entry.before or {}), **(entry.after or {})}:
            if words.field(entry.subject_type, key) is None:
                missing.add(("field", f"{entry.subject_type}.{key}"))
    assert missing == set()


def test_every_kind_of_record_has_a_label(app):
    """Any model can be an operation's subject, except the log, the outbox and the version."""
    outbox = {"OutgoingMail", "TextMessage"}
    words = vocabulary()
    models = {mapper.class_.__name__ for mapper in db.Model.registry.mappers}
    assert models - {"AuditEntry", "PublicState", *outbox} - words.record_types.keys() == set()


def test_a_code_registered_twice_is_refused():
    first = AuditVocabulary(record_types={"Meeting": RecordType("会议")})
    second = AuditVocabulary(record_types={"Meeting": RecordType("例会")})
    with pytest.raises(ValueError, match="'Meeting'"):
        Vocabulary([first, second])


# The page reads as the office's record


def test_the_demo_log_in_chinese_shows_no_codes_raw_values_or_utc(
    app, client, auth, make_user, demo
):
    auth.login(make_user(Role.ADMIN))
    entries = db.session.scalars(db.select(AuditEntry)).all()
    codes = {entry.action for entry in entries} | {entry.subject_type for entry in entries}
    fields = {key for entry in entries for key in {**(entry.before or {}), **(entry.after or {})}}
    pages = every_page(client)
    assert len(pages) >= 2
    shown = 0
    for page in pages:
        text = page.find("main").get_text(" ", strip=True)
        for code in codes:
            assert code not in text
        for field in fields:
            assert not re.search(rf"\b{field}\b", text), field
        assert not ISO_TIME.search(text), ISO_TIME.search(text)
        assert not RAW_BOOLEAN.search(text), RAW_BOOLEAN.search(text)
        shown += len(page.select("tbody tr"))
    assert shown == len(entries)


# Words each language's page shows for the demo (labels of actions, fields and values).
DEMO_WORDS = {
    "zh": ["新建会议草稿：", "提交审核：", "审核通过并公开：", "会议主体", "开始时间", "是", "否"],
    "en": [
        "Meeting draft created: ",
        "Submitted for review: ",
        "Approved and published: ",
        "Organising body",
        "Starts",
        "Yes",
        "No",
        "Awaiting review → Approved and public",
    ],
}


@pytest.mark.parametrize("language", ["zh", "en"])
def test_each_entry_starts_with_its_action_in_the_readers_language(
    app, client, auth, make_user, demo, language
):
    auth.login(make_user(Role.ADMIN))
    client.set_cookie("lang", language)
    entries = {entry.id: entry for entry in db.session.scalars(db.select(AuditEntry))}
    with app.test_request_context(), force_locale(language):
        labels = {code: str(label) for code, label in vocabulary().actions.items()}
    text = ""
    for page in every_page(client):
        text += page.find("main").get_text(" ", strip=True)
        for row in page.select("tbody tr"):
            entry = entries[int(row["id"].removeprefix("entry-"))]
            what = row.find_all("td")[2].get_text(" ", strip=True)
            assert what.startswith(labels[entry.action]), (what, entry.action)
            if entry.summary:
                assert entry.summary in what
    for word in DEMO_WORDS[language]:
        assert word in text


def test_before_and_after_show_names_words_and_office_time(app, client, auth, make_user, make_body):
    editor = make_user(Role.EDITOR)
    old_body, new_body = make_body(name="区民政局局务会"), make_body(name="区政府常务会议")
    meeting = meeting_operations.create_meeting(
        old_body,
        actor=editor,
        title="2026年第19次区政府常务会议",
        starts_at=datetime(2026, 12, 1, 1, 0, tzinfo=UTC),
        ends_at=datetime(2026, 12, 1, 3, 0, tzinfo=UTC),
        sit_in_open=False,
    )
    meeting_operations.update_meeting(
        meeting,
        actor=editor,
        body_id=new_body.id,
        sit_in_open=True,
        starts_at=datetime(2026, 12, 1, 2, 0, tzinfo=UTC),
    )
    db.session.commit()
    entry_id = db.session.scalar(
        db.select(AuditEntry.id).where(AuditEntry.action == "meeting.update")
    )
    auth.login(make_user(Role.ADMIN))
    row = page_of(client.get("/admin/audit/")).find(id=f"entry-{entry_id}")
    changes = {
        dt.get_text(strip=True): dt.find_next_sibling("dd").get_text(strip=True)
        for dt in row.select(".diff dt")
    }
    assert changes == {
        "会议主体": "区民政局局务会 → 区政府常务会议",
        "开始时间": "2026-12-01 09:00 → 2026-12-01 10:00",  # office time, Asia/Shanghai
        "居民可申请列席": "否 → 是",
    }
    what = row.find_all("td")[2].get_text(" ", strip=True)
    assert what.startswith("会议信息修改：2026年第19次区政府常务会议")


def test_unknown_codes_and_old_sentences_are_shown_as_they_are(app, client, auth, make_user):
    db.session.add(
        AuditEntry(
            actor_name="system",
            action="archive.export",
            subject_type="Archive",
            subject_id=7,
            summary="Exported the archive",
            before={"format": None},
            after={"format": "zip", "complete": True, "starts_at": "soon"},
        )
    )
    db.session.commit()
    auth.login(make_user(Role.ADMIN))
    [row] = rows(client.get("/admin/audit/?action=archive.export"))
    assert row[1] == "系统"
    assert row[2].startswith("archive.export：Exported the archive")
    assert "format — → zip" in row[2] and "complete — → 是" in row[2]
    assert "开始时间 — → soon" in row[2]  # a value that is not a time stays as it is
    assert row[3] == "Archive #7"


def test_log_page_costs_the_same_queries_for_5_and_50_entries(
    app, client, auth, make_user, make_body, make_meeting, announce, approve_change
):
    editor = make_user(Role.EDITOR)
    bodies = [make_body(), make_body()]

    def busy_day(meetings: int) -> None:
        for _ in range(meetings):
            meeting = make_meeting(author=editor, body=bodies[0])
            meeting_operations.update_meeting(meeting, actor=editor, body_id=bodies[1].id)
            meeting_operations.add_agenda_item(meeting, actor=editor, title="关于停车的议题")
            announce(meeting)
            approve_change(meeting, ChangeKind.CANCEL, reason="因故取消")
        db.session.commit()

    auth.login(make_user(Role.ADMIN))
    busy_day(1)
    few = queries_for(client, "/admin/audit/")
    busy_day(10)
    assert db.session.scalar(db.select(db.func.count(AuditEntry.id))) > 50
    assert queries_for(client, "/admin/audit/") == few


# Filters


def test_admin_filters_the_log_by_person_action_and_kind_of_record(client, auth, make_user):
    admin = make_user(Role.ADMIN, display_name="王管理")
    other = make_user(Role.ADMIN, display_name="赵管理")
    editor = make_user(Role.EDITOR)
    operations.disable_user(editor, actor=other)
    operations.enable_user(editor, actor=admin)
    db.session.commit()
    auth.login(admin)

    by_other = rows(client.get(f"/admin/audit/?actor={other.id}"))
    assert [row[2].split("：")[0] for row in by_other] == ["停用账号"]
    enables = rows(client.get("/admin/audit/?action=staff.enable"))
    assert len(enables) == 1 and enables[0][1] == "王管理"
    assert len(rows(client.get("/admin/audit/?subject=User"))) == 3  # with the sign-in
    assert rows(client.get("/admin/audit/?subject=Meeting")) == [["没有符合条件的记录。"]]


def test_filter_choices_are_labelled_and_grouped(client, auth, make_user):
    auth.login(make_user(Role.ADMIN))
    page = page_of(client.get("/admin/audit/"))
    action = page.find("select", {"name": "action"})
    groups = {group["label"]: group for group in action.find_all("optgroup")}
    assert {"工作人员账号", "审核", "会议", "议程", "征求意见", "意见"} <= set(groups)
    assert groups["会议"].find("option", value="meeting.update").get_text() == "会议信息修改"
    subject = page.find("select", {"name": "subject"})
    assert subject.find("option", value="Meeting").get_text() == "会议"
    assert page.find("label", {"for": "f-action"}).get_text() == "事项"


def test_a_day_filters_by_the_offices_day(client, auth, make_user):
    admin = make_user(Role.ADMIN)
    # 17:30 UTC on 1 March is 01:30 on 2 March in the office (Asia/Shanghai).
    db.session.add(
        AuditEntry(
            actor_name="system",
            action="test.night",
            subject_type="User",
            summary="深夜",
            at=datetime(2026, 3, 1, 17, 30, tzinfo=UTC),
        )
    )
    db.session.commit()
    auth.login(admin)

    def found(query: str) -> bool:
        return any("深夜" in " ".join(row) for row in rows(client.get(f"/admin/audit/?{query}")))

    assert found("from=2026-03-02&to=2026-03-02")
    assert not found("to=2026-03-01")
    assert not found("from=2026-03-03")
    assert found("from=2026-03-01&to=2026-03-02")


@pytest.mark.parametrize("field", ["from", "to"])
@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("9999-12-31", "请输入2000年至2100年之间的日期。"),
        ("0001-01-01", "请输入2000年至2100年之间的日期。"),
        ("nonsense", "请按“年-月-日”填写日期，例如 2026-05-01。"),
    ],
)
def test_a_day_outside_the_years_or_not_a_day_is_refused_by_its_field(
    client, auth, make_user, field, typed, message
):
    auth.login(make_user(Role.ADMIN))
    response = client.get(f"/admin/audit/?{field}={typed}")
    assert response.status_code == 422
    page = page_of(response)
    box = page.find("input", {"name": field})
    assert box["value"] == typed and box["aria-invalid"] == "true"
    assert page.find(id=box["aria-describedby"]).get_text(strip=True) == message
    assert message in page.find(id="error-summary").get_text()
    assert page.find("tbody") is None  # no entries under a filter that was not applied


def test_an_end_day_before_the_start_day_is_refused(client, auth, make_user):
    auth.login(make_user(Role.ADMIN))
    response = client.get("/admin/audit/?from=2026-05-02&to=2026-05-01")
    assert response.status_code == 422
    message = page_of(response).find(id="f-to-error").get_text(strip=True)
    assert message == "截止日期不能早于起始日期。"


@pytest.mark.parametrize("query", ["actor=abc", "action=explode", "subject=Galaxy"])
def test_a_choice_not_in_the_list_is_refused_by_its_field(client, auth, make_user, query):
    auth.login(make_user(Role.ADMIN))
    response = client.get(f"/admin/audit/?{query}")
    assert response.status_code == 422
    assert "请从列表中选择。" in page_of(response).find(class_="field-error").get_text()


def test_htmx_gets_the_filters_and_entries_and_a_refusal_in_place(client, auth, make_user):
    auth.login(make_user(Role.ADMIN))
    form = page_of(client.get("/admin/audit/")).find("form", role="search")
    assert form["data-hx-target"] == "#audit-log" and form["data-hx-get"] == "/admin/audit/"
    assert form["method"] == "get" and form["action"] == "/admin/audit/"  # works without htmx
    fragment = client.get("/admin/audit/?action=staff.login", headers={"HX-Request": "true"})
    piece = page_of(fragment)
    assert fragment.status_code == 200 and piece.find("html") is None
    assert piece.find(id="audit-log").find("form") and piece.find("tbody")
    refused = client.get("/admin/audit/?from=nonsense", headers={"HX-Request": "true"})
    assert refused.status_code == 422 and page_of(refused).find(id="f-from-error")


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
    second = page_of(first).find("a", rel="next")["href"]
    assert "action=test.bulk" in second
    assert len(rows(client.get(second))) == 10


def test_an_entry_without_a_title_reads_as_its_action(app):
    entry = AuditEntry(
        actor_name="张敏", action="x.y", subject_type="Z", summary="", before=None, after=None
    )
    with app.test_request_context():
        [line] = read_entries([entry])
    assert (line.summary, line.record, line.changes) == ("x.y", "Z", [])
