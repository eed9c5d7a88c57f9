"""Write the monthly fan-club digest of each prefecture and of the nation, in every edition:
each issue's web page, its email (HTML, plain text, .eml) for the latest
FURUSATO_DIGEST_EMAIL_MONTHS months, the archive and the digest feed.

What an issue holds is decided in `digest.issues`; its email form in `digest.letters`; its
feed in `digest.feed`. This module renders the templates and writes the files.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from markupsafe import Markup
from pelican import signals

from furusato.catalog import N_, gettext
from furusato.entities import Article, Event, Prefecture
from furusato.fingerprint import fingerprint
from furusato.urls import LANGUAGES, Urls
from furusato.wording import month_label
from furusato_engine import SiteGenerator, SiteWriter, require

from . import feed as digest_feed
from . import letters
from .issues import Archive, Digests, Issue, email_kept

EMAIL_CSS = Path("email") / "digest.css"  # under the theme: inlined into the email HTML


class DigestGenerator(SiteGenerator):
    """Every digest's archive, issues (page, email HTML, text, .eml) and feed, per edition."""

    def prepare(self) -> None:
        s = self.settings
        self.zone = ZoneInfo(s["TIMEZONE"])
        self.authority = s["FURUSATO_TAG_AUTHORITY"]
        self.sender = s["FURUSATO_DIGEST_FROM"]
        self.sitename = s.get("SITENAME", "Furusato")
        self.email_months = s["FURUSATO_DIGEST_EMAIL_MONTHS"]
        self.css = (Path(self.theme) / EMAIL_CSS).read_text(encoding="utf-8")
        year = int(self.authority.split(",", 1)[1][:4])
        self.empty_date = datetime(year, 1, 1, tzinfo=UTC)

    def write(self, writer: SiteWriter) -> None:
        if not self.settings["FURUSATO_DIGEST"]:
            return
        site = self.site
        targets: list[Prefecture | None] = list(site.prefectures.values())
        if site.single is None:
            targets.insert(0, None)
        for prefecture in targets:
            digests = Digests(site, prefecture, self.zone)
            archives = {lang: digests.archive(lang) for lang in LANGUAGES}
            # A month can have news in one edition only (a proposal whose other side is a
            # story): its page then has no other edition to link.
            issued = {lang: {str(i.month) for i in a.issues} for lang, a in archives.items()}
            for lang in LANGUAGES:
                self.write_digest(writer, archives[lang], issued)

    def issue_key(self, issue: Issue) -> str:
        """Fingerprint all an issue shows (its items, figures and the email settings), so an
        edit renders again only the issues that show what changed."""

        def document(item: Article | Event) -> list[Any]:
            # What a digest shows of an article or event: never its body.
            person = item.author if isinstance(item, Article) else item.organizer
            size = list(item.image_size or ()) if isinstance(item, Article) else []
            return [item.key, item.lang, item.meta, person, size]

        shown = [
            str(issue.month),
            issue.lang,
            issue.prefecture,
            [document(a) for a in issue.articles],
            [document(e) for e in issue.events],
            [(n.prefecture, n.ambassador, n.since) for n in issue.ambassadors],
            [(document(c.proposal), c.status, c.on) for c in issue.proposals],
            [document(e) for e in issue.upcoming],
            repr(issue.figures),
            issue.dated.isoformat(),
        ]
        extra = [self.sender, self.authority, self.sitename, self.css]
        return f"digest|{self.site_key}|{fingerprint([shown, extra])}"

    def write_digest(
        self, writer: SiteWriter, archive: Archive, issued: dict[str, set[str]]
    ) -> None:
        p, lang = archive.prefecture, archive.lang
        urls, absolute = self.urls_for(lang), self.absolute.edition(lang)
        pages = self.editions(lambda u: u.digest(p))
        self.register_editions(pages)
        keys = [self.issue_key(issue) for issue in archive.issues]
        for issue, issue_key in zip(archive.issues, keys, strict=True):
            editions = [lang for lang in LANGUAGES if str(issue.month) in issued[lang]]
            emails = email_kept(issue.month, self.site.today, self.email_months)
            # Its links to the other edition, and whether it has email files (without them,
            # its page says for how many months they are kept).
            kept = "emails" if emails else f"web-only/{self.email_months}"
            key = f"{issue_key}|{'+'.join(editions)}|{kept}"
            self.write_issue(writer, issue, key, editions, emails)
        # The archive shows the months and which have an issue; the feed, every issue.
        months = [(str(m), issue is not None) for m, issue in archive.months]
        key = f"digest|{self.site_key}|{fingerprint([lang, p, months, self.sitename])}"
        path = urls.save_as(pages[lang])
        if not writer.up_to_date(path, key):
            data = self.common(p, lang, pages)
            labels = {m: month_label(m.year, m.month, lang=lang) for m, _ in archive.months}
            data.update(archive=archive, labels=labels)
            writer.write_bytes(path, self.page(pages[lang], "digest_archive", data), key)
        feed_url = absolute.digest_feed(p)
        feed_path = self.absolute.save_as(feed_url)
        limit = self.settings["FURUSATO_FEED_ITEMS"]
        key = f"digest|{self.site_key}|{fingerprint([key, keys, limit])}"
        if writer.up_to_date(feed_path, key):
            return
        writer.produce(
            [feed_path], key, functools.partial(self.feed_file, feed_path, feed_url, archive)
        )

    def feed_file(self, path: str, url: str, archive: Archive) -> dict[str, bytes]:
        """Return {path: the digest feed of `archive`}, its latest issues in full."""
        p, lang = archive.prefecture, archive.lang
        absolute = self.absolute.edition(lang)
        feed = digest_feed.DigestFeed(
            key=(p.slug if p else "all") + ("" if lang == "en" else f"/{lang}"),
            lang=lang,
            title=self.feed_title(p, lang),
            description=gettext(
                lang,
                N_(
                    "One item a month: what JET alumni of %(where)s published and held, who "
                    "is new, and what is coming up."
                ),
            )
            % {"where": self.where(p, lang)},
            home=absolute.digest(p),
            url=url,
            items=tuple(
                self.feed_item(issue, absolute)
                for issue in archive.issues[: self.settings["FURUSATO_FEED_ITEMS"]]
            ),
            empty_date=self.empty_date,
        )
        return {path: digest_feed.render(feed, self.authority)}

    def where(self, p: Prefecture | None, lang: str) -> str:
        return getattr(p.name, lang) if p else gettext(lang, N_("all prefectures"))

    def feed_title(self, p: Prefecture | None, lang: str) -> str:
        if p is None:
            return gettext(lang, N_("%(site)s national digest")) % {"site": self.sitename}
        return gettext(lang, N_("%(prefecture)s digest")) % {"prefecture": getattr(p.name, lang)}

    def common(self, p: Prefecture | None, lang: str, alternates: dict[str, str]) -> dict:
        """Return what every digest page is given besides its issue or archive."""
        switch = {other: alternates[other] for other in alternates if other != lang}
        return {
            "prefecture": p,
            "lang": lang,
            "alternates": alternates,
            "switch": switch,
            "feed_title": self.feed_title(p, lang),
        }

    def sections(self, issue: Issue, words: letters.Words, urls: Urls) -> Markup:
        """Return the issue's sections as HTML (the feed item's content), linked by `urls`."""
        env = self.environment(issue.lang)
        html = env.get_template("partials/digest_sections.html").module.digest_sections(
            issue, words, urls
        )
        return Markup(str(html).strip())

    def feed_item(self, issue: Issue, absolute: Urls) -> digest_feed.DigestItem:
        words = letters.words(issue, self.sitename)
        return digest_feed.DigestItem(
            key=issue.key,
            title=words.title,
            link=absolute.digest_issue(issue.prefecture, str(issue.month)),
            summary=words.figures,
            html=self.sections(issue, words, absolute),
            dated=issue.dated,
        )

    def write_issue(
        self,
        writer: SiteWriter,
        issue: Issue,
        key: str,
        editions: list[str],
        emails: bool,
    ) -> None:
        """Write one issue's web page, and its email files when `emails`; `editions` have
        this month."""
        p, lang, month = issue.prefecture, issue.lang, str(issue.month)
        urls = self.urls_for(lang)
        every = self.editions(lambda u: u.digest_issue(p, month))
        pages = {other: url for other, url in every.items() if other in editions}
        self.register_editions(pages)
        files = {"page": urls.save_as(pages[lang])}
        if emails:
            files.update(
                (kind, urls.save_as(urls.digest_file(p, month, kind)))
                for kind in ("html", "text", "eml")
            )
        if writer.all_up_to_date(list(files.values()), key):
            return
        words = letters.words(issue, self.sitename)  # only for an issue made again
        data = self.common(p, lang, pages)
        data.update(
            issue=issue,
            words=words,
            emails=emails,
            email_months=self.email_months,
            # What a coordinator runs for an older month's email files (README, "Fan-club
            # digest"): it builds with the window widened to that month.
            digest_command=f"make digest PREFECTURE={p.slug if p else 'national'} MONTH={month}",
        )
        writer.produce(
            list(files.values()),
            key,
            functools.partial(self.issue_files, files, pages[lang], data, issue, words),
        )

    def issue_files(
        self,
        files: dict[str, str],
        url: str,
        data: dict[str, Any],
        issue: Issue,
        words: letters.Words,
    ) -> dict[str, bytes]:
        """Return the bytes of an issue's web page and, when `files` names them, of its
        email HTML, plain text and .eml."""
        page = self.page(url, "digest", data)
        if "eml" not in files:
            return {files["page"]: page}
        lang = issue.lang
        absolute = self.absolute.edition(lang)
        env = self.environment(lang)
        email = env.get_template("email/digest.html").render(
            {**data, "urls": absolute, "site": self.site, "email_image": letters.email_image}
        )
        html = letters.inline(email, self.css).rstrip("\n") + "\n"
        text = letters.plain_text(issue, absolute, words)
        eml = letters.message(
            issue,
            words,
            text,
            html,
            sender=self.sender,
            authority=self.authority,
            list_url=absolute.digest(issue.prefecture),
        )
        return {
            files["page"]: page,
            files["html"]: html.encode("utf-8"),
            files["text"]: text.encode("utf-8"),
            files["eml"]: eml,
        }


def get_generators(pelican: Any) -> type[SiteGenerator]:
    return DigestGenerator


def initialized(pelican: Any) -> None:
    require(pelican, "digest")


def register() -> None:
    signals.initialized.connect(initialized)
    signals.get_generators.connect(get_generators)
