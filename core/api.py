"""The one open-data blueprint, `/api/v1`: its response models, how they are served, and the
OpenAPI document generated from them.

A feature declares each endpoint once with `@endpoint(...)` (address, operation id,
summary, query parameters, response model, 404). The response model is both the
serializer and the schema: views return `json_response(model)`, and `/api/v1/openapi.json`
is built from the declarations of the routes the app serves and the models' JSON schema,
so the document cannot drift from what is sent.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Generic, Self, TypeVar

from flask import Blueprint, Response, current_app, jsonify
from flask_sqlalchemy.pagination import Pagination
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    TypeAdapter,
    WithJsonSchema,
)
from pydantic.json_schema import GenerateJsonSchema, models_json_schema
from sqlalchemy import Select

from core.web import office_iso, public_link, query_int
from extensions import db

bp = Blueprint("api", __name__, url_prefix="/api/v1")

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
SCHEMA_REF = "#/components/schemas/{model}"
V = TypeVar("V", bound=Callable[..., Any])
T = TypeVar("T", bound=BaseModel)


def absolute(endpoint: str, **values: Any) -> str:
    """Links in open data name the configured public address, never the request's Host."""
    return public_link(endpoint, **values)


# Field types shared by every feature's models -------------------------------------------

OfficeTime = Annotated[
    datetime,
    PlainSerializer(office_iso, return_type=str),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]
"""A stored instant, sent as ISO 8601 in office time with its offset."""

Url = Annotated[str, Field(json_schema_extra={"format": "uri"})]
"""An absolute address, as `absolute()` builds it."""

Count = Annotated[int, Field(ge=0)]


def one_of(members: Iterable[StrEnum]) -> Any:
    """A field taking only these members of one enum (e.g. the statuses the public sees),
    documented as exactly their values."""
    allowed = tuple(members)

    def check(value: StrEnum) -> StrEnum:
        if value not in allowed:
            raise ValueError(f"{value!r} is not served by the API")
        return value

    return Annotated[
        type(allowed[0]),
        AfterValidator(check),
        WithJsonSchema({"type": "string", "enum": [member.value for member in allowed]}),
    ]


# Models ----------------------------------------------------------------------------------


class ApiModel(BaseModel):
    """A response shape: every field is sent, nothing else (`additionalProperties: false`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Page(ApiModel, Generic[T]):
    """One page of a list. A feature names its list's page by subclassing
    (`class MeetingPage(Page[MeetingSummary])`), which is also its name in the document."""

    items: list[T]
    page: int = Field(ge=1)
    per_page: int = Field(ge=1, le=MAX_PER_PAGE)
    total: Count
    pages: Count

    @classmethod
    def of(cls, result: Pagination, items: Sequence[T]) -> Self:
        return cls(
            items=list(items),
            page=result.page,
            per_page=result.per_page,
            total=result.total or 0,
            pages=result.pages,
        )


# Every error under /api/ has this shape; `core.errors.render_error` writes it.
class Error(ApiModel):
    """An error: the HTTP status and a message in the reader's language."""

    error: int
    message: str


def page_size() -> int:
    """The page size the request asks for: nonsense gives the default size; more than
    `MAX_PER_PAGE` gives `MAX_PER_PAGE`, as documented."""
    return min(query_int("per_page", DEFAULT_PER_PAGE), MAX_PER_PAGE)


def paginate(query: Select) -> Pagination:
    """The page of `query` the request asks for (nonsense gives the first page)."""
    return db.paginate(query, page=query_int("page", 1), per_page=page_size(), error_out=False)


def json_response(model: BaseModel) -> Response:
    """The one way an API view answers (keys sorted, Chinese left readable)."""
    return jsonify(model.model_dump(mode="json"))


# Declaring endpoints ---------------------------------------------------------------------


@dataclass(frozen=True)
class Parameter:
    """A query-string parameter; `type` is anything Pydantic can describe."""

    name: str
    type: Any
    description: str | None = None

    def openapi(self) -> dict[str, Any]:
        schema = TypeAdapter(self.type).json_schema(schema_generator=SchemaGenerator)
        declared = {"name": self.name, "in": "query", "schema": schema}
        return declared | ({"description": self.description} if self.description else {})


PAGE = Parameter("page", Annotated[int, Field(ge=1)], "Nonsense gives the first page.")
PER_PAGE = Parameter(
    "per_page",
    Annotated[int, Field(ge=1, le=MAX_PER_PAGE)],
    f"Default {DEFAULT_PER_PAGE}; more than {MAX_PER_PAGE} gives {MAX_PER_PAGE}.",
)


@dataclass(frozen=True)
class Endpoint:
    """What `@endpoint` records on a view for the document."""

    operation_id: str
    summary: str
    response: type[BaseModel]
    parameters: tuple[Parameter, ...]
    not_found: str | None


ENDPOINT_ATTRIBUTE = "api_endpoint"


def endpoint(
    rule: str,
    *,
    operation_id: str,
    summary: str,
    response: type[BaseModel],
    parameters: Sequence[Parameter] = (),
    not_found: str | None = None,
) -> Callable[[V], V]:
    """Add a GET route to `/api/v1` and describe it in the OpenAPI document. `not_found`
    is the description of its 404, for endpoints that have one."""

    def declare(view: V) -> V:
        setattr(
            view,
            ENDPOINT_ATTRIBUTE,
            Endpoint(operation_id, summary, response, tuple(parameters), not_found),
        )
        bp.get(rule)(view)
        return view

    return declare


# The OpenAPI document --------------------------------------------------------------------


class SchemaGenerator(GenerateJsonSchema):
    """Pydantic's JSON schema without a title on every property (models keep theirs)."""

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False


RULE_VARIABLE = re.compile(r"<(?:(?P<converter>\w+)(?:\([^)]*\))?:)?(?P<name>\w+)>")


def summary_line(model: type[BaseModel]) -> str:
    return (model.__doc__ or model.__name__).strip().splitlines()[0]


def operation(rule: str, declared: Endpoint, refs: dict[type[BaseModel], str]) -> dict[str, Any]:
    def answer(model: type[BaseModel], description: str) -> dict[str, Any]:
        schema = {"$ref": refs[model]}
        return {"description": description, "content": {"application/json": {"schema": schema}}}

    path_parameters = [
        {
            "name": variable["name"],
            "in": "path",
            "required": True,
            "schema": {"type": "integer" if variable["converter"] == "int" else "string"},
        }
        for variable in RULE_VARIABLE.finditer(rule)
    ]
    responses = {"200": answer(declared.response, summary_line(declared.response))}
    if declared.not_found:
        responses["404"] = answer(Error, declared.not_found)
    return {
        "summary": declared.summary,
        "operationId": declared.operation_id,
        "parameters": path_parameters + [p.openapi() for p in declared.parameters],
        "responses": responses,
    }


def openapi_document() -> dict[str, Any]:
    """The document for the API routes the current app serves, from their declarations."""
    declarations: list[tuple[str, Endpoint]] = []
    for rule in current_app.url_map.iter_rules():
        declared = getattr(current_app.view_functions.get(rule.endpoint), ENDPOINT_ATTRIBUTE, None)
        if declared is not None:
            declarations.append((rule.rule, declared))
    models = dict.fromkeys([Error, *(declared.response for _, declared in declarations)])
    refs, definitions = models_json_schema(
        [(model, "serialization") for model in models],
        ref_template=SCHEMA_REF,
        schema_generator=SchemaGenerator,
    )
    model_refs = {model: ref["$ref"] for (model, _), ref in refs.items()}
    paths: dict[str, Any] = {}
    for rule, declared in declarations:
        path = RULE_VARIABLE.sub(lambda variable: "{" + variable["name"] + "}", rule)
        paths.setdefault(path, {})["get"] = operation(rule, declared, model_refs)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Sunshine open data",
            "version": "1.0.0",
            "description": "Public facts about the district's meetings and consultations. "
            "Times are ISO 8601 in office time with their offset. Only what the public pages "
            "show is included: content approved in confidentiality review, and what staff "
            "publish at once under their own name (live updates, moderated comments and "
            "replies, extensions of a comment period).",
        },
        "paths": paths,
        "components": {"schemas": definitions.get("$defs", {})},
    }


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(openapi_document())
