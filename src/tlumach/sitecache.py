"""What one site build keeps for the next: translations and segments, keyed by content digest.

The site build reads every catalogue it renders and extracts every source document. Most of them
are the same bytes as at the last build (``mkdocs serve`` rebuilds, a build after an update that
changed a few catalogues), so ``.tlumach/site-<locale>.json`` keeps each catalogue's publishable
translations and ``.tlumach/site-documents.json`` each document's segments, with the digest of the
content they came from and tlumach's code fingerprint. An entry is used only for the same content
and the same code; anything else (a changed file, other code, a damaged or foreign cache file) is
read and extracted again, so the pages are the same bytes with or without the cache. A cache:
never committed, safe to delete.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, Generic, TypeVar

from tlumach.segment import Role, Segment, Span
from tlumach.state import STATE_DIR, ensure_state_dir

T = TypeVar("T")
Translations = dict[tuple[str | None, str], str]
CACHE_VERSION = 1


class ContentCache(Generic[T]):
    """Values by key, each valid for one content digest; read once, written once if anything changed.

    ``save`` keeps only the entries this build asked for, so a removed document or catalogue does
    not stay in the cache.
    """

    def __init__(
        self, path: Path, fingerprint: str, *, encode: Callable[[T], Any], decode: Callable[[Any], T],
        left: Path | None = None,
    ) -> None:
        self.path = path
        self.fingerprint = fingerprint
        #: A directory of what ``tlumach update`` left for the next build (leave_segments), one
        #: small file per document: read over path's entries, merged into path when it is saved.
        self.left = left
        self._left_files: list[Path] = []
        self._encode = encode
        self._decode = decode
        self._stored: dict[str, Any] | None = None
        self._used: dict[str, list[Any]] = {}
        self._changed = False

    def _entries(self) -> dict[str, Any]:
        if self._stored is None:
            self._stored = _read_entries(self.path, self.fingerprint)
            if self.left is not None and self.left.is_dir():
                self._left_files = sorted(self.left.glob("*.json"))
                for path in self._left_files:
                    self._stored.update(_read_entries(path, self.fingerprint))
                self._changed = self._changed or bool(self._left_files)  # merged on save
        return self._stored

    def get(self, key: str, content_digest: str) -> T | None:
        """The value stored for ``key`` if it came from content with this digest, else None."""
        stored = self._entries().get(key)
        if not isinstance(stored, list) or len(stored) != 2 or stored[0] != content_digest:
            return None
        try:
            value = self._decode(stored[1])
        except (TypeError, ValueError, KeyError, IndexError):
            return None  # a damaged entry: read the file again
        self._used[key] = stored
        return value

    def put(self, key: str, content_digest: str, value: T) -> None:
        self._used[key] = [content_digest, self._encode(value)]
        self._changed = True

    def save(self) -> None:
        """Write the entries used by this build atomically, if any was new (or left by an update,
        which are then merged); a failure is not an error."""
        if not self._changed:
            return
        if not _write_entries(self.path, self.fingerprint, self._used):
            return
        for path in self._left_files:
            path.unlink(missing_ok=True)
        self._left_files = []
        self._changed = False


def _read_entries(path: Path, fingerprint: str) -> dict[str, Any]:
    """The entries of a cache file for this code ({} for a missing, damaged or foreign one)."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if isinstance(raw, dict) and raw.get("fingerprint") == fingerprint and raw.get("version") == CACHE_VERSION:
        entries = raw.get("entries")
        return entries if isinstance(entries, dict) else {}
    return {}


def _write_entries(path: Path, fingerprint: str, entries: dict[str, Any]) -> bool:
    """Write a cache file atomically; False if it could not be written (a cache: not an error)."""
    raw = {"version": CACHE_VERSION, "fingerprint": fingerprint, "entries": dict(sorted(entries.items()))}
    try:
        directory = ensure_state_dir(path.parent)
        fd, temp = tempfile.mkstemp(prefix=".site.", suffix=".tmp", dir=directory)
    except OSError:
        return False
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(raw, ensure_ascii=False, separators=(",", ":")))  # dumps: C; dump: Python
        os.replace(temp, path)
    except OSError:
        Path(temp).unlink(missing_ok=True)
        return False
    return True


def _encode_translations(value: Translations) -> list[list[str | None]]:
    return [[context, msgid, msgstr] for (context, msgid), msgstr in value.items()]


def _decode_translations(raw: Any) -> Translations:
    result: Translations = {}
    for context, msgid, msgstr in raw:
        if not (isinstance(msgid, str) and isinstance(msgstr, str) and (context is None or isinstance(context, str))):
            raise TypeError("not a translation")
        result[(context, msgid)] = msgstr
    return result


def _encode_segments(value: tuple[Segment, ...]) -> list[list[Any]]:
    return [
        [s.text, s.role.value, s.line, [[span.start, span.end] for span in s.spans], s.continuation, list(s.joiners),
         s.field, s.quote, s.context]
        for s in value
    ]


def _decode_segments(raw: Any) -> tuple[Segment, ...]:
    segments = []
    for text, role, line, spans, continuation, joiners, field, quote, context in raw:
        strings = (text, continuation, field, quote, *joiners)
        if not all(isinstance(s, str) for s in strings) or not (context is None or isinstance(context, str)):
            raise TypeError("not a segment")
        bounds = tuple(Span(int(start), int(end)) for start, end in spans)
        segments.append(Segment(text, Role(role), int(line), bounds, continuation, tuple(joiners), field, quote, context))
    return tuple(segments)


def translations_cache(root: Path, locale: str, fingerprint: str) -> ContentCache[Translations]:
    """Each rendered catalogue of ``locale``: its publishable translations, by project-relative path."""
    path = root / STATE_DIR / f"site-{locale}.json"
    return ContentCache(path, fingerprint, encode=_encode_translations, decode=_decode_translations)


def segments_cache(root: Path, fingerprint: str) -> ContentCache[tuple[Segment, ...]]:
    """Each source document's segments, by domain, with those the updates since the last build left."""
    directory = root / STATE_DIR
    return ContentCache(directory / "site-documents.json", fingerprint, encode=_encode_segments, decode=_decode_segments,
                        left=directory / LEFT_SEGMENTS)


#: Where ``tlumach update`` leaves the segments it extracted: a file per document, so that an
#: update writes what it extracted and no more (the build's cache holds the whole corpus).
LEFT_SEGMENTS = "site-documents-left"


def leave_segments(root: Path, fingerprint: str, domain: str, content_digest: str, segments: tuple[Segment, ...]) -> None:
    """A document's segments, extracted by an update, for the next site build (a cache: failures are silent)."""
    name = hashlib.sha256(domain.encode("utf-8")).hexdigest()[:32]
    directory = root / STATE_DIR / LEFT_SEGMENTS
    try:
        ensure_state_dir(root / STATE_DIR)
        directory.mkdir(exist_ok=True)
    except OSError:
        return
    _write_entries(directory / f"{name}.json", fingerprint, {domain: [content_digest, _encode_segments(segments)]})
