"""What a translatable unit is: a Segment, where it stands in its source, and its catalogue key."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Role(str, Enum):
    """The kind of block a segment comes from; its value is what translators see."""

    FRONT_MATTER = "front matter"
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    LIST_ITEM = "list item"
    BLOCKQUOTE = "blockquote"
    TABLE_CELL = "table cell"
    IMAGE_ALT = "image alt text"
    IMAGE_TITLE = "image title"
    LINK_TITLE = "link title"

    @property
    def single_line(self) -> bool:
        """Whether the block cannot hold a line break (a heading, a cell, a YAML value, …)."""
        return self not in (Role.PARAGRAPH, Role.LIST_ITEM, Role.BLOCKQUOTE)


@dataclass(frozen=True)
class Span:
    """One physical line's share of a segment: absolute character offsets in the document."""

    start: int
    end: int


@dataclass(frozen=True)
class Key:
    """The catalogue key of a message: (msgctxt, msgid)."""

    context: str | None
    msgid: str


@dataclass(frozen=True)
class Segment:
    """One translatable unit of a document.

    ``text`` is the msgid: the block's Markdown with container prefixes removed and soft line
    breaks kept as ``\\n`` (as Sphinx does), so the source can be rebuilt byte for byte.
    """

    text: str
    role: Role
    line: int
    spans: tuple[Span, ...]
    continuation: str = ""
    joiners: tuple[str, ...] = ()
    field: str = ""
    quote: str = ""
    context: str | None = None

    @property
    def label(self) -> str:
        """The role as written in the extracted comment and, when needed, the msgctxt."""
        return f"{self.role.value}: {self.field}" if self.field else self.role.value

    @property
    def key(self) -> Key:
        return Key(self.context, self.text)


@dataclass(frozen=True)
class Document:
    """A source document and its segments, in document order."""

    path: str
    domain: str
    text: str
    segments: tuple[Segment, ...]
