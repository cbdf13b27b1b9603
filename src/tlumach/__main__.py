"""``python -m tlumach``."""

from __future__ import annotations

import sys

from tlumach.cli import main

sys.exit(main(sys.argv[1:]))
