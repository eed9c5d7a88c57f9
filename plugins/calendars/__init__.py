"""Write the iCalendar files: /<slug>/events.ics, one event.ics per event, and /events.ics.

A prefecture's calendar is what alumni subscribe to; the one-event file is the event page's
"Add to calendar". When one prefecture's site is built alone, its calendar is /events.ics and
there is no national one.
"""

from __future__ import annotations

import functools
from datetime import timedelta
from typing import Any

from pelican import signals

from calendars.ical import CalendarInfo, TimezoneCache, calendar
from furusato.catalog import N_, gettext
from furusato.entities import Event, Prefecture
from furusato.fingerprint import fingerprint
from furusato_engine import SiteGenerator, SiteWriter, require


class CalendarsGenerator(SiteGenerator):
    """One calendar per prefecture, one per event, and the national calendar."""

    def prepare(self) -> None:
        self.refresh = timedelta(hours=self.settings["FURUSATO_CALENDAR_REFRESH_HOURS"])
        self.timezones = TimezoneCache()

    def event_url(self, event: Event) -> str:
        """Return an event page's absolute URL (calendar programs need one)."""
        return self.absolute.event(event)

    def write(self, writer: SiteWriter) -> None:
        site, urls = self.site, self.urls
        for prefecture in site.prefectures.values():
            events = site.events_of(prefecture.slug)
            # One calendar serves both editions: a translated event is in it once (its
            # English side, the default edition's); each event page keeps its own event.ics.
            shared = site.edition(events, "en")
            self.write_calendar(
                writer, urls.calendar(prefecture), shared, self.prefecture_info(prefecture)
            )
            for event in events:
                self.write_calendar(writer, urls.event_ics(event), [event], None)
        if site.single is None:
            sitename = {"sitename": self.settings.get("SITENAME", "Furusato")}
            info = CalendarInfo(
                name=both(N_("%(sitename)s: JET alumni events"), sitename, sitename),
                description=both(
                    N_("Events of the JET Programme alumni networks of Japan's prefectures."),
                    {},
                    {},
                ),
                page_url=self.absolute.home(),
                source_url=self.absolute.national("events.ics"),
                refresh=self.refresh,
            )
            self.write_calendar(
                writer, urls.national("events.ics"), site.edition(site.events, "en"), info
            )

    def prefecture_info(self, p: Prefecture) -> CalendarInfo:
        return CalendarInfo(
            name=both(
                N_("%(prefecture)s JET alumni events"),
                {"prefecture": p.name.en},
                {"prefecture": p.name.ja},
            ),
            description=both(
                N_(
                    "Events of the %(prefecture)s (%(prefecture_ja)s) JET Programme alumni network."
                ),
                {"prefecture": p.name.en, "prefecture_ja": p.name.ja},
                {"prefecture": p.name.ja, "prefecture_ja": p.name.ja},
            ),
            page_url=self.absolute.events(p),
            source_url=self.absolute.calendar(p),
            refresh=self.refresh,
        )

    def write_calendar(
        self, writer: SiteWriter, url: str, events: list[Event], info: CalendarInfo | None
    ) -> None:
        """Write one .ics file, unless its events and description are unchanged."""
        path = self.urls.save_as(url)
        key = f"ics|{url}|{fingerprint([events, repr(info)])}"
        if writer.up_to_date(path, key):
            return
        writer.produce([path], key, functools.partial(self.calendar_file, path, events, info))

    def calendar_file(
        self, path: str, events: list[Event], info: CalendarInfo | None
    ) -> dict[str, bytes]:
        """Return {path: the .ics of `events`} (a job for the writer)."""
        return {path: calendar(events, info, self.event_url, self.timezones)}


def both(message: str, english: dict[str, str], japanese: dict[str, str]) -> str:
    """Say `message` in English and in Japanese: one calendar serves both editions."""
    return f"{message % english} / {gettext('ja', message) % japanese}"


def get_generators(pelican: Any) -> type[SiteGenerator]:
    return CalendarsGenerator


def initialized(pelican: Any) -> None:
    require(pelican, "calendars")


def register() -> None:
    signals.initialized.connect(initialized)
    signals.get_generators.connect(get_generators)
