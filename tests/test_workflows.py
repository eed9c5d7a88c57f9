"""The GitHub workflows pass actionlint and keep pull requests from forks harmless."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.sitebuild import REPO

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.y*ml"))
BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(BIN)) or shutil.which(name)
    assert found, f"{name} is missing: run `make venv` (it is pinned in requirements.lock)"
    return found


def _triggers(workflow: dict) -> dict:
    on = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return dict.fromkeys(on)
    return on or {}


def test_the_pull_request_workflow_exists():
    assert REPO / ".github/workflows/pr.yml" in WORKFLOWS


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_actionlint_finds_nothing(path):
    # shellcheck and pyflakes integration off: results must not depend on what else is installed
    done = subprocess.run(
        [_tool("actionlint"), "-no-color", "-shellcheck=", "-pyflakes=", str(path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stdout + done.stderr) == (0, "")


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_forks_cannot_get_write_access_or_secrets(path):
    text = path.read_text(encoding="utf-8")
    workflow = yaml.safe_load(text)
    triggers = _triggers(workflow)
    assert "pull_request_target" not in triggers
    if path.name != "preview-deploy.yml":  # held to its own rules below
        assert "workflow_run" not in triggers  # runs with write access after a fork's workflow
    if "pull_request" in triggers:
        assert workflow.get("permissions") == {"contents": "read"}
        for job in workflow["jobs"].values():
            assert "write" not in str(job.get("permissions", "")), job
        assert "secrets." not in text


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_actions_are_pinned(path):
    uses = re.findall(r"^\s*(?:-\s*)?uses:\s*(\S+)", path.read_text(encoding="utf-8"), re.M)
    for action in uses:
        if action.startswith(("./", "docker://")):
            continue
        assert re.search(r"@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$", action), action


def test_pr_workflow_checks_tests_builds_and_uploads_a_preview():
    workflow = yaml.safe_load((REPO / ".github/workflows/pr.yml").read_text(encoding="utf-8"))
    steps = [s for job in workflow["jobs"].values() for s in job["steps"]]
    runs = [s.get("run") for s in steps if "run" in s]
    # RELATIVE=1: the downloaded preview opens from disk (tests/quality/test_preview_from_disk.py)
    assert runs == [
        "make venv",
        KEY_FOLDER_STEP,
        "make check",
        "bash .ci/run",
        "make html RELATIVE=1",
        "PYTHONPATH=plugins .venv/bin/python -m furusato codeowners --check",
    ]
    upload = [s for s in steps if s.get("uses", "").startswith("actions/upload-artifact@")]
    assert [s["with"]["path"] for s in upload] == ["output/"]
    # Debian's real chromium package (Ubuntu's is a snap stub), as on the project's CI machine
    assert workflow["jobs"]["check-test-preview"]["container"] == "python:3.11-bookworm"


def test_pre_commit_config_is_valid_and_runs_the_locked_ruff():
    config_path = REPO / ".pre-commit-config.yaml"
    done = subprocess.run(
        [_tool("pre-commit"), "validate-config", str(config_path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    hooks = {h["id"]: h for repo in config["repos"] for h in repo["hooks"]}
    assert all(repo["repo"] == "local" for repo in config["repos"])  # works offline
    assert hooks["furusato-check"]["entry"] == "make check"
    assert hooks["ruff-check"]["entry"].startswith(".venv/bin/ruff check")
    assert hooks["ruff-format"]["entry"].startswith(".venv/bin/ruff format")
    lock = (REPO / "requirements.lock").read_text(encoding="utf-8")
    pinned = re.search(r"^ruff==(\S+)", lock, re.M).group(1)
    version = subprocess.run(
        [_tool("ruff"), "--version"], capture_output=True, text=True, check=True
    ).stdout.split()
    assert version == ["ruff", pinned]


def test_pull_request_template_has_a_checklist():
    text = (REPO / ".github/pull_request_template.md").read_text(encoding="utf-8")
    assert len(re.findall(r"^- \[ \] ", text, re.M)) >= 6
    assert "make check" in text


# --- the optional deploy-preview workflow ------------------------------------------------------

PREVIEW = REPO / ".github/workflows/preview-deploy.yml"
# What a step may run: GitHub's CLI, the pinned Cloudflare CLI, shell built-ins. Nothing from
# the repository (make, scripts, python, npm install of its package.json).
_REPOSITORY_CODE = re.compile(
    r"\b(make|python3?|pip|bash|sh|npm (?:ci|install|run)|node|pytest|furusato)\b|\./|\.ci/|"
    r"plugins/|\.venv"
)


def _preview() -> tuple[dict, dict]:
    workflow = yaml.safe_load(PREVIEW.read_text(encoding="utf-8"))
    (job,) = workflow["jobs"].values()
    return workflow, job


def test_preview_deploy_runs_after_the_pull_request_workflow_only():
    workflow, job = _preview()
    pr_name = yaml.safe_load((REPO / ".github/workflows/pr.yml").read_text())["name"]
    assert _triggers(workflow) == {"workflow_run": {"workflows": [pr_name], "types": ["completed"]}}
    condition = " ".join(job["if"].split())
    assert "vars.PREVIEW_PAGES_PROJECT != ''" in condition  # off until set up
    assert "github.event.workflow_run.event == 'pull_request'" in condition
    assert "github.event.workflow_run.conclusion == 'success'" in condition


def test_preview_deploy_has_minimal_permissions():
    workflow, job = _preview()
    assert workflow["permissions"] == {}
    assert job["permissions"] == {"actions": "read", "pull-requests": "write"}


def test_preview_deploy_never_checks_out_or_runs_the_pull_requests_code():
    _, job = _preview()
    text = PREVIEW.read_text(encoding="utf-8")
    assert "actions/checkout" not in text and "ref:" not in text
    uses = [s["uses"] for s in job["steps"] if "uses" in s]
    assert [u.split("@")[0] for u in uses] == ["actions/download-artifact"]
    download = next(s for s in job["steps"] if "uses" in s)
    assert download["with"]["run-id"] == "${{ github.event.workflow_run.id }}"
    assert download["with"]["name"] == "site-preview-pr-${{ steps.pr.outputs.number }}"
    for step in job["steps"]:
        script = step.get("run", "")
        assert not _REPOSITORY_CODE.search(script), (step["name"], script)
        assert "${{" not in script, step["name"]  # values reach the shell as variables only
    scripts = "\n".join(s.get("run", "") for s in job["steps"])
    assert "npx --yes wrangler@4.164.0 pages deploy site" in scripts  # pinned, the built files
    # the pull request is found from the trusted event, its commit compared
    assert job["env"]["HEAD_SHA"] == "${{ github.event.workflow_run.head_sha }}"
    assert '.head.sha == \\"$HEAD_SHA\\"' in scripts


def test_preview_deploy_uses_secrets_only_in_the_publishing_step():
    _, job = _preview()
    for step in job["steps"]:
        if "secrets." in str(step):
            assert step["name"].startswith("Publish it to the preview project")
    assert "secrets." not in str(job["env"])


# The content cache: saved by the default branch's deploy workflow only, restored read-only by
# pull requests; sealed by a key kept beside the checkout (never inside it), cached with it.
KEY_FOLDER_STEP = (
    'echo "FURUSATO_USER_CACHE_DIR=$(dirname "$GITHUB_WORKSPACE")/furusato-user" >> "$GITHUB_ENV"'
)
CACHE_PATHS = [".furusato-cache/documents", "../furusato-user/key"]
CACHE_ACTIONS = ("actions/cache@", "actions/cache/restore@", "actions/cache/save@")


def _steps(path: Path) -> list[dict]:
    workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def _cache_steps(path: Path) -> list[dict]:
    return [s for s in _steps(path) if s.get("uses", "").startswith(CACHE_ACTIONS)]


def _check_key(step: dict) -> str:
    key = step["with"]["key"]
    # The locked dependencies and the code that parses content; the run id makes every save
    # a new entry (a cache entry is never overwritten), found again by the prefixes.
    assert "hashFiles('requirements.lock', 'package-lock.json')" in key
    assert "hashFiles('plugins/**/*.py')" in key
    assert key.endswith("-${{ github.run_id }}")
    return key


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_no_workflow_a_pull_request_runs_can_save_a_cache(path):
    if "pull_request" not in _triggers(yaml.safe_load(path.read_text(encoding="utf-8"))):
        return
    for step in _cache_steps(path):
        assert step["uses"].startswith("actions/cache/restore@"), step  # never save, nor cache@


def test_pull_requests_restore_the_default_branchs_content_cache_before_checking():
    path = REPO / ".github/workflows/pr.yml"
    steps = _steps(path)
    [restore] = _cache_steps(path)
    assert restore["with"]["path"].split() == CACHE_PATHS
    key = _check_key(restore)
    prefixes = restore["with"]["restore-keys"].splitlines()
    assert prefixes and all(key.startswith(prefix) for prefix in prefixes)
    assert prefixes == sorted(prefixes, key=len, reverse=True)  # the closest match first
    runs = [step.get("run") for step in steps]
    where = steps.index(restore)
    assert runs.index(KEY_FOLDER_STEP) < where < runs.index("make check")
    assert where < runs.index("make html RELATIVE=1")


def test_only_the_deploy_workflow_saves_the_cache_pull_requests_restore():
    deploy = REPO / ".github/workflows/deploy.yml"
    assert "pull_request" not in _triggers(yaml.safe_load(deploy.read_text(encoding="utf-8")))
    steps = _steps(deploy)
    restore, save = _cache_steps(deploy)
    assert restore["uses"].startswith("actions/cache/restore@")
    assert save["uses"].startswith("actions/cache/save@")
    runs = [step.get("run") for step in steps]
    assert runs.index(KEY_FOLDER_STEP) < steps.index(restore) < runs.index("make publish")
    assert runs.index("make publish") < steps.index(save)
    [pr_restore] = _cache_steps(REPO / ".github/workflows/pr.yml")
    for step in (restore, save):
        assert step["with"]["path"].split() == CACHE_PATHS
        assert _check_key(step) == _check_key(pr_restore)
    assert restore["with"]["restore-keys"] == pr_restore["with"]["restore-keys"]
    saved = [
        (p.name, s["uses"]) for p in WORKFLOWS for s in _cache_steps(p) if "/save@" in s["uses"]
    ]
    assert saved == [("deploy.yml", save["uses"])]


def test_check_and_build_say_how_long_they_took_in_actions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from furusato.commands import cli
    from tests.sitebuild import TODAY, copy_site

    root = copy_site("two_prefectures", tmp_path / "site")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    notices = []
    for _run in range(2):
        assert cli.main(["check", "--root", str(root)]) == 0
        notices += [line for line in capsys.readouterr().out.splitlines() if "::notice" in line]
    first, again = notices
    pattern = r"::notice title=Check time::checked (\d+) documents in \d+\.\d s \((\d+) read from"
    documents, hits = map(int, re.match(pattern, first).groups())
    assert documents > 5 and hits == 0
    assert re.match(pattern, again).groups() == (str(documents), str(documents))  # all cached
    monkeypatch.chdir(root)
    (root / "pelicanconf.py").symlink_to(REPO / "pelicanconf.py")
    (root / "theme").symlink_to(REPO / "theme")
    (root / "plugins").symlink_to(REPO / "plugins")
    out = tmp_path / "output"
    assert cli.main(["build", "--output", str(out), "--today", TODAY]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert re.fullmatch(
        rf"::notice title=Build time::built {re.escape(str(out))}/ in \d+\.\d s", lines[-1]
    )
    monkeypatch.setenv("GITHUB_ACTIONS", "false")
    assert cli.main(["check", "--root", str(root)]) == 0
    assert "::notice" not in capsys.readouterr().out
