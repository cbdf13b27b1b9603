"""tlumach against the tools people would otherwise use, side by side in one run.

    .venv/bin/python bench/run.py --quick            # 10x1 and 100x5, one run each (a few minutes)
    .venv/bin/python bench/run.py                    # 10x1, 100x5, 1000x10 (about half an hour)
    .venv/bin/python bench/run.py --sizes 100x5 --repeat 5

Stages: extract, update after one paragraph edited in every document, no-change update, render,
the multilingual site (and its floor), per-locale site builds, and, on the biggest corpus, an
incremental update and a site rebuilt after one edited paragraph. Prints a table and writes
bench/results.json. See bench/README.md for the columns.
"""

from __future__ import annotations

import argparse
import compileall
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent / "src"))
sys.path.insert(0, str(BENCH))

import corpus  # noqa: E402
import peers  # noqa: E402
import sitebench  # noqa: E402
import stages  # noqa: E402
from stages import Corpus, Row  # noqa: E402

DEFAULT_SIZES = "10x1,100x5,1000x10"
QUICK_SIZES = "10x1,100x5"
REPEATS = {10: 5, 100: 3}  # bigger corpora: 1 run


def parse_sizes(spec: str) -> list[tuple[int, int]]:
    sizes = []
    for item in spec.split(","):
        docs, _, locales = item.strip().partition("x")
        sizes.append((int(docs), int(locales or 1)))
    if any(n > len(corpus.LOCALES) for _, n in sizes):
        raise SystemExit(f"at most {len(corpus.LOCALES)} locales")
    return sorted(sizes)


def prepare_corpora(work: Path, sizes: Sequence[tuple[int, int]]) -> dict[tuple[int, int], Path]:
    """Generate the biggest corpus once; the smaller ones are cut from it (same bytes as generating them)."""
    docs, locales = max(d for d, _ in sizes), max(n for _, n in sizes)
    source = work / f"corpus-{docs}x{locales}"
    print(f"generating the corpus: {docs} documents x {locales} locales ...", flush=True)
    chosen = corpus.make_corpus(source, docs=docs, locales=locales)
    bases = {}
    for size in sizes:
        base = work / f"{size[0]}x{size[1]}" / "base"
        corpus.subset(source, base, docs=size[0], locales=chosen[: size[1]])
        bases[size] = base
    shutil.rmtree(source)
    return bases


def run_size(c: Corpus, args: argparse.Namespace) -> list[Row]:
    rows: list[Row] = []
    for name, stage in (("extract", stages.stage_extract), ("update", stages.stage_update),
                        ("no-change", stages.stage_no_change), ("render", stages.stage_render)):
        if name not in args.stages:
            continue
        print(f"  {c.size}: {name} ...", flush=True)
        rows += stage(c)
    if "site" not in args.stages:
        pass
    elif c.docs in args.site_sizes:
        print(f"  {c.size}: site ...", flush=True)
        rows += sitebench.stage_site(c, c.work / "r-tlumach")
        if c.docs == args.split_size:
            print(f"  {c.size}: site per runner ...", flush=True)
            rows += sitebench.stage_split(c)
    else:
        note = f"not built: --site-sizes is {','.join(map(str, sorted(args.site_sizes)))} (a {c.docs}-document site build takes too long for this run)"
        print(f"  {c.size}: site skipped: {note}", flush=True)
        rows.append(Row(c.size, "site", "mkdocs build + tlumach plugin", status="skipped", note=note))
    if c.biggest and "incremental" in args.stages:
        print(f"  {c.size}: incremental ...", flush=True)
        rows += stages.stage_incremental(c)
    if c.biggest and "rebuild" in args.stages:
        print(f"  {c.size}: rebuild after one edit ...", flush=True)
        rows += sitebench.stage_rebuild(c)
    return rows + chain_rows(c.size, rows)


def chain_rows(size: str, rows: Sequence[Row]) -> list[Row]:
    """extract+update: tlumach update (it extracts) vs the fastest correct extract peer + merge peer."""
    def ok(stage: str) -> list[Row]:
        return [r for r in rows if r.stage == stage and r.status == "ok" and r.seconds and not r.tool.startswith("tlumach")]

    mine = next((r for r in rows if r.tool == "tlumach update" and r.seconds), None)
    if mine is None:
        return []
    out = [Row(size, "extract+update", "tlumach update (extracts, merges)", mine.seconds, mine.peak_mb, mine.runs)]
    for variant in (stages.WARM_UPDATE, stages.RESTORED_UPDATE):
        warm = next((r for r in rows if r.tool == variant and r.seconds), None)
        if warm is not None:
            out.append(Row(size, "extract+update", warm.tool, warm.seconds, warm.peak_mb, warm.runs, warm.status, warm.note))
    extract, merge = ok("extract"), [r for r in ok("update") if "po4a" not in r.tool]
    if extract and merge:
        e, m = min(extract, key=lambda r: r.seconds or 0), min(merge, key=lambda r: r.seconds or 0)
        peak = max(e.peak_mb or 0, m.peak_mb or 0)
        out.append(Row(size, "extract+update", f"{e.tool} + {m.tool}", (e.seconds or 0) + (m.seconds or 0), peak,
                       note="fastest correct extract peer + fastest correct merge peer"))
    for row in ok("update"):
        if "po4a" in row.tool:
            out.append(Row(size, "extract+update", row.tool, row.seconds, row.peak_mb, row.runs, note="extracts and merges"))
    return out


def tlumach_seconds(rows: Sequence[Row], size: str, stage: str) -> float | None:
    mine = [r for r in rows if r.size == size and r.stage == stage and r.tool.startswith("tlumach") and r.seconds]
    if stage == "site":
        mine = [r for r in rows if r.size == size and r.stage == stage and "tlumach plugin" in r.tool and r.seconds]
    return mine[0].seconds if mine else None


def ratio(rows: Sequence[Row], row: Row) -> str:
    """tlumach's time over this peer's, in the same size and stage (below 1: tlumach is faster)."""
    if row.tool.startswith("tlumach") or "tlumach plugin" in row.tool or row.stage in ("site per runner", "incremental"):
        return ""
    if row.status == "WRONG":
        return "WRONG"
    mine = tlumach_seconds(rows, row.size, row.stage)
    return f"{mine / row.seconds:.2f}" if mine and row.seconds else ""


def format_table(rows: Sequence[Row]) -> str:
    header = f"{'size':8} {'stage':16} {'tool':46} {'median s':>9} {'runs':>4} {'peak MB':>8} {'tlumach/peer':>12}  status: note"
    lines = [header, "-" * len(header)]
    for row in rows:
        seconds = f"{row.seconds:.3f}" if row.seconds is not None else "-"
        peak = f"{row.peak_mb:.0f}" if row.peak_mb is not None else "-"
        lines.append(
            f"{row.size:8} {row.stage:16} {row.tool[:46]:46} {seconds:>9} {len(row.runs) or '-':>4} {peak:>8} "
            f"{ratio(rows, row):>12}  {row.status}{': ' + row.note if row.note else ''}"
        )
    return "\n".join(lines)


def _version(command: Sequence[str]) -> str:
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=60)
    except OSError:
        return "not installed"
    text = (result.stdout or result.stderr).strip().splitlines()
    return text[0] if text and result.returncode == 0 else "not installed"


def environment() -> dict[str, object]:
    from importlib.metadata import PackageNotFoundError, version

    packages = {}
    for name in ("tlumach", "mkdocs", "mkdocs-material", "mkdocs-static-i18n", "translate-toolkit", "mdpo", "polib", "markdown-it-py"):
        try:
            packages[name] = version(name)
        except PackageNotFoundError:
            packages[name] = "not installed"
    packages["msgmerge"] = _version(["msgmerge", "--version"])
    packages["po4a"] = _version(["po4a", "--version"])
    return {
        "nproc": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
        "cpu": _cpu_model(), "packages": packages,
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def write_results(path: Path, rows: Sequence[Row], args: argparse.Namespace, started: str) -> None:
    data = {
        "command": " ".join([".venv/bin/python", "bench/run.py", *sys.argv[1:]]),
        "started": started,
        "finished": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "machine": environment(),
        "rows": [{**asdict(r), "tlumach_over_peer": ratio(rows, r)} for r in rows],
    }
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


STAGES = ("extract", "update", "no-change", "render", "site", "incremental", "rebuild")


def arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default=None, help=f"comma-separated DOCSxLOCALES (default {DEFAULT_SIZES})")
    parser.add_argument("--quick", action="store_true", help=f"sizes {QUICK_SIZES}, one run each")
    parser.add_argument("--repeat", type=int, default=None, help="runs per measurement (default: 5, 3, 1 by size)")
    parser.add_argument("--site-sizes", default="10,100", help="document counts whose site is built (default 10,100)")
    parser.add_argument("--split-size", type=int, default=None, help="document count for per-locale builds (default 100; --quick: 10)")
    parser.add_argument("--work", type=Path, default=None, help="keep scratch files here (default: a temporary directory)")
    parser.add_argument("--stages", default=",".join(STAGES), help=f"comma-separated subset of {','.join(STAGES)}")
    parser.add_argument("--without", default="", help="comma-separated peers to leave out of this run (e.g. po4a)")
    parser.add_argument("--out", type=Path, default=BENCH / "results.json")
    args = parser.parse_args(argv)
    args.sizes = parse_sizes(args.sizes or (QUICK_SIZES if args.quick else DEFAULT_SIZES))
    args.stages = [x for x in args.stages.split(",") if x]
    unknown = sorted(set(args.stages) - set(STAGES))
    if unknown:
        parser.error(f"unknown stage(s) {', '.join(unknown)}; choose from {', '.join(STAGES)}")
    args.without = {x for x in args.without.split(",") if x}
    args.site_sizes = {int(x) for x in args.site_sizes.split(",") if x}
    args.split_size = args.split_size or (10 if args.quick else 100)
    if args.quick and args.repeat is None:
        args.repeat = 1
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = arguments(argv)
    started = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    # tlumach is installed in editable mode: compile its modules once, as a regular install does for
    # every package (with PYTHONDONTWRITEBYTECODE set, each run would compile them again).
    compileall.compile_dir(str(BENCH.parent / "src" / "tlumach"), quiet=1)
    installed = peers.available()
    stages.LEFT_OUT.update(args.without)
    for peer in args.without:
        installed[peer] = False
    for peer, present in installed.items():
        state = "installed" if present else "left out (--without)" if peer in args.without else peers.skip_line(peer)
        print(f"{peer}: {state}")
    work = args.work or Path(tempfile.mkdtemp(prefix="tlumach-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    rows: list[Row] = []
    try:
        bases = prepare_corpora(work, args.sizes)
        for docs, nloc in args.sizes:
            repeat = args.repeat or REPEATS.get(docs, 1)
            base = bases[(docs, nloc)]
            c = Corpus(docs, list(corpus.LOCALES[:nloc]), base, base.parent, repeat, installed)
            c.biggest = (docs, nloc) == args.sizes[-1]
            c.wrong_before = {r.tool: r.size for r in rows if r.status == "WRONG"}
            print(f"{c.size}: {repeat} run(s) per measurement", flush=True)
            rows += run_size(c, args)
            print(format_table([r for r in rows if r.size == c.size]), flush=True)
            write_results(args.out, rows, args, started)
            if args.work is None:
                shutil.rmtree(base.parent)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    print()
    print(format_table(rows))
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
