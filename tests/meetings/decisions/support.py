"""What the decision tests share: a draft's fields, and a correction published the way
staff publish one."""

from __future__ import annotations

from core import review
from extensions import db
from meetings.decisions import operations
from meetings.decisions.models import Decision, DecisionOutcome
from meetings.models import AgendaItem


def draft_fields(item: AgendaItem, **overrides: object) -> dict[str, object]:
    """The fields of a decision on `item` as an editor first writes them."""
    return {
        "title": item.title,
        "outcome": DecisionOutcome.APPROVED,
        "text": "同意。",
        "dissent": None,
        "interpretation": "",
        "comments_used": None,
        "documents": [],
        **overrides,
    }


def correct(decision: Decision, reviewer, **changes: object) -> None:
    """Publish a correction of `decision` the way staff do: started, edited, reviewed."""
    author = decision.meeting.author
    version = operations.start_correction(decision, actor=author)
    operations.update_decision(version, actor=author, **changes)
    review.submit_for_review(version, actor=author)
    review.approve(version, actor=reviewer)
    db.session.commit()
