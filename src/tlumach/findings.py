"""What the checks and statistics report (frozen data, no dependencies): a Finding, its Severity,
glossary Terms, and a catalogue's Summary."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """One problem in one entry (or header) of one catalogue."""

    path: str
    line: int
    severity: Severity
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.severity.value} {self.code}: {self.message}"


@dataclass(frozen=True)
class Term:
    """A glossary entry: a source term and the form the locale must use."""

    source: str
    target: str
    note: str = ""


@dataclass(frozen=True)
class Summary:
    """What the site build needs of a catalogue it does not render: its counts and review status."""

    translated: int
    fuzzy: int
    total: int
    machine_assisted: bool
