"""The load bench's results as Markdown: one table per database, each page's figures at
demo size and at ten years side by side, and the targets met or not."""

from __future__ import annotations

from bench.pages import SHARE_OF_HELLO, TEN_YEARS_OF_DEMO, PageKind

DATABASE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
SIZE_NAMES = {"demo": "demo", "ten-years": "ten years"}


def number(value: float | None, pattern: str) -> str:
    return "–" if value is None else format(value, pattern)


def _verdict(met: bool) -> str:
    return "met" if met else "**not met**"


def targets(database: str, entries: dict[str, dict]) -> list[str]:
    """Each target that applies to one page, with whether it was met."""
    found = []
    kind = PageKind[next(iter(entries.values()))["kind"]]
    share = SHARE_OF_HELLO.get((kind, database))
    measured = {size: entry for size, entry in entries.items() if "rps" in entry}
    if share is not None and measured:
        met = all(entry["share_of_hello"] >= share for entry in measured.values())
        found.append(f"≥ {share:.0%} of /hello: {_verdict(met)}")
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
    for index, first in enumerate(sizes[first_size]["pages"]):
        entries = {size: block["pages"][index] for size, block in sizes.items()}

        def cell(render, entries=entries, merge=False) -> str:
            """The value at each size, or once when `merge` and they are the same."""
            values = [render(entry) for entry in entries.values()]
            return values[0] if merge and len(set(values)) == 1 else " / ".join(values)

        ratio = ""
        if both and entries["demo"].get("rps") and "rps" in entries["ten-years"]:
            ratio = f"{entries['ten-years']['rps'] / entries['demo']['rps']:.2f}"
        notes = targets(database, entries)
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
    return lines


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
