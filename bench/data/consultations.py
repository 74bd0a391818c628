"""Consultations' share of ten busy years: 200 comment periods on major decisions of
concluded meetings, each approved, closed and answered by a published feedback report,
with 200,000 comments between them, moderated and given their dispositions, residents'
personal data purged a year after the report, and the audit rows of all of it.

The most recently closed consultation is the bench's consultation page: it has exactly
1,000 comments and is on the first item of the meetings step's `consulted_meeting`. The
others are on major decisions of meetings at least a month old; one has about 20,000.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import select

from bench.data import Generation, between
from bench.data.texts import (
    COMMENT_SENTENCES,
    COMMUNITIES,
    GIVEN_NAMES,
    NOT_ADOPTED_REASONS,
    REJECTION_REASONS,
    REPLIES,
    SURNAMES,
)
from core.clock import to_office_time
from core.review import ReviewState
from engagement.consultations.models import (
    Channel,
    Comment,
    CommentStatus,
    Consultation,
    Disposition,
    FeedbackReport,
)
from engagement.consultations.operations import RECEIPT_PREFIX, RETENTION
from extensions import db
from meetings.models import AgendaItem, Meeting

CONSULTATIONS = 200
COMMENTS = 200_000
BENCH_COMMENTS = 1_000
BIG_COMMENTS = 20_000
DISPOSITIONS = (
    (Disposition.ADOPTED, 0.15),
    (Disposition.PARTLY_ADOPTED, 0.15),
    (Disposition.NOT_ADOPTED, 0.5),
    (Disposition.OUT_OF_SCOPE, 0.2),
)
CHANNELS = (
    (Channel.WEB, 0.9),
    (Channel.LETTER, 0.04),
    (Channel.PHONE, 0.03),
    (Channel.EMAIL, 0.03),
)


def generate_consultations(gen: Generation) -> None:
    items = db.session.execute(
        select(AgendaItem.id, AgendaItem.title, AgendaItem.meeting_id, Meeting.starts_at)
        .join(AgendaItem.meeting)
        .where(
            Meeting.id >= gen.first_id(Meeting),
            Meeting.id != gen.marks["bench_meeting"],
            Meeting.review_state == ReviewState.APPROVED,
            Meeting.concluded_at.is_not(None),
            AgendaItem.is_major_decision.is_(True),
            AgendaItem.shown_in_full(),
        )
        .order_by(Meeting.starts_at.desc(), AgendaItem.position)
    ).all()
    consulted = gen.marks["consulted_meeting"]
    bench = next(item for item in items if item.meeting_id == consulted)
    older = [item for item in items if item.starts_at < gen.now - timedelta(days=30)]
    chosen = gen.rng.sample(older, min(len(older), gen.count(CONSULTATIONS, minimum=2) - 1))
    sizes = _comment_sizes(gen, len(chosen))
    for item, size in zip([bench, *chosen], [gen.count(BENCH_COMMENTS), *sizes], strict=True):
        _consultation(gen, item, size)


def _comment_sizes(gen: Generation, consultations: int) -> list[int]:
    """How many comments each older consultation got: one big one, the rest uneven."""
    if not consultations:
        return []
    big = gen.count(BIG_COMMENTS)
    rest = max(0, gen.count(COMMENTS) - gen.count(BENCH_COMMENTS) - big)
    weights = [gen.rng.lognormvariate(0, 0.8) for _ in range(consultations - 1)]
    sizes = [max(1, int(rest * weight / sum(weights))) for weight in weights]
    for index in range(max(0, rest - sum(sizes)) if sizes else 0):
        sizes[index % len(sizes)] += 1
    sizes.insert(gen.rng.randrange(consultations), big)
    return sizes


def _consultation(gen: Generation, item, comments: int) -> None:
    rng, now = gen.rng, gen.now
    subject = item.title.removeprefix("关于").removesuffix("的议题")
    closes = item.starts_at - timedelta(days=10)
    opens = closes - timedelta(days=40)
    extended = rng.random() < 0.1
    title = f"《{subject}（征求意见稿）》公开征求意见"
    editor, reviewer = gen.staff["editor"].id, gen.staff["reviewer"].id
    consultation_id = gen.add(
        Consultation,
        agenda_item_id=item.id,
        title=title,
        draft_text=f"## 一、总体要求\n\n{subject}。\n\n## 二、主要措施\n\n分步实施，加强监督。",
        explanation=f"为做好{subject}工作，承办单位起草了本征求意见稿。**欢迎提出意见。**",
        other_channels="信函：区政府办公室（请在信封注明“意见”）",
        opens_at=opens,
        closes_at=closes,
        short_period_reason=None,
        original_closes_at=closes - timedelta(days=7) if extended else None,
        extension_reason="为充分听取意见，征求意见期延长7天。" if extended else None,
        created_at=opens - timedelta(days=6),
        review_state=ReviewState.APPROVED,
        submitted_at=opens - timedelta(days=3),
        published_at=opens - timedelta(days=2),
        # `Consultation.revise`: on approval, and again when the period was extended (two
        # days before it was to close).
        revision=2 if extended else 1,
        revised_at=closes - timedelta(days=9) if extended else opens - timedelta(days=2),
        author_id=editor,
        reviewed_by_id=reviewer,
    )
    _reviewed(
        gen,
        "Consultation",
        consultation_id,
        title,
        opens - timedelta(days=2),
        ("consultation.create", f"Prepared consultation: {title}"),
    )
    published = closes + timedelta(days=rng.randint(2, 7))
    purged = published + RETENTION + timedelta(days=1)
    purged_at = purged if purged < now else None
    counts = _comments(gen, consultation_id, opens, closes, comments, purged_at)
    report_id = gen.add(
        FeedbackReport,
        consultation_id=consultation_id,
        summary=(
            f"共收到意见{counts['received']}条，其中{counts['rejected']}条未公开。"
            "未采纳的意见已逐条说明理由。"
        ),
        counts=counts,
        review_state=ReviewState.APPROVED,
        submitted_at=published - timedelta(days=1),
        published_at=published,
        author_id=editor,
        reviewed_by_id=reviewer,
    )
    _reviewed(
        gen,
        "FeedbackReport",
        report_id,
        f"{title} · 意见采纳情况",
        published,
        ("feedback.save", f"Saved feedback report for {title}"),
    )
    if purged_at is not None:
        gen.audit(
            "comment.purge_personal_data",
            "Consultation",
            consultation_id,
            at=purged_at,
            actor=None,
            summary=f"Deleted personal data of {counts['received']} comments after the "
            "retention period",
        )


def _reviewed(
    gen: Generation,
    subject_type: str,
    subject_id: int,
    review_title: str,
    published: datetime,
    prepared: tuple[str, str],
) -> None:
    """The audit rows of something prepared, submitted and approved before `published`."""
    prepare_action, prepare_summary = prepared
    steps = (
        (prepare_action, published - timedelta(days=4), "editor", prepare_summary),
        ("review.submit", published - timedelta(days=1), "editor", "Submitted for review: "),
        ("review.approve", published, "reviewer", "Approved and published: "),
    )
    for action, at, actor, summary in steps:
        if action.startswith("review."):
            summary += review_title
        gen.audit(action, subject_type, subject_id, at=at, actor=actor, summary=summary)


def _pick(gen: Generation, weighted: tuple) -> object:
    return gen.rng.choices([value for value, _ in weighted], [w for _, w in weighted])[0]


def _comments(
    gen: Generation,
    consultation_id: int,
    opens: datetime,
    closes: datetime,
    number: int,
    purged_at: datetime | None,
) -> dict[str, int]:
    """The comments, as received, moderated and answered; their counts for the report."""
    rng = gen.rng
    counts = {d.value: 0 for d in Disposition} | {
        "undecided": 0,
        "received": number,
        "rejected": 0,
        "awaiting": 0,
    }
    for received in sorted(between(rng, opens, closes) for _ in range(number)):
        comment_id = gen.new_id(Comment)
        channel = _pick(gen, CHANNELS)
        web = channel == Channel.WEB
        receipt = f"{RECEIPT_PREFIX}-{to_office_time(received).year}-{comment_id:06d}"
        row = {
            "id": comment_id,
            "consultation_id": consultation_id,
            "receipt_number": receipt,
            "token": secrets.token_urlsafe(24),
            "body": "".join(rng.sample(COMMENT_SENTENCES, rng.randint(1, 3))),
            "name": rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES),
            "show_name": web and rng.random() < 0.8,
            "phone": f"13{rng.randrange(10**9):09d}" if rng.random() < 0.3 else None,
            "email": f"resident{comment_id}@example.com" if rng.random() < 0.15 else None,
            "community": rng.choice(COMMUNITIES) if rng.random() < 0.7 else None,
            "consent_at": received if web else None,
            "channel": channel,
            "status": CommentStatus.PUBLISHED,
            "rejection_reason": None,
            "moderated_at": received + timedelta(hours=rng.randint(1, 48)),
            "reply": None,
            "replied_at": None,
            "disposition": None,
            "disposition_reason": None,
            "received_at": received,
            "entered_by_id": None if web else gen.staff["editor"].id,
            "suspected_automation": web and rng.random() < 0.005,
            "personal_data_purged_at": None,
            "submission_key": secrets.token_urlsafe(16) if web else None,
        }
        if web:
            gen.audit(
                "comment.receive",
                "Comment",
                comment_id,
                at=received,
                actor=None,
                summary=f"Comment {receipt} received",
            )
        else:
            gen.audit(
                "comment.enter",
                "Comment",
                comment_id,
                at=received,
                actor="editor",
                summary=f"Entered comment {receipt} received by {channel.value}",
            )
        _moderate(gen, row, closes, counts)
        if purged_at is not None:
            row |= {"name": "", "show_name": False, "phone": None, "email": None}
            row |= {"community": None, "personal_data_purged_at": purged_at}
        gen.add(Comment, **row)
        gen.checkpoint()
    return counts


def _moderate(gen: Generation, row: dict, closes: datetime, counts: dict[str, int]) -> None:
    """Rejected (with the reason), or published and given a disposition and maybe a reply."""
    rng, receipt, moderated = gen.rng, row["receipt_number"], row["moderated_at"]
    if row["suspected_automation"] or rng.random() < 0.04:
        reason = (
            "automated submission suspected"
            if row["suspected_automation"]
            else rng.choice(REJECTION_REASONS)
        )
        row |= {"status": CommentStatus.REJECTED, "rejection_reason": reason}
        counts["rejected"] += 1
        if not row["suspected_automation"]:
            gen.audit(
                "comment.reject",
                "Comment",
                row["id"],
                at=moderated,
                actor="editor",
                summary=f"Rejected comment {receipt}",
            )
        return
    gen.audit(
        "comment.publish",
        "Comment",
        row["id"],
        at=moderated,
        actor="editor",
        summary=f"Published comment {receipt}",
    )
    disposition = _pick(gen, DISPOSITIONS)
    counts[disposition.value] += 1
    row["disposition"] = disposition
    if disposition == Disposition.NOT_ADOPTED:
        row["disposition_reason"] = rng.choice(NOT_ADOPTED_REASONS)
    answered = max(moderated, closes) + timedelta(hours=rng.randint(1, 24))
    if rng.random() < 0.15:
        row["reply"], row["replied_at"] = rng.choice(REPLIES), answered
    gen.audit(
        "comment.answer",
        "Comment",
        row["id"],
        at=answered,
        actor="editor",
        summary=f"Answered comment {receipt}",
    )
