"""Events pages and event pages, built from tests/sites/events at a fixed date (2026-11-24)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from furusato.wording import date_span, time_span, utc_offset, zone_label
from tests.sitebuild import SITES, build_site, copy_site, page, texts

SITEURL = "https://alumni.example.org"
UPCOMING = [
    "Retreat near São Paulo",  # began yesterday, ends tomorrow: still on
    "Online coffee today",
    "Tottori evening in London",
    "Summer picnic in New York",
    "Festival dance team",
]
PAST = [  # newest first
    "Talk in Kolkata",  # ended yesterday
    "Late night as the clocks go back",
    "Online fundraiser",
    "New Year gathering",
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory):
    """The events fixture built at 2026-11-24 for https://alumni.example.org."""
    out = tmp_path_factory.mktemp("events") / "output"
    return build_site(SITES / "events", out, siteurl=SITEURL)


def section(tree, heading_id: str) -> list[str]:
    return texts(tree, f"//section[@aria-labelledby='{heading_id}']//h3")


def card_times(tree, heading_id: str) -> list[str]:
    return texts(tree, f"//section[@aria-labelledby='{heading_id}']//li//time")


def facts(tree) -> dict[str, str]:
    """Map each <dt> of the event page's facts list to the text of its <dd>."""
    return {
        " ".join(div.xpath("dt")[0].text_content().split()): " ".join(
            div.xpath("dd")[0].text_content().split()
        )
        for div in tree.xpath("//dl[@class='event-facts']/div")
    }


def test_upcoming_soonest_first_and_past_newest_first(site):
    tree = page(site, "/tottori/events/")
    assert section(tree, "upcoming-heading") == UPCOMING
    assert section(tree, "past-heading") == PAST
    assert texts(tree, "//h1") == ["Events of Tottori alumni"]


def test_lists_show_times_in_the_event_zone_with_offset(site):
    tree = page(site, "/tottori/events/")
    assert card_times(tree, "upcoming-heading") == [
        "Mon 23 November 2026, 17:00 – Wed 25 November 2026, 12:00 UTC−03:00",
        "Tue 24 November 2026, 10:00–11:00 UTC",
        "Sat 5 December 2026, 18:30–21:00 GMT (UTC+00:00)",
        "Sat 10 July 2027, 12:00–15:00 EDT (UTC−04:00)",
        "10–12 August 2027 (all day)",
    ]
    assert card_times(tree, "past-heading") == [
        "Mon 23 November 2026, 18:00–20:00 IST (UTC+05:30)",
        "Sat 24 October 2026, 22:00 BST (UTC+01:00) – Sun 25 October 2026, 03:00 GMT (UTC+00:00)",
        "Sun 1 March 2026 (all day)",
        "30 December 2025 – 2 January 2026 (all day)",
    ]
    machine = tree.xpath("//section[@aria-labelledby='upcoming-heading']//time/@datetime")
    assert machine == [
        "2026-11-23T17:00-03:00",
        "2026-11-24T10:00+00:00",
        "2026-12-05T18:30+00:00",
        "2027-07-10T12:00-04:00",
        "2027-08-10",
    ]
    places = [
        t.split(" · ")[1]
        for t in texts(tree, "//section[@aria-labelledby='past-heading']//p[@class='meta']")
    ]
    assert places == [
        "Kolkata, India and online",
        "Manchester, United Kingdom",
        "Online",
        "Misasa, Japan",
    ]


def test_subscribe_links_to_the_calendar_also_as_webcal(site):
    tree = page(site, "/tottori/events/")
    subscribe = tree.xpath("//section[@aria-labelledby='subscribe-heading']")[0]
    assert subscribe.xpath(".//a/@href") == ["webcal://alumni.example.org/tottori/events.ics"]
    assert texts(subscribe, ".//code") == ["https://alumni.example.org/tottori/events.ics"]
    assert tree.xpath("//head/link[@type='text/calendar']/@href") == [
        "https://alumni.example.org/tottori/events.ics"
    ]
    assert (site / "tottori" / "events.ics").is_file()


def test_upcoming_event_page(site):
    tree = page(site, "/tottori/events/london-evening/")
    assert texts(tree, "//h1") == ["Tottori evening in London"]
    assert facts(tree) == {
        "When": "Sat 5 December 2026, 18:30–21:00 GMT (UTC+00:00), Europe/London",
        "Where": "Riverside Hall, 1 Bridge Street, London, United Kingdom "
        "Map of Riverside Hall (OpenStreetMap)",
        "Organiser": "Amy Chen, Tottori JET alumni network",
        "Cost": "£5",
        "Registration": "Register for Tottori evening in London",
    }
    assert tree.xpath("//dd//time/@datetime") == ["2026-12-05T18:30+00:00"]
    links = tree.xpath("//dl[@class='event-facts']//a/@href")
    assert links == [
        "https://www.openstreetmap.org/search?query=Riverside+Hall%2C+1+Bridge+Street%2C+"
        "London%2C+United+Kingdom",
        f"{SITEURL}/tottori/ambassadors/amy-chen/",
        "https://example.org/register/london",
    ]
    add = tree.xpath("//p[@class='add-to-calendar']/a/@href")
    assert add[0] == f"{SITEURL}/tottori/events/london-evening/event.ics"
    assert add[1].startswith("https://calendar.google.com/calendar/render?")  # test_changes
    assert (site / "tottori/events/london-evening/event.ics").is_file()
    assert "ended" not in tree.text_content()
    assert texts(tree, "//div[@class='body']") == ["Come along."]


def test_past_event_page_shows_results_not_registration(site):
    tree = page(site, "/tottori/events/late-night/")
    assert facts(tree) == {
        "When": "Sat 24 October 2026, 22:00 BST (UTC+01:00) – Sun 25 October 2026, 03:00 GMT "
        "(UTC+00:00), Europe/London (this event has ended)",
        "Where": "Example Club, Manchester, United Kingdom Map of Example Club (OpenStreetMap)",
        "Organiser": "Amy Chen, Tottori JET alumni network",
        "Attendance": "1 person",
        "Funds raised": "GBP 1,250.50",
    }
    assert tree.xpath("//p[@class='add-to-calendar']") == []
    kolkata = facts(page(site, "/tottori/events/kolkata-talk/"))
    assert "Registration" not in kolkata
    assert kolkata["Online"] == "https://example.org/stream/kolkata"
    assert kolkata["Attendance"] == "25 people"


def test_all_day_and_online_event_pages(site):
    fundraiser = facts(page(site, "/tottori/events/fundraiser/"))
    assert fundraiser["When"] == "Sun 1 March 2026 (all day) (this event has ended)"
    assert fundraiser["Online"] == "https://example.org/stream/fundraiser"
    assert "Where" not in fundraiser
    assert fundraiser["Funds raised"] == "GBP 1,250"
    festival = facts(page(site, "/tottori/events/festival-team/"))
    assert festival["When"] == "10–12 August 2027 (all day)"
    coffee = facts(page(site, "/tottori/events/online-today/"))
    assert coffee["When"] == "Tue 24 November 2026, 10:00–11:00 UTC"  # no "UTC, UTC"


def test_homes_list_upcoming_events_only(site):
    national = section(page(site, "/"), "events-heading")
    assert national == [*UPCOMING[:3], "Evening talk in Matsue", *UPCOMING[3:]]
    assert section(page(site, "/tottori/"), "events-heading") == UPCOMING
    assert section(page(site, "/shimane/"), "events-heading") == ["Evening talk in Matsue"]


def test_empty_prefecture_events_page(site):
    tree = page(site, "/okayama/events/")
    assert section(tree, "upcoming-heading") == []
    assert texts(tree, "//section[@aria-labelledby='upcoming-heading']/p") == [
        "No upcoming events at the moment."
    ]
    assert texts(tree, "//section[@aria-labelledby='past-heading']/p") == ["No past events yet."]
    assert tree.xpath("//section[@aria-labelledby='subscribe-heading']//a/@href") == [
        "webcal://alumni.example.org/okayama/events.ics"
    ]


def test_ambassador_page_links_their_events(site):
    tree = page(site, "/tottori/ambassadors/ken-sato/")
    hrefs = tree.xpath("//main//h3/a/@href")
    assert f"{SITEURL}/tottori/events/online-today/" in hrefs
    for href in hrefs:
        target = site / href.removeprefix(SITEURL + "/") / "index.html"
        assert target.is_file(), href


def test_upcoming_is_decided_against_the_configured_date(tmp_path):
    out = build_site(SITES / "events", tmp_path / "out", today="2026-12-06")
    tree = page(out, "/tottori/events/")
    assert section(tree, "upcoming-heading") == UPCOMING[3:]
    assert section(tree, "past-heading")[:3] == [
        "Tottori evening in London",
        "Online coffee today",
        "Retreat near São Paulo",
    ]
    event = facts(page(out, "/tottori/events/london-evening/"))
    assert event["When"].endswith("(this event has ended)")
    assert "Registration" not in event


def test_single_prefecture_site_has_events_at_the_root(tmp_path):
    out = build_site(SITES / "events", tmp_path / "out", prefecture="tottori")
    tree = page(out, "/events/")
    assert section(tree, "upcoming-heading") == UPCOMING
    # SITEURL is empty in development: the calendar address falls back to the dev server's
    assert tree.xpath("//section[@aria-labelledby='subscribe-heading']//a/@href") == [
        "webcal://127.0.0.1:8000/events.ics"
    ]
    links = page(out, "/events/london-evening/").xpath("//p[@class='add-to-calendar']/a/@href")
    assert links[0] == "/events/london-evening/event.ics"
    assert (out / "events.ics").is_file()
    assert not (out / "tottori").exists()


def test_renamed_event_file_updates_the_lists_of_an_incremental_build(tmp_path):
    root = copy_site("events", tmp_path / "site")
    out, cache = tmp_path / "out", tmp_path / "cache"
    build_site(root, out, cache=cache)
    events = root / "content/tottori/events"
    (events / "2026-12-05-london-evening.md").rename(events / "2026-12-05-london-night.md")
    build_site(root, out, cache=cache)
    hrefs = page(out, "/tottori/events/").xpath("//h3/a/@href")
    assert "/tottori/events/london-night/" in hrefs
    assert "/tottori/events/london-evening/" not in hrefs
    assert not (out / "tottori/events/london-evening").exists()


# --- wording: the event time formats themselves --------------------------------------------------


def test_date_spans():
    assert date_span(date(2026, 12, 5), date(2026, 12, 5)) == "Sat 5 December 2026"
    assert date_span(date(2026, 12, 5), date(2026, 12, 6)) == "5–6 December 2026"
    assert date_span(date(2026, 11, 30), date(2026, 12, 2)) == "30 November – 2 December 2026"
    assert date_span(date(2026, 12, 31), date(2027, 1, 1)) == "31 December 2026 – 1 January 2027"


def test_time_spans_and_zone_labels():
    tokyo, london = ZoneInfo("Asia/Tokyo"), ZoneInfo("Europe/London")
    start = datetime(2026, 12, 5, 18, 30, tzinfo=london)
    assert (
        time_span(start, start.replace(hour=21, minute=0))
        == "Sat 5 December 2026, 18:30–21:00 GMT (UTC+00:00)"
    )
    assert time_span(start, start.replace(day=6, hour=2, minute=0)) == (
        "Sat 5 December 2026, 18:30 – Sun 6 December 2026, 02:00 GMT (UTC+00:00)"
    )
    # the clocks go forward at 01:00 GMT on 29 March 2026: each end keeps its own offset
    spring = datetime(2026, 3, 29, 0, 30, tzinfo=london)
    assert time_span(spring, spring.replace(hour=3, minute=0)) == (
        "Sun 29 March 2026, 00:30 GMT (UTC+00:00) – 03:00 BST (UTC+01:00)"
    )
    assert zone_label(datetime(2026, 6, 1, tzinfo=tokyo)) == "JST (UTC+09:00)"
    assert zone_label(datetime(2026, 6, 1, tzinfo=ZoneInfo("America/Sao_Paulo"))) == "UTC−03:00"
    assert utc_offset(datetime(2026, 6, 1, tzinfo=ZoneInfo("America/St_Johns"))) == "UTC−02:30"
    assert utc_offset(datetime(2026, 6, 1, tzinfo=ZoneInfo("Asia/Kathmandu"))) == "UTC+05:45"
