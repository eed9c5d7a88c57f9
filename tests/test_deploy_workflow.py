"""The GitHub Pages deploy workflow: valid (actionlint), least privilege, never racing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.sitebuild import REPO

WORKFLOW = REPO / ".github/workflows/deploy.yml"
ACTIONLINT = Path(sys.executable).parent / "actionlint"


def actionlint(path: Path) -> subprocess.CompletedProcess[str]:
    if not ACTIONLINT.is_file():
        pytest.fail(f"actionlint not found at {ACTIONLINT}; run `make venv`")
    return subprocess.run(
        [str(ACTIONLINT), "-no-color", str(path)],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )


@pytest.fixture(scope="module")
def workflow() -> dict:
    # PyYAML reads the key `on` as True (YAML 1.1); put it back under its name.
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    data["on"] = data.pop(True)
    return data


def test_actionlint_passes() -> None:
    result = actionlint(WORKFLOW)
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_actionlint_catches_a_broken_copy(tmp_path: Path) -> None:
    broken = tmp_path / ".github/workflows/deploy.yml"
    broken.parent.mkdir(parents=True)
    text = WORKFLOW.read_text(encoding="utf-8")
    broken.write_text(text.replace("steps.pages.outputs.base_url", "steps.page.outputs.base_url"))
    result = actionlint(broken)
    assert result.returncode == 1
    assert 'property "page" is not defined' in result.stdout


def test_runs_on_main_and_daily(workflow: dict) -> None:
    assert workflow["on"]["push"] == {"branches": ["main"]}
    [schedule] = workflow["on"]["schedule"]
    minute, hour, day, month, weekday = schedule["cron"].split()
    assert (day, month, weekday) == ("*", "*", "*")
    assert minute.isdigit() and hour.isdigit()
    assert "pull_request" not in workflow["on"] and "pull_request_target" not in workflow["on"]


def test_two_deploys_never_race(workflow: dict) -> None:
    assert workflow["concurrency"] == {"group": "pages", "cancel-in-progress": False}


def test_permissions_are_least_privilege(workflow: dict) -> None:
    assert workflow["permissions"] == {"contents": "read"}
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    assert build["permissions"] == {"contents": "read", "pages": "read"}
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    # The job that can publish runs no repository code: one official action only.
    assert [step.get("uses", "").split("@")[0] for step in deploy["steps"]] == [
        "actions/deploy-pages"
    ]
    assert deploy["needs"] == "build"
    assert deploy["environment"]["name"] == "github-pages"


def test_builds_with_publishconf_and_the_pages_address(workflow: dict) -> None:
    steps = workflow["jobs"]["build"]["steps"]
    uses = [step.get("uses", "").split("@")[0] for step in steps]
    assert uses.index("actions/configure-pages") < uses.index("actions/upload-pages-artifact")
    [build] = [step for step in steps if "make publish" in step.get("run", "")]
    assert build["env"] == {"SITEURL": "${{ steps.pages.outputs.base_url }}"}
    [pages] = [step for step in steps if step.get("uses", "").startswith("actions/configure-pages")]
    assert pages["id"] == "pages"
    [upload] = [s for s in steps if s.get("uses", "").startswith("actions/upload-pages-artifact")]
    assert upload["with"] == {"path": "output"}
    [checkout] = [s for s in steps if s.get("uses", "").startswith("actions/checkout")]
    assert checkout["with"]["persist-credentials"] is False
