"""Only checked pictures are published from images/: bytes match the suffix, SVG passes the
allow-list, headers are read within bounds, and check and build use the same judge."""

from __future__ import annotations

import io
import struct
import time
from pathlib import Path

import pytest
from PIL import Image

from furusato.errors import ContentError
from furusato.reading.images import MAX_SIDE, inspect
from furusato.reading.loader import Options, load
from tests.sitebuild import REPO, build_site, copy_site
from tests.test_images import jpeg, jpeg_header, png

IMAGES = "content/tottori/images"
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">\n{}\n</svg>'
EXPORT = "or export the picture as PNG"


def _pillow(width: int, height: int, kind: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 120, 40)).save(out, kind)
    return out.getvalue()


def gif(width: int, height: int) -> bytes:
    return _pillow(width, height, "GIF")


def webp(width: int, height: int) -> bytes:
    return _pillow(width, height, "WEBP")


def gif_header(width: int, height: int) -> bytes:
    return b"GIF89a" + struct.pack("<HH", width, height) + b"\x00" * 8


def webp_header(width: int, height: int) -> bytes:
    vp8x = b"VP8X" + struct.pack("<I", 10) + b"\x00" * 4
    size = (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    return b"RIFF" + struct.pack("<I", 22) + b"WEBP" + vp8x + size


def problems(root: Path) -> list[str]:
    with pytest.raises(ContentError) as info:
        load(Options(root=root))
    return [p.format() for p in info.value.problems]


def with_pictures(tmp_path: Path, files: dict[str, bytes]) -> Path:
    root = copy_site("two_prefectures", tmp_path / "site")
    for name, data in files.items():
        path = root / IMAGES / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root


GOOD = {
    "a.png": png(3, 2),
    "b.jpg": jpeg(640, 480),
    "c.jpeg": jpeg(2, 2),
    "d.gif": gif(20, 10),
    "e.webp": webp(16, 9),
    "sub/f.svg": SVG.format('<rect width="10" height="10" fill="url(#g)"/>').encode(),
}


def test_the_build_publishes_exactly_the_pictures_the_check_accepts(tmp_path):
    root = with_pictures(tmp_path, GOOD)
    published = sorted(p.rel for p in load(Options(root=root)).pictures)
    assert published == sorted([f"tottori/images/{n}" for n in GOOD] + ["tottori/images/dunes.svg"])
    files = sorted(name for p in load(Options(root=root)).pictures for name in p.files())
    assert "tottori/images/b-480w.webp" in files and "tottori/images/a-3w.webp" in files
    out = build_site(root, tmp_path / "out")
    copied = sorted(
        p.relative_to(out).as_posix() for p in (out / "tottori/images").rglob("*") if p.is_file()
    )
    assert copied == files
    originals = [data for name, data in GOOD.items() if not name.endswith(".svg")]
    for path in (out / "tottori/images").rglob("*.*"):
        assert path.read_bytes() not in originals, path  # photos are re-encoded, never copied


@pytest.mark.parametrize(
    "name,data,line,expected",
    [
        (
            "page.html",
            b"<script>alert(1)</script>",
            1,
            "file name: only pictures (.jpg, .jpeg, .png, .gif, .webp, .svg) are published from "
            "content/tottori/images/; put other files (such as PDFs or web pages) on another "
            "site and link to their https:// address, or write the text as an article",
        ),
        (
            "evil.png",
            b"<html><script>alert(1)</script></html>",
            1,
            "picture: this file is not a PNG picture (it looks like a web page or text); open "
            "the picture in an image editor and export it again as PNG",
        ),
        (
            "noise.gif",
            b"\x00\x01\x02\x03" * 10,
            1,
            "picture: this file is not a GIF picture (it looks like damaged or another "
            "format); open the picture in an image editor and export it again as GIF",
        ),
        (
            "photo.png",
            jpeg(10, 10),
            1,
            "picture: this file is a JPEG picture, not PNG; rename it to end in .jpg (and "
            "change the links to it)",
        ),
        (
            'say "cheese".png',
            png(2, 2),
            1,
            "file name: the name 'say \"cheese\".png' has characters that cannot be used in a "
            "web address (such as spaces, quotes, #, ?, %, &, < or >); rename the file using "
            "only lowercase letters, digits, hyphens, dots and underscores, such as "
            "'say-cheese.png' (and change the links to it)",
        ),
        (
            "script.svg",
            SVG.format("<script>alert(document.domain)</script>").encode(),
            2,
            "picture: <script> is not allowed in a picture (it can run scripts or load other "
            f"files); remove it, {EXPORT}",
        ),
        (
            "cut.png",
            png(3, 2)[:20],
            1,
            "picture: this picture file is cut short or damaged (its header is incomplete); "
            "export or upload it again",
        ),
        (
            "huge.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg" width="1e999" height="10"/>',
            1,
            'picture: the SVG\'s size (width="1e999" height="10") is not a number of pixels '
            'from 1 to 20,000; give the <svg> a normal width and height, such as width="640" '
            'height="360"',
        ),
        (
            "wide.png",
            png(1, 1)[:16] + struct.pack(">II", 50_000, 10) + png(1, 1)[24:],
            1,
            "picture: the picture says it is 50000 × 10 pixels; a picture must be 1 to 20,000 "
            "pixels on each side, so export it again at a normal size (for example 1600 pixels "
            "wide)",
        ),
    ],
)
def test_each_refused_file_is_reported_and_not_published(tmp_path, name, data, line, expected):
    root = with_pictures(tmp_path, {name: data})
    assert problems(root) == [f"{IMAGES}/{name}:{line}: {expected}"]
    with pytest.raises(ContentError):
        build_site(root, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_an_unused_picture_that_is_too_large_is_reported_on_the_file(tmp_path):
    root = with_pictures(tmp_path, {"big.jpg": jpeg(10, 10) + b"\x00" * 15_200_000})
    assert problems(root) == [
        f"{IMAGES}/big.jpg:1: picture: the picture 'content/tottori/images/big.jpg' is 15.2 "
        "MB; pictures must be at most 15 MB, so make it smaller (for example 2400 pixels "
        "wide, saved as JPEG at quality 85)"
    ]


def test_pictures_in_a_folder_that_is_not_a_prefecture_are_reported(tmp_path):
    root = copy_site("two_prefectures", tmp_path / "site")
    (root / "content/tottory/images").mkdir(parents=True)
    (root / "content/tottory/images/a.png").write_bytes(png(2, 2))
    assert problems(root) == [
        "content/tottory/images/a.png:1: prefecture: the folder 'content/tottory/' is not a "
        "prefecture; did you mean 'tottori'? move the file into the folder named like its "
        "profile in prefectures/"
    ]


# --- SVG allow-list ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body,line,message",
    [
        (
            '<foreignObject><p xmlns="http://www.w3.org/1999/xhtml">x</p></foreignObject>',
            2,
            "<foreignObject> is not allowed in a picture (it can run scripts or load other "
            f"files); remove it, {EXPORT}",
        ),
        (
            '<html:script xmlns:html="http://www.w3.org/1999/xhtml">alert(1)</html:script>',
            2,
            "<script> is not allowed in a picture (it can run scripts or load other files); "
            f"remove it, {EXPORT}",
        ),
        (
            '<rect width="1" height="1" onclick="alert(1)"/>',
            2,
            "the onclick attribute on <rect> is not allowed (event handlers run scripts); "
            "remove it",
        ),
        (
            "<style>rect { fill: url(https://evil.example/x) }</style>",
            2,
            "<style> is not allowed in a picture (it can run scripts or load other files); "
            f"remove it, {EXPORT}",
        ),
        (
            '<a href="javascript:alert(1)"><rect width="1" height="1"/></a>',
            2,
            "<a> is not allowed in a picture (it can run scripts or load other files); remove "
            f"it, {EXPORT}",
        ),
        (
            '<use xmlns:xlink="http://www.w3.org/1999/xlink" xlink:href="https://x.example/a.svg#b"/>',
            2,
            "the href 'https://x.example/a.svg#b' on <use> is not allowed (a picture may only "
            f"refer to a part of itself, '#name'); remove it, {EXPORT}",
        ),
        (
            '<set attributeName="href" to="javascript:alert(1)"/>',
            2,
            "<set> is not allowed in a picture (it can run scripts or load other files); "
            f"remove it, {EXPORT}",
        ),
        (
            '<rect width="1" height="1" fill="url(https://evil.example/track)"/>',
            2,
            "the fill on <rect> loads 'https://evil.example/track'; a picture may only refer "
            f"to a part of itself, url(#name); remove it, {EXPORT}",
        ),
        (
            '<rect width="1" height="1" style="mask: image-set(\'x.png\' 1x)"/>',
            2,
            "the style on <rect> uses image-set(...), which is not allowed in a picture; "
            f"remove it, {EXPORT}",
        ),
        (
            '<rect width="1" height="1" style="fill: re\\64"/>',
            2,
            "the style on <rect> uses a backslash, which is not allowed in a picture; use plain "
            "properties such as fill:#336699",
        ),
        (
            '<rect width="1" height="1" style="@import \'https://x.example/a.css\'"/>',
            2,
            "the style on <rect> uses '@', which is not allowed in a picture; use plain "
            "properties such as fill:#336699",
        ),
        (
            '<rect width="1" height="1" data-x="1"/>',
            2,
            "the data-x attribute on <rect> is not allowed; remove it",
        ),
    ],
)
def test_svg_outside_the_allow_list_is_refused_with_its_line(body, line, message):
    result = inspect(SVG.format(body).encode(), ".svg")
    assert (result.line, result.problem) == (line, message)


@pytest.mark.parametrize(
    "data,line,message",
    [
        (
            b'<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">]>\n'
            b'<svg xmlns="http://www.w3.org/2000/svg"><text>&a;</text></svg>',
            2,
            f"the DOCTYPE declares entities, which are not allowed; remove it, {EXPORT}",
        ),
        (
            b'<?xml-stylesheet href="https://evil.example/x.css"?>\n'
            b'<svg xmlns="http://www.w3.org/2000/svg"/>',
            1,
            "the instruction <?xml-stylesheet ...?> is not allowed; remove it",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg">\n<rect>\n</svg>',
            3,
            f"the SVG is not well-formed XML (mismatched tag); export the picture again, {EXPORT}",
        ),
        (
            b'<svg width="10" height="10"/>',
            1,
            "the file must start with an <svg> element in the SVG namespace, not <svg>",
        ),
    ],
)
def test_svg_documents_that_are_not_plain_drawings_are_refused(data, line, message):
    result = inspect(data, ".svg")
    assert (result.line, result.problem) == (line, message)


def test_plain_drawings_pass_including_editor_metadata_and_the_shipped_pictures():
    inkscape = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
        b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        b'xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" width="64" height="32" '
        b'inkscape:version="1.3" xml:space="preserve">'
        b'<defs><linearGradient id="g"><stop offset="0" stop-color="#fff"/></linearGradient>'
        b"</defs><!-- a comment -->"
        b'<g transform="translate(1,2) rotate(3)" style="fill:url(#g);stroke:rgb(0,0,0)">'
        b'<use xlink:href="#r"/><rect id="r" width="3" height="4" aria-label="A box (blue)"/>'
        b"<text>Dunes &amp; sky</text></g></svg>"
    )
    assert inspect(inkscape, ".svg").problem is None
    assert inspect(inkscape, ".svg").size == (64, 32)
    for path in sorted((REPO / "content").glob("*/images/*.svg")):
        assert inspect(path.read_bytes(), ".svg").problem is None, path


@pytest.mark.parametrize(
    "attrs", ['width="0" height="10"', 'width="NaN" height="10"', 'viewBox="0 0 -5 10"']
)
def test_absurd_svg_sizes_are_refused(attrs):
    result = inspect(f'<svg xmlns="http://www.w3.org/2000/svg" {attrs}/>'.encode(), ".svg")
    assert result.problem is not None and "is not a number of pixels from 1 to 20,000" in (
        result.problem
    )


def test_raster_size_bounds():
    for data, suffix in ((png(1, 1), ".png"), (gif(1, 1), ".gif"), (jpeg(1, 1), ".jpg"),
                         (webp(1, 1), ".webp")):  # fmt: skip
        assert inspect(data, suffix).problem is None, suffix
    for size in ((0, 5), (MAX_SIDE + 1, 1)):
        for data, suffix in ((_png_header(*size), ".png"), (gif_header(*size), ".gif"),
                             (jpeg_header(*size), ".jpg")):  # fmt: skip
            assert "pixels on each side" in inspect(data, suffix).problem, (suffix, size)
    # within MAX_SIDE on each side but too many pixels: refused from the header, undecoded
    for data, suffix in ((_png_header(MAX_SIDE, MAX_SIDE), ".png"),
                         (jpeg_header(MAX_SIDE, MAX_SIDE), ".jpg")):  # fmt: skip
        assert inspect(data, suffix).problem == (
            "the picture is 20,000 × 20,000 pixels (400 megapixels); at most 64 megapixels "
            "can be published (more is how a 'decompression bomb' exhausts memory), so export "
            "it again at a normal size (for example 1600 pixels wide)"
        )


def _png_header(width: int, height: int) -> bytes:
    return png(1, 1)[:16] + struct.pack(">II", width, height) + png(1, 1)[24:]


# --- bounded parsing ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "suffix,data",
    [
        (".png", png(3, 2)),
        (".jpg", jpeg(640, 480)),
        (".gif", gif(20, 10)),
        (".webp", webp(16, 9)),
        (".svg", SVG.format("<rect/>").encode()),
    ],
)
def test_a_truncated_upload_is_reported_never_raised(suffix, data):
    """Cut anywhere: no exception (struct.error, IndexError...), and either a problem or the
    true size (only the header is read, so a cut after it is the decoder's business)."""
    whole = inspect(data, suffix)
    assert whole.problem is None
    reported = 0
    for end in range(len(data)):
        result = inspect(data[:end], suffix)
        assert result.problem is not None or result.size == whole.size, (suffix, end)
        reported += result.problem is not None
    assert reported >= 10  # every cut inside the header is reported


def test_a_malicious_jpeg_is_walked_in_bounded_time():
    # a million tiny segments, then no frame header: every step moves forward
    data = b"\xff\xd8" + b"\xff\xe0\x00\x02" * 250_000
    started = time.perf_counter()
    result = inspect(data, ".jpg")
    assert result.problem is not None and "cut short or damaged" in result.problem
    assert time.perf_counter() - started < 5  # a generous bound: an endless loop never returns
    for bad in (b"\xff\xd8\xff\xe0\x00\x00", b"\xff\xd8\xff\xe0\x00\x01" * 10):  # lengths < 2
        assert inspect(bad, ".jpg").problem is not None
