"""The instruments every page is measured with: axe-core (accessibility, the WCAG 2.0 and
2.1 A and AA rules) in the browser, and the Nu HTML Checker (valid HTML) on the served
HTML. Both come from npm (`package.json`: `npm ci --ignore-scripts` installs them into
`node_modules/`); the checker runs on the machine's Java. A test that needs one is marked
`requires_axe` or `requires_vnu` and is skipped, with the reason, on a machine without it,
unless SUNSHINE_REQUIRE_INSTRUMENTS=1 (CI sets it): then a missing instrument fails.

axe is injected through the DevTools protocol (`page.evaluate`), which the page's strict
Content-Security-Policy does not govern, so the pages are checked with their CSP as served.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parent.parent
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
JAVA = shutil.which("java")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Elder-friendly mode also promises AAA contrast (7:1, `color-contrast-enhanced`).
AAA_TAGS = [*WCAG_TAGS, "wcag2aaa"]

REQUIRED = os.environ.get("SUNSHINE_REQUIRE_INSTRUMENTS") == "1"
HAS_AXE = AXE_SCRIPT.exists()
HAS_VNU = VNU_JAR.exists() and JAVA is not None
requires_axe = pytest.mark.skipif(
    not (HAS_AXE or REQUIRED),
    reason=f"accessibility checks need axe-core at {AXE_SCRIPT} (run `npm ci`)",
)
requires_vnu = pytest.mark.skipif(
    not (HAS_VNU or REQUIRED),
    reason=f"HTML validation needs Java and the Nu HTML Checker at {VNU_JAR} (run `npm ci`)",
)

RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return {
    engine: result.testEngine.name,
    version: result.testEngine.version,
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


@dataclass(frozen=True)
class AxeViolation:
    rule: str
    impact: str | None
    help: str
    targets: tuple[str, ...]
    summary: str

    def describe(self) -> str:
        shown = ", ".join(self.targets[:5]) + (" …" if len(self.targets) > 5 else "")
        return f"{self.rule} ({self.impact}): {self.help} — {shown}\n      {self.summary}"


def axe_violations(page: Page, tags: list[str] | None = None) -> list[AxeViolation]:
    """Run axe-core on the page as it is now, the rules of `tags` (by default the WCAG 2.0
    and 2.1 A and AA ones; add `AAA_TAGS` for the enhanced contrast of elder-friendly
    mode); fails unless axe really ran."""
    assert HAS_AXE, f"axe-core is not installed at {AXE_SCRIPT}"
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
    result: dict[str, Any] = page.evaluate(RUN_AXE, tags or WCAG_TAGS)
    assert result["engine"] == "axe-core", f"axe did not run on {page.url}: {result}"
    assert result["passes"] > 0, f"axe ran no rule that passed on {page.url}: {result}"
    return [
        AxeViolation(v["id"], v["impact"], v["help"], tuple(v["targets"]), v["summary"])
        for v in result["violations"]
    ]


def assert_accessible(page: Page, where: str, tags: list[str] | None = None) -> None:
    """axe-core finds nothing on the page as it is now (after an htmx swap, say), by the
    rules of `tags` (`axe_violations`). Without axe-core installed the journey goes on,
    and the skipped check shows as a warning."""
    if not HAS_AXE and not REQUIRED:
        warnings.warn(f"axe-core not installed: not checked: {where}", stacklevel=2)
        return
    violations = axe_violations(page, tags)
    assert not violations, f"{where} ({page.url}):\n  " + "\n  ".join(
        violation.describe() for violation in violations
    )


def assert_focus_kept(page: Page, where: str) -> None:
    """After an htmx swap, focus is on something in the page, never lost to `<body>` (htmx
    moves it to an `autofocus` element when the swap settles, so this waits a moment)."""
    try:
        page.wait_for_function(
            "() => document.activeElement && document.activeElement !== document.body",
            timeout=2_000,
        )
    except Exception as error:  # playwright's TimeoutError
        raise AssertionError(f"{where}: focus was lost to <body> ({page.url})") from error


@dataclass(frozen=True)
class HtmlError:
    file: str
    line: int | None
    message: str
    extract: str

    def describe(self) -> str:
        return f"{self.file}:{self.line}: {self.message}\n      {self.extract.strip()}"


def validate_html(files: list[Path]) -> tuple[list[HtmlError], list[HtmlError]]:
    """The Nu HTML Checker over `files` in one run (the JVM starts slowly): errors and
    warnings, each with its file and line."""
    if not files:
        return [], []
    assert HAS_VNU, f"the Nu HTML Checker needs Java and {VNU_JAR}"
    completed = subprocess.run(  # noqa: S603  (our own command line, no shell)
        [JAVA, "-jar", str(VNU_JAR), "--format", "json", "--stdout", "--exit-zero-always"]
        + [str(path) for path in files],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    messages = json.loads(completed.stdout)["messages"]
    errors, warnings_ = [], []
    for message in messages:
        found = HtmlError(
            message.get("url", "").removeprefix("file:"),
            message.get("lastLine"),
            message.get("message", ""),
            message.get("extract", ""),
        )
        if message["type"] in ("error", "non-document-error"):
            errors.append(found)
        elif message["type"] == "info" and message.get("subType") == "warning":
            warnings_.append(found)
    return errors, warnings_
