"""The shape of a demo decision: what staff write for one agenda item."""

from __future__ import annotations

from typing import NamedTuple


class DemoDecision(NamedTuple):
    # One of: "approved", "approved_with_changes", "deferred", "not_approved",
    # "for_information".
    outcome: str
    text: str  # 决定内容: 2–4 formal sentences
    interpretation: str  # 政策解读: Markdown, plain words for residents
    dissent: str | None = None  # 不同意见 recorded at the meeting (Art. 30)
    comments_used: str | None = None  # 公众意见采纳情况, for items that had a consultation
    documents: tuple[tuple[str, str], ...] = ()  # (文件名称, address) of final documents
