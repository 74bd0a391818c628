"""Read queries of decisions, shared by the public pages, the staff pages, the feed and
open data. Every public query starts from `published_decisions()`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from flask import abort, request
from flask_sqlalchemy.pagination import Pagination
from markupsafe import Markup, escape
from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload, selectinload

from core.clock import office_zone, utcnow
from core.markdown import render_markdown
from core.review import ReviewState
from extensions import db
from meetings.decisions.models import (
    TITLE_WEIGHT,
    Decision,
    DecisionImage,
    DecisionOutcome,
    DecisionVersion,
    MeetingSummary,
)
from meetings.decisions.search_index import DecisionTerm, DecisionText
from meetings.decisions.text import bigrams, query_terms
from meetings.models import AgendaItem, Body, Meeting

if TYPE_CHECKING:
    from meetings.queries import AgendaNote

SNIPPET_LENGTH = 120


def published_decisions() -> Select:
    """The only query public pages start from: decisions with a published text."""
    return select(Decision).where(Decision.current_version_id.is_not(None))


def decision_filters() -> dict[str, str]:
    return {
        key: request.args.get(key, "").replace("\x00", "").strip()[:100]
        for key in ("q", "body", "year", "outcome")
    }


def _matching(query: Select, terms: list[str]) -> tuple[Select, Any]:
    """Narrow to decisions holding every term, and the rank of each: the weighted count of
    the term's pieces in the title and the text. A two-character term is one lookup of the
    index; a longer one needs all its pieces and is then checked as a whole word; a single
    character, which no piece indexes on its own, is looked for in the text itself."""
    score: Any = None
    for term in terms:
        if len(term) < 2:
            query = query.where(_text_contains(term))
            continue
        grams = sorted(set(bigrams(term)))
        weight = DecisionTerm.title_hits * TITLE_WEIGHT + DecisionTerm.text_hits
        if len(grams) == 1:  # one piece (a two-character word): its rows, no grouping
            hits = (
                select(DecisionTerm.decision_id.label("decision_id"), weight.label("score"))
                .where(DecisionTerm.gram == grams[0])
                .subquery()
            )
            query = query.join(hits, hits.c.decision_id == Decision.id)
            if len(term) > 2:  # 哈哈哈: one piece, but the word is longer
                query = query.where(_text_contains(term))
            score = hits.c.score if score is None else score + hits.c.score
            continue
        hits = (
            select(
                DecisionTerm.decision_id.label("decision_id"),
                func.sum(DecisionTerm.title_hits * TITLE_WEIGHT + DecisionTerm.text_hits).label(
                    "score"
                ),
            )
            .where(DecisionTerm.gram.in_(grams))
            .group_by(DecisionTerm.decision_id)
            .having(func.count() == len(grams))
            .subquery()
        )
        query = query.join(hits, hits.c.decision_id == Decision.id)
        if len(term) > 2:
            query = query.where(_text_contains(term))
        score = hits.c.score if score is None else score + hits.c.score
    return query, score


def _text_contains(term: str) -> Any:
    return (
        select(DecisionText.decision_id)
        .where(
            DecisionText.decision_id == Decision.id,
            DecisionText.text.contains(term, autoescape=True),
        )
        .exists()
    )


def _year_bounds(year: str) -> tuple[datetime, datetime] | None:
    if not re.fullmatch(r"(19|20|21)[0-9]{2}", year):
        return None
    zone = office_zone()
    return datetime(int(year), 1, 1, tzinfo=zone), datetime(int(year) + 1, 1, 1, tzinfo=zone)


def search_decisions(filters: dict[str, str], *, page: int, per_page: int) -> Pagination:
    """Published decisions narrowed by the list's filters (unknown values are ignored): by
    rank when words are searched, newest first otherwise; for the page and the API."""
    query = published_decisions()
    if filters.get("body") or _year_bounds(filters.get("year", "")):
        query = query.join(Decision.meeting)
    if filters.get("body"):
        query = query.join(Meeting.body).where(Body.slug == filters["body"])
    bounds = _year_bounds(filters.get("year", ""))
    if bounds:
        query = query.where(Meeting.starts_at >= bounds[0], Meeting.starts_at < bounds[1])
    if filters.get("outcome") in {outcome.value for outcome in DecisionOutcome}:
        query = query.where(Decision.outcome == DecisionOutcome(filters["outcome"]))
    terms = query_terms(filters.get("q", ""))
    order: list[Any] = [Decision.first_published_at.desc(), Decision.id.desc()]
    if terms:
        query, score = _matching(query, terms)
        if score is not None:
            order.insert(0, score.desc())
    query = query.options(selectinload(Decision.current_version), selectinload(Decision.meeting))
    return db.paginate(query.order_by(*order), page=page, per_page=per_page, error_out=False)


def highlight(text: str, terms: list[str]) -> Markup:
    """The text, escaped, with each searched word marked."""
    if not terms:
        return escape(text)
    pattern = re.compile("|".join(re.escape(term) for term in terms), re.IGNORECASE)
    out, last = Markup(""), 0
    for found in pattern.finditer(text):
        out += escape(text[last : found.start()])
        out += Markup("<mark>%s</mark>") % text[found.start() : found.end()]
        last = found.end()
    return out + escape(text[last:])


def snippet(version: DecisionVersion, terms: list[str]) -> Markup:
    """A line of the decision around the first searched word (its text, else the
    interpretation), marked; without words, its opening."""
    sources = [version.text, render_markdown(version.interpretation).striptags()]
    for source in sources:
        plain = " ".join(source.split())
        folded = plain.casefold()
        positions = [folded.find(term) for term in terms if folded.find(term) >= 0]
        if positions:
            start = max(min(positions) - SNIPPET_LENGTH // 3, 0)
            cut = plain[start : start + SNIPPET_LENGTH]
            prefix = "…" if start > 0 else ""
            suffix = "…" if start + SNIPPET_LENGTH < len(plain) else ""
            return escape(prefix) + highlight(cut, terms) + escape(suffix)
    plain = " ".join(version.text.split())
    return escape(plain[:SNIPPET_LENGTH] + ("…" if len(plain) > SNIPPET_LENGTH else ""))


def decision_years() -> list[int]:
    """Years (office time) of the meetings whose decisions are published, latest first."""
    starts = db.session.execute(
        select(func.min(Meeting.starts_at), func.max(Meeting.starts_at)).where(
            Meeting.id.in_(published_decisions().with_only_columns(Decision.meeting_id))
        )
    ).one()
    if starts[0] is None:
        return []
    zone = office_zone()
    first, last = starts[0].astimezone(zone).year, starts[1].astimezone(zone).year
    return list(range(last, first - 1, -1))


def public_decision_or_404(decision_id: int) -> Decision:
    decision = db.session.scalar(
        published_decisions()
        .where(Decision.id == decision_id)
        .options(
            selectinload(Decision.versions),
            selectinload(Decision.meeting),
            selectinload(Decision.agenda_item),
        )
    )
    if decision is None:
        abort(404)
    return decision


def decision_or_404(decision_id: int) -> Decision:
    decision = db.session.get(Decision, decision_id)
    if decision is None:
        abort(404)
    return decision


@dataclass(frozen=True)
class DecisionPage:
    """What a decision's public page shows (`decisions/_decision_public.html`), for the page
    itself and for the preview on its staff page, from one function (`decision_public_page`)
    so they cannot drift."""

    decision: Decision
    version: DecisionVersion  # the text in force, or in the preview the one to approve
    corrections: list[DecisionVersion]  # the corrections' notes, newest first
    history: list[DecisionVersion]  # earlier texts, newest first
    replaced_at: dict[int, datetime | None]  # when each earlier text was replaced
    images: dict[str, str]  # address -> alt text of the images the text may show
    notes: list[AgendaNote]  # under its agenda item: the consultation, its feedback report
    now: datetime  # in a preview, when approval would publish it
    preview: bool


def decision_public_page(
    decision: Decision, notes: list[AgendaNote], version: DecisionVersion | None = None
) -> DecisionPage:
    """The decision's public page; given an unapproved `version`, the page as it will read
    once that version is approved (the current text then joins the history). `notes` are
    the public lines under its agenda item (`meetings.queries.agenda_notes`): the
    consultation and its feedback report."""
    preview = version is not None and version.review_state != ReviewState.APPROVED
    shown = version if preview else decision.current_version
    assert shown is not None
    texts = [v for v in decision.published_versions if v.number < shown.number] + [shown]
    history = list(reversed(texts[:-1]))
    replaced_at = {old.id: new.published_at for old, new in zip(texts, texts[1:], strict=False)}
    corrections = [v for v in reversed(texts) if v.is_correction]
    shown_ids = set().union(*(text.image_ids() for text in texts))
    images = {
        image.path: image.alt
        for image in db.session.scalars(
            select(DecisionImage).where(
                DecisionImage.decision_id == decision.id,
                DecisionImage.id.in_(shown_ids),
                *(() if preview else (DecisionImage.published_at.is_not(None),)),
            )
        )
    }
    return DecisionPage(
        decision, shown, corrections, history, replaced_at, images, notes, utcnow(), preview
    )


def decisions_by_item(items: list[AgendaItem]) -> dict[int, Decision]:
    """The published decisions of these agenda items, with their text in force."""
    if not items:
        return {}
    found = db.session.scalars(
        published_decisions()
        .where(Decision.agenda_item_id.in_([item.id for item in items]))
        .options(joinedload(Decision.current_version))
    )
    return {decision.agenda_item_id: decision for decision in found}


def published_images(decisions: list[Decision]) -> dict[int, dict[str, str]]:
    """By decision: address -> alt text of the published images of its own uploads (so one
    decision's text cannot show another's)."""
    showing = [
        decision
        for decision in decisions
        if "/decisions/images/" in (decision.current_version.interpretation or "")
    ]
    if not showing:
        return {}
    found: dict[int, dict[str, str]] = {decision.id: {} for decision in showing}
    for image in db.session.scalars(
        select(DecisionImage).where(
            DecisionImage.decision_id.in_(found), DecisionImage.published_at.is_not(None)
        )
    ):
        found[image.decision_id][image.path] = image.alt
    return found


def summary_versions(meeting: Meeting) -> list[MeetingSummary]:
    """The meeting summary's published versions, newest (the one in force) first."""
    return list(
        db.session.scalars(
            MeetingSummary.public()
            .where(MeetingSummary.meeting_id == meeting.id)
            .order_by(MeetingSummary.number.desc())
        )
    )


def decision_images(decision: Decision) -> list[DecisionImage]:
    return list(
        db.session.scalars(
            select(DecisionImage)
            .where(DecisionImage.decision_id == decision.id)
            .order_by(DecisionImage.id)
        )
    )


def newest_published(limit: int) -> list[Decision]:
    """The most recently published or corrected decisions (the Atom feed)."""
    return list(
        db.session.scalars(
            published_decisions()
            .options(selectinload(Decision.current_version), selectinload(Decision.meeting))
            .order_by(Decision.last_published_at.desc(), Decision.id.desc())
            .limit(limit)
        )
    )
