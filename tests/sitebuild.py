"""Helpers for tests: build a site into a folder, copy fixture sites, parse built pages."""

from __future__ import annotations

import shutil
from pathlib import Path

import lxml.html

from furusato.commands.build import build, load_settings
from furusato.settings import with_defaults

REPO = Path(__file__).resolve().parents[1]
SITES = REPO / "tests" / "sites"
TODAY = "2026-11-24"  # every test build decides "upcoming" against this date
# A valid article of tests/sites/two_prefectures (Tottori, by amy-chen): tests that need one
# good file beside a bad one write this.
GOOD_ARTICLE = """---
title: Fine
date: 2026-05-01
author: amy-chen
summary: Fine.
---
Body.
"""


# What a deployment fills in before `make publish` (publishconf.py requires all of them).
OWNERSHIP = {
    "FURUSATO_PUBLISHER": {"en": "Example Alumni Network", "ja": "例示同窓会"},
    "FURUSATO_CONTACT": "mailto:office@example.org",
    "FURUSATO_LICENSE": {
        "name": "CC BY 4.0",
        "url": "https://creativecommons.org/licenses/by/4.0/",
    },
    "FURUSATO_PRIVACY": {
        "en": "This example site sets no cookies.",
        "ja": "この例示サイトはクッキーを使いません。",
    },
    "FURUSATO_REPOSITORY": "https://git.example.org/alumni/furusato",
    "FURUSATO_DIGEST_FROM": "Example Alumni Network <digest@example.org>",
}


def build_site(root: Path, out: Path, **options) -> Path:
    """Build the repository at `root` into `out` with the project's settings and plugins
    (options as build_result's); return `out`."""
    build_result(root, out, **options)
    return out


def build_result(
    root: Path,
    out: Path,
    *,
    today: str = TODAY,
    prefecture: str | None = None,
    siteurl: str | None = None,
    settings_file: str = "pelicanconf.py",
    cache: Path | None = None,
    **overrides,
):
    """Build like build_site() and return the BuildResult (files written, kept, deleted)."""
    overrides.setdefault("THEME", str(REPO / "theme"))  # a test may pass a copy to edit
    if settings_file == "publishconf.py":
        for name, value in OWNERSHIP.items():
            overrides.setdefault(name, value)
    settings = load_settings(
        REPO / settings_file,
        OUTPUT_PATH=str(out),
        PATH=str(root / "content"),
        PLUGIN_PATHS=[str(REPO / "plugins")],
        FURUSATO_CACHE_PATH=str(cache or out.parent / f"{out.name}-cache"),
        FURUSATO_TODAY=today,
        FURUSATO_PREFECTURE=prefecture,
        SITEURL=siteurl,
        **overrides,
    )
    return build(settings)


def writer_settings(tmp: Path) -> dict:
    """Settings for a writer used on its own: the repository's theme and plugins, every
    Furusato setting at its default, the cache in `tmp`, and a content folder in `tmp`."""
    return with_defaults(
        {
            "PATH": str(tmp / "site" / "content"),
            "THEME": str(REPO / "theme"),
            "PLUGIN_PATHS": [str(REPO / "plugins")],
            "FURUSATO_CACHE_PATH": str(tmp / "cache"),
        }
    )


def probed_theme(dest: Path, template: str) -> Path:
    """Copy the theme to `dest` with a call of `probe()` opening `template`'s content block.

    A build given this theme and JINJA_GLOBALS={"probe": f} calls f each time it renders
    that template, in the middle of the build; a page is the same bytes as without it.
    """
    shutil.copytree(REPO / "theme", dest)
    path = dest / "templates" / template
    text = path.read_text(encoding="utf-8")
    assert text.count("{% block content %}") == 1, template
    probe = "{% block content %}{% if probe() %}{% endif %}"
    path.write_text(text.replace("{% block content %}", probe), encoding="utf-8")
    return dest


def snapshot(out: Path) -> dict[str, bytes]:
    """Return every file of a built site, by path relative to the output folder."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def copy_site(name: str, dest: Path, files: dict[str, str | None] | None = None) -> Path:
    """Copy fixture site `name` to `dest`, then write (or, for None, delete) `files`."""
    shutil.copytree(SITES / name, dest)
    for rel, text in (files or {}).items():
        path = dest / rel
        if text is None:
            path.unlink()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    return dest


def page(out: Path, url: str):
    """Parse the page that serves `url` (such as /tottori/) from a built site."""
    path = out / url.lstrip("/")
    if url.endswith("/"):
        path = path / "index.html"
    return lxml.html.fromstring(path.read_bytes())


def texts(tree, xpath: str) -> list[str]:
    """Return the whitespace-normalised text of every element matching `xpath`."""
    return [" ".join(el.text_content().split()) for el in tree.xpath(xpath)]


def own_settings(root: Path, name: str = "custom.py") -> str:
    """Write a settings file into the site copy `root` that uses the repository's settings,
    theme and plugins (for commands run inside the copy); return its name."""
    (root / name).write_text(
        f"import sys\nsys.path.insert(0, {str(REPO)!r})\n"
        "from pelicanconf import *  # noqa: F403\n"
        f"THEME = {str(REPO / 'theme')!r}\nPLUGIN_PATHS = [{str(REPO / 'plugins')!r}]\n",
        encoding="utf-8",
    )
    return name
