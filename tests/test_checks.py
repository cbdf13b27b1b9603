"""Quality checks: a corpus of hostile translations, the control of the real catalogues, msgfmt parity,
and the sanitiser as the second line of defence when the check gate is bypassed."""

from __future__ import annotations

import random
import re
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest

from conftest import FIXTURES, REPO, assert_golden, run_gettext
from sitebuild import build_site
from tlumach.catalog import plural_forms
from tlumach.checks import EntryContext, Severity, Term, check_facts, check_links, plural_forms_problem
from tlumach.cli import main
from tlumach.pipeline import check_locales
from tlumach.project import Project

HOSTILE = FIXTURES / "checks"


def findings_text(root: Path) -> str:
    project = Project(root)
    return "".join(f"{f}\n" for f in check_locales(project, project.locale_codes()))


def test_hostile_corpus_findings_match_golden() -> None:
    assert_golden(findings_text(HOSTILE), HOSTILE / "findings.expect.txt")


@pytest.mark.parametrize(
    ("needle", "code"),
    [
        ("<script>", "raw-html"),
        ("onerror", "event-handler"),
        ("](javascript:", "dangerous-url"),
        ("&#106;ava", "dangerous-url"),
        ("%6Aavascript", "dangerous-url"),
        ("data:text/html", "dangerous-url"),
        ("VBScript:", "dangerous-url"),
        ("```", "block-structure"),
        ("<div>", "block-structure"),
        ("# Уведзены", "block-structure"),
        ("spring96.org/) і", "link-order"),
        ("Больш за 30 ", "number"),
        ("Беляцкий", "glossary"),
        ("\u200b", "invisible-char"),
        ("\u202e", "bidi-control"),
        ("{onclick", "attribute-list"),
        ("| намеснік", "table-pipe"),
        ("`кодам`", "code-span"),
    ],
)
def test_each_hostile_translation_is_reported_with_its_code_and_line(needle: str, code: str) -> None:
    po = HOSTILE / "locales" / "be" / "LC_MESSAGES" / "index.po"
    lines = po.read_text(encoding="utf-8").split("\n")
    hit = next(i for i, line in enumerate(lines, start=1) if needle in line)
    entry_line = max(i for i, line in enumerate(lines[:hit], start=1) if line.startswith("msgid "))
    found = {(f.line, f.code) for f in check_locales(Project(HOSTILE), ["be"])}
    assert (entry_line, code) in found


def test_check_command_exits_1_on_errors_and_prints_path_line_severity_code(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--root", str(HOSTILE), "check", "be"]) == 1
    first = capsys.readouterr().out.splitlines()[0]
    assert re.match(r"^locales/be/LC_MESSAGES/index\.po:\d+: (error|warning) [a-z-]+: ", first)


def test_check_json_format(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    main(["--root", str(HOSTILE), "check", "--format", "json"])
    rows = json.loads(capsys.readouterr().out)
    assert {"path", "line", "severity", "code", "message"} == set(rows[0])


def test_control_the_shipped_catalogues_have_no_check_errors() -> None:
    project = Project(REPO)
    errors = [str(f) for f in check_locales(project, project.locale_codes()) if f.severity is Severity.ERROR]
    assert errors == []


def test_numbers_are_compared_across_locale_formats() -> None:
    terms: tuple[Term, ...] = ()
    for formatted in ("1,000", "1 000", "1\u00a0000", "1\u202f000", "1.000", "1000"):
        ctx = EntryContext("be", "more than 1,000 others", f"больш за {formatted} іншых", terms)
        assert not [f for f in check_facts(ctx) if f[1] == "number"], formatted


def test_dangerous_scheme_in_the_source_itself_is_not_blamed_on_the_translation() -> None:
    ctx = EntryContext("be", "Never click [this](data:x).", "Ніколі не націскайце [гэта](data:x).", ())
    assert not [f for f in check_links(ctx) if f[1] == "dangerous-url"]


MSGFMT_CASES = {
    "newline mismatch": 'msgid "\\nText"\nmsgstr "Тэкст"\n',
    "plural count": 'msgid "one"\nmsgid_plural "many"\nmsgstr[0] "адзін"\nmsgstr[1] "шмат"\n',
    "format flag": '#, python-format\nmsgid "%(n)s people"\nmsgstr "людзі"\n',
}
HEADER = (
    'msgid ""\nmsgstr ""\n"Project-Id-Version: t\\n"\n"PO-Revision-Date: 2025-07-14 00:00+0000\\n"\n'
    '"Last-Translator: T <t@example.org>\\n"\n"Language-Team: be\\n"\n"Language: be\\n"\n"MIME-Version: 1.0\\n"\n'
    '"Content-Type: text/plain; charset=UTF-8\\n"\n"Content-Transfer-Encoding: 8bit\\n"\n'
    '"Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);\\n"\n\n'
)


@pytest.mark.parametrize("name", sorted(MSGFMT_CASES))
def test_check_reports_an_error_wherever_msgfmt_c_fails(name: str, gettext: None, tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# T\n", encoding="utf-8")
    po = tmp_path / "locales" / "be" / "LC_MESSAGES" / "index.po"
    po.parent.mkdir(parents=True)
    po.write_text(HEADER + MSGFMT_CASES[name], encoding="utf-8")
    assert run_gettext("msgfmt", "-c", "-o", tmp_path / "x.mo", po).returncode != 0
    errors = [f for f in check_locales(Project(tmp_path), ["be"]) if f.severity is Severity.ERROR]
    assert errors and all(f.line > 1 for f in errors)


def test_malformed_catalogue_is_a_finding_with_its_line(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# T\n", encoding="utf-8")
    po = tmp_path / "locales" / "be" / "LC_MESSAGES" / "index.po"
    po.parent.mkdir(parents=True)
    po.write_text(HEADER + 'msgid "T"\nmsgstr "Т\n', encoding="utf-8")
    (finding,) = check_locales(Project(tmp_path), ["be"])
    assert (finding.line, finding.code) == (14, "malformed") and "end of line within string" in finding.message


def test_site_built_with_the_check_bypassed_contains_no_executable_content(tmp_path: Path) -> None:
    result = build_site(tmp_path / "site", site_url="http://127.0.0.1:9/", config=HOSTILE / "mkdocs.yml")
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "site" / "be" / "index.html").read_text(encoding="utf-8")
    article = html.split('<article class="md-content__inner md-typeset">', 1)[1].split("</article>", 1)[0]
    assert "Абзац" in article  # the hostile translations were published
    elements = ElementCollector()
    elements.feed(article)
    assert elements.tags and not {"script", "iframe", "object", "embed", "form", "style", "link", "meta"} & elements.tags
    for tag, name, value in elements.attributes:
        assert not name.startswith("on"), (tag, name, value)
        assert name != "style", (tag, name, value)
        if name in ("href", "src"):
            assert not re.match(r"(?i)\s*(javascript|vbscript|data):", value or ""), (tag, name, value)


class ElementCollector(HTMLParser):
    """Every element and attribute of an HTML fragment, as a browser would see them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: list[tuple[str, str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes.extend((tag, name, value) for name, value in attrs)


def test_plain_text_shortcut_agrees_with_a_full_markdown_parse() -> None:
    import random
    from collections import Counter as Tally

    from tlumach import checks

    words = ["Просты", "тэкст", "14", "1,000", "four-year", "—", "«Цытата»", "x", "=", "50%", "\n", "\n\n", "*x*",
             "[l](u)", "`c`", "1.", "-", "#", ">", "  ", "_", "3)", "<b>", "Amnesty", "\t", "   ", "\u00a0"]
    rng = random.Random(11)
    for _ in range(4000):
        text = "".join(rng.choice(words) + rng.choice([" ", "", "\n"]) for _ in range(rng.randint(1, 8)))
        tokens = checks._PARSER.parse(text)
        blocks = tuple(t.type for t in tokens if t.nesting >= 0 and t.type != "inline" and t.level == 0)
        inline = Tally(c.type for t in tokens for c in t.children or [] if c.type in
                       ("em_open", "strong_open", "code_inline", "link_open", "image", "html_inline"))
        analysis = checks._markdown.__wrapped__(text)
        assert (analysis.blocks, analysis.inline) == (blocks, inline), repr(text)


PLURAL_CASES = {
    # (locale, header rule, accepted?)
    "gettext's French rule (no separate form for millions)": ("fr", "nplurals=2; plural=(n > 1);", True),
    "gettext's Spanish rule": ("es", "nplurals=2; plural=(n != 1);", True),
    "CLDR's French rule, as babel writes it": ("fr", plural_forms("fr"), True),
    "Belarusian rule written another way": (
        "be", "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);", True),
    "Belarusian with the forms renumbered": (
        "be", "nplurals=3; plural=(n%10==1 && n%100!=11 ? 2 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 0 : 1);", True),
    "English rule for Russian": ("ru", "nplurals=2; plural=(n != 1);", False),
    "French rule for German (0 is plural in German)": ("de", "nplurals=2; plural=(n > 1);", False),
    "one form for French": ("fr", "nplurals=1; plural=0;", False),
    "Polish rule for Russian (21 differs)": (
        "ru", "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);", False),
    "form beyond nplurals": ("fr", "nplurals=2; plural=(n > 1 ? 2 : 0);", False),
    "not a C expression": ("fr", "nplurals=2; plural=__import__('os');", False),
}


@pytest.mark.parametrize("name", sorted(PLURAL_CASES))
def test_plural_forms_header_is_judged_by_how_it_groups_numbers(name: str) -> None:
    locale, rule, accepted = PLURAL_CASES[name]
    problem = plural_forms_problem(rule, plural_forms(locale))
    assert (problem == "") is accepted, problem


def test_plural_forms_finding_names_the_first_number_grouped_wrongly(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# T\n", encoding="utf-8")
    po = tmp_path / "locales" / "ru" / "LC_MESSAGES" / "index.po"
    po.parent.mkdir(parents=True)
    po.write_text(HEADER.replace("Language: be", "Language: ru").replace(
        HEADER.split("Plural-Forms: ", 1)[1].split("\\n", 1)[0], "nplurals=2; plural=(n != 1);"), encoding="utf-8")
    (finding,) = [f for f in check_locales(Project(tmp_path), ["ru"]) if f.code == "plural-forms"]
    assert finding.severity is Severity.ERROR and finding.line == 1
    assert "(first at n=2)" in finding.message and plural_forms("ru") in finding.message


def _full_parse(text: str) -> tuple[tuple[str, ...], dict[str, int], tuple[str, ...]]:
    from tlumach import checks

    tokens = checks._PARSER.parse(text)
    blocks = tuple(t.type for t in tokens if t.nesting >= 0 and t.type != "inline" and t.level == 0)
    counts: dict[str, int] = {}
    urls: list[str] = []
    for token in tokens:
        for child in token.children or []:
            if child.type in ("em_open", "strong_open", "code_inline", "link_open", "image", "html_inline"):
                counts[child.type] = counts.get(child.type, 0) + 1
            if child.type == "link_open":
                urls.append(str(child.attrs.get("href", "")))
    return blocks, counts, tuple(urls)


INLINE_FRAGMENTS = [
    "Viasna", "вязні", "Бяляцкі", "2025", "1,000", " ", " ", " ", "  ", "\n", "  \n", "\u00a0", "\u202f",
    "*", "*", "**", "**", "***", "****", "[", "]", "(", ")", "](", ".", ",", ";", ":", "?", "—", "«", "»",
    '"', "'", "-", "x*y", "*(", ")*", "(*", "*)", "[x y](https://example.org/a)", "[*x*](http://e.org/1)",
    "[](https://e.org/)", "[**b**](https://e.org/b_c)", "[a](https://e.org/%20x)", "[a](HTTPS://E.ORG/Ä)", "[a](https://e.org/a_b~c)",
    "[a](javascript:alert(1))", "[a](data:x)", "[a]", "[a][b]", "[a]: https://e.org", "_", "`c`", "<b>",
    "&amp;", "\\*", "![i](https://e.org/i.png)", "|", "~", "# ", "- ", "1. ", ">",
]
#: What the fast path is meant for (prose, emphasis, plain links), so that most of these texts take it.
SUBSET_FRAGMENTS = INLINE_FRAGMENTS[:47] + ["word", "слова", "w", "*w*", "**w**", "#", "+", "=", "1.", "2)", "\n-", "\n*", "\n#"]


def test_fast_inline_analysis_agrees_with_a_full_markdown_parse() -> None:
    import random

    from tlumach.inline import analyse_paragraph

    rng = random.Random(2025)
    taken = 0
    for number in range(30000):
        pool = SUBSET_FRAGMENTS if number % 2 else INLINE_FRAGMENTS
        text = "".join(rng.choice(pool) for _ in range(rng.randint(1, 14)))
        fast = analyse_paragraph(text)
        if fast is None:
            continue
        taken += 1
        counts = {k: v for k, v in {"em_open": fast.em, "strong_open": fast.strong, "link_open": len(fast.urls)}.items() if v}
        assert _full_parse(text) == (("paragraph_open",), counts, fast.urls), repr(text)
    assert taken > 7000  # the fast path is taken often, so the comparison means something


@pytest.mark.parametrize("root", [HOSTILE, REPO], ids=["hostile corpus", "shipped catalogues"])
def test_errors_only_check_gives_exactly_the_errors_of_a_full_check(root: Path) -> None:
    from tlumach.catalog import load_catalog
    from tlumach.checks import check_catalog
    from tlumach.glossary import load_glossary

    project = Project(root)
    compared = 0
    for locale in project.locale_codes():
        terms = load_glossary(project.locales_dir, locale)
        for path in sorted((project.locales_dir / locale / "LC_MESSAGES").glob("*.po")):
            po = load_catalog(path)
            full = check_catalog(po, path="x.po", locale=locale, glossary=terms)
            fast = check_catalog(po, path="x.po", locale=locale, glossary=terms, errors_only=True)
            assert fast == [f for f in full if f.severity is Severity.ERROR]
            compared += 1
    assert compared >= 1


def _changed_since(po: polib.POFile, rng: random.Random) -> polib.POFile:
    """The catalogue after an update: some translations edited, one entry gone, one new entry first
    (every line moves), written and read back as the next check reads it."""
    from tlumach.pofile import generate_po, parse_po

    changed = parse_po(generate_po(po).encode("utf-8"), path=Path("x.po"))
    active = [e for e in changed if not e.obsolete and e.msgid and not e.msgid_plural]
    for entry in rng.sample(active, len(active) // 3):
        entry.msgstr = rng.choice(("", entry.msgstr + " <b>", entry.msgstr.replace("1", "7"), entry.msgid))
    changed.remove(active[-1])
    changed.insert(0, polib.POEntry(msgid="A [new](https://example.org) paragraph of 2 lines.", msgstr="<script>x</script>"))
    return parse_po(generate_po(changed).encode("utf-8"), path=Path("x.po"))


@pytest.mark.parametrize("plural_forms", [None, "nplurals=2; plural=(n != 1);"], ids=["same plural forms", "plural forms changed"])
def test_findings_taken_from_an_earlier_check_are_those_of_a_fresh_check(plural_forms: str | None) -> None:
    from tlumach.catalog import load_catalog
    from tlumach.checks import Finding, check_catalog
    from tlumach.glossary import load_glossary
    from tlumach.pofile import generate_po, parse_po

    project, compared = Project(HOSTILE), 0
    for locale in project.locale_codes():
        terms = load_glossary(project.locales_dir, locale)
        for path in sorted((project.locales_dir / locale / "LC_MESSAGES").glob("*.po")):
            before = parse_po(generate_po(load_catalog(path)).encode("utf-8"), path=path)
            found = check_catalog(before, path="x.po", locale=locale, glossary=terms, errors_only=True)
            assert len(found) > 5  # the hostile corpus: many entries with errors to carry over
            after = _changed_since(before, random.Random(locale))
            if plural_forms:
                after.metadata["Plural-Forms"] = plural_forms
            fresh = check_catalog(after, path="x.po", locale=locale, glossary=terms, errors_only=True)
            assert check_catalog(after, path="x.po", locale=locale, glossary=terms, earlier=(before, found), errors_only=True) == fresh
            # and the earlier findings are what is used: a finding only the earlier check had comes back
            kept = {(a.msgid, a.msgstr) for a in after}
            lines = {f.line for f in found}
            marker = next(e for e in before if e.msgid and not e.obsolete and e.linenum not in lines and (e.msgid, e.msgstr) in kept)
            planted = [*found, Finding("x.po", marker.linenum, Severity.ERROR, "planted", "only in the earlier check")]
            replayed = check_catalog(after, path="x.po", locale=locale, glossary=terms, earlier=(before, planted), errors_only=True)
            assert any(f.code == "planted" for f in replayed) is (plural_forms is None)  # never across a plural change
            compared += 1
    assert compared >= 1


def test_dangerous_scheme_shortcut_finds_what_the_full_normalisation_finds() -> None:
    from tlumach.checks import _DANGEROUS, _dangerous_schemes, _normalised

    rng = random.Random(7)
    # letters of the schemes in both cases, what normalisation drops, and look-alikes that lowercase
    # to something else (long s, dotless i, Kelvin sign, capital I with dot)
    alphabet = "jJaAvVsScCrRiIpPtTbBdD: \t\n\x00\x7f\u00a0\u2003\u017f\u0131\u212a\u0130\u0307x"
    found = 0
    for _ in range(40000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 14)))
        if rng.random() < 0.5:
            text = rng.choice(["javascript:", "vbscript:", "data:", "JaVa\tScRiPt:", "d a t a:"])[: rng.randint(1, 12)] + text
        exact = {scheme for scheme in _DANGEROUS if scheme in _normalised.__wrapped__(text)}
        assert _dangerous_schemes(text) == exact, repr(text)
        found += bool(exact)
    assert found > 1000  # the shortcut was tried on texts that do hold a scheme


def test_one_search_for_narrow_plain_text_agrees_with_the_set_of_narrow_plain_characters() -> None:
    from tlumach.pofile import _narrow_plain, _outside_narrow_plain

    narrow, outside = _narrow_plain(), _outside_narrow_plain()
    assert [hex(c) for c in range(0x32000) if (outside.search(chr(c)) is None) != (chr(c) in narrow)] == []
    assert outside.search("Алесь Бяляцкі, «Вясна» — 2025") is None and outside.search("日本") is not None
