"""After the retention periods, nothing personal of a resident is left anywhere.

The whole story of `personal_data_support` is run (a comment, an open-day registration with
an ID number, an application to sit in, a resident representative invited and answering,
the reminders and the outbox sent); the consultation's feedback report is published. Then
the clock moves past every period the office promises: a year after the feedback report
(comments), `OPEN_DAY_RETENTION_DAYS` after the open day, `SIT_IN_RETENTION_DAYS` after the
meeting; cron's purges run (`flask purge-personal-data`, `purge-open-day-data`,
`purge-sitting-in-data`), and every column of every table is read, with the mail the
office wrote to its mail folder: no name, phone, email or ID number of the story's people
is anywhere, and neither are the messages that carried their private links. What the
product keeps stays: the published comment's text, receipt number and its own link (its
status page, with nothing personal left on it), the registration,
application and invitation counted anonymously (community and outcome), the audit log's
record of each purge, with counts and no personal field.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from core import review
from core.clock import utcnow
from engagement.consultations import operations as consultation_operations
from engagement.consultations.models import Comment, Disposition
from engagement.open_days.models import Registration
from engagement.sitting_in.models import Application, Category, Person
from extensions import db
from tests.engagement.sitting_in.conftest import invitable_meeting, make_person  # noqa: F401
from tests.personal_data_support import Story, prepare_story, run, run_every_flow, served

COMMENT_BODY = "建议在社区设置老年人驿站。"


@pytest.fixture
def app_config() -> dict[str, object]:
    return {"PAGE_CACHE_ENABLED": False}


def publish_feedback(story: Story, reviewer) -> object:
    """The comment published and answered, the period over, the feedback report approved."""
    consultation = story.consultation
    editor = consultation.agenda_item.meeting.author
    comments = list(
        db.session.scalars(select(Comment).where(Comment.consultation_id == consultation.id))
    )
    consultation_operations.moderate_comments(comments, True, None, actor=editor)
    for comment in comments:
        consultation_operations.answer_comment(
            comment,
            reply=None,
            disposition=Disposition.ADOPTED,
            disposition_reason=None,
            actor=editor,
        )
    consultation.closes_at = utcnow() - timedelta(seconds=1)
    report = consultation_operations.save_feedback_report(consultation, "综述", actor=editor)
    review.submit_for_review(report, actor=editor)
    review.approve(report, actor=reviewer)
    db.session.commit()
    return report


def everything_stored(mail_folder: Path) -> list[tuple[str, str]]:
    """(where, what) for every value in every column of every table, and every mail file."""
    found = []
    db.session.expire_all()
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(select(table)).mappings():
            for column, value in row.items():
                if value is not None:
                    found.append((f"{table.name}.{column}", str(value)))
    for path in sorted(mail_folder.glob("**/*")):
        if path.is_file():
            found.append((f"mail folder {path.name}", path.read_bytes().decode(errors="replace")))
    return found


def test_after_the_retention_periods_no_personal_data_is_left(
    app,
    make_user,
    make_consultation,
    make_open_day,
    invitable_meeting,  # noqa: F811
    reviewer,
):
    story = prepare_story(make_user, make_consultation, make_open_day, invitable_meeting)
    with served(app) as base:
        run_every_flow(app, base, story)
    report = publish_feedback(story, reviewer)
    mail_folder = Path(app.config["MAIL_FOLDER"])
    values = [value for person in story.people.values() for value in person.personal.values()]
    before = everything_stored(mail_folder)
    for value in values:  # the story really left each of them, in the tables and the mail
        assert any(value in text for _where, text in before), value

    runner = app.test_cli_runner()
    commands = [["purge-personal-data"], ["purge-open-day-data"], ["purge-sitting-in-data"]]
    # Not a day early: each period is kept in full.
    with freeze_time(story.open_day.ends_at + timedelta(days=29)):
        assert "0 open days purged" in run(runner, commands[1])
    later = max(
        report.published_at + timedelta(days=366),
        story.open_day.ends_at + timedelta(days=app.config["OPEN_DAY_RETENTION_DAYS"] + 1),
        story.meeting.ends_at + timedelta(days=app.config["SIT_IN_RETENTION_DAYS"] + 1),
    )
    with freeze_time(later):
        printed = [run(runner, command) for command in commands]
    assert "1 comments" in printed[0] and "1 open days" in printed[1]
    assert "1 people and 1 applications" in printed[2]

    left = everything_stored(mail_folder)
    still = [
        f"the {person.key}'s {what} in {place}"
        for person in story.people.values()
        for what, value in person.sentinels.items()
        for place, text in left
        if value in text and place != "comments.token"  # the kept comment's own link
    ]
    assert not still, "\n".join(still)

    # What is kept: the published comment, the anonymous counts, the audit of each purge.
    comment = db.session.scalar(select(Comment))
    assert comment.body == COMMENT_BODY and comment.receipt_number
    assert db.session.scalar(select(db.func.count(Registration.id))) == 1
    application = db.session.scalar(select(Application))
    assert application.community == "幸福里社区" and application.purged_at is not None
    person = db.session.scalar(select(Person))
    assert person.category == Category.RESIDENT and person.community == "幸福里社区"
    purges = {place for place, text in left if place == "audit_entries.action" and "purge" in text}
    assert purges
