"""Open data for consultations: public facts with comment counts and published feedback.

Adds its routes and schemas to the one `/api/v1` blueprint and OpenAPI document that
`meetings.api` owns, so there is a single description of the whole open-data API.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Response, abort, jsonify

from core.api import MAX_PER_PAGE, NULLABLE_STRING, NULLABLE_TIME, OPENAPI, absolute, bp
from core.clock import utcnow
from core.web import office_iso, query_int
from engagement.consultations.models import Consultation, ConsultationState, Disposition
from engagement.consultations.queries import (
    comment_counts,
    comment_counts_for,
    public_consultations,
)
from extensions import db


def consultation_entry(
    consultation: Consultation, now: datetime, counts: dict[str, int]
) -> dict[str, Any]:
    feedback = consultation.feedback
    if feedback is not None and not feedback.is_public:
        feedback = None
    return {
        "id": consultation.id,
        "title": consultation.title,
        "state": consultation.state_at(now).value,
        "agenda_item_id": consultation.agenda_item_id,
        "meeting_id": consultation.agenda_item.meeting_id,
        "opens_at": office_iso(consultation.opens_at),
        "closes_at": office_iso(consultation.closes_at),
        "original_closes_at": office_iso(consultation.original_closes_at),
        "extension_reason": consultation.extension_reason,
        "short_period_reason": consultation.short_period_reason,
        "comments": {"received": counts["total"], "published": counts["published"]},
        "feedback": None
        if feedback is None
        else {
            "published_at": office_iso(feedback.published_at),
            "summary": feedback.summary,
            "counts": {d.value: (feedback.counts or {}).get(d.value, 0) for d in Disposition},
        },
        "url": absolute("consultations.consultation_page", consultation_id=consultation.id),
    }


@bp.get("/consultations")
def consultations() -> Response:
    page = query_int("page", 1)
    per_page = min(query_int("per_page", 20), MAX_PER_PAGE)
    now = utcnow()
    result = db.paginate(
        public_consultations(now),
        page=page,
        per_page=per_page,
        error_out=False,
    )
    counts = comment_counts_for([c.id for c in result.items])
    return jsonify(
        items=[consultation_entry(c, now, counts[c.id]) for c in result.items],
        page=result.page,
        per_page=result.per_page,
        total=result.total,
        pages=result.pages,
    )


@bp.get("/consultations/<int:consultation_id>")
def consultation(consultation_id: int) -> Response:
    found = db.session.scalar(Consultation.public().where(Consultation.id == consultation_id))
    if found is None:
        abort(404)
    return jsonify(consultation_entry(found, utcnow(), comment_counts(found)))


COUNT = {"type": "integer", "minimum": 0}
OPENAPI["paths"]["/api/v1/consultations"] = {
    "get": {
        "summary": "Public consultations with comment counts and published feedback",
        "operationId": "listConsultations",
        "parameters": [
            {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
            {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
        ],
        "responses": {
            "200": {
                "description": "A page of consultations",
                "content": {
                    "application/json": {
                        "schema": {"$ref": "#/components/schemas/ConsultationPage"}
                    }
                },
            }
        },
    }
}
OPENAPI["paths"]["/api/v1/consultations/{id}"] = {
    "get": {
        "summary": "One consultation",
        "operationId": "getConsultation",
        "parameters": [
            {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
        ],
        "responses": {
            "200": {
                "description": "The consultation",
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Consultation"}}
                },
            },
            "404": {
                "description": "No public consultation with this id",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            },
        },
    }
}
OPENAPI["components"]["schemas"]["Consultation"] = {
    "type": "object",
    "additionalProperties": False,
    "required": [
        "id",
        "title",
        "state",
        "agenda_item_id",
        "meeting_id",
        "opens_at",
        "closes_at",
        "original_closes_at",
        "extension_reason",
        "short_period_reason",
        "comments",
        "feedback",
        "url",
    ],
    "properties": {
        "id": {"type": "integer"},
        "title": {"type": "string"},
        "state": {
            "type": "string",
            "enum": [s.value for s in ConsultationState if s != ConsultationState.DRAFT],
        },
        "agenda_item_id": {"type": "integer"},
        "meeting_id": {"type": "integer"},
        "opens_at": {"type": "string", "format": "date-time"},
        "closes_at": {"type": "string", "format": "date-time"},
        "original_closes_at": NULLABLE_TIME,
        "extension_reason": NULLABLE_STRING,
        "short_period_reason": NULLABLE_STRING,
        "comments": {
            "type": "object",
            "additionalProperties": False,
            "required": ["received", "published"],
            "properties": {"received": COUNT, "published": COUNT},
        },
        "feedback": {
            "oneOf": [
                {"type": "null"},
                {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["published_at", "summary", "counts"],
                    "properties": {
                        "published_at": {"type": "string", "format": "date-time"},
                        "summary": {"type": "string"},
                        "counts": {
                            "type": "object",
                            "additionalProperties": False,
                            "required": [d.value for d in Disposition],
                            "properties": {d.value: COUNT for d in Disposition},
                        },
                    },
                },
            ]
        },
        "url": {"type": "string", "format": "uri"},
    },
}
OPENAPI["components"]["schemas"]["ConsultationPage"] = {
    "type": "object",
    "required": ["items", "page", "per_page", "total", "pages"],
    "additionalProperties": False,
    "properties": {
        "items": {"type": "array", "items": {"$ref": "#/components/schemas/Consultation"}},
        "page": {"type": "integer", "minimum": 1},
        "per_page": {"type": "integer", "minimum": 1},
        "total": COUNT,
        "pages": COUNT,
    },
}
