"""Turn typed events into iCalendar (RFC 5545) bytes that are the same on every build.

Nothing here comes from the clock or from chance: UIDs are derived from an event's prefecture
and slug, DTSTAMP from its content date, and VTIMEZONE components cover only the years the
events use, in a fixed order.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar

from furusato.catalog import N_
from furusato.changes import date_note, status_sentence, titled
from furusato.entities import Event
from furusato.wording import venue_line

UTC = ZoneInfo("UTC")
# Fixed namespace of Furusato's event UIDs (RFC 7986 recommends UUIDs); never change it, or
# every calendar program that imported an event would see a new event.
UID_NAMESPACE = uuid.UUID("8a0c5a52-6e0f-4d5c-9a41-3f3c2b1de7a1")
PRODID = "-//Furusato//Furusato events//EN"


@dataclass(frozen=True)
class CalendarInfo:
    """What a whole calendar says about itself."""

    name: str  # NAME / X-WR-CALNAME, shown by calendar programs as the calendar's title
    description: str
    page_url: str  # absolute URL of the page that lists these events
    source_url: str | None = None  # absolute URL of the .ics itself, for subscriptions
    refresh: timedelta | None = None  # how often subscribers should fetch it again


def event_uid(event: Event) -> str:
    """Return the event's UID: the same for every build, domain and single-prefecture site."""
    return str(uuid.uuid5(UID_NAMESPACE, f"furusato:{event.key}"))


def location(event: Event) -> str | None:
    """Return where the event is as one line: venue, address, city, country (or the link,
    for an event without a venue or one that moved online)."""
    venue = event.meta.venue
    if venue is not None and event.status != "moved-online":
        return venue_line(venue)
    return event.meta.online_url


# STATUS of each event status (RFC 5545 3.8.1.11). A cancelled event stays in the calendar as
# CANCELLED, so subscribed copies are marked (Apple, Thunderbird) or removed (Google) rather
# than kept; one postponed to a date still to be announced is TENTATIVE, its summary saying so.
STATUS = {
    "scheduled": "CONFIRMED",
    "rescheduled": "CONFIRMED",
    "moved-online": "CONFIRMED",
    "cancelled": "CANCELLED",
    "postponed": "TENTATIVE",
}


def summary(event: Event) -> str:
    """Return the event's title, led by 'Cancelled:' or 'Postponed:' (in its language) when it
    does not take place at the times shown: not every calendar program shows STATUS."""
    return event.title if event.takes_place else titled(event, event.lang)


def description(event: Event, page_url: str) -> str:
    """Return the plain-text details: what changed, summary, organiser, online link, cost,
    registration."""
    meta = event.meta
    lines = []
    sentence = status_sentence(event, event.lang)
    if sentence:
        note = date_note(event, event.lang)
        lines.append(f"{sentence} {note}" if note else sentence)
    for day, note, _lang in event.change_notes(event.lang):
        lines.append(f"{day.isoformat()}: {note}")
    if lines:
        lines.append("")
    lines += [meta.summary, ""]
    lines.append(
        N_("Organised by %(organiser)s (%(prefecture)s JET alumni network).")
        % {"organiser": event.organizer.name, "prefecture": event.prefecture.name.en}
    )
    if meta.online_url:
        lines.append(N_("Online: %(url)s") % {"url": meta.online_url})
    if meta.cost:
        lines.append(N_("Cost: %(cost)s") % {"cost": meta.cost})
    if meta.registration_url:
        lines.append(N_("Registration: %(url)s") % {"url": meta.registration_url})
    lines.append(N_("Details: %(url)s") % {"url": page_url})
    return "\n".join(lines)


def vevent(event: Event, page_url: str) -> icalendar.Event:
    """Build the VEVENT of one event; `page_url` is the absolute URL of its page."""
    component = icalendar.Event()
    component.add("uid", event_uid(event))
    # From the content, never the clock: the day of the last published change, else of the
    # announcement. SEQUENCE counts the changes, so calendar programs take each one.
    component.add("dtstamp", event.updated.astimezone(UTC))
    component.add("last-modified", event.updated.astimezone(UTC))
    component.add("sequence", event.sequence)
    component.add("status", STATUS[event.status])
    if isinstance(event.start, datetime) and isinstance(event.end, datetime):
        component.add("dtstart", event.start)
        component.add("dtend", event.end)
    else:
        # All-day: DTEND is exclusive in iCalendar; the event's end is its inclusive last day.
        component.add("dtstart", event.starts_on())
        component.add("dtend", event.ends_on() + timedelta(days=1))
    component.add("summary", summary(event))
    component.add("description", description(event, page_url))
    where = location(event)
    if where:
        component.add("location", where)
    component.add("url", page_url)
    if event.meta.tags:
        component.add("categories", list(event.meta.tags))
    return component


def _zone_ranges(events: Iterable[Event], tzids: set[str]) -> dict[str, tuple[int, int]]:
    """Map each TZID the calendar uses to the first and last year the events need it."""
    ranges: dict[str, tuple[int, int]] = {}
    for event in events:
        if not isinstance(event.start, datetime) or event.zone is None:
            continue
        key = event.zone.key
        if key not in tzids:
            continue  # UTC and its aliases are written as ...Z times and need no VTIMEZONE
        first, last = ranges.get(key, (event.start.year, event.end.year))
        ranges[key] = (min(first, event.start.year), max(last, event.end.year))
    return ranges


class TimezoneCache:
    """VTIMEZONE components by zone and years (computing one walks the zone's transitions)."""

    def __init__(self) -> None:
        self._made: dict[tuple[str, int, int], bytes] = {}

    def get(self, key: str, first_year: int, last_year: int) -> icalendar.Timezone:
        """Return the VTIMEZONE of `key` for 1 January `first_year` to the end of `last_year`."""
        made = self._made.get((key, first_year, last_year))
        if made is None:
            component = icalendar.Timezone.from_tzid(
                key, first_date=date(first_year, 1, 1), last_date=date(last_year + 1, 1, 1)
            )
            made = component.to_ical()
            self._made[(key, first_year, last_year)] = made
        # A fresh copy each time: one component object must not sit in two calendars.
        return icalendar.Timezone.from_ical(made)


def calendar(
    events: list[Event],
    info: CalendarInfo | None,
    event_url: Callable[[Event], str],
    timezones: TimezoneCache | None = None,
) -> bytes:
    """Return a VCALENDAR of `events` (in the given order) as bytes.

    Without `info` it is a file to import (one event's "Add to calendar"): it carries no
    calendar name, so calendar programs add the event to a calendar the reader already has.
    """
    timezones = timezones or TimezoneCache()
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    if info is not None:
        _describe(cal, info)
    components = [vevent(event, event_url(event)) for event in events]
    used: set[str] = set()
    for component in components:
        for name in ("DTSTART", "DTEND"):
            tzid = component[name].params.get("TZID")
            if tzid:
                used.add(tzid)
    # Sorted, so the bytes never depend on the order of a set; before the events that use them.
    for key, (first, last) in sorted(_zone_ranges(events, used).items()):
        cal.add_component(timezones.get(key, first, last))
    for component in components:
        cal.add_component(component)
    return cal.to_ical()


def _describe(cal: icalendar.Calendar, info: CalendarInfo) -> None:
    # vText for the X-WR- names: icalendar would not escape their commas otherwise, and
    # readers would cut the text at the first one.
    cal.add("name", info.name)
    cal.add("x-wr-calname", icalendar.vText(info.name))
    cal.add("description", info.description)
    cal.add("x-wr-caldesc", icalendar.vText(info.description))
    cal.add("url", info.page_url)
    if info.source_url:
        cal.add("source", info.source_url, parameters={"VALUE": "URI"})
    if info.refresh:
        cal.add("refresh-interval", info.refresh, parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", icalendar.vDuration(info.refresh))
