"""Open data about decisions: only published decisions, found by the public list's own
search, each with its correction history; every response validates against the OpenAPI
document, and a meeting's agenda item names its decision."""

from __future__ import annotations

from datetime import timedelta

import pytest
from openapi_spec_validator import validate as validate_spec

from core import review
from core.clock import to_office_time, utcnow
from extensions import db
from meetings.decisions import operations
from meetings.decisions.models import Decision, DecisionOutcome
from meetings.models import AgendaItem
from tests.meetings.decisions.support import correct, draft_fields
from tests.test_api import validator_for

PARKING = "关于规范老旧小区停车管理的议题"
LIBRARY = "关于街道图书馆延长开放时间的议题"
MARKET = "关于农贸市场改造的议题"


@pytest.fixture
def spec(client):
    document = client.get("/api/v1/openapi.json").json
    validate_spec(document)
    return document


@pytest.fixture
def held_meeting(make_meeting, announce):
    """An announced meeting that started an hour ago, with three public items."""
    titles = (PARKING, LIBRARY, MARKET)
    meeting = make_meeting(
        starts_at=utcnow() - timedelta(hours=1),
        agenda=[AgendaItem(position=n, title=t) for n, t in enumerate(titles, 1)],
    )
    return announce(meeting)


@pytest.fixture
def decisions(held_meeting, publish_decision) -> dict[str, Decision]:
    """The parking item's decision published; the library's still a draft and the market's
    submitted, both mentioning parking too."""
    parking, library, market = held_meeting.agenda
    published = publish_decision(
        parking,
        text="会议同意在老旧小区推行错时停车。",
        interpretation="## 解读\n\n正文",
        documents=[["文件", "https://example.gov.cn/a.pdf"]],
    )
    author = held_meeting.author
    draft = operations.record_decision(
        library, actor=author, **draft_fields(library, text="同时研究周边停车问题。")
    )
    submitted = operations.record_decision(
        market, actor=author, **draft_fields(market, text="同时研究周边停车问题。")
    )
    review.submit_for_review(submitted.versions[0], actor=author)
    db.session.commit()
    return {"published": published, "draft": draft, "submitted": submitted}


def test_list_holds_only_published_decisions_and_validates(client, spec, decisions):
    response = client.get("/api/v1/decisions")
    assert response.status_code == 200
    validator_for(spec, "/api/v1/decisions").validate(response.json)
    published = decisions["published"]
    assert [item["id"] for item in response.json["items"]] == [published.id]
    assert response.json["total"] == 1
    item = response.json["items"][0]
    assert item["title"] == PARKING and item["outcome"] == "approved"
    assert item["meeting_id"] == published.meeting_id
    assert item["agenda_item_id"] == published.agenda_item_id
    assert item["body"]["slug"] == published.meeting.body.slug
    assert item["published_at"].endswith("+08:00") and item["corrected_at"] is None
    assert item["url"] == f"http://127.0.0.1:5000/decisions/{published.id}"


def test_a_two_character_word_finds_the_decision_and_an_absent_one_nothing(client, spec, decisions):
    validator = validator_for(spec, "/api/v1/decisions")
    found = client.get("/api/v1/decisions?q=停车").json
    validator.validate(found)
    assert [item["id"] for item in found["items"]] == [decisions["published"].id]
    nothing = client.get("/api/v1/decisions?q=养老").json
    validator.validate(nothing)
    assert nothing["items"] == [] and nothing["total"] == 0


def test_filters_and_nonsense_validate(client, spec, decisions, held_meeting):
    validator = validator_for(spec, "/api/v1/decisions")
    year = to_office_time(held_meeting.starts_at).year
    expected = {
        f"year={year}": 1,
        f"year={year - 1}": 0,
        f"body={held_meeting.body.slug}": 1,
        "body=nowhere": 0,
        "outcome=approved": 1,
        "outcome=not_approved": 0,
        "per_page=abc&page=-1&year=x&outcome=zzz": 1,
        "page=2": 0,
    }
    for query, total in expected.items():
        page = client.get(f"/api/v1/decisions?{query}").json
        validator.validate(page)
        assert len(page["items"]) == total, query
    assert client.get("/api/v1/decisions?per_page=5000").json["per_page"] == 100


def test_one_decision_carries_its_text_corrections_and_earlier_text(
    client, spec, decisions, reviewer
):
    published = decisions["published"]
    correct(
        published,
        reviewer,
        text="会议同意在老旧小区推行错时共享停车。",
        correction_note="补充“共享”二字",
    )
    response = client.get(f"/api/v1/decisions/{published.id}")
    assert response.status_code == 200
    validator_for(spec, "/api/v1/decisions/{id}").validate(response.json)
    body = response.json
    assert body["text"] == "会议同意在老旧小区推行错时共享停车。"
    assert body["interpretation"] == "## 解读\n\n正文"
    assert body["documents"] == [{"name": "文件", "url": "https://example.gov.cn/a.pdf"}]
    assert [c["note"] for c in body["corrections"]] == ["补充“共享”二字"]
    assert body["corrected_at"] == body["corrections"][0]["published_at"]
    assert body["corrected_at"] != body["published_at"]
    [earlier] = body["earlier_texts"]
    assert earlier["number"] == 1 and earlier["text"] == "会议同意在老旧小区推行错时停车。"
    assert earlier["published_at"] == body["published_at"]
    listed = client.get("/api/v1/decisions").json["items"][0]
    assert listed["corrected_at"] == body["corrected_at"]


def test_a_decision_never_corrected_has_no_history(client, spec, decisions):
    body = client.get(f"/api/v1/decisions/{decisions['published'].id}").json
    validator_for(spec, "/api/v1/decisions/{id}").validate(body)
    assert body["corrections"] == [] and body["earlier_texts"] == []
    assert body["corrected_at"] is None


def test_an_unpublished_or_unknown_decision_is_a_404_that_validates(client, spec, decisions):
    validator = validator_for(spec, "/api/v1/decisions/{id}", "404")
    for decision_id in (decisions["draft"].id, decisions["submitted"].id, 999999):
        response = client.get(f"/api/v1/decisions/{decision_id}")
        assert response.status_code == 404
        validator.validate(response.json)


def test_a_meetings_agenda_item_names_its_published_decision(client, spec, decisions, held_meeting):
    response = client.get(f"/api/v1/meetings/{held_meeting.id}")
    validator_for(spec, "/api/v1/meetings/{id}").validate(response.json)
    by_title = {item["title"]: item["decision_id"] for item in response.json["agenda"]}
    assert by_title == {PARKING: decisions["published"].id, LIBRARY: None, MARKET: None}


def test_the_document_describes_both_endpoints(spec):
    operations_by_path = {
        path: spec["paths"][path]["get"]["operationId"]
        for path in ("/api/v1/decisions", "/api/v1/decisions/{id}")
    }
    assert operations_by_path == {
        "/api/v1/decisions": "listDecisions",
        "/api/v1/decisions/{id}": "getDecision",
    }
    parameters = spec["paths"]["/api/v1/decisions"]["get"]["parameters"]
    outcome = next(p for p in parameters if p["name"] == "outcome")
    assert outcome["schema"]["enum"] == [member.value for member in DecisionOutcome]
