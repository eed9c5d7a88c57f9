"""Pictures get their pixel size, read from the file's own header."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest

from furusato.reading.images import add_sizes, dimensions
from tests.sitebuild import build_site, copy_site, page


def png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\x00" + b"\x00\x00\x00" * width for _ in range(height)))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def jpeg(width: int, height: int) -> bytes:
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof0 = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + sof0 + b"\xff\xd9"


@pytest.mark.parametrize(
    "name,data,size",
    [
        ("a.png", png(3, 2), (3, 2)),
        ("a.jpg", jpeg(640, 480), (640, 480)),
        ("a.gif", b"GIF89a" + struct.pack("<HH", 20, 10) + b"\x00" * 8, (20, 10)),
        ("a.svg", b'<svg xmlns="http://www.w3.org/2000/svg" width="120" height="80"/>', (120, 80)),
        ("b.svg", b'<svg viewBox="0 0 300 150" xmlns="http://www.w3.org/2000/svg"/>', (300, 150)),
        ("c.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", None),
        ("a.txt", b"not a picture", None),
    ],
)
def test_dimensions(tmp_path: Path, name: str, data: bytes, size):
    path = tmp_path / name
    path.write_bytes(data)
    assert dimensions(path) == size


def test_add_sizes_only_touches_known_local_images():
    html = '<p><img loading="lazy" alt="a" src="furusato:t/images/a.png"><img src="https://x/y.png"></p>'
    assert add_sizes(html, {"t/images/a.png": (3, 2)}, "furusato:") == (
        '<p><img loading="lazy" alt="a" src="furusato:t/images/a.png" width="3" height="2">'
        '<img src="https://x/y.png"></p>'
    )


def test_article_pictures_get_width_and_height(tmp_path: Path):
    article = (
        "---\ntitle: Pictures\ndate: 2026-05-01\nauthor: amy-chen\nsummary: S.\n"
        "image: images/hero.png\nimage_alt: A hero\n---\n![Dunes](../images/dunes.svg)\n"
    )
    root = copy_site(
        "two_prefectures", tmp_path / "site", {"content/tottori/articles/p.md": article}
    )
    (root / "content/tottori/images/hero.png").write_bytes(png(40, 30))
    tree = page(build_site(root, tmp_path / "out"), "/tottori/articles/p/")
    hero = tree.xpath("//img[@class='hero']")[0]
    assert (hero.get("width"), hero.get("height"), hero.get("loading")) == ("40", "30", "lazy")
    inline = tree.xpath("//div[@class='body']//img")[0]
    assert (inline.get("width"), inline.get("height"), inline.get("loading")) == (
        "120",
        "80",
        "lazy",
    )
