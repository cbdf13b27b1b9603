"""Markdown text -> segments (pure): one message per block, inline markup kept as Markdown."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from tlumach.errors import SourceError
from tlumach.segment import Document, Role, Segment, Span

#: Front-matter keys whose values are prose to translate.
FRONT_MATTER_FIELDS: tuple[str, ...] = ("title", "description", "label")

# Blocks are all extraction needs: inline markup stays in the message as written, so the inline
# pass (two thirds of the parse) is off.
_PARSER = MarkdownIt("commonmark").enable("table").disable(["inline", "text_join"])
_FIELD_RE = re.compile(r"([A-Za-z_][\w-]*):[ \t]*(.*?)[ \t]*$")
_ATX_RE = re.compile(r"^ {0,3}#{1,6}(?:[ \t]+|$)")
_ATTR_LIST_RE = re.compile(r"[ \t]*\{[^{}\n]*\}$")
_ATX_CLOSE_RE = re.compile(r"(?:[ \t]+#+)?[ \t]*$")
_REFERENCE_RE = re.compile(
    r" {0,3}\[[^\]]+\]:[ \t]*\S+[ \t]+(?:\"(?P<d>[^\"]*)\"|'(?P<s>[^']*)'|\((?P<p>[^)]*)\))[ \t]*$"
)
_IMAGE_RE = re.compile(r"!\[(?P<alt>(?:\\.|[^\]\\])*)\]\((?P<src><[^>]*>|[^\s)]*)(?:\s+\"(?P<title>(?:\\.|[^\"\\])*)\")?\s*\)")
# A quoted one-line scalar YAML reads as it is written: no escape, no quote of its kind inside,
# only characters YAML accepts and none it folds as a line break (NEL, U+2028, U+2029).
_PLAIN_QUOTED_RE = {
    q: re.compile(rf"{q}[\t\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]*{q}")
    for q in ("'", '"')
}
_MARKER_RE = re.compile(r"(?:[-*+]|\d{1,9}[.)])(?=[ \t]|$)")


def split_front_matter(text: str) -> int:
    """Return the offset where the body starts (0 when there is no YAML front matter)."""
    if not text.startswith("---\n"):
        return 0
    pos = 4
    while pos <= len(text):
        end = text.find("\n", pos)
        line = text[pos:] if end < 0 else text[pos:end]
        if line.rstrip() in ("---", "..."):
            return len(text) if end < 0 else end + 1
        if end < 0:
            break
        pos = end + 1
    return 0


def _line_starts(text: str) -> list[int]:
    starts = [0]
    for match in re.finditer("\n", text):
        starts.append(match.end())
    return starts


def _decode_scalar(raw: str, *, path: str, line: int) -> tuple[str, str]:
    """Decode a one-line YAML scalar; return (value, quote style)."""
    if raw[:1] in "|>":
        raise SourceError(
            "block scalars are not supported for translatable front-matter fields; "
            "write the value on one line in double quotes",
            path=path,
            line=line,
        )
    if raw[:1] in ("'", '"'):
        inner = raw[1:-1]
        if len(raw) > 1 and raw[0] not in inner and "\\" not in inner and _PLAIN_QUOTED_RE[raw[0]].fullmatch(raw):
            return inner, raw[0]  # what yaml.safe_load gives, about 70 times faster
        try:
            value = yaml.safe_load(raw)
        except yaml.YAMLError as exc:
            raise SourceError(f"cannot read the quoted value: {getattr(exc, 'problem', exc)}", path=path, line=line) from exc
        if not isinstance(value, str):
            raise SourceError("the value must be a string", path=path, line=line)
        return value, raw[0]
    return raw, ""


def _front_matter_segments(text: str, body_start: int, *, path: str) -> list[Segment]:
    segments: list[Segment] = []
    pos, number = 4, 2
    while pos < body_start:
        end = text.find("\n", pos)
        end = body_start if end < 0 or end > body_start else end
        match = _FIELD_RE.match(text, pos, end)
        if match and match.group(1) in FRONT_MATTER_FIELDS and match.group(2):
            value, quote = _decode_scalar(match.group(2), path=path, line=number)
            if value.strip():
                span = Span(match.start(2), match.end(2))
                segments.append(
                    Segment(value, Role.FRONT_MATTER, number, (span,), field=match.group(1), quote=quote)
                )
        pos, number = end + 1, number + 1
    return segments


def _continuation(prefix: str) -> str:
    """The prefix of a continuation line, from the prefix of a block's first line."""
    out: list[str] = []
    index = 0
    while index < len(prefix):
        marker = _MARKER_RE.match(prefix, index)
        if marker and (index == 0 or prefix[index - 1] in " \t>"):
            out.append(" " * (marker.end() - index))
            index = marker.end()
        else:
            out.append(prefix[index])
            index += 1
    return "".join(out)


def _role_of(tokens: Sequence[Token], index: int, containers: Sequence[str]) -> Role:
    opener = tokens[index - 1].type
    if opener == "heading_open":
        return Role.HEADING
    for container in reversed(containers):
        if container == "list_item_open":
            return Role.LIST_ITEM
        if container == "blockquote_open":
            return Role.BLOCKQUOTE
    return Role.PARAGRAPH


def _block_spans(
    text: str, starts: list[int], first: int, content: str, *, path: str
) -> tuple[Span, ...]:
    """Locate each line of an inline block's content in the source lines it came from."""
    spans: list[Span] = []
    for offset, piece in enumerate(content.split("\n")):
        number = first + offset
        line_start = starts[number]
        line_end = starts[number + 1] - 1 if number + 1 < len(starts) else len(text)
        line = text[line_start:line_end]
        stripped = line.rstrip(" \t") if offset == content.count("\n") else line
        column = len(stripped) - len(piece)
        if column < 0 or stripped[column:] != piece:
            column = line.find(piece)
            if column < 0:
                raise SourceError("cannot locate this block's text in its source line", path=path, line=number + 1)
        spans.append(Span(line_start + column, line_start + column + len(piece)))
    return tuple(spans)


def _without_attr_list(text: str, spans: tuple[Span, ...], content: str) -> tuple[tuple[Span, ...], str]:
    """Leave a block's trailing Python-Markdown attribute list ``{: …}`` in the skeleton."""
    last = spans[-1]
    match = _ATTR_LIST_RE.search(text, last.start, last.end)
    if match is None or match.end() != last.end:
        return spans, content
    cut = match.start()
    while cut > last.start and text[cut - 1] in " \t":
        cut -= 1
    if cut == last.start and len(spans) > 1:
        return spans[:-1], content[: content.rfind("\n")]
    spans = (*spans[:-1], Span(last.start, cut))
    return spans, content[: len(content) - (last.end - cut)]


def _heading_segment(text: str, starts: list[int], number: int, *, path: str) -> Segment | None:
    line_start = starts[number]
    line_end = starts[number + 1] - 1 if number + 1 < len(starts) else len(text)
    line = text[line_start:line_end]
    opener = _ATX_RE.match(line)
    if opener is None:
        return None
    body = line[opener.end() :]
    body = body[: _ATX_CLOSE_RE.search(body).start()]  # type: ignore[union-attr]
    attrs = _ATTR_LIST_RE.search(body)
    if attrs:
        body = body[: attrs.start()]
    if not body.strip():
        return None
    start = line_start + opener.end()
    return Segment(body, Role.HEADING, number + 1, (Span(start, start + len(body)),))


def _image_segments(text: str, span: Span, number: int) -> list[Segment]:
    """An image standing alone in a paragraph gives its alt text and title as messages."""
    match = _IMAGE_RE.fullmatch(text, span.start, span.end)
    if match is None:
        return []
    found: list[Segment] = []
    for group, role in (("alt", Role.IMAGE_ALT), ("title", Role.IMAGE_TITLE)):
        if match.group(group):
            found.append(Segment(match.group(group), role, number, (Span(match.start(group), match.end(group)),)))
    return found


def _split_row(line: str) -> list[tuple[int, int]]:
    """Cell (start, end) columns of a table row, split on unescaped pipes, trimmed."""
    cells: list[tuple[int, int]] = []
    bounds = [i for i, ch in enumerate(line) if ch == "|" and (i == 0 or line[i - 1] != "\\")]
    edges = [-1, *bounds, len(line)]
    for left, right in zip(edges, edges[1:]):
        start, end = left + 1, right
        while start < end and line[start] in " \t":
            start += 1
        while end > start and line[end - 1] in " \t":
            end -= 1
        cells.append((start, end))
    if bounds and not line[: bounds[0]].strip():
        cells = cells[1:]
    if bounds and not line[bounds[-1] + 1 :].strip():
        cells = cells[:-1]
    return cells


def _table_segments(text: str, starts: list[int], token: Token, base: int) -> list[Segment]:
    assert token.map is not None
    number = base + token.map[0]
    line_start = starts[number]
    line_end = starts[number + 1] - 1 if number + 1 < len(starts) else len(text)
    line = text[line_start:line_end]
    prefix = len(line) - len(line.lstrip(" \t>"))
    found: list[Segment] = []
    for start, end in _split_row(line[prefix:]):
        if end > start:
            span = Span(line_start + prefix + start, line_start + prefix + end)
            found.append(Segment(text[span.start : span.end], Role.TABLE_CELL, number + 1, (span,)))
    return found


def _covered_lines(tokens: Iterable[Token]) -> set[int]:
    covered: set[int] = set()
    for token in tokens:
        if token.map is not None and token.level == 0:
            covered.update(range(token.map[0], token.map[1]))
    return covered


def _body_segments(text: str, body_start: int, *, path: str) -> list[Segment]:
    starts = _line_starts(text)
    base = text.count("\n", 0, body_start)
    tokens = _PARSER.parse(text[body_start:])
    segments: list[Segment] = []
    containers: list[str] = []
    for index, token in enumerate(tokens):
        if token.type in ("blockquote_open", "list_item_open"):
            containers.append(token.type)
        elif token.type in ("blockquote_close", "list_item_close"):
            containers.pop()
        elif token.type == "tr_open":
            segments.extend(_table_segments(text, starts, token, base))
        elif token.type == "inline" and tokens[index - 1].type in ("heading_open", "paragraph_open"):
            assert token.map is not None
            first = base + token.map[0]
            role = _role_of(tokens, index, containers)
            if role is Role.HEADING:
                heading = _heading_segment(text, starts, first, path=path)
                if heading is not None:
                    segments.append(heading)
                    continue
            if not token.content.strip():
                continue
            spans = _block_spans(text, starts, first, token.content, path=path)
            images = _image_segments(text, spans[0], first + 1) if len(spans) == 1 else []
            if images:
                segments.extend(images)
                continue
            spans, content = _without_attr_list(text, spans, token.content)
            if not content.strip():
                continue
            prefix = text[starts[first] : spans[0].start]
            joiners = tuple(text[a.end : b.start] for a, b in zip(spans, spans[1:]))
            segments.append(
                Segment(content, role, first + 1, spans, continuation=_continuation(prefix), joiners=joiners)
            )
    covered = _covered_lines(tokens)
    for number in range(base, len(starts)):
        if number - base in covered:
            continue
        line_end = starts[number + 1] - 1 if number + 1 < len(starts) else len(text)
        match = _REFERENCE_RE.match(text, starts[number], line_end)
        if match:
            group = next(g for g in ("d", "s", "p") if match.group(g) is not None)
            if match.group(group).strip():
                span = Span(match.start(group), match.end(group))
                segments.append(Segment(match.group(group), Role.LINK_TITLE, number + 1, (span,)))
    return segments


def _assign_contexts(segments: list[Segment]) -> list[Segment]:
    """Front matter always has a msgctxt; body text gets one only when one text has two roles."""
    labels: dict[str, set[str]] = defaultdict(set)
    for segment in segments:
        labels[segment.text].add(segment.label)
    out: list[Segment] = []
    for segment in segments:
        if segment.role is Role.FRONT_MATTER or len(labels[segment.text]) > 1:
            segment = replace(segment, context=segment.label)
        out.append(segment)
    return out


def extract_segments(text: str, *, path: str) -> list[Segment]:
    """Split a Markdown document into its translatable segments, in document order."""
    body_start = split_front_matter(text)
    segments = _front_matter_segments(text, body_start, path=path) if body_start else []
    segments.extend(_body_segments(text, body_start, path=path))
    segments.sort(key=lambda s: s.spans[0].start)
    return _assign_contexts(segments)


def read_document(path: Path, *, reference: str, domain: str) -> Document:
    """Read one source document and segment it; ``reference`` is the path written in ``#:`` lines."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"cannot read: {exc.strerror}", path=path) from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceError("not valid UTF-8; save the file as UTF-8", path=path, line=line) from exc
    text = text.replace("\r\n", "\n")
    return Document(reference, domain, text, tuple(extract_segments(text, path=reference)))
