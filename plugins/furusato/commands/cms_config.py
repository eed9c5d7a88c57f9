"""Write the web editor's configuration (theme/admin/config.yml) from the schemas and profiles.

`make cms-config` runs it; `--check` only says whether the committed copy is current, as a
test and CI do. The repository and branch come from the settings file (FURUSATO_REPOSITORY,
FURUSATO_BRANCH); without a repository the file has no `backend`, and the built /admin/ page
says which setting to add instead of starting the editor.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .. import cms
from ..entities import Prefecture


def text(prefectures: Iterable[Prefecture], settings: Mapping[str, Any]) -> str:
    """Return the text of config.yml for these profiles and settings."""
    config = cms.generate(
        prefectures, settings.get("FURUSATO_REPOSITORY"), settings.get("FURUSATO_BRANCH", "main")
    )
    return cms.dump(config)
