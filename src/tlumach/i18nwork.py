"""Work mkdocs-static-i18n 1.3 does that a tlumach site does not need, spared (its output unchanged).

**Alternates.** For every language build it looks up each page's version in every language: for
each (language, page) it walks the page's other files, making a full ``File`` of each
(``suffix.create_i18n_file``: paths, URL, locale) only to compare its locale and drop it unless it
is the one wanted. That is pages x languages^2 files per language build, pages x languages^3 in
all: in a build of 100 documents in 6 languages, 0.32 s of 9.8 s. A file's locale comes from its
name alone, so ``quicker_alternates`` wraps the function ``reconfigure_files_alternates``
receives: it makes a file only where the loop could keep it (in the language it looks for, or the
default one with ``fallback_to_default``) and hands back a bare locale otherwise. The alternates
are the same: ``tests/test_i18nwork.py`` compares them on many kinds of file name;
``bench/i18nalternates.py`` measures the lookup (100x5: 12,726 files made, 6,666 wrapped; 300x10:
218,526 and 69,531).

**The combined search index.** After the last language it puts every language's search entries
into the search plugin again and has it write them all as one index, at the site's root. The
tlumach plugin writes each language's own index from that language's entries, the root's
included, over that file. ``spare_combined_index`` skips the combined one whenever the plugin says
it will write them all (28 MB of JSON, 0.2 s, at 100 documents in 6 languages).

``tests/test_site.py`` builds the project's site with and without both: the same bytes.
"""

from __future__ import annotations

import functools
import posixpath
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File
from mkdocs_static_i18n.config import RE_LOCALE

#: The marker on a wrapped method, so that a plugin instance is wrapped once.
_MARK = "_tlumach_quicker"


def file_locale(src_uri: str, default_language: str, all_languages: Sequence[str]) -> str:
    """The locale ``suffix.create_i18n_file`` gives the file at src_uri (its name's last suffix, if a locale)."""
    return _name_locale(src_uri, default_language, tuple(all_languages))


@functools.lru_cache(maxsize=65536)
def _name_locale(src_uri: str, default_language: str, all_languages: tuple[str, ...]) -> str:
    stem = posixpath.splitext(posixpath.basename(src_uri))[0]  # File.name, as create_i18n_file's new File has it
    suffixes = Path("index" if stem == "README" else stem).suffixes
    if not suffixes:
        return default_language
    locale = suffixes[-1].replace(".", "")
    return locale if locale in all_languages or RE_LOCALE.match(locale) else default_language


class _Passed:
    """What the alternates loop gets for a file it would make and drop: only the locale it compares."""

    __slots__ = ("locale",)

    def __init__(self, locale: str) -> None:
        self.locale = locale


CreateFile = Callable[[File, str, str, list[str], Any], File]


def _only_keepable(create: CreateFile, fallback: bool) -> Callable[..., Any]:
    """create, for the files the alternates loop can keep; a bare locale for the others.

    The loop keeps a file in the language it looks for and, with ``fallback_to_default``, one in
    the default language; the language it looks for is the one it passes as the current language.
    """

    def create_if_kept(file: File, current_language: str, default_language: str, all_languages: list[str], config: Any) -> Any:
        locale = file_locale(file.src_uri, default_language, all_languages)
        if locale != current_language and not (fallback and locale == default_language):
            return _Passed(locale)
        return create(file, current_language, default_language, all_languages, config)

    return create_if_kept


def quicker_alternates(i18n: Any) -> bool:
    """Wrap the alternates lookup of a mkdocs-static-i18n plugin instance; False where it has none to wrap.

    Only the suffix structure is wrapped (the one tlumach uses); the folder structure takes a
    file's locale from its folder, and is left as it is.
    """
    if getattr(getattr(i18n, "config", None), "docs_structure", None) != "suffix":
        return False

    def wrapped(method: Callable[..., Any]) -> Callable[..., Any]:
        def reconfigure_files_alternates(i18n_src_uris: Any, alternates: Any, mkdocs_config: Any, create: CreateFile) -> Any:
            return method(i18n_src_uris, alternates, mkdocs_config, _only_keepable(create, i18n.config.fallback_to_default is True))

        return reconfigure_files_alternates

    return _wrap_once(i18n, "reconfigure_files_alternates", wrapped)


def spare_combined_index(i18n: Any, replaced: Callable[[Any], bool]) -> bool:
    """Skip the combined search index of a mkdocs-static-i18n plugin instance whenever ``replaced(config)``
    says every language's own index is written over it; False where it has no such step to wrap."""

    def wrapped(method: Callable[..., Any]) -> Callable[..., Any]:
        def reconfigure_search_index(config: Any) -> Any:
            return None if replaced(config) else method(config)

        return reconfigure_search_index

    return _wrap_once(i18n, "reconfigure_search_index", wrapped)


def _wrap_once(i18n: Any, name: str, wrapped: Callable[[Callable[..., Any]], Callable[..., Any]]) -> bool:
    """Replace a method on the plugin instance by ``wrapped(method)``, once; False if it has no such method."""
    method = getattr(i18n, name, None)
    if method is None:
        return False
    if not getattr(method, _MARK, False):
        replacement = functools.wraps(method)(wrapped(method))
        setattr(replacement, _MARK, True)
        setattr(i18n, name, replacement)
    return True
