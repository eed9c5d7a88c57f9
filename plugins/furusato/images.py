"""Read the pixel size of the pictures articles use, so pages reserve their space."""

from __future__ import annotations

import re
import struct
from pathlib import Path

_SVG_SIZE = re.compile(rb"<svg\b[^>]*>", re.S)
_ATTR = re.compile(rb'\b(width|height|viewBox)\s*=\s*["\']([^"\']+)["\']')


def dimensions(path: Path) -> tuple[int, int] | None:
    """Return (width, height) of a PNG, JPEG, GIF, WebP or SVG file, or None if unknown."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        return struct.unpack(">II", data[16:24])
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return struct.unpack("<HH", data[6:10])
    if data.startswith(b"\xff\xd8"):
        return _jpeg(data)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return _webp(data)
    if path.suffix.lower() == ".svg":
        return _svg(data)
    return None


def _jpeg(data: bytes) -> tuple[int, int] | None:
    index = 2
    while index + 9 < len(data):
        if data[index] != 0xFF:
            index += 1
            continue
        marker = data[index + 1]
        length = struct.unpack(">H", data[index + 2 : index + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE):
            height, width = struct.unpack(">HH", data[index + 5 : index + 9])
            return width, height
        index += 2 + length
    return None


def _webp(data: bytes) -> tuple[int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8X":
        width = 1 + int.from_bytes(data[24:27], "little")
        height = 1 + int.from_bytes(data[27:30], "little")
        return width, height
    if chunk == b"VP8 ":
        width, height = struct.unpack("<HH", data[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L":
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    return None


def _svg(data: bytes) -> tuple[int, int] | None:
    tag = _SVG_SIZE.search(data)
    if tag is None:
        return None
    attrs = {k.decode(): v.decode() for k, v in _ATTR.findall(tag.group(0))}
    try:
        if "width" in attrs and "height" in attrs:
            return round(float(attrs["width"].removesuffix("px"))), round(
                float(attrs["height"].removesuffix("px"))
            )
        if "viewBox" in attrs:
            _, _, width, height = (float(n) for n in attrs["viewBox"].replace(",", " ").split())
            return round(width), round(height)
    except ValueError:
        return None
    return None


def add_sizes(html: str, sizes: dict[str, tuple[int, int]], prefix: str) -> str:
    """Give every `<img src="{prefix}path">` of known size its width and height attributes."""
    if "width=" in html:  # raw HTML may size some pictures itself: look at each tag
        return re.sub(r"<img\b[^>]*>", lambda m: _fill(m.group(0), sizes, prefix), html)
    for path, (width, height) in sizes.items():  # the common case: plain string replacement
        src = f'src="{prefix}{path}"'
        html = html.replace(src, f'{src} width="{width}" height="{height}"')
    return html


def _fill(tag: str, sizes: dict[str, tuple[int, int]], prefix: str) -> str:
    src = re.search(r'src="' + re.escape(prefix) + r'([^"#]+)"', tag)
    if src is None or "width=" in tag or src.group(1) not in sizes:
        return tag
    width, height = sizes[src.group(1)]
    return tag[:-1].rstrip("/").rstrip() + f' width="{width}" height="{height}">'
