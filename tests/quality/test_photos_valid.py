"""Pages with photos (<picture>, srcset, sizes) and with the "Write for" link pass the Nu Html
Checker, in both editions (the demo site has drawings only and no repository setting)."""

from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from tests.sitebuild import REPO, build_site, copy_site

ARTICLE = """---
title: A photo
date: 2026-05-01
author: amy-chen
summary: A photo at its web sizes.
image: images/photo.jpg
image_alt: A gradient
---
![Another view](../images/photo.jpg "As taken")
"""
PAGES = [
    "tottori/articles/photo/index.html",
    "tottori/index.html",
    "tottori/ja/index.html",
    "tottori/articles/index.html",
    "tottori/ja/articles/index.html",
]


@pytest.mark.java
def test_photo_and_write_link_pages_are_valid_html(tmp_path: Path, vnu_jar: Path) -> None:
    root = copy_site(
        "two_prefectures", tmp_path / "site", {"content/tottori/articles/photo.md": ARTICLE}
    )
    (root / "docs").symlink_to(REPO / "docs")
    photo = io.BytesIO()
    Image.linear_gradient("L").resize((1200, 800)).convert("RGB").save(photo, "JPEG")
    (root / "content/tottori/images/photo.jpg").write_bytes(photo.getvalue())
    out = build_site(
        root, tmp_path / "out", FURUSATO_REPOSITORY="https://github.com/example-org/furusato"
    )
    assert "<picture>" in (out / PAGES[0]).read_text(encoding="utf-8")
    assert 'class="write-link"' in (out / PAGES[1]).read_text(encoding="utf-8")
    command = ["java", "-jar", str(vnu_jar), "--format", "json", "--stdout"]
    result = subprocess.run(
        command + [str(out / page) for page in PAGES],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = json.loads(result.stdout)
    errors = [m for m in report["messages"] if m.get("type") in {"error", "non-document-error"}]
    assert errors == []
