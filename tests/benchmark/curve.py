"""The benchmark's scaling curve: its data file, its chart and its section of docs/benchmarks.md.

Each corpus size N is one point, merged into curve.json (sorted keys) as it is measured, so a
single size (N = 50,000, say) can be run alone later. The chart and the Markdown section are
drawn from curve.json alone, and can be drawn again without running anything (`--redraw`).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from chart import Panel, Series, scaling_svg

# The modes the curve follows, in legend order, with their short labels.
CURVE_MODES = {
    "f-clean": "Furusato: clean build",
    "f-warm": "Furusato: warm caches",
    "f-edit": "Furusato: one-article rebuild",
    "f-pref": "Furusato: single prefecture (about N/47 documents)",
    "v-clean": "vanilla Pelican: clean build",
    "h-clean": "Hugo: clean build",
}
CLEAN_MODES = ("f-clean", "v-clean", "h-clean")
TITLE = "How build time and memory grow with the corpus"


def point(n: int, runs: int, warmup: bool, load: str, modes: list) -> dict:
    """Return the curve's record of one corpus size from measured benchmark modes."""
    record = {}
    for mode in modes:
        if mode.key not in CURVE_MODES or not mode.samples:
            continue
        record[mode.key] = {
            "cpu_seconds": round(mode.cpu_seconds, 3),
            "documents": mode.documents,
            "peak_mib": round(mode.peak_mib, 1),
            "seconds": round(mode.seconds, 3),
        }
    return {"documents": n, "load": load, "modes": record, "runs": runs, "warmup": warmup}


def load(path: Path) -> dict:
    """Return the curve's data from `path` (an empty curve when the file does not exist)."""
    if not path.exists():
        return {"points": {}}
    return json.loads(path.read_text("utf-8"))


def merge(data: dict, n: int, record: dict, hugo_version: str | None) -> dict:
    """Return `data` with the point for `n` replaced by `record` (other sizes are kept)."""
    points = {**data.get("points", {}), str(n): record}
    merged = {**data, "points": points}
    if hugo_version:
        merged["hugo"] = hugo_version
    return merged


def dump(data: dict) -> str:
    """Return the curve's data as JSON text: sorted keys, so the same data gives the same bytes."""
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _sizes(data: dict) -> list[int]:
    return sorted(int(n) for n in data.get("points", {}))


def ms_per_document(entry: dict) -> float:
    return 1000 * entry["seconds"] / entry["documents"]


def panels(data: dict) -> list[Panel]:
    """Return the two chart panels (ms per document, peak MiB) of the curve's data."""
    sizes = _sizes(data)
    per_doc, memory = [], []
    for key, label in CURVE_MODES.items():
        entries = [
            (n, data["points"][str(n)]["modes"][key])
            for n in sizes
            if key in data["points"][str(n)]["modes"]
        ]
        if not entries:
            continue
        per_doc.append(Series(label, tuple((n, ms_per_document(e)) for n, e in entries)))
        memory.append(Series(label, tuple((n, e["peak_mib"]) for n, e in entries)))
    return [
        Panel("Time per document", "milliseconds per document (log scale)", tuple(per_doc)),
        Panel("Peak memory", "MiB, whole process tree (log scale)", tuple(memory)),
    ]


def svg(data: dict) -> str:
    """Return the scaling chart of the curve's data."""
    return scaling_svg(TITLE, panels(data))


def flatness(data: dict, key: str = "f-clean") -> tuple[int, int, float] | None:
    """Return (2,000, largest N, ms/doc at largest N ÷ ms/doc at 2,000) for `key`, or None."""
    points = data.get("points", {})
    sizes = [n for n in _sizes(data) if key in points[str(n)]["modes"]]
    if 2000 not in sizes or sizes[-1] <= 2000:
        return None
    base = ms_per_document(points["2000"]["modes"][key])
    last = sizes[-1]
    return 2000, last, ms_per_document(points[str(last)]["modes"][key]) / base


def section(data: dict, svg_path: Path, report: Path) -> str:
    """Return the Markdown section of the curve: method, chart and table."""
    picture = Path(os.path.relpath(svg_path, report.parent)).as_posix()
    rows = [
        "| N | mode | runs | median s | CPU s | ms per document | peak MiB |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    notes = []
    for n in _sizes(data):
        entry = data["points"][str(n)]
        for key, label in CURVE_MODES.items():
            mode = entry["modes"].get(key)
            if mode is None:
                continue
            if key == "f-pref":
                label = f"Furusato: single prefecture ({mode['documents']} documents)"
            rows.append(
                f"| {n:,} | {label} | {entry['runs']} | {mode['seconds']:.2f} "
                f"| {mode['cpu_seconds']:.2f} | {ms_per_document(mode):.2f} "
                f"| {mode['peak_mib']:.0f} |"
            )
        missing = [CURVE_MODES[k] for k in CURVE_MODES if k not in entry["modes"]]
        warm = "after a warm-up run" if entry["warmup"] else "no warm-up run"
        note = f"N = {n:,}: {entry['runs']} run(s), {warm}, 1-minute load average {entry['load']}"
        if missing:
            note += f"; not measured: {', '.join(missing)}"
        notes.append(f"- {note}.")
    flat = flatness(data)
    if flat:
        low, high, ratio = flat
        flat_line = (
            f"Furusato's clean build takes {ratio:.2f}× the time per document at N = {high:,} "
            f"that it takes at N = {low:,}."
        )
    else:
        flat_line = "Time per document from N = 2,000 upwards: not measured yet."
    hugo = f" (Hugo {data['hugo']})" if data.get("hugo") else ""
    return (
        "<!-- bench curve -->\n"
        "## Scaling curve\n\n"
        "The same modes at several corpus sizes (`make bench CURVE=1`), each size measured "
        f"alone, whole processes{hugo}. Time per document should stay roughly flat as the corpus "
        "grows; the single prefecture's time is per document of that prefecture.\n\n"
        f"![{TITLE}: milliseconds per document and peak MiB against N]({picture})\n\n"
        + "\n".join(rows)
        + "\n\n"
        + "\n".join(notes)
        + f"\n\n{flat_line}\n"
        "<!-- /bench curve -->\n"
    )


def write(data: dict, directory: Path, report: Path, header: str) -> None:
    """Write curve.json and scaling.svg into `directory`, and the curve's section of `report`."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "curve.json").write_text(dump(data), "utf-8")
    svg_path = directory / "scaling.svg"
    svg_path.write_text(svg(data), "utf-8")
    replace_section(report, "<!-- bench curve -->", section(data, svg_path, report), header)


def replace_section(path: Path, start: str, text: str, header: str) -> None:
    """Replace the section that opens with `start` in `path` (keeping the rest), or append it.

    A section runs from `start` to the matching closing comment (`<!-- /...`) and its newline.
    """
    end = start.replace("<!-- ", "<!-- /", 1) + "\n"
    old = path.read_text("utf-8") if path.exists() else header
    if start in old and end in old:
        before, rest = old.split(start, 1)
        new = before + text + rest.split(end, 1)[1]
    else:
        new = old.rstrip("\n") + "\n\n" + text
    path.write_text(new, "utf-8")
