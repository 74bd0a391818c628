"""The decision pages the load bench loads (`bench.pages.PAGES`): the list, the list
searched, the most recently corrected decision and the Atom feed, found in whatever data
the database holds (the demo's decisions, or ten busy years of them)."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from flask.testing import FlaskClient
from sqlalchemy import func, select

from extensions import db
from meetings.decisions.models import Decision, DecisionVersion
from meetings.decisions.queries import published_decisions, search_decisions

# What residents search decisions for: a word in most of them, a longer one in a few, and
# one in none (though 共享 is in many: its other pieces, 享单 and 单车, are in none).
DECISION_SEARCHES = {
    "two characters": "社区",
    "four characters": "老旧小区",
    "no match": "共享单车",
}


def decision_list(_client: FlaskClient) -> tuple[str, str]:
    published = db.session.scalar(
        published_decisions().with_only_columns(func.count(Decision.id)).order_by(None)
    )
    return "/decisions/", f"{published:,} decisions"


def decision_search(word: str) -> Callable[[FlaskClient], tuple[str, str]]:
    """The list searched for one word, with how many decisions it finds (the page's own
    query)."""

    def locate(_client: FlaskClient) -> tuple[str, str]:
        found = search_decisions({"q": word}, page=1, per_page=20).total
        return f"/decisions/?q={quote(word)}", f"“{word}”: {found:,} decisions"

    return locate


def corrected_decision(_client: FlaskClient) -> tuple[str, str]:
    """The most recently corrected decision: its text in force, the correction's note and
    the earlier text."""
    corrected = select(DecisionVersion.decision_id).where(
        DecisionVersion.number > 1, DecisionVersion.published_at.is_not(None)
    )
    decision_id = db.session.scalar(
        published_decisions()
        .with_only_columns(Decision.id)
        .where(Decision.id.in_(corrected))
        .order_by(Decision.last_published_at.desc(), Decision.id.desc())
        .limit(1)
    )
    versions = db.session.scalar(
        select(func.count(DecisionVersion.id)).where(
            DecisionVersion.decision_id == decision_id, DecisionVersion.published_at.is_not(None)
        )
    )
    return f"/decisions/{decision_id}", f"{versions} published versions"


def decision_feed(client: FlaskClient) -> tuple[str, str]:
    path = "/decisions/feed.atom"
    return path, f"{client.get(path).data.count(b'<entry>'):,} entries"
