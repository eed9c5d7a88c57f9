"""Fields in two languages: a profile's introduction, an ambassador's bio, and the language and
translation of events and site pages, with the exact messages a contributor sees."""

from __future__ import annotations

from pathlib import Path

import pytest

from furusato.errors import ContentError
from furusato.reading.loader import Options, load_site
from furusato.schemas import Ambassador
from tests.sitebuild import SITES, copy_site

PROFILE = "prefectures/tottori.yaml"
FIXTURE = (SITES / "two_prefectures" / PROFILE).read_text(encoding="utf-8")
INTRODUCTION = (
    "introduction:\n  {en: Fixture profile for tests., ja: 鳥取県のテスト用プロフィールです。}\n"
)
AMY_BIO = "    bio: {en: Fixture ambassador., ja: テスト用のアンバサダーです。}\n"
EVENT = "content/tottori/events/2026-12-05-london-evening.md"
PAGE = "content/pages/about.md"


def problems(tmp_path: Path, files: dict[str, str]) -> list[str]:
    """Load two_prefectures with `files` replaced; return every problem, formatted."""
    root = copy_site("two_prefectures", tmp_path / "site", files)
    with pytest.raises(ContentError) as info:
        load_site(Options(root=root))
    return [p.format() for p in info.value.problems]


def profile_with(old: str, new: str) -> dict[str, str]:
    assert old in FIXTURE
    return {PROFILE: FIXTURE.replace(old, new)}


def test_the_fixture_writes_what_these_tests_replace():
    assert INTRODUCTION in FIXTURE and AMY_BIO in FIXTURE


def test_an_introduction_in_one_language_says_how_to_write_both(tmp_path):
    files = profile_with(INTRODUCTION, "introduction: Fixture profile for tests.\n")
    assert problems(tmp_path, files) == [
        f"{PROFILE}:10: introduction: the introduction is written in English and in Japanese: "
        "put each on an indented line below 'introduction:', as 'en: <English text>' and "
        "'ja: <Japanese text>' (see prefectures/tottori.yaml)"
    ]


def test_a_missing_introduction_shows_both_languages(tmp_path):
    files = profile_with(INTRODUCTION, "")
    assert problems(tmp_path, files) == [
        f"{PROFILE}:1: introduction: this field is required but missing; add a line such as "
        "'introduction: {en: Two or three factual sentences., ja: 日本語の紹介文です。}'"
    ]


def test_an_introduction_without_japanese_says_where_to_add_it(tmp_path):
    files = profile_with(INTRODUCTION, "introduction:\n  en: Fixture profile for tests.\n")
    assert problems(tmp_path, files) == [
        f"{PROFILE}:10: introduction: the Japanese introduction is missing; add an indented "
        "line 'ja: <Japanese text>' below 'introduction:', beside 'en:'"
    ]


def test_an_introduction_without_english_says_where_to_add_it(tmp_path):
    files = profile_with(INTRODUCTION, "introduction:\n  ja: 鳥取県のプロフィールです。\n")
    assert problems(tmp_path, files) == [
        f"{PROFILE}:10: introduction: the English introduction is missing; add an indented "
        "line 'en: <English text>' below 'introduction:', beside 'ja:'"
    ]


def test_an_empty_japanese_introduction_is_refused(tmp_path):
    files = profile_with(INTRODUCTION, "introduction:\n  en: Fixture.\n  ja: ''\n")
    assert problems(tmp_path, files) == [f"{PROFILE}:12: introduction.ja: must not be empty"]


def test_a_misspelt_language_reads_as_a_missing_one(tmp_path):
    files = profile_with(INTRODUCTION, "introduction:\n  en: Fixture.\n  jp: 鳥取県です。\n")
    assert problems(tmp_path, files) == [
        f"{PROFILE}:10: introduction: the Japanese introduction is missing; add an indented "
        "line 'ja: <Japanese text>' below 'introduction:', beside 'en:'"
    ]


def test_a_bio_mapping_needs_both_languages(tmp_path):
    files = profile_with(AMY_BIO, "    bio: {en: Fixture ambassador.}\n")
    assert problems(tmp_path, files) == [
        f"{PROFILE}:23: ambassadors[0].bio: a bio in two languages has 'en:' and 'ja:'; add "
        "an indented line 'ja: <Japanese text>' below 'bio:', or write the bio as English "
        "text after 'bio:' (with no 'en:' or 'ja:')"
    ]


def test_a_bio_mapping_without_english_says_so(tmp_path):
    files = profile_with(AMY_BIO, "    bio: {ja: テスト用のアンバサダーです。}\n")
    assert problems(tmp_path, files) == [
        f"{PROFILE}:23: ambassadors[0].bio: a bio in two languages has 'en:' and 'ja:'; add "
        "an indented line 'en: <English text>' below 'bio:', or write the bio as English "
        "text after 'bio:' (with no 'en:' or 'ja:')"
    ]


def test_a_bio_as_text_is_checked_under_its_own_name(tmp_path):
    files = profile_with(AMY_BIO, f"    bio: {'x' * 1501}\n")
    assert problems(tmp_path, files) == [
        f"{PROFILE}:23: ambassadors[0].bio: is too long (1501 characters); use at most 1500"
    ]


def test_an_empty_bio_is_refused(tmp_path):
    files = profile_with(AMY_BIO, "    bio: '  '\n")
    assert problems(tmp_path, files) == [f"{PROFILE}:23: ambassadors[0].bio: must not be empty"]


def test_a_japanese_bio_too_long_names_its_language(tmp_path):
    files = profile_with(AMY_BIO, f"    bio: {{en: Fixture., ja: {'あ' * 1501}}}\n")
    assert problems(tmp_path, files) == [
        f"{PROFILE}:23: ambassadors[0].bio.ja: is too long (1501 characters); use at most 1500"
    ]


def ambassador(bio: object) -> Ambassador:
    return Ambassador.model_validate({"id": "a", "name": "A", "role": "CIR", "bio": bio})


def test_bio_in_picks_the_language_and_falls_back_to_english():
    both = ambassador({"en": "Taught in Tottori.", "ja": "鳥取県で教えていました。"})
    assert both.bio_in("en") == ("Taught in Tottori.", "en")
    assert both.bio_in("ja") == ("鳥取県で教えていました。", "ja")
    english = ambassador("  Taught in Tottori. ")
    assert english.bio_in("en") == ("Taught in Tottori.", "en")
    assert english.bio_in("ja") == ("Taught in Tottori.", "en")  # a template marks lang="en"


def test_the_shipped_fixture_loads_both_forms_of_bio(tmp_path):
    root = copy_site("two_prefectures", tmp_path / "site")
    tottori = load_site(Options(root=root)).prefectures["tottori"]
    amy, ken = tottori.ambassadors
    assert amy.bio_in("ja") == ("テスト用のアンバサダーです。", "ja")
    assert ken.bio_in("ja") == ("Fixture ambassador.", "en")
    assert tottori.introduction.ja == "鳥取県のテスト用プロフィールです。"


def front_matter(path: str, extra: str) -> dict[str, str]:
    text = (SITES / "two_prefectures" / path).read_text(encoding="utf-8")
    return {path: text.replace("---\n", f"---\n{extra}", 1)}


@pytest.mark.parametrize("path", [EVENT, PAGE])
def test_events_and_pages_are_in_english_or_japanese(tmp_path, path):
    assert problems(tmp_path, front_matter(path, "lang: jp\n")) == [
        f"{path}:2: lang: 'jp' is not allowed here; use one of: en, ja"
    ]


@pytest.mark.parametrize("path", [EVENT, PAGE])
def test_a_translation_is_a_slug(tmp_path, path):
    assert problems(tmp_path, front_matter(path, "translation: About Us\n")) == [
        f"{path}:2: translation: 'About Us' is not a valid id; use lowercase ascii letters, "
        "digits and hyphens, such as 'amy-chen' or 'sand-dunes-in-winter'"
    ]


def counterpart(path: str, slug: str) -> str:
    """Return the path of a file beside `path` whose slug is `slug`."""
    folder, _, name = path.rpartition("/")
    dated = name[:11] if name[:4].isdigit() else ""  # events keep their date prefix
    return f"{folder}/{dated}{slug}.md"


@pytest.mark.parametrize("path", [EVENT, PAGE])
def test_events_and_pages_load_their_language_and_translation(tmp_path, path):
    # x-y is the English original (the fixture's text under another slug); path its Japanese side
    original = (SITES / "two_prefectures" / path).read_text(encoding="utf-8")
    files = {
        **front_matter(path, "lang: ja\ntranslation: x-y\n"),
        counterpart(path, "x-y"): original,
    }
    site = load_site(Options(root=copy_site("two_prefectures", tmp_path / "site", files)))
    found = site.pages if path == PAGE else site.events
    meta = next(item.meta for item in found if item.source == path)
    assert (meta.lang, meta.translation) == ("ja", "x-y")
    english = next(item for item in found if item.source == counterpart(path, "x-y"))
    assert (english.slug, english.lang) == ("x-y", "en")


@pytest.mark.parametrize("path", [EVENT, PAGE])
def test_a_translation_names_an_existing_event_or_page(tmp_path, path):
    what, folder = (
        ("page", "content/pages/") if path == PAGE else ("event", "content/tottori/events/")
    )
    assert problems(tmp_path, front_matter(path, "lang: ja\ntranslation: x-y\n")) == [
        f"{path}:3: translation: there is no {what} with slug 'x-y' in {folder}"
    ]


@pytest.mark.parametrize("path", [EVENT, PAGE])
def test_a_translation_is_in_the_other_language(tmp_path, path):
    original = (SITES / "two_prefectures" / path).read_text(encoding="utf-8")
    files = {**front_matter(path, "translation: x-y\n"), counterpart(path, "x-y"): original}
    what = "pages" if path == PAGE else "events"
    assert problems(tmp_path, files) == [
        f"{path}:2: translation: 'x-y' is also in lang 'en'; a translation links {what} in "
        "different languages"
    ]
