"""Every page is valid HTML, passes axe-core and fits a phone: a crawl of the demo data,
with the states the demo lacks seeded here (a live meeting with a withdrawn update and a
photo, a meeting held but not yet concluded, a change waiting for review, a published
comment with a 200-character link and a 100-letter word, a rejected comment, an error
page, open days in every state with registrations in every status, and sitting in's draws,
moved and cancelled invitations: each feature's `crawl_states`), as a
resident and as each staff role, in Chinese and in English, and as a resident in
elder-friendly mode (长辈模式), where axe also holds every text to AAA contrast (7:1).

The crawl follows same-site links from each start page, a few addresses of each shape
(`/meetings/<id>` is one shape), and keeps what it found: the served HTML of each page,
which one run of the Nu HTML Checker reads, and what axe-core reported at 1280 and at
375 px. A new page joins by being linked from a page the crawl reaches, or by adding its
address to `PUBLIC_STARTS` / `STAFF_STARTS` below (pages reached only by a private link
or a form, like a comment's status page).
"""

from __future__ import annotations

import re
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlsplit

import pytest
from sqlalchemy import select

from app import create_app
from core import review
from core.accounts.models import Role, User
from core.clock import to_office_time, utcnow
from core.files import StoredFile, upload_folder
from engagement.consultations import operations as consultation_operations
from engagement.consultations.models import Consultation, ConsultationState
from engagement.demo import DEMO_STAFF, load_demo
from engagement.reports.operations import prepare_report
from extensions import db
from meetings import operations as meeting_operations
from meetings.models import Body, ChangeKind, Meeting, MeetingStatus
from tests.browser_support import CHROMIUM_ARGS, WIDTHS, requires_chromium, serving, sync_api
from tests.conftest import (
    POSTGRES_URL,
    TEMPLATE_BYTECODE,
    config_for_tests,
    empty_all_tables,
)
from tests.engagement.open_days.crawl_states import seed_open_day_states
from tests.engagement.sitting_in.crawl_states import seed_sitting_in_states
from tests.instruments import (
    AAA_TAGS,
    HAS_AXE,
    REQUIRED,
    AxeViolation,
    axe_violations,
    requires_axe,
    requires_vnu,
    validate_html,
)

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext

pytestmark = [
    requires_chromium,
    pytest.mark.browser,
    # What the crawl measures (axe, valid HTML, widths, language marks, titles) is the pages,
    # the same on either database; on PostgreSQL every page is read as each role by
    # tests/test_sweeps.py. Its time there goes to CI's long fuzz instead.
    pytest.mark.skipif(
        bool(POSTGRES_URL),
        reason="the crawl measures the pages, not the database; it runs in the SQLite suite",
    ),
]

LANGUAGES = ("zh", "en")
ROLES = (None, Role.ADMIN, Role.EDITOR, Role.REVIEWER)  # None: a resident
PUBLIC_STARTS = ["/", "/meetings/", "/consultations/", "/open-days/", "/login", "/meetings/999999"]
STAFF_STARTS = ["/admin/"]
# Addresses of one shape visited per role: enough to meet each state the data has.
PER_SHAPE = {None: 6, Role.ADMIN: 4, Role.EDITOR: 2, Role.REVIEWER: 2}
NOT_PAGES = re.compile(
    r"^/(api|static|documents|consultation-documents|live-images|admin/documents)/"
    r"|\.(csv|ics|json)$"
)

LONG_LINK = "https://www.example.gov.cn/" + "zhengce/" * 21 + "a.html"  # 200 characters
LONG_WORD = "Pneumonoultramicroscopicsilicovolcanoconiosis" * 2 + "abcdefghij"  # 100 letters
PNG = bytes.fromhex(  # a 1×1 white PNG
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000b49444154789c63f80f040009fb03fdfb5e6b2b0000000049454e44ae426082"
)


@dataclass
class Visit:
    """One page as one reader saw it."""

    path: str
    role: Role | None
    language: str
    status: int
    html_file: Path
    title: str = ""
    unmarked_chinese: list[str] = field(default_factory=list)
    axe: dict[int, list[AxeViolation]] = field(default_factory=dict)
    width: dict[int, int] = field(default_factory=dict)
    elder: bool = False  # a resident in elder-friendly mode

    @property
    def who(self) -> str:
        reader = self.role.value if self.role else "resident"
        return f"{reader}{' in elder mode' if self.elder else ''}/{self.language}"


@dataclass
class Crawl:
    visits: list[Visit]
    seconds: float


def shape(path: str) -> str:
    """An address with its ids and tokens as placeholders and only its query's names:
    `/meetings/N`, `/comments/T`, `/admin/audit/?page`."""
    parts = urlsplit(path)
    keys = ",".join(sorted({key for key, _ in parse_qsl(parts.query)}))
    segments = [
        "N" if segment.isdigit() else "T" if len(segment) >= 20 else segment
        for segment in parts.path.split("/")
    ]
    return "/".join(segments) + ("?" + keys if keys else "")


def user(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def seed_states() -> tuple[list[str], list[str]]:
    """What the demo lacks. Returns the addresses to start from, public and staff: the
    seeded states, and pages reached only by a private link."""
    editor, reviewer = user("editor"), user("reviewer")
    body = db.session.scalar(select(Body).where(Body.slug == "district-executive"))
    now = utcnow()

    live = meeting_operations.create_meeting(
        body,
        title="2026年第21次区政府常务会议",
        starts_at=now - timedelta(minutes=30),
        ends_at=now + timedelta(hours=1),
        actor=editor,
    )
    item = meeting_operations.add_agenda_item(
        live, title="关于2027年区级民生实事项目安排的议题", actor=editor
    )
    review.submit_for_review(live, actor=editor)
    review.approve(live, actor=reviewer)
    stored = f"seeded-photo-{live.id}.png"
    (upload_folder() / stored).write_bytes(PNG)
    photo = StoredFile(stored, "会场.png", "image/png", len(PNG))
    posts = [  # text, agenda item, photo, what the photo shows
        ("会议开始，区长主持会议。", None, None, None),
        ("第一项议题：区发展改革委汇报民生实事项目安排。", item, photo, "区发展改革委主任汇报"),
        ("会场一角。", None, photo, None),  # as posted before photos were described
        ("此条有误，已撤回。", None, None, None),
        (f"详见 {LONG_LINK} {LONG_WORD}", item, None, None),
    ]
    updates = [
        meeting_operations.post_live_update(
            live, text=text, agenda_item=about, image=image, image_alt=alt, actor=editor
        )
        for text, about, image, alt in posts
    ]
    corrected = "会议开始，区长主持会议，副区长出席。"
    meeting_operations.correct_live_update(updates[0], corrected, actor=editor)
    meeting_operations.withdraw_live_update(updates[3], actor=editor)

    held = meeting_operations.create_meeting(
        body,
        title="2026年第17次区政府常务会议",
        starts_at=now - timedelta(days=2, hours=3),
        ends_at=now - timedelta(days=2),
        actor=editor,
    )
    meeting_operations.add_agenda_item(held, title="关于背街小巷环境整治的议题", actor=editor)
    review.submit_for_review(held, actor=editor)
    review.approve(held, actor=reviewer)

    announced = db.session.scalar(
        select(Meeting).where(Meeting.title == "区发改委2026年第9次主任办公会")
    )
    assert announced.status == MeetingStatus.ANNOUNCED
    change = meeting_operations.propose_change(
        announced,
        ChangeKind.POSTPONE,
        actor=editor,
        reason="议题材料需补充完善。",
        new_starts_at=announced.starts_at + timedelta(days=7),
        new_ends_at=announced.ends_at + timedelta(days=7),
    )
    review.submit_for_review(change, actor=editor)

    consultation = next(
        c
        for c in db.session.scalars(select(Consultation))
        if c.state_at(now) == ConsultationState.OPEN
    )
    comments = [
        consultation_operations.submit_comment(
            consultation,
            body=body_text,
            name=name,
            show_name=True,
            phone="13800000000",
            email="resident@example.cn",
            community="什刹海社区",
            consented=True,
        )
        for body_text, name in (
            (f"建议参考这份材料：{LONG_LINK}\n{LONG_WORD}", "Jonathan Livingston-Seagull"),
            ("与本次征求意见无关的内容。", "匿名"),
        )
    ]
    consultation_operations.moderate_comments(comments[:1], True, None, actor=editor)
    consultation_operations.moderate_comments(comments[1:], False, "与本议题无关。", actor=editor)
    consultation_operations.answer_comment(
        comments[0],
        reply=f"感谢您的建议。{LONG_LINK}",
        disposition=None,
        disposition_reason=None,
        actor=editor,
    )
    db.session.flush()
    public = [urlsplit(comment.status_url()).path for comment in comments] + [
        f"/meetings/{live.id}",
        f"/meetings/{live.id}/live",
        f"/meetings/{held.id}",
        "/meetings/?status=held",
        "/meetings/?status=cancelled&level=district",
    ]
    staff = [
        f"/admin/meetings/{live.id}/live",
        f"/admin/meetings/{held.id}",
        f"/admin/meetings/{announced.id}",
        f"/admin/consultations/{consultation.id}/comments?status=published",
        f"/admin/consultations/{consultation.id}/comments?status=rejected",
        f"/admin/comments/{comments[0].id}",
    ]
    open_day_public, open_day_staff = seed_open_day_states(editor, reviewer)
    public += open_day_public
    staff += open_day_staff
    sitting_in_public, sitting_in_staff = seed_sitting_in_states(editor, reviewer)
    public += sitting_in_public
    staff += sitting_in_staff
    # An annual report being prepared (the demo's is published): its preview for staff.
    last_year = to_office_time(utcnow()).year - 1
    prepare_report(last_year, correction_note=None, actor=editor)
    staff.append(f"/admin/reports/{last_year}")
    db.session.commit()  # and no transaction left open: the server's requests may write
    return public, staff


def sign_in(context: BrowserContext, role: Role) -> None:
    username, _, _, password = next(staff for staff in DEMO_STAFF if staff[2] == role)
    page = context.new_page()
    page.goto("/login")
    page.locator("#username").fill(username)
    page.locator("#password").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/admin/$"))
    page.close()


def links_on(page, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(link => link.href)")
    found = []
    for href in hrefs:
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" != base:
            continue
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def crawl_as(
    browser, base: str, role: Role | None, starts: list[str], out: Path, elder: bool = False
) -> Iterator[Visit]:
    context = browser.new_context(base_url=base, viewport={"width": WIDTHS[0], "height": 800})
    context.set_default_timeout(10_000)
    try:
        if role is not None:
            sign_in(context, role)
        if elder:
            context.add_cookies([{"name": "elder", "value": "1", "url": base}])
        page = context.new_page()
        queue, seen, per_shape = list(starts), set(starts), defaultdict(int)
        while queue:
            path = queue.pop(0)
            for language in LANGUAGES:
                context.add_cookies([{"name": "lang", "value": language, "url": base}])
                visit = visit_page(page, path, role, language, out, elder)
                if visit is None:
                    break
                yield visit
                if language != LANGUAGES[0]:
                    continue
                for link in links_on(page, base):
                    if link in seen or NOT_PAGES.search(urlsplit(link).path):
                        continue
                    if (role is None) == link.startswith("/admin"):
                        continue  # residents read the public pages, staff the staff area
                    seen.add(link)
                    if link.startswith("/logout") or per_shape[shape(link)] >= PER_SHAPE[role]:
                        continue
                    per_shape[shape(link)] += 1
                    queue.append(link)
    finally:
        context.close()


def visit_page(
    page, path: str, role: Role | None, language: str, out: Path, elder: bool = False
) -> Visit | None:
    page.set_viewport_size({"width": WIDTHS[0], "height": 800})
    response = page.goto(path)
    assert response is not None
    if not response.headers.get("content-type", "").startswith("text/html"):
        return None
    name = re.sub(r"[^A-Za-z0-9]+", "-", path).strip("-") or "home"
    reader = (role.value if role else "resident") + ("-elder" if elder else "")
    html_file = out / f"{reader}-{language}-{name}.html"
    html_file.write_bytes(response.body())
    visit = Visit(path, role, language, response.status, html_file, page.title(), elder=elder)
    if language != "zh":
        visit.unmarked_chinese = page.evaluate(UNMARKED_CHINESE)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        visit.width[width] = page.evaluate("document.documentElement.scrollWidth")
        if HAS_AXE or REQUIRED:
            visit.axe[width] = axe_violations(page, AAA_TAGS if elder else None)
    return visit


# Text in Chinese characters in the page's body whose nearest `lang` is not Chinese (what a
# person types into a form is theirs, and is left out).
UNMARKED_CHINESE = """() => {
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!/[\u3400-\u9fff]/.test(node.data)) continue;
    const parent = node.parentElement;
    if (parent.closest("textarea, script, style")) continue;
    const marked = parent.closest("[lang]");
    // getAttribute: an SVG element (a chart's label) has the attribute but no .lang
    if (!marked || !marked.getAttribute("lang").startsWith("zh")) {
      found.push(node.data.trim().slice(0, 60));
    }
  }
  return found;
}"""


@pytest.fixture(scope="module")
def crawl(migrated_database: str, tmp_path_factory: pytest.TempPathFactory) -> Crawl:
    """The demo data and the seeded states, crawled once for the module's tests; the
    database is emptied again before the tests read what was found."""
    folder = tmp_path_factory.mktemp("crawl")
    app = create_app(
        config_for_tests(
            migrated_database,
            WTF_CSRF_ENABLED=True,
            UPLOAD_FOLDER=str(folder / "uploads"),
            MAIL_FOLDER=str(folder / "mail"),
            MAIL_SERVER=None,
        )
    )
    app.jinja_env.bytecode_cache = TEMPLATE_BYTECODE
    pages = folder / "pages"
    pages.mkdir()
    started = time.monotonic()
    with app.app_context():
        try:
            load_demo()
            db.session.commit()
            public_starts, staff_starts = seed_states()
            with (
                serving(app) as base,
                sync_api.sync_playwright() as playwright,
            ):
                browser = playwright.chromium.launch(
                    executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
                )
                visits = []
                for role in ROLES:
                    starts = (
                        PUBLIC_STARTS + public_starts
                        if role is None
                        else STAFF_STARTS + staff_starts
                    )
                    visits += crawl_as(browser, base, role, starts, pages)
                # Residents again, in elder-friendly mode: every public page larger, calmer,
                # at AAA contrast, and still valid.
                starts = PUBLIC_STARTS + public_starts
                visits += crawl_as(browser, base, None, starts, pages, elder=True)
                browser.close()
        finally:
            db.session.rollback()
            empty_all_tables()
            db.session.remove()
            db.engine.dispose()
    return Crawl(visits, time.monotonic() - started)


def test_the_crawl_reaches_every_kind_of_page(crawl: Crawl):
    shapes = {(visit.role, shape(visit.path)) for visit in crawl.visits}
    print(f"\n{len(crawl.visits)} page views in {crawl.seconds:.0f} s")
    for role in ROLES:
        print(role, sorted(s for r, s in shapes if r == role))
    assert (None, "/meetings/N") in shapes
    elder = {shape(visit.path) for visit in crawl.visits if visit.elder}
    missed = {s for r, s in shapes if r is None} - elder
    assert not missed, f"pages not crawled in elder-friendly mode: {sorted(missed)}"
    assert (Role.EDITOR, "/admin/meetings/N/live") in shapes
    assert {(None, "/open-days/N"), (None, "/open-days/N/draw"), (None, "/r/T")} <= shapes
    assert (Role.EDITOR, "/admin/open-days/N/check-in") in shapes
    assert {(None, "/reports/"), (None, "/reports/N")} <= shapes
    assert {(Role.EDITOR, "/admin/reports/"), (Role.REVIEWER, "/admin/reports/N")} <= shapes
    assert {(None, "/rsvp/T"), (None, "/meetings/N/sit-in/apply"),
            (None, "/meetings/N/sit-in/draw")} <= shapes  # fmt: skip
    assert {(Role.EDITOR, f"/admin/sitting-in/{page}") for page in (
        "people", "meetings/N", "meetings/N/invite", "meetings/N/applications",
        "meetings/N/invitations/N/withdraw", "meetings/N/invitations/N/substitute?q",
    )} <= shapes  # fmt: skip


@requires_axe
def test_every_page_passes_axe_at_both_widths_in_both_languages(crawl: Crawl):
    found = [
        f"{visit.path} as {visit.who} at {width} px:\n    "
        + "\n    ".join(violation.describe() for violation in violations)
        for visit in crawl.visits
        for width, violations in visit.axe.items()
        if violations
    ]
    by_rule = Counter(
        violation.rule
        for visit in crawl.visits
        for violations in visit.axe.values()
        for violation in violations
    )
    assert not found, (
        f"axe-core found violations in {len(found)} page views (page views by rule: "
        f"{dict(by_rule.most_common())}):\n" + "\n".join(found)
    )


@requires_vnu
def test_every_page_is_valid_html(crawl: Crawl):
    errors, warnings = validate_html([visit.html_file for visit in crawl.visits])
    for warning in warnings:
        print("warning:", warning.describe())
    by_kind = Counter(re.sub(r"“[^”]*”", "“…”", error.message) for error in errors)
    assert not errors, (
        f"The Nu HTML Checker found {len(errors)} errors in {len(crawl.visits)} pages:\n"
        + "\n".join(f"{count:5d} × {kind}" for kind, count in by_kind.most_common())
        + "\n"
        + "\n".join(error.describe() for error in errors[:200])
    )


def test_no_page_is_wider_than_a_phone(crawl: Crawl):
    too_wide = [
        f"{visit.path} as {visit.who}: {visit.width[width]} px at {width} px"
        for visit in crawl.visits
        for width in WIDTHS
        if visit.width[width] > width
    ]
    assert not too_wide, "\n".join(too_wide)


def test_what_the_office_wrote_is_marked_chinese_in_the_english_interface(crawl: Crawl):
    unmarked = [
        f"{visit.path} as {visit.who}: {text!r}"
        for visit in crawl.visits
        for text in visit.unmarked_chinese
    ]
    assert not unmarked, f"{len(unmarked)} texts without lang=zh-Hans:\n" + "\n".join(
        sorted(set(unmarked))[:300]
    )


def test_page_titles_say_which_page_it_is(crawl: Crawl):
    """Two pages a reader can tell apart have different titles: no two addresses share one
    (other pages of a list and error pages aside), and a staff page's title is not its
    public page's."""
    by_title = defaultdict(set)
    for visit in crawl.visits:
        if visit.status == 200 and "page" not in dict(parse_qsl(urlsplit(visit.path).query)):
            by_title[visit.title].add((visit.role is not None, urlsplit(visit.path).path))
    shared = {title: sorted(paths) for title, paths in by_title.items() if len(paths) > 1}
    assert not shared, "\n".join(f"{title!r}: {paths}" for title, paths in shared.items())
