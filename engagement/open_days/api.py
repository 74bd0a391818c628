"""Open data about open days: `/api/v1/open-days` with places left, through the one
`/api/v1` blueprint and its OpenAPI document (`core.api.endpoint`). No registrant is
named; only counts."""

from __future__ import annotations

from datetime import datetime
from typing import Self

from flask import Response

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
from engagement.open_days import models
from engagement.open_days.models import Mode, OpenDayState
from engagement.open_days.queries import public_open_day_or_404, public_open_days

PublicState = one_of(state for state in OpenDayState if state != OpenDayState.DRAFT)
PlaceMode = one_of(Mode)


class OpenDay(ApiModel):
    """A public government open day."""

    id: int
    title: str
    state: PublicState
    starts_at: OfficeTime
    ends_at: OfficeTime
    original_starts_at: OfficeTime | None
    postpone_reason: str | None
    cancel_reason: str | None
    meeting_point: str
    itinerary: list[str]
    mode: PlaceMode
    capacity: Count
    places_left: Count
    registration_opens_at: OfficeTime
    registration_closes_at: OfficeTime
    id_required: bool
    simulated_meeting: bool
    draw_seed: str | None
    url: Url

    @classmethod
    def from_open_day(cls, open_day: models.OpenDay, now: datetime) -> Self:
        return cls(
            id=open_day.id,
            title=open_day.title,
            state=open_day.state_at(now),
            starts_at=open_day.starts_at,
            ends_at=open_day.ends_at,
            original_starts_at=open_day.original_starts_at,
            postpone_reason=open_day.postpone_reason,
            cancel_reason=open_day.cancel_reason,
            meeting_point=open_day.meeting_point,
            itinerary=open_day.stop_names,
            mode=open_day.mode,
            capacity=open_day.capacity,
            places_left=open_day.places_left,
            registration_opens_at=open_day.registration_opens_at,
            registration_closes_at=open_day.registration_closes_at,
            id_required=open_day.id_required,
            simulated_meeting=open_day.simulated_meeting,
            draw_seed=open_day.draw_seed,
            url=absolute("open_days.open_day_page", open_day_id=open_day.id),
        )


class OpenDayPage(Page[OpenDay]):
    """A page of public open days."""


@endpoint(
    "/open-days",
    operation_id="listOpenDays",
    summary="Public government open days with places left",
    response=OpenDayPage,
    parameters=(PAGE, PER_PAGE),
)
def open_days() -> Response:
    now = utcnow()
    result = paginate(public_open_days())
    items = [OpenDay.from_open_day(open_day, now) for open_day in result.items]
    return json_response(OpenDayPage.of(result, items))


@endpoint(
    "/open-days/<int:id>",
    operation_id="getOpenDay",
    summary="One open day",
    response=OpenDay,
    not_found="No public open day with this id",
)
def open_day(id: int) -> Response:  # noqa: A002  (the document's name for it)
    return json_response(OpenDay.from_open_day(public_open_day_or_404(id), utcnow()))
