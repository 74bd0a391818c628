"""The reviewer sees what approval makes public, as the public will see it.

For every registered reviewable kind (and every kind of change to a meeting) a submitted
item is built with each public field filled with its own text. The reviewer reads its
staff page; then approves it; then the public page is read. Everything the approval made
appear on the public page must have been in the preview, and the preview shows nothing
the public page will not (for a change: nothing that is not on the page before or
after). Every document link in a preview opens for the reviewer before approval.

It walks `core.review.REVIEWABLE_KINDS`, so a new kind fails here until it has a preview
and a case below. It sits at the top of tests/ because it spans the features.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from bs4 import BeautifulSoup
from freezegun import freeze_time
from sqlalchemy import select, update
from werkzeug.datastructures import FileStorage

from core import review
from core.accounts.models import Role
from core.clock import utcnow
from core.files import store_upload
from engagement.consultations import operations as consultation_operations
from engagement.consultations.models import Comment, Consultation, Disposition
from engagement.reports.operations import prepare_report
from extensions import db
from meetings import operations as meeting_operations
from meetings.decisions import operations as decision_operations
from meetings.decisions.models import DecisionOutcome
from meetings.models import AgendaItem, ChangeKind, Meeting, MeetingChange, Visibility

FROZEN_AT = "2026-03-02T02:00:00+00:00"  # the preview is read and approved at one instant
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
DOCX = b"PK\x03\x04" + b"\x00" * 64
# Not content under review: the way back to the list, the residents' comment form, and an
# open day's registration section (its form, its heading, the link asked for again).
NOT_REVIEWED = "nav.breadcrumb, form, section#register"
STAFF_DOCUMENTS = "/admin/documents/"
PUBLIC_DOCUMENTS = ("/documents/", "/consultation-documents/")


def pieces(html: bytes | str, selector: str = "main", leave_out: str = NOT_REVIEWED) -> list[str]:
    """The lines of text a reader sees in the region, in order, without `leave_out`."""
    root = BeautifulSoup(html, "html.parser").select_one(selector)
    assert root is not None, f"no {selector} on the page"
    for hidden in root.select(f"{leave_out}, script, style"):
        hidden.decompose()
    return [line.strip() for line in root.get_text("\n").splitlines() if line.strip()]


def stored(name: str, data: bytes):
    return store_upload(FileStorage(io.BytesIO(data), filename=name), field="document")


@dataclass
class Built:
    item: review.Reviewable  # submitted for review, committed
    public_url: str
    marks: list[str]  # the distinctive texts of its public fields: all must reach the public


class Factories:
    """The conftest factories a case needs, handed over as one object."""

    def __init__(self, **fixtures: Any) -> None:
        self.__dict__.update(fixtures)


# Meeting ----------------------------------------------------------------------------------


def meeting_case(f: Factories) -> Built:
    marks = [
        "预览会议标题-甲",
        "预览会议地点-乙",
        "https://live.example.org/preview-丙",
        "预览会议说明-丁",
        "预览议题标题-戊",
        "预览议题摘要-己",
        "预览承办单位-庚",
        "预览汇报人-辛",
        "预览不予公开依据-壬",
        "预览方案.pdf",
        "预览说明.docx",
    ]
    meeting = f.make_meeting(
        title=marks[0],
        venue=marks[1],
        livestream_url=marks[2],
        notes=marks[3],
        sit_in_open=True,
        sit_in_places=7,
        agenda=[
            AgendaItem(
                position=1,
                title=marks[4],
                summary=marks[5],
                sponsor=marks[6],
                presenter=marks[7],
                is_major_decision=True,
            ),
            AgendaItem(
                position=2,
                title="不应公开的议题名称",
                visibility=Visibility.WITHHELD,
                withheld_basis=marks[8],
            ),
        ],
    )
    public_item, withheld = meeting.agenda
    for item, name, data in (
        (public_item, marks[9], PDF),
        (public_item, marks[10], DOCX),
        (withheld, "不应公开的附件.pdf", PDF),
    ):
        meeting_operations.attach_document(item, stored(name, data), actor=meeting.author)
    review.submit_for_review(meeting, actor=meeting.author)
    db.session.commit()
    return Built(meeting, f"/meetings/{meeting.id}", marks)


# Changes to an announced meeting ------------------------------------------------------------


def announced_meeting(f: Factories, **fields: Any) -> Meeting:
    """Announced, with a public item (and its document), a second one and a withheld one."""
    meeting = f.make_meeting(
        agenda=[
            AgendaItem(position=1, title="第一项议题-公开", summary="第一项摘要"),
            AgendaItem(position=2, title="第二项议题-公开", sponsor="区民政局"),
            AgendaItem(
                position=3,
                title="第三项议题-不公开",
                visibility=Visibility.WITHHELD,
                withheld_basis="涉及国家秘密",
            ),
        ],
        **fields,
    )
    meeting_operations.attach_document(
        meeting.agenda[0], stored("第一项材料.pdf", PDF), actor=meeting.author
    )
    return f.announce(meeting)


def proposed(meeting: Meeting, kind: ChangeKind, **fields: Any) -> MeetingChange:
    change = meeting_operations.propose_change(meeting, kind, actor=meeting.author, **fields)
    return submitted(change)


def submitted(change: MeetingChange) -> MeetingChange:
    review.submit_for_review(change, actor=change.author)
    db.session.commit()
    return change


def change_built(change: MeetingChange, marks: list[str]) -> Built:
    return Built(change, f"/meetings/{change.meeting_id}", marks)


def postpone_case(f: Factories) -> Built:
    meeting = announced_meeting(f)
    later = meeting.starts_at + timedelta(days=7, hours=1)
    reason = "延期原因-材料需进一步完善"
    return change_built(
        proposed(
            meeting,
            ChangeKind.POSTPONE,
            new_starts_at=later,
            new_ends_at=later + timedelta(hours=3),
            reason=reason,
        ),
        [reason],
    )


def cancel_case(f: Factories) -> Built:
    reason = "取消原因-防汛工作需要"
    meeting = announced_meeting(f, notes="取消后不再显示的说明")
    return change_built(proposed(meeting, ChangeKind.CANCEL, reason=reason), [reason])


def conclude_case(f: Factories) -> Built:
    """Concluded by hand: only a meeting with no item the public reads in full (one with
    such items is concluded by publishing their decisions)."""
    reason = "结束说明-议题均已审议"
    meeting = f.announce(
        f.make_meeting(
            starts_at=utcnow() - timedelta(minutes=10),
            agenda=[
                AgendaItem(
                    position=1,
                    title="议题-不公开",
                    visibility=Visibility.WITHHELD,
                    withheld_basis="涉及国家秘密",
                )
            ],
        )
    )
    return change_built(proposed(meeting, ChangeKind.CONCLUDE, reason=reason), [reason])


def add_item_case(f: Factories) -> Built:
    meeting = announced_meeting(f)
    marks = ["新增议题-名称", "新增议题-摘要", "新增-承办单位", "新增-汇报人", "新增材料.pdf"]
    item = meeting_operations.put_item_on_agenda(
        meeting,
        actor=meeting.author,
        title=marks[0],
        summary=marks[1],
        sponsor=marks[2],
        presenter=marks[3],
        is_major_decision=True,
        visibility=Visibility.PUBLIC,
        withheld_basis=None,
    )
    meeting_operations.attach_item_document(item, stored(marks[4], PDF), actor=meeting.author)
    change = db.session.scalar(select(MeetingChange).where(MeetingChange.agenda_item_id == item.id))
    return change_built(submitted(change), marks)


def remove_item_case(f: Factories) -> Built:
    meeting = announced_meeting(f)
    reason = "撤销原因-已并入下次会议"
    change = proposed(meeting, ChangeKind.REMOVE_ITEM, agenda_item=meeting.agenda[0], reason=reason)
    return change_built(change, [reason])


def retitle_item_case(f: Factories) -> Built:
    meeting = announced_meeting(f)
    marks = ["更名后的议题名称", "更名说明-与文件一致"]
    change = proposed(
        meeting,
        ChangeKind.RETITLE_ITEM,
        agenda_item=meeting.agenda[0],
        new_title=marks[0],
        reason=marks[1],
    )
    return change_built(change, marks)


def reorder_case(f: Factories) -> Built:
    meeting = announced_meeting(f)
    reason = "调整顺序-先审议民生议题"
    order = [item.id for item in reversed(meeting.public_agenda)]
    change = proposed(meeting, ChangeKind.REORDER, new_order=order, reason=reason)
    return change_built(change, [reason])


def add_document_case(f: Factories) -> Built:
    meeting = announced_meeting(f)
    name = "补充材料-新增文件.docx"
    document = meeting_operations.attach_item_document(
        meeting.agenda[1], stored(name, DOCX), actor=meeting.author
    )
    change = db.session.scalar(select(MeetingChange).where(MeetingChange.document == document))
    return change_built(submitted(change), [name])


CHANGE_CASES: dict[ChangeKind, Callable[[Factories], Built]] = {
    ChangeKind.POSTPONE: postpone_case,
    ChangeKind.CANCEL: cancel_case,
    ChangeKind.CONCLUDE: conclude_case,
    ChangeKind.ADD_ITEM: add_item_case,
    ChangeKind.REMOVE_ITEM: remove_item_case,
    ChangeKind.RETITLE_ITEM: retitle_item_case,
    ChangeKind.REORDER: reorder_case,
    ChangeKind.ADD_DOCUMENT: add_document_case,
}


# Consultations ------------------------------------------------------------------------------


def consultation_case(f: Factories) -> Built:
    marks = [
        "征求意见标题-子",
        "草案标题-丑",
        "草案条文-寅",
        "起草说明-卯",
        "其他方式-辰",
        "期限较短的理由-巳",
        "征求意见附件-午.pdf",
    ]
    consultation = f.make_consultation(
        approve=False,
        title=marks[0],
        draft_text=f"## {marks[1]}\n\n- {marks[2]}，**加粗**",
        explanation=marks[3],
        other_channels=marks[4],
        closes_at=utcnow() + timedelta(days=12),
        short_period_reason=marks[5],
    )
    author = consultation.author
    consultation_operations.attach_consultation_document(
        consultation, stored(marks[6], PDF), actor=author
    )
    review.submit_for_review(consultation, actor=author)
    db.session.commit()
    return Built(consultation, f"/consultations/{consultation.id}", marks)


def feedback_report_case(f: Factories) -> Built:
    consultation = f.make_consultation()
    author = consultation.author

    def comment(body: str, name: str) -> Comment:
        return consultation_operations.submit_comment(
            consultation,
            body=body,
            name=name,
            show_name=True,
            phone=None,
            email=None,
            community=None,
            consented=True,
        )

    adopted, refused, off_topic = (
        comment("建议增加助餐服务", "陈刚"),
        comment("建议取消驿站", "李红"),
        comment("与草案无关的内容", "王五"),
    )
    consultation_operations.moderate_comments([adopted, refused], True, None, actor=author)
    consultation_operations.moderate_comments([off_topic], False, "与草案无关", actor=author)
    marks = ["采纳理由-助餐已列入", "未采纳理由-驿站确有需要", "采纳情况综述-未"]
    consultation_operations.answer_comment(
        adopted,
        reply="感谢建议",
        disposition=Disposition.ADOPTED,
        disposition_reason=marks[0],
        actor=author,
    )
    consultation_operations.answer_comment(
        refused,
        reply=None,
        disposition=Disposition.NOT_ADOPTED,
        disposition_reason=marks[1],
        actor=author,
    )
    db.session.execute(
        update(Consultation)
        .where(Consultation.id == consultation.id)
        .values(closes_at=utcnow() - timedelta(minutes=1))
    )
    db.session.expire_all()
    report = consultation_operations.save_feedback_report(
        consultation, f"## 综述\n\n{marks[2]}", actor=author
    )
    review.submit_for_review(report, actor=author)
    db.session.commit()
    return Built(report, f"/consultations/{consultation.id}", marks)


# Open days --------------------------------------------------------------------------------


def open_day_case(f: Factories) -> Built:
    marks = [
        "开放日标题-申",
        "开放日介绍-酉",
        "集合地点-戌",
        "参观点一-亥",
        "参观点二-甲子",
        "报名条件-乙丑",
        "无障碍说明-丙寅",
    ]
    open_day = f.make_open_day(
        approve=False,
        stops=marks[3:5],
        title=marks[0],
        description=f"## 介绍\n\n{marks[1]}，**加粗**",
        meeting_point=marks[2],
        eligibility=marks[5],
        accessibility=marks[6],
        id_required=True,
    )
    review.submit_for_review(open_day, actor=open_day.author)
    db.session.commit()
    return Built(open_day, f"/open-days/{open_day.id}", marks)


# Decisions --------------------------------------------------------------------------------


def held_meeting(f: Factories) -> Meeting:
    return f.announce(
        f.make_meeting(
            starts_at=utcnow() - timedelta(hours=3),
            agenda=[AgendaItem(position=1, title="关于停车治理的议题", is_major_decision=True)],
        )
    )


def decision_case(f: Factories) -> Built:
    marks = [
        "决定标题-壬",
        "决定内容-癸",
        "不同意见-子",
        "解读小标题-丑",
        "解读正文-寅",
        "意见采纳-卯",
        "最终文件-辰",
    ]
    meeting = held_meeting(f)
    decision = decision_operations.record_decision(
        meeting.agenda[0],
        actor=meeting.author,
        title=marks[0],
        outcome=DecisionOutcome.APPROVED_WITH_CHANGES,
        text=marks[1],
        dissent=marks[2],
        interpretation=f"## {marks[3]}\n\n{marks[4]}，**加粗**",
        comments_used=marks[5],
        documents=[[marks[6], "https://www.example.gov.cn/final.pdf"]],
    )
    version = decision.versions[0]
    review.submit_for_review(version, actor=meeting.author)
    db.session.commit()
    return Built(version, f"/decisions/{decision.id}", marks)


def correction_case(f: Factories) -> Built:
    meeting = held_meeting(f)
    author = meeting.author
    decision = decision_operations.record_decision(
        meeting.agenda[0],
        actor=author,
        title="更正前的决定",
        outcome=DecisionOutcome.APPROVED,
        text="首批整治120条",
        dissent=None,
        interpretation="## 解读\n\n原来的解读",
        comments_used=None,
        documents=[],
    )
    review.submit_for_review(decision.versions[0], actor=author)
    review.approve(decision.versions[0], actor=f.make_user(Role.REVIEWER))
    marks = ["首批整治102条-更正后", "更正说明-原文数字有误"]
    correction = decision_operations.start_correction(decision, actor=author)
    decision_operations.update_decision(
        correction, actor=author, text=marks[0], correction_note=marks[1]
    )
    review.submit_for_review(correction, actor=author)
    db.session.commit()
    return Built(correction, f"/decisions/{decision.id}", marks)


def meeting_summary_case(f: Factories) -> Built:
    meeting = held_meeting(f)
    marks = ["通稿小标题-巳", "通稿正文-午"]
    summary = decision_operations.write_summary(
        meeting, text=f"## {marks[0]}\n\n{marks[1]}", correction_note=None, actor=meeting.author
    )
    review.submit_for_review(summary, actor=meeting.author)
    db.session.commit()
    return Built(summary, f"/meetings/{meeting.id}", marks)


# Annual reports ---------------------------------------------------------------------------


def annual_report_case(f: Factories) -> Built:
    marks = ["会议主体-未"]
    meeting = f.make_meeting(starts_at=utcnow() - timedelta(days=3))
    meeting.body.name = marks[0]
    f.announce(meeting)
    report = prepare_report(2026, correction_note=None, actor=f.make_user(Role.EDITOR))
    review.submit_for_review(report, actor=report.author)
    db.session.commit()
    return Built(report, "/reports/2026", marks)


CASES: dict[str, dict[str, Callable[[Factories], Built]]] = {
    "annual_report": {"": annual_report_case},
    "decision": {"": decision_case, "correction": correction_case},
    "meeting_summary": {"": meeting_summary_case},
    "meeting": {"": meeting_case},
    "meeting_change": {kind.value: case for kind, case in CHANGE_CASES.items()},
    "consultation": {"": consultation_case},
    "feedback_report": {"": feedback_report_case},
    "open_day": {"": open_day_case},
}


def every_case() -> list[Any]:
    """One case per registered kind and variant; a kind without any is a case that fails."""
    found = []
    for kind in sorted(review.REVIEWABLE_KINDS):
        for variant in CASES.get(kind, {None: None}):
            found.append(pytest.param(kind, variant, id=f"{kind}-{variant}" if variant else kind))
    return found


def test_every_change_kind_has_a_case():
    assert set(CHANGE_CASES) == set(ChangeKind)


@pytest.mark.parametrize(("kind", "variant"), every_case())
def test_the_preview_shows_everything_approval_makes_public(
    kind,
    variant,
    app,
    client,
    auth,
    make_user,
    make_meeting,
    announce,
    make_consultation,
    make_open_day,
):
    assert variant is not None, f"reviewable kind {kind!r} has no preview case in this test"
    with freeze_time(FROZEN_AT):
        built = CASES[kind][variant](
            Factories(
                make_meeting=make_meeting,
                announce=announce,
                make_consultation=make_consultation,
                make_open_day=make_open_day,
                make_user=make_user,
            )
        )
        item = built.item
        with app.test_request_context():
            staff_url, preview_url = item.staff_url().partition("#")[0], item.preview_url()
        resident = app.test_client()
        before = resident.get(built.public_url)
        before_pieces = pieces(before.data) if before.status_code == 200 else []

        auth.login(make_user(Role.REVIEWER))
        staff_page = client.get(staff_url)
        assert staff_page.status_code == 200
        region = f"#{item.preview_id}"
        preview = pieces(staff_page.data, region)
        preview_pages = BeautifulSoup(staff_page.data, "html.parser").select(
            f"{region} .preview-page"
        )
        # What the preview shows as public content (a note stands where the form will be).
        shown = [
            piece
            for page in preview_pages
            for piece in pieces(str(page), "*", leave_out=".preview-placeholder")
        ]
        links = [
            a["href"]
            for a in BeautifulSoup(staff_page.data, "html.parser").select(f"{region} a[href]")
        ]
        for href in links:
            assert not href.startswith(PUBLIC_DOCUMENTS), f"{href} cannot open before approval"
            if href.startswith(STAFF_DOCUMENTS):
                opened = client.get(href)
                assert opened.status_code == 200, href
                assert opened.headers["Cache-Control"] == "no-store"
        queue = client.get("/admin/review/")
        if item.queue_preview:
            assert pieces(queue.data, region) == preview  # the same preview in the queue
        else:
            assert BeautifulSoup(queue.data, "html.parser").select(f'a[href="{preview_url}"]')

        approved = client.post(f"/admin/review/{item.review_kind}/{item.id}/approve")
        assert approved.status_code == 303
        after = resident.get(built.public_url)
        assert after.status_code == 200
        after_pieces = pieces(after.data)

    public_text = "\n".join(after_pieces)
    assert [mark for mark in built.marks if mark not in public_text] == [], "case is not public"
    made_public = [piece for piece in after_pieces if piece not in before_pieces]
    assert made_public, "approval changed nothing on the public page"
    assert [piece for piece in made_public if piece not in preview] == []
    assert [piece for piece in shown if piece not in after_pieces + before_pieces] == []
