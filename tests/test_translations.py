"""The theme's gettext catalogs: complete, current, safe, used by every template, and Japanese
when rendered with the ja catalog. Each check is a function run on the real files and, to show
that it can fail, on a broken copy."""

from __future__ import annotations

import json
import re
import runpy
import shutil
from pathlib import Path
from types import SimpleNamespace

import jinja2
import lxml.html
import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from furusato import catalog, paging
from furusato.errors import BuildError
from furusato.sharing import ShareContext
from furusato.urls import Urls
from furusato.wording import FILTERS, template_globals
from furusato_engine.share import share_globals
from tests.sitebuild import REPO

TRANSLATIONS = REPO / "theme" / "translations"
TEMPLATES = REPO / "theme" / "templates"
JA_PO = TRANSLATIONS / "ja" / "LC_MESSAGES" / "messages.po"
POT = TRANSLATIONS / "messages.pot"

# Words that read the same in both editions, so a template may write them outside the
# catalog: names of formats and programs (what a reader types or looks for) and the
# project's name. Keep this list short: anything else a reader sees goes through the catalog.
ALLOWED_WORDS = {"RSS", "Atom", "OPML", "iCalendar", "JSON", "CSV", "JET", "Furusato"}

# Attributes whose values readers see or hear (the rest are URLs, ids, classes, codes).
TEXT_ATTRIBUTES = {"alt", "title", "aria-label", "placeholder", "label", "value"}


def load_po(path: Path) -> Catalog:
    with path.open("rb") as source:
        return read_po(source, locale="ja")


def msgid_key(message) -> str:
    return message.id[0] if isinstance(message.id, tuple) else message.id


# -- every entry translated, none fuzzy, placeholders valid ------------------------------------


def catalog_problems(po: Catalog) -> list[str]:
    """Return each entry without a usable Japanese text: empty, fuzzy or a broken placeholder."""
    problems = []
    for message in po:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            problems.append(f"fuzzy: {msgid_key(message)!r}")
        elif not all(strings):
            problems.append(f"untranslated: {msgid_key(message)!r}")
    for message, errors in po.check():
        problems += [f"{msgid_key(message)!r}: {error}" for error in errors]
    return problems


def test_every_msgid_has_a_japanese_translation():
    assert catalog_problems(load_po(JA_PO)) == []


def test_an_untranslated_fuzzy_or_broken_entry_is_reported():
    po = Catalog(locale="ja")
    po.add("Subscribe", "")
    po.add("Events", "イベント", flags=["fuzzy"])
    po.add("Articles from %(prefecture)s", "%(prefectur)sの記事", flags=["python-format"])
    po.add("Links", "リンク")
    problems = catalog_problems(po)
    assert problems[:2] == ["untranslated: 'Subscribe'", "fuzzy: 'Events'"]
    assert len(problems) == 3 and problems[2].startswith("'Articles from %(prefecture)s': ")


# -- translations add no markup --------------------------------------------------------------

TAG = re.compile(r"<[^>]*>")
PLACEHOLDER = re.compile(r"%\(\w+\)s")


def markup_problems(po: Catalog) -> list[str]:
    """Return entries whose Japanese adds HTML or a quote: templates print translations as
    markup (they are the project's own text), so a translation may only reuse its msgid's tags."""
    problems = []
    for message in po:
        if not message.id or not message.string:
            continue
        source = " ".join(message.id) if isinstance(message.id, tuple) else message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            extra = set(TAG.findall(text)) - set(TAG.findall(source))
            outside = TAG.sub("", text)
            if extra or outside.count('"') > TAG.sub("", source).count('"') or "&" in outside:
                problems.append(msgid_key(message))
    return problems


def test_translations_add_no_markup():
    assert markup_problems(load_po(JA_PO)) == []


def test_a_translation_that_adds_markup_is_reported():
    po = Catalog(locale="ja")
    po.add("Subscribe", '<a href="https://example.org">購読する</a>')
    po.add("Tags:", 'タグ "：')
    po.add('By <a href="%(url)s">%(author)s</a>', '執筆：<a href="%(url)s">%(author)s</a>')
    assert markup_problems(po) == ["Subscribe", "Tags:"]


# -- the committed catalogs are current -------------------------------------------------------


def extracted_msgids(root: Path) -> set[str]:
    """Extract the msgids of `root`'s plugins/ and theme/templates/ as `make translations` does."""
    with (REPO / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found = set()
    for folder in (root / "plugins", root / "theme" / "templates"):
        for _filename, _lineno, message, _comments, _context in extract_from_dir(
            folder, method_map, options_map
        ):
            found.add(message[0] if isinstance(message, tuple) else message)
    return found


def stale(root: Path, committed: Catalog) -> tuple[set[str], set[str]]:
    """Return (msgids the code uses that the catalog lacks, msgids the catalog has in excess)."""
    extracted = extracted_msgids(root)
    listed = {msgid_key(m) for m in committed if m.id}
    return extracted - listed, listed - extracted


@pytest.mark.parametrize("path", [POT, JA_PO], ids=["messages.pot", "ja/messages.po"])
def test_committed_catalogs_match_the_code(path):
    missing, extra = stale(REPO, load_po(path))
    assert (missing, extra) == (set(), set()), "run `make translations` and translate"


def test_a_new_string_makes_the_catalog_stale(tmp_path):
    shutil.copytree(
        REPO / "plugins", tmp_path / "plugins", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copytree(TEMPLATES, tmp_path / "theme" / "templates")
    page = tmp_path / "theme" / "templates" / "404.html"
    page.write_text(page.read_text().replace('_("Go to the home page")', '_("Back home")'))
    assert stale(tmp_path, load_po(POT)) == ({"Back home"}, {"Go to the home page"})


def test_pelicanconf_subtitle_is_in_the_catalog():
    settings = runpy.run_path(str(REPO / "pelicanconf.py"))
    assert (
        catalog.gettext("ja", settings["SITESUBTITLE"])
        == "日本の47都道府県の元JET参加者ネットワーク"
    )


# -- no English outside the catalog in any template ------------------------------------------

GETTEXT_CALLS = {"_", "gettext", "ngettext"}
ENTITY = re.compile(r"&#?\w+;")
ATTRIBUTE = re.compile(r'([\w:-]+)\s*=\s*"([^"]*)"')
LETTERS = re.compile(r"[A-Za-z][A-Za-z'’.-]*")
PROSE = re.compile(r"^[A-Z][a-z]|[A-Za-z]+ [A-Za-z]+")


def stray_text(source: str) -> list[str]:
    """Return English words a template writes outside {% trans %} and _(): in its text, in the
    attributes readers see, and in string literals that look like prose (not a msgid, not
    compared with ==)."""
    env = jinja2.Environment(extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True)
    tokens = [t for t in env.lex(source) if t[1] != "whitespace"]
    text, strays, depth = [], [], 0
    for i, (_line, kind, value) in enumerate(tokens):
        previous = [t[2] for t in tokens[max(0, i - 2) : i]]
        opens_block = i > 0 and tokens[i - 1][1] == "block_begin"
        if kind == "name" and value in ("trans", "endtrans") and opens_block:
            depth += 1 if value == "trans" else -1
        elif kind == "data":
            text.append(value if depth == 0 else "\0")
        elif kind in ("variable_begin", "block_begin"):
            text.append("\0")
        elif kind == "string" and depth == 0 and PROSE.search(value[1:-1]):
            is_msgid = previous[-1:] == ["("] and previous[0] in GETTEXT_CALLS
            if not is_msgid and previous[-1:] not in (["=="], ["!="]):
                strays.append(value[1:-1])
    html = "".join(text)
    for tag in TAG.findall(html):
        for name, value in ATTRIBUTE.findall(tag):
            if name in TEXT_ATTRIBUTES:
                strays += LETTERS.findall(ENTITY.sub(" ", value))
    strays += LETTERS.findall(ENTITY.sub(" ", TAG.sub("\0", html)))
    return [word for word in strays if word not in ALLOWED_WORDS]


@pytest.mark.parametrize(
    "template", sorted(p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*.html"))
)
def test_template_writes_no_english_outside_the_catalog(template):
    assert stray_text((TEMPLATES / template).read_text()) == []


def test_english_outside_the_catalog_is_found():
    source = """{# A comment may say anything. #}
<nav aria-label="Site"><a href="{{ url }}">Home</a> · {{ _("Events") }}</nav>
<p>{% trans n=3 %}{{ n }} articles{% endtrans %} RSS &amp; Atom</p>
<img src="x.png" alt="A map">
{% set sections = [(url, "All events"), (url, _("Articles"))] %}
{% if country == "Online" %}{{ 'now' }}{% endif %}"""
    assert stray_text(source) == ["All events", "Site", "A", "map", "Home"]


# -- rendered with the Japanese catalog, the chrome is Japanese -------------------------------


def _json_values(data: object) -> list[str]:
    if isinstance(data, dict):
        return [v for item in data.values() for v in _json_values(item)]
    if isinstance(data, list):
        return [v for item in data for v in _json_values(item)]
    return [data] if isinstance(data, str) else []


def english_left(html: str, po: Catalog) -> list[str]:
    """Return catalog English that a page shows outside elements marked as another language.

    Each msgid is split at its placeholders and tags; a fragment that its own translation
    keeps (such as "(OpenStreetMap)") is not English left behind.
    """
    tree = lxml.html.fromstring(html)
    # Inside the page (<html lang> is the engine's to set), text marked as another language.
    for element in tree.xpath("/html//*[@lang and @lang != 'ja']"):
        element.drop_tree()
    # JSON-LD is read by machines, its values shown by search engines: those count, its keys
    # and addresses do not.
    data = []
    for element in tree.xpath("//script[@type='application/ld+json']"):
        data += [v for v in _json_values(json.loads(element.text)) if not v.startswith("http")]
        element.drop_tree()
    shown = [tree.text_content(), *data]
    # (an <option>'s value is sent, never shown: its text is)
    shown += [v for name in TEXT_ATTRIBUTES for v in tree.xpath(f"//*[not(self::option)]/@{name}")]
    shown_text = "\n".join(shown)
    left = []
    for message in po:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for fragment in re.split(r"%\(\w+\)s|<[^>]*>", msgid_key(message)):
            fragment = fragment.strip(" .,:;·()")
            if len(fragment) < 3 or fragment in ALLOWED_WORDS or fragment in "".join(strings):
                continue
            if re.search(rf"(?<![A-Za-z]){re.escape(fragment)}(?![A-Za-z])", shown_text):
                left.append(fragment)
    return left


def japanese_environment(translations) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        extensions=["jinja2.ext.i18n"],
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations, newstyle=True)
    env.filters.update(FILTERS)
    urls = Urls("", None)
    env.globals.update(template_globals(urls, {"SITENAME": "Furusato"}))
    env.globals["SITESUBTITLE"] = translations.gettext(
        "JET Programme alumni networks of Japan's 47 prefectures"
    )
    env.globals["lang"] = "ja"
    env.globals.update(share_globals())
    env.globals["share"] = ShareContext(Urls("https://alumni.example.org", None, "ja"), "Furusato")
    return env


TOTTORI = SimpleNamespace(slug="tottori", name=SimpleNamespace(en="Tottori", ja="鳥取県"))


def render_pages(env: jinja2.Environment) -> list[str]:
    """Render the 404 page (the chrome of national pages) and a few partials."""
    site = SimpleNamespace(
        single=None, pages=[], prefectures={}, edition=lambda items, lang: list(items)
    )
    page = env.get_template("404.html").render(site=site, page_url="/404.html", prefecture=None)
    subscribe = env.get_template("partials/subscribe.html").module.subscribe(TOTTORI)
    pages = paging.pagination(2, 3, lambda n: "/a/" if n == 1 else f"/a/{n}/")
    pagination = env.get_template("partials/pagination.html").module.pagination(pages)
    return [page, f"<div>{subscribe}{pagination}</div>"]


def test_pages_render_in_japanese_with_the_ja_catalog():
    pages = render_pages(japanese_environment(catalog.translations("ja")))
    html = "".join(pages)
    for japanese in (
        "本文へ移動",
        "ページが見つかりません",
        "購読する",
        "以前の記事",
        "全都道府県",
    ):
        assert japanese in html
    assert 'aria-label="サイトメニュー"' in html
    assert [english_left(page, load_po(JA_PO)) for page in pages] == [[], []]


def test_english_left_in_a_japanese_page_is_found(tmp_path):
    po = JA_PO.read_text(encoding="utf-8")
    po = po.replace('msgstr "本文へ移動"', 'msgstr ""').replace('msgstr "購読する"', 'msgstr ""')
    broken = catalog.po_path("ja", tmp_path)
    broken.parent.mkdir(parents=True)
    broken.write_text(po, encoding="utf-8")
    pages = render_pages(japanese_environment(catalog.translations("ja", tmp_path)))
    left = [english_left(page, load_po(JA_PO)) for page in pages]
    assert left == [["Skip to main content"], ["Subscribe"]]


# -- furusato.catalog ------------------------------------------------------------------------


def test_english_is_the_msgids_themselves():
    assert catalog.translations("en").gettext("Subscribe") == "Subscribe"
    assert catalog.gettext("en", "Subscribe") == "Subscribe"
    assert catalog.ngettext("en", "%(count)s person", "%(count)s people", 2) == "%(count)s people"


def test_japanese_is_compiled_once_per_process():
    assert catalog.gettext("ja", "Subscribe") == "購読する"
    assert catalog.ngettext("ja", "%(count)s person", "%(count)s people", 2) == "%(count)s人"
    assert catalog.translations("ja") is catalog.translations("ja")


def test_an_edited_catalog_is_read_again(tmp_path):
    path = catalog.po_path("ja", tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text('msgid "Subscribe"\nmsgstr "購読する"\n', encoding="utf-8")
    assert catalog.translations("ja", tmp_path).gettext("Subscribe") == "購読する"
    path.write_text('msgid "Subscribe"\nmsgstr "購読"\n', encoding="utf-8")
    assert catalog.translations("ja", tmp_path).gettext("Subscribe") == "購読"


def test_fuzzy_entries_stay_english(tmp_path):
    path = catalog.po_path("ja", tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text('#, fuzzy\nmsgid "Subscribe"\nmsgstr "購読"\n', encoding="utf-8")
    assert catalog.translations("ja", tmp_path).gettext("Subscribe") == "Subscribe"


def test_a_missing_catalog_stops_the_build(tmp_path):
    with pytest.raises(BuildError) as error:
        catalog.translations("ja", tmp_path)
    path = tmp_path.resolve() / "ja" / "LC_MESSAGES" / "messages.po"
    assert str(error.value) == (
        f"{path}: the ja catalog is missing; run `make translations` to create it"
    )


def test_a_broken_catalog_stops_the_build(tmp_path):
    path = catalog.po_path("ja", tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text('msgid "Subscribe"\nmsgstr "購読する"\nSubscribe\n', encoding="utf-8")
    with pytest.raises(BuildError) as error:
        catalog.translations("ja", tmp_path)
    assert str(error.value) == (
        f"{path.resolve()}: the ja catalog cannot be read (Unknown or misformatted keyword "
        "on 2); fix the line it names or restore the file from git"
    )


def test_an_unknown_language_stops_the_build():
    with pytest.raises(BuildError) as error:
        catalog.translations("fr")
    assert str(error.value) == "no catalog for language 'fr': the languages are en, ja"
