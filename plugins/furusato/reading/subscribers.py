"""Refuse a digest subscriber list committed to the repository: it holds people's addresses.

`furusato digest send` reads the list from outside the repository, `.gitignore` keeps the
usual names out of commits, and this check (run by `make check` and by the build alike, from
`reading.loader`) stops a list that was committed anyway, under any folder.
"""

from __future__ import annotations

import fnmatch
import subprocess
from pathlib import Path

from ..errors import Problem

# A subscriber list's file names; .gitignore lists the same patterns.
SUBSCRIBER_PATTERNS = ("subscribers*.csv", "*.subscribers.csv", "*-subscribers.csv")

MESSAGE = (
    "this looks like a digest subscriber list (people's e-mail addresses), which must never be "
    "in the repository: remove it with `git rm --cached {name}`, keep it outside the repository "
    "and give its path to `furusato digest send --subscribers`"
)


def is_subscriber_list(name: str) -> bool:
    """Tell whether a file name is one a subscriber list is given."""
    base = name.rsplit("/", 1)[-1].lower()
    return any(fnmatch.fnmatchcase(base, pattern) for pattern in SUBSCRIBER_PATTERNS)


def committed_subscriber_lists(root: Path) -> list[Problem]:
    """Return one problem per subscriber list git tracks under `root` (none outside git)."""
    try:
        done = subprocess.run(
            [
                "git",
                "ls-files",
                "-z",
                "--cached",
                "--",
                *(f":(glob,icase)**/{p}" for p in SUBSCRIBER_PATTERNS),
            ],
            cwd=root,
            capture_output=True,
            check=False,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return []
    if done.returncode != 0:
        return []  # not a git work tree, or no git
    names = sorted(n for n in done.stdout.decode(errors="replace").split("\0") if n)
    return [
        Problem(name, 1, "subscribers", MESSAGE.format(name=name))
        for name in names
        if is_subscriber_list(name)
    ]
