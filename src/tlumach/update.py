"""``tlumach update`` over a whole project: one job per document, run on every core.

A job extracts its document (when it changed), merges the template into each locale's
catalogue, regenerates derived locales and checks what it merged, in memory. When the update is
to be written, each new file is first staged beside its target (a temporary file on the same
file system); only when every job has succeeded are the staged files renamed into place, so a
malformed catalogue anywhere leaves every file as it was. Memory stays bounded: a worker holds
one document's catalogues at a time, the parent only names, digests and findings. A worker that
extracts a document leaves its segments for the next site build (sitecache.leave_segments).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tlumach.errors import CatalogError, TlumachError
from tlumach.findings import Finding, Summary, Term
from tlumach.glossary import GLOSSARY_NAME, load_glossary
from tlumach.project import Project, domain_for, opted_out
from tlumach.state import UpdateState
from tlumach.translit import DERIVED_LOCALES

if TYPE_CHECKING:
    from tlumach.catalog import CatalogUpdate
    from tlumach.sitecache import Translations

Progress = Callable[[int, int], None]

#: Below this many catalogues to merge, starting worker processes costs more than it saves.
PARALLEL_MERGES = 40


@dataclass(frozen=True)
class MergeCounts:
    """What a merge did to one catalogue's entries."""

    kept: int = 0
    fuzzy: int = 0
    added: int = 0
    revived: int = 0
    obsoleted: int = 0

    @classmethod
    def of(cls, update: CatalogUpdate) -> MergeCounts:
        return cls(update.kept, update.fuzzy, update.added, update.revived, update.obsoleted)

    @property
    def changed(self) -> bool:
        return bool(self.fuzzy or self.added or self.obsoleted or self.revived)


@dataclass(frozen=True)
class LocaleUpdate:
    """What an update did to one catalogue."""

    locale: str
    domain: str
    path: Path
    update: MergeCounts


@dataclass(frozen=True)
class Output:
    """One file an update produced: whether it differs from the file on disk, and where it is staged."""

    path: Path
    digest: str
    stale: bool
    staged: Path | None = None
    written: bool = False  # the content is generate_po's (state.Stamp.written)


@dataclass(frozen=True)
class Context:
    """What every job shares (pickled once per job: small)."""

    project: Project
    requested: tuple[str, ...]
    glossaries: dict[str, tuple[Term, ...]]
    now: str
    stage: bool
    #: tlumach's code, as the update's record has it ("" without a record: nothing left for the site build).
    fingerprint: str = ""


@dataclass(frozen=True)
class Recorded:
    """What the last update recorded of a catalogue it is to merge again: valid for the file's
    content only while that content still has this digest."""

    digest: str
    written: bool  # generate_po wrote it: its unchanged entries' lines can be taken as they are
    #: Its error findings, when checked against the glossary as it still is (else None).
    findings: tuple[Finding, ...] | None


@dataclass(frozen=True)
class Job:
    domain: str
    document: Path | None  # relative to docs/ when the document must be extracted again
    merge: tuple[str, ...]  # locales whose catalogue is merged
    derive: tuple[str, ...]  # derived locales regenerated
    recorded: tuple[tuple[str, Recorded], ...] = ()  # by merged locale, where the state has a record
    #: By merged locale whose catalogue does not exist yet: the catalogue of the document's old
    #: place (a moved document), merged as if it were the new one's.
    moved: tuple[tuple[str, Path], ...] = ()


@dataclass
class Outcome:
    domain: str
    outputs: list[Output] = field(default_factory=list)
    updates: list[LocaleUpdate] = field(default_factory=list)
    findings: dict[str, list[Finding]] = field(default_factory=dict)  # by locale: error findings
    summaries: dict[str, Summary] = field(default_factory=dict)  # by locale
    error: TlumachError | None = None


@dataclass(frozen=True)
class UpdatePlan:
    """Every file the update produced (staged when it is to be written) and what it found."""

    outputs: tuple[Output, ...]
    updates: tuple[LocaleUpdate, ...]
    domains: tuple[str, ...] = ()
    #: (locale, domain) pairs the state showed unchanged since the last update: left as they are.
    skipped: frozenset[tuple[str, str]] = frozenset()
    #: Files read as inputs (documents, glossaries), stamped when the update is recorded.
    inputs: tuple[Path, ...] = ()
    opted_out: tuple[Path, ...] = ()
    #: (old catalogue, new catalogue) of each moved document: the new one starts from the old.
    moved: tuple[tuple[Path, Path], ...] = ()
    #: Catalogues of no document (and not the old place of a moved one): translations no page uses.
    orphans: tuple[Path, ...] = ()
    #: Recorded documents that are gone (their stamps are kept while catalogues of theirs are left).
    gone: tuple[str, ...] = ()
    #: Error findings of every catalogue merged, by (locale, domain).
    findings: dict[tuple[str, str], list[Finding]] = field(default_factory=dict)
    summaries: dict[tuple[str, str], Summary] = field(default_factory=dict)

    @property
    def writes(self) -> tuple[Output, ...]:
        return self.outputs

    def stale(self) -> list[Path]:
        return [o.path for o in self.outputs if o.stale]

    def commit(self) -> list[Path]:
        """Rename every staged file into place; return the files written."""
        written = []
        for output in self.outputs:
            if output.staged is not None:
                try:
                    os.replace(output.staged, output.path)
                except OSError as exc:
                    self.discard()
                    raise CatalogError(f"cannot write: {exc.strerror}", path=output.path) from exc
                written.append(output.path)
        return written

    def discard(self) -> None:
        for output in self.outputs:
            if output.staged is not None:
                output.staged.unlink(missing_ok=True)


def plan_update(
    project: Project,
    locales: Iterable[str],
    *,
    now: str,
    progress: Progress | None = None,
    state: UpdateState | None = None,
    stage: bool = False,
    workers: int | None = None,
) -> UpdatePlan:
    """Extract templates, merge them into every catalogue of the given locales, regenerate derived
    locales (be@latin from be) and check what was merged; write nothing unless ``stage``, which
    leaves the new files staged for ``commit()``.

    With a recorded ``state``, a catalogue whose document, template, glossary and own file are
    unchanged since the last update is skipped (the merge would give the same bytes).
    """
    state = state if state is not None else UpdateState(project.root, "")
    requested = tuple(locales)
    domains, dirty, inputs, opted = _scan_documents(project, state)
    merged_locales = [loc for loc in requested if loc not in DERIVED_LOCALES]
    present = set(project.locale_codes())
    derived_locales = [
        derived for derived, (origin, _name) in DERIVED_LOCALES.items()
        if derived in present and (derived in requested or origin in requested)
    ]
    skipped: set[tuple[str, str]] = set()
    jobs: list[Job] = []
    clean_glossary = {}
    for locale in merged_locales:
        glossary = project.locales_dir / locale / GLOSSARY_NAME
        clean_glossary[locale] = state.unchanged(glossary)
        inputs.append(glossary)
    def key(locale: str, domain: str) -> str:  # string keys: no pathlib for thousands of catalogues
        return f"{project.locales}/{locale}/LC_MESSAGES/{domain}.po"

    def unchanged(locale: str, domain: str) -> bool:  # a catalogue as recorded
        return state.unchanged_key(key(locale, domain))

    def settled(locale: str, domain: str) -> bool:  # as recorded, with the findings of that content
        name = key(locale, domain)
        return name in state.findings and name in state.summaries and state.unchanged_key(name)

    def recorded(locale: str, domain: str) -> Recorded | None:
        stamp = state.stamps.get(key(locale, domain))
        if stamp is None or not stamp.digest:
            return None
        found = state.findings.get(key(locale, domain)) if clean_glossary[locale] else None
        return Recorded(stamp.digest, stamp.written, tuple(found) if found is not None else None)

    left_behind: dict[str, dict[str, list[str]]] | None = None  # by locale, by file name: domains of no document
    documented = set(domains) | {domain_for(p.relative_to(project.docs_dir)) for p in opted}

    def new_places(locales: Sequence[str], domain: str) -> list[tuple[str, Path]]:
        """For a new catalogue: the one catalogue of the same name, in the same locale, whose
        document is gone (the document moved to another folder), if there is exactly one."""
        nonlocal left_behind
        if not locales:
            return []
        if left_behind is None:
            left_behind = _left_behind(project, documented)
        name = domain.rsplit("/", 1)[-1]
        found = []
        for locale in locales:
            candidates = left_behind.get(locale, {}).get(name, [])
            if len(candidates) == 1:
                found.append((locale, project.catalog_path(locale, candidates[0])))
        return found

    for domain in domains:
        clean = domain not in dirty
        merge = []
        for locale in merged_locales:
            if clean and clean_glossary[locale] and settled(locale, domain):
                skipped.add((locale, domain))
            else:
                merge.append(locale)
        derive = []
        for derived in derived_locales:
            origin = DERIVED_LOCALES[derived][0]
            if origin not in merge and unchanged(origin, domain) and settled(derived, domain):
                skipped.add((derived, domain))
            else:
                derive.append(derived)
        if not clean or merge or derive:
            known = tuple((loc, r) for loc in merge if (r := recorded(loc, domain)) is not None)
            with_record = {loc for loc, _r in known}
            new = [loc for loc in merge if loc not in with_record and not project.catalog_path(loc, domain).exists()]
            jobs.append(Job(domain, dirty.get(domain), tuple(merge), tuple(derive), known, tuple(new_places(new, domain))))
    glossaries = {loc: tuple(load_glossary(project.locales_dir, loc)) for loc in [*merged_locales, *derived_locales]}
    context = Context(project, requested, glossaries, now, stage, state.fingerprint)
    outcomes = list(_run(context, jobs, progress, workers))
    moved = tuple((old, project.catalog_path(loc, job.domain)) for job in jobs for loc, old in job.moved)
    # Catalogues left without a document can only appear when a document goes (or a new one may
    # take one over, above): a no-change update does not look at every catalogue for them.
    prefix = f"{project.docs}/"
    present = {f"{prefix}{domain}.md" for domain in domains} | {state.key(path) for path in opted}
    gone = tuple(key for key in state.stamps if key.startswith(prefix) and key.endswith(".md") and key not in present)
    if left_behind is None:
        left_behind = _left_behind(project, documented) if gone else {}
    taken = {old for old, _new in moved}
    orphans = tuple(
        path for locale in sorted(left_behind) for name in sorted(left_behind[locale])
        for domain in left_behind[locale][name] if (path := project.catalog_path(locale, domain)) not in taken
    )
    plan = UpdatePlan(
        tuple(o for outcome in outcomes for o in outcome.outputs),
        tuple(u for outcome in outcomes for u in outcome.updates),
        tuple(domains),
        frozenset(skipped),
        tuple(inputs),
        tuple(opted),
        moved,
        orphans,
        gone,
        {(locale, outcome.domain): found for outcome in outcomes for locale, found in outcome.findings.items()},
        {(locale, outcome.domain): summary for outcome in outcomes for locale, summary in outcome.summaries.items()},
    )
    failed = next((outcome.error for outcome in outcomes if outcome.error is not None), None)
    if failed is not None:
        plan.discard()
        raise failed
    return plan


def _left_behind(project: Project, domains: set[str]) -> dict[str, dict[str, list[str]]]:
    """Catalogues whose document is gone, by locale and file name: their domains, sorted."""
    found: dict[str, dict[str, list[str]]] = {}
    for locale in project.locale_codes():
        directory = project.locales_dir / locale / "LC_MESSAGES"
        for path in sorted(directory.rglob("*.po")):
            domain = path.relative_to(directory).with_suffix("").as_posix()
            if domain not in domains:
                found.setdefault(locale, {}).setdefault(domain.rsplit("/", 1)[-1], []).append(domain)
    return found


def _scan_documents(project: Project, state: UpdateState) -> tuple[list[str], dict[str, Path], list[Path], list[Path]]:
    """Domains to update, the documents to extract again (by domain), inputs read, opted-out documents."""
    domains: list[str] = []
    dirty: dict[str, Path] = {}
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
                continue
        inputs.append(path)
        if opted_out(path.read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n")):
            opted.append(path)
            continue
        domains.append(domain)
        dirty[domain] = relative
    return domains, dirty, inputs, opted


def _run(context: Context, jobs: Sequence[Job], progress: Progress | None, workers: int | None) -> Iterator[Outcome]:
    """Outcomes in job order; on every core when there is enough to do."""
    if not jobs:
        return
    from tlumach.merging import update_domain  # the catalogue machinery: only when there is work

    total = sum(len(job.merge) + len(job.derive) for job in jobs) or len(jobs)
    count = workers if workers is not None else min(os.cpu_count() or 1, 8)
    done = 0
    if count > 1 and total >= PARALLEL_MERGES and len(jobs) > 1:
        # fork: the workers start at once and share what the parent has imported
        pool = ProcessPoolExecutor(max_workers=count, mp_context=multiprocessing.get_context("fork"))
        with pool:
            results = pool.map(update_domain, [context] * len(jobs), jobs, chunksize=max(1, min(8, len(jobs) // (count * 8))))
            for job, outcome in zip(jobs, results):
                done += len(job.merge) + len(job.derive)
                if progress is not None:
                    progress(done, total)
                yield outcome
        return
    for job in jobs:
        outcome = update_domain(context, job)
        done += len(job.merge) + len(job.derive)
        if progress is not None:
            progress(done, total)
        yield outcome


def update_findings(
    project: Project, plan: UpdatePlan, locales: Sequence[str], state: UpdateState | None = None
) -> list[Finding]:
    """Error findings after an update: those of the catalogues it merged, and for those it skipped
    what the state recorded, in the order of a full check (locale by locale, document by document)."""
    findings: list[Finding] = []
    for locale in locales:
        for domain in plan.domains:
            if (locale, domain) in plan.findings:
                findings.extend(plan.findings[(locale, domain)])
            elif (locale, domain) in plan.skipped and state is not None:
                findings.extend(state.findings.get(state.key(project.catalog_path(locale, domain)), []))
    return findings


def record_update(state: UpdateState, project: Project, plan: UpdatePlan) -> None:
    """Stamp what this update read and wrote, with the error findings of what it checked; save."""
    for path in plan.inputs:
        state.record(path)
        state.opted_out.discard(state.key(path))
    for path in plan.opted_out:
        state.opted_out.add(state.key(path))
    checked = {project.catalog_path(locale, domain): (locale, domain) for locale, domain in plan.findings}
    for output in plan.outputs:
        state.record_digest(output.path, output.digest, written=output.written)
        if output.path not in checked:  # not checked (a derived locale not asked for): what was recorded is stale
            state.forget_findings(output.path)
    for path, pair in checked.items():
        state.record_findings(path, plan.findings[pair])  # keeps the errors only
        state.record_summary(path, plan.summaries[pair])
    if not plan.orphans and not plan.moved:
        for key in plan.gone:  # nothing of theirs left to warn about: no more looking for it
            state.stamps.pop(key, None)
    state.save()


def record_checks(
    project: Project,
    state: UpdateState,
    *,
    workers: int | None = None,
    locales: Collection[str] | None = None,
    publish: Collection[str] = (),
    meanwhile: Callable[[], object] | None = None,
) -> dict[Path, tuple[str, Translations]]:
    """Check every catalogue the state has no fresh record of, and record it (stamp, errors, counts).

    A site build then reads only the catalogues it renders (tlumach build --jobs: each share
    renders some locales but must know which of all the others are published), and a build on a
    clean clone checks on every core. ``locales`` limits it to those catalogue directories.
    Returns, for each checked catalogue of a locale in ``publish``, its content digest and its
    publishable translations: what the site build would otherwise parse the catalogue again for.
    ``meanwhile`` is called while worker processes check, when they do: this process would only
    wait for them (the site build extracts its documents then).
    """
    from tlumach.merging import check_file

    unrecorded: list[tuple[str, str, Path]] = []  # (the catalogue's path inside its locale, locale, path)
    for locale in project.locale_codes():
        if locales is not None and locale not in locales:
            continue
        glossary = project.locales_dir / locale / GLOSSARY_NAME
        fresh = state.unchanged(glossary)
        state.record(glossary)
        directory = project.locales_dir / locale / "LC_MESSAGES"
        for path in sorted(directory.rglob("*.po")):
            if not (fresh and state.recorded(path)):
                unrecorded.append((path.relative_to(directory).as_posix(), locale, path))
    if not unrecorded:
        if state.refreshed:
            state.save()  # stamps renewed for their new times (a restored cache): the next build stats only
        return {}
    # Document after document, every locale of one together: a msgid's analysis is cached for its
    # other locales (checks._markdown), which one locale after another would have evicted.
    jobs = [(locale, path) for _inside, locale, path in sorted(unrecorded)]
    glossaries = {loc: tuple(load_glossary(project.locales_dir, loc)) for loc in {loc for loc, _ in jobs}}
    count = workers if workers is not None else min(os.cpu_count() or 1, 8)
    arguments = (
        [project] * len(jobs),
        [loc for loc, _ in jobs],
        [path for _, path in jobs],
        [glossaries[loc] for loc, _ in jobs],
        [loc in publish for loc, _ in jobs],
    )
    if count > 1 and len(jobs) >= PARALLEL_MERGES:
        with ProcessPoolExecutor(max_workers=count, mp_context=multiprocessing.get_context("fork")) as pool:
            pending = pool.map(check_file, *arguments, chunksize=max(1, len(jobs) // (count * 8)))  # all submitted
            if meanwhile is not None:
                meanwhile()
            results = list(pending)
    else:
        results = [check_file(*job) for job in zip(*arguments)]
    published: dict[Path, tuple[str, Translations]] = {}
    for (_locale, path), result in zip(jobs, results):
        if result is not None:
            content_digest, found, summary, publishable = result
            state.record_digest(path, content_digest)
            state.record_findings(path, found)
            state.record_summary(path, summary)
            if publishable is not None:
                published[path] = (content_digest, publishable)
    state.save()
    return published
