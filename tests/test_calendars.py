"""iCalendar files of tests/sites/events, read back by icalendar and, independently, by vobject."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from datetime import date, datetime, timedelta
from pathlib import Path

import icalendar
import pytest
import vobject

from calendars.ical import calendar
from furusato.catalog import gettext
from furusato.reading.loader import Options, load_site
from tests.sitebuild import REPO, SITES, build_site, copy_site

SITEURL = "https://alumni.example.org"
TOTTORI = [  # by start time
    "New Year gathering",
    "Online fundraiser",
    "Late night as the clocks go back",
    "Talk in Kolkata",
    "Retreat near São Paulo",
    "Online coffee today",
    "Tottori evening in London",
    "Summer picnic in New York",
    "Festival dance team",
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("calendars") / "output"
    return build_site(SITES / "events", out, siteurl=SITEURL)


def bilingual(message: str, english: dict[str, str], japanese: dict[str, str]) -> str:
    """A calendar serves both editions: `message` in English, then in the Japanese catalog's
    words (whatever they are: the catalog's text is not this test's business)."""
    translated = gettext("ja", message)
    assert translated != message, f"{message!r} has no Japanese translation"
    return f"{message % english} / {translated % japanese}"


def calendar_name(prefecture: str, prefecture_ja: str) -> str:
    return bilingual(
        "%(prefecture)s JET alumni events",
        {"prefecture": prefecture},
        {"prefecture": prefecture_ja},
    )


def read(path: Path):
    """Parse a calendar with vobject, validating it; return the VCALENDAR."""
    return vobject.readOne(path.read_text(encoding="utf-8"), validate=True)


def by_summary(cal) -> dict[str, object]:
    return {ev.summary.value: ev for ev in cal.contents.get("vevent", [])}


def all_calendars(out: Path) -> list[Path]:
    return sorted(out.rglob("*.ics"))


def test_every_calendar_parses_with_both_libraries_and_ends_after_it_starts(site):
    files = all_calendars(site)
    # 3 prefecture calendars, one per event (10), and the national one
    assert len(files) == 14
    for path in files:
        data = path.read_bytes()
        assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")  # CRLF only
        parsed = icalendar.Calendar.from_ical(data)
        assert parsed["VERSION"] == "2.0", path
        assert parsed.get_missing_tzids() == set(), path
        cal = read(path)
        for ev in cal.contents.get("vevent", []):
            start, end = ev.dtstart.value, ev.dtend.value
            assert type(start) is type(end), path
            assert end > start, f"{path}: {ev.summary.value} ends {end}, starts {start}"
            for field in ("uid", "dtstamp", "summary", "description", "url"):
                assert field in ev.contents, f"{path}: {ev.summary.value} has no {field}"


def test_prefecture_calendar_lists_every_event_by_start(site):
    cal = read(site / "tottori/events.ics")
    assert [ev.summary.value for ev in cal.vevent_list] == TOTTORI
    name = calendar_name("Tottori", "鳥取県")
    assert name.startswith("Tottori JET alumni events / ") and "鳥取県" in name.partition(" / ")[2]
    assert cal.x_wr_calname.value == name
    assert cal.x_wr_caldesc.value == bilingual(
        "Events of the %(prefecture)s (%(prefecture_ja)s) JET Programme alumni network.",
        {"prefecture": "Tottori", "prefecture_ja": "鳥取県"},
        {"prefecture": "鳥取県", "prefecture_ja": "鳥取県"},
    )
    assert cal.x_wr_caldesc.value.startswith(
        "Events of the Tottori (鳥取県) JET Programme alumni network. / "
    )
    parsed = icalendar.Calendar.from_ical((site / "tottori/events.ics").read_bytes())
    assert str(parsed["NAME"]) == name
    assert str(parsed["URL"]) == f"{SITEURL}/tottori/events/"
    assert str(parsed["SOURCE"]) == f"{SITEURL}/tottori/events.ics"
    assert parsed["REFRESH-INTERVAL"].dt == timedelta(days=1)
    uids = [ev.uid.value for ev in cal.vevent_list]
    assert len(set(uids)) == len(uids)


def test_times_keep_their_zone_and_vtimezones_are_right(site):
    cal = read(site / "tottori/events.ics")
    events = by_summary(cal)
    london = events["Tottori evening in London"]
    assert london.dtstart.value.utcoffset() == timedelta(0)
    assert london.dtstart.value.replace(tzinfo=None) == datetime(2026, 12, 5, 18, 30)
    picnic = events["Summer picnic in New York"]  # vobject applies our VTIMEZONE: EDT
    assert picnic.dtstart.value.utcoffset() == timedelta(hours=-4)
    night = events["Late night as the clocks go back"]  # 22:00 BST to 03:00 GMT: 6 hours
    assert night.dtstart.value.utcoffset() == timedelta(hours=1)
    assert night.dtend.value.utcoffset() == timedelta(0)
    assert night.dtend.value - night.dtstart.value == timedelta(hours=6)
    kolkata = events["Talk in Kolkata"]
    assert kolkata.dtstart.value.utcoffset() == timedelta(hours=5, minutes=30)
    coffee = events["Online coffee today"]  # UTC: a Z time, no TZID, no VTIMEZONE
    assert coffee.dtstart.value.utcoffset() == timedelta(0)
    raw = {
        str(ev["SUMMARY"]): ev
        for ev in icalendar.Calendar.from_ical((site / "tottori/events.ics").read_bytes()).walk(
            "VEVENT"
        )
    }
    assert raw["Tottori evening in London"]["DTSTART"].params["TZID"] == "Europe/London"
    assert raw["Tottori evening in London"]["DTEND"].params["TZID"] == "Europe/London"
    assert "TZID" not in raw["Online coffee today"]["DTSTART"].params
    assert raw["Online coffee today"]["DTSTART"].to_ical() == b"20261124T100000Z"
    tzids = [tz.tzid.value for tz in cal.vtimezone_list]
    assert tzids == ["America/New_York", "America/Sao_Paulo", "Asia/Kolkata", "Europe/London"]


def test_all_day_events_end_the_day_after_their_last_day(site):
    events = by_summary(read(site / "tottori/events.ics"))
    festival = events["Festival dance team"]
    assert festival.dtstart.value == date(2027, 8, 10)
    assert festival.dtend.value == date(2027, 8, 13)  # DTEND is exclusive: 10-12 August
    assert festival.dtstart.params["VALUE"] == ["DATE"]
    fundraiser = events["Online fundraiser"]
    assert (fundraiser.dtstart.value, fundraiser.dtend.value) == (
        date(2026, 3, 1),
        date(2026, 3, 2),
    )


def test_event_properties_come_from_content(site):
    events = by_summary(read(site / "tottori/events.ics"))
    london = events["Tottori evening in London"]
    assert london.url.value == f"{SITEURL}/tottori/events/london-evening/"
    assert london.location.value == "Riverside Hall, 1 Bridge Street, London, United Kingdom"
    assert london.description.value == (
        "Photos, stories; and tea, in London.\n\n"
        "Organised by Amy Chen (Tottori JET alumni network).\n"
        "Cost: £5\n"
        "Registration: https://example.org/register/london\n"
        f"Details: {SITEURL}/tottori/events/london-evening/"
    )
    assert london.categories.value == ["culture", "london"]
    # DTSTAMP is the post's content date (its start), never the time of the build
    assert london.dtstamp.value == datetime(2026, 12, 5, 18, 30, tzinfo=london.dtstamp.value.tzinfo)
    assert london.dtstamp.value.utcoffset() == timedelta(0)
    festival = events["Festival dance team"]  # an all-day post dates from midnight, site zone
    assert festival.dtstamp.value.replace(tzinfo=None) == datetime(2027, 8, 9, 15, 0)
    assert events["Online coffee today"].location.value == "https://example.org/stream/coffee"


def test_one_event_file_is_for_importing(site):
    path = site / "tottori/events/london-evening/event.ics"
    cal = read(path)
    assert [ev.summary.value for ev in cal.vevent_list] == ["Tottori evening in London"]
    assert "x-wr-calname" not in cal.contents  # no new calendar: the event joins the reader's
    assert [tz.tzid.value for tz in cal.vtimezone_list] == ["Europe/London"]
    whole = by_summary(read(site / "tottori/events.ics"))["Tottori evening in London"]
    assert cal.vevent.uid.value == whole.uid.value
    assert cal.vevent.serialize() == whole.serialize()


def test_national_calendar_has_every_event(site):
    cal = read(site / "events.ics")
    summaries = [ev.summary.value for ev in cal.vevent_list]
    assert sorted(summaries) == sorted([*TOTTORI, "Evening talk in Matsue"])
    assert (
        summaries.index("Evening talk in Matsue")
        == summaries.index("Summer picnic in New York") - 1
    )
    assert "Asia/Tokyo" in [tz.tzid.value for tz in cal.vtimezone_list]
    sitename = {"sitename": "Furusato"}
    assert cal.x_wr_calname.value == bilingual(
        "%(sitename)s: JET alumni events", sitename, sitename
    )
    parsed = icalendar.Calendar.from_ical((site / "events.ics").read_bytes())
    assert str(parsed["SOURCE"]) == f"{SITEURL}/events.ics"


def test_a_prefecture_without_events_still_has_a_calendar(site):
    cal = read(site / "okayama/events.ics")
    assert cal.contents.get("vevent", []) == []
    assert cal.x_wr_calname.value == calendar_name("Okayama", "岡山県")
    assert cal.x_wr_calname.value.startswith("Okayama JET alumni events / ")


def test_single_prefecture_calendar_is_at_the_root(tmp_path):
    out = build_site(SITES / "events", tmp_path / "out", prefecture="tottori", siteurl=SITEURL)
    cal = read(out / "events.ics")
    assert [ev.summary.value for ev in cal.vevent_list] == TOTTORI
    london = by_summary(cal)["Tottori evening in London"]
    assert london.url.value == f"{SITEURL}/events/london-evening/"
    assert {p.relative_to(out).as_posix() for p in all_calendars(out)} == {
        "events.ics",
        *(
            f"events/{slug}/event.ics"
            for slug in (
                "new-year",
                "fundraiser",
                "late-night",
                "kolkata-talk",
                "weekend-retreat",
                "online-today",
                "london-evening",
                "new-york-picnic",
                "festival-team",
            )
        ),
    }


def test_uids_and_bytes_are_stable_across_builds(site, tmp_path):
    """A second build, in another process with another hash seed and date, gives the same bytes."""
    out = tmp_path / "again"
    script = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        sys.path.insert(0, {str(REPO / "tests")!r})
        from conftest import build_site
        build_site(Path({str(SITES / "events")!r}), Path({str(out)!r}),
                   siteurl={SITEURL!r}, today="2027-03-01")
    """)
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(REPO / "plugins")}
    subprocess.run([sys.executable, "-c", script], check=True, env=env, cwd=REPO)
    first = {p.relative_to(site): p.read_bytes() for p in all_calendars(site)}
    second = {p.relative_to(out): p.read_bytes() for p in all_calendars(out)}
    assert first.keys() == second.keys()
    for name, data in first.items():
        assert data == second[name], f"{name} differs between two builds"


def test_uid_survives_edits_and_changes_with_the_slug(tmp_path):
    root = copy_site("events", tmp_path / "site")
    before = build_site(root, tmp_path / "one", siteurl=SITEURL)
    uid = read(before / "tottori/events.ics").vevent_list[6].uid.value
    path = root / "content/tottori/events/2026-12-05-london-evening.md"
    path.write_text(path.read_text().replace("18:30", "19:00"), encoding="utf-8")
    after = by_summary(
        read(build_site(root, tmp_path / "two", siteurl=SITEURL) / "tottori/events.ics")
    )
    assert after["Tottori evening in London"].uid.value == uid
    assert after["Tottori evening in London"].dtstart.value.hour == 19
    other = {ev.uid.value for ev in read(before / "shimane/events.ics").vevent_list}
    assert uid not in other


def test_vtimezones_are_exactly_the_tzids_written(tmp_path):
    """UTC aliases become ...Z times (no VTIMEZONE); any other zone gets one."""
    event = (
        "---\ntitle: {title}\nstart: 2026-12-01 10:00\nend: 2026-12-01 11:00\n"
        "timezone: {zone}\nonline_url: https://example.org/live\norganizer: amy-chen\n"
        "summary: Zone test.\n---\n"
    )
    files = {
        f"content/tottori/events/{name}.md": event.format(title=name, zone=zone)
        for name, zone in (("gmt", "GMT"), ("zulu", "Etc/UTC"), ("fixed", "Etc/GMT+5"))
    }
    root = copy_site("events", tmp_path / "site", files)
    site = load_site(Options(root=root, today=date(2026, 11, 24)))
    events = [e for e in site.events if e.slug in ("gmt", "zulu", "fixed")]
    data = calendar(events, None, lambda e: f"{SITEURL}/{e.key}/")
    cal = vobject.readOne(data.decode(), validate=True)
    assert [tz.tzid.value for tz in cal.vtimezone_list] == ["Etc/GMT+5"]
    starts = {ev.summary.value: ev.dtstart.value.utcoffset() for ev in cal.vevent_list}
    assert starts == {"gmt": timedelta(0), "zulu": timedelta(0), "fixed": timedelta(hours=-5)}
    assert icalendar.Calendar.from_ical(data).get_missing_tzids() == set()


def test_a_translated_event_is_in_the_shared_calendars_once(site, tmp_path):
    # One calendar serves both editions: an event written in English and in Japanese is one
    # event on the subscriber's calendar, not two at the same time.
    london = "content/tottori/events/2026-12-05-london-evening.md"
    text = (SITES / "events" / london).read_text(encoding="utf-8")
    japanese = text.replace("---\n", "---\nlang: ja\ntranslation: london-evening\n", 1).replace(
        "title: Tottori evening in London", "title: ロンドンの鳥取の夕べ", 1
    )
    root = copy_site(
        "events", tmp_path / "site", {london.replace("london-evening", "london-yube"): japanese}
    )
    out = build_site(root, tmp_path / "out", siteurl=SITEURL)
    assert (out / "tottori/events/london-yube/index.html").is_file()  # both pages exist
    for path in ("tottori/events.ics", "events.ics"):
        summaries = [ev.summary.value for ev in read(out / path).vevent_list]
        pair = {"Tottori evening in London", "ロンドンの鳥取の夕べ"}
        assert len(pair & set(summaries)) == 1, (path, summaries)
        assert len(summaries) == len(read(site / path).vevent_list), path
