"""Benchmark Furusato against vanilla Pelican on one synthetic corpus, in the same run.

Usage: `make bench` (N=500) or `make bench N=10000 RUNS=3`. Every build is a whole process
(`python -m furusato build`, `python -m pelican`), timed from start to exit, with the peak
memory of its whole process tree. Runs of the different modes are interleaved, so a noisy
machine slows both sides alike and the ratios hold. Medians are printed and written to
docs/benchmarks.md (one section per N; the notes around the sections are kept).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus as corpus_mod

REPO = Path(__file__).resolve().parents[2]
TODAY = "2026-11-24"  # fixed, so "upcoming" and therefore the output never depend on the day


@dataclass
class Sample:
    """One timed process."""

    seconds: float
    peak_mib: float
    cpu_seconds: float = 0.0  # user + system time of the process (its threads included)


@dataclass
class Mode:
    """A benchmark mode and its samples."""

    key: str
    label: str
    documents: int
    baseline: str | None = None  # key of the vanilla mode it is compared with
    samples: list[Sample] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return statistics.median(s.seconds for s in self.samples)

    @property
    def peak_mib(self) -> float:
        return statistics.median(s.peak_mib for s in self.samples)


def _tree_pss_kib(root: int) -> int:
    """Return the proportional memory (PSS) of `root` and all its descendants, in KiB.

    PSS shares each page among the processes that map it, so forked workers are not
    counted twice for the memory they share with their parent (RSS would).
    """
    parents: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        parents[int(entry.name)] = int(stat[stat.rindex(b")") + 2 :].split()[1])
    family, changed = {root}, True
    while changed:
        changed = False
        for pid, parent in parents.items():
            if parent in family and pid not in family:
                family.add(pid)
                changed = True
    total = 0
    for pid in family:
        try:
            with open(f"/proc/{pid}/smaps_rollup", "rb") as fh:
                for line in fh:
                    if line.startswith(b"Pss:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            continue
    return total


def measure(cmd: list[str], cwd: Path, env: dict[str, str], log: Path) -> Sample:
    """Run `cmd` to completion; return its wall time and the peak memory of its process tree."""
    with log.open("wb") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        peak = [0]
        done = threading.Event()

        def sample() -> None:  # the whole tree's memory includes worker processes
            while not done.wait(0.05):
                with contextlib.suppress(OSError, ValueError):
                    peak[0] = max(peak[0], _tree_pss_kib(proc.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(
            f"benchmark build failed ({' '.join(cmd)}), see {log}:\n"
            + log.read_text(errors="replace")[-3000:]
        )
    cpu = usage.ru_utime + usage.ru_stime
    return Sample(seconds, max(usage.ru_maxrss, peak[0]) / 1024, cpu)


class Bench:
    """The corpus, the two projects built from it, and the timed modes."""

    def __init__(self, n: int, work: Path):
        self.n = n
        self.work = work
        self.furusato = work / "furusato"
        self.vanilla = work / "vanilla"
        self.logs = work / "logs"
        self.python = sys.executable

    def prepare(self) -> None:
        started = time.perf_counter()
        self.corpus = corpus_mod.generate(REPO, self.furusato, self.n)
        corpus_mod.write_vanilla(self.corpus, self.furusato, self.vanilla)
        # A checkout-like project: the repository's settings, theme and plugins as they are now
        # (so whatever plugins pelicanconf.py lists are measured).
        shutil.copy(REPO / "pelicanconf.py", self.furusato / "pelicanconf.py")
        # The devserver's mode: the search index is kept after an edit (plugins/search).
        (self.furusato / "keep.py").write_text(
            'from pelicanconf import *  # noqa: F403\nFURUSATO_SEARCH_INDEX = "keep"\n'
        )
        (self.furusato / "prefecture.py").write_text(
            "from pelicanconf import *  # noqa: F403\n"
            'FURUSATO_CACHE_PATH = ".furusato-cache-prefecture"\n'
        )
        for name in ("theme", "plugins"):  # a snapshot: editing the repo cannot skew a run
            shutil.copytree(
                REPO / name, self.furusato / name, ignore=shutil.ignore_patterns("__pycache__")
            )
        self.logs.mkdir(parents=True, exist_ok=True)
        self.edited = self.corpus.article_to_edit()
        self.prefecture = self.corpus.average_prefecture
        print(
            f"Generated {self.n} documents in {time.perf_counter() - started:.1f} s "
            f"(average prefecture: {self.prefecture}, "
            f"{self.corpus.counts[self.prefecture]} documents)",
            flush=True,
        )

    def modes(self) -> list[Mode]:
        k = self.corpus.counts[self.prefecture]
        return [
            Mode("f-clean", "Furusato: clean full build", self.n, "v-clean"),
            Mode("f-warm", "Furusato: full build, warm caches", self.n, "v-warm"),
            Mode("f-edit", "Furusato: rebuild after editing one article", self.n, "v-edit"),
            Mode(
                "f-keep",
                "Furusato: the same, search index kept (devserver mode)",
                self.n,
                "v-edit",
            ),
            Mode("f-pref", f"Furusato: single prefecture ({self.prefecture}, {k} docs), clean", k),
            Mode("v-clean", "vanilla Pelican: clean build", self.n),
            Mode("v-warm", "vanilla Pelican: build, warm content cache", self.n),
            Mode("v-edit", "vanilla Pelican: rebuild after editing one article", self.n),
        ]

    def _furusato(self, key: str, run: int, *extra: str) -> Sample:
        # Compiled templates live in the per-user folder: one per mode, emptied by "clean" runs.
        env = {
            **os.environ,
            "PYTHONPATH": "plugins",
            "FURUSATO_USER_CACHE_DIR": str(self._user(key)),
            # The snapshot has no node_modules: use the repository's Pagefind.
            "PAGEFIND_BINARY_PATH": str(pagefind_binary()),
        }
        cmd = [self.python, "-m", "furusato", "build", "--today", TODAY, *extra]
        return measure(cmd, self.furusato, env, self.logs / f"{key}-{run}.log")

    def _user(self, key: str) -> Path:
        return self.work / ("user-cache-prefecture" if key == "f-pref" else "user-cache")

    def _vanilla(self, key: str, run: int, settings: str) -> Sample:
        cmd = [self.python, "-m", "pelican", "content", "-s", settings, "-o", "output", "-q"]
        return measure(cmd, self.vanilla, dict(os.environ), self.logs / f"{key}-{run}.log")

    def _edit(self, run: int, again: bool = False) -> None:
        marker = f"\n\nEdited for benchmark run {run}{' again' if again else ''}.\n"
        for path in (
            corpus_mod.furusato_path(self.edited, self.furusato),
            corpus_mod.vanilla_path(self.corpus, self.edited, self.vanilla),
        ):
            with path.open("a", encoding="utf-8") as fh:
                fh.write(marker)

    def _check_edit(self, run: int) -> None:
        """Fail loudly if a rebuild left the edited article's page stale."""
        marker = f"Edited for benchmark run {run}."
        pages = (
            self.furusato
            / "output"
            / self.edited.prefecture
            / "articles"
            / self.edited.slug
            / "index.html",
            self.vanilla / "output" / f"{self.edited.slug}.html",
        )
        for page in pages:
            if marker not in page.read_text("utf-8"):
                sys.exit(f"stale page after the one-article rebuild: {page}")

    def run(self, runs: int) -> list[Mode]:
        modes = {m.key: m for m in self.modes()}
        f, v = self.furusato, self.vanilla
        for run in range(1, runs + 1):
            print(f"Run {run}/{runs}:", end="", flush=True)
            steps = [
                (
                    "f-clean",
                    lambda: _rm(
                        f / "output", f / ".furusato-cache", self._user("f-clean") / "templates"
                    ),
                    lambda r: self._furusato("f-clean", r),
                ),
                ("f-warm", lambda: _rm(f / "output"), lambda r: self._furusato("f-warm", r)),
                ("f-edit", lambda r=run: self._edit(r), lambda r: self._furusato("f-edit", r)),
                (
                    "f-keep",
                    lambda r=run: self._edit(r, again=True),
                    lambda r: self._furusato("f-keep", r, "--settings", "keep.py"),
                ),
                (
                    "f-pref",
                    lambda: _rm(
                        f / "output-prefecture",
                        f / ".furusato-cache-prefecture",
                        self._user("f-pref") / "templates",
                    ),
                    lambda r: self._furusato(
                        "f-pref",
                        r,
                        "--settings",
                        "prefecture.py",
                        "--output",
                        "output-prefecture",
                        "--prefecture",
                        self.prefecture,
                    ),
                ),
                (
                    "v-clean",
                    lambda: _rm(v / "output", v / "cache"),
                    lambda r: self._vanilla("v-clean", r, "clean.py"),
                ),
                (
                    "v-warm",
                    lambda: _rm(v / "output"),
                    lambda r: self._vanilla("v-warm", r, "warm.py"),
                ),
                ("v-edit", lambda: None, lambda r: self._vanilla("v-edit", r, "warm.py")),
            ]
            for key, before, timed in steps:
                before()
                sample = timed(run)
                modes[key].samples.append(sample)
                print(f" {key} {sample.seconds:.2f}s", end="", flush=True)
            self._check_edit(run)
            print(flush=True)
        return list(modes.values())


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


def search_cost(bench: Bench) -> SearchCost:
    """Index the build's article and event pages with Pagefind alone (a whole process, as the
    build runs it), weigh the published bundle, and count the bytes Chromium fetches to load
    the search page and answer a first query."""
    import tempfile

    output = bench.furusato / "output"
    pages = sorted(output.glob("*/articles/*/index.html")) + sorted(
        output.glob("*/events/*/index.html")
    )
    with tempfile.TemporaryDirectory(dir=bench.work) as tmp:
        for page in pages:
            target = Path(tmp) / "site" / page.relative_to(output)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(page, target)
        cmd = [str(pagefind_binary()), "--site", "site", "--output-path", "bundle", "--silent"]
        sample = measure(cmd, Path(tmp), dict(os.environ), bench.logs / "pagefind.log")
    bundle = [p for p in (output / "pagefind").rglob("*") if p.is_file()]
    query = bench.prefecture.capitalize()
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
        f"Search (Pagefind {_pagefind_version()}, run alone on the national build's "
        f"{cost.pages} article and event pages): index {cost.seconds:.2f} s wall "
        f"({cost.cpu_seconds:.2f} s CPU, all threads), peak "
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


def _rm(*paths: Path) -> None:
    for path in paths:
        shutil.rmtree(path, ignore_errors=True)


def table(n: int, modes: list[Mode]) -> str:
    """Return the results as a Markdown table."""
    by_key = {m.key: m for m in modes}
    rows = [
        "| N | mode | median s | ms per document | peak MiB | time vs vanilla "
        "| memory vs vanilla |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for m in modes:
        base = by_key.get(m.baseline or "")
        ratio = f"{m.seconds / base.seconds:.2f}×" if base else "—"
        memory = f"{m.peak_mib / base.peak_mib:.2f}×" if base else "—"
        rows.append(
            f"| {n} | {m.label} | {m.seconds:.2f} | {1000 * m.seconds / m.documents:.2f} "
            f"| {m.peak_mib:.0f} | {ratio} | {memory} |"
        )
    return "\n".join(rows)


def targets(modes: list[Mode]) -> str:
    """Return the issue's targets, each with the measured figure and whether it is met."""
    m = {x.key: x for x in modes}
    peak_f = max(m[k].peak_mib for k in ("f-clean", "f-warm", "f-edit"))
    peak_v = max(m[k].peak_mib for k in ("v-clean", "v-warm", "v-edit"))
    checks = [
        (
            "clean full build ≤ 0.75× vanilla clean",
            m["f-clean"].seconds / m["v-clean"].seconds,
            0.75,
            "×",
        ),
        (
            "one-article rebuild ≤ 0.1× vanilla one-article rebuild",
            m["f-edit"].seconds / m["v-edit"].seconds,
            0.1,
            "×",
        ),
        (
            "the same with the search index kept (devserver mode) ≤ 0.1×",
            m["f-keep"].seconds / m["v-edit"].seconds,
            0.1,
            "×",
        ),
        ("single-prefecture build ≤ 2 s", m["f-pref"].seconds, 2.0, " s"),
        ("peak memory ≤ 1.5× vanilla's", peak_f / peak_v, 1.5, "×"),
    ]
    lines = []
    for text, value, limit, unit in checks:
        verdict = "met" if value <= limit else f"MISSED by {value / limit - 1:.0%}"
        lines.append(f"- {text}: {value:.2f}{unit} ({verdict})")
    return "\n".join(lines)


def devserver_probe(runs: int) -> None:
    """Time in-process rebuilds after editing one article, as `make devserver` does them.

    Runs in its own process (see `devserver_rebuilds`); builds the shipped demo content when
    the repository has it, else the two_prefectures test fixture, and prints the seconds.
    """
    import tempfile

    from furusato.commands.build import build, load_settings

    source = REPO if (REPO / "content").is_dir() else REPO / "tests" / "sites" / "two_prefectures"
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "site"
        for name in ("content", "prefectures"):
            shutil.copytree(source / name, root / name)
        article = sorted((root / "content").glob("*/articles/*.md"))[0]
        # Like the devserver: one process, so parsed documents stay in memory between builds.

        def rebuild() -> float:
            started = time.perf_counter()
            settings = load_settings(
                REPO / "pelicanconf.py",
                OUTPUT_PATH=str(Path(tmp) / "output"),
                PATH=str(root / "content"),
                THEME=str(REPO / "theme"),
                PLUGIN_PATHS=[str(REPO / "plugins")],
                FURUSATO_CACHE_PATH=str(Path(tmp) / "cache"),
                FURUSATO_TODAY=TODAY,
            )
            build(settings, keep_documents=True)
            return time.perf_counter() - started

        rebuild()
        times = []
        for run in range(runs):
            with article.open("a", encoding="utf-8") as fh:
                fh.write(f"\n\nEdited for devserver probe {run}.\n")
            times.append(rebuild())
    print(source.name if source != REPO else "demo content", *times)


def devserver_rebuilds(runs: int, logs: Path) -> tuple[str, float]:
    """Return what the devserver probe built and its median in-process rebuild time."""
    env = {**os.environ, "PYTHONPATH": str(REPO / "plugins")}
    log = logs / "devserver.log"
    cmd = [sys.executable, __file__, "--devserver-probe", "--runs", str(max(runs, 5))]
    with log.open("wb") as out:
        subprocess.run(cmd, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, check=True)
    words = log.read_text().strip().splitlines()[-1].split(" ")
    count = max(runs, 5)
    times = [float(x) for x in words[-count:]]
    return " ".join(words[:-count]), statistics.median(times)


def section(
    n: int,
    runs: int,
    bench: Bench,
    modes: list[Mode],
    devserver: tuple[str, float],
    load: str,
    search: SearchCost,
) -> str:
    import pelican

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    docs = bench.corpus
    events = sum(1 for d in docs.docs if d.kind == "events")
    return (
        f"<!-- bench N={n} -->\n"
        f"## N = {n}\n\n"
        f"{n - events} articles and {events} events in 47 prefectures; median of {runs} runs; "
        f"{os.cpu_count()} × {cpu}, Python {platform.python_version()}, "
        f"Pelican {pelican.__version__}; Furusato plugins: "
        f"{', '.join(_plugins())}; load average {load}.\n\n"
        f"{table(n, modes)}\n\n"
        f"`make devserver`-style rebuild after editing one article (in-process, document cache "
        f"in memory, {devserver[0]}): median {devserver[1]:.2f} s.\n\n"
        f"{search_lines(search)}\n\n"
        f"{_targets_heading(n)}\n\n{targets(modes)}\n"
        f"<!-- /bench N={n} -->\n"
    )


def _targets_heading(n: int) -> str:
    if n == 10000:
        return "Targets (the issue's, at N = 10,000):"
    return (
        "Targets (set for N = 10,000; at this size start-up time dominates, so they are "
        "only indicative):"
    )


def _plugins() -> list[str]:
    sys.path.insert(0, str(REPO / "plugins"))
    from furusato.commands.build import load_settings

    return list(load_settings(REPO / "pelicanconf.py")["PLUGINS"])


HEADER = """# Benchmarks

`make bench` (or `make bench N=10000`) generates a deterministic synthetic corpus
(tests/benchmark/corpus.py) and builds it with Furusato and with vanilla Pelican
(same version, default theme `notmyidea`, the same Markdown bodies, one RSS feed per category),
interleaving the runs of every mode so both sides see the same machine. Times are whole
processes, start to exit. Peak memory is the largest of the main process's peak resident
set and the sampled (every 50 ms) proportional set size of its whole process tree, so
worker processes count, and the memory they share with their parent counts once.

Modes: *clean* deletes the output and every cache first; *warm caches* deletes the output
but keeps the content cache; *one-article rebuild* appends a paragraph to one article of an
average-sized prefecture and rebuilds into the existing output; *single prefecture* builds
that prefecture's microsite alone (`PREFECTURE=…`) from nothing.
"""


def write_report(path: Path, n: int, text: str) -> None:
    """Replace the section for `n` in `path` (keeping everything else), or append it."""
    old = path.read_text("utf-8") if path.exists() else HEADER
    start, end = f"<!-- bench N={n} -->", f"<!-- /bench N={n} -->\n"
    if start in old and end in old:
        before, rest = old.split(start, 1)
        after = rest.split(end, 1)[1]
        new = before + text + after
    else:
        new = old.rstrip("\n") + "\n\n" + text
    path.write_text(new, "utf-8")


def search_only(args: argparse.Namespace) -> int:
    """Build the corpus once from nothing (search included) and report what search costs."""
    bench = Bench(args.n, args.work.resolve())
    load_before = os.getloadavg()[0]
    bench.prepare()
    _rm(bench.furusato / "output", bench.furusato / ".furusato-cache")
    build = bench._furusato("f-clean", 1)
    cost = search_cost(bench)
    load = f"{load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end"
    text = (
        f"<!-- bench search N={args.n} -->\n"
        f"### Search at N = {args.n}\n\n"
        f"One clean Furusato build with search (a single run, `--search-only`): "
        f"{build.seconds:.1f} s, peak {build.peak_mib:.0f} MiB; load average {load}.\n\n"
        f"{search_lines(cost)}\n"
        f"<!-- /bench search N={args.n} -->\n"
    )
    print(text)
    old = args.report.read_text("utf-8") if args.report.exists() else HEADER
    start, end = f"<!-- bench search N={args.n} -->", f"<!-- /bench search N={args.n} -->\n"
    if start in old and end in old:
        before, rest = old.split(start, 1)
        new = before + text + rest.split(end, 1)[1]
    else:
        new = old.rstrip("\n") + "\n\n" + text
    args.report.write_text(new, "utf-8")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=500, help="documents in the corpus")
    parser.add_argument("--runs", type=int, default=3, help="runs of each mode (median)")
    parser.add_argument(
        "--work",
        type=Path,
        default=REPO / "bench-work",
        help="scratch folder for the corpus and outputs",
    )
    parser.add_argument("--report", type=Path, default=REPO / "docs" / "benchmarks.md")
    parser.add_argument("--devserver-probe", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--search-only",
        action="store_true",
        help="one clean Furusato build, then only the search figures (a shorter run at large N)",
    )
    args = parser.parse_args(argv)
    if args.devserver_probe:
        devserver_probe(args.runs)
        return 0
    if args.search_only:
        return search_only(args)
    bench = Bench(args.n, args.work.resolve())
    load_before = os.getloadavg()[0]
    bench.prepare()
    modes = bench.run(args.runs)
    devserver = devserver_rebuilds(args.runs, bench.logs)
    search = search_cost(bench)
    load = f"{load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end"
    text = section(args.n, args.runs, bench, modes, devserver, load, search)
    print()
    print(table(args.n, modes))
    print()
    print(targets(modes))
    print(f"devserver-style rebuild ({devserver[0]}): {devserver[1]:.2f} s")
    print(search_lines(search))
    write_report(args.report, args.n, text)
    print(f"\nWrote {args.report}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
