"""Plan the web sizes of a photo (file names, widths, heights, formats) and the <picture> that
shows them.

A photo `tottori/images/dunes.jpg` of 4000 × 3000 pixels is published as WebP at 480, 960
and 1600 pixels wide (`dunes-480w.webp`...) and as JPEG at the same widths, the largest one
under the original's own name (`dunes.jpg`), so links to the picture, feed enclosures and
og:image keep their address. Nothing is ever made wider than the original. A PNG keeps PNG
as its fallback, and so does a picture with transparency; a WebP original keeps its name
for the largest WebP. A GIF (or an animation) is re-encoded at its own size under its own
name, without other sizes.

The plan is made from the checked picture's header (``reading.images``), so pages know every
file's true size before the build encodes anything (``furusato.imaging``). The HTML here is
built after the Markdown is sanitized, from checked files only: contributors cannot write
<picture> or srcset themselves (``reading.safety`` still refuses them).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from markupsafe import Markup

WIDTHS = (480, 960, 1600)  # pixels: a phone, a phone at 2x or a laptop, a large screen
# The article column is at most 44rem (--measure in base.css); narrower screens: full width.
SIZES = "(min-width: 47rem) 44rem, 100vw"
RECIPE = "1"  # bump when the naming or the sizes change, so cached encodings are not reused


@dataclass(frozen=True)
class Plan:
    """The files a picture is published as: `rel` is its path under content/."""

    rel: str
    kind: str  # JPEG, PNG, GIF or WebP: the bytes of the committed file
    size: tuple[int, int]  # as people see it (after the EXIF orientation)
    alpha: bool = False
    animated: bool = False

    @property
    def single(self) -> bool:
        """Say whether the picture is published at its own size only (GIF, animations)."""
        return self.kind == "GIF" or self.animated

    @property
    def main(self) -> str:
        """Return the published file at the original's address (the largest size)."""
        return self.rel

    @property
    def main_size(self) -> tuple[int, int]:
        """Return the pixel size of the file at the original's address (the largest)."""
        width = self.widths[-1]
        return (width, self.height_of(width))

    @property
    def widths(self) -> tuple[int, ...]:
        """Return the widths published, smallest first, never wider than the original."""
        width = self.size[0]
        if self.single:
            return (width,)
        return (*(w for w in WIDTHS if w < min(width, WIDTHS[-1])), min(width, WIDTHS[-1]))

    @property
    def fallback_format(self) -> str:
        """Return the format every browser shows: JPEG, or PNG for PNG and transparency."""
        if self.single:
            return "WEBP" if self.kind == "WebP" else "GIF"
        return "PNG" if self.kind == "PNG" or self.alpha else "JPEG"

    def height_of(self, width: int) -> int:
        """Return the height of the size `width` pixels wide (at least 1)."""
        return max(1, round(self.size[1] * width / self.size[0]))

    def _name(self, width: int, suffix: str) -> str:
        stem = posixpath.splitext(self.rel)[0]
        return f"{stem}-{width}w{suffix}"

    def modern_name(self, width: int) -> str:
        """Return the WebP file of one width."""
        if self.kind == "WebP" and width == self.widths[-1]:
            return self.main
        return self._name(width, ".webp")

    def fallback_name(self, width: int) -> str:
        """Return the JPEG or PNG file of one width."""
        if self.kind != "WebP" and width == self.widths[-1]:
            return self.main
        return self._name(width, ".png" if self.fallback_format == "PNG" else ".jpg")

    def files(self) -> list[str]:
        """Return every file the picture is published as, in a stable order."""
        if self.single:
            return [self.main]
        names = [self.modern_name(w) for w in self.widths]
        return names + [self.fallback_name(w) for w in self.widths]


def picture_html(
    plan: Plan,
    alt: str | Markup,
    prefix: str,
    *,
    css_class: str | None = None,
    title: str | Markup | None = None,
) -> Markup:
    """Return a <picture> (or an <img> for a single size) showing `plan`'s files.

    File addresses are `prefix` + path under content/ (the `furusato:` placeholder, expanded
    per page); `alt` and `title` are escaped unless already Markup (sanitized HTML).
    """
    largest = plan.widths[-1]
    img = Markup('<img src="{}"').format(prefix + plan.main)
    if not plan.single:
        fallback = ", ".join(f"{prefix}{plan.fallback_name(w)} {w}w" for w in plan.widths)
        img += Markup(' srcset="{}" sizes="{}"').format(fallback, SIZES)
    if css_class:
        img += Markup(' class="{}"').format(css_class)
    img += Markup(' alt="{}"').format(alt)
    if title:
        img += Markup(' title="{}"').format(title)
    img += Markup(' width="{}" height="{}" loading="lazy">').format(
        largest, plan.height_of(largest)
    )
    if plan.single:
        return img
    modern = ", ".join(f"{prefix}{plan.modern_name(w)} {w}w" for w in plan.widths)
    source = Markup('<source type="image/webp" srcset="{}" sizes="{}">').format(modern, SIZES)
    return Markup("<picture>") + source + img + Markup("</picture>")


_IMG = re.compile(r"<img\b[^>]*>")
_ATTRIBUTE = re.compile(r'\s([a-z-]+)="([^"]*)"')


def responsive_html(
    html: str, plans: dict[str, Plan], sizes: dict[str, tuple[int, int]], prefix: str
) -> str:
    """Show every `<img src="{prefix}path">` of sanitized HTML at its web sizes: a photo with
    a plan becomes a <picture>, a drawing of known size gets its width and height.

    The attribute values are the sanitizer's output (escaped text), so they are kept as
    Markup; a size the contributor wrote is replaced by the true one.
    """

    def rewrite(match: re.Match[str]) -> str:
        tag = match.group(0)
        attrs = dict(_ATTRIBUTE.findall(tag))
        src = attrs.get("src", "")
        path = src[len(prefix) :] if src.startswith(prefix) else None
        if path in plans:
            title = Markup(attrs["title"]) if "title" in attrs else None
            return picture_html(plans[path], Markup(attrs.get("alt", "")), prefix, title=title)
        if path in sizes:
            kept = "".join(f' {k}="{v}"' for k, v in attrs.items() if k not in ("width", "height"))
            width, height = sizes[path]
            return f'<img{kept} width="{width}" height="{height}">'
        return tag

    return _IMG.sub(rewrite, html) if "<img" in html else html
