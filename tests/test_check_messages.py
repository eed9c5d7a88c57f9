"""`furusato check` (make check) prints each kind of mistake exactly, and as Actions annotations."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel, ValidationError

from furusato.commands import cli
from furusato.reading.messages import problems_from
from furusato.reading.yamlsource import LineMap
from furusato.schemas import ArticleSchema, EventSchema, PageSchema, ProfileSchema
from tests.sitebuild import GOOD_ARTICLE, copy_site
from tests.test_images import png

EVENT = """---
title: Evening
start: 2026-12-05 18:30
end: 2026-12-05 21:00
timezone: Europe/London
venue: {name: Hall, city: London, country: United Kingdom}
organizer: amy-chen
summary: An evening.
---
Come.
"""
A = "content/tottori/articles/2026-05-01-x.md"
E = "content/tottori/events/2026-12-05-x.md"
PROFILE = Path(__file__).parent / "sites/two_prefectures/prefectures/tottori.yaml"


def run_check(root: Path, capsys, monkeypatch, actions: bool = False) -> tuple[int, str, str]:
    monkeypatch.setenv("GITHUB_ACTIONS", "true" if actions else "false")
    code = cli.main(["check", "--root", str(root)])
    out = capsys.readouterr()
    return code, out.out, out.err


def site(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    root = copy_site("two_prefectures", tmp_path / "site")
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
    return root


# Each kind of mistake: the files that make it, and the exact line make check prints.
MISTAKES = {
    "missing field": (
        {A: GOOD_ARTICLE.replace("summary: Fine.\n", "")},
        f"{A}:2: summary: this field is required but missing; add a line such as "
        "'summary: One or two sentences for lists and feeds.'",
    ),
    "wrong type": (
        {A: GOOD_ARTICLE.replace("summary: Fine.", "summary: Fine.\ntags: nature, winter")},
        f"{A}:6: tags: expected a list (one '- item' per line, or [a, b]), found 'nature, winter'",
    ),
    "empty value": (
        {A: GOOD_ARTICLE.replace("title: Fine", "title:")},
        f"{A}:2: title: this field is empty; write a value after the colon",
    ),
    "unknown field": (
        {A: GOOD_ARTICLE.replace("summary: Fine.", "summary: Fine.\nimage_alt_text: x")},
        f"{A}:6: image_alt_text: unknown field; did you mean 'image_alt'? allowed fields here: "
        "title, date, author, summary, updated, kind, lang, tags, slug, image, image_alt, "
        "translation, status, number, submitted, decided, response_url, recap_of, example",
    ),
    "bad choice": (
        {A: GOOD_ARTICLE.replace("summary: Fine.", "summary: Fine.\nlang: fr")},
        f"{A}:6: lang: 'fr' is not allowed here; use one of: en, ja",
    ),
    "bad date": (
        {A: GOOD_ARTICLE.replace("2026-05-01", "1 May 2026")},
        f"{A}:3: date: '1 May 2026' is not a date; write a date as YYYY-MM-DD (2026-05-01) or "
        "a date and time as YYYY-MM-DD HH:MM (2026-05-01 18:30)",
    ),
    "bad YAML": (
        {A: GOOD_ARTICLE.replace("summary: Fine.", "summary: Fine: really")},
        f"{A}:5: YAML: YAML syntax error: mapping values are not allowed in this context; "
        "check the indentation, and put text that contains ': ' or starts with a special "
        "character (such as @, *, &, ', \", [ or {) in quotes",
    ),
    "no front matter": (
        {A: "title: Fine\n"},
        f"{A}:1: front matter: the file must start with a line '---', then the fields "
        "(title: ..., date: ...), then another '---' line; copy the layout from the template",
    ),
    "duplicate key": (
        {A: GOOD_ARTICLE.replace("summary: Fine.", "summary: Fine.\ntitle: Again")},
        f"{A}:6: title: this field is written twice; keep one",
    ),
    "duplicate key in a list": (
        {
            "prefectures/tottori.yaml": PROFILE.read_text(encoding="utf-8").replace(
                "    name: Ken Sato\n", "    name: Ken Sato\n    name: Ken\n"
            )
        },
        "prefectures/tottori.yaml:27: ambassadors[1].name: this field is written twice; keep one",
    ),
    "too long": (
        {A: GOOD_ARTICLE.replace("summary: Fine.", "summary: Fine.\nslug: " + "a" * 81)},
        f"{A}:6: slug: is too long (81 characters); use at most 80",
    ),
    "not an ambassador": (
        {A: GOOD_ARTICLE.replace("amy-chen", "amy")},
        f"{A}:4: author: 'amy' is not an ambassador of tottori (known: amy-chen, ken-sato); "
        "use an id from prefectures/tottori.yaml or add yourself there",
    ),
    "unknown prefecture folder": (
        {"content/tottory/articles/2026-05-01-x.md": GOOD_ARTICLE},
        "content/tottory/articles/2026-05-01-x.md:1: prefecture: the folder 'content/tottory/' "
        "is not a prefecture; did you mean 'tottori'? move the file into the folder named like "
        "its profile in prefectures/",
    ),
    "wrong place": (
        {"content/tottori/2026-05-01-x.md": GOOD_ARTICLE},
        "content/tottori/2026-05-01-x.md:1: location: this file is not in a place the site "
        "reads; articles go in content/<prefecture>/articles/, events in "
        "content/<prefecture>/events/, site pages in content/pages/",
    ),
    "event without time zone": (
        {E: EVENT.replace("timezone: Europe/London\n", "")},
        f"{E}:2: timezone: this field is required when times are given; add the IANA time zone "
        "where the event happens, such as 'Europe/London' (times are never assumed to be "
        "Japan time)",
    ),
    "bad time zone": (
        {E: EVENT.replace("Europe/London", "London")},
        f"{E}:5: timezone: 'London' is not a time zone (did you mean 'Europe/London'?); use an "
        "IANA name such as 'Asia/Tokyo', 'Europe/London' or 'America/New_York' (find yours in "
        "the 'TZ identifier' column of https://en.wikipedia.org/wiki/List_of_tz_database_time_zones)",
    ),
    "event ends before it starts": (
        {E: EVENT.replace("21:00", "17:00")},
        f"{E}:4: end: the end (2026-12-05 17:00) is not after the start (2026-12-05 18:30)",
    ),
    "bad web address": (
        {E: EVENT.replace("organizer:", "registration_url: www.example.org\norganizer:")},
        f"{E}:7: registration_url: 'www.example.org' is not a web address; write the full URL "
        "starting with https://",
    ),
    "fractional number": (
        {E: EVENT.replace("organizer:", "attendance: 4.5\norganizer:")},
        f"{E}:7: attendance: expected a whole number, found 4.5",
    ),
    "bad currency": (
        {
            E: EVENT.replace(
                "organizer:", "funds_raised: {amount: 10, currency: pounds}\norganizer:"
            )
        },
        f"{E}:7: funds_raised.currency: 'pounds' is not a currency code; use a three-letter "
        "ISO 4217 code such as JPY, GBP or USD",
    ),
    "bad coordinator handle": (
        {
            "prefectures/tottori.yaml": PROFILE.read_text(encoding="utf-8").replace(
                "[fixture-coordinator]", "[Fixture Coordinator]"
            )
        },
        "prefectures/tottori.yaml:16: coordinators[0]: 'Fixture Coordinator' is not a git-host "
        "handle; write a user name such as 'octocat' or a team such as "
        "'my-org/tottori-coordinators'",
    ),
    "unsafe HTML": (
        {A: GOOD_ARTICLE + '\n<p onmouseover="steal()">Hover</p>\n'},
        f"{A}:9: html: the onmouseover attribute on <p> is not allowed (event handlers run "
        "scripts); remove it",
    ),
    "missing image": (
        {A: GOOD_ARTICLE + "\n![The dunes](../images/dunes.png)\n"},
        f"{A}:9: image: the file 'content/tottori/images/dunes.png' does not exist; put the "
        "picture in content/tottori/images/ or fix the file name (names are case-sensitive)",
    ),
    "missing front-matter image": (
        {
            A: GOOD_ARTICLE.replace(
                "summary: Fine.", "summary: Fine.\nimage: images/nope.jpg\nimage_alt: Nothing"
            )
        },
        f"{A}:6: image: the file 'content/tottori/images/nope.jpg' does not exist; put the "
        "picture in content/tottori/images/ or fix the file name (names are case-sensitive)",
    ),
    "missing alt": (
        {A: GOOD_ARTICLE + "\n![](../images/dunes.svg)\n"},
        f"{A}:9: alt: the picture '../images/dunes.svg' has no description for readers who "
        "cannot see it; write one between the brackets: "
        "![what the picture shows](../images/dunes.svg)",
    ),
    "missing image_alt": (
        {A: GOOD_ARTICLE.replace("summary: Fine.", "summary: Fine.\nimage: images/dunes.svg")},
        f"{A}:6: image_alt: an image needs a description for readers who cannot see it; add "
        "'image_alt: <what the picture shows>'",
    ),
    "image too large": (
        {
            A: GOOD_ARTICLE + "\n![Big](../images/big.jpg)\n",
            "content/tottori/images/big.jpg": b"\xff" * 15_500_000,
        },
        f"{A}:9: image: the picture 'content/tottori/images/big.jpg' is 15.5 MB; pictures "
        "must be at most 15 MB, so make it smaller (for example 2400 pixels wide, saved as "
        "JPEG at quality 85)",
    ),
    "image outside images/": (
        {
            A: GOOD_ARTICLE + "\n![Photo](photo.jpg)\n",
            "content/tottori/articles/photo.jpg": b"jpeg",
        },
        f"{A}:9: image: the picture 'content/tottori/articles/photo.jpg' is not in a "
        "prefecture's images folder; put it in content/<prefecture>/images/ and refer to it "
        "from there",
    ),
    "front-matter image outside images/": (
        {
            A: GOOD_ARTICLE.replace(
                "summary: Fine.", "summary: Fine.\nimage: /etc/passwd\nimage_alt: x"
            )
        },
        f"{A}:6: image: the picture '/etc/passwd' is not in a prefecture's images "
        "folder; put it in content/<prefecture>/images/ and refer to it from there",
    ),
    "picture on another site": (
        {A: GOOD_ARTICLE + "\n![Dunes](https://example.org/dunes.jpg)\n"},
        f"{A}:9: image: 'https://example.org/dunes.jpg' is a picture on another site; save it "
        "in content/<prefecture>/images/ and write ![what it shows](../images/<file name>)",
    ),
}


def annotation(line: str) -> str:
    """The ::error form of a `path:line: field: message` line, escaped as Actions wants."""
    location, field, message = line.split(": ", 2)
    path, number = location.rsplit(":", 1)

    def prop(text: str) -> str:
        return text.replace("%", "%25").replace(":", "%3A").replace(",", "%2C")

    return f"::error file={prop(path)},line={number},title={prop(field)}::{message}"


@pytest.mark.parametrize("kind", list(MISTAKES))
def test_each_mistake_has_its_exact_message_and_annotation(kind, tmp_path, capsys, monkeypatch):
    files, expected = MISTAKES[kind]
    code, out, err = run_check(site(tmp_path, files), capsys, monkeypatch, actions=True)
    assert code == 1
    assert err.splitlines() == [
        expected,
        "1 problem found; nothing was published. Fix the lines above and run `make check` again.",
    ]
    assert out.splitlines() == [annotation(expected)]


def test_annotation_escapes_properties():
    _files, expected = MISTAKES["bad currency"]
    assert annotation(expected) == (
        "::error file=content/tottori/events/2026-12-05-x.md,line=7,title=funds_raised.currency"
        "::'pounds' is not a currency code; use a three-letter ISO 4217 code such as JPY, GBP "
        "or USD"
    )


def test_every_problem_in_every_file_is_reported_at_once(tmp_path, capsys, monkeypatch):
    files = {
        **MISTAKES["unsafe HTML"][0],
        **MISTAKES["bad time zone"][0],
        **MISTAKES["bad coordinator handle"][0],
    }
    code, out, err = run_check(site(tmp_path, files), capsys, monkeypatch)
    assert (code, out) == (1, "")  # annotations only inside GitHub Actions
    assert err.splitlines() == [
        MISTAKES["unsafe HTML"][1],
        MISTAKES["bad time zone"][1],
        MISTAKES["bad coordinator handle"][1],
        "3 problems found; nothing was published. Fix the lines above and run `make check` again.",
    ]


def test_clean_content_passes(tmp_path, capsys, monkeypatch):
    code, out, err = run_check(site(tmp_path, {A: GOOD_ARTICLE, E: EVENT}), capsys, monkeypatch)
    assert (code, err) == (0, "")
    assert out == "OK: 2 profiles, 15 articles, 3 events, 1 pages; no problems found\n"


def test_adding_the_missing_picture_fixes_the_problem(tmp_path, capsys, monkeypatch):
    """Picture checks are not cached with the Markdown file that refers to them."""
    root = site(tmp_path, MISTAKES["missing image"][0])
    assert run_check(root, capsys, monkeypatch)[0] == 1
    (root / "content/tottori/images/dunes.png").write_bytes(png(3, 2))
    assert run_check(root, capsys, monkeypatch)[0] == 0
    (root / "content/tottori/images/dunes.png").write_bytes(b"\0" * 15_000_001)
    code, _, err = run_check(root, capsys, monkeypatch)
    assert code == 1
    assert "is 15.0 MB; pictures must be at most 15 MB" in err


# Values of the wrong kind for every field of every schema: each must give a message written
# for contributors, never pydantic's own English.
WRONG_VALUES = [None, "", "  ", 4.5, -1, True, [1], {"x": 1}, "x" * 200, "Not valid!", "13:99"]
VALID = {
    ArticleSchema: {"title": "t", "date": "2026-05-01", "author": "amy-chen", "summary": "s"},
    EventSchema: {
        "title": "t",
        "start": "2026-05-01",
        "all_day": True,
        "organizer": "amy-chen",
        "summary": "s",
        "online_url": "https://example.org/",
        "venue": {"name": "n", "city": "c", "country": "c"},
        "funds_raised": {"amount": 10, "currency": "GBP"},
    },
    PageSchema: {"title": "t"},
    ProfileSchema: {
        "code": "JP-31",
        "name": {"en": "a", "ja": "b"},
        "region": "chugoku",
        "capital": {"en": "a", "ja": "b"},
        "tile": {"col": 1, "row": 1},
        "introduction": {"en": "x", "ja": "y"},
        "links": [{"label": "l", "url": "https://example.org/"}],
        "ambassadors": [
            {
                "id": "a",
                "name": "n",
                "role": "CIR",
                "bio": "b",
                "jet_years": {"from": 2019},
                "links": [{"label": "l", "url": "https://example.org/"}],
            }
        ],
    },
}


def _field_paths(model: type[BaseModel], data: dict, prefix=()):
    """Yield (path, value-holder) for every field of `model`, nested ones included."""
    for name, info in model.model_fields.items():
        key = info.alias or name
        yield (*prefix, key)
        value = data.get(key)
        nested = _nested_model(info.annotation)
        if nested is not None and isinstance(value, dict):
            yield from _field_paths(nested, value, (*prefix, key))
        elif nested is not None and isinstance(value, list) and value:
            yield from _field_paths(nested, value[0], (*prefix, key, 0))


def _nested_model(annotation):
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _nested_model(arg)
        if found is not None:
            return found
    return None


def _set(data, path, value):
    import copy

    data = copy.deepcopy(data)
    target = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return data


@pytest.mark.parametrize("model", list(VALID), ids=lambda m: m.__name__)
def test_every_field_speaks_to_contributors(model):
    model.model_validate(VALID[model])
    unchecked = []
    for path in _field_paths(model, VALID[model]):
        messages = []
        for wrong in WRONG_VALUES:
            try:
                model.model_validate(_set(VALID[model], path, wrong))
            except ValidationError as exc:
                messages += [p.message for p in problems_from(exc, "f", LineMap(), model)]
        for message in messages:
            for english in (
                "Input should",
                "String should",
                "Value error",
                "valid integer",
                "Field required",
                "Extra inputs",
            ):
                assert english not in message, (path, message)
        if not messages:
            unchecked.append(path)
    assert unchecked == []


def test_make_check_fails_with_annotations_in_actions(tmp_path):
    """The Makefile target itself: non-zero exit, the problem line, and its annotation."""
    import os
    import subprocess

    from tests.sitebuild import REPO

    root = site(tmp_path, MISTAKES["unsafe HTML"][0])
    for name in ("plugins", "theme", "Makefile", "requirements.lock", ".venv", "pelicanconf.py"):
        (root / name).symlink_to(REPO / name)
    env = {**os.environ, "GITHUB_ACTIONS": "true"}
    done = subprocess.run(
        ["make", "-s", "check"], cwd=root, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode != 0
    assert MISTAKES["unsafe HTML"][1] in done.stderr.splitlines()
    assert done.stdout.splitlines() == [annotation(MISTAKES["unsafe HTML"][1])]
