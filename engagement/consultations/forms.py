"""Forms for residents' comments and for the staff consultation pages."""

from __future__ import annotations

import secrets

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from itsdangerous import BadData, URLSafeTimedSerializer
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp, ValidationError

from core.forms import BaseForm, OfficeTimeField, public_reason, reasonable_year
from engagement.consultations.models import (
    MAX_COMMENT_LENGTH,
    MIN_PERIOD_DAYS,
    Channel,
    Disposition,
)


def within_comment_length(form: FlaskForm, field: TextAreaField) -> None:
    """Counted as the page's counter counts: characters (an emoji is one), a line break one."""
    count = len(field.data or "")
    if count > MAX_COMMENT_LENGTH:
        raise ValidationError(
            _(
                "Your comment has %(count)d characters; the limit is %(limit)d. Shorten it by "
                "%(over)d characters, or send the rest as a second comment.",
                count=count,
                limit=MAX_COMMENT_LENGTH,
                over=count - MAX_COMMENT_LENGTH,
            )
        )


# Sent this soon after the page was opened, a comment was most likely not typed by a person;
# it is still kept, marked for the moderators.
HUMAN_TYPING_SECONDS = 3
_OPENED_SALT = "comment-form-opened"


def opened_stamp() -> str:
    """When the form was put on the page, signed so it cannot be made up."""
    return URLSafeTimedSerializer(current_app.secret_key, salt=_OPENED_SALT).dumps(1)


class CommentForm(BaseForm):
    body = TextAreaField(
        _l("Your comment"),
        description=_l("Up to %(count)d characters.", count=MAX_COMMENT_LENGTH),
        validators=[DataRequired(_l("Write your comment.")), within_comment_length],
        # No maxlength: a browser would cut a pasted text short without a word; the
        # counter and the message say how much is over instead.
        render_kw={"maxlength": False},
    )
    # The resident's own details carry their autocomplete purpose (WCAG 1.3.5).
    name = StringField(
        _l("Your name"),
        validators=[DataRequired(_l("Enter your name.")), Length(max=100)],
        render_kw={"autocomplete": "name"},
    )
    hide_name = BooleanField(_l("Do not show my name with my comment"))
    phone = TelField(
        _l("Phone (optional, never public)"),
        validators=[
            Optional(),
            Regexp(r"^[0-9+\-() ]{5,30}$", message=_l("Enter a phone number with digits only.")),
        ],
        render_kw={"autocomplete": "tel"},
    )
    email = EmailField(
        _l("Email (optional, never public)"),
        description=_l("We send your receipt number and any reply to it."),
        validators=[Optional(), Email(_l("Enter a valid email address.")), Length(max=254)],
        render_kw={"autocomplete": "email"},
    )
    community = StringField(
        _l("Your community (optional)"), validators=[Optional(), Length(max=100)]
    )
    consent = BooleanField(
        _l("I agree to the processing of my personal information"),
        description=_l(
            "Purpose: to handle your comment and reply to you. Your name, phone and email are "
            "kept until one year after the decision is published, then deleted."
        ),
        validators=[DataRequired(_l("We need your agreement to handle the comment."))],
    )
    # Hidden from people; automated senders tend to fill every field.
    website = StringField(_l("Leave this field empty"))
    # One key per filled-in form: sending it twice (double tap, back and resend) stores
    # the comment once.
    submission_key = HiddenField(
        default=lambda: secrets.token_urlsafe(16),
        validators=[Optional(), Regexp(r"^[A-Za-z0-9_-]{16,64}$")],
    )
    opened = HiddenField(default=opened_stamp)

    def sent_too_fast(self) -> bool:
        """Sent within seconds of opening the page (an unreadable stamp counts as not)."""
        serializer = URLSafeTimedSerializer(current_app.secret_key, salt=_OPENED_SALT)
        try:
            serializer.loads(self.opened.data or "", max_age=HUMAN_TYPING_SECONDS)
        except BadData:
            return False
        return True


class ConsultationForm(BaseForm):
    agenda_item_id = SelectField(_l("Agenda item (major decision)"), coerce=int)
    title = StringField(
        _l("Title"), validators=[DataRequired(_l("Enter the title.")), Length(max=300)]
    )
    draft_text = TextAreaField(
        _l("Draft text (Markdown)"), validators=[DataRequired(_l("Enter the draft text."))]
    )
    explanation = TextAreaField(
        _l("Explanation of the draft (Markdown)"),
        validators=[DataRequired(_l("Enter the explanation."))],
    )
    other_channels = TextAreaField(
        _l("Other ways to comment (postal address, email)"),
        validators=[Optional(), Length(max=2000)],
    )
    opens_at = OfficeTimeField(
        _l("Opens (office time)"),
        validators=[DataRequired(_l("Enter the opening date and time.")), reasonable_year],
    )
    closes_at = OfficeTimeField(
        _l("Closes (office time)"),
        description=_l("Normally at least %(days)d days after opening.", days=MIN_PERIOD_DAYS),
        validators=[DataRequired(_l("Enter the closing date and time.")), reasonable_year],
    )
    short_period_reason = TextAreaField(
        _l("Reason for a period shorter than %(days)d days (shown publicly)", days=MIN_PERIOD_DAYS),
        validators=[Optional(), Length(max=2000)],
    )

    def validate_closes_at(self, field: OfficeTimeField) -> None:
        if self.opens_at.data and field.data and field.data <= self.opens_at.data:
            raise ValidationError(_l("The period must close after it opens."))


class ConsultationDocumentForm(BaseForm):
    document = FileField(_l("Document"), validators=[DataRequired(_l("Choose a file."))])


class ExtendForm(BaseForm):
    new_closes_at = OfficeTimeField(
        _l("New closing time (office time)"),
        validators=[DataRequired(_l("Enter the closing date and time.")), reasonable_year],
    )
    reason = public_reason()


class StaffCommentForm(BaseForm):
    """A comment that came by letter or phone, typed in by staff: the details are the
    resident's, not the staff member's own (autocomplete off)."""

    channel = SelectField(
        _l("Received by"),
        choices=lambda: [(c.value, c.label) for c in Channel if c != Channel.WEB],
    )
    received_at = OfficeTimeField(
        _l("Received (office time)"),
        validators=[DataRequired(_l("Enter when it was received.")), reasonable_year],
    )
    name = StringField(
        _l("Full name"),
        validators=[DataRequired(_l("Enter the name.")), Length(max=100)],
        render_kw={"autocomplete": "off"},
    )
    body = TextAreaField(
        _l("Comment"),
        validators=[DataRequired(_l("Write the comment.")), Length(max=MAX_COMMENT_LENGTH)],
    )
    phone = TelField(
        _l("Phone"), validators=[Optional(), Length(max=40)], render_kw={"autocomplete": "off"}
    )
    email = EmailField(
        _l("Email"),
        validators=[Optional(), Email(_l("Enter a valid email address."))],
        render_kw={"autocomplete": "off"},
    )
    community = StringField(_l("Community"), validators=[Optional(), Length(max=100)])


class AnswerForm(BaseForm):
    reply = TextAreaField(_l("Public reply (optional)"), validators=[Optional(), Length(max=5000)])
    disposition = SelectField(
        _l("Disposition"),
        choices=lambda: [("", _l("Not decided yet"))] + [(d.value, d.label) for d in Disposition],
    )
    disposition_reason = TextAreaField(
        _l("Reason (required when not adopted)"), validators=[Optional(), Length(max=2000)]
    )


class FeedbackForm(BaseForm):
    summary = TextAreaField(
        _l("Summary of the comments and how they were used (Markdown)"),
        render_kw={"rows": 12},
        validators=[DataRequired(_l("Write the summary."))],
    )
