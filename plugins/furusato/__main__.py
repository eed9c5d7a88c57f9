"""Entry point: `python -m furusato ...` (the Makefile sets PYTHONPATH=plugins)."""

import sys

from .cli import main

sys.exit(main())
