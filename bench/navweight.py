"""What the navigation costs a large corpus: one flat list against folders with Material's navigation.prune.

    python bench/navweight.py [--docs 1000] [--locales 1]

Without a ``nav`` in mkdocs.yml, mkdocs lists every page and Material writes that list into every
page, so each page grows with the corpus and the build with its square. This builds the corpus's
site (bench/sitebench.py's project) four ways, one after another: the documents flat in docs/ or
in one folder per hundred documents (docs/2016/, docs/2017/, ..., catalogues moved alike), each
without and with Material's ``navigation.prune`` (which writes into a page only the entries a
reader can see: with folders, its own folder's). It
prints the build time, the size of one page (raw and gzip-compressed) and its navigation links,
and the whole site's size.
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import corpus  # noqa: E402
from sitebench import MKDOCS, site_project  # noqa: E402
from stages import Corpus  # noqa: E402

PER_FOLDER = 100


PRUNE = "  features:\n    - navigation.prune\n"


def _layout(flat: Path, target: Path, *, folders: bool, prune: bool) -> Path:
    """A copy of the project, with every statement (and its catalogues) in the folder of its hundred
    or not, with navigation.prune (as the benchmark's configuration has it, like the repository's) or not."""
    shutil.copytree(flat, target)
    tops = [target / "docs", *sorted((target / "locales").glob("*/LC_MESSAGES"))] if folders else []
    for top in tops:
        for path in sorted(top.glob("statement-*.*")):
            match = re.search(r"statement-(\d+)", path.name)
            assert match is not None
            folder = top / str(2016 + int(match.group(1)) // PER_FOLDER)
            folder.mkdir(exist_ok=True)
            path.rename(folder / path.name)
    if not prune:
        config = target / "mkdocs.yml"
        text = config.read_text(encoding="utf-8")
        assert PRUNE in text
        config.write_text(text.replace(PRUNE, "  features: []\n"), encoding="utf-8")
    return target


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--locales", type=int, default=1)
    args = parser.parse_args()
    locales = list(corpus.LOCALES[: args.locales])
    middle = f"statement-{args.docs // 2:04d}"
    with tempfile.TemporaryDirectory(prefix="tlumach-nav-") as scratch:
        work = Path(scratch)
        corpus.make_corpus(work / "base", docs=args.docs, locales=args.locales)
        flat = site_project(Corpus(args.docs, locales, work / "base", work, 1, {}), "flat")
        projects = {
            f"{'folders' if folders else 'flat'}{' + navigation.prune' if prune else ''}":
                _layout(flat, work / f"{folders}-{prune}", folders=folders, prune=prune)
            for folders in (False, True) for prune in (False, True)
        }
        print(f"{args.docs} documents x {len(locales)} locale(s); the page: {locales[0]}/.../{middle}/index.html")
        print(f"{'layout':28} {'build':>8} {'page':>10} {'gzip':>8} {'nav links':>10} {'site':>10}")
        for name, root in projects.items():
            shutil.rmtree(root / ".tlumach", ignore_errors=True)
            start = time.perf_counter()
            done = subprocess.run([*MKDOCS, "build", "-q", "--strict", "-d", str(root / "site")], cwd=root,
                                  env={**os.environ, "NO_MKDOCS_2_WARNING": "1"}, capture_output=True, text=True)
            seconds = time.perf_counter() - start
            if done.returncode != 0:
                print(f"{name}: the build failed:\n{done.stderr[-3000:]}")
                return 1
            page = next((root / "site" / locales[0]).rglob(f"{middle}/index.html"))
            links = page.read_text(encoding="utf-8").count('class="md-nav__link')
            packed = len(gzip.compress(page.read_bytes(), mtime=0))
            total = sum(p.stat().st_size for p in (root / "site").rglob("*") if p.is_file())
            print(f"{name:28} {seconds:7.1f}s {page.stat().st_size / 1024:8.1f}KB {packed / 1024:6.1f}KB {links:>10} {total / 2**20:8.1f}MB", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
