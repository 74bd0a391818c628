"""The search index of published decisions: each two-character piece of a text with its
counts (`DecisionTerm`), and the text as search compares words with it (`DecisionText`);
`search_rows` is what both hold for one text (`meetings.decisions.text` says why)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db
from meetings.decisions.text import gram_counts, normalize

if TYPE_CHECKING:
    from meetings.decisions.models import DecisionVersion

# Link and image addresses are not words of the text: `[名称](https://…)` reads 名称.
_ADDRESS = re.compile(r"\]\([^)]*\)|<https?://[^>]*>")


def searchable(markdown: str) -> str:
    return _ADDRESS.sub("]", markdown or "")


def search_rows(decision_id: int, version: DecisionVersion) -> tuple[str, list[dict[str, Any]]]:
    """What search keeps of a published text: the text as it compares it
    (`text.normalize`), and each two-character piece with its counts in the title and the
    rest. One function, so what the app indexes and what a bulk load writes are the same."""
    interpretation = searchable(version.interpretation)
    text = "\n".join(normalize(part) for part in (version.title, version.text, interpretation))
    title = gram_counts(version.title)
    body = gram_counts(f"{version.text}\n{interpretation}")
    rows = [
        {
            "decision_id": decision_id,
            "gram": gram,
            "title_hits": title.get(gram, 0),
            "text_hits": body.get(gram, 0),
        }
        for gram in sorted(title.keys() | body.keys())
    ]
    return text, rows


class DecisionTerm(db.Model):
    """The search index: each two-character piece of a published decision's title and
    text, with how often it occurs in each (`meetings.decisions.text`)."""

    __tablename__ = "decision_terms"

    gram: Mapped[str] = mapped_column(String(2), primary_key=True)
    decision_id: Mapped[int] = mapped_column(
        ForeignKey("decisions.id"), primary_key=True, index=True
    )
    title_hits: Mapped[int] = mapped_column(default=0)
    text_hits: Mapped[int] = mapped_column(default=0)


class DecisionText(db.Model):
    """A published decision's title, text and interpretation as search compares them, kept
    apart so the list's counts and sorts read the narrow `decisions` table only."""

    __tablename__ = "decision_texts"

    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
