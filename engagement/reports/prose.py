"""The report's text, written from its kept figures in the reader's language: one
paragraph per part of the practice, the way a district's annual report tells it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from babel.dates import format_skeleton
from babel.lists import format_list
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _

from core.clock import to_office_time
from engagement.consultations.models import Disposition
from engagement.reports.tables import average, share
from engagement.sitting_in.models import Category
from meetings.models import BodyLevel


@dataclass
class Part:
    key: str
    heading: str
    paragraphs: list[str]


def report_prose(figures: dict[str, Any], previous: dict[str, Any] | None) -> list[Part]:
    year = figures["year"]
    parts = [
        Part("meetings", _("Meetings held openly"), _meetings(year, figures["meetings"])),
        Part(
            "consultations",
            _("Pre-disclosure and public comment"),
            _consultations(year, figures["consultations"]),
        ),
        Part("sitting-in", _("Sitting in on meetings"), _sitting_in(year, figures["sitting_in"])),
        Part("decisions", _("Decisions published"), _decisions(year, figures["decisions"])),
        Part("open-days", _("Government open days"), _open_days(year, figures["open_days"])),
    ]
    if previous:
        heading = (
            _("Compared with the year before")
            if previous["complete"]
            else _("Compared with the same part of the year before")
        )
        parts.append(Part("comparison", heading, _comparison(figures, previous)))
    return parts


def coverage(figures: dict[str, Any]) -> str:
    """What period the figures cover: the whole year, or up to the day they were taken."""
    if figures["complete"]:
        return _(
            "The figures cover the whole of %(year)d, 1 January to 31 December.",
            year=figures["year"],
        )
    taken = datetime.fromisoformat(figures["taken_at"])
    return _(
        "The year was not over when these figures were taken: they cover 1 January to %(day)s, "
        "%(year)d.",
        day=format_skeleton("MMMd", to_office_time(taken), locale=get_locale()),
        year=figures["year"],
    )


def _sentences(*sentences: str) -> str:
    """One paragraph: Chinese runs its sentences on, English puts a space between them."""
    return ("" if get_locale().language == "zh" else " ").join(sentences)


def _meetings(year: int, meetings: dict[str, Any]) -> list[str]:
    if not meetings["held"]:
        return [_("No meeting was held openly in %(year)d.", year=year)]
    levels = meetings["by_level"]
    held = ngettext(
        "In %(year)d, %(num)d meeting was held openly (%(district)d of the district "
        "government, %(department)d of departments, %(street)d of street offices).",
        "In %(year)d, %(num)d meetings were held openly (%(district)d of the district "
        "government, %(department)d of departments, %(street)d of street offices).",
        meetings["held"],
        year=year,
        district=levels[BodyLevel.DISTRICT.value],
        department=levels[BodyLevel.DEPARTMENT.value],
        street=levels[BodyLevel.STREET.value],
    )
    sentences = [
        held,
        ngettext(
            "Their agendas put %(num)d item before the public.",
            "Their agendas put %(num)d items before the public.",
            meetings["items_public"],
        ),
    ]
    if meetings["items_withheld"]:
        sentences.append(
            ngettext(
                "%(num)d more item was withheld, with its legal basis stated.",
                "%(num)d more items were withheld, each with its legal basis stated.",
                meetings["items_withheld"],
            )
        )
    if meetings["meetings_followed_live"]:
        sentences.append(
            ngettext(
                "%(num)d meeting was followed live on its page, with %(items)d public agenda "
                "items.",
                "%(num)d meetings were followed live on their pages, with %(items)d public "
                "agenda items.",
                meetings["meetings_followed_live"],
                items=meetings["items_followed_live"],
            )
        )
    return [_sentences(*sentences)]


def _consultations(year: int, consultations: dict[str, Any]) -> list[str]:
    if not consultations["items_pre_disclosed"]:
        return [_("No agenda item was put out for public comment in %(year)d.", year=year)]
    dispositions = consultations["dispositions"]
    opened = ngettext(
        "%(num)d agenda item was pre-disclosed: its draft was put out for public comment "
        "before the meeting.",
        "%(num)d agenda items were pre-disclosed: their drafts were put out for public comment "
        "before the meetings.",
        consultations["items_pre_disclosed"],
    )
    received = ngettext(
        "Residents and organisations sent %(num)d comment, %(published)d of them published.",
        "Residents and organisations sent %(num)d comments, %(published)d of them published.",
        consultations["comments_received"],
        published=consultations["comments_published"],
    )
    used = _(
        "As the published feedback reports tell how the published comments were used: adopted "
        "%(adopted)d; partly adopted %(partly)d; not adopted %(not_adopted)d, each with its "
        "reason; outside the scope of the draft %(out)d.",
        adopted=dispositions[Disposition.ADOPTED.value],
        partly=dispositions[Disposition.PARTLY_ADOPTED.value],
        not_adopted=dispositions[Disposition.NOT_ADOPTED.value],
        out=dispositions[Disposition.OUT_OF_SCOPE.value],
    )
    feedback = ngettext(
        "A feedback report on how the comments were used was published for %(num)d "
        "consultation, %(before)d of them before the meeting.",
        "Feedback reports on how the comments were used were published for %(num)d "
        "consultations, %(before)d of them before the meeting.",
        consultations["feedback_reports"],
        before=consultations["feedback_before_meeting"],
    )
    return [_sentences(opened, received, used, feedback)]


def category_count(category: Category, count: int) -> str:
    """How many times people of one category sat in, as the list in the report names it."""
    words = {
        Category.DEPUTY: lambda: _("%(num)d by people's congress deputies", num=count),
        Category.CPPCC: lambda: _("%(num)d by CPPCC members", num=count),
        Category.EXPERT: lambda: _("%(num)d by experts", num=count),
        Category.RESIDENT: lambda: _("%(num)d by resident representatives", num=count),
        Category.MEDIA: lambda: _("%(num)d by the media", num=count),
        Category.OTHER: lambda: _("%(num)d by others", num=count),
    }
    return words[category]()


def _sitting_in(year: int, sitting: dict[str, Any]) -> list[str]:
    if not sitting["sat_in"] and not sitting["applications"]:
        return [_("Nobody sat in on a meeting in %(year)d.", year=year)]
    counts = sitting["by_category"]
    who = format_list(
        [
            category_count(member, counts[member.value])
            for member in Category
            if counts[member.value]
        ],
        locale=get_locale(),
    )
    sentences = []
    if sitting["sat_in"]:
        sentences.append(
            ngettext(
                "Invited guests sat in on the meetings %(num)d time: %(who)s.",
                "Invited guests sat in on the meetings %(num)d times: %(who)s.",
                sitting["sat_in"],
                who=who,
            )
        )
        sentences.append(
            ngettext(
                "That was %(num)d person.",
                "They were %(num)d different people.",
                sitting.get("people", sitting["sat_in"]),
            )
        )
    if sitting["applications"]:
        sentences.append(
            ngettext(
                "Residents sent %(num)d application to sit in; the eligibility check and the "
                "draw chose %(selected)d of the applicants to invite.",
                "Residents sent %(num)d applications to sit in; the eligibility check and the "
                "draw chose %(selected)d of the applicants to invite.",
                sitting["applications"],
                selected=sitting["applicants_selected"],
            )
        )
    return [_sentences(*sentences)]


def _decisions(year: int, decisions: dict[str, Any]) -> list[str]:
    if not decisions["items_to_decide"]:
        return [_("No public agenda item came to a decision in %(year)d.", year=year)]
    return [
        ngettext(
            "The meetings held had %(items)d public agenda items to decide; %(num)d decision "
            "was published, %(in_time)d of them (%(share)s) within 20 working days of the "
            "meeting, as the rules ask.",
            "The meetings held had %(items)d public agenda items to decide; %(num)d decisions "
            "were published, %(in_time)d of them (%(share)s) within 20 working days of the "
            "meeting, as the rules ask.",
            decisions["published"],
            items=decisions["items_to_decide"],
            in_time=decisions["published_in_time"],
            share=share(decisions["published_in_time"], decisions["published"]),
        )
    ]


def _open_days(year: int, open_days: dict[str, Any]) -> list[str]:
    if not open_days["held"]:
        return [_("No government open day was held in %(year)d.", year=year)]
    held = ngettext(
        "%(num)d government open day was held, with %(places)d places.",
        "%(num)d government open days were held, with %(places)d places.",
        open_days["held"],
        places=open_days["places"],
    )
    came = _(
        "Registrations: %(registrations)d; given a place: %(given)d; came: %(attended)d; "
        "given a place but did not come: %(no_shows)d.",
        registrations=open_days["registrations"],
        given=open_days["given_a_place"],
        attended=open_days["attended"],
        no_shows=open_days["no_shows"],
    )
    if not open_days["feedback_answers"]:
        return [_sentences(held, came)]
    survey = ngettext(
        "Of %(num)d visitor who answered the survey, %(share)s (%(satisfied)d) were satisfied "
        "or very satisfied; the average score was %(average)s out of 5.",
        "Of %(num)d visitors who answered the survey, %(share)s (%(satisfied)d) were satisfied "
        "or very satisfied; the average score was %(average)s out of 5.",
        open_days["feedback_answers"],
        satisfied=open_days["satisfied"],
        share=share(open_days["satisfied"], open_days["feedback_answers"]),
        average=average(open_days["satisfaction_total"], open_days["feedback_answers"]),
    )
    return [_sentences(held, came, survey)]


def _comparison(figures: dict[str, Any], previous: dict[str, Any]) -> list[str]:
    return [
        _(
            "%(before)d, for comparison (%(year)d in brackets): meetings held openly "
            "%(meetings)d (%(meetings_now)d); comments received %(comments)d (%(comments_now)d); "
            "times invited guests sat in %(sat_in)d (%(sat_in_now)d); open days held "
            "%(open_days)d (%(open_days_now)d). The table of the year in figures sets every "
            "figure beside the year before.",
            before=previous["year"],
            year=figures["year"],
            meetings=previous["meetings"]["held"],
            meetings_now=figures["meetings"]["held"],
            comments=previous["consultations"]["comments_received"],
            comments_now=figures["consultations"]["comments_received"],
            sat_in=previous["sitting_in"]["sat_in"],
            sat_in_now=figures["sitting_in"]["sat_in"],
            open_days=previous["open_days"]["held"],
            open_days_now=figures["open_days"]["held"],
        )
    ]
