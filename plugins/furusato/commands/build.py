"""Run Pelican with Furusato's settings and plugins, and say what the build did."""

from __future__ import annotations

import gc
import logging
import sys
import threading
import weakref
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..errors import BuildError

log = logging.getLogger(__name__)

PLUGINS = Path(__file__).resolve().parents[2]  # plugins/: the engine and the output families

# Builds running in this process (a second one, in another thread, is refused by the
# writer's lock, but must not disconnect the receivers the first one is still using).
_running = 0
_running_lock = threading.Lock()


def load_settings(settings_file: str | Path, **overrides: Any) -> dict[str, Any]:
    """Read a Pelican settings file with command-line overrides applied."""
    from pelican.settings import read_settings

    clean = {k: v for k, v in overrides.items() if v is not None}
    clean.setdefault("FURUSATO_SETTINGS_FILE", Path(settings_file).name)
    return read_settings(str(settings_file), override=clean)


def _engine_on_path() -> None:
    if str(PLUGINS) not in sys.path:
        sys.path.insert(0, str(PLUGINS))


def check_output(settings: dict[str, Any]) -> None:
    """Raise BuildError if the settings' output folder is a source folder (nothing is touched)."""
    _engine_on_path()
    from furusato_engine.writer import check_output_location

    check_output_location(Path(settings["OUTPUT_PATH"]), settings)


def build(
    settings: dict[str, Any],
    *,
    keep_documents: bool = False,
    focus: Iterable[str] | None = None,
) -> Any:
    """Build the site described by `settings` and return its BuildResult (files written,
    kept and deleted; seconds per stage); raise ContentError or BuildError on failure.

    `keep_documents` keeps the parsed documents in memory for the next build in this
    process (the devserver); otherwise they are freed when the build ends.

    `focus` (sources such as content/tottori/articles/x.md, the documents just saved) makes
    a focused run: only their own pages are made and put in place, and nothing else in
    output/ changes (the devserver's quick step). When only their text changed since this
    process's last load, they alone are read again (see `furusato.reading.loader.load`);
    otherwise the site is loaded and judged as in any build.

    output/ is replaced only when every generator succeeded (see the engine's writer).
    """
    from pelican import Pelican
    from pelican.log import console

    _engine_on_path()
    import furusato_engine

    console.quiet = True  # Pelican's summary counts its own (idle) article generator
    # Before Pelican or any plugin touches anything (the engine checks again, for `pelican`).
    check_output(settings)
    global _running
    with _running_lock:
        if _running == 0:
            _disconnect_everything()
        _running += 1
    results: list[Any] = []
    output = Path(settings["OUTPUT_PATH"])

    def keep(result: Any) -> None:
        if result.output == output:  # not another thread's build
            results.append(result)

    furusato_engine.signals.build_finished.connect(keep)
    furusato_engine.focus(settings, None if focus is None else frozenset(focus))
    try:
        wanted = list(settings.get("PLUGINS") or [])
        pelican = Pelican(settings)
        missing = [name for name in wanted if name not in pelican.settings["PLUGINS"]]
        if missing:
            raise BuildError(
                f"plugin(s) {', '.join(missing)} could not be loaded (see the messages "
                "above); the site would be incomplete, so nothing was built"
            )
        if furusato_engine.NAME not in furusato_engine.plugin_names(pelican.settings):
            raise BuildError(
                f"PLUGINS does not list {furusato_engine.NAME!r}, which loads the content and "
                "writes the output; add it to PLUGINS in the settings file"
            )
        # A build holds hundreds of thousands of long-lived objects (the parsed site), which
        # the cyclic garbage collector would traverse again and again: a quarter of a large
        # build. Nothing the build makes needs it, so it is paused until the build ends.
        collecting = gc.isenabled()
        gc.disable()
        try:
            pelican.run()
        except BaseException:
            furusato_engine.signals.build_failed.send(pelican.settings)
            raise
        finally:
            if collecting:
                # Everything the build made is still young. Left so, the first collections
                # after it would walk it all twice (as young, then as middle-aged objects):
                # at N = 10,000 about 0.4 s each, the second in the middle of the devserver's
                # next quick step. A process that builds again (the devserver) walks it once,
                # now, while the whole rebuild is waited for anyway, so that it reaches the
                # oldest generation, whose collections the interpreter paces as usual. Any
                # other build puts it there without looking at it (freeze, then unfreeze): a
                # one-shot build's process ends soon, and a quick step makes little.
                if keep_documents and focus is None:
                    gc.enable()
                    gc.collect(1)
                else:
                    gc.freeze()
                    gc.unfreeze()
                    gc.enable()
    finally:
        furusato_engine.signals.build_finished.disconnect(keep)
        furusato_engine.focus(settings, None)
        if not keep_documents:
            from ..reading.doccache import DocumentCache

            DocumentCache.close_all()
        with _running_lock:
            _running -= 1
    if not results:
        raise BuildError("the build ended without committing the output folder")
    return results[-1]


def _disconnect_everything() -> None:
    """Forget every receiver that earlier builds in this process connected.

    Pelican connects each plugin's receivers when it is constructed, and blinker keeps them
    for the life of the process: without this, a plugin of an earlier build (a test's, or
    the devserver's before its settings changed) would run in the next one, and generators
    would keep the order their plugins were first listed in.
    """
    from blinker import Signal
    from pelican import signals as pelican_signals

    import furusato_engine

    candidates = [*vars(pelican_signals).values(), *furusato_engine.signals.ALL]
    for signal in candidates:
        if isinstance(signal, Signal):
            for receiver in list(signal.receivers.values()):
                target = receiver() if isinstance(receiver, weakref.ref) else receiver
                if target is not None:
                    signal.disconnect(target)
