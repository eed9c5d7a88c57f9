"""Every problem an event post can have, reported as the exact `path:line: field: message` line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from furusato.errors import ContentError
from furusato.reading.loader import Options, load_site
from tests.sitebuild import build_site, copy_site

PATH = "content/tottori/events/x.md"
GOOD = """---
title: Evening
start: 2026-12-05 18:30
end: 2026-12-05 21:00
timezone: Europe/London
venue: {name: Hall, city: London, country: United Kingdom}
organizer: amy-chen
summary: Fine.
---
Body.
"""
VENUE_LINE = "venue: {name: Hall, city: London, country: United Kingdom}\n"
TIMES = "start: 2026-12-05 18:30\nend: 2026-12-05 21:00"


def problems(tmp_path: Path, text: str, **files: str) -> list[str]:
    """Load the events fixture with `text` as x.md; return every problem, formatted."""
    extra = {f"content/tottori/events/{name}.md": body for name, body in files.items()}
    root = copy_site("events", tmp_path / "site", {PATH: text, **extra})
    with pytest.raises(ContentError) as info:
        load_site(Options(root=root, today=date(2026, 11, 24)))
    return [p.format() for p in info.value.problems]


def one(tmp_path: Path, text: str) -> str:
    found = problems(tmp_path, text)
    assert len(found) == 1, found
    return found[0].removeprefix(f"{PATH}:")


def test_good_event_loads(tmp_path):
    root = copy_site("events", tmp_path / "site", {PATH: GOOD})
    site = load_site(Options(root=root, today=date(2026, 11, 24)))
    assert "tottori/events/x" in [e.key for e in site.events]


def test_required_fields_are_all_reported_with_an_example(tmp_path):
    text = "---\nvenue: {name: Hall, city: London, country: United Kingdom}\n---\n"
    assert problems(tmp_path, text) == [
        f"{PATH}:2: organizer: this field is required but missing; "
        "add a line such as 'organizer: amy-chen'",
        f"{PATH}:2: start: this field is required but missing; "
        "add a line such as 'start: 2026-12-05 18:30'",
        f"{PATH}:2: summary: this field is required but missing; "
        "add a line such as 'summary: One or two sentences for lists and feeds.'",
        f"{PATH}:2: title: this field is required but missing; "
        "add a line such as 'title: Sand dunes in winter'",
    ]


def test_time_zone_must_be_a_real_iana_name(tmp_path):
    assert one(tmp_path, GOOD.replace("Europe/London", "Europe/Londn")) == (
        "5: timezone: 'Europe/Londn' is not a time zone (did you mean 'Europe/London'?); use "
        "an IANA name such as 'Asia/Tokyo', 'Europe/London' or 'America/New_York' (find yours "
        "in the 'TZ identifier' column of "
        "https://en.wikipedia.org/wiki/List_of_tz_database_time_zones)"
    )


def test_time_zone_is_required_with_times(tmp_path):
    assert one(tmp_path, GOOD.replace("timezone: Europe/London\n", "")) == (
        "2: timezone: this field is required when times are given; add the IANA time zone "
        "where the event happens, such as 'Europe/London' (times are never assumed to be "
        "Japan time)"
    )


@pytest.mark.parametrize("written", ["5 December 2026 18:30", "2026-02-30 18:30"])
def test_start_must_be_a_date(tmp_path, written):
    assert one(tmp_path, GOOD.replace("2026-12-05 18:30", written)) == (
        f"3: start: '{written}' is not a date; write a date as YYYY-MM-DD (2026-05-01) or a "
        "date and time as YYYY-MM-DD HH:MM (2026-05-01 18:30)"
    )


def test_end_must_be_after_start(tmp_path):
    assert one(tmp_path, GOOD.replace("21:00", "18:00")) == (
        "4: end: the end (2026-12-05 18:00) is not after the start (2026-12-05 18:30)"
    )
    assert one(tmp_path / "equal", GOOD.replace("21:00", "18:30")) == (
        "4: end: the end (2026-12-05 18:30) is not after the start (2026-12-05 18:30)"
    )


def test_end_is_required_with_times(tmp_path):
    assert one(tmp_path, GOOD.replace("end: 2026-12-05 21:00\n", "")) == (
        "2: end: this field is required for an event with times; add when it ends "
        "(2026-12-05 21:00), in the same local time as start"
    )


def test_dates_without_times_need_all_day(tmp_path):
    text = GOOD.replace(TIMES, "start: 2026-12-05\nend: 2026-12-05")
    assert problems(tmp_path, text) == [
        f"{PATH}:3: start: give a start time too (2026-12-05 18:30), or add 'all_day: true'",
        f"{PATH}:4: end: give an end time too (2026-12-05 21:00), or add 'all_day: true'",
    ]


def test_all_day_events_take_dates_only(tmp_path):
    assert one(tmp_path, GOOD.replace("end: 2026-12-05 21:00\n", "all_day: true\n")) == (
        "3: start: an all-day event takes dates only (2026-12-05); remove the time, "
        "or remove 'all_day: true'"
    )
    text = GOOD.replace(TIMES, "start: 2026-12-05\nend: 2026-12-06 12:00\nall_day: true")
    assert one(tmp_path / "end", text) == (
        "4: end: an all-day event takes dates only (2026-12-05); remove the time, "
        "or remove 'all_day: true'"
    )


def test_all_day_last_day_not_before_first(tmp_path):
    text = GOOD.replace(TIMES, "start: 2026-12-06\nend: 2026-12-05\nall_day: true")
    assert one(tmp_path, text) == (
        "4: end: the last day (2026-12-05) is before the first day (2026-12-06)"
    )


def test_utc_offsets_are_refused(tmp_path):
    text = GOOD.replace("2026-12-05 18:30", "2026-12-05 18:30+00:00")
    assert one(tmp_path, text) == (
        "3: start: write the local time without a UTC offset (2026-12-05 18:30); the "
        "'timezone' field says which zone"
    )


def test_a_time_the_clocks_skip_is_refused(tmp_path):
    # Europe/London goes from 01:00 GMT to 02:00 BST on 29 March 2026
    text = GOOD.replace(TIMES, "start: 2026-03-29 01:30\nend: 2026-03-29 03:00")
    assert one(tmp_path, text) == (
        "3: start: there is no 01:30 on 2026-03-29 in Europe/London: the clocks go forward "
        "that night; the same moment is 02:30, so write that (or another time)"
    )


def test_venue_or_online_url_is_required(tmp_path):
    assert one(tmp_path, GOOD.replace(VENUE_LINE, "")) == (
        "2: venue: say where the event happens: add a 'venue' (name, city, country) or an "
        "'online_url', or both"
    )


def test_venue_needs_its_city(tmp_path):
    text = GOOD.replace(VENUE_LINE, "venue:\n  name: Hall\n  country: United Kingdom\n")
    assert one(tmp_path, text) == (
        "6: venue.city: this field is required but missing; add a line such as 'city: London'"
    )


def test_links_must_be_web_addresses(tmp_path):
    text = GOOD.replace(
        "summary: Fine.",
        "summary: Fine.\nonline_url: example.org/live\nregistration_url: https://example",
    )
    assert problems(tmp_path, text) == [
        f"{PATH}:9: online_url: 'example.org/live' is not a web address; write the full URL "
        "starting with https://",
        f"{PATH}:10: registration_url: 'https://example' is not a web address: 'example' is "
        "not a domain name; copy the full address from your browser, such as "
        "https://example.org/page",
    ]


def test_links_must_not_contain_spaces_or_markup(tmp_path):
    text = GOOD.replace(
        "summary: Fine.",
        "summary: Fine.\nonline_url: https://example.org/a b\n"
        "registration_url: https://example.org/<x>",
    )
    assert problems(tmp_path, text) == [
        f"{PATH}:9: online_url: 'https://example.org/a b' is not a web address; write the "
        "full URL starting with https://",
        f"{PATH}:10: registration_url: 'https://example.org/<x>' is not a web address: it "
        "contains '<' '>', which a web address cannot; copy the full address from your browser",
    ]


def test_organizer_must_be_an_ambassador_id_of_the_prefecture(tmp_path):
    assert one(tmp_path, GOOD.replace("organizer: amy-chen", "organizer: jdoe")) == (
        "7: organizer: 'jdoe' is not an ambassador of tottori (known: amy-chen, ken-sato); "
        "use an id from prefectures/tottori.yaml or add yourself there"
    )
    assert one(tmp_path / "id", GOOD.replace("organizer: amy-chen", "organizer: Amy Chen")) == (
        "7: organizer: 'Amy Chen' is not a valid id; use lowercase ascii letters, digits and "
        "hyphens, such as 'amy-chen' or 'sand-dunes-in-winter'"
    )


def test_results_must_be_well_formed(tmp_path):
    text = GOOD.replace(
        "summary: Fine.",
        "summary: Fine.\nattendance: -3\nfunds_raised: {amount: lots, currency: pounds}",
    )
    assert problems(tmp_path, text) == [
        f"{PATH}:9: attendance: -3 is out of range; it must be at least 0",
        f"{PATH}:10: funds_raised.amount: expected a number, found 'lots'",
        f"{PATH}:10: funds_raised.currency: 'pounds' is not a currency code; use a "
        "three-letter ISO 4217 code such as JPY, GBP or USD",
    ]


def test_results_only_after_the_event_has_started(tmp_path):
    text = GOOD.replace(
        "summary: Fine.",
        "summary: Fine.\nattendance: 30\nfunds_raised: {amount: 100, currency: GBP}",
    )
    assert problems(tmp_path, text) == [
        f"{PATH}:9: attendance: the event starts on 2026-12-05, after today (2026-11-24), so "
        "it cannot have an attendance yet; check the date in 'start', or add 'attendance' "
        "once the event has taken place",
        f"{PATH}:10: funds_raised: the event starts on 2026-12-05, after today (2026-11-24), "
        "so it cannot have funds raised yet; check the date in 'start', or add "
        "'funds_raised' once the event has taken place",
    ]


def test_unknown_field_lists_the_allowed_ones(tmp_path):
    text = GOOD.replace("summary: Fine.", "summary: Fine.\norganiser: amy-chen")
    assert one(tmp_path, text) == (
        "9: organiser: unknown field; did you mean 'organizer'? allowed fields here: title, "
        "start, end, all_day, timezone, venue, online_url, organizer, posted, registration_url, "
        "cost, summary, tags, slug, attendance, funds_raised, support, lang, translation, status, "
        "rescheduled_from, changes, example"
    )


def test_two_events_with_one_url(tmp_path):
    found = problems(
        tmp_path, GOOD.replace("summary: Fine.", "summary: Fine.\nslug: london-evening")
    )
    both = (
        "the URL tottori/events/london-evening/ is used by more than one file "
        f"(content/tottori/events/2026-12-05-london-evening.md, {PATH}); "
        "give one of them a different 'slug:' or file name"
    )
    assert found == [
        f"content/tottori/events/2026-12-05-london-evening.md:2: slug: {both}",
        f"{PATH}:9: slug: {both}",
    ]


def test_every_problem_of_every_event_at_once_and_the_build_fails(tmp_path):
    root = copy_site(
        "events",
        tmp_path / "site",
        {
            PATH: GOOD.replace("Europe/London", "Mars/Olympus"),
            "content/tottori/events/y.md": GOOD.replace(VENUE_LINE, ""),
        },
    )
    out = tmp_path / "out"
    with pytest.raises(ContentError) as info:
        build_site(root, out)
    assert [p.format().split(": ", 2)[:2] for p in info.value.problems] == [
        [f"{PATH}:5", "timezone"],
        ["content/tottori/events/y.md:2", "venue"],
    ]
    assert info.value.report().endswith(
        "2 problems found; nothing was published. Fix the lines above and run `make check` again."
    )
    assert not out.exists()
