"""Bytes a reader downloads for one page of the site, cold (empty cache), measured in Chromium.

Usage: .venv/bin/python bench/page_weight.py [--locale be] [--site DIR]
Builds the site (unless --site is given), serves it on localhost, opens /<locale>/ in Debian's
Chromium with an empty cache and prints every request with its size, raw and gzip-compressed
(what a host with compression on would send), and the totals.
"""

from __future__ import annotations

import argparse
import gzip
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from sitebuild import CHROMIUM_ARGS, build_site, free_port, serve  # noqa: E402


def measure(site: Path, locale: str, port: int) -> list[tuple[str, int, int]]:
    from playwright.sync_api import sync_playwright

    rows: list[tuple[str, int, int]] = []
    with serve(site, port) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context(locale="en-GB")
        tab = context.new_page()

        def record(response: object) -> None:
            url = response.url  # type: ignore[attr-defined]
            try:
                body = response.body()  # type: ignore[attr-defined]
            except Exception:  # noqa: BLE001 - a redirect or aborted response has no body
                return
            rows.append((url.removeprefix(base), len(body), len(gzip.compress(body, 9, mtime=0))))

        tab.on("response", record)
        tab.goto(f"{base}{locale}/")
        tab.wait_for_load_state("networkidle")
        browser.close()
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--locale", default="be")
    parser.add_argument("--site", type=Path, default=None)
    args = parser.parse_args()
    site = args.site
    port = free_port()
    if site is None:
        site = Path(tempfile.mkdtemp()) / "site"
        result = build_site(site, site_url=f"http://127.0.0.1:{port}/")
        if result.returncode:
            print(result.stderr, file=sys.stderr)
            return 1
    rows = measure(site, args.locale, port)
    print(f"{'resource':60} {'bytes':>10} {'gzip -9':>10}")
    for url, raw, packed in sorted(rows, key=lambda r: -r[1]):
        print(f"{url[:60]:60} {raw:>10,} {packed:>10,}")
    print(f"{'TOTAL (' + str(len(rows)) + ' requests)':60} {sum(r[1] for r in rows):>10,} {sum(r[2] for r in rows):>10,}")
    outside = [u for u, _, _ in rows if u.startswith(("http://", "https://"))]
    print(f"requests outside the site: {len(outside)}")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    sys.exit(main())
