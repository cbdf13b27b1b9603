"""One document's share of an update, run in a worker: its template, each locale's catalogue
merged, annotated, serialised and checked, and its derived locales (see tlumach.update)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import polib

from tlumach.catalog import (
    summarise,
    build_template,
    derive_catalog,
    load_catalog,
    merge_template,
    new_catalog,
    same_catalog,
    same_messages,
    translations,
)
from tlumach.checks import check_catalog
from tlumach.errors import CatalogError, TlumachError
from tlumach.findings import Finding, Summary, Term
from tlumach.glossary import COMMENT_PREFIX, term_comments
from tlumach.pofile import EntryKey, generate_po, parse_po, written_blocks
from tlumach.project import Project
from tlumach.sitecache import Translations, leave_segments
from tlumach.state import digest
from tlumach.translit import DERIVED_LOCALES, transliterate
from tlumach.update import Context, Job, LocaleUpdate, MergeCounts, Outcome, Output, Recorded


def update_domain(context: Context, job: Job) -> Outcome:
    """One document: its template, every catalogue merged and checked, derived locales (in a worker)."""
    outcome = Outcome(job.domain)
    project = context.project
    try:
        template = _template(context, job, outcome)
        merged: dict[str, polib.POFile] = {}
        recorded, moved = dict(job.recorded), dict(job.moved)
        for locale in job.merge:
            merged[locale] = _merge_locale(context, job.domain, locale, template, outcome, recorded.get(locale), moved.get(locale))
        for derived in job.derive:
            origin = DERIVED_LOCALES[derived][0]
            source = merged.get(origin) or load_catalog(project.catalog_path(origin, job.domain))
            catalog = derive_catalog(source, derived, lambda text: transliterate(derived, text), origin=origin)
            path = project.catalog_path(derived, job.domain)
            _emit(context, outcome, path, generate_po(catalog), _read(path), written=True)
            _check(context, outcome, derived, path, catalog)
    except TlumachError as exc:
        outcome.error = exc
        for output in outcome.outputs:
            if output.staged is not None:
                output.staged.unlink(missing_ok=True)
        outcome.outputs.clear()
    return outcome


def _template(context: Context, job: Job, outcome: Outcome) -> polib.POFile:
    """The document's template: extracted again when it changed (keeping its date and bytes while
    its messages are the same), else as on disk."""
    project = context.project
    path = project.template_path(job.domain)
    if job.document is None:
        return load_catalog(path)
    data = _read(path)
    old = _parsed(data, path)
    document = project.document(job.document)
    if context.stage and context.fingerprint:  # an update that writes: the next site build need not extract it again
        leave_segments(project.root, context.fingerprint, document.domain, digest(document.text.encode("utf-8")), document.segments)
    pot = build_template(document, creation_date=context.now)
    if old is not None and same_messages(old, pot):
        pot = old
    content, _written = _serialised(pot, old, data)
    _emit(context, outcome, path, content, data)
    return pot


def _merge_locale(
    context: Context, domain: str, locale: str, template: polib.POFile, outcome: Outcome, recorded: Recorded | None,
    old_place: Path | None = None,
) -> polib.POFile:
    """One catalogue merged. When the file is still the content the state recorded, what is known
    of it is used: entries unchanged by the merge keep their written lines and their findings."""
    project = context.project
    path = project.catalog_path(locale, domain)
    data = _read(path)
    existing = _parsed(data, path)
    as_recorded = recorded is not None and data is not None and digest(data) == recorded.digest
    current = existing
    if current is None and old_place is not None:  # a moved document: its translations come with it
        current = load_catalog(old_place)
    if current is None:
        current = _new_domain_catalog(project, locale, template, now=context.now)
    merged = merge_template(current, template)
    annotate_terms(merged.catalog, context.glossaries[locale])
    written = as_recorded and recorded is not None and recorded.written
    reuse = written_blocks(data.decode("utf-8"), existing) if written and data is not None and existing is not None else None
    content, written = _serialised(merged.catalog, existing, data, reuse=reuse, written=written)
    if not written and context.stage and content.encode("utf-8") == data:
        # Kept as it was, and nothing recorded says who wrote it: find out once, for the next update.
        written = generate_po(merged.catalog) == content
    _emit(context, outcome, path, content, data, written=written)
    outcome.updates.append(LocaleUpdate(locale, domain, path, MergeCounts.of(merged)))
    findings = recorded.findings if as_recorded and recorded is not None else None
    earlier = (existing, findings) if existing is not None and findings is not None else None
    _check(context, outcome, locale, path, merged.catalog, earlier)
    return merged.catalog


def _check(
    context: Context, outcome: Outcome, locale: str, path: Path, catalog: polib.POFile,
    earlier: tuple[polib.POFile, Sequence[Finding]] | None = None,
) -> None:
    """Error findings of a catalogue as written (lines from the serialised file)."""
    if locale not in context.requested:
        return
    shown = path.relative_to(context.project.root).as_posix()
    glossary = context.glossaries.get(locale, ())
    found = check_catalog(catalog, path=shown, locale=locale, glossary=glossary, errors_only=True, earlier=earlier)
    outcome.findings[locale] = found
    outcome.summaries[locale] = summarise(catalog)


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise CatalogError(f"cannot read: {exc.strerror}", path=path) from exc


def _parsed(data: bytes | None, path: Path) -> polib.POFile | None:
    if data is None:
        return None
    po = parse_po(data, path=path)
    po.fpath = str(path)
    return po


def _serialised(
    catalog: polib.POFile, before: polib.POFile | None, data: bytes | None, *,
    reuse: dict[EntryKey, list[str]] | None = None, written: bool = False,
) -> tuple[str, bool]:
    """The file's new content, and whether generate_po wrote it. An unchanged catalogue keeps its
    bytes (and its entries' lines; ``written`` says whether generate_po wrote those)."""
    if before is not None and data is not None and catalog is not before and same_catalog(before, catalog):
        for old, new in zip(before, catalog):
            new.linenum = old.linenum
        return data.decode("utf-8"), written
    if catalog is before and data is not None:
        return data.decode("utf-8"), written
    return generate_po(catalog, reuse), True


def _emit(
    context: Context, outcome: Outcome, path: Path, content: str, on_disk: bytes | None, *, written: bool = False
) -> None:
    """Record a produced file; stage it beside its target when it differs and the update writes."""
    data = content.encode("utf-8")
    stale = data != on_disk
    staged = _stage(path, data) if stale and context.stage else None
    outcome.outputs.append(Output(path, digest(data), stale, staged, written))


def _stage(path: Path, data: bytes) -> Path:
    """A temporary file with the new content in the target's directory (renamed over it on commit).

    Like git and msgmerge, the thousands of files of a big update are not each fsync'ed: the rename
    is atomic, so a reader sees the old file or the new one, never a part.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
        os.chmod(temp, mode)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise CatalogError(f"cannot write: {exc.strerror}", path=path) from exc
    return Path(temp)


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


def annotate_terms(po: polib.POFile, terms: Sequence[Term]) -> None:
    """Add ``#. glossary: term = translation`` lines to the entries that contain a glossary term."""
    for entry in po:
        if entry.obsolete:
            continue
        if not terms and COMMENT_PREFIX not in entry.comment:
            continue
        lines = [line for line in entry.comment.split("\n") if line and not line.startswith(COMMENT_PREFIX)]
        lines.extend(term_comments(entry.msgid, terms))
        entry.comment = "\n".join(lines)



def check_file(
    project: Project, locale: str, path: Path, glossary: Sequence[Term], publish: bool = False
) -> tuple[str, list[Finding], Summary, Translations | None] | None:
    """A catalogue's digest, error findings, summary and (with ``publish``) publishable translations,
    as the site build computes them (None: malformed)."""
    data = path.read_bytes()
    try:
        catalog = parse_po(data, path=path)
    except CatalogError:
        return None  # the build names it; nothing to record
    shown = path.relative_to(project.root).as_posix()
    found = check_catalog(catalog, path=shown, locale=locale, glossary=glossary, errors_only=True)
    return digest(data), found, summarise(catalog), translations(catalog) if publish else None
