"""The one small exception hierarchy of tlumach; str() is ``path:line: message``."""

from __future__ import annotations

from pathlib import Path


class TlumachError(Exception):
    """Base of every error tlumach raises on purpose."""

    def __init__(self, message: str, *, path: Path | str | None = None, line: int | None = None) -> None:
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}:{self.line}: " if self.line is not None else f"{self.path}: "
        return f"{where}{self.message}"


class SourceError(TlumachError):
    """A source document cannot be read or segmented."""


class CatalogError(TlumachError):
    """A .po/.pot file is malformed or cannot be written."""


class ConfigError(TlumachError):
    """The project layout or an option is wrong."""


class PublishError(TlumachError):
    """A locale or release is refused because checks failed or catalogues are stale."""
