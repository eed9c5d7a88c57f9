"""The eight traditional regions of Japan, in the order maps and lists use them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Region:
    """A region: its URL slug and its names in English and Japanese."""

    slug: str
    en: str
    ja: str


REGIONS: tuple[Region, ...] = (
    Region("hokkaido", "Hokkaido", "北海道地方"),
    Region("tohoku", "Tohoku", "東北地方"),
    Region("kanto", "Kanto", "関東地方"),
    Region("chubu", "Chubu", "中部地方"),
    Region("kansai", "Kansai (Kinki)", "近畿地方"),
    Region("chugoku", "Chugoku", "中国地方"),
    Region("shikoku", "Shikoku", "四国地方"),
    Region("kyushu", "Kyushu and Okinawa", "九州・沖縄地方"),
)

REGION_SLUGS: tuple[str, ...] = tuple(r.slug for r in REGIONS)
BY_SLUG: dict[str, Region] = {r.slug: r for r in REGIONS}
