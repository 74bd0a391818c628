"""What staff publish at once, without review, and answer for themselves.

Some public content cannot wait for a reviewer (live updates while a meeting runs, the
extension of a comment period about to close) or is not content in the review's sense
(publishing residents' own comments, the names of organising bodies). Each feature
declares here what it publishes that way, with the POST routes that do it; the review
queue lists them next to the kinds that wait for approval, so its sentence about what
becomes public is true, and a test checks every such route is declared.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.extension_points import ExtensionPoint


@dataclass(frozen=True)
class DirectPublication:
    label: Any  # a lazy translation: what is published, as the review page names it
    endpoints: tuple[str, ...]  # the POST routes that publish it


direct_publications: ExtensionPoint[DirectPublication] = ExtensionPoint("direct_publications")
