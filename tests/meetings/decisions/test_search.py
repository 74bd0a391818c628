"""Searching published decisions in Chinese: a two-character word is found, results are
ranked and the words marked, on SQLite and on PostgreSQL (the suite runs on both), and a
search costs the same few queries whatever the archive holds."""

from __future__ import annotations

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup

from core.clock import utcnow
from meetings.decisions.models import DecisionOutcome
from meetings.decisions.text import query_terms
from meetings.models import AgendaItem
from tests.responses import queries_for

TEXTS = {
    "关于居住区停车综合治理试点的议题": "会议原则同意在三个街道试点错时共享停车和路侧电子收费。",
    "关于加快养老服务驿站建设的实施意见": "会议同意每个社区建设一个养老服务驿站，提供助餐服务。",
    "关于背街小巷环境整治提升三年行动方案的议题": "会议同意整治背街小巷，清理乱停乱放的车辆。",
    "关于优化营商环境若干措施的议题": "会议要求压减审批时限，推行一网通办。Ｗｉ-Ｆｉ覆盖政务大厅。",
}


@pytest.fixture
def archive(make_meeting, announce, publish_decision):
    meeting = announce(
        make_meeting(
            starts_at=utcnow() - timedelta(hours=3),
            agenda=[AgendaItem(position=n, title=title) for n, title in enumerate(TEXTS, start=1)],
        )
    )
    decisions = {}
    for item in meeting.agenda:
        decisions[item.title] = publish_decision(
            item,
            text=TEXTS[item.title],
            interpretation="## 对居民有什么影响\n\n居民可以在街道办事处咨询。",
            outcome=DecisionOutcome.FOR_INFORMATION
            if "营商" in item.title
            else DecisionOutcome.APPROVED,
        )
    return decisions


def titles(client, query: str) -> list[str]:
    page = BeautifulSoup(client.get("/decisions/", query_string=query).data, "html.parser")
    return [a.get_text() for a in page.select("#results h2 a")]


def test_a_two_character_word_finds_every_decision_that_contains_it(client, archive):
    found = titles(client, {"q": "停车"})
    # in the title and text of one, in the text only of another ("乱停" is not "停车")
    assert found == ["关于居住区停车综合治理试点的议题"]
    assert set(titles(client, {"q": "服务"})) == {"关于加快养老服务驿站建设的实施意见"}
    assert len(titles(client, {"q": "居民"})) == 4  # every interpretation


def test_a_longer_word_must_appear_whole_not_just_its_pieces(client, archive):
    assert titles(client, {"q": "养老服务驿站"}) == ["关于加快养老服务驿站建设的实施意见"]
    # 共享 and 停车 both occur in the parking decision, but never as 停车共享
    assert titles(client, {"q": "停车共享"}) == []


def test_a_word_repeating_one_piece_needs_the_whole_word(
    client, make_meeting, announce, publish_decision
):
    meeting = announce(make_meeting(starts_at=utcnow() - timedelta(hours=3)))
    publish_decision(meeting.agenda[0], text="会议听取了哈哈镜工坊的汇报。")
    assert titles(client, {"q": "哈哈"}) == [meeting.agenda[0].title]
    assert titles(client, {"q": "哈哈哈"}) == []


def test_several_words_must_all_appear(client, archive):
    assert titles(client, {"q": "会议 同意 驿站"}) == ["关于加快养老服务驿站建设的实施意见"]
    assert titles(client, {"q": "驿站 停车"}) == []


def test_a_word_in_the_title_ranks_above_one_only_in_the_text(
    client, make_meeting, announce, publish_decision
):
    meeting = announce(
        make_meeting(
            starts_at=utcnow() - timedelta(hours=3),
            agenda=[
                AgendaItem(position=1, title="关于社区议事厅的汇报"),
                AgendaItem(position=2, title="关于垃圾分类的议题"),
            ],
        )
    )
    publish_decision(meeting.agenda[1], text="垃圾分类工作由社区组织，社区居民参与，社区监督。")
    publish_decision(meeting.agenda[0], text="会议听取了汇报。")
    assert titles(client, {"q": "社区"}) == ["关于社区议事厅的汇报", "关于垃圾分类的议题"]


def test_the_words_are_marked_in_the_title_and_the_snippet(client, archive):
    page = BeautifulSoup(client.get("/decisions/?q=停车").data, "html.parser")
    result = page.select_one("#results li")
    marks = [mark.get_text() for mark in result.select("mark")]
    assert marks and set(marks) == {"停车"}
    assert result.select_one("h2 mark") is not None


def test_full_width_letters_and_any_case_are_the_same_word(client, archive):
    assert titles(client, {"q": "wi"}) == ["关于优化营商环境若干措施的议题"]
    assert titles(client, {"q": "ＷＩ-fi"}) == ["关于优化营商环境若干措施的议题"]


@pytest.mark.parametrize(
    "query", ["%", "_", "%%", "' OR 1=1 --", "\\", "停车%", "<mark>", "a" * 500, "。，！", " "]
)
def test_symbols_and_sql_find_nothing_unexpected_and_break_nothing(client, archive, query):
    response = client.get("/decisions/", query_string={"q": query})
    assert response.status_code == 200
    found = titles(client, {"q": query})
    if query_terms(query):
        assert len(found) < len(TEXTS), query  # no wildcard matches everything
    else:
        assert len(found) == len(TEXTS)  # nothing to search for: the whole list


def test_a_single_character_is_found_too(client, archive):
    assert set(titles(client, {"q": "车"})) == {
        "关于背街小巷环境整治提升三年行动方案的议题",
        "关于居住区停车综合治理试点的议题",
    }


def test_search_combines_with_the_filters(client, archive):
    assert titles(client, {"q": "会议", "outcome": "for_information"}) == [
        "关于优化营商环境若干措施的议题"
    ]
    assert titles(client, {"q": "会议", "year": "1999"}) == []


def test_htmx_search_answers_with_the_results_and_the_filters_out_of_band(client, archive):
    response = client.get("/decisions/?q=停车", headers={"HX-Request": "true"})
    page = BeautifulSoup(response.data, "html.parser")
    assert page.select_one("#results") is not None
    assert page.select_one("#decision-filters[data-hx-swap-oob]")["id"]
    assert page.select_one("#f-q")["value"] == "停车"
    assert "Vary" in response.headers and "HX-Request" in response.headers["Vary"]


def test_a_search_costs_the_same_queries_for_five_or_fifty_decisions(
    client, make_meeting, announce, publish_decision
):
    def publish(count: int) -> None:
        meeting = announce(
            make_meeting(
                starts_at=utcnow() - timedelta(hours=3),
                agenda=[
                    AgendaItem(position=n, title=f"关于社区停车的第{n}项议题")
                    for n in range(1, count + 1)
                ],
            )
        )
        for item in meeting.agenda:
            publish_decision(item, text=f"会议同意{item.title}，社区居民共享停车。")

    publish(5)
    small = {q: queries_for(client, f"/decisions/?q={q}") for q in ("停车", "社区居民", "车")}
    publish(45)
    large = {q: queries_for(client, f"/decisions/?q={q}") for q in ("停车", "社区居民", "车")}
    assert small == large
    assert queries_for(client, "/decisions/") == queries_for(client, "/decisions/?page=2")
