"""The web editor at /admin/ in Chromium, offline: an ambassador writes an article in the form,
the editor saves the file it would commit, and that file passes `furusato check` and is
published by the build; a missing required field is refused in the form.

The editor runs against Sveltia CMS's `test-repo` backend, which keeps files in the browser's
private file system (OPFS); the configuration is furusato.cms's with that backend swapped in
(`test_backend=True`), written over the built config.yml of a copy made for this test only.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from furusato import cms, csp
from furusato.reading.loader import Options, load_profiles
from tests.quality import harness
from tests.quality.site_pages import is_email
from tests.sitebuild import REPO, SITES, build_site, copy_site, page

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

REPOSITORY = "https://github.com/example/furusato"
SCREENSHOTS = REPO / "docs" / "screenshots"
# docs/editor.md's pictures are this test's; FURUSATO_EDITOR_SCREENSHOTS=1 saves them there.
SAVE_SCREENSHOTS = os.environ.get("FURUSATO_EDITOR_SCREENSHOTS") == "1"


def keep_screenshot(taken: Path, name: str) -> None:
    """Copy a screenshot the test took to docs/screenshots/ when asked to."""
    if SAVE_SCREENSHOTS:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(taken, SCREENSHOTS / name)


# What the editor's bundle asks of other hosts, which the page's policy refuses on purpose:
# its update check and its fonts (served from /admin/fonts/ instead).
REFUSED = ("https://unpkg.com/@sveltia/cms/package.json", "https://cdn.jsdelivr.net/fontsource/")
# Read one file, or list one folder, of the test backend's store (the browser's OPFS).
READ_STORE = """async ([path, list]) => {
  let dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('sveltia-cms-test');
  const parts = path.split('/').filter(Boolean);
  const last = list ? parts.length : parts.length - 1;
  for (const part of parts.slice(0, last)) dir = await dir.getDirectoryHandle(part);
  if (list) {
    const names = [];
    for await (const [name] of dir.entries()) names.push(name);
    return names.sort();
  }
  return await (await (await dir.getFileHandle(parts[last])).getFile()).text();
}"""
LISTEN = (
    "window.__violations = [];"
    "document.addEventListener('securitypolicyviolation', e =>"
    " window.__violations.push([e.violatedDirective, e.blockedURI]));"
)


@pytest.fixture(scope="module")
def editor_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A build of two_prefectures with a repository set, its config.yml on `test-repo`."""
    out = tmp_path_factory.mktemp("editor") / "output"
    build_site(SITES / "two_prefectures", out, FURUSATO_REPOSITORY=REPOSITORY)
    profiles = load_profiles(Options(root=SITES / "two_prefectures")).values()
    config = cms.generate(profiles, None, "main", test_backend=True)
    (out / "admin" / "config.yml").write_text(cms.dump(config), encoding="utf-8")
    return out


def field(pg, key: str):
    """Return the editor's field for a front-matter key (Sveltia marks each with its key)."""
    return pg.locator(f'section[data-key-path="{key}"]')


def open_new_article(pg, url: str) -> None:
    pg.goto(url + "admin/", wait_until="domcontentloaded")
    pg.get_by_role("button", name="Work with Test Repository").click()
    pg.goto(url + "admin/#/collections/articles-tottori/new")
    field(pg, "title").locator("input").wait_for()


def fill_article(pg, title: str | None) -> None:
    if title is not None:
        field(pg, "title").locator("input").fill(title)
    field(pg, "date").locator("input[type=date]").fill("2026-06-01")
    field(pg, "author").get_by_label("Amy Chen (amy-chen)").check()
    field(pg, "summary").locator("textarea").fill("Where to eat snow crab in Tottori in winter.")
    body = field(pg, "body").locator("[contenteditable=true]")
    # The editor renders the fields below the fold as the form scrolls (the proposal fields
    # made the form long enough that the body starts unrendered): scroll the edit pane.
    for _ in range(20):
        if body.count():
            break
        pg.mouse.move(300, 600)
        pg.mouse.wheel(0, 1500)
        pg.wait_for_timeout(100)
    body.first.click()
    pg.keyboard.type("Crab season starts in November, and the port market opens at dawn.")


def stored(pg, path: str, *, list_folder: bool = False):
    return pg.evaluate(READ_STORE, [path, list_folder])


def run_editor(browser, site: Path, steps, *, locale: str = "en-US"):
    """Open /admin/ of `site` in a fresh Chromium context (its own private file system) and
    run `steps(page, url)`; return what it returns, the CSP violations the page reported and
    the requests that tried to leave 127.0.0.1."""
    foreign: list[str] = []
    with harness.serve(site) as url:
        context = browser.new_context(locale=locale, viewport=harness.DESKTOP)
        try:
            harness.block_other_hosts(context, foreign)
            pg = context.new_page()
            pg.add_init_script(LISTEN)
            result = steps(pg, url)
            violations = pg.evaluate("window.__violations")
        finally:
            context.close()
    return result, violations, foreign


def test_an_article_written_in_the_editor_passes_check_and_is_published(
    chromium_browser, editor_site: Path, tmp_path: Path
) -> None:
    def steps(pg, url):
        open_new_article(pg, url)
        fill_article(pg, "Snow crab season")
        pg.screenshot(path=str(tmp_path / "editor-article.png"))
        pg.get_by_role("button", name="Save").click()
        pg.wait_for_function(
            "async () => { try { const d = await (await navigator.storage.getDirectory())"
            ".getDirectoryHandle('sveltia-cms-test'); return true; } catch { return false; } }"
        )
        names = []
        for _ in range(50):
            try:
                names = stored(pg, "content/tottori/articles", list_folder=True)
            except Exception:  # the folder appears when the save completes
                names = []
            if names:
                break
            pg.wait_for_timeout(100)
        assert len(names) == 1, names
        return names[0], stored(pg, f"content/tottori/articles/{names[0]}")

    (name, text), violations, foreign = run_editor(chromium_browser, editor_site, steps)
    assert name.endswith("-snow-crab-season.md")
    front = yaml.safe_load(text.split("---")[1])
    assert front["title"] == "Snow crab season"
    assert front["author"] == "amy-chen"
    assert str(front["date"]) == "2026-06-01"
    assert "Crab season starts in November" in text
    # Nothing left 127.0.0.1, and the page's policy refused only what it refuses on purpose.
    assert foreign == []
    assert all(uri.startswith(REFUSED) for _, uri in violations), violations

    site = copy_site(
        "two_prefectures", tmp_path / "site", {f"content/tottori/articles/{name}": text}
    )
    checked = subprocess.run(
        [sys.executable, "-m", "furusato", "check", "--root", str(site),
         "--settings", str(REPO / "pelicanconf.py")],
        capture_output=True, text=True, cwd=REPO, env={"PYTHONPATH": str(REPO / "plugins"),
        "PATH": "/usr/bin:/bin", "FURUSATO_USER_CACHE_DIR": str(tmp_path / "user-cache")},
    )  # fmt: skip
    assert checked.returncode == 0, checked.stderr
    out = build_site(site, tmp_path / "output")
    article = page(out, "/tottori/articles/snow-crab-season/")
    assert article.xpath("string(//h1)").strip() == "Snow crab season"
    assert "port market opens at dawn" in article.xpath("string(//main)")
    keep_screenshot(tmp_path / "editor-article.png", "editor-article.png")


def test_the_editor_refuses_an_article_without_a_title(
    chromium_browser, editor_site: Path, tmp_path: Path
) -> None:
    def steps(pg, url):
        open_new_article(pg, url)
        fill_article(pg, None)
        pg.get_by_role("button", name="Save").click()
        title = field(pg, "title").locator("input")
        pg.wait_for_function(
            "el => el.getAttribute('aria-invalid') === 'true'", arg=title.element_handle()
        )
        error = field(pg, "title").get_by_role("alert").inner_text()
        pg.screenshot(path=str(tmp_path / "editor-required.png"))
        try:
            saved = stored(pg, "content/tottori/articles", list_folder=True)
        except Exception:  # no folder: nothing was saved
            saved = []
        return error, saved

    (error, saved), _, foreign = run_editor(chromium_browser, editor_site, steps)
    assert "required" in error.lower(), error
    assert saved == []
    assert foreign == []
    keep_screenshot(tmp_path / "editor-required.png", "editor-required.png")


def test_the_editor_speaks_japanese_from_the_site_s_own_copy(
    chromium_browser, editor_site: Path, tmp_path: Path
) -> None:
    def steps(pg, url):
        pg.goto(url + "admin/", wait_until="domcontentloaded")
        button = pg.get_by_role("button", name="テストリポジトリで作業")
        button.wait_for()
        pg.screenshot(path=str(tmp_path / "editor-sign-in-ja.png"))
        return button.inner_text()

    text, violations, foreign = run_editor(chromium_browser, editor_site, steps, locale="ja-JP")
    assert text == "テストリポジトリで作業"
    keep_screenshot(tmp_path / "editor-sign-in-ja.png", "editor-sign-in-ja.png")
    assert foreign == []
    assert all(uri.startswith(REFUSED) for _, uri in violations), violations


def test_only_the_editor_page_may_run_script(editor_site: Path) -> None:
    """Every page but /admin/ keeps the site's policy; the editor's sources are its own."""
    editor_policy = csp.policy_for("admin/index.html", csp.POLICY, csp.page_policies(REPOSITORY))
    admin_only = {
        (name, source)
        for name, sources in editor_policy.items()
        for source in sources
        if source not in csp.POLICY.get(name, [])
    }
    assert ("style-src", "'unsafe-inline'") in admin_only
    pages = sorted(p for p in editor_site.rglob("*.html") if not is_email(p))
    assert len(pages) > 20
    for path in pages:
        tree = page(editor_site, "/" + path.relative_to(editor_site).as_posix())
        policy = tree.xpath("string(//meta[@http-equiv='Content-Security-Policy']/@content)")
        rel = path.relative_to(editor_site).as_posix()
        if rel == "admin/index.html":
            assert policy == csp.meta(editor_policy)
            assert tree.xpath("//script/@src") == [
                "/admin/furusato-admin.js",
                "/admin/sveltia-cms.js",
            ]
        else:
            assert policy == csp.meta_for(rel, csp.POLICY), rel
            directives = {
                name: set(sources)
                for name, *sources in (part.split() for part in policy.split(";"))
            }
            assert not any(s in directives.get(n, ()) for n, s in admin_only), rel
            # JSON-LD is data (never run, so outside script-src); anything else is a script.
            if rel not in ("search/index.html", "ja/search/index.html"):  # Pagefind's page
                assert tree.xpath("//script[not(@type='application/ld+json')]") == [], rel
