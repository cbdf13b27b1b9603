"""What mkdocs-static-i18n's search deduplication costs as a site grows (why mkdocs.yml turns it off).

    python bench/searchdedup.py [--sections 4] [--sizes 100x5,300x10,1000x10]

With ``reconfigure_search: true``, after the last language is built, mkdocs-static-i18n compares
every section of the source language's search index with every translated section
(``reconfigure_search_duplicates``), to drop translated sections that read as the source's from
its one combined index. tlumach writes each language's own index from that language's entries
and replaces the combined one, so the comparison buys nothing. This times the function itself on
an index of N pages x L locales with S sections a page (the 100-document corpus has about 4), all
different, as in a translated site: nothing is removed and every pair is compared.
"""

from __future__ import annotations

import argparse
import sys
import time
from types import SimpleNamespace
from typing import Any


def entries(pages: int, locales: int, sections: int) -> list[dict[str, Any]]:
    """A combined index: the source's sections, then each locale's, under its prefix."""
    found = [
        {"location": f"doc-{p}/#section-{s}", "title": f"Section {s} of statement {p}", "text": f"<p>Text {p}.{s}</p>"}
        for p in range(pages) for s in range(sections)
    ]
    for locale in range(locales):
        found += [
            {"location": f"l{locale}/doc-{p}/#section-{s}", "title": f"Раздзел {s} заявы {p} ({locale})", "text": f"<p>Тэкст {p}.{s}</p>"}
            for p in range(pages) for s in range(sections)
        ]
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sections", type=int, default=4)
    parser.add_argument("--sizes", default="100x5,300x10,1000x10", help="pages x locales, comma-separated")
    args = parser.parse_args()
    from mkdocs_static_i18n.reconfigure import ExtendedPlugin

    print(f"{'pages x locales':>16} {'entries':>8} {'dedup s':>8} {'removed':>8}")
    for size in args.sizes.split(","):
        pages, locales = (int(part) for part in size.split("x"))
        index = entries(pages, locales, args.sections)
        before = len(index)
        plugin = SimpleNamespace(build_languages=[f"l{locale}" for locale in range(locales)])
        start = time.perf_counter()
        ExtendedPlugin.reconfigure_search_duplicates(plugin, index)
        seconds = time.perf_counter() - start
        print(f"{size:>16} {before:>8} {seconds:>8.2f} {before - len(index):>8}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
