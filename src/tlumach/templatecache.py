"""Each theme template compiled once for all the languages of a build, not once per language.

mkdocs makes a new Jinja environment for every build, and mkdocs-static-i18n runs one build per
language, so each template the theme renders is compiled again in every language: 209 compiles
(0.60-0.64 s of a 9.9 s build) at 100 documents in 6 languages. Jinja's own bytecode cache,
kept in memory and shared by the builds of one process, compiles each template once. The code a
template compiles to depends on its source and on the environment's syntax and extensions, so
both are in the key: Jinja checks the source's checksum (an edited template, under ``mkdocs
serve``, is compiled again), and the environment's settings are part of the key here. The pages
are byte for byte the same (``tests/test_templatecache.py``).
"""

from __future__ import annotations

from types import CodeType
from typing import Any

import jinja2
from jinja2.bccache import Bucket


def _setting(value: Any) -> Any:
    """A setting as part of a key: itself if plain data, else the name of the callable it is."""
    if value is None or isinstance(value, (bool, str, int, tuple)):
        return value
    return f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', type(value).__qualname__)}"


def _environment_key(environment: jinja2.Environment) -> tuple[Any, ...]:
    """What, besides a template's source, the code Jinja compiles it to depends on."""
    return (
        environment.block_start_string, environment.block_end_string,
        environment.variable_start_string, environment.variable_end_string,
        environment.comment_start_string, environment.comment_end_string,
        environment.line_statement_prefix, environment.line_comment_prefix,
        environment.trim_blocks, environment.lstrip_blocks, environment.newline_sequence,
        environment.keep_trailing_newline, environment.optimized, environment.is_async,
        _setting(environment.autoescape), _setting(environment.finalize), type(environment).__qualname__,
        tuple(sorted(environment.extensions)),
    )


class SharedTemplateCache(jinja2.BytecodeCache):
    """Compiled templates in memory, for every environment of one process (each build's)."""

    def __init__(self) -> None:
        self.compiled: dict[tuple[str, tuple[Any, ...]], tuple[str, CodeType]] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        found = self.compiled.get((bucket.key, _environment_key(bucket.environment)))
        if found is not None and found[0] == bucket.checksum:
            bucket.code = found[1]

    def dump_bytecode(self, bucket: Bucket) -> None:
        if bucket.code is not None:
            self.compiled[(bucket.key, _environment_key(bucket.environment))] = (bucket.checksum, bucket.code)


def share_compiled_templates(environment: jinja2.Environment, cache: SharedTemplateCache) -> None:
    """Let environment take and keep compiled templates in cache, unless it has a bytecode cache of its own."""
    if environment.bytecode_cache is None:
        environment.bytecode_cache = cache
