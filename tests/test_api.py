"""Open data: every response validates against the published OpenAPI document, and only
public facts are in it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from openapi_spec_validator import validate as validate_spec
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from core import review
from core.accounts.models import Role
from core.clock import utcnow
from core.files import StoredFile
from extensions import db
from meetings import operations
from meetings.models import BodyLevel, ChangeKind, Meeting, Visibility


@pytest.fixture
def spec(client):
    document = client.get("/api/v1/openapi.json").json
    validate_spec(document)
    return document


def response_schema(spec: dict, path: str, status: str = "200") -> dict:
    return spec["paths"][path]["get"]["responses"][status]["content"]["application/json"]["schema"]


def validator_for(spec: dict, path: str, status: str = "200") -> Draft202012Validator:
    schema = response_schema(spec, path, status)
    resource = Resource.from_contents(spec, default_specification=DRAFT202012)
    registry = Registry().with_resource("urn:spec", resource)
    rooted = {"$ref": "urn:spec#" + schema["$ref"].removeprefix("#")}
    return Draft202012Validator(rooted, registry=registry, format_checker=FormatChecker())


@pytest.fixture
def published(make_meeting, make_user):
    """An announced, postponed meeting with a withheld item and a live update, plus a draft."""
    reviewer = make_user(Role.REVIEWER)
    meeting = make_meeting(
        title="已公布的会议", session_number=19, starts_at=utcnow() - timedelta(minutes=5)
    )
    operations.add_agenda_item(
        meeting,
        title="涉密",
        visibility=Visibility.WITHHELD,
        withheld_basis="依法不予公开",
        actor=meeting.author,
    )
    review.submit_for_review(meeting, actor=meeting.author)
    review.approve(meeting, actor=reviewer)
    operations.post_live_update(
        meeting, text="会议开始", agenda_item=None, image=None, actor=meeting.author
    )
    future = make_meeting(title="将延期的会议")
    review.submit_for_review(future, actor=future.author)
    review.approve(future, actor=reviewer)
    change = operations.propose_change(
        future,
        ChangeKind.POSTPONE,
        reason="时间调整",
        new_starts_at=future.starts_at + timedelta(days=7),
        new_ends_at=future.starts_at + timedelta(days=7, hours=2),
        actor=future.author,
    )
    review.submit_for_review(change, actor=future.author)
    review.approve(change, actor=reviewer)
    make_meeting(title="草稿会议")
    db.session.commit()
    return meeting, future


def test_the_openapi_document_is_valid(spec):
    assert spec["openapi"].startswith("3.1")


def test_list_validates_and_holds_only_public_meetings(client, spec, published):
    response = client.get("/api/v1/meetings")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    validator_for(spec, "/api/v1/meetings").validate(response.json)
    titles = {item["title"] for item in response.json["items"]}
    assert titles == {"已公布的会议", "将延期的会议"}
    assert response.json["total"] == 2
    statuses = {item["title"]: item["status"] for item in response.json["items"]}
    assert statuses == {"已公布的会议": "live", "将延期的会议": "postponed"}


def test_times_carry_the_office_offset(client, published):
    item = client.get("/api/v1/meetings").json["items"][0]
    assert item["starts_at"].endswith("+08:00")


def test_one_meeting_validates(client, spec, published):
    meeting, future = published
    validator = validator_for(spec, "/api/v1/meetings/{id}")
    for target in (meeting, future):
        response = client.get(f"/api/v1/meetings/{target.id}")
        validator.validate(response.json)
    body = client.get(f"/api/v1/meetings/{meeting.id}").json
    assert [entry["withheld"] for entry in body["agenda"]] == [False, True]
    assert (
        body["agenda"][1]["title"] is None and body["agenda"][1]["withheld_basis"] == "依法不予公开"
    )
    assert body["live_updates"][0]["text"] == "会议开始"
    postponed = client.get(f"/api/v1/meetings/{future.id}").json
    assert postponed["changes"][0]["kind"] == "postpone" and postponed["revision"] == 2


def test_unknown_or_draft_meeting_is_a_404_that_validates(client, spec, published):
    draft = db.session.scalar(db.select(Meeting).where(Meeting.title == "草稿会议"))
    validator = validator_for(spec, "/api/v1/meetings/{id}", "404")
    for meeting_id in (draft.id, 999999):
        response = client.get(f"/api/v1/meetings/{meeting_id}")
        assert response.status_code == 404
        validator.validate(response.json)


def test_pagination_and_filters(client, spec, published):
    validator = validator_for(spec, "/api/v1/meetings")
    first = client.get("/api/v1/meetings?per_page=1&page=1").json
    second = client.get("/api/v1/meetings?per_page=1&page=2").json
    for page in (first, second):
        validator.validate(page)
    assert first["total"] == 2 and first["pages"] == 2
    assert first["items"][0]["id"] != second["items"][0]["id"]
    assert client.get("/api/v1/meetings?status=postponed").json["total"] == 1
    nonsense = client.get("/api/v1/meetings?per_page=abc&page=-1&status=zzz&year=x")
    assert nonsense.status_code == 200
    validator.validate(nonsense.json)
    assert client.get("/api/v1/meetings?per_page=5000").json["per_page"] == 100


def test_consultations_validate_and_carry_counts_and_feedback(
    client, spec, make_consultation, major_item, reviewer
):
    from engagement.consultations import operations as consultation_operations
    from engagement.consultations.models import Comment, Disposition

    meeting = major_item.meeting
    consultation = make_consultation(
        opens_at=utcnow() - timedelta(days=31),
        closes_at=utcnow() + timedelta(seconds=30),
        short_period_reason="临近上会，剩余时间不足30日",
    )
    comment = consultation_operations.submit_comment(
        consultation,
        body="意见",
        name="居民",
        show_name=True,
        phone="13800138000",
        email=None,
        community=None,
        consented=True,
    )
    db.session.commit()
    listing = client.get("/api/v1/consultations").json
    validator_for(spec, "/api/v1/consultations").validate(listing)
    assert listing["items"][0]["comments"] == {"received": 1, "published": 0}
    assert listing["items"][0]["feedback"] is None

    consultation_operations.moderate_comments([comment], True, None, actor=meeting.author)
    consultation_operations.answer_comment(
        comment,
        reply="谢谢",
        disposition=Disposition.ADOPTED,
        disposition_reason=None,
        actor=meeting.author,
    )
    report = consultation_operations.save_feedback_report(
        consultation, "综述", actor=meeting.author
    )
    consultation.closes_at = utcnow() - timedelta(seconds=1)
    review.submit_for_review(report, actor=meeting.author)
    review.approve(report, actor=reviewer)
    db.session.commit()
    detail = client.get(f"/api/v1/consultations/{consultation.id}")
    validator_for(spec, "/api/v1/consultations/{id}").validate(detail.json)
    assert detail.json["state"] == "feedback_published"
    assert detail.json["feedback"]["counts"]["adopted"] == 1
    assert "13800138000" not in detail.get_data(as_text=True)
    missing = client.get("/api/v1/consultations/999999")
    validator_for(spec, "/api/v1/consultations/{id}", "404").validate(missing.json)
    assert db.session.scalar(db.select(db.func.count(Comment.id))) == 1


# The document cannot drift from what is served --------------------------------------


def schema_of(spec: dict, schema: dict) -> dict:
    """`schema` with its `$ref` to a component followed."""
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def query_parameters(spec: dict, path: str) -> dict[str, dict]:
    parameters = spec["paths"][path]["get"]["parameters"]
    return {p["name"]: p["schema"] for p in parameters if p["in"] == "query"}


def demo_addresses(client) -> list[tuple[str, str]]:
    """(address, documented path) for every API response the demo data gives: each list
    page by page at several sizes and with each filter, and every meeting and consultation
    by id, public or not."""
    from engagement.consultations.models import Consultation
    from meetings.queries import PUBLIC_STATUSES

    addresses = []
    for path in ("/api/v1/meetings", "/api/v1/consultations"):
        for per_page in (1, 5, 100, 101, 5000):
            pages = client.get(f"{path}?per_page={per_page}").json["pages"]
            for page in range(1, pages + 2):  # and one past the end
                addresses.append((f"{path}?per_page={per_page}&page={page}", path))
    filters = [f"level={level.value}" for level in BodyLevel]
    filters += [f"status={status.value}" for status in PUBLIC_STATUSES]
    filters += ["year=2026", "body=district-executive", "status=draft", "per_page=0"]
    addresses += [(f"/api/v1/meetings?{f}", "/api/v1/meetings") for f in filters]
    for model, path in (
        (Meeting, "/api/v1/meetings/{id}"),
        (Consultation, "/api/v1/consultations/{id}"),
    ):
        ids = db.session.scalars(db.select(model.id).order_by(model.id)).all()
        prefix = path.removesuffix("{id}")
        addresses += [(f"{prefix}{i}", path) for i in [*ids, 999999]]
    return addresses


def test_every_demo_response_validates_against_its_path_in_the_document(client, spec):
    from engagement.demo import load_demo

    load_demo()
    db.session.commit()
    seen = {}
    for address, path in demo_addresses(client):
        response = client.get(address)
        status = str(response.status_code)
        assert status in spec["paths"][path]["get"]["responses"], address
        validator_for(spec, path, status).validate(response.json)
        seen.setdefault(path, set()).add(status)
    assert seen == {
        "/api/v1/meetings": {"200"},
        "/api/v1/meetings/{id}": {"200", "404"},
        "/api/v1/consultations": {"200"},
        "/api/v1/consultations/{id}": {"200", "404"},
    }
    served = client.get("/api/v1/meetings?per_page=100").json["items"]
    assert {item["status"] for item in served} >= {"announced", "postponed", "cancelled"}


def test_documents_and_live_images_validate(client, spec, make_meeting, reviewer):
    meeting = make_meeting(starts_at=utcnow() - timedelta(minutes=5))
    stored = StoredFile("a1b2.pdf", "实施方案.pdf", "application/pdf", 2048)
    operations.attach_item_document(meeting.agenda[0], stored, actor=meeting.author)
    review.submit_for_review(meeting, actor=meeting.author)
    review.approve(meeting, actor=reviewer)
    photo = StoredFile("c3d4.png", "现场.png", "image/png", 512)
    operations.post_live_update(
        meeting, text="会议开始", agenda_item=None, image=photo, actor=meeting.author
    )
    db.session.commit()
    body = client.get(f"/api/v1/meetings/{meeting.id}").json
    validator_for(spec, "/api/v1/meetings/{id}").validate(body)
    document = body["agenda"][0]["documents"][0]
    public = "http://127.0.0.1:5000/"  # PUBLIC_BASE_URL
    assert document["name"] == "实施方案.pdf" and document["url"].startswith(public)
    assert body["live_updates"][0]["image_url"].startswith(public)


@pytest.mark.parametrize("app_config", [{"PUBLIC_BASE_URL": "https://sunshine.example.gov.cn"}])
def test_links_name_the_public_address_whatever_the_host_header(client, make_meeting, announce):
    meeting = announce(make_meeting())
    for url in ("/api/v1/meetings", f"/api/v1/meetings/{meeting.id}"):
        body = client.get(url, headers={"Host": "evil.example"}).get_data(as_text=True)
        assert "evil.example" not in body
        assert f"https://sunshine.example.gov.cn/meetings/{meeting.id}" in body


def test_every_api_route_is_in_the_document_and_nothing_else(app, spec):
    served = {
        re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.") and rule.endpoint != "api.openapi"
    }
    assert served == set(spec["paths"])


def test_consultations_per_page_is_documented_at_most_100_and_capped_there(client, spec):
    from core.api import MAX_PER_PAGE

    assert MAX_PER_PAGE == 100
    documented = query_parameters(spec, "/api/v1/consultations")["per_page"]
    assert documented["minimum"] == 1 and documented["maximum"] == 100
    page = schema_of(spec, response_schema(spec, "/api/v1/consultations"))
    assert page["properties"]["per_page"]["maximum"] == 100
    for asked in (100, 101, 5000):
        assert client.get(f"/api/v1/consultations?per_page={asked}").json["per_page"] == 100
    assert client.get("/api/v1/consultations?per_page=7").json["per_page"] == 7


def test_enum_fields_document_exactly_the_values_the_code_takes(spec):
    from engagement.consultations.models import ConsultationState, Disposition
    from meetings.models import MeetingStatus

    schemas = spec["components"]["schemas"]

    def enum(model: str, field: str) -> list[str]:
        return schema_of(spec, schemas[model]["properties"][field])["enum"]

    assert enum("Change", "kind") == [kind.value for kind in ChangeKind]
    assert enum("Body", "level") == [level.value for level in BodyLevel]
    public_statuses = [s.value for s in MeetingStatus if s != MeetingStatus.DRAFT]
    assert enum("MeetingSummary", "status") == enum("Meeting", "status") == public_statuses
    assert query_parameters(spec, "/api/v1/meetings")["status"]["enum"] == public_statuses
    assert query_parameters(spec, "/api/v1/meetings")["level"]["enum"] == [
        level.value for level in BodyLevel
    ]
    assert enum("Consultation", "state") == [
        s.value for s in ConsultationState if s != ConsultationState.DRAFT
    ]
    counts = schema_of(spec, schema_of(spec, schemas["Feedback"])["properties"]["counts"])
    assert sorted(counts["properties"]) == sorted(counts["required"])
    assert sorted(counts["properties"]) == sorted(d.value for d in Disposition)


def test_every_shape_sends_all_its_fields_and_nothing_else(spec):
    for name, schema in spec["components"]["schemas"].items():
        if schema.get("type") == "object":
            assert schema["additionalProperties"] is False, name
            assert sorted(schema["required"]) == sorted(schema["properties"]), name


def test_open_days_validate_carry_places_left_and_name_no_registrant(client, spec, make_open_day):
    from engagement.open_days import operations as open_day_operations
    from engagement.open_days.models import Mode

    first_come = make_open_day(capacity=2)
    lottery = make_open_day(title="抽签开放日", mode=Mode.LOTTERY)
    make_open_day(title="草稿开放日", approve=False)
    for number in range(3):
        open_day_operations.register(
            first_come,
            name="王秀英",
            phone=f"1390000000{number}",
            email="resident@example.cn",
            id_number=None,
            consented=True,
            locale="zh",
        )
    db.session.commit()
    listing = client.get("/api/v1/open-days").json
    validator_for(spec, "/api/v1/open-days").validate(listing)
    by_id = {item["id"]: item for item in listing["items"]}
    assert set(by_id) == {first_come.id, lottery.id}
    assert by_id[first_come.id]["places_left"] == 0
    assert by_id[first_come.id]["itinerary"][0] == "区长办公室"
    assert by_id[lottery.id]["mode"] == "lottery" and by_id[lottery.id]["draw_seed"] is None
    one = client.get(f"/api/v1/open-days/{first_come.id}")
    validator_for(spec, "/api/v1/open-days/{id}").validate(one.json)
    text = one.get_data(as_text=True) + str(listing)
    assert "王秀英" not in text and "13900000000" not in text and "example.cn" not in text
    assert client.get(f"/api/v1/open-days/{first_come.id + 1000}").status_code == 404
