"""The audit log's filters: who, what happened, which kind of record, from and to which
office-time day. A GET form (nothing changes, so no token), read from the address."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from werkzeug.datastructures import MultiDict
from wtforms import SelectChoice, SelectField
from wtforms.validators import Optional, ValidationError

from core.accounts.models import User
from core.audit.models import AuditEntry
from core.audit.vocabulary import Vocabulary
from core.clock import office_zone
from core.forms import BaseForm, DayField, reasonable_year
from core.web import content_choice
from extensions import db

# Each select starts at "any" (the empty value) and refuses what it does not list.
ANY_FROM_LIST = {"default": "", "invalid_choice_message": _l("Choose from the list.")}


class AuditFilterForm(BaseForm):
    class Meta:
        csrf = False  # a search: it changes nothing and its address can be bookmarked

    actor = SelectField(_l("Who"), **ANY_FROM_LIST, id="f-actor")
    action = SelectField(_l("What happened"), **ANY_FROM_LIST, id="f-action")
    subject = SelectField(_l("Kind of record"), **ANY_FROM_LIST, id="f-subject")
    day_from = DayField(
        _l("From (date)"), name="from", id="f-from", validators=[Optional(), reasonable_year]
    )
    day_to = DayField(
        _l("To (date)"), name="to", id="f-to", validators=[Optional(), reasonable_year]
    )

    def validate_day_to(self, field: DayField) -> None:
        if field.data and self.day_from.data and field.data < self.day_from.data:
            raise ValidationError(_l("The end date must be on or after the start date."))

    def fill_choices(self, words: Vocabulary) -> None:
        """The people, the labelled actions (grouped) and record types, and any code the
        log holds that no feature labels (an earlier version's), shown as it is."""
        users = db.session.scalars(select(User).order_by(User.username))
        self.actor.choices = [("", _("Anyone"))] + [
            content_choice(str(user.id), f"{user.display_name} ({user.username})") for user in users
        ]
        # One column each, so each is read from its index alone.
        actions_in_log = set(db.session.scalars(select(AuditEntry.action).distinct()))
        types_in_log = set(db.session.scalars(select(AuditEntry.subject_type).distinct()))
        actions = [SelectChoice("", _("Any"))]
        for group in words.groups:
            actions += [
                SelectChoice(code, str(label), optgroup=str(group.label))
                for code, label in group.actions.items()
            ]
        other = sorted(actions_in_log - words.actions.keys())
        actions += [SelectChoice(code, code, optgroup=_("Other")) for code in other]
        self.action.choices = actions
        unlabelled = sorted(types_in_log - words.record_types.keys())
        self.subject.choices = (
            [("", _("Any"))]
            + [(code, str(record.label)) for code, record in words.record_types.items()]
            + [(code, code) for code in unlabelled]
        )

    def query_args(self) -> dict[str, str]:
        """The filters as typed, for the pages' links."""
        return {
            field.name: field.raw_data[0] for field in self if field.raw_data and field.raw_data[0]
        }

    def apply(self, query: Select) -> Select:
        """`query` narrowed by the (valid) filters; days are the office's days."""
        if self.actor.data:
            query = query.where(AuditEntry.actor_id == int(self.actor.data))
        if self.action.data:
            query = query.where(AuditEntry.action == self.action.data)
        if self.subject.data:
            query = query.where(AuditEntry.subject_type == self.subject.data)
        if self.day_from.data:
            start = datetime.combine(self.day_from.data, time(), tzinfo=office_zone())
            query = query.where(AuditEntry.at >= start)
        if self.day_to.data:
            end = datetime.combine(
                self.day_to.data + timedelta(days=1), time(), tzinfo=office_zone()
            )
            query = query.where(AuditEntry.at < end)
        return query


def filter_form(args: MultiDict[str, str], words: Vocabulary) -> AuditFilterForm:
    form = AuditFilterForm(formdata=args)
    form.fill_choices(words)
    return form
