"""The engine's signals: how output families hear that a build reached a stage, without
importing each other or depending on the order of PLUGINS (as pelican-plugins/sitemap
listens to Pelican's own signals).

Every signal is sent once per build, in this order, by the engine alone.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# Sender: the Build. Every generator has written its pages; listeners may add files derived
# from the pages (the sitemap lists them), through build.writer.
pages_written = _signals.signal("furusato.pages_written")
# Sender: the Build. Every file of the site is made; listeners may add host configuration
# that describes the files (_headers), but no page.
output_complete = _signals.signal("furusato.output_complete")
# Sender: the BuildResult, after output/ was committed.
build_finished = _signals.signal("furusato.build_finished")
# Sender: the settings of a build that failed (the engine drops its staging folder and lock).
build_failed = _signals.signal("furusato.build_failed")

ALL = (pages_written, output_complete, build_finished, build_failed)
