"""Python-Markdown's conversion of the corpus's pages with and without tlumach.mdlinks, side by side.

    python bench/linktime.py [--docs 100] [--rounds 3]

Makes the corpus (bench/corpus.py) and converts its English pages with the site's Markdown
extensions (attr_list, toc with pymdownx's slugify), then the same with ``tlumach.mdlinks`` last,
in alternating rounds. The HTML must be identical; it prints each round's two times.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import corpus  # noqa: E402


def convert(texts: list[str], extensions: list[object]) -> tuple[float, list[str]]:
    import markdown  # type: ignore[import-untyped]
    from pymdownx.slugs import slugify

    md = markdown.Markdown(extensions=extensions, extension_configs={"toc": {"permalink": True, "slugify": slugify(case="lower")}})
    start = time.perf_counter()
    out = []
    for text in texts:
        md.reset()
        out.append(md.convert(text))
    return time.perf_counter() - start, out


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--docs", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tlumach-links-") as scratch:
        corpus.make_corpus(Path(scratch), docs=args.docs, locales=1)
        texts = [p.read_text(encoding="utf-8") for p in sorted((Path(scratch) / "docs").glob("*.md"))]
    for number in range(1, args.rounds + 1):
        stock, plain = convert(texts, ["attr_list", "toc"])
        faster, quick = convert(texts, ["attr_list", "toc", "tlumach.mdlinks"])
        if quick != plain:
            print(f"round {number}: the HTML DIFFERS", flush=True)
            return 1
        print(f"round {number}: {len(texts)} pages, Python-Markdown {stock:.3f} s, with tlumach.mdlinks {faster:.3f} s"
              f" ({100 * (1 - faster / stock):.0f}% less), HTML identical", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
