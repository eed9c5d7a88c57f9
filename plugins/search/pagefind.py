"""Pagefind, run as a service: the binary npm installed, fed the indexed pages through its
standard input and answering with the bundle's files, one run per language.

Pagefind's service mode (`pagefind --service`, the protocol of its Node and Python APIs: JSON
messages, each base64-encoded and followed by a comma, on stdin and stdout) takes each page's
HTML and URL in a message and returns the bundle in one answer. So nothing is copied to a
temporary folder and nothing is read back from one: at 10,000 pages that was 20,000 files and
as many folders written and deleted in every build that re-indexed.

Pagefind keeps every page of an index in memory until it writes the bundle, and it builds a
separate index per language. Each language is run in its own process, one after the other,
so the memory the build waits on is that of the largest language, not of all of them. The
bundles of the runs are merged: their files are disjoint, except Pagefind's own scripts (the
same bytes in every run) and pagefind-entry.json, whose `languages` are joined. The result is
the bundle one run over every page makes, byte for byte (tests/test_search.py).

Pages are given in the order of their output paths, and Pagefind numbers them in the order it
is given them; so the index does not depend on the order a file system lists a folder in, as
it did when Pagefind walked a folder itself.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from furusato.errors import BuildError
from search.documents import indexed_part, language

REPO = Path(__file__).resolve().parents[2]
NODE_MODULES = REPO / "node_modules"
# The binary's environment variable, as Pagefind's npm wrapper reads it.
BINARY_ENV = "PAGEFIND_BINARY_PATH"
ENTRY = "pagefind-entry.json"
# How the index is made, part of its cache key: a new way makes a new index.
METHOD = "service, pages in path order, one run per language"
UNREAD = -1  # where the answer to a message Pagefind could not read is kept (it has no id)


def _platform() -> str:
    system = {"win32": "windows"}.get(sys.platform, sys.platform)
    machine = platform.machine().lower()
    cpu = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64", "arm64": "arm64"}.get(machine)
    return f"{system}-{cpu or machine}"


@dataclass(frozen=True)
class Pagefind:
    """The Pagefind binary npm installed (package @pagefind/<platform>) and its version."""

    binary: Path
    version: str

    @classmethod
    def find(cls) -> Pagefind:
        override = os.environ.get(BINARY_ENV)
        package = NODE_MODULES / "@pagefind" / _platform()
        if override:
            return cls(Path(override), f"{override}:{os.stat(override).st_mtime_ns}")
        suffix = ".exe" if sys.platform == "win32" else ""
        for name in ("pagefind_extended", "pagefind"):
            binary = package / "bin" / (name + suffix)
            if binary.is_file():
                meta = json.loads((package / "package.json").read_text(encoding="utf-8"))
                return cls(binary, f"{name} {meta['version']}")
        raise BuildError(
            f"the search index needs Pagefind, which is not installed in {NODE_MODULES} "
            f"(looked for the package @pagefind/{_platform()}): run `npm ci --ignore-scripts` "
            "in the repository (make html does it), or set PAGEFIND_BINARY_PATH to a "
            "Pagefind 1.6 binary"
        )


def index_pages(
    pagefind: Pagefind, pages: Sequence[str], read: Callable[[str], bytes]
) -> dict[str, bytes]:
    """Index the pages (output paths; `read` gives a page's HTML) with Pagefind, one run per
    language; return the bundle's files by their path in the bundle."""
    languages: dict[str | None, list[str]] = {}
    for path in sorted(pages):
        languages.setdefault(language(read(path)), []).append(path)
    if None in languages or len(languages) < 2:
        # Pagefind files a page without a language under the site's main one: only a run
        # over every page can do that.
        return _Service(pagefind).index(sorted(pages), read)
    bundles = [_Service(pagefind).index(group, read) for _, group in sorted(languages.items())]
    return merge(bundles)


def merge(bundles: list[dict[str, bytes]]) -> dict[str, bytes]:
    """Join the bundles of runs over pages of different languages into one bundle."""
    files: dict[str, bytes] = {}
    entries = []
    for bundle in bundles:
        for path, data in bundle.items():
            if path == ENTRY:
                entries.append(json.loads(data))
            elif files.setdefault(path, data) != data:
                raise BuildError(
                    f"Pagefind made two different {path} for the languages of the site, so "
                    "their indexes cannot be joined into one bundle (has this version of "
                    "Pagefind changed how it writes its bundle?)"
                )
    entry = entries[0]
    languages: dict[str, Any] = {}
    for other in entries:
        if {k: v for k, v in other.items() if k != "languages"} != {
            k: v for k, v in entry.items() if k != "languages"
        }:
            raise BuildError("Pagefind's runs disagree on the bundle's entry; cannot merge")
        languages.update(other["languages"])
    entry["languages"] = dict(sorted(languages.items()))
    files[ENTRY] = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode()
    return dict(sorted(files.items()))


class _Service:
    """One `pagefind --service` process: one index, its pages, its bundle."""

    def __init__(self, pagefind: Pagefind):
        self.pagefind = pagefind
        self.answers: dict[int, dict[str, Any]] = {}
        self.arrived = threading.Condition()
        self.closed = False
        self.sent = 0
        self.urls: dict[int, str] = {}  # message id -> URL of the page it gave

    def index(self, pages: list[str], read: Callable[[str], bytes]) -> dict[str, bytes]:
        with tempfile.TemporaryFile() as errors:
            try:
                process = subprocess.Popen(
                    [str(self.pagefind.binary), "--service"],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=errors,
                )
            except OSError as exc:
                raise BuildError(f"could not run Pagefind ({self.pagefind.binary}): {exc}") from exc
            reader = threading.Thread(target=self._read, args=(process.stdout,), daemon=True)
            reader.start()
            try:
                return self._index(process, pages, read)
            except (BrokenPipeError, _Stopped) as exc:
                status = _stop(process)
                errors.seek(0)
                said = errors.read().decode(errors="replace").strip()
                raise BuildError(
                    f"Pagefind stopped while indexing the site (exit status {status}): "
                    f"{said or exc}"
                ) from None
            finally:
                _stop(process)
                reader.join()

    def _index(
        self, process: subprocess.Popen[bytes], pages: list[str], read: Callable[[str], bytes]
    ) -> dict[str, bytes]:
        assert process.stdin is not None
        stdin = process.stdin
        index_id = self._ask(stdin, {"type": "NewIndex", "config": {}})["index_id"]
        for path in pages:
            url = "/" + path.removesuffix("index.html")
            html = indexed_part(read(path)).decode("utf-8", errors="replace")
            message = {"type": "AddFile", "index_id": index_id, "url": url, "file_contents": html}
            self.urls[self._send(stdin, message)] = url
        answer = self._ask(stdin, {"type": "GetFiles", "index_id": index_id})
        self._check_pages()
        files: dict[str, bytes] = {}
        for file in answer["files"]:
            path = Path(file["path"]).as_posix()
            if path.startswith(("/", "../")) or "/../" in path:
                raise BuildError(f"Pagefind answered with a file outside its bundle: {path}")
            files[path] = base64.b64decode(file["content"], validate=True)
        return dict(sorted(files.items()))

    def _send(self, stdin: IO[bytes], payload: dict[str, Any]) -> int:
        self.sent += 1
        body = json.dumps({"message_id": self.sent, "payload": payload}, ensure_ascii=False)
        stdin.write(base64.b64encode(body.encode()) + b",")
        return self.sent

    def _ask(self, stdin: IO[bytes], payload: dict[str, Any]) -> dict[str, Any]:
        """Send a message and wait for its answer (every earlier message is answered first)."""
        message_id = self._send(stdin, payload)
        stdin.flush()
        with self.arrived:
            self.arrived.wait_for(lambda: message_id in self.answers or self.closed)
            answer = self.answers.pop(message_id, None)
            refused = self.answers.get(UNREAD)
        if refused is not None:
            raise _Stopped(f"Pagefind could not read a message: {refused.get('message')}")
        if answer is None:
            raise _Stopped(f"no answer to {payload['type']}")
        if answer.get("type") == "Error":
            raise BuildError(f"Pagefind could not index the site: {answer.get('message')}")
        return answer

    def _check_pages(self) -> None:
        """Stop on the first page Pagefind refused (answers to pages are errors or counts)."""
        with self.arrived:
            refused = [i for i, answer in self.answers.items() if i in self.urls]
            if refused:
                first = min(refused)
                said = self.answers[first].get("message")
                raise BuildError(f"Pagefind could not index {self.urls[first]}: {said}")

    def _read(self, stdout: IO[bytes] | None) -> None:
        """Collect Pagefind's answers: errors and the last answer are kept, counts dropped."""
        assert stdout is not None
        parts: list[bytes] = []
        try:
            while chunk := stdout.read1(1 << 20):  # type: ignore[attr-defined]
                while (comma := chunk.find(b",")) >= 0:
                    parts.append(chunk[:comma])
                    chunk = chunk[comma + 1 :]
                    self._arrive(b"".join(parts))
                    parts = []
                parts.append(chunk)
        finally:
            with self.arrived:
                self.closed = True
                self.arrived.notify_all()

    def _arrive(self, encoded: bytes) -> None:
        try:
            message = json.loads(base64.b64decode(encoded, validate=True))
            message_id, payload = message.get("message_id"), message["payload"]
        except (binascii.Error, ValueError, KeyError, TypeError):
            payload, message_id = {"type": "Error", "message": "unreadable answer"}, None
        if payload.get("type") == "IndexedFile":
            return  # a page was indexed: nothing to keep
        with self.arrived:
            # An answer without an id is Pagefind refusing a message it could not parse.
            if isinstance(message_id, int):
                self.answers[message_id] = payload
            else:
                self.answers[UNREAD] = payload
                self.closed = True
            self.arrived.notify_all()


def _stop(process: subprocess.Popen[bytes]) -> int:
    """End Pagefind's input (it exits at the end of its input); return its exit status,
    stopping it if it has not exited a minute later."""
    if process.stdin is not None and not process.stdin.closed:
        with contextlib.suppress(BrokenPipeError):
            process.stdin.close()
    try:
        return process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.wait()


class _Stopped(Exception):
    """Pagefind's process ended, or refused a message, before it answered."""
