"""How the search index is made (plugins/search/pagefind.py, documents.py): what Pagefind is
given of a page, one run per language merged into one bundle, the same index as Pagefind's
own command line makes of the whole pages, and a Pagefind that fails stopping the build."""

from __future__ import annotations

import gzip
import json
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import search
import search.pagefind
from furusato.errors import BuildError
from search.documents import indexed_part, language
from search.pagefind import Pagefind, index_pages
from tests.sitebuild import SITES, build_site

PAGE = b"""<!DOCTYPE html>
<html lang="ja" dir="ltr"><head><title>t</title></head><body><header><nav>menu</nav></header>
<main><article class="wrap" data-pagefind-body data-pagefind-filter="kind:story">
<h1>\xe7\xa0\x82\xe4\xb8\x98</h1><article><p>nested</p></article><p>end</p></article>
<aside>related</aside></main><footer>foot</footer></body></html>"""


def indexed(out: Path) -> list[str]:
    """Return the output paths of the pages that hold a data-pagefind-body element."""
    return sorted(
        p.relative_to(out).as_posix()
        for p in out.rglob("index.html")
        if b"data-pagefind-body" in p.read_bytes()
    )


def test_a_page_is_reduced_to_its_html_tag_and_its_indexed_element() -> None:
    part = indexed_part(PAGE)
    assert part.startswith(b'<html lang="ja" dir="ltr"><body><article class="wrap"')
    assert part.endswith(b"<p>end</p></article></body></html>")  # the nested one is inside
    assert b"menu" not in part and b"related" not in part and b"foot" not in part
    assert language(PAGE) == "ja"
    assert language(b'<html LANG="EN-gb">') == "en-gb"
    assert language(b"<html><body></body></html>") is None


@pytest.mark.parametrize(
    "page",
    [
        PAGE.replace(b" data-pagefind-body", b""),  # nothing marked: Pagefind reads <body>
        PAGE.replace(b"<aside>", b"<aside data-pagefind-body>"),  # two marked elements
        PAGE.replace(b"<footer>", b'<footer data-pagefind-meta="author:x">'),  # meta outside
        PAGE.replace(b"<p>end</p></article>", b"<p>end</p>"),  # never closed
        PAGE.replace(b'<html lang="ja" dir="ltr">', b""),  # no <html> tag
    ],
)
def test_a_page_the_cut_could_change_is_given_whole(page: bytes) -> None:
    assert indexed_part(page) == page


def test_reduced_pages_and_one_run_per_language_make_the_bundle_of_one_run(
    demo_output: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pages = indexed(demo_output)
    assert {language((demo_output / p).read_bytes()) for p in pages} == {"en", "ja"}
    pagefind = Pagefind.find()
    runs: list[int] = []
    real = search.pagefind._Service.index

    def counted(self, group, read):
        runs.append(len(group))
        return real(self, group, read)

    monkeypatch.setattr(search.pagefind._Service, "index", counted)
    split = index_pages(pagefind, pages, lambda p: (demo_output / p).read_bytes())
    assert len(runs) == 2 and sum(runs) == len(pages)
    # The same pages, whole, in one run over every language.
    monkeypatch.setattr(search.pagefind, "language", lambda html: None)
    monkeypatch.setattr(search.pagefind, "indexed_part", lambda html: html)
    whole = index_pages(pagefind, pages, lambda p: (demo_output / p).read_bytes())
    assert len(runs) == 3 and runs[-1] == len(pages)
    assert split == whole
    entry = json.loads(split["pagefind-entry.json"])
    assert sorted(entry["languages"]) == ["en", "ja"]
    assert sum(lang["page_count"] for lang in entry["languages"].values()) == len(pages)


def test_the_index_holds_what_pagefinds_command_line_makes_of_the_whole_pages(
    demo_output: Path, tmp_path: Path
) -> None:
    pages = indexed(demo_output)
    for page in pages:
        target = tmp_path / "site" / page
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes((demo_output / page).read_bytes())
    binary = str(Pagefind.find().binary)
    command = [binary, "--site", "site", "--output-path", "bundle", "--silent"]
    subprocess.run(command, cwd=tmp_path, check=True, capture_output=True)
    cli = {
        p.relative_to(tmp_path / "bundle").as_posix(): p.read_bytes()
        for p in (tmp_path / "bundle").rglob("*")
        if p.is_file() and not p.name.startswith(search.UNUSED)
    }
    ours = {
        p.relative_to(demo_output / "pagefind").as_posix(): p.read_bytes()
        for p in (demo_output / "pagefind").rglob("*")
        if p.is_file()
    }
    # Each page's record (URL, title, excerpt text, filters, meta) is a fragment named by the
    # hash of its bytes: the same files, byte for byte.
    assert {p: d for p, d in ours.items() if p.startswith("fragment/")} == {
        p: d for p, d in cli.items() if p.startswith("fragment/")
    }
    assert len([p for p in ours if p.startswith("fragment/")]) == len(pages)
    # Pagefind numbers pages in the order it is given them (it walked the folder; we give
    # them in path order): compare the words and filters by page URL, not by number.
    assert described(ours) == described(cli)
    assert json.loads(ours["pagefind-entry.json"])["languages"].keys() == {"en", "ja"}


def described(bundle: dict[str, bytes]) -> dict[str, Any]:
    """Return what a bundle's index says, page numbers replaced by the pages' URLs: each
    language's pages, each filter value's pages, and each word's places in the pages."""
    urls = {}
    for path, data in bundle.items():
        if path.startswith("fragment/"):
            record = json.loads(gzip.decompress(data).removeprefix(b"pagefind_dcd"))
            urls[path.removeprefix("fragment/").removesuffix(".pf_fragment")] = record["url"]
    out: dict[str, Any] = {}
    for path, data in sorted(bundle.items()):
        if not path.endswith(".pf_meta"):
            continue
        _version, pages, chunks, filters, _sorts, *_ = cbor(data)
        order = [urls[hash_] for hash_, *_ in pages]
        lang = path.removeprefix("pagefind.").split("_")[0]
        out[lang] = {"pages": sorted((urls[h], count) for h, count, *_ in pages)}
        for name, hash_ in filters:
            name_, values = cbor(bundle[f"filter/{hash_}.pf_filter"])
            assert name_ == name
            out[lang][f"filter {name}"] = {v: sorted(order[n] for n in nums) for v, nums in values}
        words: dict[str, Counter] = {}
        for *_, hash_ in chunks:
            for entries in cbor(bundle[f"index/{hash_}.pf_index"]):
                for word, places, variants in entries:
                    # Spellings with diacritics ("são" for "sao") have places of their own.
                    found = Counter(_places(places, order))
                    for spelling, more in variants:
                        found += Counter(f"{spelling} {place}" for place in _places(more, order))
                    words[word] = found
        out[lang]["words"] = words
    return out


def _places(places: list[list[Any]], order: list[str]) -> list[str]:
    """Return a word's places (weights and positions) in each page, the page named by its
    URL (Pagefind stores each page's number as the difference from the one before)."""
    found, number = [], 0
    for delta, locs, *more in places:
        number += delta
        found.append(json.dumps([order[number], locs, *more]))
    return found


def cbor(data: bytes) -> Any:
    """Decode one of Pagefind's index files: gzip, a signature, then CBOR."""
    raw = gzip.decompress(data)
    assert raw.startswith(b"pagefind_dcd")
    value, end = _cbor(raw, len(b"pagefind_dcd"))
    assert end == len(raw)
    return value


def _cbor(b: bytes, i: int) -> tuple[Any, int]:
    major, info = b[i] >> 5, b[i] & 31
    i += 1
    if info < 24:
        n = info
    elif info in (24, 25, 26, 27):
        size = 1 << (info - 24)
        n, i = int.from_bytes(b[i : i + size], "big"), i + size
    else:
        raise AssertionError(f"CBOR item {info} not used by Pagefind")
    if major == 0:
        return n, i
    if major == 1:
        return -1 - n, i
    if major in (2, 3):
        raw = b[i : i + n]
        return (raw.decode() if major == 3 else raw), i + n
    if major == 4:
        items = []
        for _ in range(n):
            item, i = _cbor(b, i)
            items.append(item)
        return items, i
    if major == 7:
        return {20: False, 21: True, 22: None}[info], i
    raise AssertionError(f"CBOR type {major} not used by Pagefind")


def test_a_pagefind_that_stops_stops_the_build_with_what_it_said(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = tmp_path / "pagefind"
    fake.write_text("#!/bin/sh\necho 'out of memory' >&2\nexit 3\n")
    fake.chmod(0o755)
    monkeypatch.setenv(search.pagefind.BINARY_ENV, str(fake))
    with pytest.raises(BuildError, match=r"Pagefind stopped .*exit status 3.*out of memory"):
        build_site(SITES / "two_prefectures", tmp_path / "out")
    assert not (tmp_path / "out" / "index.html").exists()  # nothing published


FAKE = """#!/usr/bin/env python3
import base64, json, sys
while True:
    raw = b""
    while (c := sys.stdin.buffer.read(1)) not in (b",", b""):
        raw += c
    if not c:
        break
    m = json.loads(base64.b64decode(raw))
    kind = m["payload"]["type"]
    if kind == "NewIndex":
        a = {"message_id": m["message_id"], "payload": {"type": "NewIndex", "index_id": 0}}
    elif kind == "GetFiles":
        a = {"message_id": m["message_id"], "payload": {"type": "GetFiles", "files": []}}
    else:
        a = ANSWER
        a.setdefault("message_id", m["message_id"])
    sys.stdout.buffer.write(base64.b64encode(json.dumps(a).encode()) + b",")
    sys.stdout.flush()
"""


def fake_pagefind(tmp_path: Path, answer: dict[str, Any]) -> Pagefind:
    """Return a Pagefind service that answers every page with `answer` (and waits for more
    messages until its input ends, as Pagefind does)."""
    fake = tmp_path / "pagefind"
    fake.write_text(FAKE.replace("ANSWER", repr(answer)))
    fake.chmod(0o755)
    return Pagefind(fake, "fake")


def test_a_page_pagefind_refuses_is_named(tmp_path: Path) -> None:
    pages = {"tottori/articles/x/index.html": b'<html lang="en"><body><p>x</p></body></html>'}
    refusing = fake_pagefind(tmp_path, {"payload": {"type": "Error", "message": "bad page"}})
    with pytest.raises(BuildError, match="could not index /tottori/articles/x/: bad page"):
        index_pages(refusing, list(pages), pages.__getitem__)


def test_a_message_pagefind_cannot_read_stops_it_without_waiting(tmp_path: Path) -> None:
    pages = {"tottori/articles/x/index.html": b'<html lang="en"><body><p>x</p></body></html>'}
    # Pagefind's answer to a message it cannot parse has no message id.
    answer = {"message_id": None, "payload": {"type": "Error", "message": "not base64"}}
    with pytest.raises(BuildError, match="Pagefind stopped while indexing"):
        index_pages(fake_pagefind(tmp_path, answer), list(pages), pages.__getitem__)
