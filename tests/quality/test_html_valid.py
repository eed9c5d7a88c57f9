"""Every HTML page of the demo build passes the Nu Html Checker with no error."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tests.quality import site_pages

# vnu reports problems of the checker itself (an unreadable file) as "non-document-error".
FAILING_TYPES = {"error", "non-document-error"}


def _location(message: dict, output: Path) -> str:
    """Give 'file:line' for a vnu message, the file relative to the build."""
    path = Path(unquote(urlsplit(message.get("url", "")).path))
    try:
        name = path.relative_to(output.resolve()).as_posix()
    except ValueError:
        name = str(path)
    line = message.get("lastLine") or message.get("firstLine") or "?"
    return f"{name}:{line}"


@pytest.mark.java
def test_every_page_is_valid_html(demo_output: Path, vnu_jar: Path) -> None:
    pages = site_pages.html_files(demo_output)
    assert pages, f"no .html file in {demo_output}"
    command = [
        "java",
        "-jar",
        str(vnu_jar),
        "--format",
        "json",
        "--stdout",
        "--skip-non-html",
        str(demo_output.resolve()),
    ]
    # vnu exits 1 when it found errors; the JSON report is what counts.
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        output = f"{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
        pytest.fail(f"vnu gave no JSON report (exit {result.returncode}):\n{output}", pytrace=False)
    errors = [m for m in report.get("messages", []) if m.get("type") in FAILING_TYPES]
    lines = sorted(f"{_location(m, demo_output)}: {m.get('message', '').strip()}" for m in errors)
    if lines:
        message = f"{len(lines)} HTML error(s) in {len(pages)} pages:\n" + "\n".join(lines)
        pytest.fail(message, pytrace=False)
