"""Per-locale glossaries: ``locales/<lang>/glossary.csv`` (source,target,translator_comments), as Weblate imports them."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from pathlib import Path

from tlumach.findings import Term
from tlumach.errors import ConfigError

GLOSSARY_NAME = "glossary.csv"
COLUMNS = ("source", "target", "translator_comments")
COMMENT_PREFIX = "glossary: "


def parse_glossary(text: str, *, path: Path) -> list[Term]:
    """Terms from CSV text; a missing column or empty term names path:line."""
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or not {"source", "target"} <= set(reader.fieldnames):
        raise ConfigError(f"the first line must be the header {','.join(COLUMNS)}", path=path, line=1)
    terms: list[Term] = []
    for row in reader:
        source, target = (row.get("source") or "").strip(), (row.get("target") or "").strip()
        if not source or not target:
            raise ConfigError("every row needs a source and a target", path=path, line=reader.line_num)
        terms.append(Term(source, target, (row.get("translator_comments") or "").strip()))
    return terms


def load_glossary(locales_dir: Path, locale: str) -> list[Term]:
    """The locale's glossary, or none when it has no glossary file."""
    path = locales_dir / locale / GLOSSARY_NAME
    if not path.exists():
        return []
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the glossary as UTF-8: {exc}", path=path) from exc
    return parse_glossary(text, path=path)


def term_comments(msgid: str, terms: Sequence[Term]) -> list[str]:
    """Extracted-comment lines telling the translator which glossary terms an entry contains."""
    lines = []
    for term in terms:
        if re.search(rf"(?<!\w){re.escape(term.source)}(?!\w)", msgid, re.IGNORECASE):
            lines.append(f"{COMMENT_PREFIX}{term.source} = {term.target}")
    return lines
