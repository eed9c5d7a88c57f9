"""Decode contributors' photos with Pillow and encode the web sizes the build publishes.

Every published raster file is a new encoding made here, never the committed original: the
EXIF orientation is applied first (so the picture stands the right way up), colours are
converted to sRGB when the photo carries an ICC profile (phones record Display P3; browsers
assume sRGB for untagged pictures, so converting keeps the colours and lets the profile go),
and then nothing else of the original is kept: no EXIF (GPS position, camera, time), no XMP,
no ICC profile, no comment. Pillow's encoders give the same bytes for the same pixels and
settings, so builds stay reproducible.

Pictures were already checked by ``reading.images`` (kind, pixel count, a complete decode), so
a failure here means a file changed between the check and the build; it is still reported as a
content error naming the file.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageCms

from .reading.images import MAX_PIXELS
from .renditions import Plan

# reading.images refuses larger pictures from their header first; Pillow's own check (a
# warning above the limit, an error above twice it) is kept as a second line of defence.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
ORIENTATION = 0x0112
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
# Encoder settings: part of the cache key (renditions.RECIPE), so changing one re-encodes.
WEBP = {"format": "WEBP", "quality": 80, "method": 4}
JPEG = {"format": "JPEG", "quality": 82, "optimize": True, "progressive": True}
PNG = {"format": "PNG", "optimize": True}
_MAX_FRAME_PIXELS = 4 * 64_000_000  # all frames of an animation together
_DAMAGED = (
    "this picture cannot be decoded to the end ({reason}); it is cut short or damaged, so "
    "export or upload it again"
)


class PictureError(Exception):
    """A picture cannot be decoded; the message says so and how to fix it."""


@dataclass(frozen=True)
class Seen:
    """What decoding a picture showed: its size as people see it, and whether it has
    transparency or several frames."""

    size: tuple[int, int]
    alpha: bool
    animated: bool


def orientation(im: Image.Image) -> int:
    """Return the EXIF orientation (1 to 8) the picture declares in its header."""
    value = im.getexif().get(ORIENTATION, 1)
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _upright(size: tuple[int, int], turn: int) -> tuple[int, int]:
    return (size[1], size[0]) if turn in (5, 6, 7, 8) else size


def _has_alpha(im: Image.Image) -> bool:
    return im.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in im.info


def _frames(im: Image.Image) -> int:
    return getattr(im, "n_frames", 1)


def _open(data: bytes) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return Image.open(io.BytesIO(data))
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise PictureError(
            f"the picture has more than {MAX_PIXELS / 1e6:.0f} megapixels (a 'decompression "
            "bomb' exhausts memory this way); export it again at a normal size (for example "
            "1600 pixels wide)"
        ) from exc
    except (OSError, ValueError, SyntaxError) as exc:
        raise PictureError(_DAMAGED.format(reason=exc)) from exc


def inspect_pixels(data: bytes) -> Seen:
    """Decode a picture completely (JPEG at 1/8 scale, which still reads every byte) and say
    what it is; raise PictureError if it does not decode."""
    im = _open(data)
    try:
        turn = orientation(im)
        size = _upright(im.size, turn)
        frames = _frames(im)
        if frames * im.size[0] * im.size[1] > _MAX_FRAME_PIXELS:
            raise PictureError(
                f"this animation has {frames} frames of {im.size[0]} × {im.size[1]} pixels, "
                "too many to publish; shorten it or make it smaller"
            )
        if im.format == "JPEG":
            im.draft("RGB", (max(1, im.size[0] // 8), max(1, im.size[1] // 8)))
        for index in range(frames):
            im.seek(index)
            im.load()
        im.seek(0)
        return Seen(size, _has_alpha(im), frames > 1)
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise PictureError(_DAMAGED.format(reason=exc)) from exc
    finally:
        im.close()


def encode(data: bytes, plan: Plan) -> dict[str, bytes]:
    """Return the bytes of every file of `plan` (its names as keys), made from `data`."""
    im = _open(data)
    try:
        if plan.animated:
            return {plan.main: _animation(im, plan.fallback_format)}
        turn = orientation(im)
        largest = max(plan.widths)
        target = _upright((largest, plan.height_of(largest)), turn)
        if im.format == "JPEG":
            im.draft("RGB", target)  # decode at the smallest scale still >= the largest size
        im.load()
        picture = _to_srgb(im, "RGBA" if plan.alpha else "RGB")
        if turn in _TRANSPOSE:
            picture = picture.transpose(_TRANSPOSE[turn])
        files: dict[str, bytes] = {}
        for width in plan.widths:
            size = (width, plan.height_of(width))
            sized = picture if picture.size == size else picture.resize(size, Image.LANCZOS)
            for name, settings in (
                (plan.modern_name(width), WEBP),
                (plan.fallback_name(width), PNG if plan.fallback_format == "PNG" else JPEG),
            ):
                files[name] = _save(sized, settings)
        return files
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise PictureError(_DAMAGED.format(reason=exc)) from exc
    finally:
        im.close()


def _to_srgb(im: Image.Image, mode: str) -> Image.Image:
    """Return the picture in `mode` with sRGB colours (converted from its ICC profile)."""
    icc = im.info.get("icc_profile")
    if im.mode == "P" or (im.mode not in ("RGB", "RGBA") and mode == "RGBA"):
        im = im.convert("RGBA")
    converted = im.convert(mode) if im.mode != mode else im
    if icc:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            converted = ImageCms.profileToProfile(
                converted, source, ImageCms.createProfile("sRGB"), outputMode=mode
            )
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a damaged or mismatched profile: the pixels are taken as sRGB
    return converted


def _save(im: Image.Image, settings: dict) -> bytes:
    """Encode `im` with `settings` and nothing of the original's metadata."""
    clean = im.copy()
    clean.info = {}  # no EXIF, XMP, ICC, comment, dpi: Pillow would carry some of them over
    if settings["format"] == "JPEG" and clean.mode != "RGB":
        clean = clean.convert("RGB")
    out = io.BytesIO()
    clean.save(out, **settings)
    return out.getvalue()


def _animation(im: Image.Image, kind: str) -> bytes:
    """Re-encode an animation frame by frame at its own size, with timing and no metadata."""
    frames, durations = [], []
    for index in range(_frames(im)):
        im.seek(index)
        frame = im.convert("RGBA")
        frame.info = {}
        frames.append(frame)
        durations.append(int(im.info.get("duration", 100)))
    out = io.BytesIO()
    options = {"save_all": True, "append_images": frames[1:], "duration": durations, "loop": 0}
    if kind == "WEBP":
        frames[0].save(out, format="WEBP", lossless=True, **options)
    else:
        frames[0].save(out, format="GIF", disposal=2, **options)
    return out.getvalue()
