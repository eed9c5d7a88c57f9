"""Write one digest issue as an email: its words (title, subject, figures line), the plain text,
the HTML with its CSS inlined (css-inline), and the complete .eml message around both.

Pure functions of an Issue and absolute URLs: nothing here reads settings or writes files.
Every byte follows from the content (the Date is the newest item's, the Message-ID and the
MIME boundary are made from the issue's identity), so two builds give the same message.
"""

from __future__ import annotations

import hashlib
import re
import textwrap
import unicodedata
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

import css_inline

from furusato.catalog import N_, gettext
from furusato.phrases import _parser as phrase_parser
from furusato.urls import Urls
from furusato.wording import (
    KIND_NAMES,
    ROLE_NAMES,
    STATUS_NAMES,
    event_when,
    long_date,
    money,
    month_label,
    number,
    venue_place,
)

from .issues import Issue

WIDTH = 72  # columns of the plain text (a full-width character takes two)


@dataclass(frozen=True)
class Words:
    """What an issue says about itself, in its edition's language."""

    title: str  # "Tottori digest: November 2026"
    figures: str  # the month's local-return figures in one line
    where: str  # "Tottori", or "all prefectures"


def words(issue: Issue, sitename: str) -> Words:
    """Return the title, the figures line and the place name of an issue."""
    lang = issue.lang
    month = month_label(issue.month.year, issue.month.month, lang=lang)
    if issue.prefecture is None:
        where = gettext(lang, N_("all prefectures"))
        title = gettext(lang, N_("%(site)s national digest: %(month)s")) % {
            "site": sitename,
            "month": month,
        }
    else:
        where = getattr(issue.prefecture.name, lang)
        title = gettext(lang, N_("%(prefecture)s digest: %(month)s")) % {
            "prefecture": where,
            "month": month,
        }
    return Words(title, figures_line(issue), where)


def figures_line(issue: Issue) -> str:
    """Say the month's figures in one line, as the local-return report counts them."""
    lang, f = issue.lang, issue.figures
    parts = [
        gettext(lang, N_("articles: %(n)s")) % {"n": number(f.articles, lang=lang)},
        gettext(lang, N_("events held: %(n)s")) % {"n": number(f.events_held, lang=lang)},
    ]
    if f.events_with_attendance:
        parts.append(
            gettext(lang, N_("attendance: %(n)s")) % {"n": number(f.attendance, lang=lang)}
        )
    for currency, amount in f.funds_raised.items():
        parts.append(
            gettext(lang, N_("funds raised: %(amount)s"))
            % {"amount": money(amount, currency, lang=lang)}
        )
    parts.append(
        gettext(lang, N_("active ambassadors: %(n)s"))
        % {"n": number(f.active_ambassadors, lang=lang)}
    )
    month = month_label(issue.month.year, issue.month.month, lang=lang)
    separator = "・" if lang == "ja" else " · "
    return gettext(lang, N_("%(month)s in figures: %(figures)s")) % {
        "month": month,
        "figures": separator.join(parts),
    }


# --- plain text ---------------------------------------------------------------------------


def _columns(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def wrap(text: str, lang: str, indent: str = "") -> list[str]:
    """Wrap `text` to WIDTH columns: English between words, Japanese between phrases (BudouX),
    never inside a URL."""
    text = " ".join(text.split())
    if not re.search(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]", text):
        return textwrap.wrap(
            text,
            WIDTH,
            initial_indent=indent,
            subsequent_indent=indent,
            break_long_words=False,
            break_on_hyphens=False,
        ) or [indent.rstrip()]
    pieces: list[str] = []
    for word in re.split(r"( )", text):
        pieces += [word] if word == " " or word.isascii() else phrase_parser().parse(word)
    lines, line = [], indent
    for piece in pieces:
        if line.strip() and _columns(line + piece) > WIDTH:
            lines.append(line.rstrip())
            line = indent + piece.lstrip()
        else:
            line += piece
    if line.strip():
        lines.append(line.rstrip())
    return lines


def plain_text(issue: Issue, urls: Urls, w: Words) -> str:
    """Return the issue as plain text that reads on its own: links as full URLs, ~72 columns."""
    lang = issue.lang
    _ = lambda message: gettext(lang, message)  # noqa: E731
    out: list[str] = [w.title, "=" * min(WIDTH, _columns(w.title)), ""]
    out += [*wrap(w.figures, lang), ""]

    def heading(text: str) -> None:
        out.extend([text, "-" * min(WIDTH, _columns(text)), ""])

    def item(title: str, facts: list[str], summary: str | None, link: str) -> None:
        out.extend(wrap(title, lang, ""))
        for fact in facts:
            out.extend(wrap(fact, lang, "  "))
        if summary:
            out.extend(wrap(summary, lang, "  "))
        out.extend([f"  {link}", ""])

    national = issue.prefecture is None
    if issue.articles:
        heading(_(N_("New articles")))
        for a in issue.articles:
            facts = [_meta_article(a, lang, national)]
            item(f"* {a.title}", facts, a.meta.summary, urls.article(a))
    if issue.events:
        heading(_(N_("Events this month")))
        for e in issue.events:
            item(f"* {e.title}", _event_facts(e, lang, national, recap=True), None, urls.event(e))
    if issue.ambassadors:
        heading(_(N_("New ambassadors")))
        for n in issue.ambassadors:
            facts = [_(ROLE_NAMES[n.ambassador.role])]
            if national:
                facts.append(getattr(n.prefecture.name, lang))
            item(f"* {n.ambassador.name}", facts, None, urls.ambassador(n.prefecture, n.ambassador))
    if issue.proposals:
        heading(_(N_("Policy proposals")))
        for c in issue.proposals:
            facts = [f"{_(STATUS_NAMES[c.status])} · {long_date(c.on, lang=lang)}"]
            item(f"* {c.proposal.title}", facts, c.proposal.meta.summary, urls.article(c.proposal))
    heading(_(N_("Coming up")))
    if issue.upcoming:
        for e in issue.upcoming:
            item(f"* {e.title}", _event_facts(e, lang, national), None, urls.event(e))
    else:
        out += [*wrap(_(N_("No events are announced for the next two months yet.")), lang), ""]
    out.append("-- ")  # the signature separator: mail programs grey out what follows
    out += wrap(_(N_("Read this issue on the web:")), lang)
    out.append(f"  {urls.digest_issue(issue.prefecture, str(issue.month))}")
    out += wrap(_(N_("Every issue, and the digest feed:")), lang)
    out += [f"  {urls.digest(issue.prefecture)}", f"  {urls.digest_feed(issue.prefecture)}"]
    return "\n".join(out) + "\n"


def _meta_article(article, lang: str, national: bool) -> str:
    parts = [gettext(lang, KIND_NAMES[article.meta.kind]), article.author.name]
    if national:
        parts.append(getattr(article.prefecture.name, lang))
    parts.append(long_date(article.published, lang=lang))
    return " · ".join(parts)


def _event_facts(event, lang: str, national: bool, recap: bool = False) -> list[str]:
    place = (
        venue_place(event.meta.venue, lang=lang)
        if event.meta.venue
        else gettext(lang, N_("Online"))
    )
    facts = [event_when(event, zone_name=False, lang=lang), place]
    if national:
        facts.append(getattr(event.prefecture.name, lang))
    if recap:
        facts += recap_facts(event, lang)
    return facts


def recap_facts(event, lang: str) -> list[str]:
    """Say what an event recorded after it took place: attendance and funds raised."""
    facts = []
    if event.meta.attendance is not None:
        facts.append(
            gettext(lang, N_("attendance: %(n)s")) % {"n": number(event.meta.attendance, lang=lang)}
        )
    if event.meta.funds_raised is not None:
        facts.append(
            gettext(lang, N_("funds raised: %(amount)s"))
            % {"amount": money(event.meta.funds_raised, lang=lang)}
        )
    return facts


# --- HTML and the message ---------------------------------------------------------------

# Pictures mail programs show: Gmail and Outlook show no SVG, so an SVG stays on the web page.
EMAIL_PICTURES = (".png", ".jpg", ".jpeg", ".gif", ".webp")
PHOTO_WIDTH = 552  # the email's column (600) less its padding


@dataclass(frozen=True)
class Picture:
    """An article's picture in an email: absolute URL, alt text and its shown size."""

    src: str
    alt: str
    width: int
    height: int | None


def email_image(article, urls: Urls) -> Picture | None:
    """Return an article's picture for the email (raster pictures only), or None."""
    image = article.meta.image
    if not image or not image.lower().endswith(EMAIL_PICTURES):
        return None
    width, height = PHOTO_WIDTH, None
    if article.image_size:
        natural_w, natural_h = article.image_size
        width = min(PHOTO_WIDTH, natural_w)
        height = round(natural_h * width / natural_w)
    src = urls.content_file(f"{article.prefecture.slug}/{image}")
    return Picture(src, article.meta.image_alt or "", width, height)


def inline(html: str, css: str) -> str:
    """Return the email HTML with `css` inlined into style attributes; media queries (dark
    mode, narrow screens) stay in one <style> element, where mail programs read them."""
    inliner = css_inline.CSSInliner(
        keep_at_rules=True,
        load_remote_stylesheets=False,
        extra_css=css,
    )
    return inliner.inline(html)


def message_domain(authority: str) -> str:
    """Return the domain of an RFC 4151 authority ('alumni.example.org,2026' or an address)."""
    return authority.split(",", 1)[0].rsplit("@", 1)[-1]


def message(
    issue: Issue,
    w: Words,
    text: str,
    html: str,
    *,
    sender: str,
    authority: str,
    list_url: str,
) -> bytes:
    """Return the issue as a complete RFC 5322 message (no recipient: a template to send).

    multipart/alternative with the plain text first and the HTML second, both UTF-8 in
    quoted-printable; the Subject in the edition's language (RFC 2047 encoded); Date from the
    content; Message-ID, List-Id and the MIME boundary made from the issue's identity.
    """
    domain = message_domain(authority)
    where = issue.prefecture.slug if issue.prefecture else "all"
    msg = EmailMessage(policy=SMTP)
    msg["From"] = sender
    msg["Subject"] = w.title
    msg["Date"] = format_datetime(issue.dated)
    msg["Message-ID"] = f"<digest.{issue.month}.{where}.{issue.lang}@{domain}>"
    msg["List-Id"] = f"<{where}.digest.{domain}>"
    msg["List-Archive"] = f"<{list_url}>"
    msg.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    msg.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
    msg["Content-Language"] = issue.lang  # after the parts: set_content moves Content-* headers
    seed = f"{issue.key}|{issue.lang}|{text}|{html}".encode()
    msg.set_boundary(f"=_furusato_{hashlib.sha256(seed).hexdigest()[:32]}")
    return msg.as_bytes()
