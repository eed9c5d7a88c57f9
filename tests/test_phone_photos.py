"""A photo straight from a phone (6 MB, GPS in its EXIF, turned by its orientation tag)
publishes as web sizes with no metadata, the right way up, with true sizes; HEIC and
decompression bombs are refused; a big original warns; rebuilds reuse the encodings and give
the same bytes."""

from __future__ import annotations

import io
import random
from pathlib import Path

import pytest
from PIL import ExifTags, Image, ImageCms

from furusato.commands.cli import main as furusato
from furusato.errors import ContentError
from furusato.reading.images import HEIC_MESSAGE
from furusato.reading.loader import Options, load
from furusato_engine import pictures
from tests.sitebuild import build_result, build_site, copy_site, page

IMAGES = "content/tottori/images"
ARTICLE = """---
title: From my phone
date: 2026-05-01
author: amy-chen
summary: A photo as the phone took it.
image: images/phone.jpg
image_alt: The dunes at dusk
---
![Footprints in the sand](../images/phone.jpg)
"""
WIDTHS = [480, 960, 1600]


def phone_jpeg() -> bytes:
    """A 3000 × 2000 noise JPEG of about 6.5 MB, stored sideways (orientation 6, as a phone
    held upright writes it), with GPS, a camera make, XMP, an ICC profile and a comment."""
    rng = random.Random(16)
    im = Image.frombytes("RGB", (3000, 2000), rng.randbytes(3000 * 2000 * 3))
    im.paste((255, 0, 0), (0, 0, 600, 600))  # stored top-left: top-right once turned upright
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "ExamplePhone"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (35.0, 30.0, 12.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (134.0, 14.0, 3.0)
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = io.BytesIO()
    im.save(
        out,
        "JPEG",
        quality=94,
        exif=exif.tobytes(),
        icc_profile=icc,
        comment=b"taken at home",
        xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/">home</x:xmpmeta>',
    )
    return out.getvalue()


@pytest.fixture(scope="module")
def photo() -> bytes:
    data = phone_jpeg()
    assert 6_000_000 < len(data) < 7_000_000
    found = Image.open(io.BytesIO(data))
    assert found.getexif().get_ifd(ExifTags.IFD.GPSInfo)[2] == (35.0, 30.0, 12.5)  # truly there
    return data


def site_with_photo(tmp_path: Path, photo: bytes) -> Path:
    root = copy_site(
        "two_prefectures", tmp_path / "site", {"content/tottori/articles/phone.md": ARTICLE}
    )
    (root / IMAGES / "phone.jpg").write_bytes(photo)
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, photo: bytes) -> tuple[Path, Path, Path]:
    tmp = tmp_path_factory.mktemp("phone")
    root = site_with_photo(tmp, photo)
    cache = tmp / "cache"
    return root, build_site(root, tmp / "out", cache=cache), cache


def published(out: Path) -> dict[str, Path]:
    return {p.name: p for p in sorted((out / "tottori" / "images").glob("phone*"))}


def test_the_photo_publishes_as_web_sizes_and_never_as_the_original(built, photo):
    _, out, _ = built
    files = published(out)
    expected = [f"phone-{w}w.webp" for w in WIDTHS] + ["phone-480w.jpg", "phone-960w.jpg"]
    assert sorted(files) == sorted([*expected, "phone.jpg"])
    for path in out.rglob("*"):
        if path.is_file():
            assert path.read_bytes() != photo, path
    for name, path in files.items():
        with Image.open(path) as im:
            width = (
                int(name.split("-")[1].removesuffix("w.webp").removesuffix("w.jpg"))
                if ("-" in name)
                else 1600
            )
            # the phone held it upright: 2000 wide, 3000 high once turned; never upscaled
            assert im.size == (width, width * 3 // 2), name
            assert im.format == ("WEBP" if name.endswith(".webp") else "JPEG")


def test_no_published_file_carries_exif_gps_xmp_icc_or_a_comment(built):
    _, out, _ = built
    for path in (out / "tottori" / "images").glob("phone*"):
        data = path.read_bytes()
        with Image.open(path) as im:
            assert len(im.getexif()) == 0, path
            assert im.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}, path
            for key in ("exif", "xmp", "XML:com.adobe.xmp", "icc_profile", "comment"):
                assert key not in im.info, (path, key)
        for marker in (b"Exif\x00\x00", b"ExamplePhone", b"xmpmeta", b"taken at home", b"acsp"):
            assert marker not in data, (path, marker)


def test_the_orientation_is_applied_before_the_metadata_goes(built):
    _, out, _ = built
    with Image.open(published(out)["phone.jpg"]) as im:
        rgb = im.convert("RGB")
        red_corner = rgb.getpixel((1600 - 60, 60))  # top-right: where orientation 6 puts it
        assert red_corner[0] > 200 and red_corner[1] < 60 and red_corner[2] < 60
        other = rgb.getpixel((60, 60))  # top-left is noise now
        assert not (other[0] > 200 and other[1] < 60 and other[2] < 60)


def test_body_and_front_matter_pictures_get_srcset_sizes_and_true_dimensions(built):
    _, out, _ = built
    tree = page(out, "/tottori/articles/phone/")
    pictures_ = tree.xpath("//picture")
    assert len(pictures_) == 2  # the front matter's image, and the one in the body
    for element in pictures_:
        img = element.xpath(".//img")[0]
        assert (img.get("width"), img.get("height")) == ("1600", "2400")
        assert img.get("src") == "/tottori/images/phone.jpg"
        assert img.get("srcset") == (
            "/tottori/images/phone-480w.jpg 480w, /tottori/images/phone-960w.jpg 960w, "
            "/tottori/images/phone.jpg 1600w"
        )
        assert img.get("sizes") and img.get("alt")
        (source,) = element.xpath(".//source")
        assert source.get("type") == "image/webp"
        assert source.get("srcset") == ", ".join(
            f"/tottori/images/phone-{w}w.webp {w}w" for w in WIDTHS
        )
        for candidate in [*img.get("srcset").split(", "), *source.get("srcset").split(", ")]:
            url, width = candidate.split()
            with Image.open(out / url.lstrip("/")) as im:
                assert f"{im.size[0]}w" == width
    assert tree.xpath("//div[@class='body']//img/@alt") == ["Footprints in the sand"]


def test_a_rebuild_reuses_the_encodings_and_gives_the_same_bytes(built, tmp_path):
    root, out, cache = built
    before = sum(pictures.ENCODED.values())
    again = build_site(root, tmp_path / "again", cache=cache)
    assert sum(pictures.ENCODED.values()) == before  # read from the cache, nothing encoded
    fresh = build_site(root, tmp_path / "fresh", cache=tmp_path / "fresh-cache")
    assert sum(pictures.ENCODED.values()) == before + 1  # an empty cache: encoded once
    for other in (again, fresh):
        ours = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
        theirs = {p.relative_to(other): p.read_bytes() for p in other.rglob("*") if p.is_file()}
        assert ours == theirs


def test_a_big_original_warns_in_check_and_build_without_failing(
    built, tmp_path, capsys: pytest.CaptureFixture[str]
):
    root, _, cache = built
    warning = (
        "content/tottori/images/phone.jpg:1: picture: the picture "
        "'content/tottori/images/phone.jpg' is 6.2 MB; it will be published (the build makes "
        "web sizes of it), but every clone of the repository carries the original, so "
        "pictures over 4 MB are better made smaller first: for example 2400 pixels wide, "
        "saved as JPEG at quality 85 (on a phone, share it with a smaller size; on a "
        "computer, export it from Photos, Preview or GIMP)"
    )
    assert furusato(["check", "--root", str(root)]) == 0
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [f"warning: {warning}"]
    assert captured.out.startswith("OK: ")
    assert [w.format() for w in load(Options(root=root)).warnings] == [warning]
    result = build_result(root, tmp_path / "out", cache=cache)
    assert [w.format() for w in result.warnings] == [warning]


def _refused(root: Path) -> list[str]:
    with pytest.raises(ContentError) as failure:
        load(Options(root=root))
    return [p.format() for p in failure.value.problems]


HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64


@pytest.mark.parametrize("name", ["IMG_0001.HEIC", "dunes.heif", "renamed.jpg"])
def test_heic_is_refused_with_how_to_convert_it(tmp_path, name):
    root = copy_site("two_prefectures", tmp_path / "site")
    (root / IMAGES / name).write_bytes(HEIC)
    assert _refused(root) == [f"{IMAGES}/{name}:1: picture: {HEIC_MESSAGE}"]


def test_a_decompression_bomb_is_refused_before_it_is_decoded(tmp_path):
    root = copy_site("two_prefectures", tmp_path / "site")
    out = io.BytesIO()
    Image.new("1", (12_000, 12_000)).save(out, "PNG")  # 144 megapixels in a few kilobytes
    assert len(out.getvalue()) < 100_000
    (root / IMAGES / "bomb.png").write_bytes(out.getvalue())
    assert _refused(root) == [
        f"{IMAGES}/bomb.png:1: picture: the picture is 12,000 × 12,000 pixels (144 "
        "megapixels); at most 64 megapixels can be published (more is how a 'decompression "
        "bomb' exhausts memory), so export it again at a normal size (for example 1600 "
        "pixels wide)"
    ]


def test_a_photo_cut_short_after_its_header_is_refused_by_check_not_left_to_the_build(
    tmp_path, photo
):
    root = copy_site("two_prefectures", tmp_path / "site")
    (root / IMAGES / "cut.jpg").write_bytes(photo[: len(photo) // 2])
    (problem,) = _refused(root)
    assert problem.startswith(f"{IMAGES}/cut.jpg:1: picture: this picture cannot be decoded")
    assert problem.endswith("it is cut short or damaged, so export or upload it again")


def test_a_web_size_cannot_take_the_name_of_another_committed_file(tmp_path, photo):
    root = site_with_photo(tmp_path, photo)
    small = io.BytesIO()
    Image.new("RGB", (8, 8)).save(small, "WEBP")
    (root / IMAGES / "phone-480w.webp").write_bytes(small.getvalue())
    assert _refused(root) == [
        f"{IMAGES}/phone.jpg:1: file name: this picture would be published as "
        "'content/tottori/images/phone-480w.webp', the name of "
        "'content/tottori/images/phone-480w.webp' (the build makes smaller copies of photos "
        "named <name>-<width>w); rename one of the two files (and change the links to it)"
    ]
