"""Benchmark Furusato against vanilla Pelican and Hugo on one synthetic corpus, in the same run.

Usage: `make bench` (N=500) or `make bench N=10000 RUNS=3`; `make bench CURVE=1` for the
scaling curve. Every build is a whole process (`python -m furusato build`, `python -m pelican`,
`hugo`), timed from start to exit, with the peak memory and the CPU time of its whole process
tree. After one warm-up run of every mode (not recorded), compared modes run interleaved
(A B A B ...), and a ratio is the median of the per-run ratios, so a noisy machine slows both
sides of a pair alike. Results are printed and written to docs/benchmarks.md (one section per
N, plus the curve's; the notes around the sections are kept).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parents[2] / "plugins"))  # corpus reads furusato

import corpus as corpus_mod
import curve as curve_mod
import hugo as hugo_mod
from measure import Sample, measure
from paired import load_range, paired_ratio, verdict
from probe import Probe, devserver_rebuilds
from searchcost import SearchCost, pagefind_binary, search_cost, search_lines

REPO = Path(__file__).resolve().parents[2]
TODAY = corpus_mod.TODAY.isoformat()  # fixed, so the output never depends on the day
CURVE_SIZES = (500, 2000, 10000, 50000)
ONE_RUN_FROM = 50000  # curve sizes from here on are measured once, without a warm-up run


@dataclass
class Mode:
    """A benchmark mode and its samples (one per recorded run, in run order)."""

    key: str
    label: str
    documents: int
    baseline: str | None = None  # key of the vanilla Pelican mode it is paired with
    hugo: str | None = None  # key of the Hugo mode it is paired with
    samples: list[Sample] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return statistics.median(s.seconds for s in self.samples)

    @property
    def cpu_seconds(self) -> float:
        return statistics.median(s.cpu_seconds for s in self.samples)

    @property
    def peak_mib(self) -> float:
        return statistics.median(s.peak_mib for s in self.samples)


def time_ratio(mode: Mode, other: Mode) -> float:
    """Return the paired time ratio of `mode` to `other` (median of per-run ratios)."""
    return paired_ratio([s.seconds for s in mode.samples], [s.seconds for s in other.samples])


def memory_ratio(mode: Mode, other: Mode) -> float:
    """Return the paired peak-memory ratio of `mode` to `other` (median of per-run ratios)."""
    return paired_ratio([s.peak_mib for s in mode.samples], [s.peak_mib for s in other.samples])


@dataclass
class Step:
    """One timed build of a run: what to do first (untimed), the build, and a check after."""

    key: str
    before: Callable[[int], None]
    timed: Callable[[int], Sample]
    check: Callable[[int], None] = lambda run: None


class Bench:
    """The corpus, the three projects built from it, and the timed modes."""

    def __init__(self, n: int, work: Path, hugo: str | None = None):
        self.n = n
        self.work = work
        self.furusato = work / "furusato"
        self.vanilla = work / "vanilla"
        self.hugo_root = work / "hugo"
        self.logs = work / "logs"
        self.python = sys.executable
        self.hugo = hugo
        self.loads: list[float] = []  # 1-minute load average before and after each group

    def prepare(self) -> None:
        started = time.perf_counter()
        self.corpus = corpus_mod.generate(REPO, self.furusato, self.n)
        corpus_mod.write_vanilla(self.corpus, self.furusato, self.vanilla)
        if self.hugo:
            hugo_mod.write_hugo(self.corpus, self.furusato, self.hugo_root)
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
        # Compiled once, as an installed Pelican is: otherwise, with PYTHONDONTWRITEBYTECODE
        # set (as on some machines and in containers), every Furusato process would compile
        # its plugins again while vanilla Pelican's are compiled already.
        subprocess.run(
            [self.python, "-m", "compileall", "-q", str(self.furusato / "plugins")], check=True
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
        h_clean, h_edit = ("h-clean", "h-edit") if self.hugo else (None, None)
        modes = [
            Mode("f-clean", "Furusato: clean full build", self.n, "v-clean", h_clean),
            Mode("f-warm", "Furusato: full build, warm caches", self.n, "v-warm"),
            Mode(
                "f-edit",
                "Furusato: rebuild after editing one article",
                self.n,
                "v-edit",
                h_edit,
            ),
            Mode(
                "f-keep",
                "Furusato: the same, search index kept (devserver mode)",
                self.n,
                "v-edit",
                h_edit,
            ),
            Mode("f-pref", f"Furusato: single prefecture ({self.prefecture}, {k} docs), clean", k),
            Mode("v-clean", "vanilla Pelican: clean build", self.n),
            Mode("v-warm", "vanilla Pelican: build, warm content cache", self.n),
            Mode("v-edit", "vanilla Pelican: rebuild after editing one article", self.n),
        ]
        if self.hugo:
            modes += [
                Mode("h-clean", "Hugo: clean build", self.n),
                Mode("h-edit", "Hugo: rebuild after editing one article (a full build)", self.n),
            ]
        return modes

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

    def _hugo(self, key: str, run: int) -> Sample:
        env = {**os.environ, "HUGO_CACHEDIR": str(self.work / "hugo-cache")}
        cmd = hugo_mod.command(str(self.hugo))
        return measure(cmd, self.hugo_root, env, self.logs / f"{key}-{run}.log")

    def _edit(self, run: int, again: bool = False) -> None:
        """Append a paragraph to the edited article in every project (the same words)."""
        paths = [
            corpus_mod.furusato_path(self.edited, self.furusato),
            corpus_mod.vanilla_path(self.corpus, self.edited, self.vanilla),
        ]
        if self.hugo:
            paths.append(hugo_mod.hugo_path(self.edited, self.hugo_root))
        for path in paths:
            with path.open("a", encoding="utf-8") as fh:
                fh.write(_marker(run, again))

    def _check(self, page: Path, run: int, again: bool = False) -> None:
        """Fail loudly if a rebuild left the edited article's page stale."""
        if _marker(run, again).strip() not in page.read_text("utf-8"):
            sys.exit(f"stale page after the one-article rebuild: {page}")

    def furusato_page(self, output: str = "output") -> Path:
        """Return the edited article's page in a Furusato output folder."""
        e = self.edited
        return self.furusato / output / e.prefecture / "articles" / e.slug / "index.html"

    def steps(self) -> list[list[Step]]:
        """Return one run's timed builds in groups: paired modes run one after the other."""
        f, v, h = self.furusato, self.vanilla, self.hugo_root
        vanilla_page = self.vanilla / "output" / f"{self.edited.slug}.html"
        prefecture = (
            "--settings",
            "prefecture.py",
            "--output",
            "output-prefecture",
            "--prefecture",
            self.prefecture,
        )
        clean = [
            Step(
                "f-clean",
                lambda r: _rm(
                    f / "output", f / ".furusato-cache", self._user("f-clean") / "templates"
                ),
                lambda r: self._furusato("f-clean", r),
            ),
            Step(
                "v-clean",
                lambda r: _rm(v / "output", v / "cache"),
                lambda r: self._vanilla("v-clean", r, "clean.py"),
            ),
        ]
        warm = [
            Step("f-warm", lambda r: _rm(f / "output"), lambda r: self._furusato("f-warm", r)),
            Step(
                "v-warm",
                lambda r: _rm(v / "output"),
                lambda r: self._vanilla("v-warm", r, "warm.py"),
            ),
        ]
        edit = [
            Step(
                "f-edit",
                self._edit,
                lambda r: self._furusato("f-edit", r),
                lambda r: self._check(self.furusato_page(), r),
            ),
            Step(
                "v-edit",
                lambda r: None,
                lambda r: self._vanilla("v-edit", r, "warm.py"),
                lambda r: self._check(vanilla_page, r),
            ),
        ]
        if self.hugo:
            hugo_page = hugo_mod.hugo_page(self.edited, h)
            clean.append(
                Step(
                    "h-clean",
                    lambda r: _rm(h / "public", h / "resources", self.work / "hugo-cache"),
                    lambda r: self._hugo("h-clean", r),
                )
            )
            edit.append(
                Step(
                    "h-edit",
                    lambda r: None,
                    lambda r: self._hugo("h-edit", r),
                    lambda r: self._check(hugo_page, r),
                )
            )
        edit.append(
            Step(
                "f-keep",
                lambda r: self._edit(r, again=True),
                lambda r: self._furusato("f-keep", r, "--settings", "keep.py"),
                lambda r: self._check(self.furusato_page(), r, again=True),
            )
        )
        single = [
            Step(
                "f-pref",
                lambda r: _rm(
                    f / "output-prefecture",
                    f / ".furusato-cache-prefecture",
                    self._user("f-pref") / "templates",
                ),
                lambda r: self._furusato("f-pref", r, *prefecture),
            )
        ]
        return [clean, warm, edit, single]

    def run(self, runs: int, keys: set[str] | None = None, warmup: bool = True) -> list[Mode]:
        """Run every mode (or only `keys`) `runs` times, after one unrecorded warm-up run."""
        modes = {m.key: m for m in self.modes() if keys is None or m.key in keys}
        groups = [[s for s in group if s.key in modes] for group in self.steps()]
        first = 0 if warmup else 1
        for run in range(first, runs + 1):
            print(f"Run {run}/{runs}:" if run else "Warm-up:", end="", flush=True)
            for group in groups:
                if not group:
                    continue
                if run:
                    self.loads.append(os.getloadavg()[0])
                for step in group:
                    step.before(run)
                    sample = step.timed(run)
                    step.check(run)
                    if run:
                        modes[step.key].samples.append(sample)
                    print(f" {step.key} {sample.seconds:.2f}s", end="", flush=True)
                if run:
                    self.loads.append(os.getloadavg()[0])
            print(flush=True)
        return list(modes.values())


def _marker(run: int, again: bool = False) -> str:
    return f"\n\nEdited for benchmark run {run}{' again' if again else ''}.\n"


def _rm(*paths: Path) -> None:
    for path in paths:
        shutil.rmtree(path, ignore_errors=True)


def table(n: int, modes: list[Mode]) -> str:
    """Return the results as a Markdown table; ratios are medians of per-run paired ratios."""
    by_key = {m.key: m for m in modes}
    with_hugo = any(m.hugo in by_key for m in modes)
    head = (
        "| N | mode | median s | CPU s | ms per document | peak MiB | time vs vanilla "
        "| memory vs vanilla |"
    )
    rule = "|---:|---|---:|---:|---:|---:|---:|---:|"
    if with_hugo:
        head += " time vs Hugo | memory vs Hugo |"
        rule += "---:|---:|"
    rows = [head, rule]
    for m in modes:
        cells = [
            str(n),
            m.label,
            f"{m.seconds:.2f}",
            f"{m.cpu_seconds:.2f}",
            f"{1000 * m.seconds / m.documents:.2f}",
            f"{m.peak_mib:.0f}",
        ]
        others = [by_key.get(m.baseline or "")]
        if with_hugo:
            others.append(by_key.get(m.hugo or ""))
        for other in others:
            if other is None:
                cells += ["—", "—"]
            else:
                cells += [f"{time_ratio(m, other):.2f}×", f"{memory_ratio(m, other):.2f}×"]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def targets(modes: list[Mode], corpus_probe: Probe | None, curve: dict) -> str:
    """Return the issue's targets, each with the measured figure and whether it is met."""
    m = {x.key: x for x in modes}
    memory = max(
        memory_ratio(m[f], m[v])
        for f, v in (("f-clean", "v-clean"), ("f-warm", "v-warm"), ("f-edit", "v-edit"))
    )
    lines = []

    def line(text: str, value: float | None, limit: float, unit: str, why: str = "") -> None:
        if value is None:
            lines.append(f"- {text}: not measured ({why})")
        else:
            figure = f"{value:.0f}" if unit == " ms" else f"{value:.2f}"
            lines.append(f"- {text}: {figure}{unit} ({verdict(value, limit)})")

    line(
        "clean full build ≤ 0.40× vanilla Pelican's (paired)",
        time_ratio(m["f-clean"], m["v-clean"]),
        0.40,
        "×",
    )
    line(
        "clean full build ≤ 1.2× Hugo's (paired)",
        time_ratio(m["f-clean"], m["h-clean"]) if "h-clean" in m else None,
        1.2,
        "×",
        "Hugo not found",
    )
    line(
        "one-article rebuild ≤ 0.03× vanilla Pelican's (paired)",
        time_ratio(m["f-edit"], m["v-edit"]),
        0.03,
        "×",
    )
    line(
        "devserver edit → page rewritten ≤ 150 ms (in-process, this corpus)",
        1000 * corpus_probe.median if corpus_probe else None,
        150,
        " ms",
        "the probe did not run",
    )
    line("single prefecture ≤ 1.0 s", m["f-pref"].seconds, 1.0, " s")
    line(
        "peak memory ≤ 1.5× vanilla Pelican's (paired; the largest of clean, warm, one-article)",
        memory,
        1.5,
        "×",
    )
    flat = curve_mod.flatness(curve)
    line(
        "time per document roughly flat, 2,000 → largest N (clean build, ≤ 1.25×)"
        + (f": ms per document at N = {flat[1]:,} ÷ at N = 2,000" if flat else ""),
        flat[2] if flat else None,
        1.25,
        "×",
        "run `make bench CURVE=1` for the curve",
    )
    return "\n".join(lines)


def heading(n: int, runs: int, bench: Bench, modes: list[Mode]) -> str:
    """Return the section's opening paragraph: corpus, method, machine, versions and load."""
    import pelican

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    events = sum(1 for d in bench.corpus.docs if d.kind == "events")
    hugo = (
        f"Hugo {hugo_mod.version(bench.hugo)} (Debian's package; Hugo keeps no cache between "
        "builds, so its rebuild after an edit is a full build)"
        if bench.hugo
        else "Hugo not measured (not installed)"
    )
    return (
        f"{n - events} articles and {events} events in 47 prefectures; median of {runs} runs "
        "after one warm-up run of every mode; ratios are medians of per-run ratios of paired "
        f"runs; {os.cpu_count()} × {cpu}, Python {platform.python_version()}, "
        f"Pelican {pelican.__version__}, {hugo}; Furusato plugins: "
        f"{', '.join(_plugins())}; 1-minute load average {load_range(bench.loads)} "
        "(read before and after each group of paired runs)."
    )


def section(
    n: int,
    runs: int,
    bench: Bench,
    modes: list[Mode],
    probes: tuple[Probe, Probe],
    search: SearchCost,
    curve: dict,
) -> str:
    demo, corpus_probe = probes
    return (
        f"<!-- bench N={n} -->\n"
        f"## N = {n}\n\n"
        f"{heading(n, runs, bench, modes)}\n\n"
        f"{table(n, modes)}\n\n"
        f"`make devserver`-style rebuild after editing one article (in-process, documents kept "
        f"in memory, search index kept). From the edit until the quick step has rewritten the "
        f"edited page: on this corpus median {1000 * corpus_probe.median:.0f} ms of "
        f"{len(corpus_probe.seconds)} (target ≤ 150 ms); on the {demo.what} median "
        f"{1000 * demo.median:.0f} ms. From the edit until the whole rebuild after it has "
        f"returned: {1000 * corpus_probe.whole_median:.0f} ms on this corpus, "
        f"{1000 * demo.whole_median:.0f} ms on the {demo.what}.\n\n"
        f"{search_lines(search)}\n\n"
        f"{_targets_heading(n)}\n\n{targets(modes, corpus_probe, curve)}\n"
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
(tests/benchmark/corpus.py) and builds it with Furusato, with vanilla Pelican (same version,
default theme `notmyidea`, the same Markdown bodies, one RSS feed per category) and with Hugo
(Debian's package, the same bodies with YAML front matter, minimal templates, an RSS feed per
section; tests/benchmark/hugo.py). Every mode runs once as a warm-up that is not recorded;
then compared modes run one after the other in each run (A B A B ...), and a ratio is the
median of the per-run ratios, so both sides of a pair see the same machine. The 1-minute load
average is read before and after each group of paired runs, and its range printed. Times are
whole processes, start to exit; CPU is user + system time of the process tree. Peak memory is
the largest of the main process's peak resident set and the sampled (every 50 ms)
proportional set size of its whole process tree, so worker processes count, and the memory
they share with their parent counts once.

Modes: *clean* deletes the output and every cache first; *warm caches* deletes the output
but keeps the content cache; *one-article rebuild* appends a paragraph to one article of an
average-sized prefecture and rebuilds into the existing output; *single prefecture* builds
that prefecture's microsite alone (`PREFECTURE=…`) from nothing. The *devserver* figure is
measured in one process, as `make devserver` rebuilds: the corpus is built once, then each
edit of one article is timed until the build returns with the edited page in the output.

`make bench CURVE=1` measures the clean, warm, one-article and single-prefecture modes at
N = 500, 2,000, 10,000 (CURVE_RUNS runs each, 3 by default) and 50,000 (one run, no warm-up),
merges each size into docs/benchmarks/curve.json as it ends (`CURVE_NS=50000` runs one size
alone) and draws docs/benchmarks/scaling.svg from it; `tests/benchmark/run.py --redraw` draws
the chart and the curve's section again without running anything. `make bench N=…` adds its
own size to the curve too.
"""


def write_report(path: Path, n: int, text: str) -> None:
    """Replace the section for `n` in `path` (keeping everything else), or append it."""
    curve_mod.replace_section(path, f"<!-- bench N={n} -->", text, HEADER)


def search_only(args: argparse.Namespace) -> int:
    """Build the corpus once from nothing (search included) and report what search costs."""
    bench = Bench(args.n, args.work.resolve())
    load_before = os.getloadavg()[0]
    bench.prepare()
    _rm(bench.furusato / "output", bench.furusato / ".furusato-cache")
    build = bench._furusato("f-clean", 1)
    cost = search_cost(
        bench.furusato / "output", bench.work, bench.logs, bench.prefecture.capitalize()
    )
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
    curve_mod.replace_section(args.report, f"<!-- bench search N={args.n} -->", text, HEADER)
    return 0


def find_hugo() -> str | None:
    """Return Debian's hugo if installed; else say in one line that its column is skipped."""
    binary = hugo_mod.find()
    if binary is None:
        print(hugo_mod.NOT_FOUND, flush=True)
    return binary


def run_curve(args: argparse.Namespace) -> int:
    """Measure the curve's modes at each size, merging each size into curve.json as it ends."""
    binary = find_hugo()
    path = args.curve_dir / "curve.json"
    for n in args.curve_ns:
        once = n >= args.one_run_from
        runs = 1 if once else args.curve_runs
        keys = set(
            curve_mod.CLEAN_MODES if once and args.large_clean_only else curve_mod.CURVE_MODES
        )
        print(
            f"Curve N = {n}: {runs} run(s)"
            + (", no warm-up" if once else " after a warm-up run")
            + (
                ", clean builds only (--large-clean-only)"
                if keys != set(curve_mod.CURVE_MODES)
                else ""
            ),
            flush=True,
        )
        bench = Bench(n, args.work.resolve() / "curve", binary)
        bench.prepare()
        modes = bench.run(runs, keys, warmup=not once)
        record = curve_mod.point(n, runs, not once, load_range(bench.loads), modes)
        data = curve_mod.merge(curve_mod.load(path), n, record, binary and hugo_mod.version(binary))
        curve_mod.write(data, args.curve_dir, args.report, HEADER)
        print(f"Wrote {path} and {args.curve_dir / 'scaling.svg'}", flush=True)
    return 0


def _sizes(text: str) -> list[int]:
    return sorted(int(x.replace("_", "")) for x in text.split(",") if x.strip())


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
    parser.add_argument(
        "--search-only",
        action="store_true",
        help="one clean Furusato build, then only the search figures (a shorter run at large N)",
    )
    parser.add_argument(
        "--curve",
        action="store_true",
        help="measure the scaling curve (--curve-ns) instead of the N table",
    )
    parser.add_argument(
        "--curve-ns",
        type=_sizes,
        default=list(CURVE_SIZES),
        help="corpus sizes of the curve, comma-separated (default 500,2000,10000,50000)",
    )
    parser.add_argument("--curve-runs", type=int, default=3, help="runs at each curve size")
    parser.add_argument(
        "--one-run-from",
        type=int,
        default=ONE_RUN_FROM,
        help=f"curve sizes from this one on run once, without a warm-up (default {ONE_RUN_FROM})",
    )
    parser.add_argument(
        "--large-clean-only",
        action="store_true",
        help="at the curve sizes measured once, run the clean builds only",
    )
    parser.add_argument(
        "--curve-dir",
        type=Path,
        default=REPO / "docs" / "benchmarks",
        help="folder of curve.json and scaling.svg",
    )
    parser.add_argument(
        "--redraw",
        action="store_true",
        help="draw scaling.svg and the curve's section again from curve.json, running nothing",
    )
    args = parser.parse_args(argv)
    if args.search_only:
        return search_only(args)
    curve_path = args.curve_dir / "curve.json"
    if args.redraw:
        if not curve_path.exists():
            sys.exit(f"nothing to redraw: {curve_path} does not exist (run with --curve first)")
        curve_mod.write(curve_mod.load(curve_path), args.curve_dir, args.report, HEADER)
        print(f"Redrew {args.curve_dir / 'scaling.svg'} and the curve's section of {args.report}")
        return 0
    if args.curve:
        return run_curve(args)
    binary = find_hugo()
    bench = Bench(args.n, args.work.resolve(), binary)
    bench.prepare()
    modes = bench.run(args.runs)
    probes = (
        devserver_rebuilds(args.runs, bench.logs),
        devserver_rebuilds(
            args.runs,
            bench.logs,
            bench.furusato,
            corpus_mod.furusato_path(bench.edited, bench.furusato),
        ),
    )
    search = search_cost(
        bench.furusato / "output", bench.work, bench.logs, bench.prefecture.capitalize()
    )
    # This size is a point of the curve too: its figures join curve.json.
    record = curve_mod.point(args.n, args.runs, True, load_range(bench.loads), modes)
    curve = curve_mod.merge(
        curve_mod.load(curve_path), args.n, record, binary and hugo_mod.version(binary)
    )
    curve_mod.write(curve, args.curve_dir, args.report, HEADER)
    text = section(args.n, args.runs, bench, modes, probes, search, curve)
    print()
    print(heading(args.n, args.runs, bench, modes))
    print()
    print(table(args.n, modes))
    print()
    print(targets(modes, probes[1], curve))
    for probe in probes:
        print(
            f"devserver-style rebuild ({probe.what}): edited page rewritten, median "
            f"{1000 * probe.median:.0f} ms; whole rebuild {1000 * probe.whole_median:.0f} ms"
        )
    print(search_lines(search))
    write_report(args.report, args.n, text)
    print(f"\nWrote {args.report} and {curve_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
