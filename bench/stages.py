"""The measured stages for one corpus size: extract, update, no-change update, render, incremental."""

from __future__ import annotations

import multiprocessing
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import corpus
import peers
from measure import Sample, StageFailed, Timing, repeat, run_measured, run_script, run_scripts_in_parallel
from peers import Verdict

#: The sentence appended to one paragraph of a document to simulate an edit.
EDIT = " The authorities have not answered any of these concerns."


@dataclass
class Row:
    size: str
    stage: str
    tool: str
    seconds: float | None = None
    peak_mb: float | None = None
    runs: list[float] = field(default_factory=list)
    status: str = "ok"  # ok | WRONG | skipped | failed | floor | reference
    note: str = ""


@dataclass
class Corpus:
    """One corpus size and its scratch space."""

    docs: int
    locales: list[str]
    base: Path  # the pristine corpus: documents and pseudo-translated catalogues
    work: Path
    repeat: int
    installed: dict[str, bool]
    peer_templates: dict[str, Path] = field(default_factory=dict)
    edited: Path | None = None  # base with one paragraph edited in every document
    merged: Path | None = None  # edited after tlumach update
    wrong_before: dict[str, str] = field(default_factory=dict)  # tool -> the smaller size where it was WRONG
    biggest: bool = False

    @property
    def size(self) -> str:
        return f"{self.docs}x{len(self.locales)}"

    def names(self) -> list[str]:
        return [p.stem for p in sorted((self.base / "docs").glob("*.md"))]

    def sample(self) -> list[str]:
        """First, middle and last document: what the correctness checks read."""
        names = self.names()
        return sorted({names[0], names[len(names) // 2], names[-1]})

    def scratch(self, name: str) -> Path:
        path = self.work / name
        if path.exists():
            shutil.rmtree(path)
        return path


def timed_row(c: Corpus, stage: str, tool: str, timing: Timing, verdict: Verdict | None = None) -> Row:
    status, note = (verdict.status, verdict.note) if verdict else ("ok", "")
    return Row(c.size, stage, tool, timing.seconds, timing.peak_mb, [round(s.seconds, 3) for s in timing.runs], status, note)


def attempt(c: Corpus, stage: str, tool: str, body: Callable[[], Row]) -> Row:
    """A failing peer command gives a 'failed' row, never a failed benchmark."""
    try:
        return body()
    except StageFailed as exc:
        return Row(c.size, stage, tool, status="failed", note=str(exc)[:300])


def clearer(c: Corpus, name: str) -> Callable[[], None]:
    """A prepare step that removes a previous run's output."""

    def clear() -> None:
        c.scratch(name)

    return clear


#: Peers left out of a run by choice (run.py --without), not because they are missing.
LEFT_OUT: set[str] = set()


def skipped(c: Corpus, stage: str, peer: str, tool: str) -> Row:
    line = f"left out of this run (--without {peer})" if peer in LEFT_OUT else peers.skip_line(peer)
    print(f"  {c.size} {stage}: {tool}: {line}", flush=True)
    return Row(c.size, stage, tool, status="skipped", note=line)


#: From this many documents on, a peer already WRONG at a smaller size of the same run is not re-run.
BIG = 1000


def not_again(c: Corpus, stage: str, tool: str) -> Row | None:
    """A skipped row for a peer whose output was already WRONG at a smaller size (saves the big run's time)."""
    if c.docs < BIG or tool not in c.wrong_before:
        return None
    note = f"WRONG at {c.wrong_before[tool]} (see there); not re-run at {c.size} to keep the run within its time budget"
    print(f"  {c.size} {stage}: {tool}: skipped: {note}", flush=True)
    return Row(c.size, stage, tool, status="skipped", note=note)


def fill_all(paths: Sequence[tuple[Path, str]]) -> None:
    """Pseudo-translate peers' catalogues on both cores (setup, not timed)."""
    with multiprocessing.get_context("fork").Pool(2) as pool:
        pool.starmap(corpus.fill_with_polib, paths, chunksize=64)


def peer_catalogues(c: Corpus, peer: str, name: str) -> Path:
    """The peer's own templates of the base corpus, copied per locale and pseudo-translated."""
    root = c.scratch(name)
    jobs: list[tuple[Path, str]] = []
    for locale in c.locales:
        (root / locale).mkdir(parents=True)
        for template in sorted(c.peer_templates[peer].glob("*.pot")):
            target = root / locale / f"{template.stem}.po"
            shutil.copyfile(template, target)
            jobs.append((target, locale))
    fill_all(jobs)
    return root


# ---------------------------------------------------------------- extract


def stage_extract(c: Corpus) -> list[Row]:
    rows = [attempt(c, "extract", "tlumach extract", lambda: _extract_tlumach(c))]
    reference = c.work / "x-tlumach" / "locales"
    for peer, tool, body, name in (
        ("translate-toolkit", "translate-toolkit md2po (dir)", _extract_tt, "x-translate-toolkit"),
        ("mdpo", "mdpo md2po (in-process loop)", _extract_mdpo, "x-mdpo"),
        ("mdpo", MDPO_TWO, lambda c, out: _extract_mdpo(c, out, 2), "x-mdpo2"),
        ("po4a", "po4a-updatepo -o markdown (per doc)", _extract_po4a, "x-po4a"),
    ):
        if not c.installed[peer]:
            rows.append(skipped(c, "extract", peer, tool))
            continue
        again = not_again(c, "extract", tool)
        if again is not None:
            rows.append(again)
            continue
        out = c.work / name
        row = attempt(c, "extract", tool, lambda: body(c, out))
        if row.status != "failed":
            pairs = [(reference / f"{n}.pot", out / f"{n}.pot") for n in c.sample()]
            verdict = peers.extract_verdict(pairs)
            row.status, row.note = verdict.status, verdict.note
            c.peer_templates[peer] = out
        rows.append(row)
    return rows


def _extract_tlumach(c: Corpus) -> Row:
    root = c.work / "x-tlumach"

    def prepare() -> None:
        c.scratch("x-tlumach")
        shutil.copytree(c.base / "docs", root / "docs")

    command = [*peers.tlumach_command(), "--root", str(root), "-q", "extract"]
    timing = repeat(prepare, lambda: run_measured(command, cwd=c.work), c.repeat)
    return timed_row(c, "extract", "tlumach extract", timing)


def _extract_tt(c: Corpus, out: Path) -> Row:
    command = peers.tt("md2po", c.base / "docs", out) + ["--pot"]
    timing = repeat(clearer(c, out.name), lambda: run_measured(command, cwd=c.work), c.repeat)
    return timed_row(c, "extract", "translate-toolkit md2po (dir)", timing)


MDPO_TWO = "mdpo md2po (in-process loop, 2 at once)"


def _extract_mdpo(c: Corpus, out: Path, jobs: int = 1) -> Row:
    """mdpo's loop in one interpreter; with jobs=2, two interpreters, each every other document."""
    if jobs == 1:
        command = peers.driver("mdpo-extract", str(c.base / "docs"), str(out))
        timing = repeat(clearer(c, out.name), lambda: run_measured(command, cwd=c.work), c.repeat)
        return timed_row(c, "extract", "mdpo md2po (in-process loop)", timing)
    lines = [peers.driver("mdpo-extract", str(c.base / "docs"), str(out), f"{n}/{jobs}") for n in range(jobs)]
    timing = repeat(clearer(c, out.name), lambda: run_scripts_in_parallel(lines, cwd=c.work, name="mdpo2", jobs=jobs), c.repeat)
    return timed_row(c, "extract", MDPO_TWO, timing)


def _extract_po4a(c: Corpus, out: Path) -> Row:
    lines = [peers.po4a_updatepo(c.base / "docs" / f"{n}.md", [out / f"{n}.pot"]) for n in c.names()]

    def prepare() -> None:
        c.scratch(out.name).mkdir(parents=True)

    timing = repeat(prepare, lambda: run_script(lines, cwd=c.work, name="po4a-extract"), c.repeat)
    return timed_row(c, "extract", "po4a-updatepo -o markdown (per doc)", timing)


# ---------------------------------------------------------------- update after one paragraph edited per document


def edit_paragraph(path: Path, sentence: str = EDIT) -> None:
    """Append a sentence to the first one-line paragraph after the H1 (a small, realistic edit)."""
    text = path.read_text(encoding="utf-8")
    blocks = text.split("\n\n")
    for index, block in enumerate(blocks[2:], start=2):
        if block[:1].isalpha() and "\n" not in block:
            blocks[index] = block.rstrip() + sentence
            break
    else:
        raise ValueError(f"no one-line paragraph to edit in {path}")
    path.write_text("\n\n".join(blocks), encoding="utf-8")


def prepare_edited(c: Corpus) -> Path:
    """base with every document edited; its new templates extracted (for the merge-only peers)."""
    edited = c.scratch("edited")
    shutil.copytree(c.base, edited)
    for path in sorted((edited / "docs").glob("*.md")):
        edit_paragraph(path)
    probe = c.scratch("edited-probe")
    shutil.copytree(edited / "docs", probe / "docs")
    run_measured([*peers.tlumach_command(), "--root", str(probe), "-q", "extract"], cwd=c.work)
    shutil.copytree(probe / "locales", c.work / "templates-edited")
    shutil.rmtree(probe)
    c.edited = edited
    return edited


def stage_update(c: Corpus) -> list[Row]:
    edited = prepare_edited(c)
    rows = [attempt(c, "update", "tlumach update", lambda: _update_tlumach(c, edited))]
    rows.append(attempt(c, "update", WARM_UPDATE, lambda: _update_tlumach_warm(c, edited)))
    rows.append(attempt(c, "update", RESTORED_UPDATE, lambda: _update_tlumach_warm(c, edited, restored=True)))
    for peer, tool, body in (
        ("msgmerge", "GNU msgmerge --previous (per pair)", _update_msgmerge),
        ("msgmerge", "GNU msgmerge --previous (per pair, 2 at once)", lambda c, edited: _update_msgmerge(c, edited, 2)),
        ("translate-toolkit", "translate-toolkit pot2po (dir)", _update_pot2po),
        ("translate-toolkit", "translate-toolkit pot2po (dir, 2 locales at once)", lambda c, edited: _update_pot2po(c, edited, 2)),
        ("po4a", "po4a-updatepo (per doc, all locales)", _update_po4a),
    ):
        if not c.installed[peer]:
            rows.append(skipped(c, "update", peer, tool))
        elif (again := not_again(c, "update", tool)) is not None:
            rows.append(again)
        elif peer == "po4a" and "po4a" not in c.peer_templates:
            rows.append(Row(c.size, "update", tool, status="skipped", note="no po4a templates (its extract did not run)"))
        else:
            rows.append(attempt(c, "update", tool, lambda: body(c, edited)))
    return rows


def _catalogue(root: Path, locale: str, name: str) -> Path:
    return root / "locales" / locale / "LC_MESSAGES" / f"{name}.po"


def _update_tlumach(c: Corpus, edited: Path) -> Row:
    merged = c.work / "u-tlumach"

    def prepare() -> None:
        shutil.copytree(edited, c.scratch("u-tlumach"))

    command = [*peers.tlumach_command(), "--root", str(merged), "-q", "update"]
    timing = repeat(prepare, lambda: run_measured(command, cwd=c.work), c.repeat)
    c.merged = merged
    triples = [(_catalogue(edited, loc, n), _catalogue(merged, loc, n), None) for n in c.sample() for loc in c.locales[:2]]
    return timed_row(c, "update", "tlumach update", timing, peers.update_verdict(triples))


WARM_UPDATE = "tlumach update (state of the last update)"
RESTORED_UPDATE = "tlumach update (fresh clone, .tlumach/ restored)"


def _update_tlumach_warm(c: Corpus, edited: Path, *, restored: bool = False) -> Row:
    """The same edit, in a project whose last update left its state (.tlumach/), as in daily use:
    base updated once (not timed), then every document edited. Its catalogues must be the bytes
    of the update without state. ``restored``: then copied file by file as a fresh clone with its
    .tlumach/ restored by a CI cache is, every file at a new modification time."""
    name = "u-tlumach-restored" if restored else "u-tlumach-warm"
    warm = c.work / name
    command = [*peers.tlumach_command(), "--root", str(warm), "-q", "update"]

    def prepare() -> None:
        shutil.copytree(c.base, c.scratch(name))
        run_measured(command, cwd=c.work)
        for path in sorted((edited / "docs").glob("*.md")):
            shutil.copyfile(path, warm / "docs" / path.name)
        if restored:
            earlier = c.scratch(f"{name}-earlier")
            warm.rename(earlier)
            shutil.copytree(earlier, warm, copy_function=shutil.copyfile)  # copyfile: new modification times
            shutil.rmtree(earlier)

    timing = repeat(prepare, lambda: run_measured(command, cwd=c.work), c.repeat)
    assert c.merged is not None
    cold = {p.relative_to(c.merged): p.read_bytes() for p in sorted((c.merged / "locales").rglob("*.po*"))}
    ours = {p.relative_to(warm): p.read_bytes() for p in sorted((warm / "locales").rglob("*.po*"))}
    differ = sorted(str(k) for k in cold.keys() | ours.keys() if cold.get(k) != ours.get(k))
    verdict = (peers.Verdict(False, f"{len(differ)} file(s) differ from the update without state, e.g. {differ[0]}")
               if differ else peers.Verdict(True, f"all {len(ours)} templates and catalogues identical to the update without state"))
    return timed_row(c, "update", RESTORED_UPDATE if restored else WARM_UPDATE, timing, verdict)


def _update_msgmerge(c: Corpus, edited: Path, jobs: int = 1) -> Row:
    """msgmerge per pair, as a Makefile runs it; with jobs=2 as `make -j2` does (the peer on both cores)."""
    name = "u-msgmerge" if jobs == 1 else f"u-msgmerge{jobs}"
    tool = "GNU msgmerge --previous (per pair)" if jobs == 1 else f"GNU msgmerge --previous (per pair, {jobs} at once)"
    out, templates = c.work / name, c.work / "templates-edited"
    lines = [
        peers.msgmerge(_catalogue(edited, loc, n), templates / f"{n}.pot", out / loc / f"{n}.po")
        for n in c.names() for loc in c.locales
    ]

    def prepare() -> None:
        c.scratch(name)
        for locale in c.locales:
            (out / locale).mkdir(parents=True)

    timing = repeat(prepare, lambda: run_scripts_in_parallel(lines, cwd=c.work, name=name, jobs=jobs), c.repeat)
    triples = [(_catalogue(edited, loc, n), out / loc / f"{n}.po", _catalogue(c.work / "u-tlumach", loc, n))
               for n in c.sample() for loc in c.locales[:2]]
    return timed_row(c, "update", tool, timing, peers.update_verdict(triples))


def _update_pot2po(c: Corpus, edited: Path, jobs: int = 1) -> Row:
    """pot2po per locale directory; with jobs=2, two locales at once (`make -j2`)."""
    name = "u-pot2po" if jobs == 1 else f"u-pot2po{jobs}"
    tool = "translate-toolkit pot2po (dir)" if jobs == 1 else f"translate-toolkit pot2po (dir, {jobs} locales at once)"
    out, templates = c.work / name, c.work / "templates-edited"
    lines = [peers.tt("pot2po", templates, out / loc, template=edited / "locales" / loc / "LC_MESSAGES") for loc in c.locales]

    def prepare() -> None:
        c.scratch(name).mkdir(parents=True)

    timing = repeat(prepare, lambda: run_scripts_in_parallel(lines, cwd=c.work, name=name, jobs=jobs), c.repeat)
    triples = [(_catalogue(edited, loc, n), out / loc / f"{n}.po", _catalogue(c.work / "u-tlumach", loc, n))
               for n in c.sample() for loc in c.locales[:2]]
    return timed_row(c, "update", tool, timing, peers.update_verdict(triples))


def _update_po4a(c: Corpus, edited: Path) -> Row:
    """po4a's own chain: its catalogues of the base corpus, updated from the edited documents."""
    before = peer_catalogues(c, "po4a", "po4a-base")
    out = c.work / "u-po4a"
    lines = [
        peers.po4a_updatepo(edited / "docs" / f"{n}.md", [out / loc / f"{n}.po" for loc in c.locales])
        for n in c.names()
    ]

    def prepare() -> None:
        shutil.copytree(before, c.scratch("u-po4a"))

    timing = repeat(prepare, lambda: run_script(lines, cwd=c.work, name="po4a-update"), c.repeat)
    triples = [(before / loc / f"{n}.po", out / loc / f"{n}.po", None) for n in c.sample() for loc in c.locales[:2]]
    verdict = peers.update_verdict(triples)
    if verdict.ok:  # its extraction is the same as at the extract stage
        extract = peers.extract_verdict([(c.work / "x-tlumach" / "locales" / f"{n}.pot", c.peer_templates["po4a"] / f"{n}.pot") for n in c.sample()])
        verdict = verdict if extract.ok else Verdict(False, f"extracts as at the extract stage: {extract.note}")
    return timed_row(c, "update", "po4a-updatepo (per doc, all locales)", timing, verdict)


def stage_no_change(c: Corpus) -> list[Row]:
    """tlumach update (and update --check) right after an update: nothing to do."""
    assert c.merged is not None
    rows = []
    variants = [("tlumach update (no change)", []), ("tlumach update --check (no change)", ["--check"])]
    if c.biggest:  # the incremental stage measures the plain no-change update of this corpus
        variants = variants[1:]
    for tool, extra in variants:
        command = [*peers.tlumach_command(), "--root", str(c.merged), "-q", "update", *extra]
        timing = repeat(lambda: None, lambda: run_measured(command, cwd=c.work), c.repeat)
        rows.append(timed_row(c, "no-change update", tool, timing))
    return rows


# ---------------------------------------------------------------- render


def stage_render(c: Corpus) -> list[Row]:
    rows = [attempt(c, "render", "tlumach render_markdown (in-process)", lambda: _render_tlumach(c))]
    for peer, tool, body in (
        ("translate-toolkit", "translate-toolkit po2md (dir)", _render_tt),
        ("mdpo", "mdpo po2md (in-process loop)", _render_mdpo),
    ):
        if not c.installed[peer]:
            rows.append(skipped(c, "render", peer, tool))
        elif (again := not_again(c, "render", tool)) is not None:
            rows.append(again)
        elif peer not in c.peer_templates:
            rows.append(Row(c.size, "render", tool, status="skipped", note=f"no {peer} templates (extract failed)"))
        else:
            rows.append(attempt(c, "render", tool, lambda: body(c)))
    return rows


def _render_pairs(c: Corpus, out: Path) -> list[tuple[Path, Path]]:
    locales = sorted({c.locales[0], c.locales[-1]})
    return [(c.base / "docs" / f"{n}.md", out / loc / f"{n}.md") for n in c.sample() for loc in locales]


def _render_tlumach(c: Corpus) -> Row:
    out = c.work / "r-tlumach"
    command = peers.driver("tlumach-render", str(c.base), str(out), *c.locales)
    timing = repeat(clearer(c, out.name), lambda: run_measured(command, cwd=c.work), c.repeat)
    return timed_row(c, "render", "tlumach render_markdown (in-process)", timing, peers.render_verdict(_render_pairs(c, out)))


def _render_tt(c: Corpus) -> Row:
    catalogues, out = peer_catalogues(c, "translate-toolkit", "tt-po"), c.work / "r-tt"
    lines = [peers.tt("po2md", catalogues / loc, out / loc, template=c.base / "docs") for loc in c.locales]

    def prepare() -> None:
        c.scratch(out.name).mkdir(parents=True)

    timing = repeat(prepare, lambda: run_script(lines, cwd=c.work, name="po2md"), c.repeat)
    return timed_row(c, "render", "translate-toolkit po2md (dir)", timing, peers.render_verdict(_render_pairs(c, out)))


def _render_mdpo(c: Corpus) -> Row:
    catalogues, out = peer_catalogues(c, "mdpo", "mdpo-po"), c.work / "r-mdpo"
    lines = [peers.driver("mdpo-render", str(c.base / "docs"), str(catalogues / loc), str(out / loc)) for loc in c.locales]
    timing = repeat(clearer(c, out.name), lambda: run_script(lines, cwd=c.work, name="mdpo-render"), c.repeat)
    return timed_row(c, "render", "mdpo po2md (in-process loop)", timing, peers.render_verdict(_render_pairs(c, out)))


# ---------------------------------------------------------------- incremental (the biggest corpus)


def stage_incremental(c: Corpus) -> list[Row]:
    """One paragraph edited in one document, then tlumach update; then a no-change update.

    Each run edits another document, so every run has exactly one changed document.
    """
    assert c.merged is not None
    root = c.merged
    names = iter(c.names())
    update = [*peers.tlumach_command(), "--root", str(root), "-q", "update"]
    after_edit, no_change, floor = Timing(), Timing(), Timing()
    for _ in range(c.repeat):
        name = next(names)
        before = {loc: _catalogue(root, loc, name).read_bytes() for loc in c.locales}
        edit_paragraph(root / "docs" / f"{name}.md", " A further sentence was added on review.")
        after_edit.runs.append(run_measured(update, cwd=c.work))
        no_change.runs.append(run_measured(update, cwd=c.work))
        if c.installed["msgmerge"]:
            floor.runs.append(_msgmerge_one(c, root, name, before))
    rows = [
        timed_row(c, "incremental", "tlumach update (1 doc edited)", after_edit),
        timed_row(c, "incremental", "tlumach update (no change)", no_change),
    ]
    if floor.runs:
        row = timed_row(c, "incremental", f"msgmerge of the edited doc only ({len(c.locales)} pairs)", floor)
        row.status, row.note = "reference", "what a Makefile that tracks changed files runs; no extraction"
        rows.append(row)
    return rows


def _msgmerge_one(c: Corpus, root: Path, name: str, before: dict[str, bytes]) -> Sample:
    scratch = c.scratch("incremental-msgmerge")
    lines = []
    for locale, data in before.items():
        (scratch / locale).mkdir(parents=True)
        (scratch / locale / f"{name}.po").write_bytes(data)
        lines.append(peers.msgmerge(scratch / locale / f"{name}.po", root / "locales" / f"{name}.pot", scratch / locale / "out.po"))
    return run_script(lines, cwd=c.work, name="msgmerge-one")
