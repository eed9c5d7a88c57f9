"""An event's `posted` date, not its future start, dates it in feeds and calendars."""

from __future__ import annotations

from pathlib import Path

import feedparser
import icalendar

from tests.sitebuild import build_site, copy_site

LONDON = "content/tottori/events/2026-12-05-london-evening.md"


def build_with_posted(tmp_path: Path, posted: str | None) -> Path:
    root = copy_site("two_prefectures", tmp_path / "site")
    path = root / LONDON
    text = path.read_text(encoding="utf-8")
    if posted:
        old = "summary: An evening in London."
        text = text.replace(old, f"{old}\nposted: {posted}")
    path.write_text(text, encoding="utf-8")
    return build_site(root, tmp_path / "out")


def london_item(out: Path):
    feed = feedparser.parse((out / "tottori/feed.xml").read_bytes())
    return next(e for e in feed.entries if e.title == "Tottori evening in London")


def test_posted_dates_the_feed_item_and_dtstamp(tmp_path):
    out = build_with_posted(tmp_path, "2026-11-02")
    assert london_item(out).published == "Mon, 02 Nov 2026 00:00:00 +0900"
    ics = icalendar.Calendar.from_ical((out / "tottori/events.ics").read_bytes())
    event = next(c for c in ics.walk("VEVENT") if str(c["SUMMARY"]) == "Tottori evening in London")
    assert event["DTSTAMP"].dt.isoformat() == "2026-11-01T15:00:00+00:00"


def test_without_posted_the_start_is_used(tmp_path):
    out = build_with_posted(tmp_path, None)
    assert london_item(out).published == "Sat, 05 Dec 2026 18:30:00 +0000"
