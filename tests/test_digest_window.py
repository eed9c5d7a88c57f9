"""The digest's email files for the latest FURUSATO_DIGEST_EMAIL_MONTHS months only: which
issues have them, what an issue page without them says (no broken link), an older month made
on demand by `furusato digest` (the bytes of a build with the window wide open), and email
files removed when their month leaves the window (the incremental build equals a clean one).

The fixture site (tests/sites/two_prefectures) has issues in 2026-01, -02, -03, -04 and -06
(June in English only); its builds' today is 2026-11-24.
"""

from __future__ import annotations

import mailbox
from datetime import date
from email.parser import BytesParser
from email.policy import default
from pathlib import Path

import lxml.html
import pytest

from digest.issues import Month, email_kept
from furusato.commands.cli import main
from furusato.commands.digest import email_window
from furusato.urls import DIGEST_FILES
from tests.quality.links import broken_html_references
from tests.sitebuild import SITES, TODAY, build_result, build_site, snapshot

ISSUES = ["2026-01", "2026-02", "2026-03", "2026-04", "2026-06"]
WINDOW = 7  # from 2026-11 back to 2026-05: of the issues, June alone keeps its email files
SITE = SITES / "two_prefectures"


def _page(path: Path) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(path.read_bytes())


def _email_files(out: Path) -> list[str]:
    return sorted(
        p.relative_to(out).as_posix()
        for p in out.rglob("*")
        if p.name in DIGEST_FILES.values() and p.parent.parent.name == "digest"
    )


def _files_of(where: str, month: str) -> list[str]:
    return sorted(f"{where}digest/{month}/{name}" for name in DIGEST_FILES.values())


@pytest.fixture(scope="module")
def windowed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A build of the fixture with the email files of the latest seven months only."""
    out = tmp_path_factory.mktemp("windowed") / "output"
    return build_site(SITE, out, FURUSATO_DIGEST_EMAIL_MONTHS=WINDOW)


def test_the_window_counts_months_back_from_the_month_of_today() -> None:
    today = date(2026, 11, 24)
    assert email_kept(Month(2026, 11), today, 12)
    assert email_kept(Month(2025, 12), today, 12)  # the twelfth month back, across a year
    assert not email_kept(Month(2025, 11), today, 12)
    assert email_kept(Month(2026, 11), today, 1)
    assert not email_kept(Month(2026, 10), today, 1)
    assert email_kept(Month(2018, 4), today, 0)  # 0: every month
    # The first and last days of a month decide alike: months, never days.
    assert email_kept(Month(2026, 5), date(2026, 11, 1), 7)
    assert email_kept(Month(2026, 5), date(2026, 11, 30), 7)
    assert not email_kept(Month(2026, 5), date(2026, 12, 1), 7)


def test_the_command_widens_the_window_just_enough_to_reach_a_month() -> None:
    settings = {"FURUSATO_TODAY": "2026-11-24", "FURUSATO_DIGEST_EMAIL_MONTHS": 3}
    assert email_window(settings, "2026-10") == 3  # inside: the window is kept
    assert email_window(settings, "2026-08") == 4
    assert email_window(settings, "2019-05") == 91
    assert email_window({**settings, "FURUSATO_DIGEST_EMAIL_MONTHS": 0}, "2019-05") == 0
    assert email_window({"FURUSATO_TODAY": "2026-11-24"}, "2025-11") == 13  # default 12
    # The widened window is exactly the build's rule for that month and no wider.
    today = date(2026, 11, 24)
    for back in range(0, 40):
        month = Month(2026, 11).plus(-back)
        window = email_window(settings, str(month))
        assert email_kept(month, today, window)
        assert window == 3 or not email_kept(month, today, window - 1)


def test_only_the_latest_months_have_email_files(windowed: Path, two_prefectures: Path) -> None:
    # June is the only issue of the window; the Japanese edition has no June.
    assert _email_files(windowed) == _files_of("", "2026-06") + _files_of("tottori/", "2026-06")
    for edition in ("tottori/", "tottori/ja/", "", "ja/"):
        months = ISSUES if "ja" not in edition else ISSUES[:-1]
        for month in months:
            assert (windowed / f"{edition}digest/{month}/index.html").is_file()
    # The default (12 months) reaches every issue of the fixture: 2 digests, 9 issues.
    assert len(_email_files(two_prefectures)) == 2 * 9 * len(DIGEST_FILES)
    # The archives and the digest feeds do not depend on the window.
    for rel in ("tottori/digest/index.html", "tottori/ja/digest/index.html", "digest.xml",
                "tottori/digest.xml", "tottori/ja/digest.xml", "ja/digest/index.html"):  # fmt: skip
        assert (windowed / rel).read_bytes() == (two_prefectures / rel).read_bytes(), rel


def test_an_issue_without_email_files_says_how_a_coordinator_gets_them(windowed: Path) -> None:
    old = _page(windowed / "tottori" / "digest" / "2026-04" / "index.html")
    section = old.xpath("//section[@aria-labelledby='digest-formats']")[0]
    hrefs = section.xpath(".//a/@href")
    assert hrefs == ["/tottori/digest.xml"]  # the feed, and no email file
    assert not old.xpath("//a[contains(@href, 'email') or contains(@href, '.eml')]")
    note = " ".join(section.xpath("string(.//p[@class='digest-web-only'])").split())
    assert note == (
        "The email files (HTML, plain text and .eml) are kept for the issues of the latest 7 "
        "months. A coordinator makes this issue's by running make digest PREFECTURE=tottori "
        "MONTH=2026-04 in the site's repository."
    )
    assert section.xpath("string(.//code)") == "make digest PREFECTURE=tottori MONTH=2026-04"
    ja = _page(windowed / "tottori" / "ja" / "digest" / "2026-04" / "index.html")
    note = ja.xpath("string(//p[@class='digest-web-only'])")
    assert "直近7か月分の号にだけ用意しています" in note
    assert ja.xpath("string(//p[@class='digest-web-only']/code)") == (
        "make digest PREFECTURE=tottori MONTH=2026-04"
    )
    national = _page(windowed / "digest" / "2026-01" / "index.html")
    assert national.xpath("string(//p[@class='digest-web-only']/code)") == (
        "make digest PREFECTURE=national MONTH=2026-01"
    )
    # An issue of the window links its three files, which exist.
    june = windowed / "tottori" / "digest" / "2026-06"
    links = _page(june / "index.html").xpath(
        "//section[@aria-labelledby='digest-formats']//a/@href"
    )
    assert links[:3] == [f"/tottori/digest/2026-06/{n}" for n in DIGEST_FILES.values()]
    assert not _page(june / "index.html").xpath("//p[@class='digest-web-only']")


def test_no_page_links_a_missing_file(windowed: Path) -> None:
    assert broken_html_references(windowed) == []


def _settings_file(tmp_path: Path, window: int) -> Path:
    from tests.sitebuild import REPO

    settings = tmp_path / "settings.py"
    settings.write_text(
        "import runpy\n"
        f"globals().update({{k: v for k, v in runpy.run_path({str(REPO / 'pelicanconf.py')!r})"
        ".items() if k.isupper()})\n"
        f"PATH = {str(SITE / 'content')!r}\n"
        f"THEME = {str(REPO / 'theme')!r}\n"
        f"PLUGIN_PATHS = [{str(REPO / 'plugins')!r}]\n"
        f"FURUSATO_CACHE_PATH = {str(tmp_path / 'cache')!r}\n"
        f"FURUSATO_TODAY = {TODAY!r}\n"
        f"FURUSATO_DIGEST_EMAIL_MONTHS = {window}\n",
        encoding="utf-8",
    )
    return settings


def test_an_older_month_is_made_on_demand_with_the_bytes_of_a_wide_open_build(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "output"
    settings = _settings_file(tmp_path, 3)
    common = ["--settings", str(settings), "--output", str(out), "--prefecture", "tottori"]
    assert main(["build", "--settings", str(settings), "--output", str(out)]) == 0
    march = out / "tottori" / "digest" / "2026-03"
    assert not (march / "digest.eml").exists()  # 2026-03 is outside a window of 3
    capsys.readouterr()
    assert main(["digest", "show", *common, "--month", "2026-03"]) == 0
    printed = capsys.readouterr().out
    listed = {line.split()[-1] for line in printed.splitlines() if "/" in line}
    for lang in ("", "ja/"):
        for name in DIGEST_FILES.values():
            assert str(out / f"tottori/{lang}digest/2026-03/{name}") in listed
    msg = BytesParser(policy=default).parsebytes((march / "digest.eml").read_bytes())
    assert str(msg["Subject"]) == "Tottori digest: March 2026"
    assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]
    # The same bytes as a build that writes every month's email files.
    wide = build_site(SITE, tmp_path / "wide" / "output", FURUSATO_DIGEST_EMAIL_MONTHS=0)
    for lang in ("", "ja/"):
        folder = f"tottori/{lang}digest/2026-03"
        for name in ("index.html", *DIGEST_FILES.values()):
            assert (out / folder / name).read_bytes() == (wide / folder / name).read_bytes()
    # The next ordinary build removes them again: the output is that of a clean build.
    assert main(["build", "--settings", str(settings), "--output", str(out)]) == 0
    assert not (march / "digest.eml").exists()
    clean = build_site(SITE, tmp_path / "clean" / "output", FURUSATO_DIGEST_EMAIL_MONTHS=3)
    assert snapshot(out) == snapshot(clean)


def test_an_older_month_can_be_sent(tmp_path: Path) -> None:
    subscribers = tmp_path / "private" / "subscribers.csv"
    subscribers.parent.mkdir()
    subscribers.write_text(
        "email,name,unsubscribe\nreader@example.com,Reader,https://example.org/unsubscribe?u=1\n",
        encoding="utf-8",
    )
    mbox = tmp_path / "private" / "sent.mbox"
    code = main(
        [
            "digest", "send", "--settings", str(_settings_file(tmp_path, 2)),
            "--output", str(tmp_path / "output"), "--prefecture", "tottori",
            "--month", "2026-02", "--lang", "ja", "--subscribers", str(subscribers),
            "--dry-run", str(mbox),
        ]
    )  # fmt: skip
    assert code == 0
    [sent] = list(mailbox.mbox(str(mbox)))
    assert sent["To"] == "Reader <reader@example.com>"
    parsed = BytesParser(policy=default).parsebytes(sent.as_bytes())
    assert str(parsed["Subject"]) == "鳥取県ダイジェスト（2026年2月）"


@pytest.mark.parametrize("later", ["today", "window"])
def test_a_month_leaving_the_window_loses_its_email_files(tmp_path: Path, later: str) -> None:
    out, cache = tmp_path / "incremental" / "output", tmp_path / "incremental" / "cache"
    build_result(SITE, out, cache=cache, FURUSATO_DIGEST_EMAIL_MONTHS=WINDOW)
    june = _files_of("", "2026-06") + _files_of("tottori/", "2026-06")
    assert _email_files(out) == june
    # A month later (or with a narrower window), June has left the window.
    options = (
        {"today": "2027-01-05", "FURUSATO_DIGEST_EMAIL_MONTHS": WINDOW}
        if later == "today"
        else {"FURUSATO_DIGEST_EMAIL_MONTHS": 5}
    )
    result = build_result(SITE, out, cache=cache, **options)
    assert not set(june) & set(_email_files(out))
    assert result.stats.deleted >= len(june)
    june_page = _page(out / "tottori" / "digest" / "2026-06" / "index.html")
    assert june_page.xpath("//p[@class='digest-web-only']")
    clean = build_site(SITE, tmp_path / "clean" / "output", **options)
    assert snapshot(out) == snapshot(clean)
