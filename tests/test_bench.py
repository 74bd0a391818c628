"""The load bench stays runnable and measures what it says: its generator writes, at a
small scale, data that keeps the rules the operations keep (decisions as publication makes
them, with the search index the app builds), and every page the bench loads answers on it
as the bench expects (200, or 304 for the unchanged live fragment and the unchanged
calendar feed). Every calendar address is among the pages it loads.

At the top of tests/, like `test_access.py`: the bench loads pages of every part."""

from __future__ import annotations

from collections import defaultdict
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, inspect, select

from bench import feed_cost
from bench.decision_pages import DECISION_SEARCHES
from bench.generate import fill
from bench.pages import PAGES, PageKind, bench_consultation
from core.clock import utcnow
from core.review import REVIEWABLE_KINDS, ReviewState
from engagement.consultations.models import (
    Comment,
    CommentStatus,
    Consultation,
    disposition_counts,
)
from engagement.consultations.operations import receipt_for
from extensions import db
from meetings.decisions.models import Decision, MeetingSummary
from meetings.decisions.queries import decisions_by_item, search_decisions
from meetings.decisions.search_index import DecisionTerm, DecisionText, search_rows
from meetings.models import AgendaItem, ChangeKind, Meeting, MeetingChange, Visibility


def ask(client):
    return lambda path, headers: client.get(path, headers=headers).headers


SCALE = 0.01  # 50 meetings, 500 agenda items, 2 consultations with 210 comments, 400 decisions


@pytest.fixture
def generated(app):
    return fill(SCALE)


def test_every_bench_page_answers_as_the_bench_expects(client, generated):
    assert generated.written["meetings"] == 50
    assert generated.written["agenda_items"] == 500
    for page in PAGES:
        path, _detail = page.locate(client)
        headers = page.headers(ask(client), path) if page.headers else {}
        assert client.get(path, headers=headers).status_code == page.status, (page.name, path)


def test_every_calendar_address_is_loaded_by_the_bench(app, client, generated):
    """A feed or download added later joins the bench (README "Performance")."""
    calendar = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("calendar.") or rule.rule.endswith(".ics")
    }
    adapter = app.url_map.bind("localhost")
    loaded = {adapter.match(urlsplit(page.locate(client)[0]).path)[0] for page in PAGES}
    assert calendar <= loaded, calendar - loaded


def test_the_calendar_pages_say_how_many_events_and_the_304_holds_the_current_etag(
    client, generated
):
    pages = {page.name: page for page in PAGES}
    path, detail = pages["calendar feed, meetings"].locate(client)
    body = client.get(path).data
    assert detail == f"{body.count(b'BEGIN:VEVENT'):,} events"
    unchanged = pages["calendar feed, unchanged"]
    assert unchanged.kind == PageKind.NOT_MODIFIED
    path, _detail = unchanged.locate(client)
    headers = unchanged.headers(ask(client), path)
    assert headers["If-None-Match"] == client.get(path).headers["ETag"]


def test_the_feed_render_is_compared_with_icalendar_on_the_same_events(
    database_url, generated, monkeypatch
):
    monkeypatch.setattr(feed_cost, "REPETITIONS", 2)
    monkeypatch.setattr(feed_cost, "SECONDS", 0)
    found = feed_cost.measure(database_url)
    assert found["events"] == db.session.scalar(
        select(func.count()).select_from(Meeting.public().subquery())
    )
    assert found["app_ms"] > 0 and found["icalendar_ms"] > 0
    assert found["ratio"] == found["app_ms"] / found["icalendar_ms"]


def test_the_last_comment_page_is_the_last_and_shows_the_latest_comment(client, generated):
    consultation_id, received, published = bench_consultation()
    assert received == round(1000 * SCALE)
    path, _detail = next(p for p in PAGES if p.name == "its last comment page").locate(client)
    page = BeautifulSoup(client.get(path).data, "html.parser")
    latest = db.session.scalars(
        select(Comment.receipt_number)
        .where(
            Comment.consultation_id == consultation_id, Comment.status == CommentStatus.PUBLISHED
        )
        .order_by(Comment.received_at.desc(), Comment.id.desc())
    ).first()
    assert page.find(id=f"c-{latest}") is not None
    assert page.find("a", rel="next") is None


def test_generated_consultations_keep_the_rules_of_the_operations(generated):
    made = Consultation.id >= generated.first_id(Consultation)
    for consultation in db.session.scalars(select(Consultation).where(made)):
        meeting = consultation.agenda_item.meeting
        assert meeting.published_at <= consultation.published_at <= consultation.opens_at
        assert consultation.closes_at < meeting.starts_at
        assert not consultation.period_is_short or consultation.short_period_reason
        assert consultation.revision == (2 if consultation.original_closes_at else 1)
        assert consultation.published_at <= consultation.revised_at < consultation.closes_at
        feedback = consultation.feedback
        assert feedback.is_public and feedback.published_at > consultation.closes_at
        assert feedback.counts == disposition_counts(consultation.id)
    for comment in db.session.scalars(
        select(Comment).where(Comment.consultation_id.in_(select(Consultation.id).where(made)))
    ):
        assert comment.receipt_number == receipt_for(comment)


def test_generated_meetings_are_what_review_and_approved_changes_make(generated):
    for model in REVIEWABLE_KINDS.values():
        approved = db.session.scalars(model.public())
        assert all(item.published_at and item.reviewed_by_id != item.author_id for item in approved)
    for meeting in db.session.scalars(Meeting.public()):
        changes = db.session.scalars(
            MeetingChange.public().where(MeetingChange.meeting_id == meeting.id)
        ).all()
        kinds = {change.kind for change in changes}
        # Concluded by a change, or by its decisions (`conclude_when_decided`), which
        # revises it too.
        by_decisions = meeting.concluded_at is not None and ChangeKind.CONCLUDE not in kinds
        assert meeting.revision == 1 + len(changes) + by_decisions
        published = [meeting.published_at, *(change.published_at for change in changes)]
        assert meeting.revised_at == max(published + [meeting.concluded_at] * by_decisions)
        assert (meeting.cancelled_at is not None) == (ChangeKind.CANCEL in kinds)
        assert all(item.published_at for item in meeting.agenda)
    unannounced_but_public = db.session.scalar(
        select(func.count(AgendaItem.id))
        .join(AgendaItem.meeting)
        .where(Meeting.review_state != ReviewState.APPROVED, AgendaItem.published_at.is_not(None))
    )
    assert unannounced_but_public == 0


def test_generated_open_days_keep_the_rules_of_the_operations(client, generated):
    """Places counted in `taken`, draws that re-run from their published seed, personal data
    gone after the retention period, private links that open the resident's page."""
    from core.draw import draw
    from engagement.open_days.models import HOLDS_A_PLACE, OpenDay, Registration

    made = db.session.scalars(
        select(OpenDay).where(OpenDay.id >= generated.first_id(OpenDay))
    ).all()
    assert len(made) == 3 and generated.marks["bench_open_day"] == made[-1].id
    for open_day in made:
        registrations = db.session.scalars(
            select(Registration)
            .where(Registration.open_day_id == open_day.id)
            .order_by(Registration.id)
        ).all()
        assert open_day.is_public and open_day.revision == 1
        assert open_day.taken == sum(r.status in HOLDS_A_PLACE for r in registrations)
        assert len(registrations) >= open_day.capacity
        if open_day.drawn_at is not None:
            ranked = sorted((r for r in registrations if r.draw_rank), key=lambda r: r.draw_rank)
            codes = [r.confirmation_code for r in ranked]
            assert draw(open_day.draw_seed, codes) == codes
        purged = open_day.purged_at is not None
        assert all((r.name is None and r.phone is None) == purged for r in registrations)
        if not purged:
            assert len({r.phone for r in registrations}) == len(registrations)
    bench = db.session.get(OpenDay, generated.marks["bench_open_day"])
    registration = db.session.scalars(
        select(Registration).where(Registration.open_day_id == bench.id)
    ).first()
    assert client.get(f"/r/{registration.token}").status_code == 200


def test_meetings_held_are_concluded_by_the_decisions_on_their_public_items(generated):
    """As `conclude_when_decided`: a meeting held is concluded once each item shown in full
    has a published decision, at the first publication of the last of them; by a change only
    when it has no such item. Withheld items have no decision."""
    held = Meeting.public().where(Meeting.cancelled_at.is_(None), Meeting.starts_at < utcnow())
    concluded = 0
    for meeting in db.session.scalars(held):
        shown = [item for item in meeting.public_agenda if not item.is_withheld]
        decisions = decisions_by_item(shown)
        kinds = {change.kind for change in db.session.scalars(
            MeetingChange.public().where(MeetingChange.meeting_id == meeting.id))}  # fmt: skip
        if ChangeKind.CONCLUDE in kinds:
            assert not shown and meeting.concluded_at is not None
        elif meeting.concluded_at is not None:
            assert decisions.keys() == {item.id for item in shown}
            first = max(decision.first_published_at for decision in decisions.values())
            assert meeting.concluded_at == first
            concluded += 1
        else:
            assert len(decisions) < len(shown)
    assert concluded > 40
    on_withheld = select(func.count(Decision.id)).join(Decision.agenda_item)
    assert db.session.scalar(on_withheld.where(AgendaItem.visibility == Visibility.WITHHELD)) == 0


def test_generated_decisions_are_what_publication_makes(generated):
    """Approved versions, the last in force, the decision's copy of it as `on_published`
    sets it, texts of the lengths staff write, corrections with their note; a summary for
    each meeting concluded. (The search index: the next test.)"""
    made = db.session.scalars(
        select(Decision).where(Decision.id >= generated.first_id(Decision))
    ).all()
    assert len(made) == generated.written["decisions"] > 400
    corrected = 0
    for decision in made:
        versions, current = decision.versions, decision.current_version
        assert current is versions[-1] and len(versions) in (1, 2)
        assert all(
            v.review_state == ReviewState.APPROVED and v.reviewed_by_id != v.author_id
            for v in versions
        )
        assert (decision.title, decision.outcome) == (current.title, current.outcome)
        assert decision.first_published_at == versions[0].published_at
        assert decision.last_published_at == current.published_at
        assert decision.meeting_id == decision.agenda_item.meeting_id
        assert 80 <= len(versions[0].text) <= 200
        assert 300 <= len(current.interpretation) <= 900
        if current.is_correction:
            corrected += 1
            assert current.correction_note and current.fields() != versions[0].fields()
            assert current.published_at > versions[0].published_at
    assert corrected > 5
    summaries = db.session.scalars(
        select(MeetingSummary.meeting_id).where(
            MeetingSummary.id >= generated.first_id(MeetingSummary)
        )
    ).all()
    assert len(summaries) == len(set(summaries)) == generated.written["meeting_summaries"] > 40


def test_the_search_index_is_what_the_app_writes_for_every_decision(generated):
    """Every published decision, the generated and the demo's (which the app published),
    has exactly the text and the terms `search_rows` gives for its version in force, as
    `Decision.reindex` writes them; nothing else is indexed. The bulk load keeps the
    table's indexes."""
    public = db.session.scalars(
        select(Decision).where(Decision.current_version_id.is_not(None)).order_by(Decision.id)
    ).all()
    texts = dict(db.session.execute(select(DecisionText.decision_id, DecisionText.text)).all())
    terms = defaultdict(list)
    columns = (
        DecisionTerm.decision_id,
        DecisionTerm.gram,
        DecisionTerm.title_hits,
        DecisionTerm.text_hits,
    )
    for row in db.session.execute(select(*columns)).mappings():
        terms[row["decision_id"]].append(dict(row))
    assert texts.keys() == {decision.id for decision in public}
    assert terms.keys() <= texts.keys()
    written = 0
    for decision in public:
        text, rows = search_rows(decision.id, decision.current_version)
        indexed = sorted(terms[decision.id], key=lambda row: row["gram"])  # as search_rows
        assert (texts[decision.id], indexed) == (text, rows), decision.id
        written += len(rows) * (decision.id >= generated.first_id(Decision))
    assert written == generated.written["decision_terms"] > 100_000
    made = db.session.scalar(
        select(func.count(Decision.id)).where(Decision.id >= generated.first_id(Decision))
    )
    assert generated.written["decision_texts"] == made
    # The bulk load builds the table's indexes and constraints again: as migrated.
    schema = inspect(db.session.connection())
    primary_key = schema.get_pk_constraint("decision_terms")
    assert (primary_key["name"], primary_key["constrained_columns"]) == (
        "pk_decision_terms",
        ["gram", "decision_id"],
    )
    keys = schema.get_foreign_keys("decision_terms")
    assert [(k["name"], k["constrained_columns"], k["referred_table"]) for k in keys] == [
        ("fk_decision_terms_decision_id_decisions", ["decision_id"], "decisions")
    ]
    indexes = schema.get_indexes("decision_terms")
    assert [(i["name"], i["column_names"], i["unique"]) for i in indexes] == [
        ("ix_decision_terms_decision_id", ["decision_id"], False)
    ]


def test_the_bench_searches_find_many_decisions_few_and_none(client, generated):
    total = db.session.scalar(select(func.count(Decision.id)))
    found = {
        kind: search_decisions({"q": word}, page=1, per_page=20).total
        for kind, word in DECISION_SEARCHES.items()
    }
    assert found["two characters"] > total / 3
    assert 0 < found["four characters"] < total / 10
    assert found["no match"] == 0
    path, detail = next(p for p in PAGES if p.name == "decisions searched, no match").locate(client)
    assert "0 decisions" in detail
    page = BeautifulSoup(client.get(path).data, "html.parser")
    assert page.find(id="results").find("li") is None
