"""Confidentiality review (保密审查): the one path by which anything becomes public.

`models` has the `Reviewable` mixin every public thing uses; `operations` the steps
(submit, approve, return); `views` the review queue and the buttons' endpoints.
"""

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
    "Reviewable",
    "ReviewState",
    "approve",
    "awaiting_review",
    "contributors",
    "return_for_changes",
    "submit_for_review",
]
