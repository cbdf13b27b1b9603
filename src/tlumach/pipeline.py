"""The catalogue workflow over a whole project: plans of file writes, computed before anything is written."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import polib

from tlumach.catalog import (
    CatalogStats,
    CatalogUpdate,
    build_template,
    catalog_key,
    derive_catalog,
    catalog_stats,
    load_catalog,
    merge_template,
    new_catalog,
    same_messages,
    write_if_changed,
)
from tlumach.checks import Finding, Severity, check_catalog
from tlumach.errors import CatalogError, ConfigError
from tlumach.glossary import COMMENT_PREFIX, load_glossary, term_comments
from tlumach.pofile import generate_po
from tlumach.project import Project
from tlumach.segment import Document
from tlumach.translit import DERIVED_LOCALES, transliterate


@dataclass(frozen=True)
class FileWrite:
    """A file's full new content."""

    path: Path
    content: str

    def is_stale(self) -> bool:
        try:
            return self.path.read_bytes() != self.content.encode("utf-8")
        except FileNotFoundError:
            return True


@dataclass(frozen=True)
class LocaleUpdate:
    """What an update does to one catalogue."""

    locale: str
    domain: str
    path: Path
    update: CatalogUpdate


@dataclass(frozen=True)
class UpdatePlan:
    writes: tuple[FileWrite, ...]
    updates: tuple[LocaleUpdate, ...]
    domains: tuple[str, ...] = ()

    def stale(self) -> list[Path]:
        return [w.path for w in self.writes if w.is_stale()]


def _existing_template(path: Path) -> polib.POFile | None:
    return load_catalog(path) if path.exists() else None


def templates(project: Project, documents: Sequence[Document], *, now: str) -> dict[str, polib.POFile]:
    """Templates per domain; an unchanged template keeps its POT-Creation-Date (and its bytes)."""
    result: dict[str, polib.POFile] = {}
    for document in documents:
        path = project.template_path(document.domain)
        old = _existing_template(path)
        pot = build_template(document, creation_date=now)
        if old is not None and same_messages(old, pot):
            old.fpath = str(path)
            pot = old
        result[document.domain] = pot
    return result


def _serialised(path: Path, catalog: polib.POFile, before: polib.POFile | None) -> FileWrite:
    """The file's new content; an unchanged catalogue reuses its bytes instead of re-wrapping them."""
    if before is not None and catalog_key(before) == catalog_key(catalog):
        try:
            return FileWrite(path, path.read_bytes().decode("utf-8"))
        except (OSError, UnicodeDecodeError):
            pass
    return FileWrite(path, generate_po(catalog))


def _template_writes(project: Project, pots: dict[str, polib.POFile]) -> list[FileWrite]:
    writes = []
    for domain, pot in pots.items():
        path = project.template_path(domain)
        unchanged = pot.fpath == str(path)  # templates() kept the file's own catalogue
        writes.append(_serialised(path, pot, pot if unchanged else None))
    return writes


def plan_extract(project: Project, *, now: str) -> list[FileWrite]:
    pots = templates(project, project.documents(), now=now)
    return _template_writes(project, pots)


Progress = Callable[[int, int], None]


def plan_update(project: Project, locales: Iterable[str], *, now: str, progress: Progress | None = None) -> UpdatePlan:
    """Extract templates, merge them into every catalogue of the given locales and regenerate
    derived locales (be@latin from be), all in memory."""
    pots = templates(project, project.documents(), now=now)
    writes = _template_writes(project, pots)
    updates: list[LocaleUpdate] = []
    requested = list(locales)
    merged_by_key: dict[tuple[str, str], polib.POFile] = {}
    merged_locales = [loc for loc in requested if loc not in DERIVED_LOCALES]
    total, done = len(merged_locales) * len(pots), 0
    for locale in merged_locales:
        terms = load_glossary(project.locales_dir, locale)
        for domain, pot in pots.items():
            done += 1
            if progress is not None:
                progress(done, total)
            path = project.catalog_path(locale, domain)
            existing = load_catalog(path) if path.exists() else None
            current = existing if existing is not None else _new_domain_catalog(project, locale, pot, now=now)
            merged = merge_template(current, pot)
            annotate_terms(merged.catalog, terms)
            merged_by_key[(locale, domain)] = merged.catalog
            updates.append(LocaleUpdate(locale, domain, path, merged))
            writes.append(_serialised(path, merged.catalog, existing))
    present = set(project.locale_codes())
    for derived, (origin, _name) in DERIVED_LOCALES.items():
        if derived not in present or (derived not in requested and origin not in requested):
            continue
        for domain in pots:
            source = merged_by_key.get((origin, domain))
            if source is None:
                source = load_catalog(project.catalog_path(origin, domain))
            catalog = derive_catalog(source, derived, lambda text: transliterate(derived, text), origin=origin)
            writes.append(FileWrite(project.catalog_path(derived, domain), generate_po(catalog)))
    return UpdatePlan(tuple(writes), tuple(updates), tuple(pots))


def _new_domain_catalog(project: Project, locale: str, pot: polib.POFile, *, now: str) -> polib.POFile:
    """A new document's catalogue for a language that exists: headers follow its other catalogues."""
    siblings = sorted((project.locales_dir / locale / "LC_MESSAGES").rglob("*.po"))
    metadata = load_catalog(siblings[0]).metadata if siblings else {}
    catalog = new_catalog(
        pot, locale, revision_date=now,
        translator=metadata.get("Last-Translator", "unassigned"), team=metadata.get("Language-Team"),
    )
    for key in ("X-Review-Status",):
        if key in metadata:
            catalog.metadata[key] = metadata[key]
    return catalog


def annotate_terms(po: polib.POFile, terms: list) -> None:
    """Add ``#. glossary: term = translation`` lines to the entries that contain a glossary term."""
    for entry in po:
        if entry.obsolete:
            continue
        lines = [line for line in entry.comment.split("\n") if line and not line.startswith(COMMENT_PREFIX)]
        lines.extend(term_comments(entry.msgid, terms))
        entry.comment = "\n".join(lines)


def plan_init(project: Project, locale: str, *, now: str, translator: str, team: str | None) -> list[FileWrite]:
    documents = project.documents()
    if not documents:
        raise ConfigError("no documents under docs/ to translate", path=project.docs_dir)
    pots = templates(project, documents, now=now)
    writes = [FileWrite(project.template_path(domain), generate_po(pot)) for domain, pot in pots.items()]
    for domain, pot in pots.items():
        path = project.catalog_path(locale, domain)
        if path.exists():
            raise CatalogError("already exists; use tlumach update to refresh it", path=path)
        if locale in DERIVED_LOCALES:
            origin = DERIVED_LOCALES[locale][0]
            source_path = project.catalog_path(origin, domain)
            if not source_path.exists():
                raise ConfigError(f"{locale} is derived from {origin}; run: tlumach init {origin} first", path=source_path)
            po = derive_catalog(load_catalog(source_path), locale, lambda text: transliterate(locale, text), origin=origin)
        else:
            po = new_catalog(pot, locale, revision_date=now, translator=translator, team=team)
        writes.append(FileWrite(path, generate_po(po)))
    return writes


def apply(writes: Iterable[FileWrite]) -> list[Path]:
    """Write every planned file that changed; return those written."""
    return [w.path for w in writes if write_if_changed(w.path, w.content)]


@dataclass(frozen=True)
class StatsRow:
    locale: str
    domain: str
    stats: CatalogStats


def collect_stats(project: Project, locales: Iterable[str]) -> list[StatsRow]:
    rows: list[StatsRow] = []
    domains = [d.domain for d in project.documents()]
    for locale in locales:
        for domain in domains:
            path = project.catalog_path(locale, domain)
            if not path.exists():
                raise ConfigError(f"missing catalogue; run: tlumach init {locale}", path=path)
            rows.append(StatsRow(locale, domain, catalog_stats(load_catalog(path))))
    return rows


def check_locales(
    project: Project,
    locales: Iterable[str],
    *,
    loaded: Mapping[tuple[str, str], polib.POFile] | None = None,
    domains: Sequence[str] | None = None,
) -> list[Finding]:
    """Every finding in every catalogue of the given locales; a malformed file is a finding too.

    ``loaded`` passes catalogues already in memory (``update`` checks what it just merged).
    """
    findings: list[Finding] = []
    names = list(domains) if domains is not None else [d.domain for d in project.documents()]
    for locale in locales:
        terms = load_glossary(project.locales_dir, locale)
        for domain in names:
            path = project.catalog_path(locale, domain)
            shown = path.relative_to(project.root).as_posix() if path.is_relative_to(project.root) else str(path)
            catalog = (loaded or {}).get((locale, domain))
            if catalog is None:
                if not path.exists():
                    findings.append(Finding(shown, 1, Severity.ERROR, "missing-catalogue", f"run: tlumach init {locale}"))
                    continue
                try:
                    catalog = load_catalog(path)
                except CatalogError as exc:
                    findings.append(Finding(shown, exc.line or 1, Severity.ERROR, "malformed", exc.message))
                    continue
            findings.extend(check_catalog(catalog, path=shown, locale=locale, glossary=terms))
    return findings
