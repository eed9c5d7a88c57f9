"""Event changes (status, rescheduled_from, changes): on the event page and in lists, in feeds,
in calendars (read back by icalendar and, independently, by vobject), and the "Add to Google
Calendar" link; and the port a development build's absolute URLs use."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import feedparser
import icalendar
import pytest
import vobject

from furusato.commands import cli
from furusato.commands.serve import built_for, port_mismatch
from tests.sitebuild import build_site, copy_site, own_settings, page, texts
from tests.test_feed_rules import atom_problems, rss_problems

SITEURL = "https://alumni.example.org"
LONDON = "content/tottori/events/2026-12-05-london-evening.md"
LONDON_TEXT = """---
title: Tottori evening in London
start: 2026-12-05 18:30
end: 2026-12-05 21:00
timezone: Europe/London
venue:
  name: Riverside Hall
  address: 1 Riverside Street
  city: London
  country: United Kingdom
organizer: amy-chen
registration_url: https://example.org/register/london
cost: £5
summary: Photos, stories; and tea, in London.
posted: 2026-10-01
tags: [culture, london]
{extra}---
Come along.
"""
CANCELLED = """status: cancelled
changes:
  - date: 2026-11-20
    note: Cancelled because the hall flooded & closed.
"""
# A postponed event whose new date is not known yet, written in Japanese.
POSTPONED = """---
title: 鳥取の夕べ
start: 2026-12-19 18:00
end: 2026-12-19 20:00
timezone: Asia/Tokyo
venue: {name: 例示ホール, city: 鳥取市, country: 日本}
organizer: amy-chen
summary: 鳥取の夕べです。
posted: 2026-10-01
lang: ja
status: postponed
changes:
  - date: 2026-11-21
    note: 会場の都合で延期します。
---
どうぞ。
"""
RESCHEDULED = """---
title: Winter picnic
start: 2027-01-23
end: 2027-01-23
all_day: true
venue: {name: Example Park, city: New York, country: United States}
organizer: amy-chen
summary: A picnic in the park.
posted: 2026-10-01
status: postponed
rescheduled_from: 2027-01-09
changes:
  - date: 2026-11-02
    note: {en: Postponed because of the forecast., ja: 天気予報のため延期します。}
  - date: 2026-11-22
    note: {en: The new date is 23 January., ja: 新しい日程は1月23日です。}
---
Bring a blanket.
"""
MOVED_ONLINE = """---
title: Tea talk
start: 2026-12-12 10:00
end: 2026-12-12 11:00
timezone: America/New_York
venue: {name: Example Library, city: Boston, country: United States}
online_url: https://example.org/stream/tea
organizer: amy-chen
summary: A talk about tea.
posted: 2026-10-01
status: moved-online
changes:
  - {date: 2026-11-23, note: The talk is online only now.}
---
Tea.
"""
EXTRA = {
    "content/tottori/events/2026-12-19-tottori-evening.md": POSTPONED,
    "content/tottori/events/2027-01-23-winter-picnic.md": RESCHEDULED,
    "content/tottori/events/2026-12-12-tea-talk.md": MOVED_ONLINE,
}


def london(extra: str = "") -> str:
    return LONDON_TEXT.format(extra=extra)


@pytest.fixture(scope="module")
def before(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("before")
    root = copy_site("events", base / "site", {LONDON: london(), **EXTRA})
    return build_site(root, base / "out", siteurl=SITEURL)


@pytest.fixture(scope="module")
def after(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same site after the London evening was cancelled (one change entry added)."""
    base = tmp_path_factory.mktemp("after")
    root = copy_site("events", base / "site", {LONDON: london(CANCELLED), **EXTRA})
    return build_site(root, base / "out", siteurl=SITEURL)


def vevents_ical(path: Path) -> dict[str, icalendar.Event]:
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    return {str(ev["UID"]): ev for ev in cal.walk("VEVENT")}


def vevents_vobject(path: Path) -> dict[str, object]:
    cal = vobject.readOne(path.read_text(encoding="utf-8"), validate=True)
    return {ev.uid.value: ev for ev in cal.contents.get("vevent", [])}


def by_url(events: dict, url: str) -> tuple[str, object]:
    for uid, ev in events.items():
        value = ev["URL"] if isinstance(ev, icalendar.Event) else ev.url.value
        if str(value) == url:
            return uid, ev
    raise AssertionError(f"no event with URL {url}")


CALENDARS = ("tottori/events.ics", "events.ics", "tottori/events/london-evening/event.ics")
LONDON_URL = f"{SITEURL}/tottori/events/london-evening/"


@pytest.mark.parametrize("calendar", CALENDARS)
def test_a_cancelled_event_stays_with_status_cancelled_and_a_higher_sequence(
    before: Path, after: Path, calendar: str
) -> None:
    uid_before, was = by_url(vevents_ical(before / calendar), LONDON_URL)
    uid_after, now = by_url(vevents_ical(after / calendar), LONDON_URL)
    assert uid_after == uid_before
    assert str(was["STATUS"]) == "CONFIRMED"
    assert str(now["STATUS"]) == "CANCELLED"
    assert int(now["SEQUENCE"]) > int(was["SEQUENCE"])
    assert (int(was["SEQUENCE"]), int(now["SEQUENCE"])) == (0, 1)
    # Dated from the content: the change's day (midnight in the site's zone, Asia/Tokyo)
    assert now["DTSTAMP"].dt == datetime(2026, 11, 19, 15, 0, tzinfo=UTC)
    assert now["LAST-MODIFIED"].dt == now["DTSTAMP"].dt
    assert was["DTSTAMP"].dt == datetime(2026, 9, 30, 15, 0, tzinfo=UTC)
    assert str(now["SUMMARY"]) == "Cancelled: Tottori evening in London"
    assert str(now["DESCRIPTION"]).startswith(
        "This event has been cancelled.\n"
        "2026-11-20: Cancelled because the hall flooded & closed.\n\n"
    )
    # vobject, an independent parser, reads the same update
    uid_v, ev = by_url(vevents_vobject(after / calendar), LONDON_URL)
    assert uid_v == uid_before
    assert ev.status.value == "CANCELLED"
    assert int(ev.sequence.value) == 1
    assert ev.summary.value == "Cancelled: Tottori evening in London"


def test_the_builds_are_the_same_but_for_the_changed_event(before: Path, after: Path) -> None:
    one, two = vevents_ical(before / "events.ics"), vevents_ical(after / "events.ics")
    assert set(one) == set(two)
    changed = [uid for uid in one if one[uid].to_ical() != two[uid].to_ical()]
    assert changed == [by_url(one, LONDON_URL)[0]]


def test_each_status_maps_to_its_calendar_status(after: Path) -> None:
    events = vevents_ical(after / "tottori/events.ics")
    status = {str(ev["URL"]).split("/")[-2]: str(ev["STATUS"]) for ev in events.values()}
    assert status["london-evening"] == "CANCELLED"
    assert status["tottori-evening"] == "TENTATIVE"  # postponed, new date to be announced
    assert status["winter-picnic"] == "CONFIRMED"  # rescheduled
    assert status["tea-talk"] == "CONFIRMED"  # moved online
    assert status["new-york-picnic"] == "CONFIRMED"
    _, postponed = by_url(events, f"{SITEURL}/tottori/events/tottori-evening/")
    assert str(postponed["SUMMARY"]) == "延期：鳥取の夕べ"
    assert int(postponed["SEQUENCE"]) == 1
    _, picnic = by_url(events, f"{SITEURL}/tottori/events/winter-picnic/")
    assert str(picnic["SUMMARY"]) == "Winter picnic"
    assert int(picnic["SEQUENCE"]) == 2
    assert picnic["DTSTART"].dt == date(2027, 1, 23)
    assert str(picnic["DESCRIPTION"]).startswith(
        "This event has been moved to a new date. Moved from 9 January 2027\n"
    )
    _, tea = by_url(events, f"{SITEURL}/tottori/events/tea-talk/")
    assert str(tea["LOCATION"]) == "https://example.org/stream/tea"


def test_feeds_say_what_changed_and_date_the_change(after: Path) -> None:
    for name in ("feed.xml", "atom.xml"):
        data = (after / "tottori" / name).read_bytes()
        check = rss_problems if name == "feed.xml" else atom_problems
        assert check(data, f"{SITEURL}/tottori/{name}", today=date(2026, 11, 24)) == []
        parsed = feedparser.parse(data)
        assert not parsed.bozo
        entries = {e.link: e for e in parsed.entries}
        cancelled = entries[LONDON_URL]
        assert cancelled.title == "Cancelled: Tottori evening in London"
        assert cancelled.summary.startswith(
            "This event has been cancelled. Cancelled because the hall flooded &amp; closed."
            if name == "feed.xml"  # RSS <description> is HTML
            else "This event has been cancelled. Cancelled because the hall flooded & closed."
        )
        if name == "atom.xml":
            assert cancelled.updated == "2026-11-20T00:00:00+09:00"
            assert cancelled.published == "2026-10-01T00:00:00+09:00"
        assert entries[f"{SITEURL}/tottori/events/tea-talk/"].title == "Moved online: Tea talk"
        assert entries[f"{SITEURL}/tottori/events/winter-picnic/"].title == (
            "Rescheduled: Winter picnic"
        )
    japanese = feedparser.parse((after / "tottori/ja/feed.xml").read_bytes())
    titles = {e.link: e.title for e in japanese.entries}
    assert titles[LONDON_URL] == "中止：Tottori evening in London"
    assert titles[f"{SITEURL}/tottori/events/tottori-evening/"] == "延期：鳥取の夕べ"
    content = next(e for e in japanese.entries if e.link.endswith("/winter-picnic/")).content[0]
    assert "新しい日程は1月23日です。" in content.value  # the note in the feed's language


def test_the_event_page_shows_a_status_notice_with_the_notes(after: Path) -> None:
    tree = page(after, "/tottori/events/london-evening/")
    notice = tree.xpath("//section[contains(@class, 'status-notice')]")
    assert len(notice) == 1
    assert texts(notice[0], "./h2") == ["Cancelled"]
    assert texts(notice[0], ".//li") == [
        "20 November 2026: Cancelled because the hall flooded & closed."
    ]
    assert notice[0].xpath(".//li/time/@datetime") == ["2026-11-20"]
    # Nothing invites readers to a cancelled event: no registration, no calendar links
    assert tree.xpath("//p[@class='add-to-calendar']") == []
    assert "https://example.org/register/london" not in tree.xpath("//a/@href")
    postponed = page(after, "/tottori/events/tottori-evening/")
    assert texts(postponed, "//section[contains(@class, 'status-notice')]/h2") == ["延期"]
    when = texts(postponed, "//dl[@class='event-facts']/div[1]/dd")[0]
    assert when == "日程は未定（当初の予定は2026年12月19日）"
    assert postponed.xpath("//p[@class='add-to-calendar']") == []
    picnic = page(after, "/tottori/events/winter-picnic/")
    assert texts(picnic, "//section[contains(@class, 'status-notice')]/p") == [
        "This event has been moved to a new date. Moved from 9 January 2027"
    ]
    assert len(picnic.xpath("//p[@class='add-to-calendar']/a")) == 2


def test_lists_show_the_status_as_words(before: Path, after: Path) -> None:
    for url, lang in (("/tottori/events/", "en"), ("/tottori/ja/events/", "ja")):
        cards = page(after, url).xpath("//li[contains(@class, 'card')]")
        badges = {
            card.xpath(".//a/@href")[0].split("/")[-2]: texts(
                card, ".//*[contains(@class, 'status-badge')]"
            )
            for card in cards
        }
        expected = {
            "en": {"london-evening": ["Cancelled"], "tottori-evening": ["Postponed"]},
            "ja": {"london-evening": ["中止"], "tottori-evening": ["延期"]},
        }[lang]
        for slug, badge in expected.items():
            assert badges[slug] == badge, (url, slug)
        assert badges["new-york-picnic"] == []
    assert (
        page(before, "/tottori/events/").xpath(
            "//a[contains(@href, 'london-evening')]/..//*[contains(@class, 'status-badge')]"
        )
        == []
    )


def test_add_to_google_calendar_carries_the_event_in_utc(before: Path) -> None:
    tree = page(before, "/tottori/events/london-evening/")
    links = tree.xpath("//p[@class='add-to-calendar']/a")
    assert [a.text_content() for a in links] == [
        "Add to calendar",
        "Add to Google Calendar",
    ]
    parts = urlsplit(links[1].get("href"))
    assert (parts.scheme, parts.netloc, parts.path) == (
        "https",
        "calendar.google.com",
        "/calendar/render",
    )
    query = parse_qs(parts.query, strict_parsing=True)
    assert query == {
        "action": ["TEMPLATE"],
        "text": ["Tottori evening in London"],
        "dates": ["20261205T183000Z/20261205T210000Z"],  # GMT in December: UTC+0
        "details": [f"Photos, stories; and tea, in London.\n\n{LONDON_URL}"],
        "location": ["Riverside Hall, 1 Riverside Street, London, United Kingdom"],
    }
    assert " " not in links[1].get("href")
    vancouver = page(before, "/tottori/events/winter-picnic/")
    google = vancouver.xpath("//a[starts-with(@href, 'https://calendar.google.com')]/@href")[0]
    # all day: the days, the last one exclusive
    assert parse_qs(urlsplit(google).query)["dates"] == ["20270123/20270124"]


def test_the_national_calendar_is_linked_from_the_portal(before: Path) -> None:
    assert page(before, "/").xpath("//a[@type='text/calendar']/@href") == [f"{SITEURL}/events.ics"]
    assert page(before, "/ja/").xpath("//a[@type='text/calendar']/@href") == [
        f"{SITEURL}/events.ics"
    ]


# --- development builds use the port they are served on --------------------------------------


def test_a_build_for_a_port_links_feeds_and_calendars_there(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`make html PORT=8765`, in a copy of a fixture site with its own settings file."""
    root = copy_site("events", tmp_path / "site")
    own_settings(root)
    monkeypatch.chdir(root)
    out = tmp_path / "out"
    args = ["build", "--settings", "custom.py", "--output", str(out)]
    code = cli.main([*args, "--port", "8765", "--today", "2026-11-24"])
    assert code == 0, capsys.readouterr()
    assert built_for(out) == "http://127.0.0.1:8765"
    feed = feedparser.parse((out / "feed.xml").read_bytes())
    assert feed.feed.link.startswith("http://127.0.0.1:8765/")
    assert all(e.link.startswith("http://127.0.0.1:8765/") for e in feed.entries)
    events = page(out, "/tottori/events/")
    assert events.xpath("//section[@aria-labelledby='subscribe-heading']//a/@href") == [
        "webcal://127.0.0.1:8765/tottori/events.ics"
    ]
    assert port_mismatch(out, 8765) is None
    assert port_mismatch(out, 9000) == (
        f"note: {out}/ was built for http://127.0.0.1:8765/, so its feeds, calendars and "
        "sitemap link there; rebuild it for this port with `make html PORT=9000` (or use "
        "`make devserver PORT=9000`, which builds for its own port)"
    )


def test_a_published_build_is_never_said_to_need_another_port(before: Path) -> None:
    assert built_for(before) == SITEURL
    assert port_mismatch(before, 9000) is None


def test_the_devserver_builds_for_the_port_it_listens_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """--port 0 lets the system choose: the build still links to the port really bound."""
    import watchfiles

    root = copy_site("events", tmp_path / "site")
    own_settings(root)
    monkeypatch.chdir(root)
    monkeypatch.setattr(
        watchfiles, "watch", lambda *paths, **options: iter(())
    )  # stop after one build
    out = tmp_path / "out"
    code = cli.main(["devserver", "--settings", "custom.py", "--output", str(out), "--port", "0"])
    said = capsys.readouterr().out
    assert code == 0, said
    served = said.split("Serving at ", 1)[1].split("/ ;", 1)[0]
    assert served.startswith("http://127.0.0.1:") and not served.endswith((":0", ":8000"))
    assert built_for(out) == served
    assert feedparser.parse((out / "feed.xml").read_bytes()).feed.link.startswith(served + "/")
