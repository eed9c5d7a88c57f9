"""Give each language its gettext catalog: English is the msgids themselves, Japanese is the
theme's .po file, compiled in memory when a build first asks for it.

The .po file is the only copy in the repository. Compiling it costs a few milliseconds once
per process (tests/test_translations.py keeps a figure), far less than the drift a committed
.mo file invites: edited .po, forgotten `make translations`, stale Japanese on the site.
"""

from __future__ import annotations

import functools
import gettext as _gettext
import io
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po
from babel.support import Translations

from .errors import BuildError

LANGUAGES = ("en", "ja")  # the editions; "en" is the default and the catalogs' source language
DOMAIN = "messages"
CATALOG_FOLDER = Path(__file__).resolve().parents[2] / "theme" / "translations"


def N_(message: str) -> str:
    """Mark `message` for `make translations` and return it unchanged.

    For Python strings that are translated where they are shown (`_()` in a template,
    `gettext(lang, ...)` in a feed or calendar), not where they are defined.
    """
    return message


# Text the theme shows that is written outside the templates and Python modules, so that
# `make translations` extracts it too: pelicanconf.py's SITESUBTITLE (the engine passes it
# through gettext) and the proposal statuses articles show as written (`_(status)`).
OUTSIDE_TEXT = (
    N_("JET Programme alumni networks of Japan's 47 prefectures"),
    N_("submitted"),
    N_("adopted"),
    N_("declined"),
)


def po_path(lang: str, folder: Path = CATALOG_FOLDER) -> Path:
    """Return where the catalog of `lang` lives: <folder>/<lang>/LC_MESSAGES/messages.po."""
    return Path(folder) / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def translations(lang: str, folder: Path = CATALOG_FOLDER) -> _gettext.NullTranslations:
    """Return the translations of `lang` for Jinja's i18n extension and gettext().

    English returns NullTranslations (the msgids are the English text). Other languages
    read <folder>/<lang>/LC_MESSAGES/messages.po; a missing or unreadable catalog raises
    BuildError. Fuzzy entries are left out, so they show in English until reviewed.
    """
    if lang not in LANGUAGES:
        raise BuildError(
            f"no catalog for language {lang!r}: the languages are {', '.join(LANGUAGES)}"
        )
    if lang == LANGUAGES[0]:
        return _gettext.NullTranslations()
    path = _resolved(lang, Path(folder))
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise BuildError(
            f"{path}: the {lang} catalog is missing; run `make translations` to create it"
        ) from None
    # Keyed on the file's size and time as well, so a devserver picks up an edited catalog.
    return _compiled(path, lang, stat.st_mtime_ns, stat.st_size)


@functools.cache
def _resolved(lang: str, folder: Path) -> Path:
    """Return the catalog's resolved path, once per process: resolving costs a system call
    per part of the path, and a build asks for a catalog thousands of times."""
    return po_path(lang, folder).resolve()


@functools.cache
def _compiled(path: Path, lang: str, mtime_ns: int, size: int) -> Translations:
    try:
        with path.open("rb") as source:
            catalog = read_po(source, locale=lang, domain=DOMAIN, abort_invalid=True)
    except (PoFileError, UnicodeDecodeError, ValueError) as error:
        raise BuildError(
            f"{path}: the {lang} catalog cannot be read ({error}); fix the line it names "
            "or restore the file from git"
        ) from error
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def gettext(lang: str, message: str) -> str:
    """Return `message` (an msgid) in `lang`, for feeds and calendars written outside Jinja."""
    return translations(lang).gettext(message)


def ngettext(lang: str, singular: str, plural: str, n: int) -> str:
    """Return the singular or plural form of a message in `lang` for the count `n`."""
    return translations(lang).ngettext(singular, plural, n)
