"""mkdocs hooks of the benchmark's floor (plain mkdocs on pre-translated pages, no tlumach plugin).

The tlumach plugin speeds up two things its dependencies do: mkdocs-static-i18n's lookup of every
page's alternates (tlumach.i18nwork) and the compiling of the theme's templates again in every
language (tlumach.templatecache). That is their work, not tlumach's, so the floor gets both, as
it gets tlumach.mdlinks, and the difference between a build and its floor is not flattered.
"""

from __future__ import annotations

from typing import Any

from tlumach.i18nwork import quicker_alternates
from tlumach.templatecache import SharedTemplateCache, share_compiled_templates

TEMPLATES = SharedTemplateCache()


def on_config(config: Any) -> None:
    quicker_alternates(config.plugins["i18n"])


def on_env(env: Any, config: Any, files: Any) -> Any:
    share_compiled_templates(env, TEMPLATES)
    return env
