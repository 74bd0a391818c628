"""Confidentiality review (保密审查): the path by which content becomes public, and the
list of the few things staff publish at once without it.

`models` has the `Reviewable` mixin every public thing uses; `operations` the steps
(submit, approve, return); `views` the review queue and the buttons' endpoints;
`direct` the extension point where features declare what they publish without review.
"""

from core.review.direct import DirectPublication, direct_publications
from core.review.models import REVIEWABLE_KINDS, ContentPart, Reviewable, ReviewState
from core.review.operations import (
    approve,
    awaiting_review,
    contributors,
    return_for_changes,
    submit_for_review,
)

__all__ = [
    "REVIEWABLE_KINDS",
    "ContentPart",
    "DirectPublication",
    "Reviewable",
    "ReviewState",
    "approve",
    "awaiting_review",
    "contributors",
    "direct_publications",
    "return_for_changes",
    "submit_for_review",
]
