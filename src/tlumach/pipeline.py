"""The catalogue workflow over a whole project: plans of file writes, computed before anything is written."""

from __future__ import annotations

import functools
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
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
from tlumach.checks import Finding, Severity, Term, check_catalog
from tlumach.errors import CatalogError, ConfigError
from tlumach.extract import domain_for
from tlumach.glossary import COMMENT_PREFIX, GLOSSARY_NAME, load_glossary, term_comments
from tlumach.pofile import generate_po
from tlumach.project import Project, opted_out
from tlumach.segment import Document
from tlumach.state import UpdateState
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
    #: (locale, domain) pairs the state showed unchanged since the last update: left as they are.
    skipped: frozenset[tuple[str, str]] = frozenset()
    #: Files read as inputs (documents, glossaries), stamped when the update is recorded.
    inputs: tuple[Path, ...] = ()
    opted_out: tuple[Path, ...] = ()

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


Progress = Callable[[int, int], None]


def plan_update(
    project: Project,
    locales: Iterable[str],
    *,
    now: str,
    progress: Progress | None = None,
    state: UpdateState | None = None,
) -> UpdatePlan:
    """Extract templates, merge them into every catalogue of the given locales and regenerate
    derived locales (be@latin from be), all in memory.

    With a recorded ``state``, a catalogue whose document, template, glossary and own file are
    unchanged since the last update is skipped (the merge would give the same bytes).
    """
    state = state if state is not None else UpdateState(project.root, "")
    requested = list(locales)
    domains: list[str] = []
    clean: set[str] = set()  # domains whose document and template are as the last update left them
    dirty_documents: list[Document] = []
    inputs: list[Path] = []
    opted: list[Path] = []
    for relative in project.document_paths():
        path = project.docs_dir / relative
        domain = domain_for(relative)
        if state.unchanged(path):
            if state.key(path) in state.opted_out:
                opted.append(path)
                continue
            if state.unchanged(project.template_path(domain)):
                domains.append(domain)
                clean.add(domain)
                continue
        document = project.document(relative)
        inputs.append(path)
        if opted_out(document.text):
            opted.append(path)
            continue
        domains.append(domain)
        dirty_documents.append(document)
    pots = templates(project, dirty_documents, now=now)
    writes = _template_writes(project, pots)

    def template(domain: str) -> polib.POFile:
        if domain not in pots:
            pots[domain] = load_catalog(project.template_path(domain))
        return pots[domain]

    merged_locales = [loc for loc in requested if loc not in DERIVED_LOCALES]
    skipped: set[tuple[str, str]] = set()
    todo: list[tuple[str, str]] = []
    for locale in merged_locales:
        glossary = project.locales_dir / locale / GLOSSARY_NAME
        glossary_clean = state.unchanged(glossary)
        inputs.append(glossary)
        for domain in domains:
            if domain in clean and glossary_clean and state.unchanged(project.catalog_path(locale, domain)):
                skipped.add((locale, domain))
            else:
                todo.append((locale, domain))
    updates: list[LocaleUpdate] = []
    merged_by_key: dict[tuple[str, str], polib.POFile] = {}
    glossaries: dict[str, list] = {}
    for done, (locale, domain) in enumerate(todo, start=1):
        if progress is not None:
            progress(done, len(todo))
        if locale not in glossaries:
            glossaries[locale] = load_glossary(project.locales_dir, locale)
        pot = template(domain)
        path = project.catalog_path(locale, domain)
        existing = load_catalog(path) if path.exists() else None
        current = existing if existing is not None else _new_domain_catalog(project, locale, pot, now=now)
        merged = merge_template(current, pot)
        annotate_terms(merged.catalog, glossaries[locale])
        merged_by_key[(locale, domain)] = merged.catalog
        updates.append(LocaleUpdate(locale, domain, path, merged))
        writes.append(_serialised(path, merged.catalog, existing))
    present = set(project.locale_codes())
    for derived, (origin, _name) in DERIVED_LOCALES.items():
        if derived not in present or (derived not in requested and origin not in requested):
            continue
        for domain in domains:
            target = project.catalog_path(derived, domain)
            origin_path = project.catalog_path(origin, domain)
            if (origin, domain) not in merged_by_key and state.unchanged(origin_path) and state.unchanged(target):
                skipped.add((derived, domain))
                continue
            source = merged_by_key.get((origin, domain))
            if source is None:
                source = load_catalog(origin_path)
            catalog = derive_catalog(source, derived, lambda text: transliterate(derived, text), origin=origin)
            writes.append(FileWrite(target, generate_po(catalog)))
    return UpdatePlan(tuple(writes), tuple(updates), tuple(domains), frozenset(skipped), tuple(inputs), tuple(opted))


def update_findings(
    project: Project, plan: UpdatePlan, locales: Sequence[str], state: UpdateState | None = None
) -> list[Finding]:
    """Findings after an update has written its plan: catalogues it merged are checked, those it skipped
    replay what the state recorded for them, in the same order as a full check."""
    fresh = check_locales(project, locales, domains=plan.domains, skip=plan.skipped)
    by_path: dict[str, list[Finding]] = {}
    for finding in fresh:
        by_path.setdefault(finding.path, []).append(finding)
    findings: list[Finding] = []
    for locale in locales:
        for domain in plan.domains:
            key = _shown(project, project.catalog_path(locale, domain))
            if (locale, domain) in plan.skipped and state is not None:
                findings.extend(state.findings.get(key, []))
            else:
                findings.extend(by_path.get(key, []))
    return findings


def record_update(
    state: UpdateState, project: Project, plan: UpdatePlan, locales: Sequence[str], findings: Sequence[Finding]
) -> None:
    """Stamp what this update read and wrote, with the error findings of what it checked; save."""
    for path in plan.inputs:
        state.record(path)
        state.opted_out.discard(state.key(path))
    for path in plan.opted_out:
        state.opted_out.add(state.key(path))
    for write in plan.writes:
        state.record(write.path, write.content.encode("utf-8"))
    checked = [(loc, dom) for loc in locales for dom in plan.domains if (loc, dom) not in plan.skipped]
    by_path: dict[str, list[Finding]] = {}
    for finding in findings:
        by_path.setdefault(finding.path, []).append(finding)
    for locale, domain in checked:
        path = project.catalog_path(locale, domain)
        if path.exists():
            state.record_findings(path, by_path.get(_shown(project, path), []))
    state.save()


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
    on_disk = [job for job in jobs if job not in loaded]
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
    findings: list[Finding] = []
    for job in jobs:
        if job not in results:
            results[job] = _check_one(project, terms, loaded.get(job), job)
        findings.extend(results[job])
    return findings


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
