"""A build imports only what it uses: the mail-sending and workbook libraries stay unloaded
when the build does not need them (start-up time is part of every rebuild)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.sitebuild import REPO, copy_site

# Runs one build in a fresh interpreter and prints which of the watched modules it loaded.
BUILD = """
import json, sys
from pathlib import Path
from tests.sitebuild import build_result
build_result(Path(sys.argv[1]), Path(sys.argv[2]), cache=Path(sys.argv[3]))
print(json.dumps(sorted(name for name in sys.argv[4:] if name in sys.modules)))
"""
WATCHED = ["openpyxl", "smtplib", "mailbox", "furusato.commands.sending"]


def loaded_by_build(root: Path, out: Path, cache: Path, user: Path) -> list[str]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO / "plugins"), str(REPO)]),
        "FURUSATO_USER_CACHE_DIR": str(user),
    }
    done = subprocess.run(
        [sys.executable, "-c", BUILD, str(root), str(out), str(cache), *WATCHED],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_build_never_loads_a_spreadsheet_library(tmp_path: Path) -> None:
    root = copy_site("two_prefectures", tmp_path / "site")
    out, cache, user = tmp_path / "output", tmp_path / "cache", tmp_path / "user"
    first = loaded_by_build(root, out, cache, user)
    # The impact reports' workbooks were written, by impact/workbook.py alone.
    assert any(out.rglob("impact.xlsx"))
    assert "openpyxl" not in first
    again = loaded_by_build(root, out, cache, user)
    assert "openpyxl" not in again
    for name in ("smtplib", "mailbox", "furusato.commands.sending"):
        assert name not in first and name not in again


def test_the_command_line_loads_the_mail_sender_only_for_digest_commands() -> None:
    code = (
        "import sys; from furusato.commands import cli; "
        "print('smtplib' in sys.modules, 'furusato.commands.sending' in sys.modules)"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO / "plugins")}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["False", "False"]
