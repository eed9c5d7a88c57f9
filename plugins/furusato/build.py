"""Run Pelican with Furusato's settings and plugins; the one module here that imports Pelican."""

from __future__ import annotations

import gc
import logging
import shutil
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


class BuildError(Exception):
    """The site could not be built for a reason other than contributors' content."""


def load_settings(settings_file: str | Path, **overrides: Any) -> dict[str, Any]:
    """Read a Pelican settings file with command-line overrides applied."""
    from pelican.settings import read_settings

    clean = {k: v for k, v in overrides.items() if v is not None}
    return read_settings(str(settings_file), override=clean)


def build(settings: dict[str, Any]) -> None:
    """Build the site described by `settings`; raise ContentError or BuildError on failure.

    output/ is replaced only when every generator succeeded (see the safe_output plugin).
    """
    from pelican import Pelican
    from pelican.log import console

    console.quiet = True  # Pelican's summary counts its own (idle) article generator
    output = Path(settings["OUTPUT_PATH"]).resolve()
    wanted = list(settings.get("PLUGINS") or [])
    pelican = Pelican(settings)
    missing = [name for name in wanted if name not in pelican.settings["PLUGINS"]]
    if missing:
        raise BuildError(
            f"plugin(s) {', '.join(missing)} could not be loaded (see the messages above); "
            "the site would be incomplete, so nothing was built"
        )
    # A build holds hundreds of thousands of long-lived objects (the parsed site), which the
    # cyclic garbage collector would traverse again and again: a quarter of a large build.
    # Nothing the build makes needs it, so it is paused until the build ends.
    collecting = gc.isenabled()
    gc.disable()
    try:
        pelican.run()
    except BaseException:
        shutil.rmtree(output.parent / f".{output.name}.staging", ignore_errors=True)
        raise
    finally:
        if collecting:
            gc.enable()
