"""What search costs on the benchmark's national build: Pagefind's index, bundle and first query."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from measure import measure

REPO = Path(__file__).resolve().parents[2]


def pagefind_binary() -> Path:
    """Return the Pagefind binary npm installed in the repository (plugins/search finds it)."""
    sys.path.insert(0, str(REPO / "plugins"))
    import search

    return search.Pagefind.find().binary


@dataclass
class SearchCost:
    """What search costs on the benchmark's national build."""

    pages: int
    seconds: float
    cpu_seconds: float
    peak_mib: float
    bundle_bytes: int
    bundle_files: int
    query: str
    first_query_bytes: int
    first_query_requests: int


# Index the pages as the build does (plugins/search: Pagefind as a service, one run per
# language, given each page's indexed part), in a process of its own so it is measured whole.
_INDEX = """
import sys
from pathlib import Path
from search import run_pagefind
from search.pagefind import Pagefind
output, listed = Path(sys.argv[1]), Path(sys.argv[2])
pages = listed.read_text("utf-8").split()
files = run_pagefind(Pagefind.find(), pages, lambda path: (output / path).read_bytes())
print(len(files), "files")
"""


def search_cost(output: Path, work: Path, logs: Path, query: str) -> SearchCost:
    """Index the build's article and event pages with Pagefind as the build runs it (a whole
    process: Python and Pagefind), weigh the published bundle, and count the bytes Chromium
    fetches to load the search page and answer a first query."""
    import tempfile

    pages = sorted(output.glob("*/articles/*/index.html")) + sorted(
        output.glob("*/events/*/index.html")
    )
    with tempfile.TemporaryDirectory(dir=work) as tmp:
        listed = Path(tmp) / "pages.txt"
        listed.write_text("\n".join(p.relative_to(output).as_posix() for p in pages), "utf-8")
        cmd = [sys.executable, "-c", _INDEX, str(output), str(listed)]
        env = {**os.environ, "PYTHONPATH": str(REPO / "plugins")}
        sample = measure(cmd, Path(tmp), env, logs / "pagefind.log")
    bundle = [p for p in (output / "pagefind").rglob("*") if p.is_file()]
    transferred, requests = first_query_bytes(output, query)
    return SearchCost(
        len(pages),
        sample.seconds,
        sample.cpu_seconds,
        sample.peak_mib,
        sum(p.stat().st_size for p in bundle),
        len(bundle),
        query,
        transferred,
        requests,
    )


def first_query_bytes(output: Path, query: str) -> tuple[int, int]:
    """Return the bytes (bodies and headers) and requests Chromium needs to open /search/ and
    show the results of `query`, from an empty cache, as its network log records them."""
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(REPO))
    from tests.quality.harness import launch_chromium, serve
    from tests.quality.search_queries import open_search, run_query

    sizes: list[int] = []

    def finished(request) -> None:
        size = request.sizes()
        sizes.append(size["responseBodySize"] + size["responseHeadersSize"])

    with serve(output) as base, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_context().new_page()
        page.on("requestfinished", finished)
        open_search(page, base)
        run_query(page, query, every_page=False)  # a reader's first query: 20 results
        page.wait_for_load_state("networkidle")
        browser.close()
    return sum(sizes), len(sizes)


def search_lines(cost: SearchCost) -> str:
    return (
        f"Search (Pagefind {_pagefind_version()}, run as the build runs it, in a process of "
        f"its own, on the national build's {cost.pages} article and event pages): index "
        f"{cost.seconds:.2f} s wall ({cost.cpu_seconds:.2f} s CPU, all threads), peak "
        f"{cost.peak_mib:.0f} MiB; bundle {cost.bundle_bytes / 1e6:.1f} MB in "
        f"{cost.bundle_files} files; opening /search/ and a first query "
        f'("{cost.query}") transfer {cost.first_query_bytes / 1024:.0f} KiB in '
        f"{cost.first_query_requests} requests (Chromium's network log, empty cache, "
        "page, CSS and scripts included; the first 20 results shown)."
    )


def _pagefind_version() -> str:
    return subprocess.run(
        [str(pagefind_binary()), "--version"], capture_output=True, text=True, check=True
    ).stdout.split()[-1]
