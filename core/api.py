"""The one open-data blueprint, `/api/v1`, and its OpenAPI document."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, url_for

bp = Blueprint("api", __name__, url_prefix="/api/v1")

MAX_PER_PAGE = 100
NULLABLE_STRING = {"type": ["string", "null"]}
NULLABLE_TIME = {"type": ["string", "null"], "format": "date-time"}


def absolute(endpoint: str, **values: Any) -> str:
    return url_for(endpoint, _external=True, **values)


OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "Sunshine open data",
        "version": "1.0.0",
        "description": "Public facts about the district's meetings. Times are ISO 8601 "
        "in office time with their offset. Only reviewed, public content is included.",
    },
    "paths": {},
    "components": {
        "schemas": {
            "Error": {
                "type": "object",
                "required": ["error", "message"],
                "properties": {"error": {"type": "integer"}, "message": {"type": "string"}},
            },
        }
    },
}


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(OPENAPI)
