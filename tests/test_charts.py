"""The SVG bar-chart builder: accessible names, proportional bars, no inline styles."""

from __future__ import annotations

from decimal import Decimal

import lxml.etree
import pytest

from impact.charts import (
    BAR_FILL,
    WIDTH,
    Bar,
    bar_chart,
    count_bar,
    description,
    money_bar,
    text_width,
)

BARS = [Bar("2025", 4, "4"), Bar("2026", 0, "0"), Bar("<2027>", 8, "8")]


def parse(svg: str):
    return lxml.etree.fromstring(svg)


def test_the_chart_is_an_image_named_by_its_title_and_described_by_its_values():
    svg = parse(bar_chart("c1", "Articles by year", BARS, "Per year."))
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "c1-title"
    assert svg.get("aria-describedby") == "c1-desc"
    assert svg.findtext("title") == "Articles by year"
    assert svg.find("title").get("id") == "c1-title"
    assert svg.findtext("desc") == "Per year. 2025: 4; 2026: 0; <2027>: 8."


def test_every_bar_has_a_text_label_and_value_and_a_proportional_length():
    svg = parse(bar_chart("c1", "Articles", BARS))
    groups = svg.findall("g")
    assert [
        (g.find("text[@class='bar-label']").text, g.find("text[@class='bar-value']").text)
        for g in groups
    ] == [("2025", "4"), ("2026", "0"), ("<2027>", "8")]
    assert groups[1].find("rect") is None  # nothing to draw for zero
    first, last = (float(g.find("rect").get("width")) for g in (groups[0], groups[2]))
    assert first / last == pytest.approx(0.5, abs=0.001)
    assert float(groups[2].find("rect").get("x")) + last <= WIDTH


def test_colours_are_attributes_so_a_strict_csp_still_draws_them():
    svg = bar_chart("c1", "Articles", BARS)
    assert "style" not in svg
    assert {r.get("fill") for r in parse(svg).iter("rect")} == {BAR_FILL}


def test_decimal_values_and_an_empty_chart():
    svg = parse(
        bar_chart(
            "f",
            "Funds",
            [Bar("2025", Decimal("0.5"), "GBP 0.50"), Bar("2026", Decimal("1.0"), "GBP 1")],
        )
    )
    widths = [float(w) for w in svg.xpath("//rect/@width")]
    assert widths[0] / widths[1] == pytest.approx(0.5, abs=0.001)
    empty = parse(bar_chart("e", "Nothing", []))
    assert empty.findall("g") == []


def test_the_same_data_gives_the_same_bytes_and_wide_text_is_measured_wider():
    assert bar_chart("c1", "Articles", BARS) == bar_chart("c1", "Articles", list(BARS))
    assert text_width("鳥取県") > text_width("abc")


def test_counts_and_money_are_written_in_the_charts_language():
    assert count_bar("2026", 12345) == Bar("2026", 12345, "12,345")
    assert count_bar("2026", 12345, lang="ja") == Bar("2026", 12345, "12,345")
    assert money_bar("2026", Decimal("1250"), "GBP") == Bar("2026", Decimal("1250"), "GBP 1,250")
    assert money_bar("2026", Decimal("1250"), "JPY", lang="ja").text == "￥1,250"
    assert money_bar("2026", Decimal("99.5"), "USD", lang="ja").text == "$99.50"


def test_the_description_is_punctuated_for_its_language():
    bars = [count_bar("2025", 4), count_bar("2026", 1250)]
    assert description(bars, "Per year.") == "Per year. 2025: 4; 2026: 1,250."
    assert description(bars) == "2025: 4; 2026: 1,250."
    ja = [count_bar("2025年", 4, lang="ja"), count_bar("2026年", 1250, lang="ja")]
    assert description(ja, "年別の記事数です。", lang="ja") == (
        "年別の記事数です。2025年：4、2026年：1,250。"
    )
    svg = parse(bar_chart("c1", "年別の記事数", ja, "年別の記事数です。", lang="ja"))
    assert svg.findtext("desc") == "年別の記事数です。2025年：4、2026年：1,250。"
    assert bar_chart("c1", "Articles", BARS, "Per year.") == bar_chart(
        "c1", "Articles", BARS, "Per year.", lang="en"
    )
    with pytest.raises(ValueError, match=r"^unknown language 'fr' \(known: en, ja\)$"):
        description(bars, lang="fr")


def test_every_text_is_escaped_in_the_title_description_labels_and_values():
    hostile = '<script>alert("x")</script> & "quoted"'
    svg_text = bar_chart('c"1', hostile, [Bar(hostile, 3, hostile), Bar("b", 1, "1")], hostile)
    svg = parse(svg_text)
    assert not list(svg.iter("script"))
    assert svg.findtext("title") == hostile
    assert svg.findtext("desc").startswith(hostile)
    texts = [t.text for t in svg.iter("text")]
    assert texts.count(hostile) == 2  # the bar's label and its value, as text
    assert svg.get("aria-labelledby") == 'c"1-title'
