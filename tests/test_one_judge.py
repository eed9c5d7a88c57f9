"""`make check` and the build judge every bad input the same way.

Each folder of tests/sites/bad_input/ is a small repository with one kind of mistake and an
`expected.txt` holding the exact problem lines a contributor must see. `furusato check` and a
build of the same folder must both fail with exactly those lines, so no file passes the check
only to break the build, and a failed build leaves no output behind.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from furusato.commands.cli import main as furusato
from furusato.errors import ContentError
from tests.sitebuild import SITES, build_site

CASES = sorted(p for p in (SITES / "bad_input").iterdir() if (p / "expected.txt").is_file())


def test_every_case_has_expected_lines() -> None:
    assert len(CASES) >= 25
    for case in CASES:
        assert (case / "expected.txt").read_text(encoding="utf-8").strip(), case.name


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_check_and_build_fail_with_the_same_lines(
    case: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:
    root = tmp_path / case.name
    shutil.copytree(case, root, symlinks=True)  # committed links stay links
    (root / "expected.txt").unlink()
    expected = (case / "expected.txt").read_text(encoding="utf-8").splitlines()
    monkeypatch.setenv("GITHUB_ACTIONS", "false")

    assert furusato(["check", "--root", str(root)]) == 1
    assert capsys.readouterr().err.splitlines()[:-1] == expected

    with pytest.raises(ContentError) as failure:
        build_site(root, tmp_path / "out")
    assert [p.format() for p in failure.value.problems] == expected
    assert not (tmp_path / "out").exists()
