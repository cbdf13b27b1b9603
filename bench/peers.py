"""The peers: whether each is installed, the commands it runs, and checks of a sample of its output."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import polib
import yaml

PY = sys.executable
INSTALL = {
    "translate-toolkit": ".venv/bin/pip install -r bench/requirements.txt",
    "mdpo": ".venv/bin/pip install -r bench/requirements.txt",
    "po4a": "apt-get update && apt-get install -y po4a",
    "msgmerge": "apt-get install -y gettext",
    "mkdocs": ".venv/bin/pip install -e .",
}


@dataclass(frozen=True)
class Verdict:
    ok: bool
    note: str

    @property
    def status(self) -> str:
        return "ok" if self.ok else "WRONG"


def _imports(*modules: str) -> bool:
    code = "; ".join(f"import {m}" for m in modules)
    return subprocess.run([PY, "-c", code], capture_output=True, check=False).returncode == 0


def available() -> dict[str, bool]:
    """Which peers are installed (a missing one is skipped with a printed line, never an error)."""
    return {
        "msgmerge": shutil.which("msgmerge") is not None,
        "translate-toolkit": _imports("translate.convert.md2po", "translate.convert.pot2po", "mistletoe"),
        "mdpo": _imports("mdpo.md2po", "mdpo.po2md"),
        "po4a": shutil.which("po4a-updatepo") is not None,
    }


def skip_line(peer: str) -> str:
    return f"skipped: {peer} is not installed; install it with: {INSTALL[peer]}"


# ---------------------------------------------------------------- commands


def tlumach_command() -> list[str]:
    script = Path(PY).with_name("tlumach")
    return [str(script)] if script.exists() else [PY, "-m", "tlumach"]


def tt(tool: str, source: Path, out: Path, template: Path | None = None) -> list[str]:
    """A translate-toolkit converter over a whole directory (its recursive mode: one process)."""
    command = [PY, "-m", f"translate.convert.{tool}", "--progress=none", "-i", str(source), "-o", str(out)]
    return command + (["-t", str(template)] if template is not None else [])


def po4a_updatepo(document: Path, catalogues: Sequence[Path]) -> list[str]:
    command = ["po4a-updatepo", "-f", "text", "-o", "markdown", "-M", "UTF-8", "-m", str(document)]
    for catalogue in catalogues:
        command += ["-p", str(catalogue)]
    return command


def msgmerge(old: Path, template: Path, out: Path) -> list[str]:
    return ["msgmerge", "--previous", "--quiet", "-o", str(out), str(old), str(template)]


def driver(*args: str) -> list[str]:
    return [PY, str(Path(__file__).with_name("drivers.py")), *args]


# ---------------------------------------------------------------- extract


def _messages(path: Path) -> list[polib.POEntry]:
    return [e for e in polib.pofile(str(path)) if e.msgid and not e.obsolete]


_LINK_TARGET_RE = re.compile(r"\]\([^)]*\)|\]\{\d+\}")


def _text(msgid: str) -> str:
    """A msgid with link targets left out (translate-toolkit shows them as {1}, {2} placeholders)."""
    return _LINK_TARGET_RE.sub("]", msgid)


def _covered(entry: polib.POEntry, ids: set[str], multiline: list[str]) -> bool:
    text = _text(entry.msgid)
    if text in ids:
        return True
    if "table cell" in entry.comment:  # a peer may keep a table as one message, rows on their lines
        return any(f"| {text} |" in other for other in multiline)
    return any(text in other for other in ids)  # front matter kept as one YAML message


def extract_verdict(pairs: Iterable[tuple[Path, Path]]) -> Verdict:
    """Every message tlumach extracts must be in the peer's catalogue (as a message or inside one)."""
    mine = theirs = 0
    for reference, peer in pairs:
        expected, found = _messages(reference), _messages(peer)
        mine, theirs = mine + len(expected), theirs + len(found)
        ids = {_text(e.msgid) for e in found}
        multiline = [text for text in ids if "\n|" in text]
        for entry in expected:
            if not _covered(entry, ids, multiline):
                role = entry.comment.split("\n")[0] or "paragraph"
                return Verdict(False, f"{peer.name}: {role} {entry.msgid[:40]!r} not extracted as a message")
    return Verdict(True, f"{theirs} messages in the sample vs tlumach's {mine}, all of tlumach's covered")


# ---------------------------------------------------------------- update


def _state(path: Path) -> dict[tuple[str | None, str, bool], tuple[str, bool, str | None]]:
    return {
        (e.msgctxt, e.msgid, bool(e.obsolete)): (e.msgstr, "fuzzy" in e.flags, e.previous_msgid)
        for e in polib.pofile(str(path))
        if e.msgid
    }


def lost_translations(before: Path, after: Path) -> list[str]:
    """Translations of ``before`` that ``after`` no longer holds (active or obsolete)."""
    kept = {state[0] for state in _state(after).values()}
    return [msgstr for msgstr, _fuzzy, _prev in _state(before).values() if msgstr and msgstr not in kept]


def merge_counts(path: Path) -> tuple[int, int, int]:
    """(translated, fuzzy, obsolete) in a merged catalogue."""
    states = _state(path)
    translated = sum(1 for (_c, _i, obs), (s, fz, _p) in states.items() if s and not fz and not obs)
    fuzzy = sum(1 for (_c, _i, obs), (s, fz, _p) in states.items() if s and fz and not obs)
    return translated, fuzzy, sum(1 for key in states if key[2])


def update_verdict(triples: Iterable[tuple[Path, Path, Path | None]]) -> Verdict:
    """(catalogue before, after the peer, tlumach's after): nothing lost; agreement with tlumach."""
    totals = [0, 0, 0]
    differ = 0
    for before, after, reference in triples:
        lost = lost_translations(before, after)
        if lost:
            return Verdict(False, f"{after.name}: lost {len(lost)} translation(s), e.g. {lost[0][:40]!r}")
        totals = [a + b for a, b in zip(totals, merge_counts(after))]
        if reference is not None and _state(after) != _state(reference):
            differ += 1
    note = f"sample: {totals[0]} translated, {totals[1]} fuzzy, {totals[2]} obsolete, none lost"
    if differ:
        note += f"; {differ} sampled catalogue(s) differ from tlumach's merge"
    return Verdict(True, note)


# ---------------------------------------------------------------- render

_LATIN_WORD_RE = re.compile(r"(?<![\w/.-])[A-Za-z]{3,}(?![\w/.-])")
_UNCHECKED_RE = re.compile(r"\]\([^)]*\)|<[^>\n]*>|`[^`]*`")


def _front_matter(text: str) -> tuple[dict[str, object] | None, str]:
    match = re.match(r"---\n(.*?)\n---\n", text, re.DOTALL)
    if not match:
        return None, text
    try:
        data = yaml.safe_load(match.group(1))
    except yaml.YAMLError:
        return None, text
    return (data if isinstance(data, dict) else None), text[match.end() :]


def _shape(text: str) -> tuple[int, int, int]:
    """Headings, table rows and links of a Markdown body."""
    lines = text.split("\n")
    return (
        sum(1 for line in lines if re.match(r"#{1,6} ", line)),
        sum(1 for line in lines if line.startswith("|")),
        text.count("]("),
    )


def render_problem(source: str, output: str) -> str | None:
    """Why a rendered document is wrong (None: it is right)."""
    meta, body = _front_matter(output)
    source_meta, source_body = _front_matter(source)
    if source_meta is not None and (meta is None or set(meta) != set(source_meta)):
        return "front matter lost or broken (no longer YAML with the source's keys)"
    for key in ("title", "description", "label"):
        if meta and isinstance(meta.get(key), str) and _LATIN_WORD_RE.search(str(meta[key])):
            return f"front matter {key!r} left untranslated"
    if _shape(body) != _shape(source_body):
        return f"structure changed: headings/table rows/links {_shape(source_body)} -> {_shape(body)}"
    leftover = _LATIN_WORD_RE.findall(_UNCHECKED_RE.sub("", body))
    if leftover:
        return f"{len(leftover)} source word(s) left untranslated, e.g. {leftover[0]!r}"
    return None


def render_verdict(pairs: Iterable[tuple[Path, Path]]) -> Verdict:
    """(source document, rendered document) pairs of a sample."""
    count = 0
    for source, output in pairs:
        if not output.exists():
            return Verdict(False, f"{output} not written")
        problem = render_problem(source.read_text(encoding="utf-8"), output.read_text(encoding="utf-8"))
        if problem is not None:
            return Verdict(False, f"{output.parent.name}/{output.name}: {problem}")
        count += 1
    return Verdict(True, f"{count} sampled documents fully translated, front matter and structure kept")
