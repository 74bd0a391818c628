"""Residents' applications to a meeting's call, their eligibility, and the places given:
all invited when they fit, otherwise drawn by lot with `core.draw`."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from bench.data import Generation, between
from bench.data.sitting_in.base import (
    ELIGIBLE,
    NAME_PUBLIC,
    NOT_ELIGIBLE,
    REASONS,
    Call,
    History,
    Identity,
    R,
    _invite,
    _person,
)
from bench.data.texts import COMMUNITIES, GIVEN_NAMES, SURNAMES
from core.clock import to_office_time
from core.draw import draw
from engagement.sitting_in.models import (
    APPLICATION_PREFIX,
    HOLDS_A_PLACE,
    Application,
    ApplicationStatus,
    SitInDraw,
)


def _applications(gen: Generation, history: History, call: Call) -> None:
    """The public call: applications until it closes, eligibility checked after, then the
    places given; applicants' personal data purged after the retention period."""
    rng, now, meeting = gen.rng, gen.now, call.meeting
    title, year = meeting["title"], to_office_time(meeting["starts_at"]).year
    closes = meeting["starts_at"] - history.close
    last = min(closes, now) - timedelta(minutes=1)
    number = round(rng.lognormvariate(2.2, 0.6))
    if last <= meeting["published_at"] or not number:
        return
    times = sorted(between(rng, meeting["published_at"], last) for _ in range(number))
    for created, phone in zip(times, rng.sample(range(10**9), number), strict=True):
        application = {
            "id": gen.new_id(Application), "meeting_id": meeting["id"],
            "status": ApplicationStatus.APPLIED,
            "name": rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES),
            "phone": f"1{rng.choice('3578')}{phone:09d}",
            "email": f"lx{phone}@example.cn" if rng.random() < 0.3 else None,
            "community": rng.choice(COMMUNITIES), "reason": rng.choice(REASONS),
            "name_public": rng.random() < NAME_PUBLIC, "consent_at": created, "locale": "zh",
            "submission_key": secrets.token_urlsafe(24), "created_at": created,
        }  # fmt: skip
        application["reference"] = f"{APPLICATION_PREFIX}-{year}-{application['id']:06d}"
        call.applications.append(application)
        gen.audit("sit_in_application.create", "Application", application["id"], at=created,
                  actor=None, summary=f"{title} · {application['reference']}",
                  after={"status": "applied"})  # fmt: skip
    checked = closes + timedelta(minutes=rng.randint(30, 150))
    if checked < now:
        for minute, application in enumerate(call.applications):
            _eligibility(gen, call, application, checked + timedelta(minutes=minute))
        _places_given(gen, history, call, checked + timedelta(hours=1))
    purged = history.run_after(meeting["ends_at"] + history.retention, 3)
    if purged < now:
        for application in call.applications:
            application |= {"name": None, "phone": None, "email": None, "reason": None,
                            "purged_at": purged}  # fmt: skip
        after = {"applications_purged": len(call.applications),
                 "application_retention_days": history.retention.days}  # fmt: skip
        gen.audit("sit_in_application.purge", "Meeting", meeting["id"], at=purged, actor=None,
                  summary=title, after=after)  # fmt: skip


def _eligibility(gen: Generation, call: Call, application: dict, at: datetime) -> None:
    eligible = gen.rng.random() < ELIGIBLE
    reason = "本区常住居民，材料齐全。" if eligible else gen.rng.choice(NOT_ELIGIBLE)
    status = ApplicationStatus.ELIGIBLE if eligible else ApplicationStatus.INELIGIBLE
    application |= {"status": status, "eligibility_reason": reason, "eligibility_marked_at": at}
    gen.audit("sit_in_application.eligibility", "Application", application["id"], at=at,
              actor="editor", summary=f"{call.meeting['title']} · {application['reference']}",
              before={"status": "applied", "eligibility_reason": None},
              after={"status": status.value, "eligibility_reason": reason})  # fmt: skip


def _places_given(gen: Generation, history: History, call: Call, at: datetime) -> None:
    """Every eligible applicant invited when they fit in the residents' places left, else
    the seed and entries published and the draw run an hour later; each selected applicant
    joins the directory and is invited (`invite_all_eligible`, `run_sit_in_draw`)."""
    if at >= gen.now:
        return
    meeting, title = call.meeting, call.meeting["title"]
    eligible = [a for a in call.applications if a["status"] == ApplicationStatus.ELIGIBLE]
    held = sum(i["category"] == R and i["status"] in HOLDS_A_PLACE for i in call.invitations)
    left = max(0, meeting["sit_in_places"] - held)
    if not eligible or not left:
        return
    selected = eligible
    if len(eligible) > left:
        seed, entries = f"{gen.rng.getrandbits(128):032x}", [a["reference"] for a in eligible]
        ranking, drawn = draw(seed, entries), at + timedelta(hours=1)
        if drawn >= gen.now:
            return
        call.keyed.append((SitInDraw, {
            "meeting_id": meeting["id"], "places": left, "seed": seed,
            "entries": "\n".join(entries), "seed_published_at": at, "drawn_at": drawn,
        }))  # fmt: skip
        gen.audit("sit_in_draw.seed", "SitInDraw", None, at=at, actor="editor", summary=title,
                  after={"seed": seed, "places": left, "draw_entries": entries})  # fmt: skip
        by_reference = {a["reference"]: a for a in eligible}
        for rank, reference in enumerate(ranking, start=1):
            by_reference[reference] |= {"draw_rank": rank,
                                        "status": ApplicationStatus.NOT_SELECTED}  # fmt: skip
        selected = [by_reference[reference] for reference in ranking[:left]]
        at = drawn
        gen.audit("sit_in_draw.run", "SitInDraw", None, at=at, actor="editor", summary=title,
                  after={"seed": seed, "draw_entries": entries, "draw_ranking": ranking,
                         "drawn_selected": ranking[:left]})  # fmt: skip
    for second, application in enumerate(selected):
        moment = at + timedelta(seconds=second)
        applicant = Identity(R, application["name"], None, None, application["community"],
                             application["phone"], [], (moment, moment))  # fmt: skip
        person = _person(gen, history, applicant, moment)
        invitation = _invite(gen, call, person, moment, name_public=application["name_public"])
        application |= {"status": ApplicationStatus.SELECTED, "invitation_id": invitation["id"]}
        if "draw_rank" not in application:
            gen.audit("sit_in_application.invite", "Application", application["id"], at=moment,
                      actor="editor", summary=f"{title} · {application['reference']}",
                      before={"status": "eligible"}, after={"status": "selected"})  # fmt: skip
