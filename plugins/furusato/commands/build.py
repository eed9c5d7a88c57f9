"""Run Pelican with Furusato's settings and plugins; the one module here that imports Pelican."""

from __future__ import annotations

import gc
import logging
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

    import safe_output

    console.quiet = True  # Pelican's summary counts its own (idle) article generator
    # Before Pelican or any plugin touches anything (safe_output checks again, for `pelican`).
    safe_output.check_output_location(Path(settings["OUTPUT_PATH"]), settings)
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
        # Only this build's own staging folder and lock: never those of a build running
        # at the same time (whose lock may be the very reason this one failed).
        safe_output.abandon(pelican.settings)
        raise
    finally:
        if collecting:
            gc.enable()
