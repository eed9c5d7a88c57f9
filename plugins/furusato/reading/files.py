"""Find and read the files of a repository without ever following a link out of it.

Only regular files committed inside the repository are read. A symbolic link anywhere under
``content/`` or ``prefectures/`` (to a file or a folder, inside or outside the repository,
dangling or not) is reported, never followed and never skipped; so is anything that is not a
file or a folder (a named pipe, a socket, a device: opening a pipe would block the build).
``content/`` and ``prefectures/`` themselves must be real folders. The repository root is the
folder the command was started in (the user's choice, never a contributor's), so it may itself
sit behind a link; everything below it comes from commits and is checked.

Hidden names (starting with a dot) are how tools keep their own files next to ours:
``.gitkeep``, ``.DS_Store``, editor swap files. They are never read and never published; but a
hidden Markdown file (``.2026-05-01-x.md``), or a Markdown file in a hidden folder, is a
contributor's text that would be lost, so it is reported.
"""

from __future__ import annotations

import os
import re
import stat
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from ..errors import Problems

MARKDOWN_SUFFIXES = (".md", ".markdown")

# Names that can go into a URL and an HTML attribute as they are. Letters outside ASCII (a
# Japanese file name) are allowed; punctuation that must be escaped in a URL or HTML is not.
_UNSAFE_ASCII = re.compile(r"[^A-Za-z0-9._\-\u0080-\U0010ffff]")


@dataclass(frozen=True)
class Found:
    """A regular file found under a folder: its path relative to the repository and its stat."""

    rel: str  # repository-relative POSIX path, such as content/tottori/articles/x.md
    path: str  # the path to open
    stat: os.stat_result  # from lstat: never a link's target


def link_message(kind: str) -> str:
    """Return the message for a symbolic link found where a file or folder should be."""
    return (
        f"this is a link; commit the {kind} itself (links are never followed, so nothing it "
        "points to is published)"
    )


SPECIAL_MESSAGE = (
    "this is not a regular file (it is a pipe, socket or device); only files and folders are "
    "read, so remove it"
)
HIDDEN_MESSAGE = (
    "files and folders whose name starts with a dot are not published; remove the dot from the name"
)


def check_folder(root: str, rel: str, problems: Problems) -> bool:
    """Say whether root/rel is a real folder (reporting it if it is a link or not a folder).

    A missing folder is not a problem (a repository may have no content yet).
    """
    try:
        st = os.lstat(os.path.join(root, rel))
    except FileNotFoundError:
        return False
    if stat.S_ISLNK(st.st_mode):
        problems.add(rel, 1, "file", link_message("folder"))
        return False
    if not stat.S_ISDIR(st.st_mode):
        message = f"this must be a folder; move this file away and create {rel}/"
        problems.add(rel, 1, "file", message)
        return False
    return True


def walk(
    root: str, rel: str, problems: Problems, folders: dict[str, int] | None = None
) -> Iterator[Found]:
    """Yield the regular files under root/rel (sorted), reporting links and special files.

    Hidden files are skipped (hidden Markdown files are reported); links are never followed.
    `folders`, if given, receives the modification time of every folder listed, by path
    (a file added, removed or renamed in a folder changes its time).
    """
    try:
        path = os.path.join(root, rel)
        if folders is not None:
            folders[rel] = os.lstat(path).st_mtime_ns
        entries = sorted(os.scandir(path), key=lambda e: e.name)
    except OSError as exc:
        message = f"this folder cannot be read ({exc.strerror}); check its permissions"
        problems.add(rel, 1, "file", message)
        return
    for entry in entries:
        child = f"{rel}/{entry.name}"
        hidden = entry.name.startswith(".")
        if entry.is_symlink():
            kind = "folder" if os.path.isdir(entry.path) else "file"  # stat only, never opened
            problems.add(child, 1, "file", link_message(kind))
        elif entry.is_dir(follow_symlinks=False):
            if hidden:
                _report_hidden_markdown(root, child, problems)
            else:
                yield from walk(root, child, problems, folders)
        elif not entry.is_file(follow_symlinks=False):
            problems.add(child, 1, "file", SPECIAL_MESSAGE)
        elif hidden:
            if entry.name.lower().endswith(MARKDOWN_SUFFIXES):
                problems.add(child, 1, "file name", HIDDEN_MESSAGE)
        else:
            yield Found(child, entry.path, entry.stat(follow_symlinks=False))


def _report_hidden_markdown(root: str, rel: str, problems: Problems) -> None:
    """Report Markdown files (and links or special files) anywhere under a hidden folder."""
    inner = Problems()
    for found in walk(root, rel, inner):
        if found.rel.lower().endswith(MARKDOWN_SUFFIXES):
            problems.add(found.rel, 1, "file name", HIDDEN_MESSAGE)
    problems.extend(inner.items)


def read_regular(path: str) -> bytes:
    """Return the bytes of a regular file, refusing to follow a link or open a pipe.

    Raises OSError if `path` is (or has become) a link or not a regular file.
    """
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(f"{path} is not a regular file")
        with os.fdopen(fd, "rb", closefd=False) as fh:
            return fh.read()
    finally:
        os.close(fd)


def unsafe_name(name: str) -> str | None:
    """Return a safe name to suggest if `name` has characters a URL or HTML must escape.

    Returns None when the name is fine. Safe: letters, digits, hyphens, dots, underscores.
    """
    bad = _UNSAFE_ASCII.search(name) or any(
        unicodedata.category(ch)[0] in "CZ" for ch in name if not ch.isascii()
    )
    if not bad:
        return None
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    safe = re.sub(r"[^a-z0-9._]+", "-", unicodedata.normalize("NFKD", stem).lower()).strip("-.")
    safe = re.sub(r"-{2,}", "-", safe) or "file"
    ext = re.sub(r"[^a-z0-9]+", "", suffix.lower())
    return f"{safe}.{ext}" if ext else safe


def name_message(name: str, suggestion: str) -> str:
    """Return the message for a file name with characters that need escaping."""
    return (
        f"the name {name!r} has characters that cannot be used in a web address (such as "
        "spaces, quotes, #, ?, %, &, < or >); rename the file using only lowercase letters, "
        f"digits, hyphens, dots and underscores, such as '{suggestion}' (and change the links "
        "to it)"
    )
