"""The long fuzz, as a report: 500 generated inputs to every staff form, on SQLite and on
PostgreSQL side by side (one core each).

The suite sends 500 inputs to each resident's form and open-data address but 40 to each
staff form, which keeps both databases' runs inside CI's time. This runs the same test
(`tests/test_fuzz.py`) with 500 to each staff form on both databases at once, the
residents' forms again at the suite's size unless `--residents 500` (CI runs the suite
first, so together every form gets 500), and writes what each sent and found to
`bench/results/fuzz-long.md`. A failure it finds (a server error, markup
left raw) fails the run like any test; a run cut off by the time it was given is reported
as not finished, and does not.

    python bench/fuzz_long.py [--seconds N]    # TEST_DATABASE_URL: the PostgreSQL database
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
TEST = "tests/test_fuzz.py::test_no_form_input_fails_or_comes_back_as_markup"
EXAMPLES = 500
CUT_OFF = 124  # timeout(1)'s status when the time ran out
SUMMARY = re.compile(r"^(\d+ forms, \d+ sent: .*|fuzzing took .*|stored: .*)$", re.MULTILINE)


def start(database: str, seconds: int, residents: int) -> tuple[subprocess.Popen, Path]:
    environment = os.environ | {
        "FUZZ_EXAMPLES": str(residents),
        "FUZZ_STAFF_EXAMPLES": str(EXAMPLES),
    }
    if database == "SQLite":
        environment.pop("TEST_DATABASE_URL", None)
    log = RESULTS / f"fuzz-long-{database.lower()}.log"
    command = ["timeout", "--kill-after=30", str(seconds), sys.executable, "-m", "pytest"]
    command += [TEST, "-q", "-s", "-p", "no:cacheprovider"]
    with log.open("w") as output:
        process = subprocess.Popen(  # noqa: S603  (our own fixed command)
            command, cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT
        )
    return process, log


def outcome(status: int) -> str:
    if status == 0:
        return "passed"
    if status in (CUT_OFF, 128 + 9):
        return "not finished in the time given"
    return f"FAILED (exit status {status})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=1800, help="time each database gets")
    parser.add_argument(
        "--residents", type=int, default=500, help="inputs to each resident's form (CI: 40)"
    )
    arguments = parser.parse_args()
    seconds, residents = arguments.seconds, arguments.residents
    RESULTS.mkdir(parents=True, exist_ok=True)
    databases = ["SQLite"]
    if os.environ.get("TEST_DATABASE_URL"):
        databases.append("PostgreSQL")
    started = time.monotonic()
    runs = {database: start(database, seconds, residents) for database in databases}
    lines = [
        "# The long fuzz",
        "",
        f"{datetime.now(UTC).isoformat(timespec='seconds')}: {EXAMPLES} generated inputs to "
        f"every staff form and {residents} to every resident's form, on "
        f"{' and '.join(databases)} side by side, at most {seconds} s each.",
        "",
    ]
    failed = False
    for database, (process, log) in runs.items():
        status = process.wait()
        failed |= status not in (0, CUT_OFF, 128 + 9)
        text = log.read_text(errors="replace")
        lines.append(f"## {database}: {outcome(status)}")
        lines += ["", *[f"- {line}" for line in SUMMARY.findall(text)], ""]
        if status != 0:
            lines += ["```", *text.splitlines()[-60:], "```", ""]
    if "PostgreSQL" not in runs:
        lines.append("PostgreSQL: not run (set TEST_DATABASE_URL).")
    lines.append(f"Took {time.monotonic() - started:.0f} s in all.")
    report = "\n".join(lines) + "\n"
    (RESULTS / "fuzz-long.md").write_text(report)
    print(report)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
