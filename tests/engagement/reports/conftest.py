from __future__ import annotations

import pytest

from core.review import ReviewState
from engagement.consultations.models import CommentStatus, Disposition
from engagement.open_days.models import Status
from engagement.sitting_in.models import ApplicationStatus, Attendance, Category
from extensions import db
from tests.engagement.reports.support import (
    FIRST_MINUTES_OF_2026,
    LAST_MINUTES_OF_2025,
    YearBuilder,
    at,
)


@pytest.fixture
def builder(make_meeting, make_body, make_user, announce, publish_decision, make_open_day):
    return YearBuilder(
        make_meeting, make_body, make_user, announce, publish_decision, make_open_day
    )


@pytest.fixture
def known_years(builder: YearBuilder) -> YearBuilder:
    """2024 and 2025 with activity counted by hand in test_figures (EXPECTED_2025...), and
    what must not count: a meeting in the first minutes of 2026, a cancelled and a draft
    meeting, a removed item, an unapproved consultation, a cancelled open day."""
    b = builder
    used = {"comments_used": "采纳了部分意见。"}
    # 2024: one meeting, one consultation opened, one open day.
    b.meeting(at(2024, 6, 15))
    b.open_day(at(2024, 6, 1), capacity=40, taken=10, statuses={Status.ATTENDED: 10})

    m1 = b.meeting(at(2025, 3, 10), "district", items=3, withheld=1)
    b.live_update(m1)
    m2 = b.meeting(
        at(2025, 7, 15), "department", items=3, livestream_url="https://live.example.org/1"
    )
    m2.agenda[2].removed_at = at(2025, 7, 1)
    db.session.commit()
    m3 = b.meeting(LAST_MINUTES_OF_2025, "street")
    m4 = b.meeting(FIRST_MINUTES_OF_2026, "district")
    m5 = b.meeting(at(2025, 5, 5), "district")
    m5.cancelled_at = at(2025, 5, 1)
    db.session.commit()
    b.meeting(at(2025, 9, 9), "district", announce=False)

    c1 = b.consultation(m1.agenda[0], at(2025, 1, 20), "《养老服务驿站实施意见》征求意见")
    b.comments(c1, CommentStatus.PUBLISHED, 2, Disposition.ADOPTED)
    b.comments(c1, CommentStatus.PUBLISHED, 1, Disposition.PARTLY_ADOPTED)
    b.comments(c1, CommentStatus.PUBLISHED, 1, Disposition.NOT_ADOPTED)
    b.comments(c1, CommentStatus.REJECTED, 1)
    b.comments(c1, CommentStatus.REJECTED, 1, Disposition.ADOPTED)  # not published: not used
    b.comments(c1, CommentStatus.REJECTED, 1, automated=True)  # caught by the trap: not sent
    b.comments(c1, CommentStatus.RECEIVED, 2)
    b.feedback(c1, at(2025, 3, 1))
    c2 = b.consultation(m2.agenda[0], at(2025, 5, 1), "《居民用水阶梯价格调整方案》征求意见")
    b.comments(c2, CommentStatus.PUBLISHED, 1, Disposition.OUT_OF_SCOPE)
    b.comments(c2, CommentStatus.PUBLISHED, 2)
    b.feedback(c2, at(2025, 8, 1))
    c3 = b.consultation(m4.agenda[0], at(2025, 11, 20), "《入学工作实施意见》征求意见")
    b.comments(c3, CommentStatus.PUBLISHED, 1, Disposition.ADOPTED)  # no feedback report yet
    # On an item taken off the agenda after its comment period opened: its comments count.
    c5 = b.consultation(m2.agenda[2], at(2025, 6, 1), "《社区议事厅规则》征求意见")
    b.comments(c5, CommentStatus.PUBLISHED, 1)
    c4 = b.consultation(m1.agenda[2], at(2024, 11, 1), "《老旧小区整治方案》征求意见")
    b.comments(c4, CommentStatus.PUBLISHED, 2)
    draft = b.consultation(m2.agenda[1], at(2025, 4, 1), "未通过审核的征求意见")
    draft.review_state = ReviewState.DRAFT
    db.session.commit()
    b.comments(draft, CommentStatus.PUBLISHED, 5)

    b.decide(m1.agenda[0], at(2025, 3, 12), **used)
    b.decide(m1.agenda[1], at(2025, 6, 1))
    b.decide(m2.agenda[0], at(2025, 7, 20), **used)
    b.decide(m2.agenda[1], at(2025, 7, 20))

    deputy = b.sat_in(m1, Category.DEPUTY)
    b.sat_in(m1, Category.DEPUTY)
    b.sat_in(m1, Category.CPPCC)
    b.sat_in(m1, Category.RESIDENT, attendance=Attendance.ABSENT)
    b.sat_in(m1, Category.EXPERT, attendance=None)
    b.sat_in(m3, Category.RESIDENT)
    b.sat_in(m3, Category.DEPUTY, person=deputy)  # the same deputy again: two attendances
    b.sat_in(m5, Category.MEDIA)
    b.sat_in(m4, Category.OTHER)
    b.application(m1, ApplicationStatus.SELECTED)
    b.application(m1, ApplicationStatus.NOT_SELECTED)
    b.application(m1, ApplicationStatus.NOT_SELECTED)
    b.application(m1, ApplicationStatus.INELIGIBLE)
    b.application(m4, ApplicationStatus.APPLIED)

    b.open_day(
        at(2025, 4, 10),
        capacity=30,
        taken=28,
        statuses={
            Status.ATTENDED: 25,
            Status.NO_SHOW: 3,
            Status.WAITLISTED: 4,
            Status.CANCELLED: 2,
        },
        scores=(5, 5, 4, 3, 2),
        title="政府开放日：走进区政府",
    )
    b.open_day(
        at(2025, 10, 10),
        capacity=20,
        taken=20,
        # one holder of a place never checked in nor marked: did not come all the same
        statuses={
            Status.ATTENDED: 17,
            Status.NO_SHOW: 2,
            Status.CONFIRMED: 1,
            Status.NOT_SELECTED: 5,
        },
        scores=(5, 4),
        title="政府开放日：应急值守平台",
    )
    b.open_day(at(2025, 11, 11), capacity=10, taken=0, statuses={}, cancelled_at=at(2025, 11, 1))
    return b
