"""A fast, exact analysis of the Markdown most translations are made of (pure).

One paragraph of prose with ``*emphasis*``, ``**strong**`` and ``[inline](https://links)`` is
analysed here with markdown-it's own rules for those constructs (its delimiter scan, its pairing
algorithm, its link normalisation and validation) without building a token stream, which is
about twenty times faster than a full parse. Anything else (code spans, raw HTML, escapes,
entities, images, underscores, reference links, titles, block markers, …) returns None and the
caller parses in full. ``tests/test_checks.py`` compares the two on many thousands of texts.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from markdown_it.common.normalize_url import normalizeLink, validateLink
from markdown_it.common.utils import isMdAsciiPunct, isPunctChar, isWhiteSpace
from markdown_it.rules_inline.balance_pairs import processDelimiters
from markdown_it.rules_inline.state_inline import Delimiter


@dataclass(frozen=True)
class InlineCounts:
    """What one paragraph holds: emphasis, strong and links (in order, normalised as markdown-it does)."""

    em: int
    strong: int
    urls: tuple[str, ...]


# Anything outside the subset: code, HTML and autolinks, escapes, entities, images, underscores,
# tables, strikethrough fences, carriage returns and NULs (markdown-it rewrites those first).
_OUTSIDE_RE = re.compile(r"[`<>\\&!_|~\r\x00]")
# Lines that could start another block: list items, headings, quotes, setext underlines,
# thematic breaks, indented code, blank lines.
_BLOCK_START_RE = re.compile(
    r"^[ \t]*(?:[-+*](?:[ \t]|$)|\d{1,9}[.)](?:[ \t]|$)|#{1,6}(?:[ \t]|$)|>|(?:=+|-+)[ \t]*$|(?:[-*][ \t]*){3,}$|$)"
    r"|^ {0,3}\t|^ {4}",
    re.MULTILINE,
)
# An inline link with no title, a destination without spaces, brackets or parentheses, and a label
# without brackets (so markdown-it's label scan ends at the first "]").
_LINK_RE = re.compile(r"\[([^\[\]]*)\]\(([^\s()<>\\\[\]&`!|\x00-\x1f\x7f]+)\)")
_STARS_RE = re.compile(r"\*+")


@functools.lru_cache(maxsize=4096)
def _link_target(destination: str) -> str | None:
    """The href markdown-it gives a destination, or None where it would not make a link."""
    href = normalizeLink(destination)
    return href if validateLink(href) else None


@functools.lru_cache(maxsize=4096)
def _kind(char: str) -> tuple[bool, bool]:
    """(whitespace, punctuation) of a character, as markdown-it's scanDelims classifies it."""
    return isWhiteSpace(ord(char)), isMdAsciiPunct(ord(char)) or isPunctChar(char)


Run = tuple[int, bool, bool]  # a run of "*": its length, whether it can open, whether it can close


def _runs(text: str, start: int, end: int, limit: int) -> tuple[Run, ...]:
    """Every ``*`` run in text[start:end], flanking as markdown-it's scanDelims sees it (posMax=limit)."""
    found: list[Run] = []
    for run in _STARS_RE.finditer(text, start, end):
        first, last = run.start(), run.end()
        before_space, before_punct = _kind(text[first - 1] if first > 0 else " ")
        after_space, after_punct = _kind(text[last] if last < limit else " ")
        left = not (after_space or (after_punct and not (before_space or before_punct)))
        right = not (before_space or (before_punct and not (after_space or after_punct)))
        found.append((last - first, left, right))
    return tuple(found)


@functools.lru_cache(maxsize=8192)
def _pairs(runs: tuple[Run, ...]) -> tuple[int, int]:
    """Emphasis and strong pairs of a sequence of runs: markdown-it's pairing and post-processing.

    The outcome depends on the runs alone (a run's characters are adjacent tokens, two runs never
    are), so it is cached: most paragraphs share a handful of shapes.
    """
    delimiters: list[Delimiter] = []
    token = 0
    for length, left, right in runs:
        for _ in range(length):
            delimiters.append(Delimiter(marker=0x2A, length=length, token=token, end=-1, open=left, close=right))
            token += 1
        token += 1  # text, a link or a line break always lies between two runs
    processDelimiters(None, delimiters)  # type: ignore[arg-type]  # it never reads the state
    em = strong = 0
    index = len(delimiters) - 1
    while index >= 0:
        opener = delimiters[index]
        if opener.end == -1:
            index -= 1
            continue
        closer = delimiters[opener.end]
        merged = (
            index > 0
            and delimiters[index - 1].end == opener.end + 1
            and delimiters[index - 1].token == opener.token - 1
            and delimiters[opener.end + 1].token == closer.token + 1
        )
        if merged:
            strong += 1
            index -= 1
        else:
            em += 1
        index -= 1
    return em, strong


def analyse_paragraph(text: str) -> InlineCounts | None:
    """Emphasis, strong and link targets of a one-paragraph text, or None when it needs a full parse."""
    if not text or isWhiteSpace(ord(text[0])) or isWhiteSpace(ord(text[-1])) or text[0].isspace() or text[-1].isspace():
        return None
    if _BLOCK_START_RE.search(text):
        return None
    links = list(_LINK_RE.finditer(text))
    if text.count("[") != len(links) or text.count("]") != len(links):
        return None  # a bracket that is not one of these links: markdown-it decides what it is
    # Outside link destinations (which may hold underscores and tildes), nothing of the rest.
    spans = [0, *(i for link in links for i in link.span(2)), len(text)]
    if any(_OUTSIDE_RE.search(text, spans[i], spans[i + 1]) for i in range(0, len(spans), 2)):
        return None
    urls: list[str] = []
    outer: list[Run] = []
    em = strong = 0
    cursor = 0
    for link in links:
        href = _link_target(link.group(2))
        if href is None:
            return None
        urls.append(href)
        outer += _runs(text, cursor, link.start(), len(text))
        # The label is tokenised on its own (markdown-it sets posMax to the label's end).
        inner_em, inner_strong = _pairs(_runs(text, link.start(1), link.end(1), link.end(1)))
        em, strong = em + inner_em, strong + inner_strong
        cursor = link.end()
    outer += _runs(text, cursor, len(text), len(text))
    outer_em, outer_strong = _pairs(tuple(outer))
    return InlineCounts(em + outer_em, strong + outer_strong, tuple(urls))
