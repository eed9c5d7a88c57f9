"""Entry point: `python -m furusato ...` (the Makefile sets PYTHONPATH=plugins)."""

import sys

from .commands.cli import main

sys.exit(main())
