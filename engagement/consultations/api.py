"""Open data about consultations: the response models (serializer and schema at once) and
the `/api/v1/consultations` endpoints, with comment counts and published feedback.

The endpoints join the one `/api/v1` blueprint and its generated OpenAPI document through
`core.api.endpoint`, so there is a single description of the whole open-data API.
"""

from __future__ import annotations

from datetime import datetime
from typing import Self

from flask import Response, abort

from core.api import (
    PAGE,
    PER_PAGE,
    ApiModel,
    Count,
    OfficeTime,
    Page,
    Url,
    absolute,
    endpoint,
    json_response,
    one_of,
    paginate,
)
from core.clock import utcnow
from engagement.consultations import models
from engagement.consultations.models import ConsultationState, Disposition
from engagement.consultations.queries import (
    comment_counts,
    comment_counts_for,
    public_consultations,
)
from extensions import db

PublicState = one_of(state for state in ConsultationState if state != ConsultationState.DRAFT)


class CommentCounts(ApiModel):
    """Comments received, and how many of them are published."""

    received: Count
    published: Count


class FeedbackCounts(ApiModel):
    """Comments by disposition; one field per `Disposition`."""

    adopted: Count
    partly_adopted: Count
    not_adopted: Count
    out_of_scope: Count

    @classmethod
    def from_counts(cls, counts: dict[str, int] | None) -> Self:
        # Built from the enum, so a disposition missing here fails loudly (extra="forbid").
        return cls(**{d.value: (counts or {}).get(d.value, 0) for d in Disposition})


class Feedback(ApiModel):
    """The published feedback report: how the comments were taken into account."""

    published_at: OfficeTime
    summary: str
    counts: FeedbackCounts

    @classmethod
    def from_report(cls, report: models.FeedbackReport) -> Self:
        return cls(
            published_at=report.published_at,
            summary=report.summary,
            counts=FeedbackCounts.from_counts(report.counts),
        )


class Consultation(ApiModel):
    """A public consultation on a major decision."""

    id: int
    title: str
    state: PublicState
    agenda_item_id: int
    meeting_id: int
    opens_at: OfficeTime
    closes_at: OfficeTime
    original_closes_at: OfficeTime | None
    extension_reason: str | None
    short_period_reason: str | None
    comments: CommentCounts
    feedback: Feedback | None
    url: Url

    @classmethod
    def from_consultation(
        cls, consultation: models.Consultation, now: datetime, counts: dict[str, int]
    ) -> Self:
        report = consultation.feedback
        return cls(
            id=consultation.id,
            title=consultation.title,
            state=consultation.state_at(now),
            agenda_item_id=consultation.agenda_item_id,
            meeting_id=consultation.agenda_item.meeting_id,
            opens_at=consultation.opens_at,
            closes_at=consultation.closes_at,
            original_closes_at=consultation.original_closes_at,
            extension_reason=consultation.extension_reason,
            short_period_reason=consultation.short_period_reason,
            comments=CommentCounts(received=counts["total"], published=counts["published"]),
            feedback=Feedback.from_report(report)
            if report is not None and report.is_public
            else None,
            url=absolute("consultations.consultation_page", consultation_id=consultation.id),
        )


class ConsultationPage(Page[Consultation]):
    """A page of public consultations."""


@endpoint(
    "/consultations",
    operation_id="listConsultations",
    summary="Public consultations with comment counts and published feedback",
    response=ConsultationPage,
    parameters=(PAGE, PER_PAGE),
)
def consultations() -> Response:
    now = utcnow()
    result = paginate(public_consultations(now))
    counts = comment_counts_for([c.id for c in result.items])
    items = [Consultation.from_consultation(c, now, counts[c.id]) for c in result.items]
    return json_response(ConsultationPage.of(result, items))


@endpoint(
    "/consultations/<int:id>",
    operation_id="getConsultation",
    summary="One consultation",
    response=Consultation,
    not_found="No public consultation with this id",
)
def consultation(id: int) -> Response:  # noqa: A002  (the document's name for it)
    found = db.session.scalar(models.Consultation.public().where(models.Consultation.id == id))
    if found is None:
        abort(404)
    return json_response(Consultation.from_consultation(found, utcnow(), comment_counts(found)))
