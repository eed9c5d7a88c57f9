"""Time `make devserver`-style rebuilds: one process, an article edited, the build run again.

As the devserver does after a save of Markdown documents, each rebuild is two runs: the
quick step (a focused run rewriting the edited article's own page), then the full rebuild.
`python probe.py --runs 5 [--site S --article A]` prints what it built, the seconds from
each edit until the edited page was rewritten, then the seconds from each edit until the
full rebuild returned; run.py reads them (see `devserver_rebuilds`).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import TODAY
from searchcost import pagefind_binary

REPO = Path(__file__).resolve().parents[2]


@dataclass
class Probe:
    """In-process rebuilds after editing one article, as `make devserver` runs them."""

    what: str
    seconds: list[float]  # from the edit until the edited page was rewritten
    whole: list[float] = field(default_factory=list)  # from the edit until the full rebuild

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def whole_median(self) -> float:
        return statistics.median(self.whole)


def devserver_probe(runs: int, site: Path | None, article: Path | None) -> None:
    """Time in-process rebuilds after editing one article, as `make devserver` does them.

    Runs in its own process (see `devserver_rebuilds`). Builds `site` (the benchmark corpus,
    editing `article`), or else the shipped demo content when the repository has it, else the
    two_prefectures test fixture; the first build is not timed. Each timed rebuild runs from
    the edit until the quick step returns with the edited article's page, showing the edit,
    in the output folder (the first figure), and on until the full rebuild returns (the
    second). Prints what was built, then the first figures, then the second.
    """
    import tempfile

    from furusato.commands.build import build, load_settings

    with tempfile.TemporaryDirectory() as tmp:
        if site is None:
            source = REPO if (REPO / "content").is_dir() else REPO / "tests/sites/two_prefectures"
            what = "demo content" if source == REPO else source.name
            root = Path(tmp) / "site"
            for name in ("content", "prefectures"):
                shutil.copytree(source / name, root / name)
            article = sorted((root / "content").glob("*/articles/*.md"))[0]
            conf, theme, plugins = REPO / "pelicanconf.py", REPO / "theme", REPO / "plugins"
        else:
            root, what = site, "this corpus"
            conf, theme, plugins = site / "pelicanconf.py", site / "theme", site / "plugins"
        assert article is not None
        output = Path(tmp) / "output"
        page = output / article.parent.parent.name / "articles"
        # Like the devserver: one process, so parsed documents stay in memory between builds,
        # and the search index is kept once it exists.

        source = article.relative_to(root).as_posix()

        def rebuild(focus: list[str] | None = None) -> None:
            settings = load_settings(
                conf,
                OUTPUT_PATH=str(output),
                PATH=str(root / "content"),
                THEME=str(theme),
                PLUGIN_PATHS=[str(plugins)],
                FURUSATO_CACHE_PATH=str(Path(tmp) / "cache"),
                FURUSATO_TODAY=TODAY.isoformat(),
                FURUSATO_SEARCH_INDEX="keep",
            )
            build(settings, keep_documents=True, focus=focus)

        rebuild()
        pages = list(page.glob("*/index.html"))
        times, wholes = [], []
        for run in range(runs):
            marker = f"Edited for devserver probe {run}."
            started = time.perf_counter()
            with article.open("a", encoding="utf-8") as fh:
                fh.write(f"\n\n{marker}\n")
            rebuild([source])  # the quick step
            times.append(time.perf_counter() - started)
            if not any(marker in p.read_text("utf-8") for p in page.glob("*/index.html")):
                sys.exit(f"devserver probe: no page under {page} shows the edit ({len(pages)})")
            rebuild()
            wholes.append(time.perf_counter() - started)
    print(what, *times, *wholes)


def devserver_rebuilds(
    runs: int, logs: Path, site: Path | None = None, article: Path | None = None
) -> Probe:
    """Return what the devserver probe built and its in-process rebuild times."""
    count = max(runs, 5)
    cmd = [sys.executable, __file__, "--runs", str(count)]
    if site is None or article is None:
        env, cwd, name = {**os.environ, "PYTHONPATH": str(REPO / "plugins")}, REPO, "devserver"
    else:
        env = {
            **os.environ,
            "PYTHONPATH": str(site / "plugins"),
            "FURUSATO_USER_CACHE_DIR": str(site.parent / "user-cache-devserver"),
            "PAGEFIND_BINARY_PATH": str(pagefind_binary()),
        }
        cmd += ["--site", str(site), "--article", str(article)]
        cwd, name = site, "devserver-corpus"
    log = logs / f"{name}.log"
    with log.open("wb") as out:
        subprocess.run(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, check=True)
    words = log.read_text().strip().splitlines()[-1].split(" ")
    figures = [float(x) for x in words[-2 * count :]]
    return Probe(" ".join(words[: -2 * count]), figures[:count], figures[count:])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="timed rebuilds")
    parser.add_argument("--site", type=Path, help="the benchmark corpus (else the demo content)")
    parser.add_argument("--article", type=Path, help="the article of --site to edit")
    args = parser.parse_args(argv)
    devserver_probe(args.runs, args.site, args.article)
    return 0


if __name__ == "__main__":
    sys.exit(main())
