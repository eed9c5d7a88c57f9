"""Pictures get their pixel size, read from the file's own header; photos are shown at their
web sizes in a <picture>."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image

from furusato.reading.images import dimensions
from furusato.renditions import Plan, responsive_html
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
    """Return a real JPEG (Pillow), grey."""
    out = io.BytesIO()
    Image.new("RGB", (width, height), (128, 128, 128)).save(out, "JPEG")
    return out.getvalue()


def gif(width: int, height: int) -> bytes:
    """Return a real GIF (Pillow)."""
    out = io.BytesIO()
    Image.new("RGB", (width, height), (128, 128, 128)).save(out, "GIF")
    return out.getvalue()


def jpeg_header(width: int, height: int) -> bytes:
    """Return the header of a JPEG that says it is width × height, and no picture."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof0 = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + sof0 + b"\xff\xd9"


@pytest.mark.parametrize(
    "name,data,size",
    [
        ("a.png", png(3, 2), (3, 2)),
        ("a.jpg", jpeg(640, 480), (640, 480)),
        ("a.gif", gif(20, 10), (20, 10)),
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


def test_responsive_html_only_touches_known_local_images():
    html = (
        '<p><img loading="lazy" alt="a &amp; b" src="furusato:t/images/a.png">'
        '<img loading="lazy" src="furusato:t/images/d.svg" alt="d" width="9">'
        '<img src="https://x/y.png"></p>'
    )
    plan = Plan("t/images/a.png", "PNG", (1000, 500))
    assert responsive_html(html, {plan.rel: plan}, {"t/images/d.svg": (3, 2)}, "furusato:") == (
        '<p><picture><source type="image/webp" srcset="furusato:t/images/a-480w.webp 480w, '
        'furusato:t/images/a-960w.webp 960w, furusato:t/images/a-1000w.webp 1000w" '
        'sizes="(min-width: 47rem) 44rem, 100vw"><img src="furusato:t/images/a.png" '
        'srcset="furusato:t/images/a-480w.png 480w, furusato:t/images/a-960w.png 960w, '
        'furusato:t/images/a.png 1000w" sizes="(min-width: 47rem) 44rem, 100vw" '
        'alt="a &amp; b" width="1000" height="500" loading="lazy"></picture>'
        '<img loading="lazy" src="furusato:t/images/d.svg" alt="d" width="3" height="2">'
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
    # libxml2 does not know <source> is empty: the <img> comes out inside it
    hero = tree.xpath("//picture//img[@class='hero']")[0]
    assert (hero.get("width"), hero.get("height"), hero.get("loading")) == ("40", "30", "lazy")
    assert hero.get("src") == "/tottori/images/hero.png"
    assert hero.get("srcset") == "/tottori/images/hero.png 40w"
    assert hero.xpath("ancestor::picture//source/@srcset") == ["/tottori/images/hero-40w.webp 40w"]
    inline = tree.xpath("//div[@class='body']//img")[0]
    assert (inline.get("width"), inline.get("height"), inline.get("loading")) == (
        "120",
        "80",
        "lazy",
    )
