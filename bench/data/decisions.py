"""Decisions' share of ten busy years: the decision on every agenda item shown in full of
every meeting held (about 47,000), each recorded after the meeting by its author, approved
by the reviewer and published, one in twenty later corrected through review with a note;
and a meeting summary for each meeting they concluded. Written with bulk inserts, then
published as `DecisionVersion.on_published` publishes: the decision points at its text in
force and is indexed for search by the app's own `Decision.reindex` (about 19 million
terms: most of the step's time).

A concluded meeting (the meetings step concluded it by its decisions) has a published
decision on each public item, the last approved at its `concluded_at`; a meeting held but
not concluded has one item still without. Withheld items have none. Texts come from
`decision_texts`: 社区 is in about half the decisions, 老旧小区 in one in thirty, 共享单车
in none (the bench's searches).
"""

from __future__ import annotations

import time
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from bench.data import Generation
from bench.data.decision_index import publish_and_index
from bench.data.decision_texts import (
    COMMENTS_USED,
    CORRECTIONS,
    DOCUMENTS_CORRECTION,
    MEASURES,
    OUTCOME_WORDS,
    TEXT_LENGTH,
    decision_text,
    dissent,
    interpretation,
    summary_text,
)
from bench.data.texts import DEMO_BODY_TITLES
from core.clock import to_office_time
from core.review import ReviewState
from engagement.consultations.models import Consultation
from extensions import db
from meetings.decisions.models import Decision, DecisionOutcome, DecisionVersion, MeetingSummary
from meetings.decisions.operations import VERSION_FIELDS
from meetings.decisions.search_index import DecisionTerm, DecisionText
from meetings.models import AgendaItem, Body, Meeting

OUTCOMES = (
    (DecisionOutcome.APPROVED, 0.60),
    (DecisionOutcome.APPROVED_WITH_CHANGES, 0.15),
    (DecisionOutcome.FOR_INFORMATION, 0.15),
    (DecisionOutcome.DEFERRED, 0.07),
    (DecisionOutcome.NOT_APPROVED, 0.03),
)
CORRECTED = 0.05
DISSENTING = 0.05
WITH_DOCUMENT = 0.3


def generate_decisions(gen: Generation) -> None:
    consulted = set(db.session.scalars(select(Consultation.agenda_item_id)))
    in_force: dict[int, int] = {}  # decision id -> the id of its version in force
    for meeting, items in _held_meetings(gen):
        _decide(gen, meeting, items, consulted, in_force)
        gen.checkpoint()
    gen.flush()
    started = time.perf_counter()
    texts, terms = publish_and_index(in_force)
    gen.written[DecisionText.__tablename__] += texts
    gen.written[DecisionTerm.__tablename__] += terms
    print(
        f"    {len(in_force):,} decisions published and indexed ({terms:,} terms) with "
        f"search_rows: {time.perf_counter() - started:.1f} s",
        flush=True,
    )


def _held_meetings(gen: Generation) -> list[tuple[Any, list[Any]]]:
    """The generated meetings that took place (announced, not cancelled, started), oldest
    first, each with its items shown in full in agenda order."""
    meetings = db.session.execute(
        select(
            Meeting.id,
            Meeting.title,
            Meeting.venue,
            Meeting.starts_at,
            Meeting.ends_at,
            Meeting.concluded_at,
            Meeting.author_id,
            Body.slug,
            Body.name,
        )
        .join(Meeting.body)
        .where(
            Meeting.id >= gen.first_id(Meeting),
            Meeting.review_state == ReviewState.APPROVED,
            Meeting.cancelled_at.is_(None),
            Meeting.starts_at < gen.now,
        )
        .order_by(Meeting.starts_at, Meeting.id)
    ).all()
    items = defaultdict(list)
    for item in db.session.execute(
        select(AgendaItem.id, AgendaItem.meeting_id, AgendaItem.title, AgendaItem.sponsor)
        .where(AgendaItem.meeting_id >= gen.first_id(Meeting), AgendaItem.shown_in_full())
        .order_by(AgendaItem.meeting_id, AgendaItem.position)
    ):
        items[item.meeting_id].append(item)
    return [(meeting, items[meeting.id]) for meeting in meetings]


def _subject(title: str) -> str:
    """The topic of a generated item's title ("关于2024年<topic>（修订）的议题")."""
    return next(subject for subject in MEASURES if subject in title)


def _draw_outcome(gen: Generation) -> DecisionOutcome:
    draw = gen.rng.random()
    for outcome, share in OUTCOMES:
        draw -= share
        if draw < 0:
            return outcome
    return OUTCOMES[0][0]


def _decide(
    gen: Generation, meeting: Any, items: list[Any], consulted: set[int], in_force: dict
) -> None:
    """Record, review and publish the decisions of one held meeting: the last at its
    conclusion, or, for one held but not concluded, all but its last public item's within
    two days of its end. Then its summary, if its decisions concluded it."""
    rng, now = gen.rng, gen.now
    decided = items if meeting.concluded_at else items[:-1]
    if not decided:
        return
    done = meeting.concluded_at or min(
        meeting.ends_at + timedelta(hours=rng.randint(1, 48)), now - timedelta(hours=1)
    )
    gap, count = done - meeting.ends_at, len(decided)
    author = next(name for name, staff in gen.staff.items() if staff.id == meeting.author_id)
    body = DEMO_BODY_TITLES.get(meeting.slug, (meeting.name,))[0] or meeting.name
    words = []
    for index, item in enumerate(decided):
        # Written one after another after the meeting, reviewed and approved in a row.
        created = _second(meeting.ends_at + gap * 0.4 * index / count)
        submitted = _second(created + gap * 0.1)
        published = _second(done - gap * 0.4 * (count - 1 - index) / count)
        fields = _fields(gen, item, body, item.id in consulted)
        words.append((_subject(item.title), OUTCOME_WORDS[fields["outcome"]]))
        decision_id = gen.new_id(Decision)
        version = _version(gen, decision_id, 1, fields, author, created, submitted, published)
        gen.audit("decision.create", "DecisionVersion", version, at=created, actor=author,
                  summary=item.title, after=_snapshot(fields))  # fmt: skip
        _reviewed(gen, version, item.title, author, submitted, published)
        in_force[decision_id] = version
        last = published
        corrected = published + timedelta(days=rng.randint(3, 60), hours=rng.randint(0, 8))
        if rng.random() < CORRECTED and corrected < now - timedelta(hours=1):
            in_force[decision_id] = _correct(gen, decision_id, fields, author, corrected)
            last = corrected
        # The decision as `on_published` leaves it; the link to its version in force and
        # its search rows are written once the versions are (`_publish`).
        gen.add(Decision, id=decision_id, agenda_item_id=item.id, meeting_id=meeting.id,
                current_version_id=None, title=item.title, outcome=fields["outcome"],
                first_published_at=published, last_published_at=last,
                created_at=created)  # fmt: skip
    if meeting.concluded_at:
        _summary(gen, meeting, words, author, done)


def _second(moment: datetime) -> datetime:
    return moment.replace(microsecond=0)


def _fields(gen: Generation, item: Any, body: str, consulted: bool) -> dict[str, Any]:
    """What a reader reads of the first version (`DecisionVersion.fields`)."""
    rng = gen.rng
    subject, outcome = _subject(item.title), _draw_outcome(gen)
    year = item.title.removeprefix("关于")[:4]
    documents = []
    if outcome != DecisionOutcome.NOT_APPROVED and rng.random() < WITH_DOCUMENT:
        documents = [
            [f"《{subject}》", f"https://www.example.gov.cn/zwgk/zcwj/{year}/{item.id}.html"]
        ]
    return {
        "title": item.title,
        "outcome": outcome,
        "text": decision_text(rng, subject, item.sponsor, outcome),
        "dissent": dissent(rng, subject) if rng.random() < DISSENTING else None,
        "interpretation": interpretation(rng, subject, item.sponsor, body, outcome),
        "comments_used": COMMENTS_USED.format(sponsor=item.sponsor) if consulted else None,
        "documents": documents,
        "correction_note": None,
    }  # fmt: skip


def _snapshot(fields: dict[str, Any]) -> dict[str, Any]:
    """The version's fields as `snapshot(version, *VERSION_FIELDS)` writes them."""
    return {key: getattr(fields[key], "value", fields[key]) for key in VERSION_FIELDS}


def _version(
    gen: Generation,
    decision_id: int,
    number: int,
    fields: dict[str, Any],
    author: str,
    created: datetime,
    submitted: datetime,
    published: datetime,
) -> int:
    return gen.add(
        DecisionVersion,
        decision_id=decision_id,
        number=number,
        created_at=created,
        review_state=ReviewState.APPROVED,
        review_note=None,
        submitted_at=submitted,
        published_at=published,
        author_id=gen.staff[author].id,
        reviewed_by_id=gen.staff["reviewer"].id,
        **fields,
    )


def _reviewed(
    gen: Generation, subject_id: int, title: str, author: str, submitted: datetime,
    published: datetime, subject_type: str = "DecisionVersion",
) -> None:  # fmt: skip
    """The audit rows of `review.submit_for_review` and `review.approve`."""
    gen.audit("review.submit", subject_type, subject_id, at=submitted, actor=author,
              summary=title, after={"review_state": ReviewState.SUBMITTED.value})  # fmt: skip
    gen.audit("review.approve", subject_type, subject_id, at=published, actor="reviewer",
              summary=title, before={"review_state": ReviewState.SUBMITTED.value},
              after={"review_state": ReviewState.APPROVED.value})  # fmt: skip


def _correct(
    gen: Generation, decision_id: int, fields: dict[str, Any], author: str, published: datetime
) -> int:
    """A correction: started from the text in force, changed with its note, reviewed."""
    rng = gen.rng
    note, addition = rng.choice(CORRECTIONS)
    changed = {"text": fields["text"] + addition}
    if len(changed["text"]) > TEXT_LENGTH[1] or (not fields["documents"] and rng.random() < 0.3):
        note = DOCUMENTS_CORRECTION
        url = f"https://www.example.gov.cn/zwgk/zcwj/final/{decision_id}.html"
        changed = {"documents": [*fields["documents"], [f"《{fields['title']}》正式文件", url]]}
    corrected = fields | changed | {"correction_note": note}
    created = published - timedelta(days=2, hours=rng.randint(0, 20))
    submitted = published - timedelta(hours=rng.randint(2, 20))
    version = _version(gen, decision_id, 2, corrected, author, created, submitted, published)
    title = fields["title"]
    gen.audit("decision.correct", "DecisionVersion", version, at=created, actor=author,
              summary=title, after={"number": 2})  # fmt: skip
    changed["correction_note"] = note
    before = {key: _snapshot(fields)[key] for key in changed}
    gen.audit("decision.update", "DecisionVersion", version, at=created + timedelta(minutes=20),
              actor=author, summary=title, before=before, after=changed)  # fmt: skip
    _reviewed(gen, version, title, author, submitted, published)
    return version


def _summary(
    gen: Generation, meeting: Any, words: list[tuple[str, str]], author: str, done: datetime
) -> None:
    """The meeting summary (会议通稿), approved with the meeting's last decisions."""
    starts = to_office_time(meeting.starts_at)
    day = f"{starts.year}年{starts.month}月{starts.day}日"
    text = summary_text(meeting.title, day, meeting.venue, words)
    gap = done - meeting.ends_at
    created, submitted = _second(meeting.ends_at + gap * 0.5), _second(meeting.ends_at + gap * 0.6)
    summary_id = gen.add(
        MeetingSummary,
        meeting_id=meeting.id,
        number=1,
        text=text,
        correction_note=None,
        created_at=created,
        review_state=ReviewState.APPROVED,
        review_note=None,
        submitted_at=submitted,
        published_at=done,
        author_id=gen.staff[author].id,
        reviewed_by_id=gen.staff["reviewer"].id,
    )
    after = {"number": 1, "text": text, "correction_note": None}
    gen.audit("meeting_summary.create", "MeetingSummary", summary_id, at=created, actor=author,
              summary=meeting.title, after=after)  # fmt: skip
    _reviewed(gen, summary_id, meeting.title, author, submitted, done, "MeetingSummary")
