"""What mkdocs-static-i18n's lookup of every page's alternates costs as a site grows, with and without
tlumach's wrapper (tlumach.i18nwork), side by side.

    python bench/i18nalternates.py [--sizes 100x5,300x10,1000x10] [--rounds 3]

For each size, a docs directory of empty pages (``doc-NNNN.md`` and one ``doc-NNNN.<locale>.md``
per locale: what the tlumach plugin hands mkdocs-static-i18n) and the plugin's own
``reconfigure_files`` run once per language, as one build of every language runs it. Prints the
median time of the rounds, the files made, and checks that every page's alternates (locale, URL,
destination) are the same both ways. Only this lookup is timed, not a build.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

from mkdocs.config import load_config  # noqa: E402
from mkdocs.structure.files import get_files  # noqa: E402
from mkdocs_static_i18n import suffix  # noqa: E402

from tlumach.i18nwork import quicker_alternates  # noqa: E402

LOCALES = ("be", "ru", "uk", "pl", "lt", "de", "fr", "es", "ar", "zh")


def _project(root: Path, docs: int, locales: tuple[str, ...]) -> Path:
    (root / "docs").mkdir(parents=True)
    for name in ["index", *(f"doc-{n:04d}" for n in range(docs))]:
        for locale in ("", *locales):
            (root / "docs" / (f"{name}.{locale}.md" if locale else f"{name}.md")).write_text("# x\n", encoding="utf-8")
    languages = "".join(
        f"        - locale: {loc}\n          name: {loc}\n" + ("          default: true\n" if loc == "en" else "")
        for loc in ("en", *locales)
    )
    (root / "mkdocs.yml").write_text(
        "site_name: x\nsite_url: http://localhost/\nplugins:\n  - i18n:\n      docs_structure: suffix\n"
        f"      fallback_to_default: false\n      languages:\n{languages}",
        encoding="utf-8",
    )
    return root / "mkdocs.yml"


def _lookups(config_file: Path, wrapped: bool) -> tuple[float, int, dict[tuple[str, str], Any]]:
    """Seconds in reconfigure_files over one build of every language, files made, the alternates found."""
    config = load_config(config_file=str(config_file))
    i18n = config.plugins["i18n"]
    if wrapped:
        quicker_alternates(i18n)
    files = get_files(config)
    made = [0]
    original = suffix.create_i18n_file

    def counted(*args: Any) -> Any:
        made[0] += 1
        return original(*args)

    suffix.create_i18n_file = counted
    seconds, found = 0.0, {}
    try:
        for language in i18n.all_languages:
            i18n.current_language = language
            start = time.perf_counter()
            i18n_files = i18n.reconfigure_files(files, config)
            seconds += time.perf_counter() - start
            for page in i18n_files.documentation_pages():
                found[(language, page.src_uri)] = sorted(
                    (lang, alt.url, alt.dest_path, alt.locale) for lang, alt in page.alternates.items()
                )
    finally:
        suffix.create_i18n_file = original
    return seconds, made[0], found


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="100x5,300x10,1000x10")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(f"{'size':>8} {'files':>7} {'made: i18n':>11} {'wrapped':>8} {'seconds: i18n':>14} {'wrapped':>8} {'ratio':>6}  alternates")
    for size in args.sizes.split(","):
        docs, count = (int(part) for part in size.split("x"))
        with tempfile.TemporaryDirectory(prefix="tlumach-alternates-") as scratch:
            config_file = _project(Path(scratch), docs, LOCALES[:count])
            times: dict[bool, list[float]] = {False: [], True: []}
            made: dict[bool, int] = {}
            found: dict[bool, Any] = {}
            for _ in range(args.rounds):
                for wrapped in (False, True):  # alternating, side by side
                    seconds, made[wrapped], found[wrapped] = _lookups(config_file, wrapped)
                    times[wrapped].append(seconds)
            plain, quick = statistics.median(times[False]), statistics.median(times[True])
            same = "identical" if found[False] == found[True] else "DIFFER"
            print(f"{size:>8} {(docs + 1) * (count + 1):>7} {made[False]:>11} {made[True]:>8} {plain:>14.3f} {quick:>8.3f}"
                  f" {plain / quick:>6.1f}  {same} ({len(found[True])} pages)", flush=True)
            if same != "identical":
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
