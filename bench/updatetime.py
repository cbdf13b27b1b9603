"""Where a ``tlumach update`` spends its time: each stage of a catalogue's update, timed in the workers.

    python bench/updatetime.py [--docs 200] [--locales 10] [--rounds 3] [--against SRC] [--out REPORT.json]

The update stage of ``run.py`` gives one wall time for extracting, merging, writing and checking
thousands of catalogues. The peers it is compared with (mdpo, translate-toolkit, msgmerge) only
extract and merge; tlumach also checks every catalogue it writes and records the findings. This
shows which part of the update costs what, so that a change to one part can be judged by it and a
ratio to the peers can be read against what tlumach does that they do not.

The corpus is ``corpus.py``'s (``--docs`` x ``--locales``), with one paragraph edited in every
document as in the update stage. Two cases, each on a fresh copy, every round:

- ``clean``: no ``.tlumach/`` (a clean clone, as CI runs it);
- ``record``: the record of an update run before the edit (a translator's checkout).

Inside the update's process and its forked workers the functions ``tlumach.merging`` calls for
each document are wrapped, and each one's own time is summed (a wrapped call inside another is
counted once, in the inner one); ``update_domain`` itself is the glue around them. The stages are
times inside the workers, which run side by side on the cores: their sum is about cores x the
pool's wall time. ``pool`` is the wall time from the first job to the last outcome; ``parent``
is the rest of the command (planning, reading the record, renaming the files into place, saving
the record). With ``--against`` another tlumach source tree is timed in the same rounds and the
catalogues of the two must be byte-identical. Timing wrappers add a little to every stage: read
the shares, and compare trees within one run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent

#: What tlumach.merging calls for a document, by the name it calls it (module globals and one method).
STAGES = (
    "_read", "parse_po", "load_catalog", "build_template", "same_messages", "same_catalog", "merge_template",
    "annotate_terms", "written_blocks", "generate_po", "digest", "_stage", "check_catalog", "summarise",
    "derive_catalog",
)
LABELS = {
    "Project.document": "extract the document",
    "build_template": "build the template",
    "_read": "read the files",
    "parse_po": "parse catalogues",
    "load_catalog": "load a derived locale's origin",
    "same_messages": "compare templates",
    "same_catalog": "compare catalogues",
    "merge_template": "merge",
    "annotate_terms": "glossary comments",
    "written_blocks": "reuse written lines",
    "generate_po": "write .po text (wrapping)",
    "digest": "digest",
    "_stage": "stage files (temporary, atomic)",
    "check_catalog": "check",
    "summarise": "counts",
    "derive_catalog": "transliterate (derived locales)",
    "update_domain": "glue (update_domain itself)",
}


def child(project: Path, times_dir: Path) -> dict[str, Any]:
    """Run inside the tree under test (PYTHONPATH): one ``tlumach update``, its stages timed."""
    import tlumach.merging as merging
    import tlumach.update as update
    from tlumach.cli import main
    from tlumach.project import Project

    own: dict[str, float] = defaultdict(float)
    calls: dict[str, int] = defaultdict(int)
    stack: list[float] = []  # per active wrapped call: the time its wrapped callees took

    def forget() -> None:  # a forked worker counts its own calls only
        own.clear()
        calls.clear()

    os.register_at_fork(after_in_child=forget)

    def timed(function: Callable[..., Any], name: str) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            stack.append(0.0)
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                elapsed = time.perf_counter() - start
                inner = stack.pop()
                own[name] += elapsed - inner
                calls[name] += 1
                if stack:
                    stack[-1] += elapsed
        return wrapper

    for name in STAGES:
        if hasattr(merging, name):
            setattr(merging, name, timed(getattr(merging, name), name))
    Project.document = timed(Project.document, "Project.document")
    domain = timed(merging.update_domain, "update_domain")

    def update_domain(*args: Any, **kwargs: Any) -> Any:
        outcome = domain(*args, **kwargs)
        report = times_dir / f"{os.getpid()}.json"
        temporary = report.with_suffix(".tmp")
        temporary.write_text(json.dumps({"own": own, "calls": calls}), encoding="utf-8")
        temporary.replace(report)  # the worker's totals so far: it exits without running atexit
        return outcome

    # The pool pickles the function by name: the workers, forked, find this one under it.
    update_domain.__module__, update_domain.__qualname__ = "tlumach.merging", "update_domain"
    merging.update_domain = update_domain
    span: dict[str, float] = {}
    run = update._run

    def timed_run(*args: Any, **kwargs: Any) -> Iterator[Any]:
        span["start"] = time.perf_counter()
        yield from run(*args, **kwargs)
        span["end"] = time.perf_counter()

    update._run = timed_run
    start = time.perf_counter()
    code = main(["--root", str(project), "-q", "update"])
    wall = time.perf_counter() - start
    if code != 0:
        raise SystemExit(f"tlumach update exited with {code}")
    totals: dict[str, float] = defaultdict(float)
    counts: dict[str, int] = defaultdict(int)
    for report in sorted(times_dir.glob("*.json")):
        data = json.loads(report.read_text(encoding="utf-8"))
        for name, seconds in data["own"].items():
            totals[name] += seconds
        for name, number in data["calls"].items():
            counts[name] += number
    pool = span.get("end", start) - span.get("start", start)
    return {"wall": wall, "pool": pool, "parent": wall - pool, "workers": len(list(times_dir.glob("*.json"))),
            "stages": dict(totals), "calls": dict(counts)}


def _prepared(base: Path, edited: Path, target: Path, case: str, src: Path) -> None:
    """A copy to update: the edited corpus (clean), or the base updated once then edited (record)."""
    shutil.rmtree(target, ignore_errors=True)
    if case == "clean":
        shutil.copytree(edited, target)
        return
    shutil.copytree(base, target)
    env = {**os.environ, "PYTHONPATH": str(src)}
    subprocess.run([sys.executable, "-m", "tlumach", "--root", str(target), "-q", "update"], env=env, check=True)
    for path in sorted((edited / "docs").glob("*.md")):
        shutil.copyfile(path, target / "docs" / path.name)


def _catalogues(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "locales").rglob("*.po*"))}


def _table(results: list[dict[str, Any]], pairs: int) -> str:
    """Medians per tree and case: each stage's seconds (summed over workers), per pair, share."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for result in results:
        groups[(result["tree"], result["case"])].append(result)
    lines = []
    for (tree, case), runs in sorted(groups.items()):
        names = sorted({name for run in runs for name in run["stages"]}, key=lambda n: -statistics.median(
            run["stages"].get(n, 0.0) for run in runs))
        inside = statistics.median(sum(run["stages"].values()) for run in runs)
        wall = statistics.median(run["wall"] for run in runs)
        pool = statistics.median(run["pool"] for run in runs)
        parent = statistics.median(run["parent"] for run in runs)
        lines.append(f"\n{tree}, {case}: {len(runs)} run(s), medians; wall {wall:.2f} s (pool {pool:.2f} s, "
                     f"parent {parent:.2f} s); in the workers {inside:.2f} s, {1e3 * inside / pairs:.2f} ms per pair")
        lines.append(f"  {'stage':38} {'seconds':>8} {'ms/pair':>8} {'share':>6}")
        for name in names:
            seconds = statistics.median(run["stages"].get(name, 0.0) for run in runs)
            lines.append(f"  {LABELS.get(name, name):38} {seconds:8.3f} {1e3 * seconds / pairs:8.3f} "
                         f"{100 * seconds / inside:5.1f}%")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--locales", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--against", type=Path, default=None, help="another tlumach src/ to time in the same rounds")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    sys.path.insert(0, str(BENCH))
    import corpus
    from stages import edit_paragraph

    trees = {"this": BENCH.parent / "src"}
    if args.against is not None:
        trees = {"against": args.against.resolve(), **trees}
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="tlumach-updatetime-") as scratch:
        work = Path(scratch)
        base, edited = work / "base", work / "edited"
        locales = corpus.make_corpus(base, docs=args.docs, locales=args.locales)
        shutil.copytree(base, edited)
        for path in sorted((edited / "docs").glob("*.md")):
            edit_paragraph(path)
        pairs = args.docs * len(locales)
        for number in range(1, args.rounds + 1):
            for case in ("clean", "record"):
                outputs = {}
                for tree, src in trees.items():
                    copy, times = work / "copy", work / "times"
                    _prepared(base, edited, copy, case, src)
                    shutil.rmtree(times, ignore_errors=True)
                    times.mkdir()
                    env = {**os.environ, "PYTHONPATH": str(src)}
                    done = subprocess.run([sys.executable, __file__, "--child", str(copy), str(times)], env=env,
                                          capture_output=True, text=True)
                    if done.returncode != 0:
                        print(f"round {number} {tree} {case}: the update failed:\n{done.stderr}", file=sys.stderr)
                        return 1
                    result = {"round": number, "tree": tree, "case": case, "src": str(src), **json.loads(done.stdout)}
                    results.append(result)
                    inside = sum(result["stages"].values())
                    print(f"round {number} {tree:8} {case:6} wall {result['wall']:6.2f} s  pool {result['pool']:6.2f} s"
                          f"  workers {inside:6.2f} s  check {result['stages'].get('check_catalog', 0.0):5.2f} s"
                          f"  write {result['stages'].get('generate_po', 0.0):5.2f} s", flush=True)
                    outputs[tree] = _catalogues(copy)
                if len(outputs) == 2 and outputs["this"] != outputs["against"]:
                    differ = sorted(k for k in outputs["this"].keys() | outputs["against"].keys()
                                    if outputs["this"].get(k) != outputs["against"].get(k))
                    print(f"round {number} {case}: the catalogues DIFFER: {len(differ)}, e.g. {differ[0]}", flush=True)
                    return 1
    print(f"\n{args.docs} documents x {len(locales)} locales ({pairs} pairs), one paragraph edited per document"
          + _table(results, pairs))
    if args.out is not None:
        args.out.write_text(json.dumps({"docs": args.docs, "locales": len(locales), "rounds": results}, indent=1) + "\n",
                            encoding="utf-8")
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        print(json.dumps(child(Path(sys.argv[2]), Path(sys.argv[3]))))
        sys.exit(0)
    sys.exit(main())
