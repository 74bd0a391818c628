"""Markdown written by staff (drafts, explanations, feedback summaries, policy
interpretations) as safe HTML."""

from __future__ import annotations

import re
from collections.abc import Mapping

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

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


_IMAGE = re.compile(r'<img src="([^"]*)" alt="([^"]*)"\s*/?>')


def render_markdown(
    text: str | None, below: int = 1, images: Mapping[str, str] | None = None
) -> Markup:
    """Markdown from staff as safe HTML: raw HTML is not rendered, the result is sanitized
    (nh3), and links may only be http(s) or mailto. Its headings start below level
    `below`, the page's own title (a preview on a staff page sits lower than the page).

    Images are shown only from the addresses in `images` (address -> what the image shows,
    from its upload); any other image is left out, and one written without words gets
    those of its upload, so no image reaches a page without its alt text."""
    html = re.sub(
        r"<(/?)h([1-6])>",
        lambda match: f"<{match.group(1)}h{min(int(match.group(2)) + below, 6)}>",
        _markdown.render(text or ""),
    )
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS | ({"img"} if images else set()),
        attributes={"a": {"href", "title"}, "img": {"src", "alt"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    if images or "<img" in clean:
        clean = _IMAGE.sub(lambda found: _known_image(found, images or {}), clean)
        clean = re.sub(
            r"<img\b[^>]*>", lambda tag: tag.group(0) if "data-known" in tag.group(0) else "", clean
        )
        clean = clean.replace(" data-known", "")
    return Markup(clean)  # noqa: S704  (sanitized by nh3 just above)


def _known_image(found: re.Match[str], images: Mapping[str, str]) -> str:
    source, alt = found.group(1), found.group(2)
    if source not in images:
        return ""
    alt = alt.strip() or str(escape(images[source]))
    return f'<img data-known src="{source}" alt="{alt}">'
