"""tlumach's share of a cold site build (a clean clone: no .tlumach/), in process, side by side.

    python bench/coldbuild.py [--docs 100] [--locales 5] [--rounds 3] [--against SRC] [--out REPORT.json]

Makes the corpus site project once (bench/sitebench.py, as the site stage does), then builds a
fresh copy of it without .tlumach/ with bench/hooktime.py, once per round. With ``--against`` a
second tlumach source tree (for example ``git worktree add /tmp/base <commit>``, then
``--against /tmp/base/src``) is built in the same rounds, alternating, and the two sites must be
byte-identical. Each row also gives the peak resident memory of the build's own process. The machine is shared: compare the shares of one run, not times across runs.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import corpus  # noqa: E402
from sitebench import compare_trees, site_project  # noqa: E402
from stages import Corpus  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--docs", type=int, default=100)
    parser.add_argument("--locales", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--against", type=Path, default=None, help="another tlumach src/ to build in the same rounds")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    trees = {"this": BENCH.parent / "src"}
    if args.against is not None:
        trees = {"against": args.against.resolve(), **trees}
    rounds = []
    with tempfile.TemporaryDirectory(prefix="tlumach-cold-") as scratch:
        work = Path(scratch)
        base = work / "base"
        corpus.make_corpus(base, docs=args.docs, locales=args.locales)
        project = site_project(Corpus(args.docs, list(corpus.LOCALES[: args.locales]), base, work, 1, {}), "project")
        for number in range(1, args.rounds + 1):
            sites = {}
            for name, src in trees.items():
                copy, sites[name], report = work / "copy", work / f"site-{name}", work / "report.json"
                shutil.rmtree(copy, ignore_errors=True)
                shutil.rmtree(sites[name], ignore_errors=True)
                shutil.copytree(project, copy)
                shutil.rmtree(copy / ".tlumach", ignore_errors=True)
                env = {**os.environ, "PYTHONPATH": str(src), "NO_MKDOCS_2_WARNING": "1"}
                subprocess.run([sys.executable, str(BENCH / "hooktime.py"), str(copy), str(sites[name]), str(report)],
                               env=env, check=True, capture_output=True)
                result = {"round": number, "tree": name, "src": str(src), **json.loads(report.read_text(encoding="utf-8"))}
                rounds.append(result)
                print(f"round {number} {name:8} build {result['build_s']:7.2f} s  tlumach {result['own_s']:5.2f} s"
                      f"  share {100 * result['share']:5.1f}%  on_config {result['hooks']['on_config'][0]:5.2f} s"
                      f"  peak {result['peak_rss_mb']:6.1f} MB", flush=True)
            if len(sites) == 2:
                same, differ, missing = compare_trees(sites["against"], sites["this"])
                extra = sum(1 for p in sites["this"].rglob("*") if p.is_file()) - same - sum(differ.values())
                if differ or missing or extra:
                    print(f"round {number}: the two sites DIFFER: {differ or 'no file'} differing, {missing} missing, "
                          f"{extra} extra", flush=True)
                    return 1
    if args.out is not None:
        args.out.write_text(json.dumps({"docs": args.docs, "locales": args.locales, "rounds": rounds}, indent=1) + "\n",
                            encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
