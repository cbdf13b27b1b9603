"""tlumach: one statement, many languages, through gettext."""

from __future__ import annotations

__version__ = "0.1.0"
