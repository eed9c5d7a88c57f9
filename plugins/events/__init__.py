"""Write each prefecture's events page (upcoming and past) in every edition, and one page per
event, in the language it is written in.

"Upcoming" is decided against the site's date (FURUSATO_TODAY, or today in TIMEZONE), so
the lists are rebuilt daily by the deploy workflow. The .ics files are the calendars plugin's.
"""

from __future__ import annotations

from typing import Any

from pelican import signals

from furusato.entities import Event, Prefecture
from furusato.urls import LANGUAGES
from furusato_engine import SiteGenerator, SiteWriter, require


class EventsGenerator(SiteGenerator):
    """/<slug>/events/ (and /<slug>/ja/events/) and /<slug>/events/<event-slug>/."""

    renders_documents = True

    def write(self, writer: SiteWriter) -> None:
        for prefecture in self.site.prefectures.values():
            if not self.focused:  # the lists: a focused run makes none of them
                for lang in LANGUAGES:
                    self.write_list(writer, prefecture, lang)
            for event in self.site.events_of(prefecture.slug):
                self.write_event(writer, prefecture, event)

    def write_list(self, writer: SiteWriter, p: Prefecture, lang: str) -> None:
        site, urls = self.site, self.urls_for(lang)
        events = site.edition(site.events_of(p.slug), lang)
        calendar = self.absolute.calendar(p)
        self.render(
            writer,
            urls.events(p),
            "events",
            lang=lang,
            alternates=self.editions(lambda u: u.events(p)),
            prefecture=p,
            upcoming=site.upcoming(events),
            past=site.past(events),
            calendar_url=calendar,
            webcal_url="webcal://" + calendar.split("://", 1)[1],
        )

    def write_event(self, writer: SiteWriter, p: Prefecture, event: Event) -> None:
        """Write an event's one page, in its language, linked to its translation."""
        self.render_document(
            writer,
            event,
            self.urls.event,
            "event",
            lambda u: u.events(p),
            prefecture=p,
            event=event,
            is_past=event.ends_on() < self.site.today,
        )


def get_generators(pelican: Any) -> type[SiteGenerator]:
    return EventsGenerator


def initialized(pelican: Any) -> None:
    require(pelican, "events")


def register() -> None:
    signals.initialized.connect(initialized)
    signals.get_generators.connect(get_generators)
