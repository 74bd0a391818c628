"""What staff publish without review is declared, and every page that speaks of it is true.

Each POST route of the staff area is classified here, as the access table lists routes:
it works on what waits for review, it changes nothing public, or it publishes at once. A
new POST route fails the suite until it is classified. The routes that publish at once
must be exactly those the features declare in `core.review.direct_publications`; the
review page names them next to the kinds that wait for a reviewer, and every form that
posts to one says, next to its button, that it publishes at once and who answers for it.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from flask import Flask

from core import review
from core.accounts.models import Role
from core.clock import utcnow
from engagement.consultations import operations as consultation_operations
from engagement.open_days import operations as open_day_operations
from engagement.open_days.models import Mode
from engagement.sitting_in.models import Category, Invitation, InvitationStatus, Person
from engagement.sitting_in.operations import applications as sit_in_operations
from extensions import db
from meetings import operations as meeting_operations

REVIEWED = "works on what waits for review (drafts, proposals, the review steps)"
NOT_PUBLIC = "changes nothing the public sees"
AT_ONCE = "published at once, without review"

# endpoint -> what its POST does to public content. A staff POST route missing here fails.
PUBLIC_EFFECT = {
    "review.submit": REVIEWED,
    "review.approve": REVIEWED,
    "review.return_for_changes": REVIEWED,
    "accounts.staff_create": NOT_PUBLIC,
    "accounts.staff_edit": NOT_PUBLIC,
    "accounts.staff_reset_password": NOT_PUBLIC,
    "accounts.staff_disable": NOT_PUBLIC,
    "accounts.staff_enable": NOT_PUBLIC,
    "outbox.outbox_retry": NOT_PUBLIC,
    "bodies_staff.body_form": AT_ONCE,
    "decision_staff.decision_new": REVIEWED,
    "decision_staff.decision": REVIEWED,
    "decision_staff.decision_correct": REVIEWED,
    "decision_staff.decision_discard": REVIEWED,
    "decision_staff.decision_image": REVIEWED,
    "decision_staff.summary": REVIEWED,
    "report_staff.count": REVIEWED,
    "meeting_staff.meeting_new": REVIEWED,
    "meeting_staff.meeting": REVIEWED,
    "meeting_staff.item_new": REVIEWED,
    "meeting_staff.item_edit": REVIEWED,
    "meeting_staff.item_delete": REVIEWED,
    "meeting_staff.item_move": REVIEWED,
    "meeting_staff.document_upload": REVIEWED,
    "meeting_staff.propose": REVIEWED,
    "meeting_staff.change_withdraw": REVIEWED,
    "meeting_staff.live_desk": AT_ONCE,
    "meeting_staff.live_correct": AT_ONCE,
    "meeting_staff.live_withdraw": AT_ONCE,
    "consultation_staff.consultation_new": REVIEWED,
    "consultation_staff.consultation": REVIEWED,
    "consultation_staff.consultation_document_upload": REVIEWED,
    "consultation_staff.feedback": REVIEWED,
    "consultation_staff.consultation_extend": AT_ONCE,
    "consultation_staff.moderate": AT_ONCE,
    "consultation_staff.comment": AT_ONCE,
    "consultation_staff.comment_enter": NOT_PUBLIC,  # waits for moderation like any comment
    "open_day_staff.new": REVIEWED,
    "open_day_staff.edit": REVIEWED,
    "open_day_staff.postpone": AT_ONCE,
    "open_day_staff.cancel": AT_ONCE,
    "open_day_staff.draw_seed": AT_ONCE,
    "open_day_staff.draw": AT_ONCE,
    # A registration cancelled by staff frees a place: the public count of places left
    # follows, as it does when the resident cancels; no content is published.
    "open_day_staff.cancel_registration": NOT_PUBLIC,
    "open_day_staff.check_in": NOT_PUBLIC,
    "open_day_staff.no_shows": NOT_PUBLIC,
    "open_day_staff.roles": NOT_PUBLIC,
    "open_day_staff.invite_feedback": NOT_PUBLIC,
    # Residents' applications to sit in: eligibility and invitations are not public; the
    # draw's seed with its entries, then its result, are.
    # Invitations are private to the office and the invitee; who sat in is public once
    # attendance is marked.
    "sit_in_staff.quotas": NOT_PUBLIC,
    "sit_in_staff.invite": NOT_PUBLIC,
    "sit_in_staff.send": NOT_PUBLIC,
    "sit_in_staff.resend": NOT_PUBLIC,
    "sit_in_staff.withdraw": NOT_PUBLIC,
    "sit_in_staff.substitute": NOT_PUBLIC,
    "sit_in_staff.attendance": AT_ONCE,
    "sit_in_staff.mark_application": NOT_PUBLIC,
    "sit_in_staff.invite_eligible": NOT_PUBLIC,
    "sit_in_staff.draw_seed": AT_ONCE,
    "sit_in_staff.run_draw": AT_ONCE,
    # The directory of people to invite is the office's own list: never public.
    "sit_in_staff.person_new": NOT_PUBLIC,
    "sit_in_staff.person_edit": NOT_PUBLIC,
    "sit_in_staff.people_import": NOT_PUBLIC,
}


def staff_post_endpoints(app: Flask) -> set[str]:
    return {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/admin") and "POST" in rule.methods
    }


def declared_endpoints() -> set[str]:
    return {
        endpoint
        for publication in review.direct_publications.contributions()
        for endpoint in publication.endpoints
    }


def test_every_staff_post_route_says_what_it_does_to_public_content(app):
    routes = staff_post_endpoints(app)
    assert routes - PUBLIC_EFFECT.keys() == set(), "classify new POST routes in PUBLIC_EFFECT"
    assert PUBLIC_EFFECT.keys() - routes == set(), "remove routes that no longer exist"


def test_what_publishes_at_once_is_exactly_what_the_features_declare(app):
    at_once = {endpoint for endpoint, effect in PUBLIC_EFFECT.items() if effect == AT_ONCE}
    assert declared_endpoints() == at_once
    assert declared_endpoints() <= staff_post_endpoints(app)


def test_the_review_page_names_what_waits_for_review_and_what_does_not(client, auth, make_user):
    auth.login(make_user(Role.REVIEWER))
    page = BeautifulSoup(client.get("/admin/review/").data, "html.parser")
    box = page.select_one("#how-public")
    listed = [li.get_text(strip=True) for li in box.select("ul.reviewed-kinds li")]
    direct = [li.get_text(strip=True) for li in box.select("ul.direct-publications li")]
    with client.application.test_request_context(headers={"Cookie": "lang=zh"}):
        kinds = [str(model.review_kind_label) for model in review.REVIEWABLE_KINDS.values()]
        declared = [str(p.label) for p in review.direct_publications.contributions()]
    assert listed == kinds
    assert direct == declared
    assert len(direct) >= 5  # live updates, bodies, moderation, replies, extensions


def sit_in_draw_steps(make_meeting, announce) -> list[str]:
    """Two meetings whose residents' call has closed with more eligible applicants than
    places: one whose draw's seed is to be fixed, one whose draw is to be run."""
    pages = []
    for seeded in (False, True):
        meeting = announce(make_meeting(sit_in_open=True, sit_in_places=1))
        for number in range(2):
            application = sit_in_operations.apply_to_sit_in(
                meeting,
                name=f"居民{number}",
                phone=f"1390000000{number}",
                email=None,
                community="幸福社区",
                reason="关心议题",
                name_public=False,
                consented=True,
                locale="zh",
            )
            sit_in_operations.mark_eligibility(
                application, eligible=True, reason="本区居民", actor=meeting.author
            )
        meeting.starts_at = utcnow() + timedelta(hours=24)  # the call closed 48 hours before
        meeting.ends_at = meeting.starts_at + timedelta(hours=2)
        if seeded:
            sit_in_operations.fix_sit_in_draw_seed(meeting, actor=meeting.author)
        db.session.commit()
        pages.append(f"/admin/sitting-in/meetings/{meeting.id}/applications")
    return pages


def sat_in_meeting(meeting) -> str:
    """The started meeting with one invitee whose attendance is to be marked."""
    person = Person.new(name="王代表", category=Category.DEPUTY, email="wang@example.cn")
    db.session.add(person)
    db.session.add(
        Invitation(
            meeting=meeting,
            person=person,
            category=Category.DEPUTY,
            status=InvitationStatus.ACCEPTED,
            link_seed="0" * 32,
            token_hash="0" * 64,
        )
    )
    db.session.commit()
    return f"/admin/sitting-in/meetings/{meeting.id}"


@pytest.fixture
def forms_that_publish(make_meeting, make_body, make_consultation, announce, make_open_day):
    """A live meeting with a post, a body, an open consultation with one comment
    published and one waiting, and open days (one to postpone or cancel, a lottery whose
    seed is to be fixed and one whose draw is to be run): every form that publishes at once
    is on some page."""
    meeting = announce(make_meeting(starts_at=utcnow() - timedelta(minutes=10)))
    update = meeting_operations.post_live_update(
        meeting, text="会议开始。", agenda_item=None, image=None, actor=meeting.author
    )
    body = make_body()
    consultation = make_consultation()
    sent = [
        consultation_operations.submit_comment(
            consultation,
            body=text,
            name="陈刚",
            show_name=True,
            phone=None,
            email=None,
            community=None,
            consented=True,
        )
        for text in ("建议一", "建议二")
    ]
    consultation_operations.moderate_comments(sent[:1], True, None, actor=consultation.author)
    db.session.commit()
    sitting_in = sat_in_meeting(meeting)
    open_day = make_open_day()
    closed = {"registration_closes_at": utcnow() - timedelta(minutes=1)}
    to_seed = make_open_day(mode=Mode.LOTTERY, **closed)
    to_draw = make_open_day(mode=Mode.LOTTERY, **closed)
    open_day_operations.fix_draw_seed(to_draw, actor=to_draw.author)
    db.session.commit()
    return [
        f"/admin/open-days/{open_day.id}",
        f"/admin/open-days/{to_seed.id}",
        f"/admin/open-days/{to_draw.id}",
        f"/admin/meetings/{meeting.id}/live",
        f"/admin/live/{update.id}/correct",
        "/admin/bodies/new",
        f"/admin/bodies/{body.id}",
        f"/admin/consultations/{consultation.id}",
        f"/admin/consultations/{consultation.id}/comments",
        f"/admin/comments/{sent[0].id}",
        *sit_in_draw_steps(make_meeting, announce),
        sitting_in,
    ]


def test_every_form_that_publishes_at_once_says_so_by_its_button(
    app, client, auth, make_user, forms_that_publish
):
    auth.login(make_user(Role.ADMIN))
    adapter = app.url_map.bind("localhost")
    seen = set()
    for url in forms_that_publish:
        page = BeautifulSoup(client.get(url).data, "html.parser")
        for form in page.select("main form[method=post]"):
            endpoint, _ = adapter.match(urlsplit(form.get("action") or url).path, method="POST")
            if endpoint not in declared_endpoints():
                continue
            seen.add(endpoint)
            for button in form.select("button[type=submit]"):
                described = (button.get("aria-describedby") or "").split()
                notes = [page.find(id=name) for name in described]
                text = " ".join(note.get_text(" ", strip=True) for note in notes if note)
                assert "不经审核" in text, (url, endpoint, button.get_text(strip=True))
                assert "操作日志" in text or "审计" in text, (url, endpoint)
    assert seen == declared_endpoints()
