"""The load bench's results as Markdown: one table per database, each page's figures at
demo size and at ten years side by side, and the targets met or not; then the calendar
feed beside the app's cheapest page, and its full render against icalendar's own."""

from __future__ import annotations

from bench.feed_cost import PATH as FEED_PATH
from bench.feed_cost import TARGET as RENDER_TARGET
from bench.pages import OF_CHEAPEST_PAGE, SHARE_OF_HELLO, TEN_YEARS_OF_DEMO, PageKind

DATABASE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
SIZE_NAMES = {"demo": "demo", "ten-years": "ten years"}


def number(value: float | None, pattern: str) -> str:
    return "–" if value is None else format(value, pattern)


def _verdict(met: bool) -> str:
    return "met" if met else "**not met**"


def cheapest(block: dict) -> dict | None:
    """The app's cheapest page at one size: the most requests per second among the pages
    not reported beside it."""
    measured = [e for e in block["pages"] if "rps" in e and not e.get("beside_cheapest")]
    return max(measured, key=lambda entry: entry["rps"], default=None)


def of_cheapest(entry: dict, reference: dict | None) -> float | None:
    if reference is None or "rps" not in entry:
        return None
    return entry["rps"] / reference["rps"]


def targets(
    database: str, entries: dict[str, dict], cheapest_pages: dict[str, dict | None]
) -> list[str]:
    """Each target that applies to one page, with whether it was met."""
    found = []
    first = next(iter(entries.values()))
    kind = PageKind[first["kind"]]
    share = SHARE_OF_HELLO.get((kind, database))
    measured = {size: entry for size, entry in entries.items() if "rps" in entry}
    if share is not None and measured:
        met = all(entry["share_of_hello"] >= share for entry in measured.values())
        found.append(f"≥ {share:.0%} of /hello: {_verdict(met)}")
    if kind == PageKind.NOT_MODIFIED and first.get("beside_cheapest") and measured:
        shares = [of_cheapest(entry, cheapest_pages[size]) for size, entry in measured.items()]
        met = all(share is not None and share >= OF_CHEAPEST_PAGE for share in shares)
        found.append(f"≈ the cheapest page (≥ {OF_CHEAPEST_PAGE:.0%}): {_verdict(met)}")
    if {"demo", "ten-years"} <= measured.keys():
        ratio = measured["ten-years"]["rps"] / max(measured["demo"]["rps"], 1e-9)
        found.append(
            f"ten years ≥ {TEN_YEARS_OF_DEMO}× demo: {_verdict(ratio >= TEN_YEARS_OF_DEMO)}"
        )
    if {"demo", "ten-years"} <= entries.keys():
        same = entries["demo"]["queries"] == entries["ten-years"]["queries"]
        found.append(f"same queries: {_verdict(same)}")
    return found


def table(run: dict) -> list[str]:
    database, sizes = run["database"], run["sizes"]
    both = {"demo", "ten-years"} <= sizes.keys()
    heading = " / ".join(SIZE_NAMES[size] for size in sizes)
    ceiling = run["hello"]["runs"]
    lines = [
        f"### {DATABASE_NAMES[database]} ({heading})",
        "",
        f"`/hello` (bare Flask, the ceiling), measured before each page: "
        f"{min(ceiling):,.0f} to {max(ceiling):,.0f} req/s.",
        "",
        "| page | what | req/s | p50 ms | p99 ms | ÷ /hello | queries | ten years ÷ demo "
        "| targets |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    first_size = next(iter(sizes))
    cheapest_pages = {size: cheapest(block) for size, block in sizes.items()}
    for index, first in enumerate(sizes[first_size]["pages"]):
        entries = {size: block["pages"][index] for size, block in sizes.items()}

        def cell(render, entries=entries, merge=False) -> str:
            """The value at each size, or once when `merge` and they are the same."""
            values = [render(entry) for entry in entries.values()]
            return values[0] if merge and len(set(values)) == 1 else " / ".join(values)

        ratio = ""
        if both and entries["demo"].get("rps") and "rps" in entries["ten-years"]:
            ratio = f"{entries['ten-years']['rps'] / entries['demo']['rps']:.2f}"
        notes = targets(database, entries, cheapest_pages)
        notes += [
            f"`{entry['path']}` answered {entry['status']}"
            for entry in entries.values()
            if entry.get("status", entry["expected"]) != entry["expected"]
        ]
        if errors := sum(entry.get("errors", 0) for entry in entries.values()):
            notes.append(f"{errors} failed requests")
        what = cell(lambda e: e["detail"] or f"`{e['path']}`", merge=True)
        lines.append(
            f"| {first['name']} | {what} | {cell(lambda e: number(e.get('rps'), ',.0f'))} "
            f"| {cell(lambda e: number(e.get('p50_ms'), '.0f'))} "
            f"| {cell(lambda e: number(e.get('p99_ms'), '.0f'))} "
            f"| {cell(lambda e: number(e.get('share_of_hello'), '.1%'))} "
            f"| {cell(lambda e: str(e['queries']), merge=True)} | {ratio} | {'; '.join(notes)} |"
        )
    built = [
        f"{SIZE_NAMES[size]} built in {block['built_seconds']:.0f} s"
        if block["built_seconds"] is not None
        else f"{SIZE_NAMES[size]} kept from an earlier run"
        for size, block in sizes.items()
    ]
    lines += ["", f"Databases: {'; '.join(built)}.", ""]
    lines += beside_cheapest(sizes, cheapest_pages)
    lines += render_cost(sizes)
    return lines


def beside_cheapest(sizes: dict[str, dict], cheapest_pages: dict[str, dict | None]) -> list[str]:
    """The calendar feed (full and 304) beside the app's cheapest page, size by size."""
    rows = []
    for size, block in sizes.items():
        reference = cheapest_pages[size]
        if reference is None:
            continue
        for entry in [reference] + [e for e in block["pages"] if e.get("beside_cheapest")]:
            share = of_cheapest(entry, reference)
            rows.append(
                f"| {SIZE_NAMES[size]} | {entry['name']} | {entry['detail'] or entry['path']} "
                f"| {number(entry.get('rps'), ',.0f')} "
                f"| {number(entry.get('share_of_hello'), '.1%')} | {number(share, '.2f')} |"
            )
    if not rows:
        return []
    return [
        "The calendar feed beside the app's cheapest page (the fastest of the other pages "
        "at the same size):",
        "",
        "| size | page | what | req/s | ÷ /hello | ÷ cheapest page |",
        "| --- | --- | --- | ---: | ---: | ---: |",
        *rows,
        "",
    ]


def render_cost(sizes: dict[str, dict]) -> list[str]:
    """The feed's full render against icalendar serializing the same events."""
    rows = []
    for size, block in sizes.items():
        found = block.get("feed_render")
        if not found:
            continue
        if "error" in found:
            rows.append(f"| {SIZE_NAMES[size]} | could not measure: {found['error']} |{' |' * 5}")
            continue
        rows.append(
            f"| {SIZE_NAMES[size]} | {found['events']:,} | {found['app_ms']:,.1f} "
            f"| {found['icalendar_ms']:,.1f} | {found['ratio']:.2f}× | {_verdict(found['met'])} "
            f"| {found['cold_ms']:,.1f} | {found['cold_ratio']:.2f}× |"
        )
    if not rows:
        return []
    return [
        f"Full render of `{FEED_PATH}` as its view builds it after a publication (the "
        "versions query, every unchanged event's kept text, the changed one made again) "
        "and with nothing kept (every event loaded, made and serialized), against "
        "icalendar's own `to_ical()` of the same components; medians in-process before the "
        "servers start:",
        "",
        f"| size | events | after a publication ms | icalendar to_ical ms | ÷ icalendar "
        f"| ≤ {RENDER_TARGET}× | nothing kept ms | ÷ icalendar |",
        "| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: |",
        *rows,
        "",
    ]


def markdown(results: dict) -> str:
    settings = results["settings"]
    start, end = (
        ", ".join(f"{n:.1f}" for n in results["load_average"][moment])
        for moment in ("start", "end")
    )
    lines = [
        "## Load bench",
        "",
        f"Measured {results['measured_at']} on {settings['cores']} cores: "
        f"`{results['gunicorn']}` for Sunshine and for the bare `/hello` alike, loaded by "
        f"`{results['wrk']}` on the same machine (load average at the start {start}, at the "
        f"end {end}). Each page is loaded right after `/hello`, at demo size then at ten "
        "years (two figures in a cell: demo / ten years); ÷ /hello is its requests per second "
        "as a share of that `/hello`. "
        + (
            "Pages as readers get them: from the page cache (the first request after each "
            "publication builds the page; `BENCH_PAGE_CACHE=0` measures that). "
            if results.get("page_cache", True)
            else "Pages built on every request (the page cache off): what the first request "
            "after each publication costs. "
        )
        + "Queries: those it takes to build the page.",
        "",
    ]
    for run in results["runs"]:
        lines += table(run)
    lines += results["skipped"]
    lines += [f"Could not run: {problem}" for problem in results["problems"]]
    lines.append(f"Whole run: {results['total_seconds']} s.")
    return "\n".join(lines) + "\n"
