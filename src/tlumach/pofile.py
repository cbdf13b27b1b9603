"""The PO format itself: a strict reader that names file:line, and a writer that wraps like GNU gettext.

Entries are polib objects (``polib.POFile``/``polib.POEntry``), so the rest of tlumach and any
polib user see the usual model; polib's own reader is not used because it accepts malformed files
silently (unterminated strings, bad escapes, duplicate messages).
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import polib

from tlumach.errors import CatalogError

PAGE_WIDTH = 79

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f", "v": "\v", "\\": "\\", '"': '"'}
_WRITE_ESCAPES = {v: "\\" + k for k, v in _ESCAPES.items()}
_KEYWORD_RE = re.compile(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)[ \t]*(\".*)?$")
_CHARSET_RE = re.compile(rb"charset=([A-Za-z0-9_.:-]+)")

# Line breaking (UAX #14) as GNU gettext's libunistring applies it when msgcat wraps a string.
# _DIRECT_BREAKS maps a character class to the classes a break may come before with no space
# between; it was measured from msgcat itself (tests/test_pofile.py compares whole files).
_AFTER_PUNCT = "x([{\u2014\"\u201e%$+&*_`#\\~<>=@\u5b57"
_DIRECT_BREAKS: dict[str, str] = {
    "x": "\u2014\u5b57",
    "2": "\u2014\u5b57",
    ",": _AFTER_PUNCT,
    ".": _AFTER_PUNCT,
    ":": _AFTER_PUNCT,
    ";": _AFTER_PUNCT,
    "/": _AFTER_PUNCT,
    "\u060c": _AFTER_PUNCT,
    "?": "2" + _AFTER_PUNCT,
    "!": "2" + _AFTER_PUNCT,
    "\u061f": "2" + _AFTER_PUNCT,
    "\u2026": "2" + _AFTER_PUNCT,
    "\u2014": "x2([{\"\u201e%$+&*_`#\\~<>=@\u5b57",
    "-": _AFTER_PUNCT + "\u00a0\u2011\u202f",
    "\u2013": "2" + _AFTER_PUNCT + "\u00a0\u2011\u202f",
    "|": "2" + _AFTER_PUNCT + "\u00a0\u2011\u202f",
    "\u00ad": "2" + _AFTER_PUNCT + "\u00a0\u2011\u202f",
    ")": "([{\u2014\u201e\u5b57",
    "]": "([{\u2014\u201e\u5b57",
    "}": "x2([{\u2014\u201e&*_`#~<>=@\u5b57",
    "%": "\u2014\"%$+\\\u5b57",
    "$": "\u2014\"%$+\\",
    "+": "\u2014\"%$+\\",
    "\\": "\u2014\"%$+\\",
    "\u5b57": "x2([{\u2014\"\u201e$+&*_`#\\~<>=@\u5b57",
}
_OWN_CLASS = set("x2,.:;/?!)]}([{-\u2013\u2014\u2026\u00ab\u00bb\"'\u201e\u201c\u201d%$+&*_`#\\|~<>=@\u060c\u061f\u00a0\u00ad\u2011\u202f")
_NO_BREAK_BEFORE = set(",.:;/?!)]}\u060c\u061f")
_OPEN = set("([{\u201e")
_QUOTES = set("\"'\u00ab\u00bb\u201c\u201d")


@dataclass
class _Pending:
    """An entry being read: keyword strings collected with their line numbers."""

    line: int = 0
    obsolete: bool = False
    tcomment: list[str] = field(default_factory=list)
    comment: list[str] = field(default_factory=list)
    occurrences: list[tuple[str, str]] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    previous: dict[str, list[str]] = field(default_factory=dict)
    strings: dict[str, list[str]] = field(default_factory=dict)
    last: str = ""
    last_previous: str = ""
    has_msgstr: bool = False

    @property
    def empty(self) -> bool:
        return not (self.tcomment or self.comment or self.occurrences or self.flags or self.previous or self.strings)


def _unescape(body: str, *, path: Path, line: int, column: int) -> str:
    """Decode a PO string body (between the quotes). As in GNU gettext, an octal (``\\320``) or
    hex (``\\xd0``) escape is one byte of the file's encoding, UTF-8; its value is taken modulo 256."""
    if "\\" not in body:
        return body
    out: list[str] = []
    first_byte = -1  # column of the first escape of a byte past ASCII (held as a surrogate until the end)
    index = 0
    while index < len(body):
        char = body[index]
        if char != "\\":
            out.append(char)
            index += 1
            continue
        nxt = body[index + 1 : index + 2]
        if nxt in _ESCAPES:
            out.append(_ESCAPES[nxt])
            index += 2
            continue
        if nxt and nxt in "01234567":
            digits = re.match(r"[0-7]{1,3}", body[index + 1 :])
            base, skip = 8, 1
        elif nxt == "x" and re.match(r"[0-9A-Fa-f]", body[index + 2 : index + 3]):
            digits = re.match(r"[0-9A-Fa-f]+", body[index + 2 :])
            base, skip = 16, 2
        else:
            shown = "\\" + nxt if nxt else "\\ at the end of the string"
            raise CatalogError(
                f"invalid escape sequence {shown!s} (column {column + index + 1}); write \\\\ for a backslash",
                path=path,
                line=line,
            )
        assert digits is not None
        value = int(digits.group(), base) % 256
        if value < 0x80:
            out.append(chr(value))
        else:
            out.append(chr(0xDC00 + value))  # as surrogateescape decodes the byte
            if first_byte < 0:
                first_byte = column + index + 1
        index += skip + len(digits.group())
    text = "".join(out)
    if first_byte < 0:
        return text
    try:  # the text was UTF-8, so the only surrogates are the escaped bytes
        return text.encode("utf-8", "surrogateescape").decode("utf-8")
    except UnicodeDecodeError:
        raise CatalogError(
            f"the octal or hex escapes from column {first_byte} on are not UTF-8; write the characters themselves",
            path=path,
            line=line,
        ) from None


_STRING_RE = re.compile(r'"((?:[^"\\]|\\.)*)"[ \t\r]*$')
_ESCAPED_BODY_RE = re.compile(r'[^"\\]*+(?:\\.[^"\\]*+)*+', re.DOTALL)  # possessive: linear on a string that does not match
_ESCAPE_RE = re.compile(r"\\(.)", re.DOTALL)


class _Unusual(Exception):
    """An escape the quick path does not decode (octal, hex or invalid): the full path decides."""


def _simple_escape(match: re.Match[str]) -> str:
    try:
        return _ESCAPES[match.group(1)]
    except KeyError:
        raise _Unusual from None


def _string(rest: str, *, path: Path, line: int, column: int) -> str:
    """Parse one quoted PO string that must fill the rest of the line."""
    if len(rest) >= 2 and rest[0] == '"' and rest[-1] == '"':
        body = rest[1:-1]  # the usual line: a string and nothing after it
        if "\\" not in body:
            if '"' not in body:
                return body
        elif _ESCAPED_BODY_RE.fullmatch(body):
            try:
                return _ESCAPE_RE.sub(_simple_escape, body)
            except _Unusual:
                pass
    match = _STRING_RE.match(rest)
    if match is not None:
        return _unescape(match.group(1), path=path, line=line, column=column)
    rest = rest.rstrip(" \t\r")
    if not rest.startswith('"'):
        raise CatalogError('expected a string in double quotes ("…")', path=path, line=line)
    index = 1
    while index < len(rest):
        if rest[index] == "\\":
            index += 2
            continue
        if rest[index] == '"':
            break
        index += 1
    else:
        raise CatalogError("end of line within string: the closing \" is missing", path=path, line=line)
    raise CatalogError(f"unexpected text after the string: {rest[index + 1:].strip()[:20]!r}", path=path, line=line)


def _decode(data: bytes, path: Path) -> str:
    match = _CHARSET_RE.search(data[:4096])
    charset = match.group(1).decode("ascii").lower() if match else "utf-8"
    if charset not in ("utf-8", "utf8", "charset"):
        raise CatalogError(
            f"charset {charset} is not supported; convert the file with: msgconv --to-code=UTF-8",
            path=path,
            line=data[: match.start()].count(b"\n") + 1 if match else 1,
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CatalogError("invalid UTF-8 byte sequence; save the file as UTF-8", path=path, line=line) from exc
    return text[1:] if text.startswith("\ufeff") else text


def _entry(pending: _Pending, *, path: Path) -> polib.POEntry:
    strings = pending.strings
    if "msgid" not in strings:
        raise CatalogError("entry has no msgid", path=path, line=pending.line)
    plural = "msgid_plural" in strings
    msgstrs = {k: v for k, v in strings.items() if k.startswith("msgstr")}
    if not msgstrs:
        raise CatalogError(
            "msgid without msgstr (is the file truncated?); add msgstr \"\" after it", path=path, line=pending.line
        )
    if plural and "msgstr" in msgstrs:
        raise CatalogError("a plural entry needs msgstr[0], msgstr[1], …, not msgstr", path=path, line=pending.line)
    if not plural and set(msgstrs) != {"msgstr"}:
        raise CatalogError("msgstr[N] without msgid_plural", path=path, line=pending.line)
    entry = _made(pending, "".join(strings["msgid"]), "".join(strings["msgctxt"]) if "msgctxt" in strings else None)
    if plural:
        entry.msgid_plural = "".join(strings["msgid_plural"])
        indices = sorted(int(k[7:-1]) for k in msgstrs)
        if indices != list(range(len(indices))):
            raise CatalogError("msgstr[N] indices must run 0, 1, 2, … without gaps", path=path, line=pending.line)
        entry.msgstr_plural = {int(k[7:-1]): "".join(v) for k, v in msgstrs.items()}
    else:
        entry.msgstr = "".join(msgstrs["msgstr"])
    return entry


def _made(pending: _Pending, msgid: str, msgctxt: str | None, msgstr: str = "") -> polib.POEntry:
    """A POEntry of what ``pending`` collected besides its strings."""
    # POEntry's keyword constructor, attribute by attribute (it costs more than the rest of the entry)
    entry = polib.POEntry.__new__(polib.POEntry)
    entry.__dict__.update(
        msgid=msgid,
        msgstr=msgstr,
        msgid_plural="",
        msgstr_plural={},
        msgctxt=msgctxt,
        obsolete=pending.obsolete,
        encoding="utf-8",
        comment="\n".join(pending.comment),
        tcomment="\n".join(pending.tcomment),
        occurrences=pending.occurrences,
        flags=pending.flags,
        previous_msgctxt=None,
        previous_msgid=None,
        previous_msgid_plural=None,
        linenum=pending.line,
    )
    if pending.previous:
        for key, attr in (("msgctxt", "previous_msgctxt"), ("msgid", "previous_msgid"), ("msgid_plural", "previous_msgid_plural")):
            if key in pending.previous:
                setattr(entry, attr, "".join(pending.previous[key]))
    return entry


def _comment_line(pending: _Pending, line: str, *, path: Path, number: int) -> None:
    kind = line[1:2]
    text = line[3:] if line[2:3] == " " else line[2:]
    if kind == ".":
        pending.comment.append(text)
    elif kind == ":":
        for ref in text.split():
            name, _, where = ref.rpartition(":")
            pending.occurrences.append((name, where) if name and where.isdigit() else (ref, ""))
    elif kind == ",":
        pending.flags.extend(f.strip() for f in text.split(",") if f.strip())
    elif kind == "|":
        match = _KEYWORD_RE.match(text)
        if match and match.group(1) in ("msgctxt", "msgid", "msgid_plural") and match.group(3):
            pending.last_previous = match.group(1)
            value = _string(match.group(3), path=path, line=number, column=line.index('"'))
            pending.previous.setdefault(match.group(1), []).append(value)
        elif text.startswith('"') and pending.last_previous:
            value = _string(text, path=path, line=number, column=line.index('"'))
            pending.previous[pending.last_previous].append(value)
        else:
            raise CatalogError("malformed previous-message line (#|)", path=path, line=number)
    else:
        pending.tcomment.append(line[2:] if line[1:2] == " " else line[1:])


def _finish(pending: _Pending, pofile: polib.POFile, seen: dict[tuple[bool, str | None, str], int], *, path: Path) -> None:
    if pending.empty:
        return
    if not pending.strings:
        return  # trailing comments with no message: kept by GNU as nothing either
    _add(_entry(pending, path=path), pending, pofile, seen, path=path)


def _add(
    entry: polib.POEntry, pending: _Pending, pofile: polib.POFile, seen: dict[tuple[bool, str | None, str], int], *, path: Path,
) -> None:
    """Append a finished entry, or take it as the header; refuse a second definition of a message."""
    key = (entry.obsolete, entry.msgctxt, entry.msgid)
    if key in seen:
        raise CatalogError(
            f"duplicate message definition (first defined at line {seen[key]}); merge the two with msguniq",
            path=path,
            line=entry.linenum,
        )
    seen[key] = entry.linenum or pending.line
    if entry.msgid == "" and entry.msgctxt is None and not entry.obsolete:
        if len(pofile) or pofile.metadata:
            raise CatalogError("the header entry (msgid \"\") must come first", path=path, line=entry.linenum)
        pofile.header = "\n".join(pending.tcomment)
        pofile.metadata_is_fuzzy = "fuzzy" in entry.flags
        pofile.metadata = parse_header(entry.msgstr)
        return
    list.append(pofile, entry)  # polib's append looks for duplicates when asked to: done above


def parse_header(msgstr: str) -> dict[str, str]:
    """``Key: value`` lines of a header msgstr, in order."""
    metadata: dict[str, str] = {}
    for line in msgstr.split("\n"):
        if line.strip():
            key, _, value = line.partition(":")
            metadata[key.strip()] = value.strip()
    return metadata


_PLAIN_KEYWORDS = frozenset(("msgctxt", "msgid", "msgid_plural", "msgstr"))


def _keyword(
    pending: _Pending, pofile: polib.POFile, seen: dict[tuple[bool, str | None, str], int],
    keyword: str, value: str, *, path: Path, number: int,
) -> _Pending:
    """A keyword line read: a msgctxt or msgid after a msgstr starts the next entry."""
    if keyword in ("msgctxt", "msgid") and pending.has_msgstr:
        _finish(pending, pofile, seen, path=path)
        pending = _Pending(obsolete=pending.obsolete)
    if keyword in pending.strings:
        raise CatalogError(f"{keyword} appears twice in one entry", path=path, line=number)
    if keyword == "msgid" and pending.line == 0 or keyword == "msgctxt":
        pending.line = number
    if keyword.startswith("msgstr"):
        if "msgid" not in pending.strings:
            raise CatalogError(f"{keyword} without a msgid before it", path=path, line=number)
        pending.has_msgstr = True
    pending.strings[keyword] = [value]
    pending.last = keyword
    if not pending.line:
        pending.line = number
    return pending


# One entry as msgcat, msgmerge and tlumach write it, up to and including the blank line after it:
# comment lines with no space at either end, then msgctxt, msgid and msgstr, each a string that
# may continue on lines of their own. Anything else goes to the line-by-line reader.
_FAST_CHARS = r'[^"\\\n]*+(?:\\.[^"\\\n]*+)*+'  # a string body on one line, escapes whole
_FAST_BODY = r'"(' + _FAST_CHARS + r')"\n((?:"' + _FAST_CHARS + r'"\n)*+)'
_FAST_ENTRY_RE = re.compile(
    r"((?:#[.:,| ][^\n]*(?<=\S)\n)*+)"
    r"(?:msgctxt " + _FAST_BODY + r")?"
    r"msgid " + _FAST_BODY + r"msgstr " + _FAST_BODY + r"(?:\n|\Z)"
)


def _fast_string(first: str, more: str) -> str:
    """A keyword's string joined with its continuation lines, decoded; _Unusual for an escape the
    line-by-line reader must decode (or report). No body holds a newline, so '"\\n"' is only ever
    the seam between two lines, and escapes never span one."""
    value = first + more[1:-2].replace('"\n"', "") if more else first
    return _ESCAPE_RE.sub(_simple_escape, value) if "\\" in value else value


def _fast_entry(match: re.Match[str], number: int, *, path: Path) -> tuple[_Pending, polib.POEntry]:
    """The entry _FAST_ENTRY_RE matched at line ``number``, as the line-by-line reader makes it."""
    comments, ctxt, ctxt_more, msgid, msgid_more, msgstr, msgstr_more = match.groups()
    pending = _Pending()
    if comments:
        lines = comments.split("\n")
        lines.pop()
        for offset, line in enumerate(lines):
            _comment_line(pending, line, path=path, number=number + offset)
        number += len(lines)
    pending.line = number
    msgctxt = _fast_string(ctxt, ctxt_more) if ctxt is not None else None
    return pending, _made(pending, _fast_string(msgid, msgid_more), msgctxt, _fast_string(msgstr, msgstr_more))


def _new_pofile(path: Path) -> polib.POFile:
    pofile = polib.POFile(wrapwidth=PAGE_WIDTH, encoding="utf-8")
    pofile.fpath = str(path)
    pofile.header = ""
    return pofile


def parse_po_by_lines(data: bytes, *, path: Path) -> polib.POFile:
    """parse_po reading every line on its own: the reference its quick path is tested against."""
    return _by_lines(_decode(data, path), path)


def _by_lines(text: str, path: Path) -> polib.POFile:
    pofile = _new_pofile(path)
    _read_lines([raw.rstrip("\r") for raw in text.split("\n")] if "\r" in text else text.split("\n"), 1, pofile, {}, path=path)
    return pofile


def parse_po(data: bytes, *, path: Path) -> polib.POFile:
    """Parse PO bytes strictly; raise CatalogError naming path:line on the first defect."""
    text = _decode(data, path)
    if "\r" in text:
        return _by_lines(text, path)
    pofile = _new_pofile(path)
    seen: dict[tuple[bool, str | None, str], int] = {}
    # Entry by entry: one that matches the usual layout is read in one step, and any other text,
    # up to the next blank line, line by line. Both leave nothing pending at a blank line, so the
    # result is the line-by-line reader's for the whole file.
    position, number, size = 0, 1, len(text)
    match_entry = _FAST_ENTRY_RE.match
    while position < size:
        match = match_entry(text, position)
        if match is not None:
            try:
                pending, entry = _fast_entry(match, number, path=path)
            except _Unusual:
                pass
            else:
                _add(entry, pending, pofile, seen, path=path)
                number += text.count("\n", position, match.end())
                position = match.end()
                continue
        end = text.find("\n\n", position)
        end = size if end < 0 else end + 1
        chunk = text[position:end]
        _read_lines(chunk.split("\n"), number, pofile, seen, path=path)
        number += chunk.count("\n") + 1
        position = end + 1
    return pofile


def _read_lines(
    lines: list[str], start: int, pofile: polib.POFile, seen: dict[tuple[bool, str | None, str], int], *, path: Path,
) -> None:
    """Read lines into ``pofile`` one by one, the first numbered ``start``; finish what is pending."""
    pending = _Pending()
    for number, line in enumerate(lines, start=start):
        first = line[:1]
        if first == '"' and line[-1:] == '"' and pending.last and not pending.obsolete:
            body = line[1:-1]  # the usual continuation line: plain text, no escapes
            if len(line) > 1 and "\\" not in body and '"' not in body:
                pending.strings[pending.last].append(body)
                continue
        elif first == "m" and not pending.obsolete:
            keyword, _, rest = line.partition(" ")  # the usual keyword line: msgid "plain text"
            if keyword in _PLAIN_KEYWORDS and len(rest) > 1 and rest[0] == '"' and rest[-1] == '"':
                body = rest[1:-1]
                if "\\" not in body and '"' not in body:
                    pending = _keyword(pending, pofile, seen, keyword, body, path=path, number=number)
                    continue
        elif first == "#" and line[1:2] in ".:, " and not pending.strings and not line[-1].isspace():
            _comment_line(pending, line, path=path, number=number)  # the usual comment line
            continue
        stripped = line.strip()
        if not stripped:
            _finish(pending, pofile, seen, path=path)
            pending = _Pending()
            continue
        obsolete = stripped.startswith("#~")
        if obsolete:
            stripped = stripped[2:].lstrip(" ")
            if not stripped:
                continue
            if stripped.startswith("|"):
                stripped = "#" + stripped
        if stripped.startswith("#"):
            if pending.strings:
                _finish(pending, pofile, seen, path=path)
                pending = _Pending()
            _comment_line(pending, stripped, path=path, number=number)
            continue
        if pending.strings and obsolete != pending.obsolete:
            raise CatalogError("an entry mixes obsolete (#~) and active lines", path=path, line=number)
        pending.obsolete = obsolete
        column = len(line) - len(stripped)
        if stripped.startswith('"'):
            if not pending.last:
                raise CatalogError("a string continuation with no keyword before it", path=path, line=number)
            pending.strings[pending.last].append(_string(stripped, path=path, line=number, column=column))
            continue
        match = _KEYWORD_RE.match(stripped)
        if match is None or match.group(3) is None:
            word = stripped.split()[0][:20]
            raise CatalogError(f"unknown keyword {word!r}; expected msgctxt, msgid, msgid_plural or msgstr", path=path, line=number)
        value = _string(match.group(3), path=path, line=number, column=column + match.start(3))
        pending = _keyword(pending, pofile, seen, match.group(1), value, path=path, number=number)
    _finish(pending, pofile, seen, path=path)


# ---------------------------------------------------------------- writing


@functools.lru_cache(maxsize=8192)
def _width(char: str) -> int:
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf", "Cc"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


@functools.lru_cache(maxsize=8192)
def _is_mark(char: str) -> bool:
    return unicodedata.category(char) in ("Mn", "Mc", "Me")


@functools.lru_cache(maxsize=8192)
def _plain_letter(char: str) -> bool:
    """A letter or digit of a narrow script: never a break before or after it next to another."""
    return char.isalnum() and _width(char) == 1 and not _is_mark(char)


@functools.lru_cache(maxsize=8192)
def _class(char: str) -> str:
    """The representative character of char's line-breaking class (see _DIRECT_BREAKS)."""
    if char in _OWN_CLASS:
        return char
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return "\u5b57"
    category = unicodedata.category(char)
    if category == "Nd":
        return "2"
    if category in ("Pi", "Pf"):
        return "\u00ab"
    return {"Ps": "(", "Pe": ")", "Pd": "\u2013", "Zs": "\u00a0"}.get(category, "x")


def _break_before(text: str, index: int) -> bool:
    """Whether GNU gettext may break a line before text[index]."""
    char, before = text[index], text[index - 1]
    if char == " " or (_plain_letter(char) and _plain_letter(before)):
        return False
    if before != " " and _is_mark(char):
        return False
    if before == " ":
        back = index - 1
        while back >= 0 and text[back] == " ":
            back -= 1
        if back < 0 or char in _NO_BREAK_BEFORE:
            return False
        if _is_mark(char):
            return True  # libunistring breaks before a mark that follows a space, whatever came first
        if text[back] in _OPEN:
            return False
        if text[back] in _QUOTES and char in _OPEN:
            return False
        return not (text[back] == char == "\u2014")
    return _class(char) in _DIRECT_BREAKS.get(_class(before), "")


_ESCAPE_TABLE = str.maketrans(_WRITE_ESCAPES)
_NEEDS_ESCAPE_RE = re.compile("[" + re.escape("".join(_WRITE_ESCAPES)) + "]")


def _escaped(value: str) -> str:
    """A string's PO spelling (as translating with _ESCAPE_TABLE, faster on plain text)."""
    if _NEEDS_ESCAPE_RE.search(value) is None:
        return value
    return value.translate(_ESCAPE_TABLE)


@functools.cache
def _narrow_plain() -> frozenset[str]:
    """Every character below U+3000 that is one column wide and not a mark: text of these alone
    takes the narrow paths (no width table, no mark rules)."""
    return frozenset(chr(c) for c in range(0x20, 0x3000) if _width(chr(c)) == 1 and not _is_mark(chr(c)))


@functools.cache
def _outside_narrow_plain() -> re.Pattern[str]:
    """A character not in _narrow_plain(): one search in C instead of a set of the text's characters."""
    codes = sorted(ord(char) for char in _narrow_plain())
    ranges: list[tuple[int, int]] = []
    for code in codes:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))
    members = "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)
    return re.compile(f"[^{members}]")

_ESCAPE_PAIR_RE = re.compile(r"\\.", re.DOTALL)
_SPACES_RE = re.compile(r" +")
_NOT_ALNUM_RE = re.compile(r"[^\w ]|_")  # neither a letter, a digit nor a space


@functools.lru_cache(maxsize=8192)
def _special(char: str) -> bool:
    """A mark or a character that is not one column wide: its text takes the general path."""
    return _is_mark(char) or _width(char) != 1


def _after_spaces(text: str, back: int, index: int) -> bool:
    """_break_before for text[index] after the spaces that follow text[back] (no marks)."""
    char = text[index]
    if char in _NO_BREAK_BEFORE or text[back] in _OPEN:
        return False
    if text[back] in _QUOTES and char in _OPEN:
        return False
    return not (text[back] == char == "\u2014")


def _opportunities(portion: str, text: str) -> list[int]:
    """The indices of the escaped text a line may break before."""
    glued = {m.start() + 1 for m in _ESCAPE_PAIR_RE.finditer(text)} if "\\" in text else set()
    if portion.endswith("\n") and len(text) >= 2:
        glued.add(len(text) - 2)
    if any(_special(char) for char in set(text)):
        return [i for i in range(1, len(text)) if i not in glued and _break_before(text, i)]
    # Narrow text without marks: a break can only come after spaces, or next to a character that
    # is not a letter or digit; between two letters or digits there is none.
    allowed = {
        m.end() for m in _SPACES_RE.finditer(text)
        if m.start() > 0 and m.end() < len(text) and _after_spaces(text, m.start() - 1, m.end())
    }
    for m in _NOT_ALNUM_RE.finditer(text):
        for index in (m.start(), m.start() + 1):
            if 0 < index < len(text) and text[index] != " " and text[index - 1] != " ":
                if _class(text[index]) in _DIRECT_BREAKS.get(_class(text[index - 1]), ""):
                    allowed.add(index)
    return sorted(allowed - glued)


@functools.lru_cache(maxsize=8192)
def _not_alnum(char: str) -> bool:
    return _NOT_ALNUM_RE.match(char) is not None


def _narrow_break(text: str, index: int, glued: set[int]) -> bool:
    """Whether index is one of _opportunities(portion, text), for narrow text without marks."""
    char, before = text[index], text[index - 1]
    if char == " " or index in glued:
        return False
    if before == " ":
        back = index - 1
        while back >= 0 and text[back] == " ":
            back -= 1
        return back >= 0 and _after_spaces(text, back, index)
    if not (_not_alnum(char) or _not_alnum(before)):
        return False
    return _class(char) in _DIRECT_BREAKS.get(_class(before), "")


def _narrow_line_breaks(portion: str, text: str, width: int, start_column: int) -> list[int]:
    """_line_breaks over _opportunities, for narrow text without marks, looking only where a line ends.

    A line from b holds every piece up to the last break opportunity that still fits, or up to
    the first opportunity when none fits: so only the characters near each line's end are read.
    """
    glued = {m.start() + 1 for m in _ESCAPE_PAIR_RE.finditer(text)} if "\\" in text else set()
    if portion.endswith("\n") and len(text) >= 2:
        glued.add(len(text) - 2)
    end = len(text)
    breaks: list[int] = []
    line_start, column = 0, start_column
    while column + (end - line_start) > width:
        found = -1
        for index in range(min(line_start + width - column, end - 1), line_start, -1):
            if _narrow_break(text, index, glued):
                found = index
                break
        if found < 0:  # nothing fits: the line runs to the first opportunity after its start
            found = next(
                (i for i in range(max(line_start + width - column + 1, line_start + 1), end) if _narrow_break(text, i, glued)),
                -1,
            )
            if found < 0:
                break
        breaks.append(found)
        line_start, column = found, 0
    return breaks


def _widths(text: str) -> list[int] | None:
    """Column of each index (prefix sums of widths), or None when every character is one column.

    For text with a character outside _narrow_plain() (_wrap has taken the rest)."""
    if all(_width(char) == 1 for char in set(text)):
        return None
    return list(itertools.accumulate((_width(char) for char in text), initial=0))


def _line_breaks(text: str, allowed: list[int], columns: list[int] | None, width: int, start_column: int) -> list[int]:
    """Greedy breaking as libunistring's width_linebreaks does it: pieces between opportunities."""
    breaks: list[int] = []
    last = -1
    column = start_column
    for index in allowed:
        piece = (index - max(last, 0)) if columns is None else columns[index] - columns[max(last, 0)]
        if last >= 0 and column + piece > width:
            breaks.append(last)
            column = 0
        column += piece
        last = index
    piece = (len(text) - max(last, 0)) if columns is None else columns[len(text)] - columns[max(last, 0)]
    if last >= 0 and column + piece > width:
        breaks.append(last)
    return breaks


@functools.lru_cache(maxsize=2048)
def _wrap(keyword: str, value: str, prefix: str = "") -> tuple[str, ...]:
    """Lines for ``keyword "value"``, wrapped the way GNU msgcat does at width 79.

    Cached: a msgid is written into the template and every locale's catalogue alike (one document's
    worth of texts is enough: a worker updates one document in every locale before the next).
    """
    portions = re.findall(r"[^\n]*\n|[^\n]+", value) or [""]
    after_break = len(prefix) + 1
    width = PAGE_WIDTH - 1 - after_break
    lines: list[str] = []
    first = True
    for number, portion in enumerate(portions):
        more = number + 1 < len(portions)
        start = (len(prefix) + len(keyword) + 2 - after_break) if first else 0
        text = _escaped(portion)
        plain = _outside_narrow_plain().search(text) is None  # most text: every character narrow and plain
        columns = None if plain else _widths(text)
        narrow = plain or (columns is None and not any(_special(char) for char in set(text)))
        at_zero: list[int] | None = None  # the breaks of the text when it starts a line of its own
        if start + (len(text) if columns is None else columns[-1]) <= width:
            allowed: list[int] = []  # it fits: no break is taken wherever one is allowed
            breaks: list[int] = []
        elif narrow and first and text:
            # Whether the text breaks after ``keyword "`` only decides whether it starts on a line of
            # its own; either way the lines are those from column 0. From any column, a text that
            # does not fit breaks at its first opportunity at the latest: it breaks after the keyword
            # if it breaks from column 0, or if it fits there and still has an opportunity.
            at_zero = breaks = _narrow_line_breaks(portion, text, width, 0)
            if not at_zero and not more and start <= width and len(text) <= width:
                breaks = _narrow_line_breaks(portion, text, width, start)
        elif narrow:
            breaks = _narrow_line_breaks(portion, text, width, start)
        else:
            allowed = _opportunities(portion, text)
            breaks = _line_breaks(text, allowed, columns, width, start)
        if first and text and (more or start > width or breaks):
            lines.append(f'{prefix}{keyword} ""')
            first = False
            if at_zero is not None:
                breaks = at_zero
            elif narrow:
                breaks = _narrow_line_breaks(portion, text, width, 0)
            else:
                breaks = _line_breaks(text, allowed, columns, width, 0)
        cuts = [0, *breaks, len(text)]
        for left, right in zip(cuts, cuts[1:]):
            head = f"{prefix}{keyword} " if first else prefix
            lines.append(f'{head}"{text[left:right]}"')
            first = False
    return tuple(lines)


def _references(occurrences: list[tuple[str, str]]) -> list[str]:
    lines: list[str] = []
    current = "#:"
    for name, where in occurrences:
        ref = f"{name}:{where}" if where else name
        if len(current) > 2 and len(current) + 1 + len(ref) > PAGE_WIDTH:
            lines.append(current)
            current = "#:"
        current += " " + ref
    if len(current) > 2:
        lines.append(current)
    return lines


def _comment_lines(mark: str, text: str) -> list[str]:
    return [f"{mark} {line}" if line else mark for line in text.split("\n")]


def format_entry(entry: polib.POEntry) -> list[str]:
    """The lines of one entry, in GNU's order."""
    lines: list[str] = []
    if entry.tcomment:
        lines.extend(_comment_lines("#", entry.tcomment))
    if entry.comment and not entry.obsolete:
        lines.extend(_comment_lines("#.", entry.comment))
    if entry.occurrences and not entry.obsolete:
        lines.extend(_references(entry.occurrences))
    if entry.flags:
        lines.append("#, " + ", ".join(entry.flags))
    prefix = "#~ " if entry.obsolete else ""
    previous = "#~| " if entry.obsolete else "#| "
    if entry.previous_msgctxt is not None:
        lines.extend(_wrap("msgctxt", entry.previous_msgctxt, previous))
    if entry.previous_msgid is not None:
        lines.extend(_wrap("msgid", entry.previous_msgid, previous))
    if entry.previous_msgid_plural is not None:
        lines.extend(_wrap("msgid_plural", entry.previous_msgid_plural, previous))
    if entry.msgctxt is not None:
        lines.extend(_wrap("msgctxt", entry.msgctxt, prefix))
    lines.extend(_wrap("msgid", entry.msgid, prefix))
    if entry.msgid_plural:
        lines.extend(_wrap("msgid_plural", entry.msgid_plural, prefix))
        for index in sorted(entry.msgstr_plural):
            lines.extend(_wrap(f"msgstr[{index}]", entry.msgstr_plural[index], prefix))
    else:
        lines.extend(_wrap("msgstr", entry.msgstr, prefix))
    return lines


EntryKey = tuple[object, ...]


def entry_key(e: polib.POEntry) -> EntryKey:
    """Every field format_entry writes, as a comparable value: equal keys give equal lines."""
    return (
        e.msgctxt, e.msgid, e.msgid_plural, e.msgstr, tuple(sorted(e.msgstr_plural.items())), e.comment,
        e.tcomment, tuple(e.occurrences), tuple(e.flags), e.previous_msgctxt, e.previous_msgid,
        e.previous_msgid_plural, e.obsolete,
    )


def written_blocks(text: str, pofile: polib.POFile) -> dict[EntryKey, list[str]]:
    """Each entry's lines in ``text``, by entry_key, for generate_po to reuse.

    Only for a text generate_po wrote (with this code) and pofile parsed from it: such a file is
    its header and its entries in order, each a run of non-empty lines after one empty line, so
    every block is exactly format_entry of the entry parsed from it. Anything else gives {}.
    """
    blocks = text[:-1].split("\n\n") if text.endswith("\n") and "\n\n\n" not in text else []
    if len(blocks) != len(pofile) + 1:
        return {}
    return {entry_key(entry): block.split("\n") for entry, block in zip(pofile, blocks[1:])}


def generate_po(pofile: polib.POFile, reuse: dict[EntryKey, list[str]] | None = None) -> str:
    """Serialise a catalogue exactly as GNU gettext would write it; each entry's ``linenum``
    becomes its line in the result.

    ``reuse`` (from written_blocks) gives the lines of entries that are as they were in a file
    generate_po wrote: they are taken as they are instead of formatted again.
    """
    lines: list[str] = []
    if pofile.header:
        lines.extend(_comment_lines("#", pofile.header))
    if pofile.metadata_is_fuzzy:
        lines.append("#, fuzzy")
    header = "".join(f"{key}: {value}\n" for key, value in pofile.metadata.items())
    lines.extend(_wrap("msgid", ""))
    lines.extend(_wrap("msgstr", header))
    for entry in [e for e in pofile if not e.obsolete] + [e for e in pofile if e.obsolete]:
        lines.append("")
        block = reuse.get(entry_key(entry)) if reuse else None
        if block is None:
            block = format_entry(entry)
        # Record where the entry lands, as the reader would (findings name this line).
        entry.linenum = len(lines) + 1 + next(i for i, line in enumerate(block) if line.startswith(_ENTRY_START))
        lines.extend(block)
    return "\n".join(lines) + "\n"


_ENTRY_START = ("msgctxt ", "msgid ", "#~ msgctxt ", "#~ msgid ")
