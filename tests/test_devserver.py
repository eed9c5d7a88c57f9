"""The devserver's live reload: the script added to pages as they are served (never to output/),
the event stream of build generations, and one rebuild per save."""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import lxml.html
import pytest

from furusato.commands import cli
from furusato.commands.livereload import (
    SCRIPT_URL,
    Reloader,
    State,
    events,
    inject,
    make_live_server,
    script_tag,
)
from furusato.commands.serve import Changes, built_for, make_server
from tests.sitebuild import REPO, SITES, build_site, copy_site, own_settings

PAGE = (
    b'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>T</title>\n'
    b"</head>\n<body><main><h1>Hello</h1></main></body>\n</html>\n"
)
STYLE = b"body { color: #222; }\n"


def scripts(body: bytes) -> list[str]:
    """Return the src of every script element of an HTML page."""
    return lxml.html.fromstring(body).xpath("//script/@src")


# --- the tag --------------------------------------------------------------------------------


def test_the_tag_goes_before_the_end_of_the_head() -> None:
    out = inject(PAGE, "run-3")
    tag = b'<script src="/__furusato/livereload.js" data-generation="run-3" defer></script>'
    assert out == PAGE.replace(b"</head>", tag + b"</head>")
    tree = lxml.html.fromstring(out)
    assert tree.xpath("/html/head/script/@src") == [SCRIPT_URL]
    assert tree.xpath("/html/head/script/@data-generation") == ["run-3"]


def test_a_page_without_a_head_end_gets_the_tag_before_its_last_body_end() -> None:
    page = b"<!DOCTYPE html><title>x</title><p>a</body> <p>b</body>"
    assert inject(page, "g") == b"<!DOCTYPE html><title>x</title><p>a</body> <p>b" + (
        script_tag("g") + b"</body>"
    )


def test_a_fragment_gets_the_tag_at_its_end() -> None:
    assert inject(b"<p>Hello</p>", "g") == b"<p>Hello</p>" + script_tag("g")


def test_upper_case_tags_are_found_and_only_the_first_head_end_is_used() -> None:
    page = b"<HTML><HEAD><TITLE>x</TITLE></HEAD><BODY><pre>&lt;/head&gt;</pre></HEAD></BODY>"
    out = inject(page, "g")
    assert out.count(script_tag("g")) == 1
    assert out.index(script_tag("g")) == page.index(b"</HEAD>")


def test_the_generation_is_escaped_in_its_attribute() -> None:
    assert script_tag('a"<b') == (
        b'<script src="/__furusato/livereload.js" data-generation="a&quot;&lt;b" defer></script>'
    )


# --- the events -----------------------------------------------------------------------------


def test_a_page_that_connects_is_told_everything() -> None:
    assert events(State("r-1"), None) == (
        b"retry: 1000\n\nevent: generation\ndata: r-1\n\nevent: ok\ndata: \n\n"
    )
    assert events(State("r-1", failed=True), None).endswith(b"event: failed\ndata: \n\n")


def test_a_connected_page_is_told_only_what_changed() -> None:
    assert events(State("r-2"), State("r-1")) == b"event: generation\ndata: r-2\n\n"
    assert events(State("r-1", failed=True), State("r-1")) == b"event: failed\ndata: \n\n"
    assert events(State("r-2"), State("r-1", failed=True)) == (
        b"event: generation\ndata: r-2\n\nevent: ok\ndata: \n\n"
    )


def test_only_a_build_that_changed_files_moves_the_generation() -> None:
    reloader = Reloader(run="r")
    assert reloader.state == State("r-0")
    reloader.changed()
    assert reloader.state == State("r-1")
    reloader.failed()
    assert reloader.state == State("r-1", failed=True)
    reloader.unchanged()
    assert reloader.state == State("r-1")
    reloader.changed()
    assert reloader.state == State("r-2")


def test_generations_of_two_server_runs_differ() -> None:
    assert Reloader().state.generation != Reloader(run="another").state.generation


# --- the server -----------------------------------------------------------------------------


@pytest.fixture
def site(tmp_path: Path) -> Path:
    out = tmp_path / "output"
    (out / "tottori").mkdir(parents=True)
    (out / "tottori" / "index.html").write_bytes(PAGE)
    (out / "theme" / "css").mkdir(parents=True)
    (out / "theme" / "css" / "base.css").write_bytes(STYLE)
    (out / "feed.xml").write_bytes(b"<?xml version='1.0'?><feed>&lt;/head&gt;</feed>")
    (out / "404.html").write_bytes(PAGE.replace(b"Hello", b"Not found"))
    return out


class Served:
    """A live-reload server on a free port, running in a thread."""

    def __init__(self, output: Path, keepalive: float = 10.0) -> None:
        self.reloader = Reloader(run="test")
        self.server = make_live_server(output, 0, self.reloader, keepalive=keepalive)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def get(self, path: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        connection.request(method, path)
        response = connection.getresponse()
        body = response.read()
        connection.close()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body

    def stop(self) -> None:
        self.reloader.close()
        self.server.shutdown()
        self.thread.join()
        self.server.server_close()


@pytest.fixture
def served(site: Path) -> Iterator[Served]:
    server = Served(site)
    yield server
    server.stop()


def test_a_served_page_carries_exactly_one_script_and_its_true_length(
    served: Served, site: Path
) -> None:
    served.reloader.changed()
    for path in ("/tottori/", "/tottori/index.html"):
        status, headers, body = served.get(path)
        assert status == 200
        assert scripts(body) == [SCRIPT_URL]
        assert body == inject(PAGE, "test-1")
        assert int(headers["content-length"]) == len(body)
        assert headers["content-type"] == "text/html; charset=utf-8"
        assert headers["cache-control"] == "no-store"
    assert (site / "tottori" / "index.html").read_bytes() == PAGE  # nothing written


def test_a_page_served_after_a_rebuild_carries_the_new_generation(served: Served) -> None:
    _, _, before = served.get("/tottori/")
    served.reloader.changed()
    _, _, after = served.get("/tottori/")
    generation = "//script/@data-generation"
    assert lxml.html.fromstring(before).xpath(generation) == ["test-0"]
    assert lxml.html.fromstring(after).xpath(generation) == ["test-1"]


def test_other_files_are_served_as_they_are(served: Served) -> None:
    status, headers, body = served.get("/theme/css/base.css")
    assert (status, body) == (200, STYLE)
    assert int(headers["content-length"]) == len(STYLE)
    assert headers["cache-control"] == "no-cache"  # revalidated: a theme edit shows at once
    status, headers, body = served.get("/feed.xml")
    assert body == b"<?xml version='1.0'?><feed>&lt;/head&gt;</feed>"
    assert b"__furusato" not in body


def test_the_site_404_page_carries_the_script_too(served: Served) -> None:
    status, headers, body = served.get("/no/such/page/")
    assert status == 404
    assert scripts(body) == [SCRIPT_URL]
    assert b"Not found" in body
    assert int(headers["content-length"]) == len(body)


def test_a_folder_without_its_slash_is_still_redirected(served: Served) -> None:
    status, headers, _ = served.get("/tottori")
    assert status == 301
    assert headers["location"] == "/tottori/"


def test_head_of_a_page_sends_its_headers_only(served: Served) -> None:
    status, headers, body = served.get("/tottori/", method="HEAD")
    assert (status, body) == (200, b"")
    assert int(headers["content-length"]) == len(inject(PAGE, "test-0"))


def test_the_script_and_its_stylesheet_are_served(served: Served) -> None:
    status, headers, body = served.get("/__furusato/livereload.js")
    assert status == 200
    assert headers["content-type"] == "text/javascript; charset=utf-8"
    assert b'new EventSource("/__furusato/events")' in body
    assert b"innerHTML" not in body  # the notice is built with DOM APIs
    status, headers, body = served.get("/__furusato/livereload.css")
    assert status == 200
    assert headers["content-type"] == "text/css; charset=utf-8"
    assert b".furusato-livereload" in body
    assert served.get("/__furusato/other.js")[0] == 404
    status, headers, body = served.get("/__furusato/livereload.js", method="HEAD")
    assert (status, body) == (200, b"")
    assert int(headers["content-length"]) == len(served.get("/__furusato/livereload.js")[2])


def test_make_serve_adds_nothing(site: Path) -> None:
    """`make serve` shows exactly what would be published."""
    server = make_server(site, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        with urllib.request.urlopen(base + "/tottori/") as response:
            assert response.read() == PAGE
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(base + "/__furusato/livereload.js")
        assert missing.value.code == 404
        assert b"__furusato" not in missing.value.read()
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


def read_event(stream) -> str:
    """Read one block of the event stream (up to its blank line)."""
    lines = []
    while True:
        line = stream.readline().decode()
        assert line, "the stream ended"
        if line == "\n":
            return "".join(lines)
        lines.append(line)


def test_the_stream_sends_each_new_generation_and_each_failure(served: Served) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=30)
    connection.request("GET", "/__furusato/events")
    response = connection.getresponse()
    assert response.status == 200
    assert response.getheader("Content-Type") == "text/event-stream; charset=utf-8"
    assert response.getheader("Cache-Control") == "no-store"
    assert read_event(response) == "retry: 1000\n"
    assert read_event(response) == "event: generation\ndata: test-0\n"
    assert read_event(response) == "event: ok\ndata: \n"
    served.reloader.changed()
    assert read_event(response) == "event: generation\ndata: test-1\n"
    served.reloader.failed()
    assert read_event(response) == "event: failed\ndata: \n"
    served.reloader.unchanged()
    assert read_event(response) == "event: ok\ndata: \n"
    connection.close()


def wait_for(condition, what: str) -> None:
    """Wait (up to a minute: this is no timing test) until condition() holds."""
    done = threading.Event()
    for _ in range(600):
        if condition():
            return
        done.wait(0.1)
    raise AssertionError(f"never happened: {what}")


def stream_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if "process_request_thread" in t.name]


def test_a_page_that_goes_away_is_dropped(site: Path) -> None:
    server = Served(site, keepalive=0.05)
    try:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        connection.request("GET", "/__furusato/events")
        response = connection.getresponse()
        assert read_event(response) == "retry: 1000\n"
        assert server.reloader.streams == 1
        connection.close()
        response.close()
        wait_for(lambda: server.reloader.streams == 0, "the closed stream was dropped")
    finally:
        server.stop()


def test_stopping_the_server_ends_every_stream_and_its_thread(site: Path) -> None:
    before = len(stream_threads())
    server = Served(site)
    connections = []
    for _ in range(3):
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        connection.request("GET", "/__furusato/events")
        response = connection.getresponse()
        assert read_event(response) == "retry: 1000\n"
        connections.append((connection, response))
    assert server.reloader.streams == 3
    server.stop()
    for connection, response in connections:
        response.read()  # the server ended the stream: the rest arrives, then end of file
        connection.close()
    wait_for(lambda: len(stream_threads()) == before, "every stream's thread ended")
    assert server.reloader.streams == 0


# --- one rebuild per save -------------------------------------------------------------------


def test_an_echo_of_a_save_already_rebuilt_for_is_not_new(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("one", encoding="utf-8")
    changes = Changes()
    assert changes.new([str(path)])
    assert changes.saved_at == path.stat().st_mtime_ns
    assert not changes.new([str(path)])  # the same save, reported again
    assert changes.saved_at is None
    path.write_text("two, longer", encoding="utf-8")
    assert changes.new([str(path)])
    path.unlink()
    assert changes.new([str(path)])
    assert not changes.new([str(path)])


def test_only_saves_of_existing_markdown_documents_get_the_quick_step(tmp_path: Path) -> None:
    from furusato.commands.serve import saved_documents

    root = copy_site("two_prefectures", tmp_path / "site")
    article, page = root / ARTICLE, next((root / "content/pages").glob("*.md"))
    event = root / "content/tottori/events/2026-12-05-x.md"
    event.parent.mkdir(exist_ok=True)
    event.write_text("---\n---\n", encoding="utf-8")
    rel = [p.relative_to(root).as_posix() for p in (article, event, page)]
    assert saved_documents([str(article), str(event), str(page), str(article)], root) == sorted(rel)
    for other in (
        root / "prefectures/tottori.yaml",  # a profile: every page of the prefecture
        root / "content/exchange-rates.yaml",
        root / "content/tottori/articles/gone.md",  # deleted
        root / "theme/templates/article.html",
        tmp_path / "elsewhere.md",
    ):
        assert saved_documents([str(article), str(other)], root) is None, other
    assert saved_documents([], root) is None


# --- the devserver end to end (a scripted watcher), and what it writes ----------------------

ARTICLE = "content/tottori/articles/2026-04-02-dunes-in-winter.md"


def test_the_devserver_serves_with_the_script_but_writes_it_nowhere(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import watchfiles

    root = copy_site("two_prefectures", tmp_path / "site")
    own_settings(root)
    monkeypatch.chdir(root)
    out = tmp_path / "out"
    article = root / ARTICLE
    seen: dict[str, list[str]] = {}

    def served(url: str) -> lxml.html.HtmlElement:
        with urllib.request.urlopen(built_for(out) + url) as response:
            return lxml.html.fromstring(response.read())

    def generation(url: str) -> str:
        return served(url).xpath("//script[@src='/__furusato/livereload.js']/@data-generation")[0]

    def scripted(*paths: str, **options: object) -> Iterator[set[tuple[int, str]]]:
        yield set()  # watching (the first build comes next)
        url = "/tottori/articles/dunes-in-winter/"
        seen["first"] = [generation(url), " ".join(served(url).xpath("string(//h1)").split())]
        text = article.read_text(encoding="utf-8")
        article.write_text(text.replace("title: Dunes in winter", "title: Dunes, edited"))
        yield {(watchfiles.Change.modified, str(article))}
        seen["edited"] = [generation(url), " ".join(served(url).xpath("string(//h1)").split())]
        yield {(watchfiles.Change.modified, str(article))}  # the same save again
        yield set()  # nothing happened for a while
        seen["echo"] = [generation(url)]

    monkeypatch.setattr(watchfiles, "watch", scripted)
    args = ["devserver", "--settings", "custom.py", "--output", str(out), "--port", "0"]
    assert cli.main([*args, "--today", "2026-11-24"]) == 0
    said = capsys.readouterr().out
    assert said.count("Rebuilt in ") == 2, said  # the first build and one rebuild
    # The edited page first, then the full rebuild; each says how long after the save.
    assert said.count("Rewrote the edited page in ") == 1, said
    assert said.index("Rewrote the edited page in ") < said.rindex("Rebuilt in "), said
    assert said.count(" s after the save\n") == 2, said
    first, edited = seen["first"], seen["edited"]
    assert first[1] == "Dunes in winter" and edited[1] == "Dunes, edited"
    assert first[0] != edited[0] == seen["echo"][0]
    assert [p for p in out.rglob("*") if p.is_file() and b"__furusato" in p.read_bytes()] == []


@pytest.mark.parametrize("settings_file", ["pelicanconf.py", "publishconf.py"])
def test_make_html_and_make_publish_never_carry_the_script(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings_file: str
) -> None:
    monkeypatch.setenv("SITEURL", "https://alumni.example.org")
    out = build_site(SITES / "two_prefectures", tmp_path / "out", settings_file=settings_file)
    files = [p for p in out.rglob("*") if p.is_file()]
    assert any(p.name == "index.html" for p in files)
    assert [p for p in files if b"__furusato" in p.read_bytes()] == []


def test_a_save_right_after_start_is_rebuilt_and_ctrl_c_stops_cleanly(tmp_path: Path) -> None:
    """The watcher runs from before the first build: a save made as soon as the server says
    it is serving is never missed. Ctrl-C then stops it, with a page listening."""
    root = copy_site("two_prefectures", tmp_path / "site")
    own_settings(root)
    env = {**os.environ, "PYTHONPATH": str(REPO / "plugins"), "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "furusato", "devserver", "--settings", "custom.py"]
    command += ["--output", str(tmp_path / "out"), "--port", "0", "--today", "2026-11-24"]
    process = subprocess.Popen(
        command, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    said: list[str] = []
    try:
        for line in process.stdout:
            said.append(line)
            if line.startswith("Serving at "):
                break
        article = root / ARTICLE
        text = article.read_text(encoding="utf-8")
        article.write_text(text.replace("title: Dunes in winter", "title: Dunes, at once"))
        reader = threading.Thread(target=lambda: said.extend(process.stdout), daemon=True)
        reader.start()
        wait_for(lambda: sum(x.startswith("Rebuilt in ") for x in said) == 2, "the rebuild")
        assert "Dunes, at once" in (
            tmp_path / "out" / "tottori" / "articles" / "dunes-in-winter" / "index.html"
        ).read_text(encoding="utf-8")
        serving = next(x for x in said if x.startswith("Serving at "))
        port = int(serving.split()[2].rstrip("/").rsplit(":", 1)[1])
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        connection.request("GET", "/__furusato/events")
        stream = connection.getresponse()
        assert read_event(stream) == "retry: 1000\n"
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=60) == 0, "".join(said)
        stream.read()  # ended: the rest of the stream, then its end
        connection.close()
        reader.join(timeout=10)
        assert not any("Traceback" in line for line in said), "".join(said)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


# --- the quick step: the edited documents' own pages first ----------------------------------

PAGE_OF_ARTICLE = "tottori/articles/dunes-in-winter/index.html"


def quick_settings(root: Path, out: Path) -> dict:
    """The devserver's settings for a site copy: its own output and cache folders."""
    from furusato.commands.build import load_settings

    return load_settings(
        REPO / "pelicanconf.py",
        OUTPUT_PATH=str(out),
        PATH=str(root / "content"),
        THEME=str(REPO / "theme"),
        PLUGIN_PATHS=[str(REPO / "plugins")],
        FURUSATO_CACHE_PATH=str(out.parent / f"{out.name}-cache"),
        FURUSATO_TODAY="2026-11-24",
        FURUSATO_SEARCH_INDEX="keep",
    )


def devserver_build(root: Path, out: Path, focus: list[str] | None = None):
    """Build as the devserver does (documents kept in memory), focused on `focus` if given."""
    from furusato.commands.build import build

    return build(quick_settings(root, out), keep_documents=True, focus=focus)


def files_of(out: Path) -> dict[str, tuple[bytes, int]]:
    """Return every file under `out` (and the cache folder beside it): bytes and mtime."""
    found = {}
    for folder in (out, out.parent / f"{out.name}-cache"):
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                found[str(path)] = (path.read_bytes(), path.stat().st_mtime_ns)
    return found


COUNTERPART = "tottori/articles/suna-no-oka/index.html"  # the edited article's translation


@pytest.fixture
def whole_loads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Count the loads that list every file (a load that reads only the saved documents
    does not)."""
    from furusato.reading import loader

    listed: list[str] = []
    list_content = loader.list_content

    def counted(*args, **kwargs):
        listed.append("listed")
        return list_content(*args, **kwargs)

    monkeypatch.setattr(loader, "list_content", counted)
    return listed


@pytest.fixture
def edited(tmp_path: Path) -> tuple[Path, Path]:
    """A site copy built as the devserver builds it, then its article edited."""
    from furusato.reading.doccache import DocumentCache

    DocumentCache.close_all()  # the documents of other tests' sites are not this one's
    root = copy_site("two_prefectures", tmp_path / "site")
    out = tmp_path / "out"
    devserver_build(root, out)
    article = root / ARTICLE
    text = article.read_text(encoding="utf-8")
    article.write_text(
        text.replace("title: Dunes in winter", "title: Dunes <edited> & saved")
        + "\nA new paragraph.\n",
        encoding="utf-8",
    )
    yield root, out
    DocumentCache.close_all()


def test_a_focused_run_writes_only_the_edited_page_with_the_bytes_of_the_full_build(
    edited: tuple[Path, Path], tmp_path: Path
) -> None:
    root, out = edited
    before = files_of(out)
    result = devserver_build(root, out, focus=[ARTICLE])
    assert result.focused
    assert (result.stats.written, result.stats.deleted) == (1, 0)
    after = files_of(out)
    page = str(out / PAGE_OF_ARTICLE)
    assert sorted(after) == sorted(before)  # nothing added or deleted, the cache untouched
    assert [path for path in after if after[path] != before[path]] == [page]
    quick = after[page][0]
    tree = lxml.html.fromstring(quick)
    assert " ".join(tree.xpath("string(//h1)").split()) == "Dunes <edited> & saved"
    assert "A new paragraph." in tree.xpath("string(//main)")
    # The full rebuild then writes the same bytes (and keeps the file the quick step wrote);
    # a clean build of the edited site too.
    full = devserver_build(root, out)
    assert not full.focused and full.stats.written > 0
    assert (out / PAGE_OF_ARTICLE).read_bytes() == quick
    assert (out / PAGE_OF_ARTICLE).stat().st_mtime_ns == after[page][1]
    clean = build_site(root, tmp_path / "clean", FURUSATO_SEARCH_INDEX="keep")
    assert (clean / PAGE_OF_ARTICLE).read_bytes() == quick


def test_after_a_focused_run_the_full_rebuild_equals_a_clean_build(
    edited: tuple[Path, Path], tmp_path: Path
) -> None:
    from tests.sitebuild import snapshot

    root, out = edited
    devserver_build(root, out, focus=[ARTICLE])
    devserver_build(root, out)
    clean = build_site(root, tmp_path / "clean", FURUSATO_SEARCH_INDEX="keep")

    def pages(out: Path) -> dict[str, bytes]:
        # The devserver keeps the search index it has (`make html` updates it): not compared.
        return {p: b for p, b in snapshot(out).items() if not p.startswith("pagefind/")}

    assert pages(out) == pages(clean)


def test_an_edit_reverted_after_a_focused_run_is_rebuilt(
    edited: tuple[Path, Path], tmp_path: Path
) -> None:
    """The file a focused run wrote is not taken for the page of its old render key."""
    root, out = edited
    devserver_build(root, out, focus=[ARTICLE])
    original = (SITES / "two_prefectures" / ARTICLE).read_text(encoding="utf-8")
    (root / ARTICLE).write_text(original, encoding="utf-8")
    devserver_build(root, out)
    clean = build_site(root, tmp_path / "clean", FURUSATO_SEARCH_INDEX="keep")
    assert (out / PAGE_OF_ARTICLE).read_bytes() == (clean / PAGE_OF_ARTICLE).read_bytes()
    assert b"Dunes in winter" in (out / PAGE_OF_ARTICLE).read_bytes()


def test_a_focused_run_of_a_document_with_a_problem_writes_nothing(
    edited: tuple[Path, Path],
) -> None:
    from furusato.errors import ContentError

    root, out = edited
    article = root / ARTICLE
    article.write_text(
        article.read_text(encoding="utf-8").replace("author: amy-chen", "author: nobody"),
        encoding="utf-8",
    )
    before = files_of(out)
    with pytest.raises(ContentError) as failed:
        devserver_build(root, out, focus=[ARTICLE])
    assert any(p.path == ARTICLE for p in failed.value.problems)
    assert files_of(out) == before


def test_a_focused_run_refuses_a_rule_broken_across_files(edited: tuple[Path, Path]) -> None:
    """A second article with the edited one's slug: no quick page, the same error as the build."""
    from furusato.errors import ContentError

    root, out = edited
    twin = root / "content/tottori/articles/2026-04-03-dunes-in-winter.md"
    twin.write_text((root / ARTICLE).read_text(encoding="utf-8"), encoding="utf-8")
    before = files_of(out)
    with pytest.raises(ContentError) as quick:
        devserver_build(root, out, focus=[ARTICLE])
    assert files_of(out) == before
    with pytest.raises(ContentError) as full:
        devserver_build(root, out)
    assert [str(p) for p in quick.value.problems] == [str(p) for p in full.value.problems]


def test_a_focused_run_of_a_file_that_is_no_published_document_fails(
    edited: tuple[Path, Path],
) -> None:
    from furusato.errors import BuildError

    root, out = edited
    before = files_of(out)
    with pytest.raises(BuildError) as failed:
        devserver_build(root, out, focus=["content/tottori/articles/gone.md"])
    assert str(failed.value) == (
        "a focused run makes the pages of published documents only: "
        "content/tottori/articles/gone.md is not one"
    )
    assert files_of(out) == before


@pytest.mark.parametrize(
    ("source", "page"),
    [
        ("content/tottori/events/2026-12-05-london-evening.md", "tottori/events/london-evening"),
        ("content/pages/about.md", "about"),
    ],
)
def test_a_focused_run_of_an_event_or_a_site_page_makes_the_full_build_s_bytes(
    tmp_path: Path, source: str, page: str, whole_loads: list[str]
) -> None:
    from furusato.reading.doccache import DocumentCache

    DocumentCache.close_all()
    root = copy_site("two_prefectures", tmp_path / "site")
    out = tmp_path / "out"
    devserver_build(root, out)
    path = root / source
    path.write_text(path.read_text(encoding="utf-8") + "\nAn added line.\n", encoding="utf-8")
    before = files_of(out)
    del whole_loads[:]
    result = devserver_build(root, out, focus=[source])
    assert whole_loads == []  # a text edit: the document is read again, alone
    target = out / page / "index.html"
    changed = [p for p, state in files_of(out).items() if before.get(p) != state]
    assert changed == [str(target)] and result.stats.written == 1
    quick = target.read_bytes()
    assert b"An added line." in quick
    devserver_build(root, out)
    assert target.read_bytes() == quick
    clean = build_site(root, tmp_path / "clean", FURUSATO_SEARCH_INDEX="keep")
    assert (clean / page / "index.html").read_bytes() == quick
    DocumentCache.close_all()


def test_every_family_writing_document_pages_runs_in_focused_runs() -> None:
    """A family that calls render_document must say so, or a focused run would skip it."""
    import importlib
    import inspect

    from furusato.commands.build import load_settings
    from furusato_engine import SiteGenerator

    families = {}
    for name in load_settings(REPO / "pelicanconf.py")["PLUGINS"]:
        module = importlib.import_module(name)
        for value in vars(module).values():
            is_family = isinstance(value, type) and issubclass(value, SiteGenerator)
            if is_family and value.__module__ == module.__name__:
                families[value.__name__] = value
    assert len(families) >= 9, families
    writes = {n for n, cls in families.items() if "render_document(" in inspect.getsource(cls)}
    assert writes == {"MicrositesGenerator", "EventsGenerator"}
    assert {n for n, cls in families.items() if cls.renders_documents} == writes


# --- the quick step's load: only the saved documents are read again ----------------------


@pytest.fixture
def text_edited(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    """A site copy built as the devserver builds it, then its article's text edited (its
    front matter as it was)."""
    from furusato.reading.doccache import DocumentCache

    DocumentCache.close_all()
    root = copy_site("two_prefectures", tmp_path / "site")
    out = tmp_path / "out"
    devserver_build(root, out)
    article = root / ARTICLE
    article.write_text(
        article.read_text(encoding="utf-8") + "\nA new paragraph with <em>care</em>.\n",
        encoding="utf-8",
    )
    yield root, out
    DocumentCache.close_all()


def test_a_text_edit_is_read_alone_and_makes_the_full_build_s_bytes(
    text_edited: tuple[Path, Path], tmp_path: Path, whole_loads: list[str]
) -> None:
    root, out = text_edited
    before = files_of(out)
    result = devserver_build(root, out, focus=[ARTICLE])
    assert whole_loads == []  # the last load, with the article read again
    assert (result.stats.written, result.stats.deleted) == (1, 0)
    after = files_of(out)
    assert [path for path in after if after[path] != before[path]] == [str(out / PAGE_OF_ARTICLE)]
    quick = (out / PAGE_OF_ARTICLE).read_bytes()
    tree = lxml.html.fromstring(quick)
    assert "A new paragraph with care." in " ".join(tree.xpath("string(//main)").split())
    # Its translation is still linked from it, and still links to it.
    assert tree.xpath('//link[@rel="alternate"][@hreflang="ja"]')
    devserver_build(root, out)
    assert whole_loads == ["listed"]
    assert (out / PAGE_OF_ARTICLE).read_bytes() == quick
    clean = build_site(root, tmp_path / "clean", FURUSATO_SEARCH_INDEX="keep")
    for page in (PAGE_OF_ARTICLE, COUNTERPART):
        assert (clean / page).read_bytes() == (out / page).read_bytes(), page


def test_two_text_edits_in_a_row_each_show_in_the_quick_page(
    text_edited: tuple[Path, Path], tmp_path: Path, whole_loads: list[str]
) -> None:
    root, out = text_edited
    devserver_build(root, out, focus=[ARTICLE])
    article = root / ARTICLE
    article.write_text(article.read_text(encoding="utf-8") + "\nAnd a second.\n", "utf-8")
    devserver_build(root, out, focus=[ARTICLE])
    assert whole_loads == []
    main = lxml.html.fromstring((out / PAGE_OF_ARTICLE).read_bytes()).xpath("string(//main)")
    assert "A new paragraph with" in main and "And a second." in main
    clean = build_site(root, tmp_path / "clean", FURUSATO_SEARCH_INDEX="keep")
    assert (out / PAGE_OF_ARTICLE).read_bytes() == (clean / PAGE_OF_ARTICLE).read_bytes()


@pytest.mark.parametrize(
    "change",
    [
        "front matter",  # the title: lists, the translation's page and feeds show it
        "another file added",  # a second article with the same slug: refused
        "profile",  # the author's name, shown on the article's page
        "picture shown",  # a picture the last load did not publish
        "link to a missing document",
    ],
)
def test_what_the_cross_checks_look_at_makes_the_quick_step_load_everything(
    text_edited: tuple[Path, Path], tmp_path: Path, whole_loads: list[str], change: str
) -> None:
    """With anything else changed, the quick step judges the whole site as the build does:
    the same page, or the same problems."""
    from furusato.errors import ContentError

    root, out = text_edited
    article = root / ARTICLE
    text = article.read_text(encoding="utf-8")
    if change == "front matter":
        article.write_text(text.replace("title: Dunes in winter", "title: Dunes"), "utf-8")
    elif change == "another file added":
        (root / "content/tottori/articles/2026-04-03-dunes-in-winter.md").write_text(text, "utf-8")
    elif change == "profile":
        profile = root / "prefectures/tottori.yaml"
        profile.write_text(
            profile.read_text(encoding="utf-8").replace("name: Amy Chen", "name: Amy Chen-Ito"),
            encoding="utf-8",
        )
    elif change == "picture shown":
        article.write_text(text + "\n![The coast](../images/coast-new.svg)\n", "utf-8")
    else:
        article.write_text(text + "\nSee [the plan](plan-that-is-not-there.md).\n", "utf-8")
    before = files_of(out)
    try:
        devserver_build(root, out, focus=[ARTICLE])
    except ContentError as quick_error:
        assert files_of(out) == before
        with pytest.raises(ContentError) as full:
            devserver_build(root, out)
        assert [str(p) for p in quick_error.problems] == [str(p) for p in full.value.problems]
        assert change in ("another file added", "picture shown", "link to a missing document")
    else:
        assert change in ("front matter", "profile")
        quick = (out / PAGE_OF_ARTICLE).read_bytes()
        clean = build_site(root, tmp_path / "clean", FURUSATO_SEARCH_INDEX="keep")
        assert (clean / PAGE_OF_ARTICLE).read_bytes() == quick
    assert whole_loads[:1] == ["listed"]  # the quick step's own load listed everything


def test_a_new_day_makes_the_quick_step_load_everything(
    text_edited: tuple[Path, Path], whole_loads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past midnight what is upcoming may have changed: the quick step judges everything."""
    from datetime import date

    from furusato.reading import loader

    root, out = text_edited
    monkeypatch.setattr(loader, "today_of", lambda options: date(2026, 11, 25))
    devserver_build(root, out, focus=[ARTICLE])
    assert whole_loads == ["listed"]


def test_a_site_with_one_document_replaced_keeps_its_pairs_and_lists() -> None:
    """Site.replaced: the new item takes the old one's place everywhere; the Site it was made
    from is left as it was."""
    import dataclasses

    from furusato.reading.loader import load
    from furusato.reading.repository import Options

    site = load(Options(root=SITES / "two_prefectures")).site
    old = next(a for a in site.articles if a.source == ARTICLE)
    other = site.counterpart(old)
    assert other is not None
    tags = site.tags
    new = dataclasses.replace(old, html="<p>New</p>", digest="new")
    copy = site.replaced([(old, new)])
    assert copy.articles.index(new) == site.articles.index(old)
    assert old not in copy.articles and new not in site.articles
    assert new in copy.articles_of("tottori") and old in site.articles_of("tottori")
    assert copy.counterpart(new) is other and copy.counterpart(other) is new
    assert site.counterpart(other) is old and copy.counterpart(old) is None
    assert copy.edition(copy.articles, "en") == [
        new if item is old else item for item in site.edition(site.articles, "en")
    ]
    assert copy.tags is tags and copy.has_examples == site.has_examples


def test_a_build_leaves_what_it_made_in_the_oldest_generation(tmp_path: Path) -> None:
    """So the collector's next passes do not walk every object the build made (at N = 10,000
    that walk landed in the middle of the devserver's next quick step)."""
    import gc

    from furusato.reading.doccache import DocumentCache

    DocumentCache.close_all()
    root = copy_site("two_prefectures", tmp_path / "site")
    result = devserver_build(root, tmp_path / "out")  # made at the very end of the build
    oldest = {id(o) for o in gc.get_objects(generation=2)}
    assert id(result) in oldest
    assert id(result.stats) in oldest
    DocumentCache.close_all()


def test_a_one_shot_build_also_leaves_what_it_made_in_the_oldest_generation(
    tmp_path: Path,
) -> None:
    import gc

    from furusato.commands.build import build

    root = copy_site("two_prefectures", tmp_path / "site")
    result = build(quick_settings(root, tmp_path / "out"))
    assert id(result) in {id(o) for o in gc.get_objects(generation=2)}
