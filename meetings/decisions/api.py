"""Open data about decisions: the response models (serializer and schema at once) and the
`/api/v1/decisions` endpoints.

Only published decisions are here: the list is the public list's own query
(`search_decisions`, same filters, same order), one decision is `public_decision_or_404`.
A decision's text is the version in force; its earlier published texts and the notes of
its corrections come with it, as on its page.
"""

from __future__ import annotations

from typing import Self

from flask import Response

from core.api import (
    PAGE,
    PER_PAGE,
    ApiModel,
    OfficeTime,
    Page,
    Parameter,
    Url,
    absolute,
    endpoint,
    json_response,
    page_size,
)
from core.web import query_int
from meetings.api import Body
from meetings.decisions import models
from meetings.decisions.models import DecisionOutcome
from meetings.decisions.queries import decision_filters, public_decision_or_404, search_decisions


class DecisionSummary(ApiModel):
    """A published decision, as listed. `corrected_at` is when its latest correction was
    published, null if it was never corrected."""

    id: int
    title: str
    outcome: DecisionOutcome
    meeting_id: int
    meeting_title: str
    body: Body
    agenda_item_id: int
    published_at: OfficeTime
    corrected_at: OfficeTime | None
    url: Url

    @classmethod
    def fields_of(cls, decision: models.Decision) -> dict[str, object]:
        first, last = decision.first_published_at, decision.last_published_at
        return {
            "id": decision.id,
            "title": decision.title,
            "outcome": decision.outcome,
            "meeting_id": decision.meeting_id,
            "meeting_title": decision.meeting.title,
            "body": Body.from_body(decision.meeting.body),
            "agenda_item_id": decision.agenda_item_id,
            "published_at": first,
            "corrected_at": last if last != first else None,
            "url": absolute("decisions.decision_page", decision_id=decision.id),
        }

    @classmethod
    def from_decision(cls, decision: models.Decision) -> Self:
        return cls(**cls.fields_of(decision))


class FinalDocument(ApiModel):
    """A final document of a decision, where the office published it."""

    name: str
    url: Url


class Correction(ApiModel):
    """A published correction: when, and the note saying what was corrected and why."""

    published_at: OfficeTime
    note: str


class EarlierText(ApiModel):
    """A text of the decision that a correction replaced. `number` 1 is the first text."""

    number: int
    published_at: OfficeTime
    title: str
    outcome: DecisionOutcome
    text: str
    dissent: str | None
    interpretation: str
    comments_used: str | None

    @classmethod
    def from_version(cls, version: models.DecisionVersion) -> Self:
        return cls(
            number=version.number,
            published_at=version.published_at,
            title=version.title,
            outcome=version.outcome,
            text=version.text,
            dissent=version.dissent,
            interpretation=version.interpretation,
            comments_used=version.comments_used,
        )


class Decision(DecisionSummary):
    """One published decision: the text in force (`interpretation` is Markdown; the images
    it shows are addressed on the public site), its corrections and the earlier texts they
    replaced, oldest first."""

    text: str
    dissent: str | None
    interpretation: str
    comments_used: str | None
    documents: list[FinalDocument]
    corrections: list[Correction]
    earlier_texts: list[EarlierText]

    @classmethod
    def from_decision(cls, decision: models.Decision) -> Self:
        current = decision.current_version
        assert current is not None  # public_decision_or_404 serves only published ones
        published = decision.published_versions
        return cls(
            **cls.fields_of(decision),
            text=current.text,
            dissent=current.dissent,
            interpretation=current.interpretation,
            comments_used=current.comments_used,
            documents=[FinalDocument(name=name, url=url) for name, url in current.documents or []],
            corrections=[
                Correction(published_at=v.published_at, note=v.correction_note or "")
                for v in published
                if v.is_correction
            ],
            earlier_texts=[
                EarlierText.from_version(v) for v in published if v.number < current.number
            ],
        )


class DecisionPage(Page[DecisionSummary]):
    """A page of published decisions."""


@endpoint(
    "/decisions",
    operation_id="listDecisions",
    summary="Published decisions: best match first when words are searched, else newest first",
    response=DecisionPage,
    parameters=(
        PAGE,
        PER_PAGE,
        Parameter(
            "q",
            str,
            "Words in the title, text or interpretation, all required; Chinese words of two "
            "characters or more are found without spaces",
        ),
        Parameter("body", str, "An organising body's slug"),
        Parameter("year", int, "Decisions of meetings held in this year (office time)"),
        Parameter("outcome", DecisionOutcome),
    ),
)
def decisions() -> Response:
    result = search_decisions(decision_filters(), page=query_int("page", 1), per_page=page_size())
    items = [DecisionSummary.from_decision(decision) for decision in result.items]
    return json_response(DecisionPage.of(result, items))


@endpoint(
    "/decisions/<int:id>",
    operation_id="getDecision",
    summary="One published decision with its correction history",
    response=Decision,
    not_found="No published decision with this id",
)
def decision(id: int) -> Response:  # noqa: A002  (the document's name for it)
    return json_response(Decision.from_decision(public_decision_or_404(id)))
