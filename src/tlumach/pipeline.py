"""The catalogue workflow over a whole project: plans of file writes, computed before anything is written."""

from __future__ import annotations

import functools
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import polib

from tlumach.catalog import (
    CatalogStats,
    build_template,
    catalog_key,
    derive_catalog,
    catalog_stats,
    load_catalog,
    new_catalog,
    same_messages,
    write_if_changed,
)
from tlumach.checks import Finding, Severity, Term, check_catalog
from tlumach.errors import CatalogError, ConfigError
from tlumach.glossary import load_glossary
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
            content = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            pass
        else:
            for old, new in zip(before, catalog):
                new.linenum = old.linenum
            return FileWrite(path, content)
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


def _shown(project: Project, path: Path) -> str:
    return path.relative_to(project.root).as_posix() if path.is_relative_to(project.root) else str(path)


def check_locales(
    project: Project,
    locales: Iterable[str],
    *,
    loaded: Mapping[tuple[str, str], polib.POFile] | None = None,
    domains: Sequence[str] | None = None,
    skip: Collection[tuple[str, str]] = (),
) -> list[Finding]:
    """Every finding in every catalogue of the given locales; a malformed file is a finding too.

    ``loaded`` passes catalogues already in memory (``update`` checks what it just merged).
    """
    names = list(domains) if domains is not None else [d.domain for d in project.documents()]
    jobs = [(locale, domain) for locale in locales for domain in names if (locale, domain) not in skip]
    loaded = loaded or {}
    # Checked document after document (every locale of one together: a msgid's analysis is
    # cached for its other locales), reported locale after locale.
    by_document = sorted(jobs, key=lambda job: (job[1], job[0]))
    on_disk = [job for job in by_document if job not in loaded]
    results: dict[tuple[str, str], list[Finding]] = {}
    terms = {locale: load_glossary(project.locales_dir, locale) for locale in {job[0] for job in jobs}}
    workers = min(os.cpu_count() or 1, 8)
    if workers > 1 and len(on_disk) >= PARALLEL_CHECKS:
        # One process per core (fork: the workers share what is loaded); the same findings in the
        # same order as checking one catalogue after another.
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            chunks = pool.map(functools.partial(_check_one, project, terms, None), on_disk, chunksize=max(1, len(on_disk) // (workers * 8)))
            results = dict(zip(on_disk, chunks))
    for job in by_document:
        if job not in results:
            results[job] = _check_one(project, terms, loaded.get(job), job)
    return [finding for job in jobs for finding in results[job]]


#: Below this many catalogues to check, starting worker processes costs more than it saves.
PARALLEL_CHECKS = 64


def _check_one(
    project: Project, terms: Mapping[str, Sequence[Term]], catalog: polib.POFile | None, job: tuple[str, str]
) -> list[Finding]:
    """The findings of one catalogue, read from disk unless given (a malformed file is a finding)."""
    locale, domain = job
    path = project.catalog_path(locale, domain)
    shown = _shown(project, path)
    if catalog is None:
        if not path.exists():
            return [Finding(shown, 1, Severity.ERROR, "missing-catalogue", f"run: tlumach init {locale}")]
        try:
            catalog = load_catalog(path)
        except CatalogError as exc:
            return [Finding(shown, exc.line or 1, Severity.ERROR, "malformed", exc.message)]
    return check_catalog(catalog, path=shown, locale=locale, glossary=terms[locale])
