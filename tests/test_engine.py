"""The engine: output families in any order, one clear error without the engine, settings
checked together, Pelican's own commands, and a relative-URL build that browses from disk."""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html
import pytest

from furusato.commands.build import load_settings
from furusato.commands.cli import main as furusato
from furusato.errors import BuildError
from furusato.settings import SETTINGS
from tests.sitebuild import REPO, SITES, build_result, build_site

DEFAULT_PLUGINS = load_settings(REPO / "pelicanconf.py")["PLUGINS"]


def _files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def in_order(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("ordered") / "output"
    return _files(build_site(SITES / "two_prefectures", out))


@pytest.mark.parametrize("seed", [1, 2, 3, "reversed"])
def test_any_order_of_plugins_gives_the_same_bytes(
    seed: int | str, in_order: dict[str, bytes], tmp_path: Path
) -> None:
    plugins = list(DEFAULT_PLUGINS)
    if seed == "reversed":
        plugins.reverse()
    else:
        random.Random(seed).shuffle(plugins)
    assert plugins != DEFAULT_PLUGINS
    out = build_site(SITES / "two_prefectures", tmp_path / "output", PLUGINS=plugins)
    shuffled = _files(out)
    assert sorted(shuffled) == sorted(in_order)
    changed = [path for path in in_order if shuffled[path] != in_order[path]]
    assert changed == []
    # The sitemap lists every page, and _headers covers the assets, whatever the order.
    # (All but the editor's page, /admin/, which is for contributors and says noindex.)
    assert shuffled["sitemap.xml"].count(b"<loc>") == sum(
        1 for path in shuffled if path.endswith("index.html") and not path.startswith("admin/")
    )


def test_a_build_without_the_engine_is_one_clear_error(tmp_path: Path) -> None:
    plugins = [p for p in DEFAULT_PLUGINS if p != "furusato_engine"]
    with pytest.raises(BuildError) as failure:
        build_site(SITES / "two_prefectures", tmp_path / "output", PLUGINS=plugins)
    assert str(failure.value) == (
        "PLUGINS lists 'microsites' but not 'furusato_engine', which loads the content and "
        "writes the output; add 'furusato_engine' to PLUGINS in the settings file"
    )
    assert not (tmp_path / "output").exists()


def test_the_engine_alone_builds_an_empty_but_committed_site(tmp_path: Path) -> None:
    out = build_site(SITES / "two_prefectures", tmp_path / "output", PLUGINS=["furusato_engine"])
    names = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert "theme/css/base.css" in names
    assert not any(name.endswith(".html") for name in names)


def test_build_returns_what_it_did(tmp_path: Path) -> None:
    first = build_result(SITES / "two_prefectures", tmp_path / "output")
    assert first.stats.written == first.files > 0
    assert first.stats.deleted == 0
    assert set(first.timings) == {"load", "render", "make", "search", "commit", "total"}
    again = build_result(SITES / "two_prefectures", tmp_path / "output")
    assert again.stats.written == 0
    assert again.stats.rendered == 0
    assert again.files == first.files


# --- settings ------------------------------------------------------------------------------


def _project(tmp_path: Path, settings: str) -> Path:
    """A copy of the two_prefectures fixture with its own settings file beside content/."""
    root = tmp_path / "site"
    shutil.copytree(SITES / "two_prefectures", root)
    (root / "custom.py").write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(REPO)!r})\n"
        "from pelicanconf import *  # noqa: F403\n"
        f"THEME = {str(REPO / 'theme')!r}\n"
        f"PLUGIN_PATHS = [{str(REPO / 'plugins')!r}]\n" + settings,
        encoding="utf-8",
    )
    return root


BAD_SETTINGS = (
    "FURUSATO_ARTICLE_PER_PAGE = 3\n"
    "FURUSATO_ARTICLES_PER_PAGE = 0\n"
    'FURUSATO_FEED_ITEMS = "50"\n'
    'FURUSATO_TODAY = "tomorrow"\n'
    'TIMEZONE = "localtime"\n'
)
BAD_SETTINGS_MESSAGES = [
    "custom.py: FURUSATO_ARTICLES_PER_PAGE = 0 must be a whole number of at least 1 "
    "(articles on each page of /<slug>/articles/)",
    "custom.py: FURUSATO_ARTICLE_PER_PAGE is not a Furusato setting; did you mean "
    "FURUSATO_ARTICLES_PER_PAGE?",
    "custom.py: FURUSATO_FEED_ITEMS = '50' must be a whole number of at least 1 "
    "(items in each feed, newest first)",
    "custom.py: FURUSATO_TODAY = 'tomorrow' must be a date written YYYY-MM-DD (the date "
    "'upcoming' is decided against (None: today in TIMEZONE))",
    "custom.py: TIMEZONE = 'localtime' is not an IANA time zone name (such as 'Asia/Tokyo'); "
    "it decides the day articles without a time belong to",
]


def test_bad_settings_are_reported_together_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _project(tmp_path, BAD_SETTINGS)
    monkeypatch.chdir(root)
    code = furusato(["build", "--settings", "custom.py", "--output", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err
    first, *rest = BAD_SETTINGS_MESSAGES
    assert err.splitlines() == [f"build failed: {first}", *rest]
    assert not (tmp_path / "out").exists()


def test_make_check_reads_the_same_settings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _project(tmp_path, "FURUSATO_ARTICLES_PER_PAGE = 0\n")
    monkeypatch.chdir(root)
    assert furusato(["check", "--settings", "custom.py"]) == 2
    assert capsys.readouterr().err.splitlines() == [BAD_SETTINGS_MESSAGES[0]]


SMTP_VARIABLES = ("HOST", "PORT", "SECURITY", "USER", "PASSWORD")  # `furusato digest send`


def test_every_setting_is_declared_with_a_meaning_and_a_valid_default() -> None:
    from furusato.settings import problems

    assert len({s.name for s in SETTINGS}) == len(SETTINGS)
    for setting in SETTINGS:
        assert setting.name.startswith("FURUSATO_")
        assert setting.meaning.strip()
        assert problems({setting.name: setting.default}) == [], setting.name
    used = set()
    for path in (REPO / "plugins").rglob("*.py"):
        used |= set(re.findall(r"FURUSATO_[A-Z_]+", path.read_text(encoding="utf-8")))
    environment = {"FURUSATO_USER_CACHE_DIR", *(f"FURUSATO_SMTP_{n}" for n in SMTP_VARIABLES)}
    assert used - {s.name for s in SETTINGS} <= environment  # environment variables


# --- Pelican's own commands ----------------------------------------------------------------


def _checkout(tmp_path: Path) -> Path:
    """A copy of what a fresh clone holds that a build reads."""
    root = tmp_path / "clone"
    for name in ("content", "prefectures", "theme", "plugins"):
        shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pelicanconf.py", root / "pelicanconf.py")
    # What `npm ci --ignore-scripts` installs from package-lock.json (Pagefind), as after
    # `make html` or `bash .ci/run`.
    (root / "node_modules").symlink_to(REPO / "node_modules")
    return root


def _pelican_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return env


PELICAN = str(Path(sys.executable).with_name("pelican"))


def test_pelican_content_builds_from_a_clone(tmp_path: Path) -> None:
    root = _checkout(tmp_path)
    done = subprocess.run(
        [PELICAN, "content", "-s", "pelicanconf.py", "-o", "public"],
        cwd=root,
        env=_pelican_env(),
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert (root / "public" / "index.html").is_file()
    assert (root / "public" / "tottori" / "feed.xml").is_file()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_pelican_autoreload_and_listen_serve_the_site(tmp_path: Path) -> None:
    root = _checkout(tmp_path)
    port = _free_port()
    server = subprocess.Popen(
        [PELICAN, "-r", "-l", "-p", str(port), "-s", "pelicanconf.py", "content"],
        cwd=root,
        env=_pelican_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        # Pelican runs the reloader and the server as child processes: a group of their own,
        # so that stopping the group stops them all, however slow the machine is.
        start_new_session=True,
    )
    try:
        body = b""
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/tottori/", timeout=2) as r:
                    body = r.read()
            except OSError:
                pass
            # The server starts before the first build has committed every file: a folder
            # listing of a half-written site is an answer too, so wait for the page itself.
            if b"Tottori" in body:
                break
            time.sleep(0.5)
        assert b"Tottori" in body, server.stdout.read() if server.poll() is not None else ""
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=20)


# --- RELATIVE_URLS: a site that browses from a folder on disk ---------------------------------


def _targets(page: Path, out: Path) -> list[tuple[str, Path]]:
    tree = lxml.html.fromstring(page.read_bytes())
    found = []
    for element, _attribute, link, _pos in tree.iterlinks():
        if element.tag == "link" and element.get("rel") == "canonical":
            continue
        parts = urlsplit(link)
        if parts.scheme or link.startswith(("#", "//")):
            continue
        found.append((link, (page.parent / unquote(parts.path)).resolve()))
    return found


def test_relative_urls_resolve_to_files_from_every_page(tmp_path: Path) -> None:
    out = build_site(SITES / "two_prefectures", tmp_path / "output", RELATIVE_URLS=True)
    pages = sorted(out.rglob("*.html"))
    assert len(pages) > 20
    checked = 0
    for page in pages:
        for link, target in _targets(page, out):
            rel = page.relative_to(out)
            assert not link.startswith("/"), f"{rel}: {link} is rooted"
            assert target.is_file(), f"{rel}: {link} does not name a file"
            assert out.resolve() in target.parents, f"{rel}: {link} leaves the site"
            checked += 1
    assert checked > 500


def test_relative_urls_change_only_the_links(tmp_path: Path) -> None:
    plain = build_site(SITES / "two_prefectures", tmp_path / "plain")
    relative = build_site(SITES / "two_prefectures", tmp_path / "relative", RELATIVE_URLS=True)
    page = "tottori/articles/index.html"
    strip = re.compile(rb'(href|src)="[^"]*"')
    assert strip.sub(b"", (plain / page).read_bytes()) == strip.sub(
        b"", (relative / page).read_bytes()
    )
    assert (plain / "tottori/feed.xml").read_bytes() == (relative / "tottori/feed.xml").read_bytes()


@pytest.mark.parametrize("command", ["build", "check"])
def test_a_bad_prefecture_on_the_command_line_is_the_command_lines_mistake(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stop:
        furusato([command, "--prefecture", "../tottori"])
    assert stop.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"furusato {command}: error: argument --prefecture: '../tottori' must be a "
        "prefecture's slug, the name of its file in prefectures/ (such as 'tottori')"
    )
