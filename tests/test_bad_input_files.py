"""Engineer C's bad-input fixtures (tests/sites/bad_input/c_*): `furusato check` and the build
both fail with exactly the lines in expected.txt."""

from __future__ import annotations

import shutil

import pytest

from furusato import cli
from furusato.errors import ContentError
from tests.sitebuild import SITES, build_site

CASES = sorted(p.name for p in (SITES / "bad_input").glob("c_*"))


@pytest.mark.parametrize("case", CASES)
def test_check_and_build_fail_with_the_expected_lines(case, tmp_path, capsys, monkeypatch):
    root = tmp_path / case
    shutil.copytree(SITES / "bad_input" / case, root, symlinks=True)  # links stay links
    expected = (root / "expected.txt").read_text(encoding="utf-8").splitlines()
    (root / "expected.txt").unlink()
    monkeypatch.setenv("GITHUB_ACTIONS", "false")
    assert cli.main(["check", "--root", str(root)]) == 1
    printed = capsys.readouterr().err.splitlines()
    assert printed[:-1] == expected
    with pytest.raises(ContentError) as info:
        build_site(root, tmp_path / "out")
    assert [p.format() for p in info.value.problems] == expected
    assert not (tmp_path / "out").exists()
