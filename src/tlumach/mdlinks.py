"""A Python-Markdown extension: the same links and images, found in a fraction of the time (pure).

Python-Markdown (3.11) finds where the ``[...]`` of a link or image closes by working out, for
every position of the paragraph's text, where the bracket open there would close
(``LinkInlineProcessor._findBracketEnds``, one Python step per character). It does that again
for each new version of the text, and the text changes after every link, emphasis or code span
it replaces, and each of its six link and image processors keeps its own copy. In a paragraph with
links that is most of the conversion: on the benchmark corpus's pages it is a third of
Python-Markdown's time (``bench/linktime.py``).

``bracket_ends`` gives the same list, stepping in Python only from one bracket to the next (the
positions between two brackets share their answer, filled in one slice), and the processors of
one Markdown instance share the list of the text they last saw. Output is unchanged:
``tests/test_mdlinks.py`` compares the lists with Python-Markdown's own on many thousands of texts,
and the HTML of whole pages with and without the extension.

List it last under ``markdown_extensions`` in mkdocs.yml (``- tlumach.mdlinks``), after any
extension that adds link processors. With a Python-Markdown that has no ``_findBracketEnds`` it
changes nothing.
"""

from __future__ import annotations

import re
from typing import Any

from markdown import Markdown  # type: ignore[import-untyped]
from markdown.extensions import Extension  # type: ignore[import-untyped]
from markdown.inlinepatterns import LinkInlineProcessor  # type: ignore[import-untyped]

_BRACKET_RE = re.compile(r"[\[\]]")


def bracket_ends(data: str) -> list[int | None]:
    """For each index of data, the index just past the ``]`` that closes a bracket opened before
    it (None: it never closes), as Python-Markdown's ``_findBracketEnds``."""
    ends: list[int | None] = [None] * (len(data) + 1)
    depth = 0
    # Runs of positions with the same bracket depth before them: (first, last, depth). Each run ends
    # at a bracket; the depths on the stack never decrease from bottom to top.
    waiting: list[tuple[int, int, int]] = []
    first = 0
    for match in _BRACKET_RE.finditer(data):
        bracket = match.start()
        waiting.append((first, bracket, depth))
        if data[bracket] == "[":
            depth += 1
        else:
            depth -= 1
            while waiting and depth < waiting[-1][2]:
                start, last, _depth = waiting.pop()
                ends[start : last + 1] = [bracket + 1] * (last + 1 - start)
        first = bracket + 1
    return ends


class _SharedEnds:
    """``bracket_ends`` of the text last asked about, for every link processor of one Markdown."""

    def __init__(self) -> None:
        self.data: str | None = None
        self.ends: list[int | None] = []

    def __call__(self, data: str) -> list[int | None]:
        if data is not self.data:  # the processors compare by identity too
            self.data, self.ends = data, bracket_ends(data)
        return self.ends


_STOCK = getattr(LinkInlineProcessor, "_findBracketEnds", None)


class FasterLinks(Extension):
    """Give every link and image processor that uses Python-Markdown's own bracket scan the faster one."""

    def extendMarkdown(self, md: Markdown) -> None:
        if _STOCK is None:
            return  # another Python-Markdown: nothing of this to replace
        shared = _SharedEnds()
        for processor in md.inlinePatterns:
            if isinstance(processor, LinkInlineProcessor) and getattr(type(processor), "_findBracketEnds", None) is _STOCK:
                # An instance attribute comes before the class's static method in getText's lookup.
                processor._findBracketEnds = shared


def makeExtension(**kwargs: Any) -> FasterLinks:  # noqa: N802  # the name Python-Markdown looks for
    return FasterLinks(**kwargs)
