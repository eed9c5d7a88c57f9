"""Shared fixtures: build the shipped demo site or a small fixture site into a temp folder."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from tests.sitebuild import REPO, SITES, build_site

# The per-user folder (cache key, compiled templates) of test runs, away from the real one;
# subprocesses inherit it.
os.environ.setdefault(
    "FURUSATO_USER_CACHE_DIR", str(Path(tempfile.gettempdir()) / f"furusato-tests-{os.getuid()}")
)


@pytest.fixture(scope="session")
def demo_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A complete build of the shipped demo site (built once per test session)."""
    out = tmp_path_factory.mktemp("demo") / "output"
    return build_site(REPO, out)


@pytest.fixture(scope="session")
def two_prefectures(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A build of tests/sites/two_prefectures (Tottori with content, Shimane almost empty)."""
    out = tmp_path_factory.mktemp("two") / "output"
    return build_site(SITES / "two_prefectures", out)
