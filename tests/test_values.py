"""Hostile YAML and values later code cannot carry are reported by make check and the build
alike, with their exact messages; edge values that pass really build into feeds and calendars.
"""

from __future__ import annotations

import lxml.etree
import pytest

from furusato.errors import ContentError
from furusato.reading import yamlsource
from furusato.schemas import iana_zones
from furusato.urls import NATIONAL_NAMES, PREFECTURE_NAMES
from tests.sitebuild import GOOD_ARTICLE as ARTICLE
from tests.sitebuild import SITES, build_site, copy_site
from tests.test_check_messages import EVENT, PROFILE, A, E, run_check, site

CONTROL = (
    "is an invisible control character that feeds and calendars cannot carry; delete it "
    "(it comes with text pasted from a terminal or another program)"
)
RANGE = (
    "write a date in the years 1970 to 2099, which feeds and calendars can carry (check the year)"
)
ZONES = (
    "use an IANA name such as 'Asia/Tokyo', 'Europe/London' or 'America/New_York' (find yours "
    "in the 'TZ identifier' column of https://en.wikipedia.org/wiki/List_of_tz_database_time_zones)"
)
P = "prefectures/tottori.yaml"
PAST_EVENT = EVENT.replace("2026-12-05", "2026-11-05")  # before the tests' "today"


def _summary(extra: str) -> dict[str, str]:
    return {A: ARTICLE.replace("summary: Fine.", f"summary: Fine.\n{extra}")}


# Each case: the files that make it, and the exact lines make check prints.
CASES = {
    "anchor": (
        _summary("x: &a [1, 2]"),
        [
            f"{A}:6: YAML: '&a' is a YAML anchor (it marks a value to copy elsewhere), which "
            "Furusato files do not use; remove it, and put text that starts with & in quotes"
        ],
    ),
    "alias": (
        {A: ARTICLE.replace("summary: Fine.", "summary: *pears")},
        [
            f"{A}:5: YAML: '*pears' is a YAML alias (a copy of a value marked elsewhere with &), "
            "which Furusato files do not use; write the value out in full, and put text that "
            "starts with * in quotes"
        ],
    ),
    "tag": (
        {A: ARTICLE.replace("summary: Fine.", "summary: !!python/object/apply:os.system [ls]")},
        [
            f"{A}:5: YAML: '!!python/object/apply:os.system' is a YAML tag, which Furusato files "
            "do not use; remove it, and put text that starts with ! in quotes"
        ],
    ),
    "deep nesting": (
        _summary("tags: " + "[" * 5000 + "]" * 5000),
        [
            f"{A}:6: YAML: the fields are nested more than 20 levels deep (lists and groups of "
            "fields inside each other); check the indentation, and that every [ and { is closed "
            "by ] and }"
        ],
    ),
    "deep mapping in a profile": (
        {P: PROFILE.read_text(encoding="utf-8") + "x: " + "{a: " * 5000 + "1" + "}" * 5000},
        [
            f"{P}:29: YAML: the fields are nested more than 20 levels deep (lists and groups of "
            "fields inside each other); check the indentation, and that every [ and { is closed "
            "by ] and }"
        ],
    ),
    "front matter too large": (
        _summary("# padding\n" * 30_000),
        [
            f"{A}:2: YAML: the front matter is 293 KB; fields may hold at most 256 KB in all, so "
            "shorten the longest texts (a long text belongs in the Markdown body of an article)"
        ],
    ),
    "body too large": (
        {A: ARTICLE + "Pears. " * 150_000},
        [
            f"{A}:7: text: the file is 1.1 MB; an article, event or page may be at most 1 MB of "
            "text, so shorten it or split it into several"
        ],
    ),
    "body nested too deep": (
        {A: ARTICLE + "".join("  " * i + "- pear\n" for i in range(60))},
        [
            f"{A}:48: text: the text is nested more than 20 levels deep (lists, quotes or [ ] "
            "brackets inside each other, or a line indented very far); Markdown cannot show "
            "that, so flatten it"
        ],
    ),
    "body brackets nested too deep": (
        {A: ARTICLE + "[" * 5000 + "pear" + "]" * 5000 + "\n"},
        [
            f"{A}:7: text: the text is nested more than 20 levels deep (lists, quotes or [ ] "
            "brackets inside each other, or a line indented very far); Markdown cannot show "
            "that, so flatten it"
        ],
    ),
    "title cut by a comment": (
        {A: ARTICLE.replace("title: Fine", "title: Tottori is #1 for pears")},
        [f"{A}:2: title: the text after ' #' was read as a comment; put the title in quotes"],
    ),
    "whole title read as a comment": (
        {A: ARTICLE.replace("title: Fine", "title: #1 for pears")},
        [
            f"{A}:2: title: the text after ' #' was read as a comment; put the title in quotes",
            f"{A}:2: title: this field is empty; write a value after the colon",
        ],
    ),
    "tag cut by a comment": (
        _summary("tags:\n  - pears #tottori"),
        [f"{A}:7: tags[0]: the text after ' #' was read as a comment; put the tag in quotes"],
    ),
    "venue name cut by a comment": (
        {
            E: EVENT.replace(
                "venue: {name: Hall, city: London, country: United Kingdom}",
                "venue:\n  name: Hall #2\n  city: London\n  country: United Kingdom",
            )
        },
        [
            f"{E}:7: venue.name: the text after ' #' was read as a comment; put the venue name "
            "in quotes"
        ],
    ),
    "bio cut by a comment": (
        {
            P: PROFILE.read_text(encoding="utf-8").replace(
                "bio: Fixture ambassador.\n", "bio: We are #1\n"
            )
        },
        [
            f"{P}:28: ambassadors[1].bio: the text after ' #' was read as a comment; put the "
            "bio in quotes"
        ],
    ),
    "vertical tab in a title": (
        {A: ARTICLE.replace("title: Fine", "title: Fi\x0bne")},
        [f"{A}:2: title: U+000B (vertical tab) at column 10 {CONTROL}"],
    ),
    "escape written as an escape": (
        {A: ARTICLE.replace("title: Fine", 'title: "Fi\\ene"')},
        [f"{A}:2: title: U+001B (escape) at column 8 {CONTROL}"],
    ),
    "terminal colours in the body": (
        {A: ARTICLE + "Run \x1b[1mmake\x1b[0m first.\n"},
        [f"{A}:8: text: U+001B (escape) at column 5 {CONTROL} (1 more on this line)"],
    ),
    "C1 control in a venue": (
        {E: EVENT.replace("city: London", "city: Lon\x9bdon")},
        [f"{E}:6: venue.city: U+009B (control character) at column 30 {CONTROL}"],
    ),
    "line separator in a summary": (
        {A: ARTICLE.replace("summary: Fine.", "summary: Fine.\u2028More.")},
        [
            f"{A}:5: summary: U+2028 (line separator) at column 15 is an invisible line break "
            "that YAML, feeds and browsers each read differently; replace it with a space or "
            "start a new line"
        ],
    ),
    "bidi override in a title": (
        {A: ARTICLE.replace("title: Fine", "title: Fi\u202ene")},
        [
            f"{A}:2: title: U+202E (right-to-left override) at column 10 is an invisible "
            "character that changes the order in which the text around it is shown, so the "
            "site would not read as the file does; delete it"
        ],
    ),
    "noncharacter in a profile": (
        {
            P: PROFILE.read_text(encoding="utf-8").replace(
                "Fixture profile", "Fixture\ufffe profile"
            )
        },
        [
            f"{P}:11: introduction.en: U+FFFE (noncharacter) at column 15 is not a character "
            "that text may hold; delete it"
        ],
    ),
    "event in the year 9999": (
        {E: EVENT.replace("2026-12-05", "9999-12-05")},
        [
            f"{E}:3: start: '9999-12-05 18:30' is out of range; {RANGE}",
            f"{E}:4: end: '9999-12-05 21:00' is out of range; {RANGE}",
        ],
    ),
    "article before 1970": (
        {A: ARTICLE.replace("2026-05-01", "1969-12-31")},
        [f"{A}:3: date: '1969-12-31' is out of range; {RANGE}"],
    ),
    "posted after 2099": (
        {E: EVENT.replace("organizer:", "posted: 2100-01-01\norganizer:")},
        [f"{E}:7: posted: '2100-01-01' is out of range; {RANGE}"],
    ),
    "JET years before JET": (
        {P: PROFILE.read_text(encoding="utf-8").replace("from: 2019", "from: 1986")},
        [f"{P}:21: ambassadors[0].jet_years.from: 1986 is out of range; it must be at least 1987"],
    ),
    "localtime": (
        {E: EVENT.replace("Europe/London", "localtime")},
        [f"{E}:5: timezone: 'localtime' is not a time zone; {ZONES}"],
    ),
    "posixrules": (
        {E: EVENT.replace("Europe/London", "posixrules")},
        [f"{E}:5: timezone: 'posixrules' is not a time zone; {ZONES}"],
    ),
    "Factory": (
        {E: EVENT.replace("Europe/London", "Factory")},
        [f"{E}:5: timezone: 'Factory' is not a time zone; {ZONES}"],
    ),
    "zone file path": (
        {E: EVENT.replace("Europe/London", "/usr/share/zoneinfo/Europe/London")},
        [f"{E}:5: timezone: '/usr/share/zoneinfo/Europe/London' is not a time zone; {ZONES}"],
    ),
    "zone in the wrong case": (
        {E: EVENT.replace("Europe/London", "europe/london")},
        [
            f"{E}:5: timezone: 'europe/london' is not a time zone (did you mean "
            f"'Europe/London'?); {ZONES}"
        ],
    ),
    "400-digit attendance": (
        {E: PAST_EVENT.replace("organizer:", "attendance: " + "4" * 400 + "\norganizer:")},
        [f"{E}:7: attendance: a number of 400 digits is out of range; it must be at most 1000000"],
    ),
    "5000-digit attendance": (
        {E: PAST_EVENT.replace("organizer:", "attendance: " + "4" * 5000 + "\norganizer:")},
        [
            f"{E}:2: YAML: not valid YAML: a value could not be read; check that numbers are "
            "written plainly (42, 1250.50) and put other text in quotes"
        ],
    ),
    "infinite attendance": (
        {E: PAST_EVENT.replace("organizer:", "attendance: .inf\norganizer:")},
        [f"{E}:7: attendance: expected a number such as 42, found .inf"],
    ),
    "funds not a number": (
        {
            E: PAST_EVENT.replace(
                "organizer:", "funds_raised: {amount: .nan, currency: GBP}\norganizer:"
            )
        },
        [f"{E}:7: funds_raised.amount: expected a number such as 42, found .nan"],
    ),
    "funds of 400 digits": (
        {
            E: PAST_EVENT.replace(
                "organizer:", "funds_raised: {amount: " + "9" * 400 + ", currency: GBP}\norganizer:"
            )
        },
        [
            f"{E}:7: funds_raised.amount: a number of 400 digits has too many digits; write an "
            "amount such as 1250 or 1250.50"
        ],
    ),
    "1 MB title": (
        {A: ARTICLE.replace("title: Fine", "title: " + "x" * 200_000)},
        [f"{A}:2: title: is too long (200000 characters); use at most 200"],
    ),
    "too many tags": (
        _summary("tags: [" + ", ".join(f"t{i}" for i in range(25)) + "]"),
        [f"{A}:6: tags: has 25 items; use at most 20"],
    ),
    "page slug is a prefecture": (
        {"content/pages/tottori.md": "---\ntitle: T\n---\nText.\n"},
        [
            "content/pages/tottori.md:1: slug: the URL /tottori/ is the tottori prefecture's "
            "site; give the page another 'slug:' or file name"
        ],
    ),
    "page slug is a generated page": (
        {"content/pages/report.md": "---\ntitle: T\nslug: impact\n---\nText.\n"},
        [
            "content/pages/report.md:3: slug: the URL /impact/ is taken by a page Furusato makes "
            "itself (the names it uses are listed in DESIGN.md under Outputs); give the page "
            "another 'slug:' or file name"
        ],
    ),
    "page slug is a feed's name": (
        {"content/pages/regions.md": "---\ntitle: T\n---\nText.\n"},
        [
            "content/pages/regions.md:1: slug: the URL /regions/ is taken by a page Furusato "
            "makes itself (the names it uses are listed in DESIGN.md under Outputs); give the "
            "page another 'slug:' or file name"
        ],
    ),
    "page without a slug": (
        {"content/pages/___.md": "---\ntitle: T\n---\nText.\n"},
        [
            "content/pages/___.md:1: slug: no URL slug could be made from the file name; add "
            "'slug: <ascii-words>'"
        ],
    ),
    "article slug is the list's pages": (
        {"content/tottori/articles/2026-05-01-page.md": ARTICLE},
        [
            "content/tottori/articles/2026-05-01-page.md:1: slug: the URL "
            "/tottori/articles/page/ is taken by the article list's further pages "
            "(/tottori/articles/page/2/); give the article another 'slug:' or file name"
        ],
    ),
    "profile named like a generated page": (
        {"prefectures/impact.yaml": PROFILE.read_text(encoding="utf-8")},
        [
            "prefectures/impact.yaml:1: file name: 'impact' is a name the site uses for its own "
            "pages (/impact/); name the file after the prefecture, like 'tottori.yaml'"
        ],
    ),
}


@pytest.mark.parametrize("kind", list(CASES))
def test_each_value_problem_has_its_exact_message(kind, tmp_path, capsys, monkeypatch):
    files, expected = CASES[kind]
    code, _out, err = run_check(site(tmp_path, files), capsys, monkeypatch)
    assert code == 1
    lines = err.splitlines()
    assert lines[:-1] == expected
    assert lines[-1].endswith(
        "found; nothing was published. Fix the lines above and run `make check` again."
    )


@pytest.mark.parametrize(
    "line",
    [
        "title: Sand dunes in winter   # the headline, as readers will see it",  # the template
        "title: C# for beginners",  # no space before '#': not a comment
        "title: Fine  #",  # nothing after '#': nothing lost
        'title: "Tottori is #1 for pears"',
    ],
)
def test_notes_after_a_value_are_not_reported(line, tmp_path, capsys, monkeypatch):
    files = {A: ARTICLE.replace("title: Fine", line)}
    assert run_check(site(tmp_path, files), capsys, monkeypatch)[0] == 0


def test_a_note_after_a_number_or_a_date_is_a_comment(tmp_path, capsys, monkeypatch):
    event = PAST_EVENT.replace("organizer:", "attendance: 40  #est.\norganizer:").replace(
        "start: 2026-11-05 18:30", "start: 2026-11-05 18:30 #local"
    )
    assert run_check(site(tmp_path, {E: event}), capsys, monkeypatch)[0] == 0


def test_nesting_and_characters_at_the_limits_pass(tmp_path, capsys, monkeypatch):
    """20 levels are read (21 are not); tabs, U+200E and emoji are text."""
    deep = "x: " + "[" * 19 + "]" * 19  # with the document itself: 20 levels
    assert yamlsource.load(deep)[0] == {"x": [[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]}
    with pytest.raises(yamlsource.YamlSyntaxError):
        yamlsource.load("x: " + "[" * 20 + "]" * 20)
    title = "title: 'Fine\tpears \u200e🍐 \u200d'"
    files = {A: ARTICLE.replace("title: Fine", title) + "Tab\there, 🍐\u200d.\n"}
    assert run_check(site(tmp_path, files), capsys, monkeypatch)[0] == 0


def test_find_bad_characters_names_each_kind():
    text = "ok\n\x00\x07\x08\x0c\x7f\x85\u2029\u2066\ufdd0\U0010ffff\n"
    assert yamlsource.find_bad_characters(text, first_line=5) == [(6, 1, "\x00", 9)]
    names = [yamlsource.describe_character(c) for c in text[3:-1]]
    assert names == [
        "U+0000 (null)",
        "U+0007 (bell)",
        "U+0008 (backspace)",
        "U+000C (form feed)",
        "U+007F (delete)",
        "U+0085 (next line)",
        "U+2029 (paragraph separator)",
        "U+2066 (left-to-right isolate)",
        "U+FDD0 (noncharacter)",
        "U+10FFFF (noncharacter)",
    ]
    assert yamlsource.describe_character("\ud800") == "U+D800 (lone surrogate)"
    assert yamlsource.find_bad_characters("tab\tnew\r\nline é 日本 \u200e\u200f\ufeff") == []


def test_front_matter_lines_end_only_at_newlines():
    """A form feed must not end a line (str.splitlines would), or lines would disagree."""
    front = yamlsource.split_front_matter("---\ntitle: a\x0c---\nx: 1\n---\nbody\n")
    assert front.yaml_text == "title: a\x0c---\nx: 1\n"
    assert front.body_line == 5


def test_zone_names_come_from_tzdata():
    zones = iana_zones()
    assert {"Asia/Tokyo", "Europe/London", "America/New_York", "UTC"} <= zones
    assert not {"localtime", "posixrules", "Factory", "Europe/london"} & zones


# Documents that once hung or crashed: each must give a clean message from check and build.
NASTY = [
    "a: &a ['lol','lol','lol','lol','lol','lol','lol','lol','lol']\n"
    + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
    ),
    "a: &a [*a]\n",
    "a: &a {b: *a}\n",
    "<<: *nothing\n",
    "a: " + "[" * 5000 + "\n",
    "a: " + "{a: " * 5000 + "1" + "}" * 5000 + "\n",
    "".join("  " * i + "a:\n" for i in range(3000)),
    "".join("  " * i + "-\n" for i in range(3000)),
    "a: !!python/object/new:os.system [echo hi]\n",
    "a: !!binary aGk=\n",
    "a: !custom x\n",
    "a: 1" + "0" * 5000 + "\n",
    "? [a, b]\n: c\n",
    "a: '\x00'\n",
    'a: "\\ud800"\n',
    "- just\n- a list\n",
    "title\n",
    "a: b\n" * 30_000,
    "\ufeff\ufeffa: b\n",
]


@pytest.mark.parametrize("index", range(len(NASTY)))
def test_nasty_yaml_gives_clean_messages_in_check_and_build(index, tmp_path, capsys, monkeypatch):
    text = NASTY[index]
    profile = PROFILE.read_text(encoding="utf-8")
    root = site(
        tmp_path,
        {
            A: "---\n" + text + "---\nBody.\n",
            "prefectures/shimane.yaml": text,
            "prefectures/tottori.yaml": profile.replace(
                "introduction:", f"x: {text!r}\nintroduction:"
            )
            if index % 2
            else profile,
        },
    )
    code, out, err = run_check(root, capsys, monkeypatch)
    assert code == 1, (out, err)
    lines = err.splitlines()
    assert "Traceback" not in err
    assert all(line.startswith(("content/", "prefectures/")) for line in lines[:-1]), lines
    assert {line.split(":", 1)[0] for line in lines[:-1]} >= {A, "prefectures/shimane.yaml"}
    with pytest.raises(ContentError) as caught:
        build_site(root, tmp_path / "out")
    assert [p.format() for p in caught.value.problems] == lines[:-1]


def test_edge_dates_build_into_feeds_and_calendars(tmp_path):
    """The first and last moments of the allowed range survive every writer."""

    def event(start: str, end: str, zone: str, slug: str) -> str:
        return (
            EVENT.replace("2026-12-05 18:30", start)
            .replace("2026-12-05 21:00", end)
            .replace("Europe/London", zone)
            .replace("organizer:", f"slug: {slug}\norganizer:")
        )

    files = {
        "content/tottori/articles/1970-01-01-first.md": ARTICLE.replace(
            "2026-05-01", "1970-01-01 00:00"
        ).replace("title: Fine", "title: First"),
        "content/tottori/articles/2099-12-31-last.md": ARTICLE.replace(
            "2026-05-01", "2099-12-31 23:59"
        ).replace("title: Fine", "title: Last"),
        "content/tottori/events/early.md": event(
            "1970-01-01 00:00", "1970-01-01 01:00", "Pacific/Kiritimati", "early"
        ),
        "content/tottori/events/late.md": event(
            "2099-12-31 22:00", "2099-12-31 23:59", "Pacific/Pago_Pago", "late"
        ),
        "content/tottori/events/last-day.md": EVENT.replace(
            "start: 2026-12-05 18:30\nend: 2026-12-05 21:00\ntimezone: Europe/London",
            "start: 2099-12-31\nall_day: true\nslug: last-day",
        ),
    }
    root = copy_site("two_prefectures", tmp_path / "site", files)
    out = build_site(root, tmp_path / "out")
    rss = lxml.etree.parse(str(out / "tottori/feed.xml"))
    dates = rss.xpath("//item[title='First' or title='Last']/pubDate/text()")
    assert sorted(dates) == ["Thu, 01 Jan 1970 00:00:00 +0900", "Thu, 31 Dec 2099 23:59:00 +0900"]
    atom = (out / "tottori/atom.xml").read_text(encoding="utf-8")
    assert "1970-01-01T00:00:00+09:00" in atom and "2099-12-31T23:59:00+09:00" in atom
    ics = (out / "tottori/events.ics").read_text(encoding="utf-8")
    assert "DTSTART;TZID=Pacific/Kiritimati:19700101T000000" in ics
    assert "DTEND;TZID=Pacific/Pago_Pago:20991231T235900" in ics
    assert "DTEND;VALUE=DATE:21000101" in ics


def test_the_reserved_names_cover_everything_a_build_writes(two_prefectures, tmp_path):
    """The URL contract's names (urls.py) list every name a build writes at the top of the
    site and of each prefecture, so slug checks cannot miss a generated page."""
    slugs = {p.stem for p in (SITES / "two_prefectures/prefectures").glob("*.yaml")}
    pages = {p.stem for p in (SITES / "two_prefectures/content/pages").glob("*.md")}
    top = {p.name for p in two_prefectures.iterdir()}
    assert top - slugs - pages - NATIONAL_NAMES == set()
    assert {p.name for p in (two_prefectures / "tottori").iterdir()} - PREFECTURE_NAMES == set()
    alone = build_site(SITES / "two_prefectures", tmp_path / "alone", prefecture="tottori")
    assert {p.name for p in alone.iterdir()} - PREFECTURE_NAMES - NATIONAL_NAMES == set()
