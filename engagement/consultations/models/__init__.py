"""Pre-disclosure (预公开): comment periods on major decisions (`consultations`), and
residents' comments with the feedback report on them (`comments`)."""

from engagement.consultations.models.comments import (
    Channel,
    Comment,
    CommentStatus,
    Disposition,
    FeedbackReport,
    disposition_counts,
    new_comment_token,
)
from engagement.consultations.models.consultations import (
    MAX_COMMENT_LENGTH,
    MIN_PERIOD_DAYS,
    Consultation,
    ConsultationDocument,
    ConsultationState,
    consultations_outlast_postponement,
    decision_says_how_comments_were_used,
    is_short_period,
    short_period_refusal,
)

__all__ = [
    "MAX_COMMENT_LENGTH",
    "MIN_PERIOD_DAYS",
    "Channel",
    "Comment",
    "CommentStatus",
    "Consultation",
    "ConsultationDocument",
    "ConsultationState",
    "Disposition",
    "FeedbackReport",
    "consultations_outlast_postponement",
    "decision_says_how_comments_were_used",
    "disposition_counts",
    "is_short_period",
    "new_comment_token",
    "short_period_refusal",
]
