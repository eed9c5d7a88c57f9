"""The monthly digest: which months have an issue, the .eml messages (parsed by the standard
library), the plain text, the size budget, the digest feed and reproducible bytes."""

from __future__ import annotations

import email.header
import filecmp
from datetime import date
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default
from email.utils import parsedate_to_datetime
from pathlib import Path

import feedparser
import lxml.html
import pytest

from digest.letters import WIDTH, wrap
from furusato.commands.cli import main
from tests.sitebuild import SITES, build_site
from tests.test_feed_rules import rss_problems

DEV = "http://127.0.0.1:8000"
GMAIL_CLIPS = 100_000  # bytes: Gmail clips a message's HTML past about 102 KB
# Months of the fixture with news; June 2026 has only a proposal's decision (adopted).
ISSUES = ["2026-01", "2026-02", "2026-03", "2026-04", "2026-06"]
# The proposal's Japanese side is a story, not a proposal: the Japanese edition has no June.
ISSUES_JA = ISSUES[:-1]


def _page(path: Path) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(path.read_bytes())


def _parse(path: Path) -> EmailMessage:
    return BytesParser(policy=default).parsebytes(path.read_bytes())


def _emls(out: Path) -> list[Path]:
    return sorted(out.rglob("digest.eml"))


def test_a_proposal_is_news_when_submitted_and_again_when_decided(two_prefectures: Path) -> None:
    def proposals(month: str) -> list[str]:
        tree = _page(two_prefectures / "tottori" / "digest" / month / "index.html")
        return [
            " ".join(li.text_content().split())
            for li in tree.xpath("//section[.//h2[.='Policy proposals']]//li")
        ]

    [submitted] = proposals("2026-04")
    assert submitted.startswith("Dunes in winter") and "Submitted · 2 April 2026" in submitted
    [adopted] = proposals("2026-06")
    assert adopted.startswith("Dunes in winter") and "Adopted · 1 June 2026" in adopted


def test_months_with_news_have_an_issue_and_the_archive_names_the_others(
    two_prefectures: Path,
) -> None:
    digest = two_prefectures / "tottori" / "digest"
    assert sorted(p.name for p in digest.iterdir() if p.is_dir()) == ISSUES
    items = _page(digest / "index.html").xpath("//ul[@class='digest-archive']/li")
    # From the first month with content to the month of today (2026-11-24), newest first.
    assert len(items) == 11
    assert " ".join(items[0].text_content().split()) == (
        "November 2026 · No issue: nothing new this month."
    )
    linked = [li.xpath("string(a/@href)") for li in items if li.xpath("a")]
    assert linked == [f"/tottori/digest/{m}/" for m in reversed(ISSUES)]
    ja = _page(two_prefectures / "tottori" / "ja" / "digest" / "index.html")
    assert ja.get("lang") == "ja"
    assert "2026年11月" in ja.xpath("string(//ul[@class='digest-archive']/li[1])")
    # Shimane has no content at all: no issue, and the archive says when the first comes.
    shimane = two_prefectures / "shimane" / "digest"
    assert [p.name for p in shimane.iterdir()] == ["index.html"]
    assert "No issue yet" in _page(shimane / "index.html").text_content()


def test_an_issue_lists_the_news_of_its_month_and_what_comes_in_the_next_two(
    two_prefectures: Path,
) -> None:
    page = _page(two_prefectures / "tottori" / "digest" / "2026-03" / "index.html")
    assert page.xpath("string(//h1)").strip() == "Tottori digest: March 2026"
    articles = page.xpath("//section[@aria-labelledby='digest-articles']//li/a/text()")
    assert articles == ["Article number 09", "Article number 10", "Article number 11"]
    events = page.xpath("//section[@aria-labelledby='digest-events']//li")
    assert [e.xpath("string(a)") for e in events] == ["Past fundraiser"]
    assert "attendance: 40" in events[0].text_content()
    assert "funds raised: GBP 1,250" in events[0].text_content()
    figures = page.xpath("string(//p[@class='digest-figures'])")
    assert figures.startswith("March 2026 in figures: articles: 3 · events held: 1")
    # The first issue announces the ambassadors whose first contribution it holds.
    first = _page(two_prefectures / "tottori" / "digest" / "2026-01" / "index.html")
    assert first.xpath("//section[@aria-labelledby='digest-ambassadors']//li/a/text()")


def test_every_eml_is_a_complete_multipart_message(two_prefectures: Path) -> None:
    emls = _emls(two_prefectures)
    # National and Tottori, each month of each edition.
    assert len(emls) == 2 * (len(ISSUES) + len(ISSUES_JA))
    for path in emls:
        msg = _parse(path)
        lang = "ja" if "/ja/" in path.as_posix() else "en"
        assert msg.get_content_type() == "multipart/alternative"
        assert msg["MIME-Version"] == "1.0"
        assert msg["To"] is None  # a template: the recipient is set when it is sent
        assert msg["Content-Language"] == lang
        parts = list(msg.iter_parts())
        assert [p.get_content_type() for p in parts] == ["text/plain", "text/html"]
        for part in parts:
            assert part.get_content_charset() == "utf-8"
            assert part["Content-Transfer-Encoding"] == "quoted-printable"
        text, html = (p.get_content().replace("\r\n", "\n") for p in parts)
        assert text == path.with_name("email.txt").read_text(encoding="utf-8")
        assert html == path.with_name("email.html").read_text(encoding="utf-8")
        page = _page(path.with_name("index.html"))
        assert str(msg["Subject"]) == page.xpath("string(//h1)").replace("\u200b", "").strip()
        month = path.parent.name
        assert parsedate_to_datetime(msg["Date"]).strftime("%Y-%m") == month
        where = path.relative_to(two_prefectures).parts[0]
        where = "all" if where in ("digest", "ja") else where
        assert msg["Message-ID"] == f"<digest.{month}.{where}.{lang}@furusato.example>"
        assert msg["From"] == "Furusato example digest <digest@furusato.example>"
        assert b"\r\n" in path.read_bytes()  # RFC 5322 line ends


def test_the_japanese_subject_is_encoded_and_decodes_to_japanese(two_prefectures: Path) -> None:
    path = two_prefectures / "tottori" / "ja" / "digest" / "2026-03" / "digest.eml"
    raw = path.read_bytes()
    header = next(line for line in raw.split(b"\r\n") if line.startswith(b"Subject:"))
    assert header.isascii() and b"=?utf-8?" in header  # RFC 2047
    assert str(_parse(path)["Subject"]) == "鳥取県ダイジェスト（2026年3月）"
    decoded = email.header.decode_header(header.decode().removeprefix("Subject: "))
    assert "鳥取県" in "".join(
        part.decode(charset) if isinstance(part, bytes) else part for part, charset in decoded
    )


def test_email_html_is_standalone_small_and_links_absolutely(two_prefectures: Path) -> None:
    htmls = sorted(two_prefectures.rglob("email.html"))
    assert len(htmls) == 2 * (len(ISSUES) + len(ISSUES_JA))
    for path in htmls:
        data = path.read_bytes()
        assert len(data) < GMAIL_CLIPS, f"{path}: {len(data)} bytes"
        tree = lxml.html.fromstring(data)
        assert tree.get("lang") in ("en", "ja")
        assert tree.xpath("//meta[@name='color-scheme']/@content") == ["light dark"]
        assert not tree.xpath("//script | //link[@rel='stylesheet']")
        assert not tree.xpath("//meta[@http-equiv='Content-Security-Policy']")
        hrefs = tree.xpath("//a/@href | //img/@src")
        assert hrefs and all(h.startswith(f"{DEV}/") for h in hrefs), hrefs
        assert all(img.get("alt") for img in tree.xpath("//img"))
        # Styles are inlined; only the media queries stay in <style>.
        assert tree.xpath("//td[contains(@style, 'padding')]")
        assert "prefers-color-scheme: dark" in tree.xpath("string(//style)")


def test_plain_text_reads_on_its_own(two_prefectures: Path) -> None:
    text = (two_prefectures / "tottori" / "digest" / "2026-03" / "email.txt").read_text()
    lines = text.splitlines()
    assert lines[:2] == ["Tottori digest: March 2026", "=" * len("Tottori digest: March 2026")]
    assert f"  {DEV}/tottori/articles/article-09/" in lines
    assert "<" not in text
    assert all(len(line) <= WIDTH or line.strip().startswith("http") for line in lines)
    ja = (two_prefectures / "tottori" / "ja" / "digest" / "2026-03" / "email.txt").read_text()
    assert ja.startswith("鳥取県ダイジェスト（2026年3月）\n")


def test_japanese_wraps_between_phrases_within_72_columns() -> None:
    text = "鳥取県の元JET参加者が、今月も記事を書き、イベントを開き、新しい仲間を迎えました。" * 3
    lines = wrap(text, "ja")
    assert len(lines) > 1
    assert "".join(lines) == text
    for line in lines:
        assert sum(2 if ord(c) > 0x2E80 else 1 for c in line) <= WIDTH
    # BudouX phrases: no line starts with a particle or punctuation cut from its word.
    assert not any(line[0] in "のがをにはへ、。" for line in lines[1:])


def test_digest_feeds_pass_the_feed_rules(two_prefectures: Path) -> None:
    feeds = sorted(two_prefectures.rglob("digest.xml"))
    assert [f.relative_to(two_prefectures).as_posix() for f in feeds] == [
        "digest.xml",
        "ja/digest.xml",
        "shimane/digest.xml",
        "shimane/ja/digest.xml",
        "tottori/digest.xml",
        "tottori/ja/digest.xml",
    ]
    for path in feeds:
        rel = path.relative_to(two_prefectures).as_posix()
        assert rss_problems(path.read_bytes(), f"{DEV}/{rel}", today=date(2026, 11, 24)) == []
    parsed = feedparser.parse((two_prefectures / "tottori" / "digest.xml").read_bytes())
    assert not parsed.bozo
    assert [e.link for e in parsed.entries] == [
        f"{DEV}/tottori/digest/{m}/" for m in reversed(ISSUES)
    ]
    march = parsed.entries[ISSUES[::-1].index("2026-03")]
    assert march.title == "Tottori digest: March 2026"
    assert march.id == "tag:furusato.example,2026:digest/tottori/2026-03/en"
    body = lxml.html.fromstring(march.content[0].value)
    assert body.xpath("//a/@href")[0] == f"{DEV}/tottori/articles/article-09/"
    assert "Past fundraiser" in body.text_content()
    ja = feedparser.parse((two_prefectures / "tottori" / "ja" / "digest.xml").read_bytes())
    assert ja.feed.language == "ja"
    assert ja.entries[0].id.endswith("/2026-04/ja")


def test_two_builds_give_identical_digest_bytes(two_prefectures: Path, tmp_path: Path) -> None:
    again = build_site(SITES / "two_prefectures", tmp_path / "out")
    names = sorted(
        p.relative_to(two_prefectures)
        for p in two_prefectures.rglob("*")
        if p.is_file() and ("digest" in p.parts or p.name == "digest.xml")
    )
    assert len(names) > 40
    _, different, missing = filecmp.cmpfiles(two_prefectures, again, names, shallow=False)
    assert (different, missing) == ([], [])


def _cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def site_settings(tmp_path: Path) -> Path:
    """A settings file that builds tests/sites/two_prefectures on 2026-11-24."""
    from tests.sitebuild import REPO

    settings = tmp_path / "settings.py"
    settings.write_text(
        "import runpy\n"
        f"globals().update({{k: v for k, v in runpy.run_path({str(REPO / 'pelicanconf.py')!r})"
        ".items() if k.isupper()})\n"
        f"PATH = {str(SITES / 'two_prefectures' / 'content')!r}\n"
        f"THEME = {str(REPO / 'theme')!r}\n"
        f"PLUGIN_PATHS = [{str(REPO / 'plugins')!r}]\n"
        f"FURUSATO_CACHE_PATH = {str(tmp_path / 'cache')!r}\n"
        "FURUSATO_TODAY = '2026-11-24'\n",
        encoding="utf-8",
    )
    return settings


def test_make_digest_prints_where_each_file_is(
    site_settings: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "output"
    common = ["--settings", str(site_settings), "--output", str(out), "--prefecture", "tottori"]
    code, printed, _ = _cli(["digest", "show", *common, "--month", "2026-03"], capsys)
    assert code == 0
    listed = [line.split()[-1] for line in printed.splitlines() if "/" in line]
    for name in ("tottori/digest/2026-03/email.html", "tottori/ja/digest/2026-03/digest.eml"):
        assert str(out / name) in listed
    assert all(Path(p).is_file() for p in listed)
    code, _, err = _cli(["digest", "show", *common, "--month", "2026-06"], capsys)
    assert code == 1
    assert err.startswith(
        "there is no digest of tottori for 2026-06: nothing new was published or held that "
        "month, so no issue (and no email) was made."
    )
    code, _, err = _cli(["digest", "show", *common, "--month", "2027-01"], capsys)
    assert (code, err.splitlines()[0]) == (
        2,
        "2027-01 has not begun yet (today is 2026-11-24); the latest digest is the one of 2026-11",
    )
    bad = [*common[:4], "--prefecture", "tottorri", "--month", "2026-03"]
    code, _, err = _cli(["digest", "show", *bad], capsys)
    assert code == 2
    assert err.startswith("'tottorri' is not a prefecture: there is no prefectures/tottorri.yaml")


def test_publishing_needs_a_real_from_address_only_while_the_digest_is_on() -> None:
    from furusato.settings import DIGEST_EXAMPLE_FROM, missing_ownership
    from tests.sitebuild import OWNERSHIP

    published = {**OWNERSHIP, "FURUSATO_REQUIRE_OWNERSHIP": True}
    assert missing_ownership(published) == []
    example = {**published, "FURUSATO_DIGEST_FROM": DIGEST_EXAMPLE_FROM}
    assert missing_ownership(example) == [
        "the settings file: FURUSATO_DIGEST_FROM is still the example address "
        f"{DIGEST_EXAMPLE_FROM!r}; a published digest must come from your own address, such as "
        "'Tottori alumni <news@alumni.example.org>' (set it in publishconf.py, or set "
        "FURUSATO_DIGEST = False to build no digest)"
    ]
    assert missing_ownership({**example, "FURUSATO_DIGEST": False}) == []
