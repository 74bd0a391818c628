"""Open data: the public facts about meetings as JSON, described by an OpenAPI document.

Only what the public pages show is here; the same `Meeting.public()` query feeds both.
Times are ISO 8601 in office time with their offset.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Response, jsonify

from core.api import MAX_PER_PAGE, NULLABLE_STRING, NULLABLE_TIME, OPENAPI, absolute, bp
from core.clock import utcnow
from core.web import office_iso, query_int
from extensions import db
from meetings.models import AgendaItem, BodyLevel, Meeting, MeetingChange, MeetingStatus
from meetings.queries import (
    PUBLIC_STATUSES,
    meeting_filters,
    public_changes,
    public_live_updates,
    public_meeting_or_404,
    public_meetings,
)


def meeting_summary(meeting: Meeting, now: datetime) -> dict[str, Any]:
    return {
        "id": meeting.id,
        "title": meeting.title,
        "session_number": meeting.session_number,
        "body": {
            "slug": meeting.body.slug,
            "name": meeting.body.name,
            "level": meeting.body.level.value,
        },
        "status": meeting.status_at(now).value,
        "starts_at": office_iso(meeting.starts_at),
        "ends_at": office_iso(meeting.ends_at),
        "original_starts_at": office_iso(meeting.original_starts_at),
        "postpone_reason": meeting.postpone_reason,
        "cancel_reason": meeting.cancel_reason,
        "venue": meeting.venue,
        "livestream_url": meeting.livestream_url,
        "revision": meeting.revision,
        "announced_at": office_iso(meeting.published_at),
        "url": absolute("meetings.meeting_page", meeting_id=meeting.id),
    }


def agenda_entry(item: AgendaItem, number: int) -> dict[str, Any]:
    if item.is_withheld:
        return {
            "id": item.id,
            "number": number,
            "withheld": True,
            "withheld_basis": item.withheld_basis,
            "title": None,
            "summary": None,
            "sponsor": None,
            "presenter": None,
            "is_major_decision": item.is_major_decision,
            "documents": [],
        }
    return {
        "id": item.id,
        "number": number,
        "withheld": False,
        "withheld_basis": None,
        "title": item.title,
        "summary": item.summary,
        "sponsor": item.sponsor,
        "presenter": item.presenter,
        "is_major_decision": item.is_major_decision,
        "documents": [
            {
                "id": document.id,
                "name": document.original_name,
                "content_type": document.content_type,
                "size": document.size,
                "url": absolute(
                    "meetings.document", document_id=document.id, name=document.original_name
                ),
            }
            for document in item.public_documents
        ],
    }


def change_entry(change: MeetingChange) -> dict[str, Any]:
    return {
        "kind": change.kind.value,
        "published_at": office_iso(change.published_at),
        "reason": change.reason,
        "agenda_item_id": change.agenda_item_id,
        "old_title": change.old_title,
        "new_title": change.new_title,
        "old_starts_at": office_iso(change.old_starts_at),
        "new_starts_at": office_iso(change.new_starts_at),
    }


@bp.get("/meetings")
def meetings() -> Response:
    page = query_int("page", 1)
    per_page = min(query_int("per_page", 20), MAX_PER_PAGE)
    filters = meeting_filters()
    now = utcnow()
    result = db.paginate(
        public_meetings(filters, now),
        page=page,
        per_page=per_page,
        error_out=False,
    )
    return jsonify(
        items=[meeting_summary(meeting, now) for meeting in result.items],
        page=result.page,
        per_page=result.per_page,
        total=result.total,
        pages=result.pages,
    )


@bp.get("/meetings/<int:meeting_id>")
def meeting(meeting_id: int) -> Response:
    found = public_meeting_or_404(meeting_id)
    now = utcnow()
    return jsonify(
        {
            **meeting_summary(found, now),
            "notes": found.notes,
            "agenda": [agenda_entry(item, n) for n, item in enumerate(found.public_agenda, 1)],
            "changes": [change_entry(change) for change in public_changes(found)],
            "live_updates": [
                {
                    "id": update.id,
                    "posted_at": office_iso(update.posted_at),
                    "edited_at": office_iso(update.edited_at),
                    "text": update.text,
                    "agenda_item_id": update.agenda_item_id,
                    "image_url": absolute("meetings.live_image", update_id=update.id)
                    if update.image_name
                    else None,
                }
                for update in public_live_updates(found)
            ],
        }
    )


# The OpenAPI description ---------------------------------------------------------------

MEETINGS_OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "Sunshine open data",
        "version": "1.0.0",
        "description": "Public facts about the district's meetings. Times are ISO 8601 "
        "in office time with their offset. Only reviewed, public content is included.",
    },
    "paths": {
        "/api/v1/meetings": {
            "get": {
                "summary": "Announced meetings: live and upcoming soonest first, then past ones",
                "operationId": "listMeetings",
                "parameters": [
                    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                    {
                        "name": "per_page",
                        "in": "query",
                        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
                    },
                    {"name": "body", "in": "query", "schema": {"type": "string"}},
                    {
                        "name": "level",
                        "in": "query",
                        "schema": {"type": "string", "enum": [level.value for level in BodyLevel]},
                    },
                    {"name": "year", "in": "query", "schema": {"type": "integer"}},
                    {
                        "name": "status",
                        "in": "query",
                        "schema": {"type": "string", "enum": [s.value for s in PUBLIC_STATUSES]},
                    },
                ],
                "responses": {
                    "200": {
                        "description": "A page of meetings",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/MeetingPage"}
                            }
                        },
                    }
                },
            }
        },
        "/api/v1/meetings/{id}": {
            "get": {
                "summary": "One meeting with its agenda, changes and live updates",
                "operationId": "getMeeting",
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
                ],
                "responses": {
                    "200": {
                        "description": "The meeting",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Meeting"}}
                        },
                    },
                    "404": {
                        "description": "No public meeting with this id",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                        },
                    },
                },
            }
        },
    },
    "components": {
        "schemas": {
            "Error": {
                "type": "object",
                "required": ["error", "message"],
                "properties": {"error": {"type": "integer"}, "message": {"type": "string"}},
            },
            "Body": {
                "type": "object",
                "required": ["slug", "name", "level"],
                "additionalProperties": False,
                "properties": {
                    "slug": {"type": "string"},
                    "name": {"type": "string"},
                    "level": {"type": "string", "enum": [level.value for level in BodyLevel]},
                },
            },
            "MeetingSummary": {
                "type": "object",
                "required": [
                    "id",
                    "title",
                    "session_number",
                    "body",
                    "status",
                    "starts_at",
                    "ends_at",
                    "original_starts_at",
                    "postpone_reason",
                    "cancel_reason",
                    "venue",
                    "livestream_url",
                    "revision",
                    "announced_at",
                    "url",
                ],
                "properties": {
                    "id": {"type": "integer"},
                    "title": {"type": "string"},
                    "session_number": {"type": ["integer", "null"]},
                    "body": {"$ref": "#/components/schemas/Body"},
                    "status": {
                        "type": "string",
                        "enum": [s.value for s in MeetingStatus if s != MeetingStatus.DRAFT],
                    },
                    "starts_at": {"type": "string", "format": "date-time"},
                    "ends_at": {"type": "string", "format": "date-time"},
                    "original_starts_at": NULLABLE_TIME,
                    "postpone_reason": NULLABLE_STRING,
                    "cancel_reason": NULLABLE_STRING,
                    "venue": NULLABLE_STRING,
                    "livestream_url": NULLABLE_STRING,
                    "revision": {"type": "integer", "minimum": 1},
                    "announced_at": {"type": "string", "format": "date-time"},
                    "url": {"type": "string", "format": "uri"},
                },
            },
            "MeetingPage": {
                "type": "object",
                "required": ["items", "page", "per_page", "total", "pages"],
                "additionalProperties": False,
                "properties": {
                    "items": {
                        "type": "array",
                        "items": {"$ref": "#/components/schemas/MeetingSummary"},
                    },
                    "page": {"type": "integer", "minimum": 1},
                    "per_page": {"type": "integer", "minimum": 1},
                    "total": {"type": "integer", "minimum": 0},
                    "pages": {"type": "integer", "minimum": 0},
                },
            },
            "Document": {
                "type": "object",
                "required": ["id", "name", "content_type", "size", "url"],
                "additionalProperties": False,
                "properties": {
                    "id": {"type": "integer"},
                    "name": {"type": "string"},
                    "content_type": {"type": "string"},
                    "size": {"type": "integer"},
                    "url": {"type": "string", "format": "uri"},
                },
            },
            "AgendaItem": {
                "type": "object",
                "required": [
                    "id",
                    "number",
                    "withheld",
                    "withheld_basis",
                    "title",
                    "summary",
                    "sponsor",
                    "presenter",
                    "is_major_decision",
                    "documents",
                ],
                "additionalProperties": False,
                "properties": {
                    "id": {"type": "integer"},
                    "number": {"type": "integer", "minimum": 1},
                    "withheld": {"type": "boolean"},
                    "withheld_basis": NULLABLE_STRING,
                    "title": NULLABLE_STRING,
                    "summary": NULLABLE_STRING,
                    "sponsor": NULLABLE_STRING,
                    "presenter": NULLABLE_STRING,
                    "is_major_decision": {"type": "boolean"},
                    "documents": {
                        "type": "array",
                        "items": {"$ref": "#/components/schemas/Document"},
                    },
                },
            },
            "Change": {
                "type": "object",
                "required": ["kind", "published_at", "reason"],
                "additionalProperties": False,
                "properties": {
                    "kind": {"type": "string"},
                    "published_at": {"type": "string", "format": "date-time"},
                    "reason": NULLABLE_STRING,
                    "agenda_item_id": {"type": ["integer", "null"]},
                    "old_title": NULLABLE_STRING,
                    "new_title": NULLABLE_STRING,
                    "old_starts_at": NULLABLE_TIME,
                    "new_starts_at": NULLABLE_TIME,
                },
            },
            "LiveUpdate": {
                "type": "object",
                "required": ["id", "posted_at", "edited_at", "text", "agenda_item_id", "image_url"],
                "additionalProperties": False,
                "properties": {
                    "id": {"type": "integer"},
                    "posted_at": {"type": "string", "format": "date-time"},
                    "edited_at": NULLABLE_TIME,
                    "text": {"type": "string"},
                    "agenda_item_id": {"type": ["integer", "null"]},
                    "image_url": NULLABLE_STRING,
                },
            },
            "Meeting": {
                "allOf": [
                    {"$ref": "#/components/schemas/MeetingSummary"},
                    {
                        "type": "object",
                        "required": ["notes", "agenda", "changes", "live_updates"],
                        "properties": {
                            "notes": NULLABLE_STRING,
                            "agenda": {
                                "type": "array",
                                "items": {"$ref": "#/components/schemas/AgendaItem"},
                            },
                            "changes": {
                                "type": "array",
                                "items": {"$ref": "#/components/schemas/Change"},
                            },
                            "live_updates": {
                                "type": "array",
                                "items": {"$ref": "#/components/schemas/LiveUpdate"},
                            },
                        },
                    },
                ]
            },
        }
    },
}

OPENAPI["paths"].update(MEETINGS_OPENAPI["paths"])
OPENAPI["components"]["schemas"].update(MEETINGS_OPENAPI["components"]["schemas"])
