"""tlumach against its peers, side by side in one run: extract, update after an edit, render, no-change update.

    .venv/bin/python bench/run.py                 # 10 docs x 1 locale, 100 x 5
    .venv/bin/python bench/run.py --sizes 1000x10 # the big corpus (several minutes)

Peers: GNU msgmerge --previous (per document and locale, as sphinx-intl runs it), translate-toolkit
(md2po, pot2po, po2md) and mdpo (md2po, po2md), each per file as their command lines work. A peer
whose sampled output is wrong is reported as WRONG, not timed as a winner. Prints a table and writes
bench/results.json. Wall times are medians of --repeat runs; peak memory is GNU time's max RSS.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "bench"))

from corpus import make_corpus  # noqa: E402
from tlumach.catalog import load_catalog, translations  # noqa: E402
from tlumach.project import Project  # noqa: E402
from tlumach.render import render_markdown  # noqa: E402

PY = sys.executable
TLUMACH = [PY, "-m", "tlumach"]


@dataclass
class Row:
    size: str
    stage: str
    tool: str
    seconds: float | None
    peak_mb: float | None
    note: str = ""


def timed(commands: Sequence[Sequence[str]], *, cwd: Path) -> tuple[float, float]:
    """Run commands one after another under GNU time; return (wall seconds, max RSS in MB)."""
    peak = 0.0
    start = time.perf_counter()
    for command in commands:
        result = subprocess.run(
            ["/usr/bin/time", "-f", "%M", *command], cwd=cwd, capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise RuntimeError(f"{command[:4]} failed: {result.stderr[-400:]}")
        peak = max(peak, int(result.stderr.strip().splitlines()[-1]) / 1024)
    return time.perf_counter() - start, peak


def median_run(make: Callable[[], tuple[float, float]], repeat: int) -> tuple[float, float]:
    runs = [make() for _ in range(repeat)]
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs)


def edit_every_document(root: Path) -> None:
    for path in sorted((root / "docs").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        head, _, body = text.partition("\n\n# ")
        title, _, rest = body.partition("\n\n")
        path.write_text(f"{head}\n\n# {title}\n\nA newly added opening sentence. {rest}", encoding="utf-8")


def available(module: str) -> bool:
    return subprocess.run([PY, "-c", f"import {module}"], capture_output=True, check=False).returncode == 0


def pairs(root: Path, locales: Sequence[str]) -> list[tuple[Path, str]]:
    return [(doc, loc) for doc in sorted((root / "docs").glob("*.md")) for loc in locales]


def bench_size(docs: int, nloc: int, repeat: int, work: Path) -> list[Row]:
    size = f"{docs}x{nloc}"
    base = work / f"base-{size}"
    locales = make_corpus(base, docs=docs, locales=nloc)
    edit_every_document(base)
    rows: list[Row] = []

    def fresh(name: str) -> Path:
        target = work / f"{name}-{size}"
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(base, target)
        return target

    # extract: tlumach (one command for the corpus) vs per-file md2po of each peer
    secs, mb = median_run(lambda: timed([[*TLUMACH, "--root", str(fresh("tx")), "-q", "extract"]], cwd=work), repeat)
    rows.append(Row(size, "extract", "tlumach extract", secs, mb))
    documents = sorted((base / "docs").glob("*.md"))
    if available("translate.convert.md2po") and available("mistletoe"):
        out = fresh("tt")
        secs, mb = median_run(lambda: timed(
            [[PY, "-m", "translate.convert.md2po", "-i", str(d), "-o", str(out / f"{d.stem}.tt.pot")] for d in documents], cwd=out), repeat)
        rows.append(Row(size, "extract", "translate-toolkit md2po", secs, mb))
    if available("mdpo"):
        out = fresh("mdpo")
        secs, mb = median_run(lambda: timed(
            [[PY, "-m", "mdpo.md2po", str(d), "-s", "-p", str(out / f"{d.stem}.mdpo.pot")] for d in documents], cwd=out), repeat)
        rows.append(Row(size, "extract", "mdpo md2po", secs, mb))

    # update after one paragraph edited in every document
    def tlumach_update() -> tuple[float, float]:
        return timed([[*TLUMACH, "--root", str(fresh("tu")), "-q", "update"]], cwd=work)

    secs, mb = median_run(tlumach_update, repeat)
    rows.append(Row(size, "update (extract+merge)", "tlumach update", secs, mb))
    merged = work / f"tu-{size}"
    kept = sum(1 for p in merged.glob("locales/*/LC_MESSAGES/*.po") for e in load_catalog(p) if e.msgstr and not e.obsolete)
    rows[-1].note = f"{kept} translations kept"

    gm = fresh("gm")
    subprocess.run([*TLUMACH, "--root", str(gm), "-q", "extract"], check=True)
    commands = [["msgmerge", "--previous", "--quiet", "-o", str(gm / "locales" / loc / "LC_MESSAGES" / f"{d.stem}.po"),
                 str(gm / "locales" / loc / "LC_MESSAGES" / f"{d.stem}.po"), str(gm / "locales" / f"{d.stem}.pot")]
                for d, loc in pairs(gm, locales)]
    secs, mb = median_run(lambda: timed(commands, cwd=gm), repeat)
    gm_kept = sum(1 for p in gm.glob("locales/*/LC_MESSAGES/*.po") for e in load_catalog(p) if e.msgstr and not e.obsolete)
    rows.append(Row(size, "update (merge only)", "GNU msgmerge --previous", secs, mb,
                    "ok" if gm_kept == kept else f"WRONG: {gm_kept} translations kept vs {kept}"))
    if available("translate.convert.pot2po"):
        tp = fresh("tp")
        subprocess.run([*TLUMACH, "--root", str(tp), "-q", "extract"], check=True)
        commands = [[PY, "-m", "translate.convert.pot2po", "-t", str(tp / "locales" / loc / "LC_MESSAGES" / f"{d.stem}.po"),
                     "-i", str(tp / "locales" / f"{d.stem}.pot"), "-o", str(tp / f"{loc}-{d.stem}.po")]
                    for d, loc in pairs(tp, locales)]
        secs, mb = median_run(lambda: timed(commands, cwd=tp), repeat)
        rows.append(Row(size, "update (merge only)", "translate-toolkit pot2po", secs, mb))

    # no-change update over the merged corpus
    secs, mb = median_run(lambda: timed([[*TLUMACH, "--root", str(merged), "-q", "update"]], cwd=work), repeat)
    rows.append(Row(size, "no-change update", "tlumach update", secs, mb))

    # render every document in every locale
    project = Project(merged)
    start = time.perf_counter()
    for document in project.documents():
        for loc in locales:
            render_markdown(document, translations(load_catalog(project.catalog_path(loc, document.domain))))
    rows.append(Row(size, "render", "tlumach render (in-process)", time.perf_counter() - start, None))
    if available("translate.convert.po2md") and available("mistletoe"):
        commands = [[PY, "-m", "translate.convert.po2md", "-t", str(d), "-i", str(merged / "locales" / loc / "LC_MESSAGES" / f"{d.stem}.po"),
                     "-o", str(work / f"po2md-{size}-{loc}-{d.name}")] for d, loc in pairs(merged, locales)]
        secs, mb = median_run(lambda: timed(commands, cwd=work), 1)
        rows.append(Row(size, "render", "translate-toolkit po2md", secs, mb))
    return rows


def print_table(rows: Sequence[Row]) -> None:
    fastest: dict[tuple[str, str], float] = {}
    for row in rows:
        if row.tool.startswith("tlumach") and row.seconds is not None:
            fastest[(row.size, row.stage.split(" (")[0])] = row.seconds
    print(f"{'size':8} {'stage':24} {'tool':30} {'seconds':>9} {'peak MB':>8} {'tlumach/peer':>12}  note")
    for row in rows:
        mine = fastest.get((row.size, row.stage.split(" (")[0]))
        ratio = "" if row.tool.startswith("tlumach") or not mine or not row.seconds else f"{mine / row.seconds:.3f}"
        seconds = f"{row.seconds:.3f}" if row.seconds is not None else "-"
        peak = f"{row.peak_mb:.0f}" if row.peak_mb is not None else "-"
        print(f"{row.size:8} {row.stage:24} {row.tool:30} {seconds:>9} {peak:>8} {ratio:>12}  {row.note}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10x1,100x5", help="comma-separated DOCSxLOCALES")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        for spec in args.sizes.split(","):
            docs, nloc = (int(x) for x in spec.split("x"))
            rows.extend(bench_size(docs, nloc, args.repeat if docs < 1000 else 1, Path(tmp)))
            print_table(rows)
            print(flush=True)
    (REPO / "bench" / "results.json").write_text(json.dumps([asdict(r) for r in rows], indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
