"""Invalid profiles and articles stop the build with exact `path:line: field: message` lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from furusato.errors import ContentError
from furusato.reading.loader import Options, load_site
from tests.sitebuild import GOOD_ARTICLE, build_site, copy_site


def problems(root: Path) -> list[str]:
    """Load `root` and return every formatted problem (failing if there are none)."""
    with pytest.raises(ContentError) as info:
        load_site(Options(root=root))
    return [p.format() for p in info.value.problems]


def with_files(tmp_path: Path, files: dict[str, str | None]) -> Path:
    return copy_site("two_prefectures", tmp_path / "site", files)


def test_bad_yaml_names_the_line(tmp_path):
    root = with_files(tmp_path, {"content/tottori/articles/x.md": "---\ntitle: A: b\n---\n"})
    assert problems(root) == [
        "content/tottori/articles/x.md:2: YAML: YAML syntax error: mapping values are not "
        "allowed in this context; check the indentation, and put text that contains ': ' or "
        "starts with a special character (such as @, *, &, ', \", [ or {) in quotes"
    ]


def test_missing_fields_are_all_reported_with_an_example(tmp_path):
    root = with_files(tmp_path, {"content/tottori/articles/x.md": "---\ntitle: A\n---\n"})
    assert problems(root) == [
        "content/tottori/articles/x.md:2: author: this field is required but missing; "
        "add a line such as 'author: amy-chen'",
        "content/tottori/articles/x.md:2: date: this field is required but missing; "
        "add a line such as 'date: 2026-05-01'",
        "content/tottori/articles/x.md:2: summary: this field is required but missing; "
        "add a line such as 'summary: One or two sentences for lists and feeds.'",
    ]


def test_wrong_type_impossible_date_and_bad_choice(tmp_path):
    text = GOOD_ARTICLE.replace("date: 2026-05-01", "date: 2026-13-01").replace(
        "summary: Fine.", "summary: [a, b]\nkind: blog"
    )
    root = with_files(tmp_path, {"content/tottori/articles/x.md": text})
    assert problems(root) == [
        "content/tottori/articles/x.md:3: date: '2026-13-01' is not a date; write a date as "
        "YYYY-MM-DD (2026-05-01) or a date and time as YYYY-MM-DD HH:MM (2026-05-01 18:30)",
        "content/tottori/articles/x.md:5: summary: expected text, found a list",
        "content/tottori/articles/x.md:6: kind: 'blog' is not allowed here; use one of: "
        "story, guide, news, proposal",
    ]


def test_unknown_field_suggests_the_right_one(tmp_path):
    text = GOOD_ARTICLE.replace("summary: Fine.", "summary: Fine.\nsumary: typo")
    root = with_files(tmp_path, {"content/tottori/articles/x.md": text})
    assert problems(root) == [
        "content/tottori/articles/x.md:6: sumary: unknown field; did you mean 'summary'? "
        "allowed fields here: title, date, author, summary, updated, kind, lang, tags, slug, "
        "image, image_alt, translation, status, number, submitted, decided, response_url, "
        "recap_of, example"
    ]


def test_author_must_be_an_ambassador_of_that_prefecture(tmp_path):
    text = GOOD_ARTICLE.replace("amy-chen", "jdoe")
    root = with_files(tmp_path, {"content/tottori/articles/x.md": text})
    assert problems(root) == [
        "content/tottori/articles/x.md:4: author: 'jdoe' is not an ambassador of tottori "
        "(known: amy-chen, ken-sato); use an id from prefectures/tottori.yaml or add yourself there"
    ]


def test_unknown_prefecture_folder(tmp_path):
    root = with_files(tmp_path, {"content/tottory/articles/x.md": GOOD_ARTICLE})
    assert problems(root) == [
        "content/tottory/articles/x.md:1: prefecture: the folder 'content/tottory/' is not a "
        "prefecture; did you mean 'tottori'? move the file into the folder named like its "
        "profile in prefectures/"
    ]


def test_duplicate_slug_names_both_files(tmp_path):
    text = GOOD_ARTICLE.replace("summary: Fine.", "summary: Fine.\nslug: article-00")
    root = with_files(tmp_path, {"content/tottori/articles/x.md": text})
    both = (
        "the URL tottori/articles/article-00/ is used by more than one file "
        "(content/tottori/articles/2026-01-01-article-00.md, content/tottori/articles/x.md); "
        "give one of them a different 'slug:' or file name"
    )
    assert problems(root) == [
        f"content/tottori/articles/2026-01-01-article-00.md:2: slug: {both}",
        f"content/tottori/articles/x.md:6: slug: {both}",
    ]


def test_file_outside_known_folders_is_not_skipped(tmp_path):
    root = with_files(tmp_path, {"content/tottori/article/x.md": GOOD_ARTICLE})
    assert problems(root) == [
        "content/tottori/article/x.md:1: location: this file is not in a place the site reads; "
        "articles go in content/<prefecture>/articles/, events in "
        "content/<prefecture>/events/, site pages in content/pages/"
    ]


def test_profile_problems_wrong_shape_and_duplicate_key(tmp_path):
    profile = (
        "code: JP-32\nname:\n  en: Shimane\n  ja: 島根県\nregion: chugoku\n"
        "capital: Matsue\ntile: {col: 0, row: 0}\n"
        "introduction: {en: x, ja: y}\nintroduction: {en: x, ja: y}\n"
    )
    root = with_files(tmp_path, {"prefectures/shimane.yaml": profile})
    assert problems(root) == [
        "prefectures/shimane.yaml:6: capital: expected a group of indented fields, found 'Matsue'",
        "prefectures/shimane.yaml:9: introduction: this field is written twice; keep one",
    ]


def test_profile_nested_errors_point_at_the_ambassador(tmp_path):
    profile = Path(__file__).parent / "sites/two_prefectures/prefectures"
    text = (profile / "tottori.yaml").read_text().replace("role: CIR", "role: teacher")
    text = text.replace("code: JP-31", "code: JP-99")
    root = with_files(tmp_path, {"prefectures/tottori.yaml": text})
    assert problems(root) == [
        "prefectures/tottori.yaml:1: code: 'JP-99' is not a prefecture code; "
        "use JP-01 (Hokkaido) … JP-47 (Okinawa)",
        "prefectures/tottori.yaml:20: ambassadors[0].role: 'teacher' is not allowed here; "
        "use one of: CIR, ALT, SEA, alumnus",
    ]


def test_every_problem_in_every_file_at_once(tmp_path):
    root = with_files(
        tmp_path,
        {
            "content/tottori/articles/a.md": GOOD_ARTICLE.replace("amy-chen", "nobody"),
            "content/shimane/articles/b.md": GOOD_ARTICLE,
            "prefectures/shimane.yaml": "code: JP-32\n",
        },
    )
    found = problems(root)
    # b.md is fine on its own; its cross-checks wait until shimane's profile is valid
    assert [line.split(": ", 2)[:2] for line in found] == [
        ["content/tottori/articles/a.md:4", "author"],
        ["prefectures/shimane.yaml:1", "capital"],
        ["prefectures/shimane.yaml:1", "introduction"],
        ["prefectures/shimane.yaml:1", "name"],
        ["prefectures/shimane.yaml:1", "region"],
        ["prefectures/shimane.yaml:1", "tile"],
    ]


def test_the_build_fails_too_and_writes_nothing(tmp_path):
    root = with_files(tmp_path, {"content/tottori/articles/x.md": "---\ntitle: A\n---\n"})
    out = tmp_path / "out"
    with pytest.raises(ContentError):
        build_site(root, out)
    assert not out.exists()


def test_a_file_that_is_not_markdown_is_not_skipped_silently(tmp_path):
    root = with_files(
        tmp_path,
        {
            "content/tottori/articles/2026-05-01-dunes.md.txt": GOOD_ARTICLE,
            "content/tottori/events/.gitkeep": "",
        },
    )
    assert problems(root) == [
        "content/tottori/articles/2026-05-01-dunes.md.txt:1: file name: only Markdown files are "
        "published from this folder; if this is an article or event, rename it to end in .md "
        "(pictures go in content/tottori/images/)"
    ]
