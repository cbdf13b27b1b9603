"""Where things live: the source documents under docs/ and the catalogues under locales/."""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

from tlumach.errors import ConfigError
from tlumach.segment import Document

_VARIANT_RE = re.compile(r"^[a-z]{2,3}(?:[_-][A-Za-z0-9]{2,8})*(?:@[a-z]+)?$")


@dataclass(frozen=True)
class Project:
    """A tlumach project: a root with docs/ and locales/."""

    root: Path
    docs: str = "docs"
    locales: str = "locales"

    @property
    def docs_dir(self) -> Path:
        return self.root / self.docs

    @property
    def locales_dir(self) -> Path:
        return self.root / self.locales

    def document_paths(self) -> list[Path]:
        """Source documents relative to docs/, sorted; translated variants (x.be.md) skipped."""
        if not self.docs_dir.is_dir():
            raise ConfigError(f"no {self.docs}/ directory; run tlumach from the project root or pass --root", path=self.root)
        found = []
        for path in sorted(self.docs_dir.rglob("*.md")):
            relative = path.relative_to(self.docs_dir)
            stem_suffix = Path(relative.stem).suffix.lstrip(".")
            if stem_suffix and _VARIANT_RE.match(stem_suffix):
                continue
            if any(part.startswith(".") for part in relative.parts):
                continue
            found.append(relative)
        return found

    def documents(self) -> list[Document]:
        """Every source document that is translated (front matter ``translate: false`` opts out)."""
        documents = [self.document(relative) for relative in self.document_paths()]
        return [d for d in documents if not opted_out(d.text)]

    def document(self, relative: Path) -> Document:
        from tlumach.extract import read_document  # markdown-it: only when a document is read

        return read_document(
            self.docs_dir / relative,
            reference=(Path(self.docs) / relative).as_posix(),
            domain=domain_for(relative),
        )

    def template_path(self, domain: str) -> Path:
        return self.locales_dir / f"{domain}.pot"

    def catalog_path(self, locale: str, domain: str) -> Path:
        return self.locales_dir.joinpath(locale, "LC_MESSAGES", f"{domain}.po")

    def locale_codes(self) -> list[str]:
        """Locales with a catalogue directory, sorted."""
        if not self.locales_dir.is_dir():
            return []
        return sorted(p.name for p in self.locales_dir.iterdir() if (p / "LC_MESSAGES").is_dir())


def catalog_locale(site_locale: str) -> str:
    """The catalogue directory of a site locale: ``be-Latn`` -> ``be@latin``, ``pt-BR`` -> ``pt_BR``."""
    if site_locale.endswith("-Latn"):
        return site_locale[: -len("-Latn")] + "@latin"
    return site_locale.replace("-", "_")


def domain_for(relative: Path) -> str:
    """``index.md`` -> ``index``; ``news/2025.md`` -> ``news/2025``."""
    return relative.with_suffix("").as_posix()


_OPT_OUT_RE = re.compile(r"^translate:[ \t]*(false|no|off)[ \t]*$", re.MULTILINE)


def opted_out(text: str) -> bool:
    """A page for maintainers (``translate: false`` in its front matter) has no catalogue."""
    if not text.startswith("---\n"):
        return False
    end = text.find("\n---", 4)
    return end > 0 and _OPT_OUT_RE.search(text, 4, end) is not None


def timestamp() -> str:
    """Now as a PO date, or SOURCE_DATE_EPOCH when set (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    seconds = int(epoch) if epoch and epoch.isdigit() else int(time.time())
    return time.strftime("%Y-%m-%d %H:%M+0000", time.gmtime(seconds))
