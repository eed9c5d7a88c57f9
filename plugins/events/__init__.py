"""Write each prefecture's events page (upcoming and past) and one page per event.

"Upcoming" is decided against the site's date (FURUSATO_TODAY, or today in TIMEZONE), so
the lists are rebuilt daily by the deploy workflow. The .ics files are the calendars plugin's.
"""

from __future__ import annotations

from typing import Any

from pelican import signals

from furusato.entities import Prefecture
from furusato_engine import SiteGenerator, SiteWriter, require


class EventsGenerator(SiteGenerator):
    """/<slug>/events/ and /<slug>/events/<event-slug>/ for every prefecture."""

    def write(self, writer: SiteWriter) -> None:
        for prefecture in self.site.prefectures.values():
            self.write_prefecture(writer, prefecture)

    def write_prefecture(self, writer: Any, p: Prefecture) -> None:
        site, urls = self.site, self.urls
        events = site.events_of(p.slug)
        calendar = self.absolute.calendar(p)
        self.render(
            writer,
            urls.events(p),
            "events",
            prefecture=p,
            upcoming=site.upcoming(events),
            past=site.past(events),
            calendar_url=calendar,
            webcal_url="webcal://" + calendar.split("://", 1)[1],
        )
        for event in events:
            self.render(
                writer,
                urls.event(event),
                "event",
                prefecture=p,
                event=event,
                is_past=event.ends_on() < site.today,
            )


def get_generators(pelican: Any) -> type[SiteGenerator]:
    return EventsGenerator


def initialized(pelican: Any) -> None:
    require(pelican, "events")


def register() -> None:
    signals.initialized.connect(initialized)
    signals.get_generators.connect(get_generators)
