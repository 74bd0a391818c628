"""The publication clock: decisions are due 20 working days after their meeting, counted on
the official calendar (public holidays and make-up working days), and staff see where
each stands; beyond the years the calendar knows, the date is marked as estimated."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from bs4 import BeautifulSoup

from core.accounts.models import Role
from core.clock import from_office_time, utcnow
from core.working_days import official_schedule_years
from meetings.decisions.deadlines import deadline, publication_due, published_in_time
from meetings.models import AgendaItem

pytestmark = pytest.mark.usefixtures("app")  # the office's zone is configured


def office(year: int, month: int, day: int, hour: int = 9) -> datetime:
    return from_office_time(datetime(year, month, day, hour))


def test_a_meeting_before_the_spring_festival_is_due_after_the_holiday_and_its_make_up_day():
    # Held Tue 10 Feb 2026. Counted from Wed 11 Feb: 11, 12, 13 (Fri), Sat 14 Feb is a
    # make-up working day (4), the holiday Sun 15 – Mon 23 Feb counts nothing; 24–27 Feb
    # (5–8), Sat 28 Feb is a make-up working day (9); 2–6 Mar (10–14), 9–13 Mar (15–19),
    # Mon 16 Mar is the 20th.
    due = publication_due(office(2026, 2, 10))
    assert due.day == date(2026, 3, 16)
    assert not due.estimated


def test_a_meeting_before_national_day_is_due_after_the_holiday_week():
    # Held Fri 18 Sep 2026: Sun 20 Sep is a make-up working day, Fri 25 Sep (Mid-Autumn)
    # and 1–7 Oct are holidays, Sat 10 Oct is a make-up working day.
    assert publication_due(office(2026, 9, 18)).day == date(2026, 10, 22)


def test_the_day_of_the_meeting_is_the_office_day_not_the_utc_day():
    # 07:30 in Beijing on Wed 11 Mar 2026 is still Tue 10 Mar in UTC.
    morning = office(2026, 3, 11, hour=7)
    assert morning.date() == date(2026, 3, 10)  # stored in UTC
    assert publication_due(morning).day == publication_due(office(2026, 3, 11, 15)).day


def test_where_today_stands_against_the_deadline():
    held = office(2026, 2, 10)  # due Mon 16 Mar 2026
    assert deadline(held, office(2026, 3, 16, 17)).working_days_left == 0
    soon = deadline(held, office(2026, 3, 10, 10))
    assert soon.due_soon and not soon.overdue and soon.working_days_left == 4
    late = deadline(held, office(2026, 3, 18, 10))
    assert late.overdue and late.working_days_left == -2
    assert published_in_time(held, office(2026, 3, 16, 23))
    assert not published_in_time(held, office(2026, 3, 17, 0))


def test_beyond_the_years_of_the_official_schedule_the_date_is_an_estimate():
    last = official_schedule_years()[1]
    due = publication_due(office(last + 1, 6, 10))
    assert due.estimated and due.unknown_years == (last + 1,)


def test_staff_see_overdue_and_estimated_deadlines(client, auth, make_meeting, announce, make_user):
    long_ago = announce(
        make_meeting(
            title="很久以前的会议",
            starts_at=utcnow() - timedelta(days=90),
            agenda=[AgendaItem(position=1, title="逾期未公开的议题")],
        )
    )
    auth.login(make_user(Role.EDITOR))
    page = BeautifulSoup(client.get("/admin/decisions/").data, "html.parser")
    row = next(tr for tr in page.select("tbody tr") if "逾期未公开的议题" in tr.get_text())
    assert row.select_one(".badge-overdue") is not None
    assert long_ago.title in row.get_text()
    meeting_page = client.get(f"/admin/meetings/{long_ago.id}").get_data(as_text=True)
    assert "badge-overdue" in meeting_page


def test_a_deadline_in_a_year_without_the_official_schedule_warns_staff(
    client, auth, make_meeting, announce, make_user
):
    # The count from a meeting held now reaches past the last year the calendar knows
    # whenever that year is the current one or ends within the 20 working days.
    meeting = announce(make_meeting(starts_at=utcnow() - timedelta(hours=3)))
    due = publication_due(meeting.starts_at)
    auth.login(make_user(Role.EDITOR))
    text = BeautifulSoup(client.get("/admin/decisions/").data, "html.parser").get_text()
    assert due.day.isoformat() in text
    assert (str(due.unknown_years[0]) in text) == due.estimated
