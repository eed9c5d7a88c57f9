"""Publish the pictures the load accepted: SVG as committed, photos as their web sizes.

Encoding a phone photo takes about a second, so the web sizes are kept in the build cache
(FURUSATO_CACHE_PATH/pictures/), one folder per picture content and encoding recipe (SHA-256
of the committed bytes, the Pillow and libwebp versions, the widths and quality settings).
The files are sealed with this user's key (``furusato.cachefiles``): a cache file planted by
a pull request is never believed, only rebuilt. The cache holds bytes, never objects: nothing
in it is unpickled or executed. A rebuild of an unchanged picture reads its sizes back from
the cache instead of encoding again, and the writer keeps the published files untouched.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import posixpath
from collections import Counter
from pathlib import Path

from furusato import cachefiles
from furusato.errors import ContentError, Problem
from furusato.reading.files import read_regular
from furusato.reading.pictures import Picture

log = logging.getLogger(__name__)

# How many pictures this process has encoded (tests read it: a rebuild encodes nothing).
ENCODED: Counter[str] = Counter()
_PURPOSE = "picture"


@functools.cache
def recipe() -> str:
    """Return the fingerprint of everything that decides the encoded bytes."""
    from PIL import __version__ as pillow
    from PIL import features

    from furusato import imaging, renditions

    parts = [
        renditions.RECIPE,
        renditions.WIDTHS,
        sorted(imaging.WEBP.items()),
        sorted(imaging.JPEG.items()),
        sorted(imaging.PNG.items()),
        pillow,
        features.version("webp"),
        features.version("jpg"),
        features.version("zlib"),
        features.version("littlecms2"),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


class PictureCache:
    """Web sizes of photos, by content hash and recipe, in sealed files under `folder`."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.unsealed: dict[tuple[str, str], bytes] = {}  # kept here when there is no key

    def _path(self, picture: Picture, name: str) -> Path:
        return self.folder / f"{picture.digest}-{recipe()}" / posixpath.basename(name)

    def files(self, picture: Picture) -> dict[str, bytes]:
        """Return the bytes of every file `picture` is published as (paths under content/),
        from the cache, or encoded now (and kept for the next build)."""
        assert picture.plan is not None
        names = picture.files()
        cached = {
            n: self.unsealed.get((picture.digest, n))
            or cachefiles.read_sealed(self._path(picture, n), _PURPOSE)
            for n in names
        }
        if all(data is not None for data in cached.values()):
            return cached  # type: ignore[return-value]
        from furusato import imaging

        data = read_regular(picture.path)
        if hashlib.sha256(data).hexdigest() != picture.digest:
            raise _changed(picture)
        try:
            encoded = imaging.encode(data, picture.plan)
        except imaging.PictureError as exc:
            raise ContentError([Problem(f"content/{picture.rel}", 1, "picture", str(exc))]) from exc
        ENCODED[picture.rel] += 1
        for name, body in encoded.items():
            if not cachefiles.write_sealed(self._path(picture, name), _PURPOSE, body):
                self.unsealed[(picture.digest, name)] = body
        return encoded


def _changed(picture: Picture) -> ContentError:
    return ContentError(
        [
            Problem(
                f"content/{picture.rel}",
                1,
                "picture",
                "this file changed while the site was being built; build again",
            )
        ]
    )


def render_key(picture: Picture) -> str:
    """Return the writer's key of a picture's published files."""
    if picture.plan is None:
        return ""
    return f"picture|{picture.digest}|{recipe()}|{picture.rel}"


def published_sizes(pictures: list[Picture], cache: PictureCache) -> dict[str, int]:
    """Return the byte size of every published picture file (paths under content/),
    encoding the photos not in the cache yet."""
    sizes: dict[str, int] = {}
    for picture in pictures:
        if picture.plan is None:
            sizes[picture.rel] = Path(picture.path).stat().st_size
            continue
        sizes.update((name, len(body)) for name, body in cache.files(picture).items())
    return sizes
