"""The second line of defence: translated HTML cleaned by nh3 on an allowlist the theme needs."""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

import nh3

ALLOWED_TAGS: frozenset[str] = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "details", "div", "dl",
        "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd",
        "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span", "strong", "sub", "summary", "sup",
        "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul", "var",
    }
)
_COMMON = {"id", "class", "title", "lang", "dir"}
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "*": _COMMON,
    "a": _COMMON | {"href", "hreflang"},
    "img": _COMMON | {"src", "alt", "width", "height", "loading"},
    "td": _COMMON | {"align", "colspan", "rowspan"},
    "th": _COMMON | {"align", "colspan", "rowspan", "scope"},
    "time": _COMMON | {"datetime"},
    "ol": _COMMON | {"start"},
}
URL_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto"})


def sanitize_html(fragment: str) -> str:
    """Remove scripts, event handlers, styles, frames, forms and non-http(s)/mailto URLs (pure)."""
    return nh3.clean(
        fragment,
        tags=set(ALLOWED_TAGS),
        attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel=None,
        strip_comments=True,
    )


def usable_cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def workers_beside(builds: int) -> int | None:
    """The ``sanitize_workers`` of each of ``builds`` site builds run side by side: 0 (clean in
    line) when they already have a core each, else None (the plugin's default, one worker)."""
    return 0 if builds >= usable_cores() else None


class BackgroundSanitizer:
    """Translated pages cleaned by :func:`sanitize_html` in a worker process while the build goes on.

    mkdocs converts every page of a language before it renders any: a page sent here when it has
    been converted is taken back cleaned before the templates run, and the build's own process
    only sends and receives it. With no worker (``workers=0``), or once the worker has failed, a
    page is cleaned in line; the bytes are the same either way.
    """

    def __init__(self, *, workers: int) -> None:
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self._broken = False

    def start(self, fragment: str) -> Cleaning:
        """Begin cleaning ``fragment``; :meth:`result` gives it back cleaned."""
        if self.workers <= 0 or self._broken:
            return Cleaning(fragment, None)
        if self._pool is None:
            # fork: the worker has tlumach and nh3 imported already; the build runs no threads here
            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=multiprocessing.get_context("fork"))
        try:
            return Cleaning(fragment, self._pool.submit(sanitize_html, fragment))
        except (BrokenProcessPool, RuntimeError, OSError):
            self._broken = True
            return Cleaning(fragment, None)

    def result(self, cleaning: Cleaning, fragment: str) -> str:
        """``fragment`` cleaned: the worker's result if it is what was sent, else cleaned in line."""
        if cleaning.future is None or fragment != cleaning.fragment:  # (the same object compares at once)
            return sanitize_html(fragment)  # not sent, or changed since (by another plugin)
        try:
            return cleaning.future.result()
        except BrokenProcessPool:
            self._broken = True
            return sanitize_html(fragment)

    def close(self) -> None:
        """Stop the worker (the next :meth:`start` starts another)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


@dataclass(frozen=True)
class Cleaning:
    """A fragment on its way through :class:`BackgroundSanitizer` (no future: to be cleaned in line)."""

    fragment: str
    future: Future[str] | None
