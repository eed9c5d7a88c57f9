"""The engine plugin: checks the settings, loads the typed Site, hands the generators a safe
writer, and commits output/ when Pelican has finished.

Every output family (microsites, events, calendars, feeds, impact, sitemap, host_config)
depends on it and on nothing else: their generators derive from `SiteGenerator`, write
through the `SiteWriter` protocol, and listen to the engine's `signals`. Its place in PLUGINS
does not matter, and neither does theirs.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pelican import signals as pelican_signals

from furusato import cachefiles, contribute
from furusato import settings as declared
from furusato.errors import BuildError, Problem
from furusato.schemas import iana_zones
from furusato.urls import DEFAULT_LANG, ENDONYMS, Urls
from furusato.wording import template_globals

from . import signals
from .generators import (
    Build,
    LoadGenerator,
    SiteGenerator,
    build_of,
    finished,
    focus,
    running,
    template_settings,
)
from .share import share_globals
from .writer import (
    SafeWriter,
    SiteWriter,
    Stats,
    abandon,
    check_output_location,
    focused_writer,
)

__all__ = [
    "Build",
    "BuildResult",
    "SiteGenerator",
    "SiteWriter",
    "build_of",
    "focus",
    "require",
    "signals",
]

log = logging.getLogger(__name__)

NAME = "furusato_engine"
# Pelican settings that would make Pelican itself write into output/, around the writer.
_WRITER_BYPASSES = ("STATIC_PATHS", "THEME_STATIC_PATHS", "OUTPUT_SOURCES", "TEMPLATE_PAGES")


@dataclass(frozen=True)
class BuildResult:
    """What one build did: files written, kept and deleted, and how long each stage took."""

    output: Path
    stats: Stats
    files: int  # files the site consists of
    timings: dict[str, float]  # seconds: load, render (make: of which in workers), commit, total
    warnings: tuple[Problem, ...] = ()  # said about the content, which published anyway
    focused: bool = False  # a focused run: only the pages of the documents it was given


def plugin_names(settings: dict[str, Any]) -> list[str]:
    """Return the names of the plugins listed in PLUGINS (modules or dotted names)."""
    names = [getattr(p, "__name__", p) for p in settings.get("PLUGINS") or []]
    return [str(name).rsplit(".", 1)[-1] for name in names]


def require(pelican: Any, family: str) -> None:
    """Refuse to run an output family without the engine (one clear message)."""
    if NAME not in plugin_names(pelican.settings):
        raise BuildError(
            f"PLUGINS lists {family!r} but not {NAME!r}, which loads the content and writes "
            f"the output; add {NAME!r} to PLUGINS in the settings file"
        )


def configure(pelican: Any) -> None:
    """Fill in every Furusato setting's default and check all settings together; raise one
    BuildError listing every mistake."""
    settings = pelican.settings
    source = settings.get("FURUSATO_SETTINGS_FILE") or "the settings file"
    for setting in declared.SETTINGS:
        settings.setdefault(setting.name, setting.default)
    problems = declared.problems(settings, source)
    problems += declared.missing_ownership(settings, source)
    zone = settings.get("TIMEZONE")
    if zone not in iana_zones():
        problems.append(
            f"{source}: TIMEZONE = {zone!r} is not an IANA time zone name (such as "
            "'Asia/Tokyo'); it decides the day articles without a time belong to"
        )
    if not isinstance(settings.get("RELATIVE_URLS"), bool):
        problems.append(f"{source}: RELATIVE_URLS must be True or False")
    if settings.get("DELETE_OUTPUT_DIRECTORY"):
        problems.append(
            f"{source}: DELETE_OUTPUT_DIRECTORY must stay False (do not pass -d to pelican): "
            "it empties the output folder before the build, so a failed build would leave no "
            "site; the engine removes stale files itself, after a successful build"
        )
    bypassing = [key for key in _WRITER_BYPASSES if settings.get(key)]
    if bypassing:
        problems.append(
            f"{source}: {', '.join(bypassing)} must stay empty: Pelican would write those "
            "files into the output folder directly, and the engine would delete them"
        )
    try:
        check_output_location(Path(settings["OUTPUT_PATH"]), settings)
    except BuildError as exc:
        problems.append(str(exc))
    if problems:
        raise BuildError("\n".join(problems))
    declared.pin_time_zones()
    root = Path(settings["PATH"]).parent
    cachefiles.refuse_tracked(root, root / settings["FURUSATO_CACHE_PATH"])
    urls = Urls(settings.get("SITEURL", ""), settings["FURUSATO_PREFECTURE"])
    globals_ = {**template_globals(urls, settings), "ENDONYMS": ENDONYMS, "lang": DEFAULT_LANG}
    globals_.update(share_globals())  # sharing tags, event status names, calendar links
    globals_["write_for"] = contribute.link_maker(settings, root)
    template_settings(settings, globals_)


def get_generators(pelican: Any) -> type[LoadGenerator]:
    return LoadGenerator


def get_writer(pelican: Any) -> type[SafeWriter]:
    build = running(pelican.settings)  # loaded by now: Pelican asks after generate_context
    if build is not None and build.focus is not None:
        return focused_writer(build.focus_paths)
    return SafeWriter


def finish(pelican: Any) -> None:
    """Let the families add what derives from the pages, then commit output/."""
    build = running(pelican.settings)
    finished(pelican.settings)
    if build is None or build.writer is None:
        return  # the run failed before writing; nothing to commit
    queued = time.perf_counter()
    build.writer.flush()  # type: ignore[attr-defined]  # SafeWriter's: make produced files
    rendered = time.perf_counter()
    build.timings["make"] = rendered - queued
    build.timings["render"] = rendered - build.started - build.timings["load"]
    if build.focus is None:  # a focused run makes no file derived from the whole site
        signals.pages_written.send(build)
        signals.output_complete.send(build)
    writer = build.writer
    files = len(writer.paths())
    stats = writer.commit()  # type: ignore[attr-defined]  # SafeWriter's, not the protocol's
    build.timings["commit"] = time.perf_counter() - rendered
    build.timings["total"] = time.perf_counter() - build.started
    result = BuildResult(
        Path(pelican.settings["OUTPUT_PATH"]),
        stats,
        files,
        build.timings,
        build.warnings,
        focused=build.focus is not None,
    )
    signals.build_finished.send(result)


def failed(settings: dict[str, Any]) -> None:
    """Drop the staging folder and lock of a build that failed."""
    finished(settings)
    abandon(settings)


def register() -> None:
    pelican_signals.initialized.connect(configure)
    pelican_signals.get_generators.connect(get_generators)
    pelican_signals.get_writer.connect(get_writer)
    pelican_signals.finalized.connect(finish)
    signals.build_failed.connect(failed)
