"""Staff forms for residents' applications: marking one eligible or not, with the reason
(told to the applicant when it is not eligible). The draw's steps and inviting the eligible
are buttons with nothing typed."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectChoice, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from core.forms import BaseForm

MAX_ELIGIBILITY_REASON_LENGTH = 500


class EligibilityForm(BaseForm):
    decision = RadioField(
        _l("Eligibility"),
        choices=[
            SelectChoice("eligible", _l("Eligible")),
            SelectChoice("ineligible", _l("Not eligible")),
        ],
        validators=[InputRequired(_l("Choose eligible or not eligible."))],
    )
    reason = TextAreaField(
        _l("Reason"),
        description=_l("When not eligible, the applicant is told this reason."),
        validators=[
            DataRequired(_l("Give the reason for the decision.")),
            Length(max=MAX_ELIGIBILITY_REASON_LENGTH),
        ],
        render_kw={"rows": 2},
    )

    @property
    def eligible(self) -> bool:
        return self.decision.data == "eligible"
