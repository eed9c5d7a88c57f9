"""The document cache is data, never code: sealed JSON, ignored when foreign, never raced."""

from __future__ import annotations

import json
import logging
import os
import pickle
import stat
import subprocess
import sys
import threading
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from furusato import cachefiles
from furusato.commands import cli
from furusato.errors import ContentError
from furusato.reading import doccache
from furusato.reading.doccache import DocumentCache, Unstorable, decode, encode
from furusato.reading.documents import Parsed
from furusato.reading.loader import Options, load_site
from tests.sitebuild import REPO, build_site, copy_site

ARTICLE = "content/tottori/articles/2026-03-19-article-11.md"


def fresh_parse(root: Path) -> dict[str, Parsed]:
    cache = DocumentCache()
    load_site(Options(root=root), cache)
    return cache.entries


def warm(root: Path, folder: Path) -> DocumentCache:
    """A cache made by one run and saved, then read back by a second run."""
    first = DocumentCache(folder)
    load_site(Options(root=root), first)
    first.save()
    second = DocumentCache(folder)
    load_site(Options(root=root), second)
    return second


def test_a_saved_cache_gives_back_every_field_of_every_document(tmp_path: Path) -> None:
    root = copy_site("two_prefectures", tmp_path / "site")
    cache = warm(root, tmp_path / "cache")
    expected = fresh_parse(root)
    assert cache.hits == len(expected) > 10
    for source, entry in expected.items():
        # stamps differ (when the bytes were hashed); everything else is the same parse
        assert replace(cache.entries[source], stamp=entry.stamp) == entry
    assert any(entry.meta is not None and entry.html for entry in expected.values())


def test_cache_files_are_sealed_json_not_pickle(tmp_path: Path) -> None:
    root = copy_site("two_prefectures", tmp_path / "site")
    warm(root, tmp_path / "cache")
    blob = (tmp_path / "cache" / "tottori.json").read_bytes()
    head, mac, body = blob.split(b"\n", 2)
    assert head == b"furusato-sealed 1" and len(mac) == 64
    assert json.loads(body)["version"] == doccache.CACHE_VERSION


def test_a_planted_pickle_is_never_loaded(tmp_path: Path) -> None:
    root = copy_site("two_prefectures", tmp_path / "site")
    marker = tmp_path / "pwned"

    class Exploit:
        def __reduce__(self):
            return (Path.touch, (marker,))

    folder = root / ".furusato-cache" / "documents"
    folder.mkdir(parents=True)
    for shard in ("tottori", "pages"):
        for suffix in (".pickle", ".json"):
            (folder / f"{shard}{suffix}").write_bytes(pickle.dumps((Exploit(), {})))

    assert cli.main(["check", "--root", str(root)]) == 0
    assert not marker.exists()


def forged(cache_folder: Path, source: str, html: str) -> None:
    """Rewrite the cached HTML of `source`, keeping the seal of the original file."""
    path = cache_folder / f"{source.split('/')[1]}.json"
    head, mac, body = path.read_bytes().split(b"\n", 2)
    data = json.loads(body)
    data["entries"][source]["html"] = html
    path.write_bytes(b"\n".join([head, mac, json.dumps(data).encode()]))


def test_a_cache_file_changed_by_someone_else_is_ignored_and_rebuilt(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    root = copy_site("two_prefectures", tmp_path / "site")
    folder = tmp_path / "cache"
    warm(root, folder)
    forged(folder, ARTICLE, "<script>alert(1)</script>")

    caplog.set_level(logging.INFO, logger="furusato")
    again = DocumentCache(folder)
    site = load_site(Options(root=root), again)

    html = [a.html for a in site.articles if a.source == ARTICLE]
    assert html and "<script" not in html[0]
    assert f"ignoring cache file {folder / 'tottori.json'}: not made by this user's builds; " in (
        caplog.text
    )
    assert "Traceback" not in caplog.text
    again.save()  # rebuilt: the next run trusts it again
    assert warm(root, folder).hits == len(fresh_parse(root))


def test_a_cache_sealed_with_another_users_key_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_site("two_prefectures", tmp_path / "site")
    folder = tmp_path / "cache"
    monkeypatch.setenv(cachefiles.USER_CACHE_ENV, str(tmp_path / "someone-else"))
    warm(root, folder)
    monkeypatch.setenv(cachefiles.USER_CACHE_ENV, str(tmp_path / "me"))
    mine = DocumentCache(folder)
    load_site(Options(root=root), mine)
    assert mine.hits == 0


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b[:-10],
        lambda b: b"",
        lambda b: b.replace(b"furusato-sealed 1", b"furusato-sealed 2"),
        lambda b: b"\x80\x04K\x01.",
    ],
    ids=["truncated", "empty", "other format", "pickle"],
)
def test_a_damaged_cache_file_is_ignored(tmp_path: Path, damage) -> None:
    root = copy_site("two_prefectures", tmp_path / "site")
    folder = tmp_path / "cache"
    warm(root, folder)
    for path in folder.iterdir():
        path.write_bytes(damage(path.read_bytes()))
    cache = DocumentCache(folder)
    load_site(Options(root=root), cache)
    assert cache.hits == 0


def test_a_cache_from_another_version_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_site("two_prefectures", tmp_path / "site")
    folder = tmp_path / "cache"
    warm(root, folder)
    monkeypatch.setattr(doccache, "CACHE_VERSION", "another")
    cache = DocumentCache(folder)
    load_site(Options(root=root), cache)
    assert cache.hits == 0


def test_an_entry_filed_under_another_prefecture_is_refused(tmp_path: Path) -> None:
    root = copy_site("two_prefectures", tmp_path / "site")
    folder = tmp_path / "cache"
    warm(root, folder)
    body = cachefiles.read_sealed(folder / "tottori.json", "documents:tottori")
    assert body is not None
    cachefiles.write_sealed(folder / "pages.json", "documents:pages", body)
    cache = DocumentCache(folder)
    load_site(Options(root=root), cache)
    tottori = [s for s in fresh_parse(root) if s.startswith("content/tottori/")]
    assert cache.hits == len(tottori)  # the pages file was refused, so pages were parsed


def test_the_key_lives_outside_the_repository_readable_only_by_its_user(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(cachefiles.USER_CACHE_ENV, str(tmp_path / "user"))
    assert cachefiles.seal("x", b"data") is not None
    key = tmp_path / "user" / "key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "user").stat().st_mode) == 0o700
    assert cachefiles.unseal("x", cachefiles.seal("x", b"data")) == b"data"
    assert cachefiles.unseal("y", cachefiles.seal("x", b"data")) is None  # bound to its use


def test_the_default_key_folder_is_the_users_cache_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(cachefiles.USER_CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", "/somewhere/cache")
    assert cachefiles.user_cache_dir() == Path("/somewhere/cache/furusato")
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert cachefiles.user_cache_dir() == Path.home() / ".cache" / "furusato"


def test_without_a_usable_key_nothing_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "file").write_text("")
    monkeypatch.setenv(cachefiles.USER_CACHE_ENV, str(tmp_path / "file" / "furusato"))
    root = copy_site("two_prefectures", tmp_path / "site")
    cache = DocumentCache(tmp_path / "cache")
    load_site(Options(root=root), cache)
    cache.save()
    assert not (tmp_path / "cache").exists() or not any((tmp_path / "cache").iterdir())


@dataclass
class WithNewField:
    """Parsed as it might grow: a field of a type the cache cannot store."""

    source: str
    seen: set[str]


def test_a_field_of_a_type_it_cannot_store_is_refused_never_stored_wrongly() -> None:
    with pytest.raises(Unstorable):
        encode(WithNewField("a", {"x"}), WithNewField)
    with pytest.raises(Unstorable):
        encode(["a list"], tuple[str, ...])  # must read back as the same type


def test_an_entry_that_does_not_read_back_the_same_is_not_saved(tmp_path: Path) -> None:
    root = copy_site("two_prefectures", tmp_path / "site")
    folder = tmp_path / "cache"
    cache = DocumentCache(folder)
    load_site(Options(root=root), cache)
    cache.entries[ARTICLE].images = ["not", "a", "tuple"]  # type: ignore[assignment]
    cache.save()
    data = json.loads(cachefiles.read_sealed(folder / "tottori.json", "documents:tottori"))
    assert ARTICLE not in data["entries"] and len(data["entries"]) > 5


def test_decode_refuses_models_outside_furusato() -> None:
    stored = encode(fresh_parse(REPO / "tests/sites/two_prefectures")[ARTICLE], Parsed)
    assert decode(stored, Parsed).source == ARTICLE
    stored["meta"]["model"] = "pydantic.main.BaseModel"
    with pytest.raises(Unstorable):
        decode(stored, Parsed)


def test_threads_saving_the_same_cache_never_collide(tmp_path: Path) -> None:
    root = copy_site("two_prefectures", tmp_path / "site")
    parsed = fresh_parse(root)
    folder = tmp_path / "cache"
    errors: list[BaseException] = []

    def hammer() -> None:
        try:
            for _ in range(25):
                cache = DocumentCache(folder)
                for entry in parsed.values():
                    cache.put(entry)
                cache.save()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=hammer) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(p.name for p in folder.iterdir()) == ["pages.json", "tottori.json"]
    assert warm(root, folder).hits == len(parsed)


def test_two_checks_at_once_never_race(tmp_path: Path) -> None:
    root = copy_site("two_prefectures", tmp_path / "site")
    env = {**os.environ, "PYTHONPATH": str(REPO / "plugins")}
    script = (
        "import sys, os\n"
        "from furusato.commands import cli\n"
        "for i in range(8):\n"
        "    os.utime(sys.argv[2])  # a new stamp: every run saves the cache again\n"
        "    assert cli.main(['check', '--root', sys.argv[1]]) == 0\n"
    )
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(root), str(root / ARTICLE)],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    results = [(run.wait(), run.stderr.read()) for run in runs]
    assert results == [(0, "")] * 3
    left = sorted(p.name for p in (root / ".furusato-cache" / "documents").iterdir())
    assert left == ["pages.json", "tottori.json"]


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


TRACKED = (
    ".furusato-cache/documents/tottori.json:1: cache: this file is in the build cache "
    "(.furusato-cache/), which must never be committed: a cache made on another machine "
    "could change the site. Remove it from git with `git rm -r --cached .furusato-cache` "
    "and commit that"
)


def test_check_refuses_a_tracked_cache_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_site("two_prefectures", tmp_path / "site")
    assert cli.main(["check", "--root", str(root)]) == 0
    git(root, "init", "-q")
    git(root, "add", "-f", ".furusato-cache/documents/tottori.json")
    capsys.readouterr()

    assert cli.main(["check", "--root", str(root)]) == 1

    assert capsys.readouterr().err.splitlines() == [
        TRACKED,
        "1 problem found; nothing was published. Fix the lines above and run `make check` again.",
    ]


def test_the_build_refuses_a_tracked_cache_file(tmp_path: Path) -> None:
    root = copy_site("two_prefectures", tmp_path / "site")
    cache = root / ".furusato-cache"
    build_site(root, tmp_path / "output", cache=cache)
    git(root, "init", "-q")
    git(root, "add", "-f", ".furusato-cache/documents/tottori.json")
    with pytest.raises(ContentError) as caught:
        build_site(root, tmp_path / "output", cache=cache)
    assert [p.format() for p in caught.value.problems] == [TRACKED]


def test_an_untracked_cache_in_a_git_repository_is_fine(tmp_path: Path) -> None:
    root = copy_site("two_prefectures", tmp_path / "site")
    git(root, "init", "-q")
    assert cli.main(["check", "--root", str(root)]) == 0
    assert cli.main(["check", "--root", str(root)]) == 0


def test_compiled_templates_are_kept_outside_the_repository(tmp_path: Path) -> None:
    root = copy_site("two_prefectures", tmp_path / "site")
    cache = root / ".furusato-cache"
    build_site(root, tmp_path / "output", cache=cache)
    inside = sorted(p.relative_to(cache).as_posix() for p in cache.rglob("*"))
    assert not [name for name in inside if "template" in name or name.endswith(".cache")]
    compiled = list((cachefiles.user_cache_dir() / "templates").rglob("*.cache"))
    assert compiled
    assert stat.S_IMODE((cachefiles.user_cache_dir() / "templates").stat().st_mode) == 0o700


def test_reading_back_a_sealed_entry_gives_what_decode_gives() -> None:
    entries = fresh_parse(REPO / "tests/sites/two_prefectures")
    assert len(entries) > 5
    for entry in entries.values():
        stored = encode(entry, Parsed)
        back = doccache.read_back(json.loads(json.dumps(stored)), Parsed)
        assert back == entry == decode(stored, Parsed)
        assert type(back.images) is tuple and type(back.problems) is list
        assert all(type(path) is tuple for path in back.lines.lines)


@pytest.mark.parametrize(
    "damage",
    [
        lambda entry: entry.pop("html"),
        lambda entry: entry.update(meta={"model": "pydantic.main.BaseModel", "data": {}}),
        lambda entry: entry["meta"].update(data={"title": ["not", "a", "title"]}),
        lambda entry: entry.update(lines=None),
    ],
    ids=["missing field", "foreign model", "invalid front matter", "wrong shape"],
)
def test_a_sealed_shard_whose_entries_do_not_fit_is_ignored_whole(tmp_path: Path, damage) -> None:
    root = copy_site("two_prefectures", tmp_path / "site")
    folder = tmp_path / "cache"
    warm(root, folder)
    data = json.loads(cachefiles.read_sealed(folder / "tottori.json", "documents:tottori"))
    damage(data["entries"][ARTICLE])
    body = json.dumps(data).encode()
    cachefiles.write_sealed(folder / "tottori.json", "documents:tottori", body)
    cache = DocumentCache(folder)
    load_site(Options(root=root), cache)
    tottori = [s for s in fresh_parse(root) if s.startswith("content/tottori/")]
    assert cache.hits == len(fresh_parse(root)) - len(tottori)  # tottori parsed again
    again = cache.entries[ARTICLE]
    fresh = fresh_parse(root)[ARTICLE]
    assert replace(again, stamp=fresh.stamp) == fresh  # parsed anew, as a fresh build does
