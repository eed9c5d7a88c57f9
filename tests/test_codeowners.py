"""CODEOWNERS routes each prefecture's pull requests to the coordinators in its profile; a
stale copy is annotated on the pull request with its fix (no unit test fails on it)."""

from __future__ import annotations

import yaml

from furusato.commands import cli, codeowners
from furusato.reading.loader import Options, load_profiles
from tests.sitebuild import REPO, SITES, copy_site

FIX = "make codeowners && git add .github/CODEOWNERS && git commit -m 'Update CODEOWNERS'"


def test_the_pull_request_workflow_checks_codeowners_whatever_else_failed():
    workflow = yaml.safe_load((REPO / ".github/workflows/pr.yml").read_text(encoding="utf-8"))
    steps = [s for job in workflow["jobs"].values() for s in job["steps"]]
    (step,) = [s for s in steps if "codeowners" in s.get("run", "")]
    assert step["run"] == "PYTHONPATH=plugins .venv/bin/python -m furusato codeowners --check"
    assert step["if"] == "${{ !cancelled() }}"  # annotated even when the tests failed
    assert steps[-1] is step  # after the preview upload: a stale file never blocks the preview


def test_a_stale_codeowners_is_annotated_with_the_command_that_fixes_it(
    tmp_path, capsys, monkeypatch
):
    root = copy_site("two_prefectures", tmp_path / "site")
    assert cli.main(["codeowners", "--root", str(root)]) == 0
    capsys.readouterr()
    profile = (root / "prefectures/tottori.yaml").read_text(encoding="utf-8")
    (root / "prefectures/tottori.yaml").write_text(
        profile.replace("[fixture-coordinator]", "[fixture-coordinator, new-coordinator]"),
        encoding="utf-8",
    )
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert cli.main(["codeowners", "--check", "--root", str(root)]) == 1
    out = capsys.readouterr()
    message = (
        ".github/CODEOWNERS does not match the coordinators in prefectures/*.yaml; run "
        f"`{FIX}` (anyone with a clone can, and push it to this pull request's branch)\n"
        "  expected: /content/tottori/ @fixture-coordinator @new-coordinator\n"
        "  expected: /prefectures/tottori.yaml @fixture-coordinator @new-coordinator\n"
        "  remove:   /content/tottori/ @fixture-coordinator\n"
        "  remove:   /prefectures/tottori.yaml @fixture-coordinator"
    )
    assert out.err == message + "\n"
    assert out.out == (
        "::error file=.github/CODEOWNERS,line=1,title=CODEOWNERS is stale::"
        + message.replace("\n", "%0A")
        + "\n"
    )
    assert cli.main(["codeowners", "--root", str(root)]) == 0
    capsys.readouterr()
    assert cli.main(["codeowners", "--check", "--root", str(root)]) == 0
    assert capsys.readouterr().out == ".github/CODEOWNERS is up to date\n"


def test_coordinators_own_the_profile_and_the_content_folder():
    text = codeowners.generate(load_profiles(Options(root=SITES / "two_prefectures")).values())
    assert text.split("\n\n")[1:] == [
        "# Tottori (JP-31)\n"
        "/prefectures/tottori.yaml @fixture-coordinator\n"
        "/content/tottori/ @fixture-coordinator",
        "# Shimane (JP-32)\n"
        "# Shimane has no coordinators yet; add them under 'coordinators:' in "
        "prefectures/shimane.yaml\n",
    ]
    assert text.startswith(codeowners.HEADER)


def test_teams_and_several_coordinators(tmp_path, capsys):
    profile = (SITES / "two_prefectures/prefectures/tottori.yaml").read_text(encoding="utf-8")
    profile = profile.replace("[fixture-coordinator]", "['@alice', my-org/tottori-team]")
    root = copy_site("two_prefectures", tmp_path / "site", {"prefectures/tottori.yaml": profile})
    assert cli.main(["codeowners", "--check", "--root", str(root)]) == 1
    assert capsys.readouterr().err.startswith(
        f".github/CODEOWNERS is missing; run `{FIX}` (anyone with a clone can"
    )
    assert cli.main(["codeowners", "--root", str(root)]) == 0
    lines = (root / ".github/CODEOWNERS").read_text(encoding="utf-8").splitlines()
    assert "/content/tottori/ @alice @my-org/tottori-team" in lines
    assert "/prefectures/tottori.yaml @alice @my-org/tottori-team" in lines
    assert cli.main(["codeowners", "--check", "--root", str(root)]) == 0


def test_invalid_profile_is_reported_not_written(tmp_path, capsys):
    root = copy_site(
        "two_prefectures", tmp_path / "site", {"prefectures/shimane.yaml": "code: x\n"}
    )
    assert cli.main(["codeowners", "--root", str(root)]) == 1
    assert not (root / ".github/CODEOWNERS").exists()
    assert capsys.readouterr().err.startswith("prefectures/shimane.yaml:1: capital: ")
