"""What the resident journeys (`tests/engagement/test_journeys.py`) share: the demo data
loaded once and served for the whole module, the conditions each journey runs under, and
a `Journey`: one resident in one browser context who moves by keyboard alone and has every
page measured at every step.

Keyboard alone: a control is reached by pressing Tab until it has focus (`tab_to`), and at
every stop on the way focus is on something (never `<body>`) that shows it has focus (an
outline at least 2 px wide, or a box shadow); then the resident types, ticks with Space and
sends with Enter. Nothing is clicked or filled in directly.

At every step (`Journey.check`): axe-core finds nothing (WCAG 2.0 and 2.1 A and AA, and in
elder-friendly mode also the AAA contrast rule), nothing sticks out sideways, and the page
has one `<h1>`. axe-core runs in the page itself, as the resident has it (focus, what was
typed); in a page shown without JavaScript its timers are replaced first (`axe_violations`).

The data: the demo as `flask demo` loads it, at the real clock (the demo's story is dated
around now), which holds an open consultation, an open day taking registrations, a meeting
whose call to sit in is open and invitations to it. What a journey needs for itself (a
registration to cancel, an invitation of its own) is made through the operations the pages
use, and the test thread commits before the browser writes (the SQLite rule in
`browser_support`).
"""

from __future__ import annotations

import itertools
import re
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import func, select

from app import create_app
from core.accounts.models import User
from core.clock import utcnow
from core.outbox import TextMessage
from core.private_links import token_hash
from engagement.consultations.models import Comment, Consultation, ConsultationState
from engagement.demo import load_demo
from engagement.open_days import operations as open_day_operations
from engagement.open_days.models import OpenDay, Registration, Status
from engagement.sitting_in.models import Application, Category, Invitation
from engagement.sitting_in.operations.invitations import invite_people, set_quotas
from engagement.sitting_in.operations.people import create_person
from engagement.sitting_in.queries.applications import takes_applications_at
from extensions import db, limiter
from meetings.models import Meeting
from tests.browser_support import assert_fits_width, serving, sync_api
from tests.conftest import TEMPLATE_BYTECODE, config_for_tests, empty_all_tables
from tests.instruments import AXE_SCRIPT, HAS_AXE, REQUIRED, WCAG_TAGS, AxeViolation

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Locator, Page

LANGUAGES = ("zh", "en")
# A form that asks one thing at a time: its button to the next step.
NEXT_WORDS = {"zh": re.compile(r"^下一步$"), "en": re.compile(r"^Next( step)?$")}
STEP_FORM = "form.step-form"
ELDER_RULES = ["color-contrast-enhanced"]  # WCAG 1.4.6, AAA: 7:1
ID_NUMBER = "11010519491231002X"  # the standard's own example (the demo's open day asks)
SHOTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "journeys"


@dataclass(frozen=True)
class Condition:
    """How the resident reads: with JavaScript or not, in elder-friendly mode or not, on a
    screen this many CSS pixels wide (`scale` 2 is a 1280 × 800 window at 200% zoom)."""

    name: str
    javascript: bool
    elder: bool
    width: int
    height: int
    scale: float = 1
    screenshots: bool = False


CONDITIONS = (
    Condition("js-elder-320", javascript=True, elder=True, width=320, height=640),
    Condition("nojs-elder-375", False, True, 375, 740, screenshots=True),
    Condition("nojs-zoom200", javascript=False, elder=False, width=640, height=400, scale=2),
)


# The demo, served


@dataclass(frozen=True)
class Registered:
    token: str
    code: str
    phone: str


@dataclass
class DemoSite:
    """The demo data served on `base`, and what the journeys need from it."""

    base: str
    consultation_id: int
    open_day_id: int
    sit_in_meeting_id: int
    editor_id: int
    numbers: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def phone(self) -> str:
        """A mobile number no journey has used."""
        return f"1390000{next(self.numbers):04d}"

    def registration(self, name: str, language: str) -> Registered:
        """A resident registered for the open day through the operation the form uses."""
        phone = self.phone()
        open_day = db.session.get(OpenDay, self.open_day_id)
        registration = open_day_operations.register(
            open_day,
            name=name,
            phone=phone,
            email=None,
            id_number=ID_NUMBER if open_day.id_required else None,
            consented=True,
            locale=language,
        )
        db.session.commit()
        made = Registered(registration.token, registration.confirmation_code, phone)
        db.session.commit()  # reading it back began a transaction: ended, the browser writes
        return made

    def invitation(self, name: str, language: str) -> str:
        """A new person invited by the editor to the meeting; the token of their link."""
        editor = db.session.get(User, self.editor_id)
        person = create_person(
            actor=editor,
            tags=[],
            name=name,
            category=Category.OTHER,
            organisation=None,
            title=None,
            community="幸福里社区",
            email=None,
            phone=self.phone(),
            locale=language,
        )
        [invitation] = invite_people(
            db.session.get(Meeting, self.sit_in_meeting_id), [person], actor=editor
        )
        db.session.commit()
        token = invitation.token
        db.session.commit()  # as in `registration`
        return token

    def latest_text_to(self, phone: str) -> str:
        body = db.session.scalar(
            select(TextMessage.body)
            .where(TextMessage.phone == phone)
            .order_by(TextMessage.id.desc())
            .limit(1)
        )
        db.session.commit()
        return body or ""

    def count(self, model: Any, *where: Any) -> int:
        db.session.expire_all()
        found = db.session.scalar(select(func.count()).select_from(model).where(*where))
        db.session.commit()
        return found

    def comments_saying(self, body: str) -> int:
        return self.count(Comment, Comment.body == body)

    def applications_from(self, phone: str) -> int:
        return self.count(Application, Application.phone == phone)

    def registration_status(self, phone: str) -> Status | None:
        db.session.expire_all()
        status = db.session.scalar(
            select(Registration.status).where(
                Registration.open_day_id == self.open_day_id, Registration.phone == phone
            )
        )
        db.session.commit()
        return status

    def invitation_status(self, token: str) -> str:
        db.session.expire_all()
        status = db.session.scalar(
            select(Invitation.status).where(Invitation.token_hash == token_hash(token))
        )
        db.session.commit()
        return status.value


def _what_the_journeys_need() -> dict[str, int]:
    """The demo's open consultation, open day taking registrations (with a place for each
    journey that keeps one), and meeting calling for residents to sit in; each journey's
    invitation goes to that meeting, in places for `Category.OTHER` added here (the demo
    has given out its own)."""
    now = utcnow()
    consultation = next(
        c for c in db.session.scalars(select(Consultation).order_by(Consultation.id))
        if c.state_at(now) == ConsultationState.OPEN
    )  # fmt: skip
    open_day = next(
        day for day in db.session.scalars(select(OpenDay).order_by(OpenDay.id))
        if day.registration_opens_at <= now < day.registration_closes_at
        and not day.is_lottery and day.cancelled_at is None
    )  # fmt: skip
    needed = 2 * len(CONDITIONS) * len(LANGUAGES)  # registering, and checking, keep a place
    assert open_day.places_left >= needed, f"{open_day.title}: {open_day.places_left} places"
    meeting = next(
        m for m in db.session.scalars(select(Meeting).where(Meeting.sit_in_open.is_(True)))
        if takes_applications_at(m, now)
    )  # fmt: skip
    editor = db.session.scalar(select(User).where(User.username == "editor"))
    set_quotas(meeting, {Category.OTHER: len(CONDITIONS) * len(LANGUAGES)}, actor=editor)
    return {
        "consultation_id": consultation.id,
        "open_day_id": open_day.id,
        "sit_in_meeting_id": meeting.id,
        "editor_id": editor.id,
    }


@pytest.fixture(name="demo_site", scope="module")
def demo_site_fixture(
    migrated_database: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DemoSite]:
    """The demo data, loaded once for the module and served with CSRF protection on; the
    database is emptied again when the module ends."""
    folder = tmp_path_factory.mktemp("journeys")
    shutil.rmtree(SHOTS, ignore_errors=True)  # the screenshots of this run only
    SHOTS.mkdir(parents=True)
    limiter._key_prefix = ""
    limiter._storage_dead = False
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
    with app.app_context():
        try:
            assert load_demo(), "the journeys start from an empty database"
            needs = _what_the_journeys_need()
            db.session.commit()  # no transaction left open: the server's requests write
            with serving(app) as base:
                yield DemoSite(base, **needs)
        finally:
            db.session.rollback()
            empty_all_tables()
            db.session.remove()
            db.engine.dispose()


# Instruments


RUN_AXE = """async ([tags, rules]) => {
  const options = {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]};
  if (rules.length) {
    options.rules = Object.fromEntries(rules.map((rule) => [rule, {enabled: true}]));
  }
  const result = await axe.run(document, options);
  return {
    engine: result.testEngine.name,
    passes: result.passes.length,
    violations: result.violations.map((rule) => ({
      id: rule.id,
      impact: rule.impact,
      help: rule.help,
      targets: rule.nodes.map((node) => node.target.join(" ")),
      summary: rule.nodes.slice(0, 1).map((node) => node.failureSummary).join(""),
    })),
  };
}"""

# At each stop of the Tab key: what has focus, whether it shows it, whether it is `target`.
FOCUS_NOW = """(target) => {
  const element = document.activeElement;
  if (!element || element === document.body || element === document.documentElement) {
    return {lost: true};
  }
  const style = getComputedStyle(element);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
  const shadow = style.boxShadow && style.boxShadow !== "none";
  const name = element.tagName.toLowerCase() + (element.id ? "#" + element.id : "")
    + (element.getAttribute("href") ? `[href="${element.getAttribute("href")}"]` : "")
    + ` "${(element.innerText || element.value || "").trim().slice(0, 40)}"`;
  return {lost: false, shown: Boolean(outline || shadow), reached: element === target, name,
          outline: `${style.outlineStyle} ${style.outlineWidth}`, shadow: style.boxShadow};
}"""

# Poll after a key that sends: "complete" once a new page has loaded, "swapped" once htmx
# has swapped and settled in the same page, "waiting" before either.
SENT_STATE = """() => {
  if (!window.__journeyMark) return document.readyState === "complete" ? "complete" : "waiting";
  const busy = document.querySelector(".htmx-request, .htmx-swapping, .htmx-settling");
  return window.__journeySwapped && !busy ? "swapped" : "waiting";
}"""
AUTOFOCUS_DONE = """() => {
  const wanted = document.querySelector("[autofocus]");
  return !wanted || document.activeElement === wanted || !wanted.getClientRects().length;
}"""
MARK_PAGE = """() => {
  window.__journeyMark = true;
  document.addEventListener("htmx:afterSettle", () => { window.__journeySwapped = true; });
}"""


# A page shown without JavaScript runs no timers, which axe waits on: there (only), the
# timers are replaced by microtasks, which run, before axe is put in the page. Nothing of
# the page's own runs: its scripts were never run.
TIMERS_AS_MICROTASKS = """() => {
  if (window.__timersShimmed) return;
  window.__timersShimmed = true;
  const soon = (callback, ...args) => {
    Promise.resolve().then(() => callback(...args));
    return 0;
  };
  window.setTimeout = soon;
  window.clearTimeout = () => {};
  window.requestAnimationFrame = (callback) => soon(callback, performance.now());
  window.requestIdleCallback = (callback) =>
    soon(callback, {timeRemaining: () => 50, didTimeout: false});
}"""
AXE_SOURCE = AXE_SCRIPT.read_text(encoding="utf-8") if AXE_SCRIPT.exists() else ""


def axe_violations(page: Page, elder: bool, *, javascript: bool) -> list[AxeViolation]:
    """axe-core's findings on the page as it is now, with the AAA contrast rule in elder-
    friendly mode."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        if not javascript:
            page.evaluate(TIMERS_AS_MICROTASKS)
        assert AXE_SOURCE, f"axe-core is not installed at {AXE_SCRIPT}"
        page.evaluate(AXE_SOURCE)
    result = page.evaluate(RUN_AXE, [WCAG_TAGS, ELDER_RULES if elder else []])
    assert result["engine"] == "axe-core" and result["passes"] > 0, f"axe did not run: {result}"
    return [
        AxeViolation(v["id"], v["impact"], v["help"], tuple(v["targets"]), v["summary"])
        for v in result["violations"]
    ]


class Journey:
    """One resident in their own browser context under one condition and language, moving
    by keyboard; `check` measures the page at each step."""

    def __init__(
        self,
        browser: Browser,
        site: DemoSite,
        condition: Condition,
        language: str,
        name: str,
    ) -> None:
        self.browser, self.site = browser, site
        self.condition, self.language, self.name = condition, language, name
        self.context = self._new_context(javascript=condition.javascript)
        cookies = [{"name": "lang", "value": language, "url": site.base}]
        if condition.elder:
            cookies.append({"name": "elder", "value": "1", "url": site.base})
        self.context.add_cookies(cookies)
        self.page = self.context.new_page()
        self.steps: list[str] = []

    def _new_context(self, *, javascript: bool) -> BrowserContext:
        condition = self.condition
        options: dict[str, Any] = {}
        if javascript:
            options["permissions"] = ["clipboard-read", "clipboard-write"]
        context = self.browser.new_context(
            base_url=self.site.base,
            viewport={"width": condition.width, "height": condition.height},
            device_scale_factor=condition.scale,
            java_script_enabled=javascript,
            **options,
        )
        context.set_default_timeout(5_000)
        if javascript and AXE_SOURCE:
            context.add_init_script(AXE_SOURCE)  # in every page before it is measured
        return context

    def close(self) -> None:
        self.context.close()

    # Moving and typing

    def open(self, path: str, step: str) -> None:
        """Arrive at an address (from a link in a text message, a bookmark)."""
        response = self.page.goto(path)
        assert response is not None and response.status == 200, f"{path}: {response}"
        self.check(step)

    def tab_to(self, target: Locator, limit: int = 200) -> None:
        """Press Tab until `target` has focus; at every stop focus is on something in the
        page that shows it has focus."""
        handle = target.element_handle()
        if self.page.evaluate("(target) => target === document.activeElement", handle):
            return  # there already (a step's field takes the focus when it is shown)
        stops = []
        for _ in range(limit):
            self.page.keyboard.press("Tab")
            now = self.page.evaluate(FOCUS_NOW, handle)
            assert not now["lost"], (
                f"{self.where}: focus went to <body> after {stops[-3:]} (Tab never reached "
                f"{target})"
            )
            assert now["shown"], (
                f"{self.where}: {now['name']} has focus but does not show it "
                f"(outline {now['outline']}, box-shadow {now['shadow']})"
            )
            if now["reached"]:
                return
            stops.append(now["name"])
        raise AssertionError(f"{self.where}: Tab never reached {target} in {limit} stops")

    def type_into(self, target: Locator, text: str) -> None:
        """Tab to a field, take away what it holds, type `text`."""
        self.tab_to(target)
        if target.input_value():
            self.page.keyboard.press("ControlOrMeta+a")
            self.page.keyboard.press("Delete")
        self.page.keyboard.type(text)

    def tick(self, target: Locator) -> None:
        """Tab to a checkbox or radio button and press Space, unless it is ticked already."""
        self.tab_to(target)
        if not target.is_checked():
            self.page.keyboard.press("Space")
        assert target.is_checked(), f"{self.where}: Space did not tick {target}"

    def press(self, target: Locator, step: str, key: str = "Enter") -> None:
        """Tab to a link or button and press Enter: a new page, or an htmx swap after which
        focus is still in the page; then the page is checked as `step`."""
        self.tab_to(target)
        self.send(key)
        self.check(step)

    def send(self, key: str = "Enter") -> None:
        page = self.page
        page.evaluate(MARK_PAGE)
        page.keyboard.press(key)
        deadline = time.monotonic() + 10
        state = "waiting"
        while time.monotonic() < deadline:
            try:
                state = page.evaluate(SENT_STATE)
            except sync_api.Error:  # the old page went away mid-question
                state = "waiting"
            if state != "waiting":
                break
            time.sleep(0.02)
        assert state != "waiting", f"{self.where}: {key} led to no page and no swap"
        if state == "swapped":
            self.focus_kept("after the swap")
            return
        page.wait_for_load_state("load")
        # A page that puts the focus somewhere by `autofocus` has done so before anyone
        # presses a key (asked here, not waited for in the page: it may run no script).
        while time.monotonic() < deadline and not page.evaluate(AUTOFOCUS_DONE):
            time.sleep(0.02)

    def focus_kept(self, what: str) -> None:
        try:
            self.page.wait_for_function(
                "() => document.activeElement && document.activeElement !== document.body",
                timeout=2_000,
            )
        except sync_api.Error as error:
            raise AssertionError(f"{self.where} {what}: focus was lost to <body>") from error

    # Measuring

    @property
    def where(self) -> str:
        step = self.steps[-1] if self.steps else "start"
        return f"{self.name} ({self.language}, {self.condition.name}) at {step}"

    def check(self, step: str) -> None:
        """The page as it is now (a screenshot first, under the condition that keeps
        them): one h1, nothing wider than the screen, axe finds nothing."""
        self.steps.append(step)
        page = self.page
        if self.condition.screenshots:
            number = len(self.steps)
            path = SHOTS / f"{self.name}-{self.language}-{number:02d}-{step}.png"
            page.screenshot(path=path, full_page=True)
        assert page.locator("h1").count() == 1, f"{self.where}: not exactly one <h1>"
        assert_fits_width(page, self.condition.width, self.where)
        elder = page.evaluate("() => document.documentElement.classList.contains('elder')")
        assert elder == self.condition.elder or self.name == "display", (
            f"{self.where}: elder-friendly mode is {'on' if elder else 'off'}"
        )
        if HAS_AXE or REQUIRED:  # without axe-core the journey goes on (`instruments`)
            self.accessible(elder)

    def accessible(self, elder: bool) -> None:
        found = axe_violations(self.page, elder, javascript=self.condition.javascript)
        assert not found, f"{self.where} ({self.page.url}):\n  " + "\n  ".join(
            violation.describe() for violation in found
        )


# Forms, whether they ask everything at once or one thing at a time


def visible_field(form: Locator, name: str) -> Locator | None:
    found = form.locator(f"[name='{name}']:not([type=hidden]):visible")
    return found.first if found.count() else None


def next_button(journey: Journey, form: Locator) -> Locator | None:
    """A form that asks one thing at a time: its "Next step" button (`core/steps.py`)."""
    found = form.locator("button[name=step_action][value=next]:visible")
    if not found.count():
        found = form.get_by_role("button", name=NEXT_WORDS[journey.language]).locator(
            "visible=true"
        )
    return found.first if found.count() else None


def submit_button(journey: Journey, form: Locator) -> Locator:
    """The form's own send button: not a step's Next, Back or Change."""
    buttons = form.locator("button:is([type=submit], :not([type])):not([name=step_action]):visible")
    for index in range(buttons.count()):
        button = buttons.nth(index)
        if not NEXT_WORDS[journey.language].match(button.inner_text().strip()):
            return button
    raise AssertionError(f"{journey.where}: the form has no send button")


def fill_visible(journey: Journey, form: Locator, values: dict[str, str | bool]) -> None:
    """Type or tick each of `values` whose field is on the screen now, in the page's order
    (the order Tab goes), leaving alone what already holds its value."""
    order = form.evaluate("(form) => [...form.querySelectorAll('[name]')].map((e) => e.name)")
    for name in sorted(values, key=lambda name: order.index(name) if name in order else 999):
        target = visible_field(form, name)
        if target is None:
            continue
        value = values[name]
        if isinstance(value, bool):
            if value and not target.is_checked():
                journey.tick(target)
        elif target.input_value() != value:
            journey.type_into(target, value)


def refused(journey: Journey) -> bool:
    return journey.page.locator("main [aria-invalid=true], #error-summary").count() > 0


def fill_and_send(journey: Journey, forms: str, values: dict[str, str | bool], step: str) -> None:
    """Fill a form with `values` and send it; a form that asks one thing at a time, step by
    step (each step's fields, then Next), then its send button. Ends early on a step that
    refuses what it was given, with `step` as that step's name."""
    for _ in range(20):
        form = one_form(journey, forms)
        fill_visible(journey, form, values)
        onward = next_button(journey, form)
        if onward is None:
            journey.press(submit_button(journey, form), step)
            return
        journey.tab_to(onward)
        journey.send()
        if refused(journey):
            journey.check(step)
            return
        shown = journey.page.locator(f"{STEP_FORM} input[name=step]")
        journey.check(f"step{int(shown.input_value()) + 1}" if shown.count() else step)
    raise AssertionError(f"{journey.where}: the form never ended")


def one_form(journey: Journey, forms: str) -> Locator:
    """The one form in the page matching `forms` (a selector list: the form as it is
    asked all at once, or one thing at a time)."""
    found = journey.page.locator(forms)
    assert found.count() == 1, f"{journey.where}: {found.count()} forms match {forms}"
    return found


def send_empty(journey: Journey, form_selector: str, step: str) -> None:
    """Send the form (or its first step) as it comes: each field that needs something says
    so next to it, and focus is on the error summary or the first field in error."""
    form = one_form(journey, form_selector)
    button = next_button(journey, form) or submit_button(journey, form)
    journey.press(button, step)
    assert_errors_beside_fields(journey)


def assert_errors_beside_fields(journey: Journey, *names: str) -> None:
    """Each field marked invalid has its message inside its own field group; focus is on
    the summary of errors (or its region) or on the first field in error. `names`: fields
    that must be among those in error."""
    page = journey.page
    found = page.evaluate(
        """() => [...document.querySelectorAll("main [aria-invalid=true]")].map((input) => {
          const group = input.closest(".field, fieldset");
          const message = group && group.querySelector(".error-message");
          return {name: input.name, id: input.id,
                  beside: Boolean(message && message.offsetParent !== null)};
        })"""
    )
    assert found, f"{journey.where}: no field is marked invalid"
    apart = [item["id"] for item in found if not item["beside"]]
    assert not apart, f"{journey.where}: errors not next to their fields: {apart}"
    in_error = {item["name"] for item in found}
    assert set(names) <= in_error, f"{journey.where}: {names} not all in error: {in_error}"
    focus = page.evaluate(
        """() => {
          const element = document.activeElement;
          const first = document.querySelector("main [aria-invalid=true]");
          return Boolean(element) && element !== document.body
            && (element === first || Boolean(element.closest("#error-summary, #send-result")));
        }"""
    )
    assert focus, f"{journey.where}: focus is not on the errors but on " + page.evaluate(
        "() => document.activeElement.outerHTML.slice(0, 120)"
    )


def assert_kept(journey: Journey, values: dict[str, str | bool]) -> None:
    """What was typed is all still there after a refused send (on the screen, or carried
    in the form for a form that asks one thing at a time)."""
    lost = {}
    for name, value in values.items():
        if isinstance(value, bool):
            continue
        held = journey.page.locator(f"main [name='{name}']")
        kept = [held.nth(index).input_value() for index in range(held.count())]
        if kept and value not in kept:
            lost[name] = kept
    assert not lost, f"{journey.where}: what was typed is lost: {lost}"


@pytest.fixture(name="journey_for")
def journey_for_fixture(browser: Browser, demo_site: DemoSite) -> Iterator[Any]:
    """Start a journey: `journey_for(condition, language, name)`; all closed at the end."""
    started: list[Journey] = []

    def start(condition: Condition, language: str, name: str) -> Journey:
        journey = Journey(browser, demo_site, condition, language, name)
        started.append(journey)
        return journey

    yield start
    for journey in started:
        journey.close()


def private_path(url: str, prefix: str) -> str:
    found = re.search(rf"{prefix}/[\w-]{{20,}}", url)
    assert found, f"no private link in {url}"
    return found.group(0)
