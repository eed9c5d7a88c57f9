"""Write the web editor at /admin/: its page, its configuration and the pinned Sveltia CMS files.

The editor's files come from the npm package @sveltia/cms (package.json pins the version;
`make html` runs `npm ci` first) and go through the engine's writer like every other file.
Nothing is loaded from a CDN: the page's own policy (csp.PAGE_POLICIES["admin/"]) refuses
other hosts, and theme/admin/furusato-admin.js points the bundle at the translations and fonts
copied here. The configuration is furusato.cms's, made with the deployment's repository; a
site without FURUSATO_REPOSITORY gets a page that says what to set, and no editor.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pelican import signals

from furusato import cms, csp
from furusato.catalog import gettext
from furusato.errors import BuildError
from furusato_engine import SiteGenerator, SiteWriter, require

FOLDER = "admin/"
JAPANESE = "ja"  # the page shell's second language, beside English
REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "node_modules" / "@sveltia" / "cms"
SHIM = REPO / "theme" / "admin" / "furusato-admin.js"
# The editor's interface languages shipped with the site: the editions' languages.
LOCALES = ("en-US", "ja")
# Fonts the bundle asks of cdn.jsdelivr.net, by the name the shim gives them: the package's
# copies (npm/assets/<name>-<hash>.woff2) and their licences.
FONTS = {
    "source-sans-3.woff2": "source-sans-3-latin-wght-normal-",
    "noto-mono.woff2": "noto-mono-latin-400-normal-",
    "material-symbols-outlined.woff2": "material-symbols-outlined-latin-wght-normal-",
}
LICENCES = ("source-sans-3", "noto-mono", "material-symbols-outlined")


def package_file(relative: str) -> Path:
    """Return a file of the installed editor package, or stop the build saying how to get it."""
    path = PACKAGE / relative
    if not path.is_file():
        raise BuildError(
            f"{path.relative_to(REPO)} is missing: the web editor (/admin/) comes from the npm "
            "package @sveltia/cms; run `npm ci --ignore-scripts` at the repository root "
            "(`make html` does it when package-lock.json changes)"
        )
    return path


def font_file(prefix: str) -> Path:
    """Return the package's copy of one font, whatever hash its name carries."""
    found = sorted((PACKAGE / "npm" / "assets").glob(f"{prefix}*.woff2"))
    if len(found) != 1:
        raise BuildError(
            f"the editor package has {len(found)} fonts named {prefix}*.woff2 in "
            f"{(PACKAGE / 'npm' / 'assets').relative_to(REPO)}; expected one (reinstall with "
            "`npm ci --ignore-scripts`)"
        )
    return found[0]


class AdminGenerator(SiteGenerator):
    """/admin/index.html, /admin/config.yml and the editor's files."""

    def write(self, writer: SiteWriter) -> None:
        settings = self.settings
        repository = settings.get("FURUSATO_REPOSITORY")
        configured = repository is not None
        url = self.urls.national(FOLDER)
        data = {
            "lang": "en",
            "configured": configured,
            # Without the editor the page runs no script: the site's own policy is enough.
            "admin_csp": csp.meta_for(
                FOLDER + "index.html",
                settings["FURUSATO_CSP"],
                csp.page_policies(settings.get("FURUSATO_REPOSITORY")),
            ),
            "japanese": lambda text: gettext(JAPANESE, str(text)),
            "editor_version": cms.EDITOR_VERSION,
            "editor_locales": " ".join(LOCALES),
        }
        writer.write_bytes(self.urls.save_as(url), self.page(url, "admin", data))
        if not configured:
            return
        config = cms.generate(
            self.site.prefectures.values(), repository, settings["FURUSATO_BRANCH"]
        )
        writer.write_bytes(FOLDER + "config.yml", cms.dump(config).encode("utf-8"))
        writer.copy_file(package_file("dist/sveltia-cms.js"), FOLDER + "sveltia-cms.js")
        writer.copy_file(package_file("LICENSE.txt"), FOLDER + "LICENSE.txt")
        writer.copy_file(SHIM, FOLDER + SHIM.name)
        for locale in LOCALES:
            source = package_file(f"locales/{locale}.json")
            writer.copy_file(source, f"{FOLDER}locales/{locale}.json")
        for name, prefix in FONTS.items():
            writer.copy_file(font_file(prefix), f"{FOLDER}fonts/{name}")
        for name in LICENCES:
            licence = package_file(f"npm/assets/{name}.LICENSE.txt")
            writer.copy_file(licence, f"{FOLDER}fonts/{name}.LICENSE.txt")


def get_generators(pelican: Any) -> type[SiteGenerator]:
    return AdminGenerator


def initialized(pelican: Any) -> None:
    require(pelican, "admin")


def register() -> None:
    signals.initialized.connect(initialized)
    signals.get_generators.connect(get_generators)
