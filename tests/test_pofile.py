"""The PO format: strict reading with path:line errors, and GNU-identical writing."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import polib
import pytest

from conftest import FIXTURES, REPO, run_gettext
from tlumach.errors import CatalogError
from tlumach.pofile import entry_key, generate_po, parse_po, written_blocks

HEADER = 'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'

MALFORMED = {
    "unterminated string": (HEADER + 'msgid "a"\nmsgstr "b\n', 5, "end of line within string"),
    "bad escape": (HEADER + 'msgid "a"\nmsgstr "b\\q"\n', 5, "invalid escape sequence"),
    "duplicate msgid": (HEADER + 'msgid "a"\nmsgstr "b"\n\nmsgid "a"\nmsgstr "c"\n', 7, "duplicate message definition (first defined at line 4)"),
    "truncated file": (HEADER + 'msgid "a"\nmsgstr "b"\n\nmsgid "c"\n', 7, "msgid without msgstr"),
    "unknown keyword": (HEADER + 'msgid "a"\nmsgstrr "b"\n', 5, "unknown keyword"),
    "text after string": (HEADER + 'msgid "a" x\nmsgstr "b"\n', 4, "unexpected text after the string"),
    "msgstr before msgid": (HEADER + 'msgstr "b"\n', 4, "msgstr without a msgid"),
    "stray continuation": ('"orphan"\n' + HEADER, 1, "string continuation with no keyword"),
    # A backslash, then a long run of text and a stray quote: the reader once backtracked over
    # every way to split the run (2^n steps), so this file never finished parsing.
    "stray quote after an escape": (HEADER + 'msgid "a"\nmsgstr "\\n' + "word " * 60 + '" x"\n', 5, "unexpected text after the string"),
    "plural gap": (HEADER + 'msgid "a"\nmsgid_plural "as"\nmsgstr[0] "x"\nmsgstr[2] "y"\n', 4, "without gaps"),
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_po_names_path_line_and_problem(name: str) -> None:
    text, line, message = MALFORMED[name]
    with pytest.raises(CatalogError) as info:
        parse_po(text.encode("utf-8"), path=Path("locales/be/LC_MESSAGES/index.po"))
    assert str(info.value).startswith(f"locales/be/LC_MESSAGES/index.po:{line}: ")
    assert message in str(info.value)


def test_octal_and_hex_escapes_are_bytes_of_utf8_as_gnu_reads_them() -> None:
    # msgcat prints this msgstr as "б б A B": each escape is one byte (hex modulo 256)
    data = (HEADER + 'msgid "a"\nmsgstr "\\xd0\\xb1 \\320\\261 \\101 \\x4142"\n').encode()
    assert parse_po(data, path=Path("x.po"))[0].msgstr == "б б A B"


BYTES_NOT_UTF8 = HEADER + 'msgid "a"\nmsgstr "\\xd0x"\n'


def test_escaped_bytes_that_are_not_utf8_are_refused_with_line_and_column() -> None:
    with pytest.raises(CatalogError, match=r"x.po:5: the octal or hex escapes from column 8 on are not UTF-8"):
        parse_po(BYTES_NOT_UTF8.encode(), path=Path("x.po"))


def test_gnu_msgcat_refuses_escaped_bytes_that_are_not_utf8(gettext: None, tmp_path: Path) -> None:
    path = tmp_path / "x.po"  # msgfmt copies the bytes into the .mo; msgcat, which reads text, refuses them
    path.write_text(BYTES_NOT_UTF8, encoding="utf-8")
    result = run_gettext("msgcat", path)
    assert result.returncode != 0 and "invalid multibyte sequence" in result.stderr


def test_wrong_encoding_is_reported_with_line() -> None:
    data = (HEADER + 'msgid "a"\nmsgstr "').encode() + b"\xe9t\xe9" + b'"\n'
    with pytest.raises(CatalogError, match=r"x.po:5: invalid UTF-8"):
        parse_po(data, path=Path("x.po"))


def test_other_charset_is_refused_with_the_fix() -> None:
    data = b'msgid ""\nmsgstr "Content-Type: text/plain; charset=ISO-8859-1\\n"\n'
    with pytest.raises(CatalogError, match="msgconv --to-code=UTF-8"):
        parse_po(data, path=Path("x.po"))


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_gnu_msgfmt_rejects_every_malformed_case_too(name: str, gettext: None, tmp_path: Path) -> None:
    path = tmp_path / "x.po"
    path.write_text(MALFORMED[name][0], encoding="utf-8")
    assert run_gettext("msgfmt", "-c", "-o", tmp_path / "x.mo", path).returncode != 0


def _random_catalogue(seed: int) -> polib.POFile:
    rng = random.Random(seed)
    words = ["Belarus", "—", "–", "-", "(a)", "[b](c)", "«x»", '"q"', "1,000", "mid-2024", "a/b", "?", "!x",
             "слова", "**bold**", "`code`", "\\", "\t", "e\u0301", "؟", "…", "x-y", " ", "https://example.org/a-b",
             "Бяляцкі", "„Вясна“", "字字", "\u00a0", "{#id}", "<b>", "e.g.", "300,", "x;y", "}z", "]("]
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Content-Transfer-Encoding": "8bit"}
    for index in range(400):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 60)))
        if index % 9 == 0:
            text = text.replace(" ", "\n", 2)
        entry = polib.POEntry(msgid=f"{index} {text}", msgstr=text[::-1], occurrences=[("docs/index.md", str(index))])
        if index % 5 == 0:
            entry.msgctxt = "paragraph"
        if index % 7 == 0:
            entry.obsolete = True
        elif index % 3 == 0:
            entry.flags = ["fuzzy"]
            entry.previous_msgid = text
            entry.tcomment = "translator note\nsecond line"
            entry.comment = "paragraph"
        po.append(entry)
    return po


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_written_catalogue_is_byte_identical_to_gnu_msgcat_output(seed: int, gettext: None, tmp_path: Path) -> None:
    path = tmp_path / "x.po"
    path.write_text(generate_po(_random_catalogue(seed)), encoding="utf-8")
    result = run_gettext("msgcat", path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("seed", [4, 5, 6])
def test_parse_then_generate_is_lossless(seed: int) -> None:
    original = _random_catalogue(seed)
    text = generate_po(original)
    parsed = parse_po(text.encode(), path=Path("x.po"))
    assert generate_po(parsed) == text
    fields = ("msgctxt", "msgid", "msgstr", "previous_msgid", "tcomment", "comment", "flags", "obsolete")
    in_file_order = [e for e in original if not e.obsolete] + [e for e in original if e.obsolete]
    assert [[getattr(e, f) for f in fields] for e in parsed] == [[getattr(e, f) for f in fields] for e in in_file_order]


def test_shipped_catalogues_pass_msgfmt_check(gettext: None, tmp_path: Path) -> None:
    files = sorted((REPO / "locales").rglob("*.po*")) + sorted((FIXTURES / "merge").rglob("expect.po"))
    assert files
    for path in files:
        result = run_gettext("msgfmt", "-c", "-o", tmp_path / "x.mo", path)
        assert result.returncode == 0, f"{path}: {result.stderr}"


def test_wrapping_that_reads_only_line_ends_breaks_where_every_opportunity_is_weighed() -> None:
    from tlumach import pofile

    pieces = ["word", "слова", "Бяляцкі", " ", " ", "  ", "-", "—", "/", ".", ",", ";", ":", "!", "?", "(", ")", "[", "]",
              "«", "»", "„", "“", '"', "'", "*", "_", "`", "#", "%", "$", "+", "&", "<", ">", "=", "@", "|", "~",
              "\\", "2025", "1,000", "https://example.org/a/b", "\u00a0", "\u2011", "\u2013", "\u2026"]
    rng = random.Random(79)
    compared = 0
    for _ in range(4000):
        portion = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 60))) + rng.choice(["", "\n"])
        text = pofile._escaped(portion)
        if not set(text) <= pofile._narrow_plain():
            continue
        for start in (0, 7, 10, 77):
            expected = pofile._line_breaks(text, pofile._opportunities(portion, text), None, 77, start)
            assert pofile._narrow_line_breaks(portion, text, 77, start) == expected, (portion, start)
            compared += 1
    assert compared > 10000


def _written_catalogues() -> list[Path]:
    return sorted(FIXTURES.rglob("*.po")) + sorted((REPO / "locales").glob("*/LC_MESSAGES/*.po"))


def _edit_some(po: polib.POFile, rng: random.Random) -> None:
    """Change a few entries the ways a merge does: new translation, fuzzy, obsolete, a new entry first."""
    active = [e for e in po if not e.obsolete and e.msgid]
    for entry in rng.sample(active, len(active) // 4):
        what = rng.choice(("msgstr", "fuzzy", "obsolete", "previous"))
        if what == "msgstr" and not entry.msgid_plural:
            entry.msgstr = entry.msgstr + " (edited)" if entry.msgstr else "new translation"
        elif what == "fuzzy" and "fuzzy" not in entry.flags:
            entry.flags.append("fuzzy")
        elif what == "obsolete":
            entry.obsolete = True
            entry.occurrences = []
        else:
            entry.previous_msgid = entry.msgid + " before"
    po.insert(0, polib.POEntry(msgid="A new first paragraph, " * 6, occurrences=[("docs/index.md", "1")]))


@pytest.mark.parametrize("path", _written_catalogues(), ids=lambda p: p.relative_to(REPO).as_posix())
def test_lines_reused_from_a_written_file_give_the_bytes_of_a_fresh_write(path: Path) -> None:
    text = generate_po(parse_po(path.read_bytes(), path=path))  # a file as tlumach writes it
    po = parse_po(text.encode("utf-8"), path=path)
    blocks = written_blocks(text, po)
    assert len(blocks) == len({entry_key(e) for e in po}) == len(po)
    _edit_some(po, random.Random(path.name))
    fresh = parse_po(text.encode("utf-8"), path=path)
    _edit_some(fresh, random.Random(path.name))
    reused = generate_po(po, reuse=blocks)
    assert reused == generate_po(fresh)
    assert [e.linenum for e in po] == [e.linenum for e in fresh]  # findings name the same lines
    assert set(blocks) & {entry_key(e) for e in po}  # some lines were taken as written


def test_lines_are_reused_only_from_a_file_laid_out_as_tlumach_writes_it() -> None:
    text = generate_po(parse_po((HEADER + 'msgid "a"\nmsgstr "b"\n\nmsgid "c"\nmsgstr "d"\n').encode(), path=Path("x.po")))
    po = parse_po(text.encode(), path=Path("x.po"))
    assert len(written_blocks(text, po)) == 2
    for other in (text.replace('\n\nmsgid "c"', '\n\n\nmsgid "c"'), text.rstrip("\n"), text.replace('\n\nmsgid "c"', '\nmsgid "c"')):
        assert written_blocks(other, parse_po(other.encode(), path=Path("x.po"))) == {}, repr(other)


MUTATIONS = ['\\', '"', "\n", "\n\n", " ", "#", "#~ ", "#| ", 'msgid "x"\n', 'msgstr ""\n', "\\n", "\\101", "\\xd0",
             "\r", "\t", "#, fuzzy\n", 'msgctxt "c"\n', '"y"\n', "\u00a0", 'msgid_plural "p"\n', 'msgstr[0] ""\n']


def _outcome(read: Callable[..., polib.POFile], data: bytes) -> object:
    try:
        po = read(data, path=Path("x.po"))
    except CatalogError as exc:
        return str(exc)
    return po.header, po.metadata, po.metadata_is_fuzzy, [sorted(e.__dict__.items()) for e in po]


@pytest.mark.parametrize("seed", range(4))
def test_quick_reader_reads_what_the_line_by_line_reader_reads(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """parse_po reads an entry laid out as usual in one step; on shipped, fixture and damaged
    catalogues (inserted escapes, quotes, keywords, blank lines; lines cut) it gives the same
    entries, or the same error at the same line, as reading every line on its own."""
    from tlumach import pofile

    quick = 0
    fast_entry = pofile._fast_entry

    def counting(*args: object, **kwargs: object) -> object:
        nonlocal quick
        quick += 1
        return fast_entry(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pofile, "_fast_entry", counting)
    files = sorted((REPO / "locales").rglob("*.po"))[:6] + sorted(FIXTURES.rglob("*.po"))
    rng = random.Random(seed)
    compared = entries = 0
    for path in files:
        text = path.read_text(encoding="utf-8")
        before = quick
        entries += len(parse_po(text.encode("utf-8"), path=path)) + 1
        assert quick > before, f"{path}: no entry read by the quick path"
        variants = [text]
        for _ in range(25):
            damaged = text
            for _ in range(rng.randint(1, 3)):
                at = rng.randrange(len(damaged) + 1)
                roll = rng.random()
                if roll < 0.5:
                    damaged = damaged[:at] + rng.choice(MUTATIONS) + damaged[at:]
                elif roll < 0.8:
                    damaged = damaged[:at] + damaged[at + rng.randint(1, 5):]
                else:
                    lines = damaged.split("\n")
                    del lines[rng.randrange(len(lines))]
                    damaged = "\n".join(lines)
            variants.append(damaged)
        for variant in variants:
            data = variant.encode("utf-8")
            assert _outcome(parse_po, data) == _outcome(pofile.parse_po_by_lines, data), (path, variant)
            compared += 1
    assert compared == len(files) * 26
    assert quick > entries * 26 * 0.5  # the quick path did most of the reading, not the fallback
