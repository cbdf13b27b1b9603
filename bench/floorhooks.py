"""mkdocs hooks of the benchmark's floor (plain mkdocs on pre-translated pages, no tlumach plugin).

The tlumach plugin makes mkdocs-static-i18n's lookup of every page's alternates cheaper
(tlumach.i18nfiles): mkdocs-static-i18n's work, not tlumach's, so the floor gets it too, as it
gets tlumach.mdlinks, and the difference between a build and its floor is not flattered.
"""

from __future__ import annotations

from typing import Any

from tlumach.i18nfiles import quicker_alternates


def on_config(config: Any) -> None:
    quicker_alternates(config.plugins["i18n"])
