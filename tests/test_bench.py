"""The benchmark's pure parts: paired ratios, targets, the Hugo corpus, the curve and its chart.

No benchmark runs here (`make bench` does that); one test builds a tiny Hugo project when
Debian's hugo is installed.
"""

from __future__ import annotations

import importlib
import subprocess
from pathlib import Path

import feedparser
import pytest
import yaml
from lxml import etree, html

from tests.benchmark import run as bench

# run.py puts tests/benchmark on sys.path and imports its modules by their own names.
chart = importlib.import_module("chart")
corpus = bench.corpus_mod
curve = bench.curve_mod
hugo = bench.hugo_mod
paired = importlib.import_module("paired")

REPO = Path(__file__).resolve().parents[1]
SVG = "{http://www.w3.org/2000/svg}"


# Paired ratios -----------------------------------------------------------------------------


def test_paired_ratio_is_the_median_of_per_run_ratios_not_a_ratio_of_medians():
    a, b = [1.0, 2.0, 9.0], [1.0, 4.0, 3.0]  # per run: 1.0, 0.5, 3.0
    assert paired.paired_ratio(a, b) == 1.0
    assert paired.paired_ratio(a, b) != 2.0 / 3.0  # what the ratio of medians would say


def test_paired_ratio_of_an_even_number_of_pairs_averages_the_middle_two():
    assert paired.paired_ratio([2.0, 3.0, 8.0, 1.0], [1.0, 1.0, 2.0, 1.0]) == 2.5


@pytest.mark.parametrize(
    ("a", "b", "message"),
    [
        ([1.0, 2.0], [1.0], "paired runs differ in number: 2 against 1"),
        ([], [], "no paired runs to compare"),
        ([1.0], [0.0], "a paired run has a non-positive measurement"),
    ],
)
def test_paired_ratio_refuses_runs_that_do_not_pair(a, b, message):
    with pytest.raises(ValueError, match=message):
        paired.paired_ratio(a, b)


def test_load_range_and_verdict():
    assert paired.load_range([1.04, 2.31, 0.92]) == "0.9–2.3"
    assert paired.load_range([1.04, 1.01]) == "1.0"
    assert paired.load_range([]) == "not recorded"
    assert paired.verdict(0.4, 0.4) == "met"
    assert paired.verdict(0.55, 0.4) == "MISSED by 38%"


def _mode(key, seconds, peak, baseline=None, hugo_key=None, documents=1000):
    mode = bench.Mode(key, key, documents, baseline, hugo_key)
    mode.samples = [bench.Sample(s, p, s * 1.5) for s, p in zip(seconds, peak, strict=True)]
    return mode


def _modes(with_hugo=True):
    modes = [
        _mode("f-clean", [30.0, 50.0, 40.0], [300, 330, 310], "v-clean", "h-clean"),
        _mode("f-warm", [20.0, 21.0, 22.0], [300, 300, 300], "v-warm"),
        _mode("f-edit", [2.0, 2.0, 2.0], [250, 250, 250], "v-edit", "h-edit"),
        _mode("f-keep", [1.0, 1.0, 1.0], [200, 200, 200], "v-edit", "h-edit"),
        _mode("f-pref", [0.9, 1.1, 1.0], [80, 80, 80], documents=20),
        _mode("v-clean", [100.0, 100.0, 50.0], [200, 200, 200]),
        _mode("v-warm", [40.0, 40.0, 40.0], [200, 200, 200]),
        _mode("v-edit", [40.0, 50.0, 100.0], [210, 210, 210]),
    ]
    if with_hugo:
        modes += [
            _mode("h-clean", [25.0, 50.0, 40.0], [1500, 2000, 1000]),
            _mode("h-edit", [25.0, 25.0, 25.0], [2000, 2000, 2000]),
        ]
    else:
        for mode in modes:
            mode.hugo = None
    return modes


def test_table_gives_paired_ratios_cpu_and_the_hugo_columns():
    rows = bench.table(1000, _modes()).splitlines()
    assert rows[0].split("|")[1:-1] == [
        " N ",
        " mode ",
        " median s ",
        " CPU s ",
        " ms per document ",
        " peak MiB ",
        " time vs vanilla ",
        " memory vs vanilla ",
        " time vs Hugo ",
        " memory vs Hugo ",
    ]
    clean = [c.strip() for c in rows[2].split("|")[1:-1]]
    # Per run 0.3, 0.5, 0.8 against vanilla (median 0.5, where medians would give 0.4);
    # 1.2, 1.0, 1.0 against Hugo; memory 0.2, 0.165, 0.31 of Hugo's (medians: 0.21).
    assert clean == [
        *("1000", "f-clean", "40.00", "60.00", "40.00", "310"),
        *("0.50×", "1.55×", "1.00×", "0.20×"),
    ]
    pref = [c.strip() for c in rows[6].split("|")[1:-1]]
    assert pref[4] == "50.00" and pref[6:] == ["—"] * 4  # per document of the prefecture


def test_table_without_hugo_has_no_hugo_columns():
    rows = bench.table(1000, _modes(with_hugo=False)).splitlines()
    assert "Hugo" not in rows[0]
    assert all(len(r.split("|")) == len(rows[0].split("|")) for r in rows)


def test_targets_say_met_or_missed_with_the_paired_figures():
    probe = bench.Probe("this corpus", [0.12, 0.2, 0.14])
    data = {
        "points": {
            "2000": {"modes": {"f-clean": {"documents": 2000, "seconds": 10.0}}},
            "50000": {"modes": {"f-clean": {"documents": 50000, "seconds": 300.0}}},
        }
    }
    lines = bench.targets(_modes(), probe, data).splitlines()
    assert lines == [
        "- clean full build ≤ 0.40× vanilla Pelican's (paired): 0.50× (MISSED by 25%)",
        "- clean full build ≤ 1.2× Hugo's (paired): 1.00× (met)",
        "- one-article rebuild ≤ 0.03× vanilla Pelican's (paired): 0.04× (MISSED by 33%)",
        "- devserver edit → page rewritten ≤ 150 ms (in-process, this corpus): 140 ms (met)",
        "- single prefecture ≤ 1.0 s: 1.00 s (met)",
        "- peak memory ≤ 1.5× vanilla Pelican's (paired; the largest of clean, warm, "
        "one-article): 1.55× (MISSED by 3%)",
        "- time per document roughly flat, 2,000 → largest N (clean build, ≤ 1.25×): "
        "ms per document at N = 50,000 ÷ at N = 2,000: 1.20× (met)",
    ]


def test_targets_without_hugo_or_curve_say_what_was_not_measured():
    lines = bench.targets(_modes(with_hugo=False), None, {"points": {}}).splitlines()
    assert lines[1] == "- clean full build ≤ 1.2× Hugo's (paired): not measured (Hugo not found)"
    assert lines[3].endswith("not measured (the probe did not run)")
    assert lines[6].endswith("not measured (run `make bench CURVE=1` for the curve)")


# The Hugo corpus ---------------------------------------------------------------------------


def _split(text: str) -> tuple[dict, str]:
    assert text.startswith("---\n")
    front, body = text[4:].split("\n---\n", 1)
    return yaml.safe_load(front), body


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    root = tmp_path_factory.mktemp("bench")
    generated = corpus.generate(REPO, root / "furusato", 60)
    hugo.write_hugo(generated, root / "furusato", root / "hugo")
    return generated, root


def test_hugo_corpus_has_the_same_bodies_and_yaml_front_matter(tiny):
    generated, root = tiny
    assert len(list((root / "hugo" / "content").glob("*/*-*.md"))) == 60
    for doc in generated.docs:
        _, furusato_body = _split(corpus.furusato_path(doc, root / "furusato").read_text("utf-8"))
        front, body = _split(hugo.hugo_path(doc, root / "hugo").read_text("utf-8"))
        assert body == furusato_body == doc.body
        assert front["title"] == doc.meta["title"]
        assert front["slug"] == doc.slug
        assert front["categories"] == [doc.prefecture]
        assert front["tags"] == doc.meta["tags"]
        assert front["summary"] == doc.meta["summary"]
        when = str(doc.meta.get("date") or doc.meta["start"])
        assert front["date"].replace("T", " ").startswith(when)  # an ISO date or date-time


def test_hugo_project_has_config_templates_and_the_images(tiny):
    generated, root = tiny
    config = yaml.safe_load((root / "hugo" / "config.yaml").read_text("utf-8"))
    assert config["outputs"]["section"] == ["HTML", "RSS"]
    assert config["taxonomies"] == {"category": "categories", "tag": "tags"}
    layouts = root / "hugo" / "layouts" / "_default"
    assert sorted(p.name for p in layouts.iterdir()) == [
        "baseof.html",
        "list.html",
        "single.html",
        "taxonomy.html",
        "terms.html",
    ]
    for slug in generated.counts:
        assert (root / "hugo" / "static" / slug / "images" / "harbour.svg").is_file()


@pytest.mark.skipif(
    hugo.find() is None, reason="Debian's hugo is not installed (apt-get install hugo)"
)
def test_hugo_builds_the_tiny_corpus(tiny):
    generated, root = tiny
    project = root / "hugo"
    subprocess.run(hugo.command(hugo.find()), cwd=project, check=True, capture_output=True)
    doc = generated.article_to_edit()
    page = html.parse(str(hugo.hugo_page(doc, project))).getroot()
    assert page.findtext(".//h1") == doc.meta["title"]
    assert page.xpath("//a[@href=$href]", href=f"/categories/{doc.prefecture}/")
    feed = feedparser.parse((project / "public" / doc.prefecture / "index.xml").read_bytes())
    assert not feed.bozo
    assert len(feed.entries) == generated.counts[doc.prefecture]
    assert hugo.version(hugo.find()).count(".") == 2


# The curve, its chart and the report's sections ----------------------------------------------


def _entry(n, scale=1.0, modes=("f-clean", "f-warm", "v-clean", "h-clean")):
    return {
        "documents": n,
        "load": "1.0–1.5",
        "modes": {
            key: {
                "cpu_seconds": n * 0.006 * scale,
                "documents": n,
                "peak_mib": 60 + n * 0.02 * (i + 1),
                "seconds": n * 0.004 * scale * (i + 1),
            }
            for i, key in enumerate(modes)
        },
        "runs": 1 if n >= 50000 else 3,
        "warmup": n < 50000,
    }


def _curve():
    data = {"points": {}}
    for n in (500, 2000, 10000):
        data = curve.merge(data, n, _entry(n), "0.111.3")
    return curve.merge(data, 50000, _entry(50000, modes=("f-clean", "v-clean")), None)


def test_merge_replaces_one_size_and_keeps_the_others():
    data = _curve()
    assert sorted(data["points"], key=int) == ["500", "2000", "10000", "50000"]
    assert data["hugo"] == "0.111.3"
    again = curve.merge(data, 2000, _entry(2000, scale=2.0), None)
    assert again["points"]["2000"]["modes"]["f-clean"]["seconds"] == 16.0
    assert again["points"]["500"] == data["points"]["500"]
    text = curve.dump(again)
    assert text == curve.dump(curve.merge(data, 2000, _entry(2000, scale=2.0), None))
    assert text.index('"hugo"') < text.index('"points"')  # sorted keys


def test_flatness_compares_the_largest_size_with_2000():
    assert curve.flatness(_curve()) == (2000, 50000, pytest.approx(1.0))
    assert curve.flatness({"points": {"500": _entry(500)}}) is None


def test_svg_is_xml_with_one_line_per_mode_and_a_point_per_size():
    data = _curve()
    text = curve.svg(data)
    assert text == curve.svg(data)  # the same bytes for the same data
    root = etree.fromstring(text.encode())
    assert root.tag == f"{SVG}svg"
    assert root.find(f"{SVG}title").text == curve.TITLE
    background = root.find(f"{SVG}rect")
    assert background.get("fill") == "#ffffff" and background.get("width") == root.get("width")
    assert not root.xpath("//*[@style]") and not root.xpath("//*[local-name()='style']")
    panels = root.findall(f"{SVG}g[@class='panel']")
    assert len(panels) == 2

    def texts(kind: str) -> list[str]:
        return [t.text for t in root.iterfind(f".//{SVG}text[@class='{kind}']")]

    assert texts("x-label") == ["documents in the corpus (N, log scale)"] * 2
    assert texts("y-label") == [
        "milliseconds per document (log scale)",
        "MiB, whole process tree (log scale)",
    ]
    assert texts("x-tick") == ["500", "2,000", "10,000", "50,000"] * 2
    assert texts("y-tick")[:3] == ["2", "5", "10"]  # 4 ms per document, 1-2-5 ticks
    expected = {
        curve.CURVE_MODES["f-clean"]: 4,
        curve.CURVE_MODES["f-warm"]: 3,
        curve.CURVE_MODES["v-clean"]: 4,
        curve.CURVE_MODES["h-clean"]: 3,
    }
    for panel in panels:
        lines = panel.findall(f"{SVG}polyline")
        assert {line.get("data-mode"): len(line.get("points").split()) for line in lines} == (
            expected
        )
    legend = root.find(f"{SVG}g[@class='legend']")
    assert [t.text for t in legend.iter(f"{SVG}text")] == list(expected)


def test_svg_x_positions_grow_with_n_and_y_with_the_value():
    root = etree.fromstring(curve.svg(_curve()).encode())
    line = root.find(f"{SVG}g[@class='panel']/{SVG}polyline")
    points = [tuple(map(float, p.split(","))) for p in line.get("points").split()]
    xs = [x for x, _ in points]
    assert xs == sorted(xs) and len(set(xs)) == len(xs)
    # Equal ms per document at every size: a flat line.
    assert len({y for _, y in points}) == 1


def test_log_ticks_span_the_values():
    assert chart.log_ticks(3.2, 180) == [2, 5, 10, 20, 50, 100, 200]
    assert chart.log_ticks(1, 1) == [1]


def test_curve_section_embeds_the_chart_beside_a_table(tmp_path):
    report = tmp_path / "docs" / "benchmarks.md"
    text = curve.section(_curve(), tmp_path / "docs" / "benchmarks" / "scaling.svg", report)
    assert text.startswith("<!-- bench curve -->\n") and text.endswith("<!-- /bench curve -->\n")
    assert f"![{curve.TITLE}: milliseconds per document and peak MiB against N]" in text
    assert "(benchmarks/scaling.svg)" in text
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    assert len(rows) == 1 + 4 + 4 + 4 + 2  # heading, then one row per size and mode
    assert "| 50,000 | Furusato: clean build | 1 | 200.00 |" in text
    assert "N = 50,000: 1 run(s), no warm-up run" in text
    assert "not measured: Furusato: warm caches" in text
    assert "1.00× the time per document at N = 50,000" in text


def test_write_curve_files_and_redraw_from_json(tmp_path):
    report = tmp_path / "benchmarks.md"
    report.write_text("# Benchmarks\n\nNotes the lead wrote.\n", "utf-8")
    folder = tmp_path / "benchmarks"
    curve.write(_curve(), folder, report, bench.HEADER)
    first = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert sorted(first) == ["curve.json", "scaling.svg"]
    assert bench.main(["--redraw", "--curve-dir", str(folder), "--report", str(report)]) == 0
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == first
    text = report.read_text("utf-8")
    assert text.startswith("# Benchmarks\n\nNotes the lead wrote.\n\n<!-- bench curve -->")
    assert text.count("<!-- bench curve -->") == 1


def test_write_report_replaces_its_section_and_keeps_the_notes(tmp_path):
    report = tmp_path / "benchmarks.md"
    report.write_text(
        "# Benchmarks\n\n<!-- bench N=500 -->\nold\n<!-- /bench N=500 -->\n\n## Notes\n\nkept\n",
        "utf-8",
    )
    bench.write_report(report, 500, "<!-- bench N=500 -->\nnew\n<!-- /bench N=500 -->\n")
    bench.write_report(report, 2000, "<!-- bench N=2000 -->\nbig\n<!-- /bench N=2000 -->\n")
    assert report.read_text("utf-8") == (
        "# Benchmarks\n\n<!-- bench N=500 -->\nnew\n<!-- /bench N=500 -->\n\n## Notes\n\nkept\n"
        "\n<!-- bench N=2000 -->\nbig\n<!-- /bench N=2000 -->\n"
    )


def test_without_hugo_the_bench_says_so_in_one_line(monkeypatch, capsys):
    monkeypatch.setattr(hugo.shutil, "which", lambda name: None)
    assert bench.find_hugo() is None
    assert capsys.readouterr().out == (
        "Hugo not found: install Debian's hugo package to compare; the Hugo column is skipped\n"
    )
