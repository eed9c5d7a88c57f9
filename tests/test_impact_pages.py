"""Built impact pages of tests/sites/impact: the note, accessible charts that match tables."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from furusato.reading.loader import Options, load_site
from furusato.urls import Urls
from impact.exports import national_csv, prefecture_csv, prefecture_json
from impact.figures import national_report, report_for
from tests.sitebuild import SITES, TODAY, build_site, copy_site, page, texts

# Which column of the by-year (or by-prefecture) table each chart draws.
CHART_COLUMNS = {
    "Articles by fiscal year": "Articles",
    "Events held by fiscal year": "Events held",
    "Attendance at events held, by fiscal year": "Attendance",
    "Articles by prefecture": "Articles",
    "Events held by prefecture": "Events held",
}


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_site(SITES / "impact", tmp_path_factory.mktemp("impact") / "output")


@pytest.fixture(scope="module")
def single(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_site(
        SITES / "impact", tmp_path_factory.mktemp("single") / "output", prefecture="tottori"
    )


def table(tree, table_id: str) -> dict[str, dict[str, str]]:
    """Read a figures table as {row header: {column header: cell text}}."""
    headers = texts(tree, f"//table[@id='{table_id}']/thead/tr/th")[1:]
    rows = {}
    rows_xpath = f"//table[@id='{table_id}']/tbody/tr | //table[@id='{table_id}']/tfoot/tr"
    for tr in tree.xpath(rows_xpath):
        name = " ".join(tr.xpath("th")[0].text_content().split())
        cells = [" ".join(td.text_content().split()) for td in tr.xpath("td")]
        rows[name] = dict(zip(headers, cells, strict=True))
    return rows


def charts(tree) -> dict[str, list[tuple[str, str]]]:
    """Read every chart as {caption: [(bar label, bar value text)]}."""
    found = {}
    for figure in tree.xpath("//figure[@class='chart-figure']"):
        caption = " ".join(figure.xpath("figcaption")[0].text_content().split())
        bars = [
            (g.xpath("*[@class='bar-label']")[0].text, g.xpath("*[@class='bar-value']")[0].text)
            for g in figure.xpath(".//*[@class='bar']")
        ]
        found[caption] = bars
    return found


def test_prefecture_page_says_what_the_figures_count_up_to_the_newest_item(out):
    tree = page(out, "/tottori/impact/")
    note = texts(tree, "//p[@class='as-recorded']")[0]
    assert note.startswith("As recorded in this site's articles and events, up to 20 August 2026.")
    assert "not official statistics" in note
    assert tree.xpath("//p[@class='as-recorded']/time/@datetime") == ["2026-08-20"]


def test_prefecture_charts_have_titles_and_descriptions_named_by_aria(out):
    tree = page(out, "/tottori/impact/")
    svgs = tree.xpath("//svg")
    assert len(svgs) == 6  # articles, events, attendance, funds in GBP, JPY and USD
    for svg in svgs:
        assert svg.get("role") == "img"
        title = svg.xpath("title")[0]
        desc = svg.xpath("desc")[0]
        assert svg.get("aria-labelledby") == title.get("id")
        assert svg.get("aria-describedby") == desc.get("id")
        assert "Tottori" in title.text
        assert svg.xpath(".//*[@style]") == []
    assert texts(tree, "//svg/title")[0] == "Articles by fiscal year, Tottori (鳥取県)"
    # FY2024 is February 2025; FY2025 runs to 10 March 2026; FY2026 from 1 April 2026
    assert texts(tree, "//svg/desc")[0] == "FY2024: 1; FY2025: 5; FY2026: 3."
    # no script to run (a JSON-LD data block is never run) and no inline style
    assert tree.xpath("//script[not(@type='application/ld+json')] | //*[@style]") == []


def test_every_bar_shows_the_number_in_the_table(out):
    tree = page(out, "/tottori/impact/")
    years = table(tree, "fiscal-years")
    drawn = charts(tree)
    assert set(drawn) == {
        *list(CHART_COLUMNS)[:3],
        "Funds raised in GBP by fiscal year",
        "Funds raised in JPY by fiscal year",
        "Funds raised in USD by fiscal year",
    }
    for caption, bars in drawn.items():
        assert [label for label, _ in bars] == ["FY2024", "FY2025", "FY2026"]
        for year, value in bars:
            cell = years[year]
            if caption.startswith("Funds raised in "):
                currency = caption.split()[3]
                assert value == cell[f"Funds raised ({currency})"]
            else:
                assert value == cell[CHART_COLUMNS[caption]]
    assert years["FY2024"]["Funds raised (GBP)"] == "GBP 1,250.50"  # London, 15 March 2025
    assert years["Total"] == {
        "Active ambassadors": "3",
        "New ambassadors": "3",
        "Articles": "9",
        "Policy proposals": "4",
        "Events held": "6",
        "Attendance": "280",
        "Funds raised (GBP)": "GBP 1,550.75",
        "Funds raised (JPY)": "JPY 200,000",
        "Funds raised (USD)": "USD 800",
        "Countries": "5",
    }


def test_bar_lengths_follow_the_numbers(out):
    tree = page(out, "/tottori/impact/")
    svg = tree.xpath("//svg[title='Attendance at events held, by fiscal year, Tottori (鳥取県)']")[
        0
    ]
    widths = [float(w) for w in svg.xpath(".//rect[@class='bar-rect']/@width")]
    # FY2024: London 40; FY2026: London 80 and the forum 75 (New York recorded none)
    assert widths[0] / widths[2] == pytest.approx(40 / 155, abs=0.005)


def test_breakdown_tables(out):
    tree = page(out, "/tottori/impact/")
    kinds = table(tree, "articles-by-kind")
    assert kinds["Total"] == {
        "Story": "2",
        "Guide": "2",
        "News": "1",
        "Policy proposal": "4",
        "In English": "6",
        "In 日本語": "3",
    }
    statuses = table(tree, "proposals-by-status")
    assert statuses["FY2026"] == {
        "Submitted": "0",
        "Under review": "1",
        "Adopted": "1",
        "Partly adopted": "0",
        "Declined": "0",
        "Withdrawn": "0",
        "All proposals": "2",
    }
    countries = table(tree, "events-by-country")
    assert {k: v["Events held"] for k, v in countries.items()} == {
        "Australia": "1",
        "Japan": "1",
        "Online": "1",
        "United Kingdom": "2",
        "United States": "1",
    }
    rows = tree.xpath("//table[@id='proposals']/tbody/tr")
    assert [" ".join(r.xpath("td")[1].text_content().split()) for r in rows] == [
        "TOT-2025-01",
        "TOT-2025-02",
        "TOT-2026-01",
        "TOT-2026-02",
    ]
    desk = rows[2]
    assert [" ".join(c.text_content().split()) for c in desk.xpath("td|th")] == [
        "FY2026",
        "TOT-2026-01",
        "同窓生窓口の設置",
        "Adopted",
        "1 April 2026",
        "15 July 2026",
        "Response",
    ]
    assert desk.xpath("th/a/@lang") == ["ja"]
    assert desk.xpath(".//span[contains(@class, 'badge')]/@class") == ["badge badge-adopted"]
    assert desk.xpath(".//a[.='Response']/@href") == [
        "https://example.org/tottori/responses/alumni-desk"
    ]


def test_national_page_has_one_row_per_prefecture_and_charts_that_match(out):
    tree = page(out, "/impact/")
    rows = table(tree, "by-prefecture")
    assert list(rows) == ["Tottori", "Shimane", "Okayama", "All prefectures"]
    assert rows["Shimane"]["Funds raised (AUD)"] == "AUD 2,000"
    assert rows["Okayama"]["Funds raised (AUD)"] == "AUD 0"
    assert rows["All prefectures"]["Attendance"] == "310"
    drawn = charts(tree)
    for caption in ("Articles by prefecture", "Events held by prefecture"):
        bars = drawn[caption]
        assert [label for label, _ in bars] == ["Tottori", "Shimane"]  # Okayama has nothing
        for label, value in bars:
            assert value == rows[label][CHART_COLUMNS[caption]]
    years = table(tree, "fiscal-years")
    for label, value in drawn["Articles by fiscal year"]:
        assert value == years[label]["Articles"]
    assert tree.xpath("//a[normalize-space()='Tottori']/@href")[0] == "/tottori/impact/"
    note = texts(tree, "//p[@class='as-recorded']")[0]
    assert "up to 10 October 2026" in note


def test_a_prefecture_with_nothing_recorded_says_so(out):
    tree = page(out, "/okayama/impact/")
    # no zero-filled charts or tables: one sentence instead, in each edition
    assert texts(tree, "//p[@class='empty-report']")[0].startswith(
        "Nothing has been recorded for Okayama yet."
    )
    assert tree.xpath("//svg | //table | //dl[@class='totals']") == []
    japanese = page(out, "/okayama/ja/impact/")
    assert texts(japanese, "//p[@class='empty-report']")[0].startswith("岡山県")
    assert japanese.xpath("//svg | //table") == []


def test_navigation_links_to_the_reports(out):
    tree = page(out, "/tottori/impact/")
    assert tree.xpath("//header//a[@aria-current='page']/@href") == ["/tottori/impact/"]
    assert "/tottori/impact/" in page(out, "/tottori/").xpath("//header//a/@href")
    assert "/impact/" in page(out, "/").xpath("//header//a/@href")
    assert tree.xpath("//a[normalize-space()='CSV, one row per figure']/@href") == [
        "/tottori/impact.csv"
    ]
    assert tree.xpath("//a[starts-with(normalize-space(), 'Excel workbook')]/@href") == [
        "/tottori/impact.xlsx"
    ]
    japanese = page(out, "/tottori/ja/impact/")
    assert japanese.xpath("//a[@type][contains(@href, '.xlsx')]/@href") == [
        "/tottori/ja/impact.xlsx"
    ]


def test_published_exports_are_the_reports(out):
    site = load_site(Options(root=SITES / "impact", today=date.fromisoformat(TODAY)))
    tottori = report_for(site, site.prefectures["tottori"])
    assert (out / "tottori/impact.csv").read_bytes() == prefecture_csv(tottori)
    assert (out / "tottori/impact.json").read_bytes() == prefecture_json(tottori, Urls(""))
    assert (out / "impact.csv").read_bytes() == national_csv(national_report(site))
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert "/tottori/impact/</loc>" in sitemap
    assert "/impact/</loc>" in sitemap


def test_single_prefecture_site_has_its_report_at_the_root_and_no_national_one(single):
    tree = page(single, "/impact/")
    assert texts(tree, "//h1")[0] == "Local return report: Tottori 鳥取県"
    assert tree.xpath("//a[normalize-space()='CSV, one row per figure']/@href") == ["/impact.csv"]
    assert (
        (single / "impact.csv")
        .read_bytes()
        .decode("utf-8-sig")
        .splitlines()[1]
        .startswith("JP-31,Tottori,鳥取県,fiscal,2024,")
    )
    assert not (single / "tottori").exists()


def test_a_rebuild_writes_the_same_bytes(out, tmp_path):
    again = build_site(SITES / "impact", tmp_path / "output")
    for rel in (
        "tottori/impact/index.html",
        "impact/index.html",
        "impact.csv",
        "tottori/impact.json",
    ):
        assert (again / rel).read_bytes() == (out / rel).read_bytes()


@pytest.mark.parametrize("url", ["/tottori/impact/", "/impact/"])
def test_element_ids_are_unique(out, url):
    ids = page(out, url).xpath("//@id")
    assert len(ids) == len(set(ids))
    assert {"by-year-articles-title", "fiscal-years"} <= set(ids)


def test_an_edited_event_updates_the_report_on_the_next_build(tmp_path):
    rel = "content/shimane/events/2026-10-10-melbourne-picnic.md"
    root = copy_site("impact", tmp_path / "site")
    out = build_site(root, tmp_path / "output")
    assert table(page(out, "/shimane/impact/"), "fiscal-years")["FY2026"]["Attendance"] == "30"
    path = root / rel
    path.write_text(
        path.read_text(encoding="utf-8").replace("attendance: 30", "attendance: 45"),
        encoding="utf-8",
    )
    build_site(root, out)
    assert table(page(out, "/shimane/impact/"), "fiscal-years")["FY2026"]["Attendance"] == "45"
    assert table(page(out, "/impact/"), "fiscal-years")["FY2026"]["Attendance"] == "200"
    assert "JP-32,Shimane,島根県,fiscal,2026,attendance,,45,people" in (
        out / "shimane/impact.csv"
    ).read_text(encoding="utf-8-sig")


def test_proposals_pages_per_prefecture_and_status_with_badges_in_words(out):
    every = page(out, "/tottori/proposals/")
    rows = every.xpath("//table[contains(@class, 'proposals-table')]/tbody/tr")
    assert [" ".join(r.xpath("td")[1].text_content().split()) for r in rows] == [
        "TOT-2025-01",
        "TOT-2025-02",
        "TOT-2026-01",
        "TOT-2026-02",
    ]
    # the status is a word in a badge, not a colour alone
    assert texts(every, "//tbody//span[contains(@class, 'badge')]") == [
        "Submitted",
        "Declined",
        "Adopted",
        "Under review",
    ]
    # one static page per status some proposal has; the filter links to them
    assert every.xpath("//nav[@class='status-filter']//a/@href") == [
        "/tottori/proposals/",
        "/tottori/proposals/submitted/",
        "/tottori/proposals/under-review/",
        "/tottori/proposals/adopted/",
        "/tottori/proposals/declined/",
    ]
    adopted = page(out, "/tottori/proposals/adopted/")
    assert texts(adopted, "//tbody/tr/th") == ["同窓生窓口の設置"]
    assert adopted.xpath("//nav[@class='status-filter']//a[@aria-current='page']/@href") == [
        "/tottori/proposals/adopted/"
    ]
    assert not (out / "tottori/proposals/withdrawn").exists()
    japanese = page(out, "/tottori/ja/proposals/")
    assert texts(japanese, "//tbody//span[contains(@class, 'badge')]") == [
        "提出済み",
        "不採用",
        "採用",
        "検討中",
    ]
    assert texts(japanese, "//tbody/tr/td[1]")[0] == "令和7年度"
    national = page(out, "/proposals/")
    assert texts(national, "//thead//th")[0] == "Prefecture"
    assert texts(national, "//tbody/tr/td[1]") == ["Tottori"] * 4
    empty = page(out, "/okayama/proposals/")
    assert empty.xpath("//table") == []
    assert "No policy proposals yet" in texts(empty, "//main//p")[1]
