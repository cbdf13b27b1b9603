"""What the last ``update`` left on disk, so the next one redoes only what changed since (as make does).

The state lives in ``.tlumach/update-state.json`` under the project root (a cache: never committed,
safe to delete; ``tlumach update --full`` ignores it). For every file an update read or wrote it
records size, modification time and a content digest. A catalogue is skipped when its document,
template, glossary and its own file all still carry the recorded stamps: the update would write
the same bytes again, so only its recorded check findings are replayed.

A file whose modification time is within ``RACY_NS`` of the moment the state was recorded could be
edited again within the same clock tick without its stamp changing ("racily clean", as git calls
it); such a file is trusted only after its content digest is compared.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from tlumach.findings import Finding, Severity, Summary

STATE_DIR = ".tlumach"
STATE_NAME = "update-state.json"
STATE_VERSION = 3
RACY_NS = 1_000_000_000  # 1 s: far above any file system's timestamp granularity


def ensure_state_dir(directory: Path) -> Path:
    """Create .tlumach/ with a .gitignore that keeps it out of commits (OSError if it cannot)."""
    directory.mkdir(parents=True, exist_ok=True)
    ignore = directory / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# tlumach's cache: safe to delete\n*\n", encoding="utf-8")
    return directory


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def code_fingerprint() -> str:
    """tlumach's own code and the versions of what decides its output: a change invalidates the state."""
    package = Path(__file__).resolve().parent
    h = hashlib.blake2b(digest_size=16)
    for path in sorted(package.glob("*.py")):
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    versions = (_version("markdown-it-py"), _version("polib"), sys.version_info[:2], STATE_VERSION)
    h.update(repr(versions).encode())
    return h.hexdigest()


def _version(distribution: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return ""


def _has_digest(path: str, content_digest: str) -> bool:
    """Whether the file's content has this digest (False when it cannot be read)."""
    try:
        with open(path, "rb") as handle:
            return digest(handle.read()) == content_digest
    except OSError:
        return False


@dataclass(frozen=True)
class Stamp:
    size: int
    mtime_ns: int
    digest: str
    #: The content is a catalogue as tlumach's writer (generate_po) wrote it: the next update may
    #: take its unchanged entries' lines as they are (pofile.written_blocks).
    written: bool = False


@dataclass
class UpdateState:
    """Stamps by project-relative path, and the error findings recorded per catalogue."""

    root: Path
    fingerprint: str
    recorded_ns: int = 0
    stamps: dict[str, Stamp] = field(default_factory=dict)
    findings: dict[str, list[Finding]] = field(default_factory=dict)
    opted_out: set[str] = field(default_factory=set)  # documents recorded as not translated
    summaries: dict[str, Summary] = field(default_factory=dict)  # by catalogue, as last checked
    #: A stamp was renewed because only the file's time had changed (see unchanged_key): worth saving.
    refreshed: bool = False

    @property
    def path(self) -> Path:
        return self.root / STATE_DIR / STATE_NAME

    def key(self, path: Path) -> str:
        text, prefix = str(path), str(self.root).rstrip(os.sep) + os.sep
        if text.startswith(prefix) and ".." not in text:  # the usual case, without pathlib's parsing
            return text[len(prefix):].replace(os.sep, "/")
        return path.relative_to(self.root).as_posix() if path.is_relative_to(self.root) else str(path)

    # ------------------------------------------------------------ reading

    @classmethod
    def load(cls, root: Path) -> UpdateState:
        """The recorded state, or an empty one (nothing trusted) when absent, unreadable or from other code."""
        fingerprint = code_fingerprint()
        empty = cls(root, fingerprint)
        try:
            raw = json.loads((root / STATE_DIR / STATE_NAME).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return empty
        if not isinstance(raw, dict) or raw.get("fingerprint") != fingerprint:
            return empty
        try:
            stamps = {k: Stamp(int(v[0]), int(v[1]), str(v[2]), bool(v[3])) for k, v in raw["stamps"].items()}
            findings = {
                k: [Finding(k, int(f[0]), Severity(f[1]), str(f[2]), str(f[3])) for f in v]
                for k, v in raw["findings"].items()
            }
            summaries = {k: Summary(int(v[0]), int(v[1]), int(v[2]), bool(v[3])) for k, v in raw["summaries"].items()}
            return cls(root, fingerprint, int(raw["recorded_ns"]), stamps, findings, set(raw["opted_out"]), summaries)
        except (KeyError, TypeError, ValueError, IndexError):
            return empty

    def unchanged(self, path: Path) -> bool:
        """Whether the file is as recorded (a missing file is unchanged only if it was missing)."""
        return self.unchanged_key(self.key(path))

    def unchanged_key(self, key: str) -> bool:
        """unchanged() for a project-relative path written with "/" (no Path objects: thousands a second)."""
        recorded = self.stamps.get(key)
        path = os.path.join(self.root, key)
        try:
            stat = os.stat(path)
        except FileNotFoundError:
            return recorded is not None and recorded.size < 0
        if recorded is None or stat.st_size != recorded.size:
            return False
        if stat.st_mtime_ns != recorded.mtime_ns:
            # The same size at another time: a clone whose .tlumach/ a CI cache restored, a file saved
            # again as it was, a touch. The content decides, as git's index refresh does, and the
            # stamp takes the new time so that the next look needs only the stat again.
            same = _has_digest(path, recorded.digest)
            if same and stat.st_mtime_ns < time.time_ns() - RACY_NS:  # not within a clock tick of now
                self.stamps[key] = replace(recorded, mtime_ns=stat.st_mtime_ns)
                self.refreshed = True
            return same
        if stat.st_mtime_ns >= self.recorded_ns - RACY_NS:
            return _has_digest(path, recorded.digest)  # racily clean: changed within the recorded tick?
        return True

    # ------------------------------------------------------------ recording

    def forget(self, path: Path) -> None:
        self.stamps.pop(self.key(path), None)
        self.findings.pop(self.key(path), None)

    def record(self, path: Path, data: bytes | None = None) -> None:
        """Stamp a file as it is now (data: its content when already in memory)."""
        try:
            stat = path.stat()
            if data is None:
                data = path.read_bytes()
        except FileNotFoundError:
            self.stamps[self.key(path)] = Stamp(-1, 0, "")
            return
        self.stamps[self.key(path)] = Stamp(stat.st_size, stat.st_mtime_ns, digest(data))

    def record_digest(self, path: Path, content_digest: str, *, written: bool | None = None) -> None:
        """Stamp a file whose content digest is already known (what an update just wrote or compared).

        ``written``: whether generate_po wrote that content; None keeps what was recorded of the
        same content.
        """
        key = self.key(path)
        try:
            stat = path.stat()
        except FileNotFoundError:
            self.stamps[key] = Stamp(-1, 0, "")
            return
        if written is None:
            before = self.stamps.get(key)
            written = before is not None and before.written and before.digest == content_digest
        self.stamps[key] = Stamp(stat.st_size, stat.st_mtime_ns, content_digest, written)

    def forget_findings(self, path: Path) -> None:
        """Drop the findings and summary of a file whose content changed without being checked."""
        self.findings.pop(self.key(path), None)
        self.summaries.pop(self.key(path), None)

    def record_summary(self, path: Path, summary: Summary) -> None:
        self.summaries[self.key(path)] = summary

    def recorded(self, path: Path) -> tuple[list[Finding], Summary] | None:
        """The error findings and summary recorded for a catalogue still as it was, or None."""
        key = self.key(path)
        if key not in self.findings or key not in self.summaries or not self.unchanged_key(key):
            return None
        return self.findings[key], self.summaries[key]

    def record_findings(self, path: Path, findings: list[Finding]) -> None:
        self.findings[self.key(path)] = [f for f in findings if f.severity is Severity.ERROR]

    def save(self) -> None:
        """Write the state atomically; a failure to write a cache is not an error of the update."""
        self.recorded_ns = time.time_ns()
        self.refreshed = False
        raw = {
            "fingerprint": self.fingerprint,
            "recorded_ns": self.recorded_ns,
            "stamps": {k: [s.size, s.mtime_ns, s.digest, int(s.written)] for k, s in sorted(self.stamps.items())},
            "findings": {
                k: [[f.line, f.severity.value, f.code, f.message] for f in v] for k, v in sorted(self.findings.items())
            },
            "opted_out": sorted(self.opted_out),
            "summaries": {k: [v.translated, v.fuzzy, v.total, v.machine_assisted] for k, v in sorted(self.summaries.items())},
        }
        try:
            directory = ensure_state_dir(self.path.parent)
            fd, temp = tempfile.mkstemp(prefix=".state.", suffix=".tmp", dir=directory)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(json.dumps(raw, separators=(",", ":")))  # dumps is the C encoder, dump is not
            os.replace(temp, self.path)
        except OSError:
            pass
