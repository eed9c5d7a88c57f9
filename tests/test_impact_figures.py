"""The impact figures of tests/sites/impact, counted by hand from its files."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import date
from decimal import Decimal

import pytest

from furusato.reading.loader import Options, load_site
from impact.figures import national_report, report_for
from tests.sitebuild import REPO, SITES, TODAY, copy_site


@pytest.fixture(scope="module")
def site():
    return load_site(Options(root=SITES / "impact", today=date.fromisoformat(TODAY)))


@pytest.fixture(scope="module")
def tottori(site):
    return report_for(site, site.prefectures["tottori"])


def test_years_run_from_first_to_last_recorded(tottori):
    assert [f.year for f in tottori.calendar_years] == [2025, 2026]
    # Fiscal years run April to March: February and March 2025 are FY2024.
    assert [f.year for f in tottori.years] == [2024, 2025, 2026]
    assert tottori.total.year is None
    assert [f.key for f in tottori.years] == ["fy2024", "fy2025", "fy2026"]
    assert tottori.total.key == "total"


def test_fiscal_years_split_at_1_april(tottori):
    fy2024, fy2025, fy2026 = tottori.years
    first = {a.year: a for a in tottori.activity}
    assert [r.first.slug for r in first[2024].articles] == ["winter-dunes"]
    assert [r.first.slug for r in first[2024].events] == ["london-spring"]
    # 2026-01-05 and 2026-03-10 (articles), 2026-02-14 (New York) belong to FY2025
    assert [r.first.slug for r in first[2025].events] == [
        "online-quiz",
        "sydney-new-year",
        "new-york-fundraiser",
    ]
    assert [r.first.slug for r in first[2026].events] == ["london-summer", "hybrid-forum"]
    assert (fy2024.events_held, fy2025.events_held, fy2026.events_held) == (1, 3, 2)
    assert fy2024.articles + fy2025.articles + fy2026.articles == tottori.total.articles
    # proposals count in the fiscal year of `submitted`, as their numbers say
    assert [p.number for p in first[2025].proposals] == ["TOT-2025-01", "TOT-2025-02"]
    assert [p.number for p in first[2026].proposals] == ["TOT-2026-01", "TOT-2026-02"]


def test_active_ambassadors_have_an_article_or_a_held_event_that_year(tottori):
    # li-wei wrote and organised in 2025 only; mika-tanaka's only event is still going on.
    assert [f.active_ambassadors for f in tottori.calendar_years] == [3, 2]
    assert [f.active_ambassadors for f in tottori.years] == [2, 3, 2]
    assert tottori.total.active_ambassadors == 3


def test_new_ambassadors_in_the_fiscal_year_of_their_first_article_or_held_event(tottori):
    # amy-chen wrote on 2025-02-10 and li-wei organised on 2025-03-15 (both FY2024); ken-sato
    # first organised the online quiz of 2025-10-12 (his first article is later, 2025-11-20).
    # mika-tanaka's only event is not held yet: she is not counted.
    assert [
        (a.year, [(n.ambassador.id, n.first) for n in a.ambassadors]) for a in tottori.activity
    ] == [
        (2024, [("amy-chen", date(2025, 2, 10)), ("li-wei", date(2025, 3, 15))]),
        (2025, [("ken-sato", date(2025, 10, 12))]),
        (2026, []),
    ]
    assert [f.new_ambassadors for f in tottori.years] == [2, 1, 0]
    assert tottori.total.new_ambassadors == 3


def test_articles_by_kind_and_language(tottori):
    y2025, y2026 = tottori.calendar_years
    assert (y2025.articles, y2026.articles, tottori.total.articles) == (4, 5, 9)
    assert y2025.articles_by_kind == {"story": 1, "guide": 1, "news": 0, "proposal": 2}
    assert y2026.articles_by_kind == {"story": 1, "guide": 1, "news": 1, "proposal": 2}
    assert tottori.total.articles_by_kind == {"story": 2, "guide": 2, "news": 1, "proposal": 4}
    assert y2025.articles_by_language == {"en": 3, "ja": 1}
    assert y2026.articles_by_language == {"en": 3, "ja": 2}
    assert tottori.total.articles_by_language == {"en": 6, "ja": 3}


def test_proposals_by_status(tottori):
    y2025, y2026 = tottori.calendar_years
    none = dict.fromkeys(
        ("submitted", "under-review", "adopted", "partly-adopted", "declined", "withdrawn"), 0
    )
    assert y2025.proposals_by_status == {**none, "submitted": 1, "declined": 1}
    assert y2026.proposals_by_status == {**none, "adopted": 1, "under-review": 1}
    assert tottori.total.proposals == 4
    assert [(p.number, p.article.first.slug, p.status) for p in tottori.proposals] == [
        ("TOT-2025-01", "english-signs", "submitted"),
        ("TOT-2025-02", "night-bus", "declined"),
        ("TOT-2026-01", "alumni-desk", "adopted"),
        ("TOT-2026-02", "cycling-route", "under-review"),
    ]
    desk = tottori.proposals[2]
    assert (desk.submitted, desk.decided) == (date(2026, 4, 1), date(2026, 7, 15))
    assert desk.response_url == "https://example.org/tottori/responses/alumni-desk"


def test_events_held_count_in_the_year_they_started_and_only_once_ended(tottori):
    # Sydney runs from 2025-12-31 into 2026: it is a 2025 event. The Osaka fair (still on at
    # TODAY) and the December London evening (upcoming) are not held yet.
    y2025, y2026 = tottori.calendar_years
    assert (y2025.events_held, y2026.events_held, tottori.total.events_held) == (3, 3, 6)


def test_attendance_adds_up_recorded_figures_and_says_how_many_recorded_it(tottori):
    y2025, y2026 = tottori.calendar_years
    assert (y2025.attendance, y2025.events_with_attendance) == (125, 3)
    assert (y2026.attendance, y2026.events_with_attendance) == (155, 2)  # New York has none
    assert (tottori.total.attendance, tottori.total.events_with_attendance) == (280, 5)


def test_funds_are_kept_per_currency(tottori):
    y2025, y2026 = tottori.calendar_years
    assert y2025.funds_raised == {"GBP": Decimal("1250.50"), "JPY": Decimal("50000")}
    assert y2026.funds_raised == {
        "GBP": Decimal("300.25"),
        "JPY": Decimal("150000"),
        "USD": Decimal("800"),
    }
    assert tottori.total.funds_raised == {
        "GBP": Decimal("1550.75"),
        "JPY": Decimal("200000"),
        "USD": Decimal("800"),
    }
    assert tottori.currencies == ("GBP", "JPY", "USD")


def test_countries_as_written_with_online_only_events_as_online(tottori):
    y2025, y2026 = tottori.calendar_years
    assert y2025.events_by_country == {"Australia": 1, "Online": 1, "United Kingdom": 1}
    # The forum has a venue in Japan and a stream: it took place in Japan.
    assert y2026.events_by_country == {"Japan": 1, "United Kingdom": 1, "United States": 1}
    assert tottori.total.events_by_country == {
        "Australia": 1,
        "Japan": 1,
        "Online": 1,
        "United Kingdom": 2,
        "United States": 1,
    }
    assert tottori.total.countries == 5


def test_as_of_is_the_newest_item_counted(site, tottori):
    assert tottori.as_of == date(2026, 8, 20)  # the forum; later events are not held yet
    assert report_for(site, site.prefectures["shimane"]).as_of == date(2026, 10, 10)


def test_a_prefecture_with_nothing_recorded(site):
    okayama = report_for(site, site.prefectures["okayama"])
    assert okayama.years == ()
    assert okayama.as_of is None
    assert (okayama.total.articles, okayama.total.events_held, okayama.total.countries) == (0, 0, 0)
    assert okayama.total.funds_raised == {}


def test_national_report_adds_prefectures_but_never_currencies(site):
    national = national_report(site)
    assert [r.prefecture.slug for r in national.prefectures] == ["tottori", "shimane", "okayama"]
    assert [f.year for f in national.calendar_years] == [2025, 2026]
    assert [f.year for f in national.years] == [2024, 2025, 2026]
    y2025, y2026 = national.calendar_years
    assert (y2026.active_ambassadors, y2026.articles, y2026.events_held, y2026.attendance) == (
        3,
        6,
        4,
        185,
    )
    assert y2025 == report_for(site, site.prefectures["tottori"]).calendar_years[0]
    total = national.total
    assert (total.active_ambassadors, total.articles, total.events_held, total.attendance) == (
        4,
        10,
        7,
        310,
    )
    assert total.funds_raised == {
        "AUD": Decimal("2000"),
        "GBP": Decimal("1550.75"),
        "JPY": Decimal("200000"),
        "USD": Decimal("800"),
    }
    assert total.events_by_country["Australia"] == 2  # Sydney (Tottori) and Melbourne (Shimane)
    assert national.as_of == date(2026, 10, 10)


def test_the_same_ambassador_id_in_two_prefectures_is_two_people(tmp_path):
    root = copy_site(
        "impact",
        tmp_path / "site",
        {
            "prefectures/shimane.yaml": (SITES / "impact/prefectures/shimane.yaml")
            .read_text(encoding="utf-8")
            .replace("hana-mori", "amy-chen"),
            "content/shimane/articles/2026-09-01-izumo-taisha.md": (
                SITES / "impact/content/shimane/articles/2026-09-01-izumo-taisha.md"
            )
            .read_text(encoding="utf-8")
            .replace("hana-mori", "amy-chen"),
            "content/shimane/events/2026-10-10-melbourne-picnic.md": (
                SITES / "impact/content/shimane/events/2026-10-10-melbourne-picnic.md"
            )
            .read_text(encoding="utf-8")
            .replace("hana-mori", "amy-chen"),
        },
    )
    site = load_site(Options(root=root, today=date.fromisoformat(TODAY)))
    assert national_report(site).total.active_ambassadors == 4


def test_a_translation_pair_is_counted_once(site, tottori, tmp_path):
    # A Japanese translation of an article and of an event (with its attendance and funds)
    # records nothing new: the report counts each pair once, as lists and feeds show it once.
    def translated(path: str, title: str) -> str:
        text = (SITES / "impact" / path).read_text(encoding="utf-8")
        text = re.sub(r"(?m)^lang: .*\n", "", text)
        slug = path.rsplit("/", 1)[1][11:-3]
        return text.replace("---\n", f"---\nlang: ja\ntranslation: {slug}\n", 1).replace(
            "title: ", f"title: {title} ", 1
        )

    article = "content/tottori/articles/2025-02-10-winter-dunes.md"
    event = "content/tottori/events/2025-03-15-london-spring.md"
    root = copy_site(
        "impact",
        tmp_path / "site",
        {
            article.replace("winter-dunes", "fuyu-no-sakyu"): translated(article, "冬の砂丘"),
            event.replace("london-spring", "london-haru"): translated(event, "ロンドンの春"),
        },
    )
    paired = load_site(Options(root=root, today=date.fromisoformat(TODAY)))
    assert len(paired.articles) == len(site.articles) + 1  # the pair is there, both sides
    report = report_for(paired, paired.prefectures["tottori"])

    def counts(figures):
        return (
            figures.articles,
            figures.events_held,
            figures.attendance,
            figures.events_with_attendance,
            figures.funds_raised,
            figures.active_ambassadors,
        )

    assert [counts(f) for f in report.years] == [counts(f) for f in tottori.years]
    assert [counts(f) for f in report.calendar_years] == [counts(f) for f in tottori.calendar_years]
    assert counts(report.total) == counts(tottori.total)
    # ... and reported with its languages: readable in English and in Japanese
    dunes = next(r for a in report.activity for r in a.articles if r.first.slug == "winter-dunes")
    assert dunes.languages == ("en", "ja")
    assert report.total.articles_by_language["ja"] == tottori.total.articles_by_language["ja"] + 1
    assert counts(national_report(paired).total) == counts(national_report(site).total)


def test_the_reports_inputs_are_checked_like_everything_else(tmp_path):
    proposal = "content/tottori/articles/2026-04-01-alumni-desk.md"
    event = "content/shimane/events/2026-10-10-melbourne-picnic.md"
    fundraiser = "content/tottori/events/2026-02-14-new-york-fundraiser.md"
    texts = {
        rel: (SITES / "impact" / rel).read_text(encoding="utf-8")
        for rel in (proposal, event, fundraiser)
    }
    root = copy_site(
        "impact",
        tmp_path / "site",
        {
            proposal: texts[proposal].replace("status: adopted", "status: accepted"),
            event: texts[event].replace("attendance: 30", "attendance: -3"),
            fundraiser: texts[fundraiser].replace("amount: 800,", "amount: 800 dollars,"),
        },
    )
    result = subprocess.run(
        [sys.executable, "-m", "furusato", "check", "--root", str(root)],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
        env={**os.environ, "PYTHONPATH": str(REPO / "plugins")},
    )

    def line(rel: str, start: str) -> int:
        return next(
            i for i, text in enumerate(texts[rel].splitlines(), 1) if text.startswith(start)
        )

    assert result.returncode == 1
    assert result.stderr.splitlines()[:3] == [
        f"{event}:{line(event, 'attendance:')}: attendance: -3 is out of range; "
        "it must be at least 0",
        f"{proposal}:{line(proposal, 'status:')}: status: 'accepted' is not allowed here; "
        "use one of: submitted, under-review, adopted, partly-adopted, declined, withdrawn",
        f"{fundraiser}:{line(fundraiser, 'funds_raised:')}: funds_raised.amount: "
        "expected a number, found '800 dollars'",
    ]


def test_the_fixture_site_is_what_these_numbers_assume(site):
    # Guards the hand counts above against an edit of the fixture that forgets this file.
    assert len(site.articles) == 10
    assert len(site.events) == 9
