"""A deterministic corpus of statement-like Markdown documents and pseudo-translated catalogues.

    .venv/bin/python bench/corpus.py DIR --docs 100 --locales 5 [--seed 2025]

DIR/docs/statement-NNNN.md: YAML front matter (title, description, label, date), an H1, H2
headings, 10-40 blocks of prose with *emphasis*, **strong**, [links](https://example.org/...),
"quotes", numbers (1,000, 2025), bullet lists and a small table. Document i depends only on the
seed and i, so the 10-document corpus is the first tenth of the 100-document one.

DIR/locales/<L>/LC_MESSAGES/*.po: made by ``tlumach init L``, then every msgstr filled with
``pseudo(msgid, L)``: outside link targets, code spans, HTML tags and attribute lists, Latin letters
are shifted along the alphabet by a step of each locale's own (so every locale's text is its own,
as real translations are: no cache is helped by a text repeated across locales) and become
Cyrillic ones (look-alikes where there are any); straight quotes become the locale's quotation
marks; Markdown markup, URLs and numbers stay as they are, so tlumach's checks pass.
"""

from __future__ import annotations

import argparse
import functools
import multiprocessing
import os
import random
import re
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

import polib  # noqa: E402

from tlumach.catalog import load_catalog  # noqa: E402
from tlumach.cli import main as tlumach  # noqa: E402
from tlumach.pofile import generate_po  # noqa: E402

DEFAULT_SEED = 2025
#: Locales in the order the sizes take them (1, 5, 10); none derived (be@latin) or right-to-left.
LOCALES = ("be", "ru", "uk", "pl", "lt", "de", "fr", "es", "it", "nl")
_QUOTES = {"be": "«»", "ru": "«»", "uk": "«»", "fr": "«»", "es": "«»", "de": "„“", "lt": "„“", "pl": "„”"}

WORDS = """
authorities arrested detained sentenced released pardoned charged prosecuted convicted tortured
human rights defenders journalists lawyers activists prisoners students workers doctors artists
protest election results crackdown repression dissent opposition solidarity release justice
court judge trial prison colony detention custody sentence appeal verdict hearing charges
international community government ministry police security service officials committee
peaceful assembly expression association movement independent media organisation campaign
since during after before while under against without within across throughout following
politically motivated arbitrary unfair secret closed unlawful cruel inhuman degrading
family relatives children mothers colleagues friends members supporters witnesses observers
years months weeks days hours anniversary statement report evidence testimony documentation
must should will cannot remain continue demand call urge condemn welcome ensure investigate
""".split()
NAMES = "Minsk Vilnius Warsaw Geneva Brussels Hrodna Homiel Viciebsk Mahiliou Brest".split()
_PLAIN = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "абсдефгһіјклмпорԛгѕтцѵшхузАВСДЕФГНІЈКЛМИОРԚЯЅТЦѴШХУЗ",
)
#: Kept as they are: link targets, code spans, autolinks and HTML tags, attribute lists, entities.
_PROTECTED_RE = re.compile(r"(\]\([^)]*\)|`+[^`]*`+|<[^>\n]*>|\{[^}\n]*\}|&#?\w+;)")


def pseudo(text: str, locale: str = "", *, quotes: bool = True) -> str:
    """A deterministic pseudo-translation, different in every locale, that keeps markup, URLs and numbers intact.

    ``quotes=False`` keeps straight double quotes (inside a YAML double-quoted value).
    """
    pieces = _PROTECTED_RE.split(text)
    out = [piece if index % 2 else _letters(piece, locale, quotes=quotes) for index, piece in enumerate(pieces)]
    return "".join(out)


@functools.cache
def _shift(locale: str) -> dict[int, str]:
    """Latin letters shifted along the alphabet by the locale's step, then made Cyrillic (_PLAIN).

    The step is 1 to 10 for LOCALES, 1 to 25 for any other locale, 0 (no shift) without one."""
    if not locale:
        step = 0
    elif locale in LOCALES:
        step = LOCALES.index(locale) + 1
    else:
        step = sum(map(ord, locale)) % 25 + 1
    lower, upper = "abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    shifted = lower[step:] + lower[:step] + upper[step:] + upper[:step]
    return {ord(a): chr(_PLAIN[ord(b)]) for a, b in zip(lower + upper, shifted)}


def _letters(text: str, locale: str, *, quotes: bool = True) -> str:
    text = text.translate(_shift(locale))
    marks = _QUOTES.get(locale) if quotes else None
    if marks:
        text = re.sub(r'"([^"\n]*)"', rf"{marks[0]}\1{marks[1]}", text)
    return text


def _number(rng: random.Random) -> str:
    kind = rng.randrange(4)
    if kind == 0:
        return f"{rng.randint(1, 99)},{rng.randint(0, 999):03d}"
    if kind == 1:
        return str(rng.randint(2000, 2025))
    return str(rng.randint(2, 300))


def _inline(rng: random.Random, word: str) -> str:
    roll = rng.random()
    if roll < 0.06:
        return f"*{word}*"
    if roll < 0.10:
        return f"**{word}**"
    if roll < 0.14:
        return f"[{word} {rng.choice(WORDS)}](https://example.org/{rng.choice(WORDS)}/{rng.randint(1, 9999)})"
    if roll < 0.20:
        return _number(rng)
    if roll < 0.23:
        return rng.choice(NAMES)
    return word


def sentence(rng: random.Random, *, markup: bool = True) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 24))]
    if markup:
        words = [words[0], *(_inline(rng, w) for w in words[1:])]
    if markup and rng.random() < 0.15:
        start = rng.randrange(1, len(words) - 2)
        end = min(len(words), start + rng.randint(3, 7))
        if not any("[" in w or "*" in w for w in words[start:end]):
            words[start:end] = ['"' + " ".join(words[start:end]) + '"']
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def _title(rng: random.Random, count: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(count)).capitalize()


def _front_matter(rng: random.Random, index: int, title: str) -> str:
    description = sentence(rng, markup=False)
    label = rng.choice(["Statement", "Public statement", "Press release", "Urgent action"])
    return (
        f'---\ntitle: "{title}"\ndescription: "{description}"\nlabel: "{label}"\n'
        f"date: {2020 + index % 6}-{1 + index % 12:02d}-{1 + index % 28:02d}\n---"
    )


def _table(rng: random.Random) -> str:
    rows = [f"| {rng.choice(NAMES)} | {rng.choice(WORDS).capitalize()} | {rng.randint(2, 15)} years |" for _ in range(3)]
    return "| City | Charge | Sentence |\n|---|---|---|\n" + "\n".join(rows)


def _list(rng: random.Random) -> str:
    return "\n".join(f"- {sentence(rng)}" for _ in range(rng.randint(2, 5)))


def document(index: int, *, seed: int = DEFAULT_SEED) -> str:
    """Document ``index`` of the corpus (a pure function of seed and index)."""
    rng = random.Random(f"{seed}:{index}")
    title = _title(rng, rng.randint(6, 12))
    blocks = rng.randint(10, 40)
    parts = [_front_matter(rng, index, title), f"# {title}"]
    table_at = rng.randrange(blocks)
    for number in range(blocks):
        if number % 8 == 3:
            parts.append(f"## {_title(rng, rng.randint(3, 7))}")
        if number == table_at:
            parts.append(_table(rng))
        elif number % 7 == 5:
            parts.append(_list(rng))
        else:
            parts.append(" ".join(sentence(rng) for _ in range(rng.randint(1, 5))))
    return "\n\n".join(parts) + "\n"


def write_documents(root: Path, docs: int, *, seed: int = DEFAULT_SEED) -> list[Path]:
    (root / "docs").mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(docs):
        path = root / "docs" / f"statement-{index:04d}.md"
        path.write_text(document(index, seed=seed), encoding="utf-8")
        paths.append(path)
    return paths


def fill_catalogue(path: Path, locale: str) -> None:
    """Every msgstr of a catalogue set to the pseudo-translation of its msgid."""
    catalog = load_catalog(path)
    for entry in catalog:
        entry.msgstr = pseudo(entry.msgid, locale)
    catalog.metadata["Last-Translator"] = "bench <bench@example.org>"
    path.write_text(generate_po(catalog), encoding="utf-8")


_YAML_LINE_RE = re.compile(r"^(?:---|(?P<key>[A-Za-z_][\w-]*):(?P<value>.*)|)$")


def pseudo_peer(msgid: str, locale: str) -> str:
    """``pseudo`` as a careful translator applies it to a peer's raw front-matter message: values only."""
    lines = msgid.split("\n")
    matches = [_YAML_LINE_RE.match(line) for line in lines]
    if len([line for line in lines if line]) < 2 or not all(matches):
        return pseudo(msgid, locale)
    out = []
    for line, match in zip(lines, matches):
        assert match is not None
        key, value = match.group("key"), match.group("value")
        if key is None or key == "date":
            out.append(line)
        elif value.strip()[:1] == '"' and value.strip()[-1:] == '"' and len(value.strip()) > 1:
            out.append(f'{key}: "{pseudo(value.strip()[1:-1], locale, quotes=False)}"')  # the YAML quotes stay
        else:
            out.append(f"{key}:{pseudo(value, locale)}")
    return "\n".join(out)


def fill_with_polib(path: Path, locale: str) -> None:
    """The same pseudo-translation in a peer's own catalogue (polib keeps its layout)."""
    catalog = polib.pofile(str(path), wrapwidth=79)
    catalog.metadata["Language"] = locale
    catalog.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    for entry in catalog:
        if entry.msgid and not entry.obsolete:
            entry.msgstr = pseudo_peer(entry.msgid, locale)
            entry.flags = [f for f in entry.flags if f != "fuzzy"]
    catalog.save(str(path))


def _init_and_fill(job: tuple[str, str]) -> str:
    """One locale: ``tlumach init`` (in this worker process), then every msgstr filled."""
    root, locale = Path(job[0]), job[1]
    if tlumach(["--root", str(root), "-q", "init", locale, "--translator", "bench <bench@example.org>"]) != 0:
        raise RuntimeError(f"tlumach init {locale} failed in {root}")
    for path in sorted((root / "locales" / locale / "LC_MESSAGES").glob("*.po")):
        fill_catalogue(path, locale)
    return locale


def make_corpus(root: Path, *, docs: int, locales: int, seed: int = DEFAULT_SEED, workers: int = 2) -> list[str]:
    """Write the documents and ``locales`` pseudo-translated locales under root; return the locales.

    Locales are made in parallel (setup is not timed); SOURCE_DATE_EPOCH makes the headers
    reproducible, so the same arguments give the same bytes.
    """
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1752451200")  # 2025-07-14 00:00 UTC
    write_documents(root, docs, seed=seed)
    chosen = list(LOCALES[:locales])
    jobs = [(str(root), locale) for locale in chosen]
    if workers > 1 and len(jobs) > 1:
        with multiprocessing.get_context("fork").Pool(min(workers, len(jobs))) as pool:
            pool.map(_init_and_fill, jobs)
    else:
        for job in jobs:
            _init_and_fill(job)
    return chosen


def subset(source: Path, target: Path, *, docs: int, locales: Sequence[str]) -> None:
    """A smaller corpus cut from a bigger one: the first ``docs`` documents, the given locales.

    Document i and its catalogues depend only on the seed and i, so this equals make_corpus.
    """
    names = [f"statement-{index:04d}" for index in range(docs)]
    (target / "docs").mkdir(parents=True)
    for name in names:
        shutil.copy2(source / "docs" / f"{name}.md", target / "docs")
        shutil.copy2(source / "locales" / f"{name}.pot", _parent(target / "locales" / f"{name}.pot"))
        for locale in locales:
            folder = _parent(target / "locales" / locale / "LC_MESSAGES" / "x")
            shutil.copy2(source / "locales" / locale / "LC_MESSAGES" / f"{name}.po", folder)


def _parent(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--docs", type=int, default=10)
    parser.add_argument("--locales", type=int, default=1, help=f"1 to {len(LOCALES)}")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args()
    chosen = make_corpus(args.root, docs=args.docs, locales=args.locales, seed=args.seed)
    print(f"{args.docs} documents, locales {', '.join(chosen)} in {args.root}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
