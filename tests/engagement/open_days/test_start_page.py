"""The staff start page lists today's open days with how many registrations are still
expected at the door, linking to the check-in; and first-come open days taking
registrations with few places left (a fifth or less, or five or fewer), the fullest
first, linking to their registrations. Reviewers, who run neither, see none of it."""

from __future__ import annotations

from datetime import timedelta

from core.accounts.models import Role
from core.clock import utcnow
from engagement.open_days.models import Mode, Status
from tests.responses import start_page
from tests.start_page_support import add_registrations


def test_todays_open_days_count_who_has_not_checked_in(client, auth, make_open_day, make_user):
    now = utcnow()
    today = make_open_day(title="今天的开放日", starts_at=now, ends_at=now + timedelta(hours=3))
    add_registrations(
        today,
        [Status.CONFIRMED] * 3 + [Status.ATTENDED, Status.CANCELLED, Status.WAITLISTED],
    )
    make_open_day(title="明天的开放日", starts_at=now + timedelta(days=1))
    make_open_day(title="取消了", starts_at=now, cancelled_at=now - timedelta(hours=1))
    make_open_day(title="还没审核", approve=False, starts_at=now)

    client.set_cookie("lang", "en")
    auth.login(make_user(Role.EDITOR))
    page = start_page(client.get("/admin/"))
    (row,) = page["open-days-today"]["rows"]
    assert page["open-days-today"]["count"] == 1
    assert row["label"] == "今天的开放日"
    assert row["url"] == f"/admin/open-days/{today.id}/check-in"
    assert "3 not checked in" in row["text"]
    assert "3 registrations are not checked in yet." in client.get("/admin/").get_data(as_text=True)

    auth.login(make_user(Role.REVIEWER))
    assert "open-days-today" not in start_page(client.get("/admin/"))


def test_open_days_filling_up_fullest_first(client, auth, make_open_day, make_user):
    def taken(capacity: int, count: int, **fields: object):
        open_day = make_open_day(capacity=capacity, **fields)
        add_registrations(open_day, [Status.CONFIRMED] * count)
        return open_day

    tenth_left = taken(50, 45, title="剩一成")
    fifth_left = taken(20, 16, title="剩两成")
    full = taken(10, 10, title="已满")
    taken(50, 30, title="还剩很多")
    taken(100, 75, title="剩四分之一")
    make_open_day(capacity=5, mode=Mode.LOTTERY, title="抽签的")  # places given by the draw
    closed = taken(10, 10, title="报名已截止")
    closed.registration_closes_at = utcnow() - timedelta(minutes=1)
    taken(10, 9, title="已取消", cancelled_at=utcnow())

    client.set_cookie("lang", "en")
    auth.login(make_user(Role.EDITOR))
    filling = start_page(client.get("/admin/"))["open-days-filling"]
    assert filling["count"] == 3
    assert [(row["label"], row["url"]) for row in filling["rows"]] == [
        ("已满", f"/admin/open-days/{full.id}/registrations"),
        ("剩两成", f"/admin/open-days/{fifth_left.id}/registrations"),
        ("剩一成", f"/admin/open-days/{tenth_left.id}/registrations"),
    ]
    assert "All 10 places are taken." in filling["rows"][0]["text"]
    assert "4 places left of 20." in filling["rows"][1]["text"]
    assert filling["more"] == "/admin/open-days/"

    auth.login(make_user(Role.REVIEWER))
    assert "open-days-filling" not in start_page(client.get("/admin/"))
