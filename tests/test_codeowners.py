"""CODEOWNERS routes each prefecture's pull requests to the coordinators in its profile."""

from __future__ import annotations

from furusato.commands import cli, codeowners
from furusato.reading.loader import Options, load_profiles
from tests.sitebuild import REPO, SITES, copy_site


def test_committed_codeowners_matches_the_profiles():
    expected = codeowners.generate(load_profiles(Options(root=REPO)).values())
    committed = (REPO / ".github" / "CODEOWNERS").read_text(encoding="utf-8")
    assert committed == expected, "CODEOWNERS is stale: run `make codeowners` and commit it"


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
    assert capsys.readouterr().err == (
        ".github/CODEOWNERS does not match the coordinators in prefectures/*.yaml; "
        "run `make codeowners` and commit the result\n"
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
