"""A deterministic corpus of statement-like documents and pseudo-translated catalogues for benchmarks.

    .venv/bin/python bench/corpus.py DIR --docs 100 --locales 5
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from tlumach.catalog import load_catalog  # noqa: E402
from tlumach.cli import main as tlumach  # noqa: E402
from tlumach.pofile import generate_po  # noqa: E402

LOCALES = ["be", "ru", "uk", "pl", "lt", "de", "fr", "es", "ar", "it"]
WORDS = (
    "the authorities arrested human rights defenders in Minsk after protests against the election results "
    "and sentenced them on trumped-up charges while the international community called for their release "
    "of prisoners who remain behind bars under politically motivated charges since the crackdown began"
).split()
_LOOKALIKE = str.maketrans("aceopxyABCEHKMOPTX", "асеорхуАВСЕНКМОРТХ")


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 22))]
    if rng.random() < 0.3:
        words[rng.randrange(len(words))] = f"*{rng.choice(WORDS)}*"
    if rng.random() < 0.2:
        words[rng.randrange(len(words))] = f"[{rng.choice(WORDS)}](https://example.org/{rng.randint(1, 999)})"
    if rng.random() < 0.3:
        words.insert(rng.randrange(len(words)), f"{rng.randint(1, 9)},{rng.randint(100, 999)}")
    if rng.random() < 0.2:
        words.insert(0, '"')
        words.append('"')
    text = " ".join(words).replace('" ', '"').replace(' "', '"')
    return text[0].upper() + text[1:] + "."


def document(index: int) -> str:
    rng = random.Random(index)
    title = " ".join(rng.choice(WORDS) for _ in range(8)).capitalize()
    description = sentence(rng).replace('"', "")
    parts = [
        f'---\ntitle: "{title}"\ndescription: "{description}"\nlabel: "Statement"\ndate: 2025-07-{1 + index % 28:02d}\n---',
        f"# {title}",
    ]
    for number in range(rng.randint(10, 40)):
        if number % 9 == 4:
            parts.append(f"## {' '.join(rng.choice(WORDS) for _ in range(5)).capitalize()}")
        elif number % 11 == 6:
            parts.append("\n".join(f"- {sentence(rng)}" for _ in range(3)))
        elif number == 7:
            parts.append("| Name | Sentence |\n|---|---|\n" + "\n".join(f"| {rng.choice(WORDS)} | {rng.randint(2, 15)} years |" for _ in range(3)))
        else:
            parts.append(" ".join(sentence(rng) for _ in range(rng.randint(1, 4))))
    return "\n\n".join(parts) + "\n"


def pseudo(text: str) -> str:
    """Cyrillic look-alikes outside link targets, numbers and markup kept."""
    pieces = re.split(r"(\]\([^)]*\))", text)
    return "".join(p if i % 2 else p.translate(_LOOKALIKE) for i, p in enumerate(pieces))


def make_corpus(root: Path, *, docs: int, locales: int) -> list[str]:
    (root / "docs").mkdir(parents=True, exist_ok=True)
    for index in range(docs):
        (root / "docs" / f"statement-{index:04d}.md").write_text(document(index), encoding="utf-8")
    chosen = LOCALES[:locales]
    for locale in chosen:
        assert tlumach(["--root", str(root), "-q", "init", locale]) == 0
        for path in sorted((root / "locales" / locale / "LC_MESSAGES").glob("*.po")):
            catalog = load_catalog(path)
            for entry in catalog:
                entry.msgstr = pseudo(entry.msgid)
            path.write_text(generate_po(catalog), encoding="utf-8")
    return chosen


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--docs", type=int, default=10)
    parser.add_argument("--locales", type=int, default=1)
    args = parser.parse_args()
    make_corpus(args.root, docs=args.docs, locales=args.locales)
