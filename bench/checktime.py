"""What a cold site build does before mkdocs renders: check every catalogue, extract every document.

    python bench/checktime.py [--docs 100] [--locales 5] [--rounds 5] [--against SRC]

A cold build (a clean clone, no .tlumach/) checks and records every catalogue on both cores
(``record_checks``) and extracts every source document; hooktime.py times them inside a build of
20-40 s, where the machine's noise is larger than a change to them. This times them alone, in a
process that has imported mkdocs and the theme as the build's has, on the corpus of
``coldbuild.py``, in rounds that alternate:

- ``checks``: ``check_catalog`` over every catalogue, a document's locales together, one process
  (the checks' own cost, without the pool);
- ``sequential``: ``record_checks`` on two worker processes, then the extraction;
- ``overlapped``: ``record_checks`` extracting while its workers check (``meanwhile``), as the
  plugin does since it can; a tree without ``meanwhile`` prints ``-``.

With ``--against`` another tlumach source tree is timed in the same rounds. Each figure is the
wall time of one run; compare within a round.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent


def child(project: Path, scratch: Path) -> dict[str, float | None]:
    """Run inside the tree under test (PYTHONPATH): the three timings, in seconds."""
    import material  # noqa: F401  # the build process has the theme and mkdocs imported
    import mkdocs.commands.build  # noqa: F401

    from tlumach.catalog import catalog_bytes, parse_catalog
    from tlumach.checks import check_catalog
    from tlumach.extract import extract_segments
    from tlumach.project import Project
    from tlumach.state import STATE_DIR, UpdateState
    from tlumach.update import record_checks

    catalogues = sorted((project / "locales").glob("*/LC_MESSAGES/*.po"), key=lambda p: (p.name, p.parts[-3]))
    parsed = [(path, parse_catalog(catalog_bytes(path), path=path)) for path in catalogues]
    documents = sorted((project / "docs").glob("*.md"))
    start = time.perf_counter()
    for path, po in parsed:
        check_catalog(po, path=path.name, locale=path.parts[-3], errors_only=False)
    result: dict[str, float | None] = {"checks": time.perf_counter() - start}

    def extract_all() -> None:
        for path in documents:
            tuple(extract_segments(path.read_text(encoding="utf-8-sig"), path=f"docs/{path.name}"))

    overlap = "meanwhile" in inspect.signature(record_checks).parameters
    for mode in ("sequential", "overlapped"):
        if mode == "overlapped" and not overlap:
            result[mode] = None
            continue
        copy = scratch / "copy"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(project, copy)
        shutil.rmtree(copy / STATE_DIR, ignore_errors=True)
        target = Project(copy)
        state = UpdateState.load(copy)
        locales = set(target.locale_codes())
        start = time.perf_counter()
        if mode == "sequential":
            record_checks(target, state, workers=2, publish=locales)
            extract_all()
        else:
            record_checks(target, state, workers=2, publish=locales, meanwhile=extract_all)  # type: ignore[call-arg]
        result[mode] = time.perf_counter() - start
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--docs", type=int, default=100)
    parser.add_argument("--locales", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--against", type=Path, default=None, help="another tlumach src/ to time in the same rounds")
    parser.add_argument("--child", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(*args.child)))
        return 0
    sys.path.insert(0, str(BENCH))
    import corpus
    from sitebench import site_project
    from stages import Corpus

    trees = {"this": BENCH.parent / "src"}
    if args.against is not None:
        trees = {"against": args.against.resolve(), **trees}
    with tempfile.TemporaryDirectory(prefix="tlumach-checks-") as scratch:
        work = Path(scratch)
        corpus.make_corpus(work / "base", docs=args.docs, locales=args.locales)
        project = site_project(Corpus(args.docs, list(corpus.LOCALES[: args.locales]), work / "base", work, 1, {}), "project")
        print(f"{'round':5} {'tree':8} {'checks 1 process':>16} {'sequential':>10} {'overlapped':>10}   (seconds)")
        for number in range(1, args.rounds + 1):
            for name, src in trees.items():
                env = {**os.environ, "PYTHONPATH": str(src), "NO_MKDOCS_2_WARNING": "1"}
                done = subprocess.run([sys.executable, __file__, "--child", str(project), str(work)],
                                      env=env, check=True, capture_output=True, text=True)
                times = json.loads(done.stdout)
                shown = [f"{times[k]:.3f}" if times[k] is not None else "-" for k in ("checks", "sequential", "overlapped")]
                print(f"{number:<5} {name:8} {shown[0]:>16} {shown[1]:>10} {shown[2]:>10}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
