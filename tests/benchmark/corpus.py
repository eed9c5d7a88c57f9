"""Generate a deterministic synthetic Furusato repository, and the same corpus for vanilla Pelican.

The corpus has `n` documents (80% articles, 20% events, about 700 words each, some in Japanese)
spread unevenly over the 47 prefecture folders, the shipped profiles plus generated
ambassadors, a site page, and a few images. Markdown bodies use headings, lists, links,
tables and images. The same seed and `n` always give the same bytes.
"""

from __future__ import annotations

import random
import shutil
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import yaml

from furusato.proposals import LETTERS  # proposal numbers' three letters, by JIS number

SEED = 2026
TODAY = date(2026, 11, 24)  # the builds' fixed today: "upcoming" never depends on the day
EVENT_SHARE = 5  # every fifth document is an event (20%)
JAPANESE_SHARE = 0.15  # share of articles written in Japanese
WORDS = 700  # target body length

_EN = (
    "alumni",
    "network",
    "prefecture",
    "festival",
    "harbour",
    "mountain",
    "village",
    "school",
    "students",
    "teacher",
    "exchange",
    "culture",
    "rice",
    "paddy",
    "autumn",
    "winter",
    "spring",
    "summer",
    "snow",
    "coast",
    "island",
    "shrine",
    "temple",
    "market",
    "tradition",
    "language",
    "classroom",
    "community",
    "volunteer",
    "museum",
    "train",
    "station",
    "bridge",
    "river",
    "forest",
    "onsen",
    "craft",
    "pottery",
    "dyeing",
    "weaving",
    "tea",
    "sake",
    "ferry",
    "lighthouse",
    "orchard",
    "pear",
    "persimmon",
    "visit",
    "return",
    "friends",
    "welcome",
    "evening",
    "gathering",
    "lecture",
    "workshop",
    "fundraising",
    "library",
    "city",
    "town",
    "council",
    "office",
    "international",
    "relations",
    "coordinator",
    "assistant",
    "returned",
    "memory",
    "story",
    "guide",
    "season",
    "local",
    "food",
    "noodles",
    "festival",
    "lantern",
    "dance",
    "drum",
    "parade",
    "garden",
    "castle",
    "walking",
)
_JA = (
    "ふるさとの町を久しぶりに訪れました。",
    "地元の人たちが温かく迎えてくれました。",
    "学校の子どもたちと英語で話しました。",
    "冬の海はとても美しいです。",
    "県の国際交流課の方と会いました。",
    "地元の祭りに参加して太鼓をたたきました。",
    "温泉に入って旅の疲れを癒しました。",
    "同窓会のメンバーが世界中から集まりました。",
    "伝統工芸の工房を見学しました。",
    "駅前の商店街でお土産を買いました。",
)
_TAGS = (
    "food",
    "festival",
    "teaching",
    "travel",
    "nature",
    "history",
    "crafts",
    "onsen",
    "sports",
    "language",
    "community",
    "fundraising",
    "business",
    "winter",
)
_FIRST = (
    "Amy",
    "Ben",
    "Chloe",
    "Daniel",
    "Ella",
    "Finn",
    "Grace",
    "Hiro",
    "Isla",
    "Jack",
    "Kate",
    "Liam",
    "Maya",
    "Noah",
    "Olivia",
    "Priya",
    "Quinn",
    "Rosa",
    "Sam",
    "Tara",
)
_LAST = (
    "Adams",
    "Brown",
    "Chen",
    "Davies",
    "Evans",
    "Fischer",
    "Garcia",
    "Hughes",
    "Ito",
    "Jones",
    "Kim",
    "Lopez",
    "Murphy",
    "Nguyen",
    "O'Brien",
    "Patel",
    "Rossi",
    "Smith",
)
_CITIES = (
    "London, United Kingdom",
    "Toronto, Canada",
    "Sydney, Australia",
    "Auckland, New Zealand",
    "Seattle, United States",
    "Dublin, Ireland",
)
# (time zone, venue city, country) of events: many alumni events happen abroad.
_ZONES = (
    ("Europe/London", "London", "United Kingdom"),
    ("America/New_York", "New York", "United States"),
    ("America/Los_Angeles", "Los Angeles", "United States"),
    ("Australia/Sydney", "Sydney", "Australia"),
    ("Asia/Tokyo", "Tokyo", "Japan"),
    ("Pacific/Auckland", "Auckland", "New Zealand"),
    ("America/Toronto", "Toronto", "Canada"),
)
_IMAGES = ("harbour", "festival", "mountain")
_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="640" height="360" viewBox="0 0 640 360">'
    '<rect width="640" height="360" fill="#{colour}"/></svg>\n'
)


@dataclass
class Doc:
    """One generated document and where it lives."""

    kind: str  # "articles" or "events"
    prefecture: str
    filename: str
    slug: str
    meta: dict
    body: str
    author_name: str


@dataclass
class Corpus:
    """What was generated: counts per prefecture and the documents themselves."""

    n: int
    docs: list[Doc] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def average_prefecture(self) -> str:
        """Return the prefecture whose document count is the median (an average-sized one)."""
        ranked = sorted(self.counts, key=lambda slug: (self.counts[slug], slug))
        return ranked[len(ranked) // 2]

    def article_to_edit(self) -> Doc:
        """Return an article in the average prefecture, the one the rebuild benchmark edits."""
        slug = self.average_prefecture
        articles = [d for d in self.docs if d.prefecture == slug and d.kind == "articles"]
        return articles[len(articles) // 2]


def _words(rng: random.Random, count: int) -> str:
    words = [rng.choice(_EN) for _ in range(count)]
    words[0] = words[0].capitalize()
    return " ".join(words) + "."


def _paragraph(rng: random.Random, ja: bool, words: int) -> str:
    if ja:  # about two characters per "word"
        sentences = []
        while sum(map(len, sentences)) < words * 2:
            sentences.append(rng.choice(_JA))
        return "".join(sentences)
    sentences = []
    left = words
    while left > 0:
        size = min(left, rng.randint(8, 18))
        sentences.append(_words(rng, size))
        left -= size
    return " ".join(sentences)


def _body(rng: random.Random, ja: bool, index: int) -> str:
    """Return about WORDS words of Markdown: headings, paragraphs, a list, a table, an image."""
    parts: list[str] = []
    written = 0
    section = 0
    while written < WORDS:
        section += 1
        heading = "見どころ" if ja else _words(rng, 3).rstrip(".")
        parts.append(f"## {heading} {section}\n")
        size = rng.randint(70, 110)
        parts.append(_paragraph(rng, ja, size) + "\n")
        written += size + 3
        if section == 1:
            image = rng.choice(_IMAGES)
            parts.append(f"![A view of the {image}](../images/{image}.svg)\n")
        if section == 2:
            items = [
                f"- {_words(rng, 6)} [more](https://example.org/{index}/{i})"
                for i in range(rng.randint(3, 5))
            ]
            parts.append("\n".join(items) + "\n")
            written += 8 * len(items)
        if section == 3:
            rows = ["| Place | Season | Rating |", "|---|---|---|"]
            rows += [
                f"| {rng.choice(_EN)} | {rng.choice(_EN)} | {rng.randint(1, 5)} |" for _ in range(4)
            ]
            parts.append("\n".join(rows) + "\n")
            written += 12
        if section == 4:
            parts.append(f"> {_paragraph(rng, ja, 20)}\n")
            written += 20
        if section == 5:
            parts.append(
                "1. **First**, " + _words(rng, 8) + "\n2. *Then*, " + _words(rng, 8) + "\n"
            )
            written += 18
    return "\n".join(parts)


def _weights(rng: random.Random, slugs: list[str]) -> dict[str, float]:
    weights = {slug: rng.uniform(0.4, 1.6) for slug in slugs}
    for big in ("tokyo", "osaka", "hokkaido", "kanagawa", "aichi", "fukuoka"):
        if big in weights:
            weights[big] *= 2.5
    return weights


def _split(n: int, weights: dict[str, float]) -> dict[str, int]:
    """Share `n` out by weight (largest remainder), so the counts add up to exactly n."""
    total = sum(weights.values())
    exact = {slug: n * w / total for slug, w in weights.items()}
    counts = {slug: int(x) for slug, x in exact.items()}
    short = n - sum(counts.values())
    for slug in sorted(exact, key=lambda s: (counts[s] - exact[s], s))[:short]:
        counts[slug] += 1
    return counts


def _ambassadors(rng: random.Random, slug: str, count: int) -> list[dict]:
    people = []
    for i in range(count):
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        start = rng.randint(1995, 2022)
        people.append(
            {
                "id": f"bench-{i:02d}",
                "name": f"{first} {last}",
                "role": rng.choice(("CIR", "ALT", "ALT", "alumnus")),
                "jet_years": {"from": start, "to": start + rng.randint(1, 5)},
                "lives_in": rng.choice(_CITIES),
                "bio": f"Generated benchmark ambassador of {slug}. {_words(rng, 20)}",
                "example": True,
            }
        )
    return people


def generate(repo: Path, dest: Path, n: int, seed: int = SEED) -> Corpus:
    """Write a Furusato repository with `n` documents into `dest` (profiles from `repo`)."""
    rng = random.Random(seed)
    if dest.exists():
        shutil.rmtree(dest)
    (dest / "prefectures").mkdir(parents=True)
    slugs = sorted(p.stem for p in (repo / "prefectures").glob("*.yaml"))
    counts = _split(n, _weights(rng, slugs))
    corpus = Corpus(n=n, counts=counts)
    people: dict[str, list[dict]] = {}
    letters: dict[str, str] = {}
    for slug in slugs:
        profile = yaml.safe_load((repo / "prefectures" / f"{slug}.yaml").read_text("utf-8"))
        generated = _ambassadors(rng, slug, 3 + counts[slug] // 40)
        profile["ambassadors"] = [*(profile.get("ambassadors") or []), *generated]
        people[slug] = profile["ambassadors"]
        letters[slug] = LETTERS[int(profile["code"].removeprefix("JP-")) - 1]
        text = yaml.safe_dump(profile, allow_unicode=True, sort_keys=False, width=100)
        (dest / "prefectures" / f"{slug}.yaml").write_text(text, "utf-8")
        images = dest / "content" / slug / "images"
        images.mkdir(parents=True)
        for name in _IMAGES:
            colour = f"{rng.randrange(0x1000000):06x}"
            (images / f"{name}.svg").write_text(_SVG.format(colour=colour), "utf-8")
    pages = dest / "content" / "pages"
    pages.mkdir(parents=True)
    (pages / "about.md").write_text(
        "---\ntitle: About\nsummary: About this benchmark corpus.\n---\n"
        "A synthetic corpus generated by tests/benchmark/corpus.py.\n",
        "utf-8",
    )
    start = datetime(2016, 1, 1, 9, 0)
    numbers: dict[tuple[str, int], int] = {}
    index = 0
    for slug in slugs:
        for i in range(counts[slug]):
            index += 1
            kind = "events" if i % EVENT_SHARE == EVENT_SHARE - 1 else "articles"
            when = start + timedelta(hours=rng.randrange(11 * 365 * 24))
            person = rng.choice(people[slug])
            doc = (_event if kind == "events" else _article)(rng, slug, i, when, person)
            if doc.meta.get("kind") == "proposal":  # the coordinator's citable number
                year = when.year if when.month >= 4 else when.year - 1  # fiscal year
                numbers[slug, year] = numbers.get((slug, year), 0) + 1
                doc.meta["number"] = f"{letters[slug]}-{year}-{numbers[slug, year]:02d}"
            corpus.docs.append(doc)
            folder = dest / "content" / slug / kind
            folder.mkdir(parents=True, exist_ok=True)
            front = yaml.safe_dump(doc.meta, allow_unicode=True, sort_keys=False, width=1000)
            (folder / doc.filename).write_text(f"---\n{front}---\n{doc.body}", "utf-8")
    return corpus


def _article(rng: random.Random, slug: str, i: int, when: datetime, person: dict) -> Doc:
    ja = rng.random() < JAPANESE_SHARE
    title = f"{rng.choice(_JA)[:12]} {i}" if ja else _words(rng, rng.randint(3, 7)).rstrip(".")
    name = f"{slug}-story-{i:04d}"
    meta: dict = {
        "title": title,
        "date": when.date(),
        "author": person["id"],
        "summary": _paragraph(rng, ja, 25),
        "kind": rng.choice(("story", "story", "guide", "news", "proposal")),
        "lang": "ja" if ja else "en",
        "tags": sorted(rng.sample(_TAGS, rng.randint(1, 3))),
        "example": True,
    }
    if meta["kind"] == "proposal" and when.date() > TODAY - timedelta(days=60):
        meta["kind"] = "news"  # a proposal is submitted, and decided, by the build's today
    if meta["kind"] == "proposal":
        meta["status"] = rng.choice(("submitted", "adopted", "declined"))
        meta["submitted"] = when.date()
        if meta["status"] != "submitted":  # an outcome is dated; an open proposal is not
            meta["decided"] = when.date() + timedelta(days=45)
    if rng.random() < 0.3:
        meta["image"] = f"images/{rng.choice(_IMAGES)}.svg"
        meta["image_alt"] = "A generated picture for the benchmark"
    return Doc(
        "articles",
        slug,
        f"{when:%Y-%m-%d}-{name}.md",
        name,
        meta,
        _body(rng, ja, i),
        person["name"],
    )


def _event(rng: random.Random, slug: str, i: int, when: datetime, person: dict) -> Doc:
    zone, city, country = rng.choice(_ZONES)
    name = f"{slug}-meetup-{i:04d}"
    meta: dict = {"title": f"{city} {_words(rng, 3).rstrip('.')} {i}"}
    if rng.random() < 0.15:
        meta.update(start=when.date(), all_day=True, timezone=zone)
    else:
        # Daytime and evening starts: they end before midnight, so no time falls in a
        # daylight-saving gap (the loader rightly refuses such local times).
        begin = when.replace(hour=10 + when.hour % 10, minute=30)
        meta.update(
            start=begin.strftime("%Y-%m-%d %H:%M"),
            end=(begin + timedelta(hours=rng.randint(2, 4))).strftime("%Y-%m-%d %H:%M"),
            timezone=zone,
        )
    if rng.random() < 0.3:
        meta["online_url"] = f"https://example.org/live/{slug}/{i}"
    else:
        meta["venue"] = {"name": f"{city} community hall", "city": city, "country": country}
    meta.update(
        organizer=person["id"],
        registration_url=f"https://example.org/register/{slug}/{i}",
        summary=_paragraph(rng, False, 25),
        tags=sorted(rng.sample(_TAGS, 2)),
        example=True,
    )
    if when.date() < date(2026, 1, 1) and rng.random() < 0.5:
        meta["attendance"] = rng.randint(5, 200)
        meta["funds_raised"] = {"amount": rng.randint(100, 5000), "currency": "GBP"}
    return Doc(
        "events",
        slug,
        f"{when:%Y-%m-%d}-{name}.md",
        name,
        meta,
        _body(rng, False, i),
        person["name"],
    )


VANILLA_SETTINGS = '''"""Vanilla Pelican: defaults, the default theme, a feed per category."""
AUTHOR = "Benchmark"
SITENAME = "Vanilla Pelican"
SITEURL = ""
PATH = "content"
TIMEZONE = "Asia/Tokyo"
DEFAULT_LANG = "en"
CATEGORY_FEED_RSS = "feeds/{{slug}}.rss.xml"
STATIC_PATHS = {static!r}
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = {load}
'''


def write_vanilla(corpus: Corpus, furusato_root: Path, dest: Path) -> None:
    """Write the same Markdown bodies as a vanilla Pelican project (its metadata format)."""
    if dest.exists():
        shutil.rmtree(dest)
    content = dest / "content"
    for slug in corpus.counts:
        shutil.copytree(furusato_root / "content" / slug / "images", content / slug / "images")
    for doc in corpus.docs:
        meta = doc.meta
        when = meta.get("date") or meta["start"]
        lines = [
            f"Title: {meta['title']}",
            f"Date: {when}",
            f"Category: {doc.prefecture}",
            f"Author: {doc.author_name}",
            f"Tags: {', '.join(meta['tags'])}",
            f"Slug: {doc.slug}",
            f"Summary: {meta['summary']}",
        ]
        path = content / doc.prefecture / doc.filename
        path.write_text("\n".join(lines) + "\n\n" + doc.body, "utf-8")
    static = [f"{slug}/images" for slug in corpus.counts]
    for name, load in (("clean.py", False), ("warm.py", True)):
        (dest / name).write_text(VANILLA_SETTINGS.format(static=static, load=load), "utf-8")


def vanilla_path(corpus: Corpus, doc: Doc, vanilla_root: Path) -> Path:
    """Return the vanilla Pelican source of `doc`."""
    return vanilla_root / "content" / doc.prefecture / doc.filename


def furusato_path(doc: Doc, root: Path) -> Path:
    """Return the Furusato source of `doc`."""
    return root / "content" / doc.prefecture / doc.kind / doc.filename
