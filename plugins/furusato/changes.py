"""Say what became of an event (cancelled, postponed, rescheduled, moved online) one way in
pages, feeds and calendars, and build its "Add to Google Calendar" link.

The status comes from the event's front matter (`status:`, `rescheduled_from:`, `changes:`),
so every output that mentions it is derived from content and builds stay reproducible.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

from .catalog import N_, gettext
from .entities import Event
from .wording import long_date

# The name of each status readers see (badges, notices), as msgids of the theme's catalog.
STATUS_NAMES = {
    "scheduled": N_("Scheduled"),
    "cancelled": N_("Cancelled"),
    "postponed": N_("Postponed"),
    "rescheduled": N_("Rescheduled"),
    "moved-online": N_("Moved online"),
}
# A changed event's title in feeds and calendars, so a reader sees the change in a list.
TITLE_FORMS = {
    "cancelled": N_("Cancelled: %(title)s"),
    "postponed": N_("Postponed: %(title)s"),
    "rescheduled": N_("Rescheduled: %(title)s"),
    "moved-online": N_("Moved online: %(title)s"),
}
# What the status means, one sentence for notices, feed items and calendar descriptions.
STATUS_SENTENCES = {
    "cancelled": N_("This event has been cancelled."),
    "postponed": N_("This event has been postponed; the new date is to be announced."),
    "rescheduled": N_("This event has been moved to a new date."),
    "moved-online": N_("This event now takes place online only."),
}
GOOGLE_CALENDAR = "https://calendar.google.com/calendar/render"
UTC = ZoneInfo("UTC")


def status_name(event: Event, lang: str) -> str:
    """Return the event's status as a word or two: 'Cancelled', '中止'."""
    return gettext(lang, STATUS_NAMES[event.status])


def titled(event: Event, lang: str) -> str:
    """Return the event's title with its change before it ('Cancelled: …', '中止：…'), or the
    title alone for a scheduled event."""
    form = TITLE_FORMS.get(event.status)
    return gettext(lang, form) % {"title": event.title} if form else event.title


def status_sentence(event: Event, lang: str) -> str | None:
    """Return one sentence saying what became of the event, or None if it is as planned."""
    sentence = STATUS_SENTENCES.get(event.status)
    return gettext(lang, sentence) if sentence else None


def date_note(event: Event, lang: str) -> str | None:
    """Say how a postponed event's date stands: to be announced (and when it was first
    planned for), or moved from its first planned day; None for other events."""
    if event.status == "postponed":
        first = long_date(event.starts_on(), lang=lang)
        return gettext(lang, N_("Date to be announced (first planned for %(date)s)")) % {
            "date": first
        }
    if event.status == "rescheduled" and event.first_start is not None:
        first_day = event.first_start
        if isinstance(first_day, datetime):
            first_day = first_day.date()
        return gettext(lang, N_("Moved from %(date)s")) % {"date": long_date(first_day, lang=lang)}
    return None


def google_calendar_url(event: Event, page_url: str, *, lang: str = "en") -> str:
    """Return Google Calendar's "add event" link for the event (times in UTC; an all-day
    event as its days, the last one exclusive as Google expects)."""
    if isinstance(event.start, datetime) and isinstance(event.end, datetime):
        stamp = "%Y%m%dT%H%M%SZ"
        dates = f"{event.start.astimezone(UTC):{stamp}}/{event.end.astimezone(UTC):{stamp}}"
    else:
        first: date = event.starts_on()
        after = event.ends_on() + timedelta(days=1)
        dates = f"{first:%Y%m%d}/{after:%Y%m%d}"
    meta = event.meta
    details = [meta.summary]
    if meta.online_url:
        details.append(meta.online_url)
    details.append(page_url)
    query = {
        "action": "TEMPLATE",
        "text": event.title,
        "dates": dates,
        "details": "\n\n".join(details),
    }
    where = _location(event)
    if where:
        query["location"] = where
    return f"{GOOGLE_CALENDAR}?{urlencode(query, safe='/', quote_via=quote)}"


def _location(event: Event) -> str | None:
    venue = event.meta.venue
    if venue is not None and event.status != "moved-online":
        return ", ".join(p for p in (venue.name, venue.address, venue.city, venue.country) if p)
    return event.meta.online_url
