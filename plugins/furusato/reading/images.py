"""Check that a picture file is the picture its name says, and read its pixel size.

A JPEG, PNG, WebP or GIF is then decoded with Pillow, bounded: its header size is checked
against ``MAX_SIDE`` and ``MAX_PIXELS`` before a single pixel is decoded (a decompression bomb
is a content error, not a crash), and a file that does not decode to the end is refused, so
what ``make check`` accepts the build can always resize (see ``furusato.imaging``). The size
reported is the one people see, after the EXIF orientation is applied.

HEIC/HEIF (an iPhone's own format) is recognised and refused with how to convert it: iOS
already sends JPEG when a photo is uploaded through a web page (GitHub's "Upload files"), so
HEIC only arrives copied from a computer; decoding it would need libheif and the HEVC decoder
libde265 (a large native video decoder run on strangers' pull requests, under patent and
LGPL/GPL terms), for a file browsers other than Safari cannot show anyway.

Every parse is bounded: headers are read by index with their lengths checked first (a cut-short
upload is reported, never a ``struct.error``), the JPEG marker walk moves forward on every step,
and sizes outside 1..20,000 pixels (0, ``1e999``, NaN) are reported.

SVG is published only if every element and attribute in it is on a strict allow-list of drawing
features (shapes, paths, text, gradients, filters), checked with an XML parser that reads no
DTD: no script, no event handlers, no ``foreignObject``, no ``<style>``, no animation (which can
rewrite links), no ``<a>`` or ``<image>``, no reference or ``url(...)`` to anything but a
``#fragment`` inside the same file, no DOCTYPE with declarations, no processing instructions.
Why check rather than sanitise: the file published is byte for byte the file the contributor
committed and the reviewer saw, and there is no second parser's rewrite to get wrong. Why not
refuse SVG outright: the pictures the project ships, and simple drawings exported as plain SVG,
pass; anything else gets a message naming what to remove, or saying to export a PNG.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISREG
from xml.parsers import expat

from .files import read_regular

PICTURE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg")
RASTER_KINDS = frozenset({"JPEG", "PNG", "GIF", "WebP"})  # decoded and re-encoded by the build
HEIF_SUFFIXES = (".heic", ".heif")  # recognised, refused with how to convert them
MAX_SIDE = 20_000  # pixels: larger is a mistake (or an attack on the reader's memory)
MAX_PIXELS = 64_000_000  # a 48-megapixel phone photo passes; a decompression bomb does not
# ISO base media "ftyp" brands of HEIF pictures (HEVC-coded or not).
_HEIF_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"})
HEIC_MESSAGE = (
    "this is a HEIC photo (an iPhone's own format), which most browsers cannot show; "
    "commit it as JPEG instead: upload it from the iPhone's own browser (iOS sends photos to "
    "web pages as JPEG), or on a Mac open it in Preview and choose File > Export > JPEG, or "
    "on Windows open it in Photos and save a copy as .jpg (for future photos: Settings > "
    "Camera > Formats > Most Compatible)"
)

_KIND_OF_SUFFIX = {
    ".jpg": "JPEG",
    ".jpeg": "JPEG",
    ".png": "PNG",
    ".gif": "GIF",
    ".webp": "WebP",
    ".svg": "SVG",
}
_SUFFIX_OF_KIND = {"JPEG": ".jpg", "PNG": ".png", "GIF": ".gif", "WebP": ".webp", "SVG": ".svg"}


@dataclass(frozen=True)
class Inspection:
    """What a picture file is: its size in pixels (if known) and what is wrong with it."""

    size: tuple[int, int] | None  # as people see it: after the EXIF orientation
    problem: str | None = None  # what is wrong and the fix; None if it may be published
    line: int = 1  # the line of the file the problem is on (SVG), else 1
    kind: str | None = None  # JPEG, PNG, GIF, WebP or SVG, once the bytes are known
    alpha: bool = False  # a raster picture with transparency (kept as PNG, never JPEG)
    animated: bool = False  # several frames (GIF, WebP): published at its own size only
    digest: str = ""  # SHA-256 of the bytes: the key of its web sizes in the cache


def inspect(data: bytes, suffix: str) -> Inspection:
    """Check that `data` is a picture of the kind `suffix` names, and read its size."""
    if suffix.lower() in HEIF_SUFFIXES:
        return Inspection(None, HEIC_MESSAGE)
    expected = _KIND_OF_SUFFIX.get(suffix.lower())
    if expected is None:
        return Inspection(None, "not a picture")
    found = _kind(data)
    if found == "HEIC":
        return Inspection(None, HEIC_MESSAGE)
    if found != expected:
        if found is None:
            what = "a web page or text" if _looks_like_text(data) else "damaged or another format"
            return Inspection(
                None,
                f"this file is not a {expected} picture (it looks like {what}); open the "
                f"picture in an image editor and export it again as {expected}",
            )
        return Inspection(
            None,
            f"this file is a {found} picture, not {expected}; rename it to end in "
            f"{_SUFFIX_OF_KIND[found]} (and change the links to it)",
        )
    if found == "SVG":
        found_problem = _svg_problem(data)
        if found_problem:
            return Inspection(None, found_problem[1], found_problem[0])
    size = _size(found, data)
    if isinstance(size, str):
        return Inspection(None, size)
    if size is not None:
        width, height = size
        if not (1 <= width <= MAX_SIDE and 1 <= height <= MAX_SIDE):
            return Inspection(
                None,
                f"the picture says it is {width} × {height} pixels; a picture must be "
                f"1 to {MAX_SIDE:,} pixels on each side, so export it again at a normal "
                "size (for example 1600 pixels wide)",
            )
        if found in RASTER_KINDS:
            return _decode(found, data, size)
    return Inspection(size, kind=found)


def _decode(kind: str, data: bytes, size: tuple[int, int]) -> Inspection:
    """Decode a raster picture with Pillow (after the header check), within MAX_PIXELS."""
    width, height = size
    if width * height > MAX_PIXELS:
        return Inspection(None, bomb_message(width, height))
    from .. import imaging  # Pillow is imported only when a raster picture is checked

    try:
        seen = imaging.inspect_pixels(data)
    except imaging.PictureError as exc:
        return Inspection(None, str(exc))
    digest = hashlib.sha256(data).hexdigest()
    return Inspection(seen.size, kind=kind, alpha=seen.alpha, animated=seen.animated, digest=digest)


def bomb_message(width: int, height: int) -> str:
    """Return the message for a picture with more pixels than MAX_PIXELS."""
    return (
        f"the picture is {width:,} × {height:,} pixels ({width * height / 1e6:.0f} "
        f"megapixels); at most {MAX_PIXELS / 1e6:.0f} megapixels can be published (more is "
        "how a 'decompression bomb' exhausts memory), so export it again at a normal size "
        "(for example 1600 pixels wide)"
    )


_CUT_SHORT = (
    "this picture file is cut short or damaged (its header is incomplete); export or "
    "upload it again"
)


def _kind(data: bytes) -> str | None:
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WebP"
    if data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS:
        return "HEIC"
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"<?xml", b"<svg", b"<!--", b"<!DOCTYPE svg")) and b"<svg" in data:
        return "SVG"
    return None


def _looks_like_text(data: bytes) -> bool:
    return bool(data) and b"\x00" not in data[:512]


def _size(kind: str, data: bytes) -> tuple[int, int] | str | None:
    """Return (width, height), or a problem message for a cut-short header, or None."""
    if kind == "PNG":
        if len(data) < 24 or data[12:16] != b"IHDR":
            return _CUT_SHORT
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if kind == "GIF":
        if len(data) < 10:
            return _CUT_SHORT
        return int.from_bytes(data[6:8], "little"), int.from_bytes(data[8:10], "little")
    if kind == "JPEG":
        return _jpeg(data) or _CUT_SHORT
    if kind == "WebP":
        return _webp(data) or _CUT_SHORT
    return _svg_size(data)


# Start-of-frame markers (baseline, progressive, lossless...): they carry the size.
_SOF = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF})
_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})  # markers without a length


def _jpeg(data: bytes) -> tuple[int, int] | None:
    """Walk the JPEG's markers to the first frame header; every step moves forward."""
    index = 2
    end = len(data)
    while index + 4 <= end:
        if data[index] != 0xFF:
            return None  # markers must follow each other: damaged
        marker = data[index + 1]
        if marker == 0xFF:  # fill byte
            index += 1
            continue
        if marker in _STANDALONE:
            index += 2
            continue
        if marker in (0xD9, 0xDA):  # end of image, or scan data before any frame header
            return None
        length = int.from_bytes(data[index + 2 : index + 4], "big")
        if length < 2:
            return None
        if marker in _SOF:
            if index + 9 > end or length < 7:
                return None
            height = int.from_bytes(data[index + 5 : index + 7], "big")
            width = int.from_bytes(data[index + 7 : index + 9], "big")
            return width, height
        index += 2 + length
    return None


def _webp(data: bytes) -> tuple[int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8X" and len(data) >= 30:
        width = 1 + int.from_bytes(data[24:27], "little")
        height = 1 + int.from_bytes(data[27:30], "little")
        return width, height
    if chunk == b"VP8 " and len(data) >= 30:
        width = int.from_bytes(data[26:28], "little")
        height = int.from_bytes(data[28:30], "little")
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L" and len(data) >= 25:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    return None


# --- SVG ---------------------------------------------------------------------------------------

_SVG_NS = "http://www.w3.org/2000/svg"
_XLINK_NS = "http://www.w3.org/1999/xlink"
_XML_NS = "http://www.w3.org/XML/1998/namespace"
# Drawing programs keep their own settings in these; browsers ignore such elements.
_EDITOR_NS = frozenset(
    {
        "http://www.inkscape.org/namespaces/inkscape",
        "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd",
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
        "http://creativecommons.org/ns#",
        "http://purl.org/dc/elements/1.1/",
        "http://ns.adobe.com/AdobeIllustrator/10.0/",
    }
)
_ELEMENTS = frozenset(
    """
    svg g defs symbol use title desc metadata switch path rect circle ellipse line polyline
    polygon text tspan textPath linearGradient radialGradient stop pattern clipPath mask marker
    filter feBlend feColorMatrix feComponentTransfer feComposite feConvolveMatrix
    feDiffuseLighting feDisplacementMap feDistantLight feDropShadow feFlood feFuncA feFuncB
    feFuncG feFuncR feGaussianBlur feMerge feMergeNode feMorphology feOffset fePointLight
    feSpecularLighting feSpotLight feTile feTurbulence
    """.split()  # noqa: SIM905 (a word list reads better than quoted strings)
)
_ATTRIBUTES = frozenset(
    """
    id class role lang tabindex version baseProfile aria-label aria-labelledby aria-describedby
    aria-hidden focusable width height x y x1 y1 x2 y2 cx cy r rx ry fx fy fr d points
    pathLength viewBox preserveAspectRatio transform gradientUnits gradientTransform
    spreadMethod offset patternUnits patternContentUnits patternTransform clipPathUnits
    maskUnits maskContentUnits markerUnits markerWidth markerHeight refX refY orient filterUnits
    primitiveUnits in in2 result stdDeviation dx dy mode operator k1 k2 k3 k4 values type
    tableValues slope intercept amplitude exponent scale xChannelSelector yChannelSelector
    baseFrequency numOctaves seed stitchTiles radius order kernelMatrix divisor bias targetX
    targetY edgeMode kernelUnitLength preserveAlpha surfaceScale diffuseConstant
    specularConstant specularExponent azimuth elevation z pointsAtX pointsAtY pointsAtZ
    limitingConeAngle requiredFeatures requiredExtensions systemLanguage text-anchor font-family
    font-size font-weight font-style font-variant font-stretch letter-spacing word-spacing
    text-decoration dominant-baseline alignment-baseline baseline-shift writing-mode direction
    unicode-bidi rotate textLength lengthAdjust startOffset method spacing side fill
    fill-opacity fill-rule stroke stroke-width stroke-opacity stroke-linecap stroke-linejoin
    stroke-miterlimit stroke-dasharray stroke-dashoffset opacity color display visibility
    overflow clip clip-path clip-rule mask filter marker marker-start marker-mid marker-end
    stop-color stop-opacity flood-color flood-opacity lighting-color shape-rendering
    text-rendering image-rendering color-rendering color-interpolation
    color-interpolation-filters vector-effect paint-order mix-blend-mode isolation
    enable-background style
    """.split()  # noqa: SIM905 (a word list reads better than quoted strings)
)
_URL = re.compile(r"url\s*\(\s*(['\"]?)(.*?)\1\s*\)", re.IGNORECASE | re.DOTALL)
_STYLE_BAD = re.compile(r"@|\\|expression|javascript|behavior|-moz-binding", re.IGNORECASE)
_TEXT_ATTRIBUTES = frozenset(
    """
    id class role lang aria-label aria-labelledby aria-describedby systemLanguage
    """.split()  # noqa: SIM905 (a word list reads better than quoted strings)
)
_FUNCTION = re.compile(r"([A-Za-z][A-Za-z0-9-]*)\s*\(")
# CSS functions that compute a colour, a length or a transform; none of them loads anything.
# (image-set(), src(), element() and the like would, so they are not here.)
_SAFE_FUNCTIONS = frozenset(
    """
    url rgb rgba hsl hsla hwb lab lch oklab oklch calc min max clamp matrix translate translatex
    translatey scale scalex scaley rotate skewx skewy blur brightness contrast drop-shadow
    grayscale hue-rotate invert opacity saturate sepia
    """.split()  # noqa: SIM905 (a word list reads better than quoted strings)
)
_REFERRING = frozenset({"use", "linearGradient", "radialGradient", "pattern", "textPath"})
_EXPORT_PNG = "or export the picture as PNG"


class _SvgProblem(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


def _svg_problem(data: bytes) -> tuple[int, str] | None:
    """Return the line and what in an SVG is not on the allow-list, or None if all is."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    depth = 0

    def fail(message: str) -> None:
        raise _SvgProblem(parser.CurrentLineNumber, message)

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal depth
        depth += 1
        ns, _, local = name.rpartition(" ")
        if depth == 1 and (ns, local) != (_SVG_NS, "svg"):
            fail(f"the file must start with an <svg> element in the SVG namespace, not <{local}>")
        if ns in _EDITOR_NS:
            return
        if ns != _SVG_NS or local not in _ELEMENTS:
            why = " (it can run scripts or load other files)" if local in _ACTIVE else ""
            fail(f"<{local}> is not allowed in a picture{why}; remove it, {_EXPORT_PNG}")
        for key, value in attrs.items():
            ans, _, attr = key.rpartition(" ")
            if ans in _EDITOR_NS:
                continue
            if ans == _XML_NS and attr in ("space", "lang"):
                continue
            if attr == "href" and ans in ("", _XLINK_NS):
                if local in _REFERRING and value.strip().startswith("#"):
                    continue
                fail(
                    f"the href {value[:50]!r} on <{local}> is not allowed (a picture may only "
                    f"refer to a part of itself, '#name'); remove it, {_EXPORT_PNG}"
                )
            if ans or attr not in _ATTRIBUTES:
                why = " (event handlers run scripts)" if attr.lower().startswith("on") else ""
                fail(f"the {attr} attribute on <{local}> is not allowed{why}; remove it")
            if attr in _TEXT_ATTRIBUTES:
                continue  # words for people, not CSS: nothing in them is loaded
            for match in _URL.finditer(value):
                if not match.group(2).strip().startswith("#"):
                    fail(
                        f"the {attr} on <{local}> loads {match.group(2)[:50]!r}; a picture may "
                        f"only refer to a part of itself, url(#name); remove it, {_EXPORT_PNG}"
                    )
            for match in _FUNCTION.finditer(value):
                if match.group(1).lower() not in _SAFE_FUNCTIONS:
                    fail(
                        f"the {attr} on <{local}> uses {match.group(1)}(...), which is not "
                        f"allowed in a picture; remove it, {_EXPORT_PNG}"
                    )
            bad_css = _STYLE_BAD.search(value) if attr == "style" else None
            if bad_css is not None:
                what = "a backslash" if bad_css.group(0) == "\\" else repr(bad_css.group(0))
                fail(
                    f"the style on <{local}> uses {what}, which is not allowed in a picture; "
                    "use plain properties such as fill:#336699"
                )

    def end(name: str) -> None:
        nonlocal depth
        depth -= 1

    def doctype(name: str, system: str | None, public: str | None, internal: int) -> None:
        if internal:
            fail(f"the DOCTYPE declares entities, which are not allowed; remove it, {_EXPORT_PNG}")

    def entity(*args: object) -> None:
        fail(f"the file declares entities, which are not allowed; remove them, {_EXPORT_PNG}")

    def instruction(target: str, data: str) -> None:
        fail(f"the instruction <?{target} ...?> is not allowed; remove it")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = entity
    parser.ProcessingInstructionHandler = instruction
    try:
        parser.Parse(data, True)
    except _SvgProblem as exc:
        return exc.line, exc.message
    except expat.ExpatError as exc:
        return exc.lineno, (
            f"the SVG is not well-formed XML ({expat.ErrorString(exc.code)}); export the "
            f"picture again, {_EXPORT_PNG}"
        )
    return None


_ACTIVE = frozenset(
    {"script", "foreignObject", "style", "a", "image", "iframe", "set", "animate",
     "animateTransform", "animateMotion", "feImage", "handler", "listener", "object", "embed"}
)  # fmt: skip
_SVG_TAG = re.compile(rb"<svg\b[^>]*>", re.S)
_ATTR = re.compile(rb'\s(width|height|viewBox)\s*=\s*["\']([^"\']*)["\']')
_LENGTH = re.compile(r"\s*([^\s]+?)\s*(px)?\s*")


def _svg_size(data: bytes) -> tuple[int, int] | str | None:
    """Return the size an SVG declares, a problem message for an absurd one, or None."""
    tag = _SVG_TAG.search(data)
    if tag is None:
        return None
    attrs = {k.decode(): v.decode("utf-8", "replace") for k, v in _ATTR.findall(tag.group(0))}
    if "width" in attrs and "height" in attrs:
        numbers = [_number(attrs[name]) for name in ("width", "height")]
        if None in numbers:  # a unit such as mm or %: the browser works it out
            return None
        width, height = numbers
        where = f'width="{attrs["width"]}" height="{attrs["height"]}"'
    elif "viewBox" in attrs:
        parts = attrs["viewBox"].replace(",", " ").split()
        numbers = [_number(p) for p in parts]
        if len(numbers) != 4 or None in numbers:
            return f'the viewBox "{attrs["viewBox"]}" of the SVG is not four numbers; fix it'
        width, height = numbers[2], numbers[3]
        where = f'viewBox="{attrs["viewBox"]}"'
    else:
        return None
    if not all(math.isfinite(n) and 1 <= n <= MAX_SIDE for n in (width, height)):
        return (
            f"the SVG's size ({where}) is not a number of pixels from 1 to {MAX_SIDE:,}; "
            'give the <svg> a normal width and height, such as width="640" height="360"'
        )
    return round(width), round(height)


def _number(text: str) -> float | None:
    match = _LENGTH.fullmatch(text)
    if match is None:
        return None
    try:
        return float(match.group(1))
    except ValueError:
        return None


# --- sizes for pages ---------------------------------------------------------------------------

_INSPECTED: dict[tuple[str, int, int], Inspection] = {}


def inspect_file(path: str, stat: os.stat_result) -> Inspection:
    """Inspect the picture at `path` (already lstat'ed as a regular file), remembering the
    result by path, size and modification time so a rebuild does not parse it again."""
    key = (path, stat.st_size, stat.st_mtime_ns)
    result = _INSPECTED.get(key)
    if result is None:
        try:
            data = read_regular(path)
        except OSError:
            return Inspection(None, "this file cannot be read; check that it is a picture file")
        result = _INSPECTED[key] = inspect(data, os.path.splitext(path)[1])
    return result


def inspected(path: Path) -> Inspection | None:
    """Return the inspection of a publishable picture, or None if it is not one."""
    if path.suffix.lower() not in PICTURE_SUFFIXES:
        return None
    try:
        st = os.lstat(path)
    except OSError:
        return None
    if not S_ISREG(st.st_mode):  # a link or a pipe: never read (reported by the loader)
        return None
    result = inspect_file(str(path), st)
    return None if result.problem else result


def dimensions(path: Path) -> tuple[int, int] | None:
    """Return (width, height) of a publishable picture as shown, or None if unknown."""
    result = inspected(path)
    return result.size if result else None
