"""The parts of a generated meeting: its agenda items and their documents, the approved
changes its history implies (applied to its row), its conclusion (by the decisions on its
public items, which `bench.data.decisions` writes, or by a change when it has none), and
the live updates posted while it ran; each with its audit rows."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bench.data import Generation, between
from bench.data.texts import (
    CANCEL_REASONS,
    LIVE_TEXTS,
    POSTPONE_REASONS,
    TOPICS,
    WITHHELD_BASIS,
    WITHHELD_TITLE,
)
from core.clock import to_office_time
from core.review import ReviewState
from meetings.models import (
    AgendaDocument,
    AgendaItem,
    ChangeKind,
    LiveUpdate,
    MeetingChange,
    Visibility,
)

if TYPE_CHECKING:
    from bench.data.meetings import Plan


def meeting_title(plan: Plan) -> str:
    year = to_office_time(plan.starts_at).year
    return f"{plan.body.short}{year}年第{plan.session_number}次{plan.body.kind}"


def write_items(
    gen: Generation, plan: Plan, author: str, created: datetime, published: datetime | None
) -> list[dict]:
    rng = gen.rng
    year = to_office_time(plan.starts_at).year
    items = []
    for position in range(1, plan.items + 1):
        withheld = plan.fate not in ("bench", "consulted") and rng.random() < 0.02
        subject, sponsor, presenter, may_be_major = rng.choice(TOPICS)
        major = may_be_major and not withheld and rng.random() < 0.3
        if plan.fate == "consulted" and position == 1:  # the bench's consultation is on it
            subject, sponsor, presenter, major = next(topic for topic in TOPICS if topic[3])
        item = {
            "id": gen.new_id(AgendaItem),
            "meeting_id": plan.id,
            "position": position,
            "title": WITHHELD_TITLE if withheld else f"关于{year}年{subject}的议题",
            "summary": None if withheld else f"{sponsor}汇报{subject}，提请会议研究。",
            "sponsor": sponsor,
            "presenter": None if withheld else presenter,
            "is_major_decision": major,
            "visibility": Visibility.WITHHELD if withheld else Visibility.PUBLIC,
            "withheld_basis": WITHHELD_BASIS if withheld else None,
            "created_at": created + timedelta(minutes=position),
            "published_at": published,
            "removed_at": None,
        }
        items.append(item)
        gen.audit(
            "agenda.add",
            "AgendaItem",
            item["id"],
            at=item["created_at"],
            actor=author,
            summary=f"Added agenda item to {meeting_title(plan)}: {item['title']}",
        )
        if not withheld and (plan.fate == "bench" or rng.random() < 0.3):
            for number in range(rng.randint(1, 2)):
                add_document(gen, item, author, item["created_at"], published, number)
    for item in items:
        gen.add(AgendaItem, **item)
    return items


def add_document(
    gen: Generation,
    item: dict,
    author: str,
    uploaded: datetime,
    published: datetime | None,
    number: int,
) -> int:
    name = ("议题说明.pdf", "起草说明.pdf", "补充材料.pdf")[number]
    document_id = gen.add(
        AgendaDocument,
        agenda_item_id=item["id"],
        original_name=name,
        stored_name=f"{secrets.token_hex(16)}.pdf",
        content_type="application/pdf",
        size=gen.rng.randint(40_000, 3_000_000),
        uploaded_at=uploaded,
        published_at=published,
    )
    gen.audit(
        "document.attach",
        "AgendaDocument",
        document_id,
        at=uploaded,
        actor=author,
        summary=f"Attached {name} to {item['title']}",
    )
    return document_id


def history(gen: Generation, plan: Plan, row: dict, items: list[dict], author: str) -> None:
    """The approved changes an announced meeting went through, applied to its row."""
    rng, now = gen.rng, gen.now
    announced = row["published_at"]
    public_items = [item for item in items if item["visibility"] == Visibility.PUBLIC]
    past = plan.fate in ("concluded", "postponed", "held", "bench", "consulted")
    if past and public_items and (plan.fate == "bench" or rng.random() < 0.03):
        item = rng.choice(public_items)
        at = between(rng, announced, plan.starts_at)
        old, item["title"] = item["title"], item["title"].replace("的议题", "（修订）的议题")
        retitled = {"agenda_item_id": item["id"], "old_title": old, "new_title": item["title"]}
        _change(gen, plan, row, author, ChangeKind.RETITLE_ITEM, at, **retitled)
    if past and public_items and rng.random() < 0.03:
        item = rng.choice(public_items)
        at = between(rng, announced, plan.starts_at)
        document_id = add_document(gen, item, author, at - timedelta(hours=1), at, 2)
        _change(gen, plan, row, author, ChangeKind.ADD_DOCUMENT, at, document_id=document_id)
    if past and len(public_items) > 2 and rng.random() < 0.01:
        item = public_items[-1]
        at = between(rng, announced, plan.starts_at)
        item["removed_at"] = at
        reason = "该议题需进一步研究，本次会议不再审议。"
        removed = {"agenda_item_id": item["id"], "reason": reason}
        _change(gen, plan, row, author, ChangeKind.REMOVE_ITEM, at, **removed)
    if plan.fate in ("postponed", "upcoming-postponed"):
        original = plan.starts_at - timedelta(days=7)
        at = min(original - timedelta(days=3), now - timedelta(hours=rng.randint(1, 48)))
        row["original_starts_at"] = original
        row["postpone_reason"] = reason = rng.choice(POSTPONE_REASONS)
        moved = {"old_starts_at": original, "new_starts_at": plan.starts_at}
        moved |= {"new_ends_at": row["ends_at"], "reason": reason}
        _change(gen, plan, row, author, ChangeKind.POSTPONE, max(at, announced), **moved)
    if plan.fate == "cancelled":
        at = max(announced, plan.starts_at - timedelta(days=rng.randint(1, 5)))
        row["cancelled_at"], row["cancel_reason"] = at, rng.choice(CANCEL_REASONS)
        _change(gen, plan, row, author, ChangeKind.CANCEL, at, reason=row["cancel_reason"])
    if plan.fate in ("concluded", "postponed", "bench", "consulted"):
        at = min(row["ends_at"] + timedelta(hours=rng.randint(1, 48)), now - timedelta(hours=1))
        row["concluded_at"] = at
        if any(item["removed_at"] is None for item in public_items):
            _concluded_by_decisions(gen, row, at)
        else:  # nothing to decide in public: staff conclude it by a reviewed change
            _change(gen, plan, row, author, ChangeKind.CONCLUDE, at)


def _concluded_by_decisions(gen: Generation, row: dict, at: datetime) -> None:
    """`conclude_when_decided`, as the last public item's decision is approved at `at`
    (the decisions step publishes it then): the meeting revised, the reviewer's audit row."""
    row["revision"] += 1
    row["revised_at"] = max(row["revised_at"] or at, at)
    gen.audit("meeting.concluded_by_decisions", "Meeting", row["id"], at=at, actor="reviewer",
              summary=row["title"], after={"concluded_at": at.isoformat()})  # fmt: skip


def _change(
    gen: Generation,
    plan: Plan,
    row: dict,
    author: str,
    kind: ChangeKind,
    published: datetime,
    **fields: object,
) -> None:
    """An approved `MeetingChange`, proposed and reviewed shortly before `published`."""
    proposed = published - timedelta(minutes=gen.rng.randint(30, 240))
    change_id = gen.add(
        MeetingChange,
        meeting_id=plan.id,
        kind=kind,
        created_at=proposed,
        review_state=ReviewState.APPROVED,
        submitted_at=proposed + timedelta(minutes=5),
        published_at=published,
        author_id=gen.staff[author].id,
        reviewed_by_id=gen.staff["reviewer"].id,
        **fields,
    )
    row["revision"] += 1  # `Meeting.revise` as the change is approved
    row["revised_at"] = max(row["revised_at"] or published, published)
    review_title = f"{row['title']} · {kind.label}"
    for action, at, actor, summary in (
        ("meeting_change.propose", proposed, author, f"Proposed {kind.value} for {row['title']}"),
        ("review.submit", proposed + timedelta(minutes=5), author, "Submitted for review: "),
        ("review.approve", published, "reviewer", "Approved and published: "),
    ):
        if action.startswith("review."):
            summary += review_title
        gen.audit(action, "MeetingChange", change_id, at=at, actor=actor, summary=summary)


def live_updates(gen: Generation, plan: Plan, items: list[dict], author: str) -> None:
    rng = gen.rng
    count = 6 if plan.fate == "bench" else rng.randint(3, 8)
    minutes = sorted(rng.sample(range(150), count))
    for index, minute in enumerate(minutes):
        posted = plan.starts_at + timedelta(minutes=minute)
        text = LIVE_TEXTS[min(index, len(LIVE_TEXTS) - 1)] if index < 2 else rng.choice(LIVE_TEXTS)
        withdrawn = plan.fate != "bench" and rng.random() < 0.02
        update_id = gen.add(
            LiveUpdate,
            meeting_id=plan.id,
            agenda_item_id=rng.choice(items)["id"] if index and rng.random() < 0.5 else None,
            text=text,
            image_name=None,
            image_type=None,
            posted_at=posted,
            edited_at=posted + timedelta(minutes=3) if rng.random() < 0.05 else None,
            withdrawn_at=posted + timedelta(minutes=10) if withdrawn else None,
            author_id=gen.staff[author].id,
        )
        gen.audit(
            "live.post",
            "LiveUpdate",
            update_id,
            at=posted,
            actor=author,
            summary=f"Posted live update on {plan.body.short}{plan.body.kind}",
        )
