"""Markdown written by staff (drafts, explanations, feedback summaries) as safe HTML."""

from __future__ import annotations

import re

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "ul",
    "ol",
    "li",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "code",
    "pre",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "hr",
}


def render_markdown(text: str | None, below: int = 1) -> Markup:
    """Markdown from staff as safe HTML: raw HTML is not rendered, the result is sanitized
    (nh3), and links may only be http(s) or mailto. Its headings start below level
    `below`, the page's own title (a preview on a staff page sits lower than the page)."""
    html = re.sub(
        r"<(/?)h([1-6])>",
        lambda match: f"<{match.group(1)}h{min(int(match.group(2)) + below, 6)}>",
        _markdown.render(text or ""),
    )
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(clean)  # noqa: S704  (sanitized by nh3 just above)
