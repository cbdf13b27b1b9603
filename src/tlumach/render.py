"""Markdown + translations -> translated Markdown (pure): the source skeleton kept, text substituted."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

import yaml

from tlumach.segment import Document, Role, Segment

Translations = Mapping[tuple[str | None, str], str]
Marker = Callable[[Segment], str]

# Line starts that would open a new block (CommonMark or Python-Markdown) inside a paragraph.
_BLOCK_START_RE = re.compile(
    r"^(?P<indent>[ \t]*)(?P<mark>#{1,6}(?=[ \t]|$)|>|`{3,}|~{3,}|[-*+](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$)"
    r"|(?:-[ \t]*){3,}$|(?:=[ \t]*)+$|(?:\*[ \t]*){3,}$|(?:_[ \t]*){3,}$|<(?=[A-Za-z/!?])|\|)"
)
# Python-Markdown attr_list at the end of a block: {: #id .class key=value } or {#id}
_TRAILING_ATTRS_RE = re.compile(r"\{:?[ \t]*[^{}\n]*\}[ \t]*$")
_UNESCAPED_PIPE_RE = re.compile(r"(?<!\\)\|")


def _neutralise_line(line: str) -> str:
    """Escape a translated line's leading marker so that it stays text in the same block."""
    match = _BLOCK_START_RE.match(line)
    if match is None:
        return line
    rest = line[match.end("indent") :]
    digits = re.match(r"\d*", rest).group()  # type: ignore[union-attr]
    return digits + "\\" + rest[len(digits) :]


def _neutralise_block(text: str) -> str:
    """Keep a translation inside one block: no blank lines, no new block markers, no attribute list."""
    lines = [line.strip(" \t") and line for line in text.split("\n")]
    lines = [line for line in lines if line]
    out = [_neutralise_line(line.lstrip(" \t") if i == 0 else line) for i, line in enumerate(lines)]
    if out and _TRAILING_ATTRS_RE.search(out[-1]):
        last = out[-1]
        brace = _TRAILING_ATTRS_RE.search(last).start()  # type: ignore[union-attr]
        out[-1] = last[:brace] + "\\" + last[brace:]
    return "\n".join(out)


def _yaml_scalar(value: str, quote: str) -> str:
    value = " ".join(value.split("\n"))
    if quote == "'":
        return "'" + value.replace("'", "''") + "'"
    if quote == "":
        try:
            if yaml.safe_load(f"k: {value}") == {"k": value} and "#" not in value:
                return value
        except yaml.YAMLError:
            pass
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")
    return f'"{escaped}"'


def format_translation(segment: Segment, translation: str, *, quote: str = "") -> str:
    """The text that replaces a segment's region in the source."""
    role = segment.role
    if role is Role.FRONT_MATTER:
        return _yaml_scalar(translation, segment.quote)
    if role.single_line:
        text = " ".join(part.strip() for part in translation.split("\n") if part.strip())
        if role is Role.TABLE_CELL:
            text = _UNESCAPED_PIPE_RE.sub(r"\\|", text)
        elif role in (Role.IMAGE_TITLE, Role.LINK_TITLE) and quote in "\"'":
            text = text.replace(quote, "\\" + quote) if quote else text
        elif role is Role.IMAGE_ALT:
            text = text.replace("]", "\\]")
        if role is Role.HEADING:
            text = _neutralise_block(text).replace("\n", " ")
        return text
    lines = _neutralise_block(translation).split("\n")
    out = [lines[0]]
    for index, line in enumerate(lines[1:]):
        joiner = segment.joiners[index] if index < len(segment.joiners) else "\n" + segment.continuation
        out.append(joiner + line)
    return "".join(out)


def render_markdown(
    document: Document, translations: Translations, *, mark_missing: Marker | None = None
) -> str:
    """The document with every translated segment substituted; the rest of the source kept byte for byte."""
    text = document.text
    out: list[str] = []
    position = 0
    for segment in document.segments:
        start, end = segment.spans[0].start, segment.spans[-1].end
        translation = translations.get((segment.context, segment.text))
        if not translation:
            if mark_missing is None:
                continue
            translation = mark_missing(segment)
        replacement = format_translation(segment, translation, quote=text[start - 1 : start])
        out.append(text[position:start])
        out.append(replacement)
        position = end
    out.append(text[position:])
    return "".join(out)
