"""`make article` / `make event` write valid files from docs/templates/, or refuse clearly."""

from __future__ import annotations

import re
import subprocess
from datetime import date
from pathlib import Path

import pytest

from furusato import placeholders
from furusato.commands import cli
from furusato.schemas import ArticleSchema, EventSchema
from tests.sitebuild import REPO, build_site, copy_site, page, texts


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """The two_prefectures site with the templates, Makefile and venv of this repository."""
    site = copy_site("two_prefectures", tmp_path / "site")
    for name in ("docs", "plugins", "Makefile", "requirements.lock", ".venv"):
        (site / name).symlink_to(REPO / name)
    return site


def new(root: Path, capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(["new", *args, "--root", str(root)])
    out = capsys.readouterr()
    return code, out.out, out.err


# What a contributor writes over the template's samples that the scaffold leaves.
EDITS = {
    "summary": "My own summary.",
    "venue.name": "Riverside Hall",
    "venue.address": "1 Bridge Street",
    "venue.city": "Paris",
    "venue.country": "France",
}


def write_over_samples(root: Path) -> None:
    """Do what the contributor is told: replace every sample value left in a new file."""
    for path in (root / "content").rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        folder = path.parent.name
        for field, sample in placeholders.PLACEHOLDERS.get(folder, {}).items():
            if field in EDITS:
                key = field.rsplit(".", 1)[-1]
                text = text.replace(f"{key}: {sample}", f"{key}: {EDITS[field]}")
        if folder in placeholders.BODIES:
            text = text.replace(placeholders.BODIES[folder], "My own words.")
        path.write_text(text, encoding="utf-8")


def check(root: Path, capsys) -> str:
    """Check a site with new files: refused while the samples are there, then accepted."""
    assert cli.main(["check", "--root", str(root)]) == 1
    refused = capsys.readouterr().err.splitlines()[:-1]
    assert refused and all(placeholders.MARK in line for line in refused), refused
    write_over_samples(root)
    assert cli.main(["check", "--root", str(root)]) == 0, capsys.readouterr().err
    return capsys.readouterr().out


def test_make_article_writes_a_file_that_passes_check_and_builds(root, tmp_path, capsys):
    title = 'Sand dunes: "winter" & more'
    done = subprocess.run(
        [
            "make",
            "-s",
            "article",
            "PREFECTURE=tottori",
            "AUTHOR=amy-chen",
            f"TITLE={title}",
            "DATE=2026-05-01",
        ],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    path = root / "content/tottori/articles/2026-05-01-sand-dunes-winter-more.md"
    assert done.stdout.startswith(
        "Created content/tottori/articles/2026-05-01-sand-dunes-winter-more.md\n"
    )
    text = path.read_text(encoding="utf-8")
    assert re.search(r'\ntitle: "Sand dunes: \\"winter\\" & more" +# the headline', text)
    assert "\ndate: 2026-05-01  " in text and "\nauthor: amy-chen  " in text
    assert check(root, capsys).startswith("OK: 2 profiles, 15 articles,")
    out = build_site(root, tmp_path / "out")
    tree = page(out, "/tottori/articles/sand-dunes-winter-more/")
    assert texts(tree, "//h1") == [title]


def test_japanese_title_gets_a_romaji_slug_and_lang_ja(root, capsys):
    code, _out, _ = new(
        root,
        capsys,
        "article",
        "--prefecture",
        "tottori",
        "--author",
        "ken-sato",
        "--title",
        "砂丘の冬",
        "--kind",
        "guide",
    )
    assert code == 0
    path = root / f"content/tottori/articles/{date.today().isoformat()}-sakyuu-no-fuyu.md"
    text = path.read_text(encoding="utf-8")
    assert re.search(r"^title: 砂丘の冬 ", text, re.M)
    assert re.search(r"^lang: ja ", text, re.M) and re.search(r"^kind: guide ", text, re.M)
    check(root, capsys)


def test_explicit_slug(root, capsys):
    code, _, _ = new(
        root,
        capsys,
        "article",
        "--prefecture",
        "tottori",
        "--author",
        "amy-chen",
        "--title",
        "冬の砂丘",
        "--slug",
        "dunes-in-snow",
        "--date",
        "2026-05-02",
    )
    assert code == 0
    assert (root / "content/tottori/articles/2026-05-02-dunes-in-snow.md").is_file()
    check(root, capsys)


def test_make_event_writes_a_valid_event(root, tmp_path, capsys):
    code, _out, _ = new(
        root,
        capsys,
        "event",
        "--prefecture",
        "tottori",
        "--author",
        "ken-sato",
        "--title",
        "Tottori night in Paris",
        "--date",
        "2026-12-12",
        "--timezone",
        "Europe/Paris",
    )
    assert code == 0
    path = root / "content/tottori/events/2026-12-12-tottori-night-in-paris.md"
    text = path.read_text(encoding="utf-8")
    assert re.search(r"^start: 2026-12-12 18:00 ", text, re.M)
    assert re.search(r"^timezone: Europe/Paris ", text, re.M)
    check(root, capsys)
    out_dir = build_site(root, tmp_path / "out")
    tree = page(out_dir, "/tottori/")
    assert (
        "Tottori night in Paris" in texts(tree, "//section[@aria-labelledby='events-heading']")[0]
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--prefecture", "tottory", "--author", "amy-chen", "--title", "x"],
            "cannot create the article: PREFECTURE='tottory' is not a prefecture (did you mean "
            "'tottori'?); use one of: shimane, tottori",
        ),
        (
            ["--prefecture", "tottori", "--author", "amy-chan", "--title", "x"],
            "cannot create the article: AUTHOR='amy-chan' is not an ambassador of tottori "
            "(did you mean 'amy-chen'?); use one of: amy-chen, ken-sato",
        ),
        (
            ["--prefecture", "shimane", "--author", "amy-chen", "--title", "x"],
            "cannot create the article: shimane has no ambassadors yet; add yourself under "
            "'ambassadors:' in prefectures/shimane.yaml first",
        ),
        (
            ["--prefecture", "tottori", "--author", "amy-chen", "--title", "!!!"],
            "cannot create the article: no URL slug could be made from '!!!'; add "
            "SLUG=a-few-words in lowercase ascii letters, digits and hyphens",
        ),
        (
            [
                "--prefecture",
                "tottori",
                "--author",
                "amy-chen",
                "--title",
                "x",
                "--slug",
                "Bad Slug",
            ],
            "cannot create the article: SLUG='Bad Slug' is not a URL slug; use lowercase ascii "
            "letters, digits and hyphens, such as 'sand-dunes-in-winter'",
        ),
        (
            [
                "--prefecture",
                "tottori",
                "--author",
                "amy-chen",
                "--title",
                "Other",
                "--slug",
                "suna-no-oka",
            ],
            "cannot create the article: content/tottori/articles/2026-04-01-suna-no-oka.md "
            "already uses the slug 'suna-no-oka'; choose another title or add SLUG=another-slug",
        ),
    ],
)
def test_refusals_say_what_to_type(root, capsys, args, message):
    before = sorted(p.name for p in (root / "content/tottori/articles").iterdir())
    code, out, err = new(root, capsys, "article", *args)
    assert (code, out, err) == (1, "", message + "\n")
    assert sorted(p.name for p in (root / "content/tottori/articles").iterdir()) == before


def test_missing_variables_show_an_example(root, capsys):
    code, _out, err = new(root, capsys, "event", "--prefecture", "tottori", "--title", "")
    assert code == 2
    assert err == (
        "missing AUTHOR, TITLE; for example: make event PREFECTURE=tottori "
        'AUTHOR=amy-chen TITLE="Sand dunes in winter"\n'
    )


@pytest.mark.parametrize(("kind", "schema"), [("article", ArticleSchema), ("event", EventSchema)])
def test_templates_explain_every_field(kind, schema):
    text = (REPO / "docs/templates" / f"{kind}.md").read_text(encoding="utf-8")
    written = set(re.findall(r"^(?:# )?([a-z_]+):", text, re.M))
    fields = {info.alias or name for name, info in schema.model_fields.items()}
    assert fields - written == set()
    for line in text.splitlines():  # every field line carries a comment that explains it
        if re.match(r"^(?:# )?[a-z_]+: ", line) and not line.startswith("# To "):
            assert re.search(r"\s#\s\S", line), line


def test_templates_as_copied_by_hand_are_refused_until_every_sample_is_replaced(tmp_path, capsys):
    files = {
        "content/tottori/articles/2026-05-01-my-article.md": (
            REPO / "docs/templates/article.md"
        ).read_text(encoding="utf-8"),
        "content/tottori/events/2026-12-05-my-event.md": (
            REPO / "docs/templates/event.md"
        ).read_text(encoding="utf-8"),
    }
    root = copy_site("two_prefectures", tmp_path / "site", files)
    assert cli.main(["check", "--root", str(root)]) == 1
    refused = capsys.readouterr().err.splitlines()[:-1]
    fields = sorted(line.split(": ", 2)[1] for line in refused)
    article = ["title", "author", "summary", "body"]
    event = ["title", "organizer", "summary", "body"]
    event += ["venue.name", "venue.address", "venue.city", "venue.country"]
    assert fields == sorted(article + event)
    for path, text in files.items():
        for field in ("title", "author", "organizer"):
            sample = placeholders.PLACEHOLDERS[path.split("/")[2]].get(field)
            if sample:
                text = text.replace(
                    f"{field}: {sample}",
                    f"{field}: amy-chen" if field != "title" else f"{field}: Mine",
                )
        (root / path).write_text(text, encoding="utf-8")
    write_over_samples(root)
    assert check_ok(root, capsys).startswith("OK: 2 profiles, 15 articles, 3 events")


def check_ok(root: Path, capsys) -> str:
    assert cli.main(["check", "--root", str(root)]) == 0, capsys.readouterr().err
    return capsys.readouterr().out
