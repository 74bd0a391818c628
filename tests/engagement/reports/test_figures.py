"""Every figure of the report equals a count made by hand over known rows: the year's
edges on the office's clock, and what must not count (cancelled, unannounced, removed,
unapproved) are in the rows on purpose."""

from __future__ import annotations

from engagement.reports.figures import count_year
from tests.engagement.reports.support import TAKEN_AT

EXPECTED_2025 = {
    "version": 1,
    "year": 2025,
    "taken_at": TAKEN_AT.isoformat(),
    "complete": True,
    "meetings": {
        "held": 3,
        "by_month": [0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 1],
        "by_body": [
            {"name": "区政府常务会议", "level": "district", "count": 1},
            {"name": "区民政局局务会", "level": "department", "count": 1},
            {"name": "什刹海街道办事处主任办公会", "level": "street", "count": 1},
        ],
        "by_level": {"district": 1, "department": 1, "street": 1},
        "items_public": 6,
        "items_withheld": 1,
        "items_followed_live": 5,
        "meetings_followed_live": 2,
    },
    "consultations": {
        "items_pre_disclosed": 4,
        "comments_received": 13,
        "comments_published": 9,
        "comments_not_published": 2,
        "comments_awaiting_moderation": 2,
        "dispositions": {
            "adopted": 2,
            "partly_adopted": 1,
            "not_adopted": 1,
            "out_of_scope": 1,
        },
        "per_consultation": [
            {"title": "《养老服务驿站实施意见》征求意见", "received": 8, "published": 4},
            {"title": "《居民用水阶梯价格调整方案》征求意见", "received": 3, "published": 3},
            {"title": "《社区议事厅规则》征求意见", "received": 1, "published": 1},
            {"title": "《入学工作实施意见》征求意见", "received": 1, "published": 1},
        ],
        "feedback_reports": 2,
        "feedback_before_meeting": 1,
    },
    "sitting_in": {
        "by_category": {
            "deputy": 3,
            "cppcc": 1,
            "expert": 0,
            "resident": 1,
            "media": 0,
            "other": 0,
        },
        "sat_in": 5,
        "people": 4,
        "applications": 4,
        "applicants_selected": 1,
    },
    "decisions": {"items_to_decide": 6, "published": 4, "published_in_time": 3},
    "open_days": {
        "held": 2,
        "places": 50,
        "registrations": 59,
        "given_a_place": 48,
        "attended": 42,
        "no_shows": 6,
        "feedback_answers": 7,
        "satisfied": 5,
        "satisfaction_total": 28,
        "per_open_day": [
            {"title": "政府开放日：走进区政府", "places": 30, "taken": 28},
            {"title": "政府开放日：应急值守平台", "places": 20, "taken": 20},
        ],
    },
}


def test_every_figure_of_a_year_equals_the_count_by_hand(app, known_years):
    assert count_year(2025, TAKEN_AT) == EXPECTED_2025


def test_the_year_before_counts_only_its_own_rows(app, known_years):
    figures = count_year(2024, TAKEN_AT)
    assert figures["meetings"]["held"] == 1
    assert figures["meetings"]["by_month"][5] == 1
    assert figures["consultations"]["items_pre_disclosed"] == 1
    assert figures["consultations"]["comments_received"] == 2
    assert figures["open_days"]["held"] == 1
    assert figures["open_days"]["attended"] == 10
    assert figures["sitting_in"]["sat_in"] == 0
    assert figures["decisions"]["published"] == 0


def test_a_meeting_in_the_first_minutes_of_the_year_counts_in_that_year(app, known_years):
    figures = count_year(2026, TAKEN_AT)
    assert figures["meetings"]["held"] == 1
    assert figures["meetings"]["by_month"][0] == 1
    assert figures["sitting_in"]["by_category"]["other"] == 1
    assert figures["sitting_in"]["applications"] == 1
    assert figures["complete"] is False


def test_a_meeting_not_yet_held_when_counted_does_not_count(app, known_years):
    before_the_last_meeting = EXPECTED_2025["meetings"]
    from tests.engagement.reports.support import LAST_MINUTES_OF_2025

    figures = count_year(2025, LAST_MINUTES_OF_2025)
    assert figures["meetings"]["held"] == before_the_last_meeting["held"] - 1
    assert figures["meetings"]["by_month"][11] == 0
    assert figures["sitting_in"]["by_category"]["resident"] == 0
    assert figures["complete"] is False


def test_an_empty_year_counts_zero_everywhere(app):
    figures = count_year(2020, TAKEN_AT)
    assert figures["meetings"]["held"] == 0
    assert figures["meetings"]["by_month"] == [0] * 12
    assert figures["consultations"]["per_consultation"] == []
    assert figures["open_days"]["per_open_day"] == []
    assert figures["decisions"] == {"items_to_decide": 0, "published": 0, "published_in_time": 0}


def test_a_part_year_counts_only_what_had_happened_by_then(app, known_years):
    from tests.engagement.reports.support import at

    figures = count_year(2025, at(2025, 6, 15))
    # opened 20 January, 1 May and 1 June; the one opening 20 November has not yet
    assert figures["consultations"]["items_pre_disclosed"] == 3
    # the April open day is over; October's is still to come
    assert figures["open_days"]["held"] == 1
    during = count_year(2025, at(2025, 4, 10, 3))  # an hour into the April open day
    assert during["open_days"]["held"] == 0
