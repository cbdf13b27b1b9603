"""Quality checks (pure): catalogue + glossary -> every Finding at once, each naming path:line."""

from __future__ import annotations

import functools
import gettext
import html
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import unquote

import polib
from markdown_it import MarkdownIt

from tlumach.catalog import plural_forms
from tlumach.errors import ConfigError
from tlumach.findings import Finding, Severity, Term
from tlumach.inline import analyse_paragraph


@dataclass(frozen=True)
class EntryContext:
    """What every entry check receives."""

    locale: str
    msgid: str
    msgstr: str
    glossary: tuple[Term, ...]
    role: str = ""
    #: Only error-level findings are wanted (update and the site build): warning-only work is skipped.
    errors_only: bool = False


EntryCheck = Callable[[EntryContext], Iterable[tuple[Severity, str, str]]]

_PARSER = MarkdownIt("commonmark").enable("table")
_DANGEROUS = ("javascript:", "vbscript:", "data:")
_CONTROL_CHARS_RE = re.compile(r"[\s\x00-\x1f\x7f]+")
_HTML_TAG_RE = re.compile(r"</?([A-Za-z][\w:-]*)(?:\s[^<>]*)?/?>")
_EVENT_ATTR_RE = re.compile(r"(?i)\bon[a-z]+\s*=")
_ATTR_LIST_RE = re.compile(r"\{:?[ \t]*[#.\w][^{}\n]*\}")
_NUMBER_RE = re.compile(r"\d+(?:[ \u00a0\u202f\u2009,.'’]\d{3})*(?:[.,]\d+)?")
_BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_INVISIBLES = set("\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad\u061c")
_BIDI_RE = re.compile("[" + "".join(sorted(_BIDI_CONTROLS)) + "]")
_INVISIBLE_RE = re.compile("[" + "".join(sorted(_INVISIBLES)) + "]")
_STRAIGHT_QUOTE_RE = re.compile(r'(?<![=\\])"')
_END_PUNCT = ".!?:;…。؟"
_CLOSERS = "\"'»«“”„’)]*_`\u00a0\u202f"

#: Quotation marks each language uses (opening, closing), for the quote check.
QUOTES: dict[str, tuple[str, str]] = {
    "be": ("«", "»"), "ru": ("«", "»"), "uk": ("«", "»"), "ar": ("«", "»"), "es": ("«", "»"),
    "fr": ("«", "»"), "de": ("„", "“"), "lt": ("„", "“"), "pl": ("„", "”"),
}


@dataclass(frozen=True)
class _Markdown:
    """What the checks compare of one text, from a single markdown-it parse."""

    blocks: tuple[str, ...]
    inline: Counter[str]
    urls: tuple[str, ...]


# Text with none of these can only be one plain paragraph: no parse needed (most translations).
_MARKUP_CHARS_RE = re.compile(r"[*_`\[\]<>!\\{}|&~]|^[ \t]*(?:[-+=>#]|\d{1,9}[.)]|$)|^ {0,3}\t|^ {4}", re.MULTILINE)
_PLAIN_PARAGRAPH: tuple[tuple[str, ...], Counter[str], tuple[str, ...]] = (("paragraph_open",), Counter(), ())


@functools.lru_cache(maxsize=2048)
def _markdown(text: str) -> _Markdown:
    """Parse once; a msgid is shared by every locale, so its analysis is cached."""
    if text.strip() and _MARKUP_CHARS_RE.search(text) is None:
        return _Markdown(*_PLAIN_PARAGRAPH)
    fast = analyse_paragraph(text)  # prose with emphasis and plain links: markdown-it's rules, no token stream
    if fast is not None:
        counts = {"em_open": fast.em, "strong_open": fast.strong, "link_open": len(fast.urls)}
        return _Markdown(("paragraph_open",), Counter({k: v for k, v in counts.items() if v}), fast.urls)
    tokens = _PARSER.parse(text)
    blocks = tuple(t.type for t in tokens if t.nesting >= 0 and t.type != "inline" and t.level == 0)
    inline: Counter[str] = Counter()
    urls: list[str] = []
    for token in tokens:
        for child in token.children or []:
            if child.type in ("em_open", "strong_open", "code_inline", "link_open", "image", "html_inline"):
                inline[child.type] += 1
            if child.type == "link_open":
                urls.append(str(child.attrs.get("href", "")))
            elif child.type == "image":
                urls.append(str(child.attrs.get("src", "")))
    return _Markdown(blocks, inline, tuple(urls))


_NO_COUNTS: Counter[str] = Counter()  # shared, never modified


def _differ(a: Counter[str], b: Counter[str]) -> bool:
    """Whether two tallies differ (as dicts: Counter's own comparison runs in Python, 20x slower)."""
    return not dict.__eq__(a, b)


# The helpers below are pure and cached: a msgid is checked once per locale, with the same result.


@functools.lru_cache(maxsize=2048)
def _normalised(text: str) -> str:
    """Text as a browser would decode a URL in it: entities and percent-escapes undone, no spaces."""
    decoded = text
    if "&" in decoded or "%" in decoded:
        for _ in range(3):
            decoded = unquote(html.unescape(decoded))
    return _CONTROL_CHARS_RE.sub("", decoded).lower()


# Every dangerous scheme ends in "t:" or "a:". In text with no entity or escape, _normalised only
# drops whitespace and control characters and lowercases, and no character but T and A lowercases
# to "t" or "a": text where no t/T/a/A comes before a colon (with only those between) has none.
_SCHEME_END_RE = re.compile(r"[tTaA][\s\x00-\x1f\x7f]*:")


def _dangerous_schemes(text: str) -> set[str]:
    if "&" not in text and "%" not in text and (":" not in text or _SCHEME_END_RE.search(text) is None):
        return set()  # nothing encoded, and no colon a scheme could end with (https: and most text)
    normal = _normalised(text)
    return {scheme for scheme in _DANGEROUS if scheme in normal}


_GROUP_SEPARATOR_RE = re.compile(r"[ \u00a0\u202f\u2009,.'’](?=\d{3}(?!\d))")


@functools.lru_cache(maxsize=2048)
def _numbers(text: str) -> Counter[str]:
    values: Counter[str] = Counter()
    for match in _NUMBER_RE.findall(text):
        values[match if match.isdigit() else _GROUP_SEPARATOR_RE.sub("", match)] += 1
    return values


@functools.lru_cache(maxsize=2048)
def _code_spans(text: str) -> Counter[str]:
    if "`" not in text:
        return _NO_COUNTS
    return Counter(match.group(2) for match in re.finditer(r"(`+)(.+?)\1", text))


@functools.lru_cache(maxsize=2048)
def _references(text: str) -> Counter[str]:
    return Counter(re.findall(r"\]\[([^\]]*)\]", text)) if "][" in text else _NO_COUNTS


@functools.lru_cache(maxsize=2048)
def _html_tags(text: str) -> Counter[str]:
    return Counter(t.lower() for t in _HTML_TAG_RE.findall(text)) if "<" in text else _NO_COUNTS


@functools.lru_cache(maxsize=2048)
def _attribute_lists(text: str) -> int:
    return len(_ATTR_LIST_RE.findall(text)) if "{" in text else 0


@functools.lru_cache(maxsize=2048)
def _terms_in(msgid: str, glossary: tuple[Term, ...]) -> tuple[Term, ...]:
    """The glossary terms a source text contains."""
    lowered = msgid.lower()
    return tuple(
        term for term in glossary
        if term.source.lower() in lowered and re.search(rf"(?<!\w){re.escape(term.source)}(?!\w)", msgid, re.IGNORECASE)
    )


# ---------------------------------------------------------------- the entry checks


def check_structure(ctx: EntryContext) -> Iterable[tuple[Severity, str, str]]:
    source_md, target_md = _markdown(ctx.msgid), _markdown(ctx.msgstr)
    source, target = list(source_md.blocks), list(target_md.blocks)
    if source != target:
        yield Severity.ERROR, "block-structure", (
            f"the translation parses as {' + '.join(target) or 'nothing'} but the source is "
            f"{' + '.join(source)}; remove the line-start marker, blank line, fence or HTML block"
        )
    if "table cell" in ctx.role and re.search(r"(?<!\\)\|", ctx.msgstr):
        yield Severity.ERROR, "table-pipe", "an unescaped | in a table cell splits the cell; write \\| or rephrase"
    source_inline, target_inline = source_md.inline, target_md.inline
    if _differ(source_inline, target_inline):
        yield Severity.ERROR, "inline-markup", (
            f"inline markup differs: source has {dict(source_inline) or 'none'}, translation has "
            f"{dict(target_inline) or 'none'}; keep every *emphasis*, **strong**, `code` and [link]"
        )


def check_links(ctx: EntryContext) -> Iterable[tuple[Severity, str, str]]:
    target_schemes = _dangerous_schemes(ctx.msgstr)
    source_schemes = _dangerous_schemes(ctx.msgid) if target_schemes else set()
    for scheme in _DANGEROUS:
        if scheme in target_schemes and scheme not in source_schemes:
            yield Severity.ERROR, "dangerous-url", f"the translation contains a {scheme} URL; only the source's links are allowed"
    source_urls, target_urls = _markdown(ctx.msgid).urls, _markdown(ctx.msgstr).urls
    source, target = (Counter(source_urls), Counter(target_urls)) if source_urls != target_urls else (_NO_COUNTS, _NO_COUNTS)
    if _differ(source, target):
        missing = sorted((source - target).elements())
        extra = sorted((target - source).elements())
        yield Severity.ERROR, "link-target", f"link targets differ: missing {missing}, added {extra}; keep every URL as in the source"
    elif source_urls != target_urls and len(source) > 1 and not ctx.errors_only:
        yield Severity.WARNING, "link-order", "the links come in another order than in the source; check that each link text still goes with its URL"
    source_refs, target_refs = _references(ctx.msgid), _references(ctx.msgstr)
    if _differ(source_refs, target_refs):
        yield Severity.ERROR, "link-reference", f"reference links differ: source {sorted(source_refs)}, translation {sorted(target_refs)}"


def check_html(ctx: EntryContext) -> Iterable[tuple[Severity, str, str]]:
    added = _html_tags(ctx.msgstr) - _html_tags(ctx.msgid)
    if added:
        yield Severity.ERROR, "raw-html", f"raw HTML not in the source: <{'>, <'.join(sorted(added))}>; write plain text"
    if "=" in ctx.msgstr and _EVENT_ATTR_RE.search(ctx.msgstr) and not _EVENT_ATTR_RE.search(ctx.msgid):
        yield Severity.ERROR, "event-handler", "the translation contains an on…= event handler attribute"
    if _attribute_lists(ctx.msgstr) > _attribute_lists(ctx.msgid):
        yield Severity.ERROR, "attribute-list", "the translation adds a {…} attribute list, which would set HTML attributes"


def check_facts(ctx: EntryContext) -> Iterable[tuple[Severity, str, str]]:
    source = _numbers(ctx.msgid)
    target = _numbers(ctx.msgstr) if source or not ctx.errors_only else _NO_COUNTS  # without numbers: only a warning to find
    missing = source - target if _differ(source, target) else _NO_COUNTS
    if missing:
        yield Severity.ERROR, "number", f"number(s) {', '.join(sorted(missing.elements()))} missing or changed in the translation"
    extra = target - source if _differ(source, target) and not ctx.errors_only else _NO_COUNTS
    if extra:
        yield Severity.WARNING, "number-added", f"number(s) {', '.join(sorted(extra.elements()))} not in the source"
    if _differ(_code_spans(ctx.msgid), _code_spans(ctx.msgstr)):
        yield Severity.ERROR, "code-span", "code spans must stay exactly as in the source"
    terms = _terms_in(ctx.msgid, ctx.glossary) if ctx.glossary else ()
    lowered = ctx.msgstr.lower() if terms else ""
    for term in terms:
        if not all(_stem(word) in lowered for word in term.target.split()):
            yield Severity.ERROR, "glossary", f"{term.source!r} must be translated as {term.target!r} (glossary)"


def _stem(word: str) -> str:
    """The part of a glossary word that survives inflection (nominative -> other cases)."""
    word = word.lower().strip("«»„“”\"'()")
    if not any(ch.isalpha() for ch in word) or len(word) < 4:
        return word
    if len(word) == 4:
        return word[:3]  # Aleś -> Alesia, Ігар -> Ігара
    keep = max(4, len(word) - 3) if len(word) > 6 else max(4, len(word) - 2)
    return word[:keep]


def check_text(ctx: EntryContext) -> Iterable[tuple[Severity, str, str]]:
    msgid, msgstr = ctx.msgid, ctx.msgstr
    if ctx.errors_only:
        yield from _text_errors(msgid, msgstr)
        return
    if msgstr == msgid and re.search(r"[^\W\d_]{4,}", msgid) and not any(t.target == msgid for t in ctx.glossary):
        yield Severity.WARNING, "same-as-source", "the translation is identical to the source"
    if (msgid[:1].isspace(), msgid[-1:].isspace()) != (msgstr[:1].isspace(), msgstr[-1:].isspace()):
        yield Severity.WARNING, "whitespace", "leading or trailing whitespace differs from the source"
    if "  " in msgstr and "  " in msgstr.replace("  \n", "\n") and "  " not in msgid.replace("  \n", "\n"):
        yield Severity.WARNING, "double-space", "doubled space"
    yield from _text_errors(msgid, msgstr)
    invisible = (
        sorted({f"U+{ord(ch):04X}" for ch in msgstr if ch in _INVISIBLES and ch not in msgid}) if _INVISIBLE_RE.search(msgstr) else []
    )
    if invisible:
        yield Severity.WARNING, "invisible-char", f"invisible character(s) {', '.join(invisible)}"
    yield from _check_punctuation(ctx)


def _text_errors(msgid: str, msgstr: str) -> Iterable[tuple[Severity, str, str]]:
    if msgid.startswith("\n") != msgstr.startswith("\n") or msgid.endswith("\n") != msgstr.endswith("\n"):
        yield Severity.ERROR, "newline", "msgid and msgstr must both begin and end with a newline, or neither (msgfmt -c)"
    bidi = sorted({f"U+{ord(ch):04X}" for ch in msgstr if ch in _BIDI_CONTROLS}) if _BIDI_RE.search(msgstr) else []
    if bidi:
        yield Severity.ERROR, "bidi-control", f"bidirectional control character(s) {', '.join(bidi)} can reorder the text a reader sees; remove them"


def _check_punctuation(ctx: EntryContext) -> Iterable[tuple[Severity, str, str]]:
    msgid, msgstr = ctx.msgid, ctx.msgstr
    language = ctx.locale.split("_")[0].split("@")[0].split("-")[0]
    quotes = QUOTES.get(language)
    if quotes and '"' in msgstr and _STRAIGHT_QUOTE_RE.search(re.sub(r"`[^`]*`|\([^)]*\)|<[^>]*>", "", msgstr)):
        yield Severity.WARNING, "quotes", f"straight double quotes; {language} uses {quotes[0]}…{quotes[1]}"
    if language == "fr" and ("«" in msgstr or "»" in msgstr) and re.search(r"«(?![\u00a0\u202f])|(?<![\u00a0\u202f])»", msgstr):
        yield Severity.WARNING, "quotes", "French guillemets need a no-break space inside: « … »"
    source_end = msgid.rstrip(_CLOSERS + " ")[-1:]
    target_end = msgstr.rstrip(_CLOSERS + " ")[-1:]
    if (source_end in _END_PUNCT) != (target_end in _END_PUNCT):
        yield Severity.WARNING, "end-punctuation", f"ends with {target_end!r} but the source ends with {source_end!r}"
    if len(msgid) >= 40 and msgstr:
        ratio = len(msgstr) / len(msgid)
        if not 0.4 <= ratio <= 2.5:
            yield Severity.WARNING, "length", f"translation is {ratio:.1f}× the source's length; check nothing is missing or added"


ENTRY_CHECKS: tuple[EntryCheck, ...] = (check_structure, check_links, check_html, check_facts, check_text)


# ---------------------------------------------------------------- catalogue level


def _header_findings(po: polib.POFile, path: str, locale: str) -> list[Finding]:
    found: list[Finding] = []

    def add(severity: Severity, code: str, message: str) -> None:
        found.append(Finding(path, 1, severity, code, message))

    language = po.metadata.get("Language", "")
    if not language:
        add(Severity.ERROR, "header-language", "header has no Language field; add \"Language: " + locale + "\\n\"")
    elif language != locale:
        add(Severity.ERROR, "header-language", f"header says Language: {language} but the catalogue is in locales/{locale}/")
    if "charset=utf-8" not in po.metadata.get("Content-Type", "").lower():
        add(Severity.ERROR, "header-charset", "Content-Type must be text/plain; charset=UTF-8")
    try:
        expected = plural_forms(locale)
    except ConfigError:
        expected = ""
    actual = po.metadata.get("Plural-Forms", "")
    if not actual:
        add(Severity.ERROR, "plural-forms", f"header has no Plural-Forms; use: {expected}")
    elif expected:
        problem = plural_forms_problem(actual, expected)
        if problem:
            add(Severity.ERROR, "plural-forms", f"{problem} for {locale}; use: {expected}")
    for field_name in ("PO-Revision-Date", "Last-Translator", "Language-Team"):
        value = po.metadata.get(field_name, "")
        if not value or value.startswith(("YEAR-", "FULL NAME", "LANGUAGE")):
            add(Severity.WARNING, "header-field", f"header field {field_name} is missing or still the template's placeholder")
    return found


# Numbers on which two plural rules are compared: every n below 1200 covers the rules of CLDR
# and gettext (they look at n % 10, n % 100 and small n); larger ones catch n % 1000 and millions.
_PLURAL_SAMPLES = (*range(1200), *(base + d for base in (10**4, 10**5, 10**6, 2 * 10**6, 10**7, 10**9) for d in (0, 1, 2, 5, 11, 21, 101)))
_MILLION = 10**6


@functools.lru_cache(maxsize=256)
def plural_forms_problem(actual: str, expected: str) -> str:
    """Why a Plural-Forms header is wrong against the locale's CLDR rule ('' when it is right).

    Rules are compared by what they do, not how they are written: a header must sort the sample
    numbers into the same groups as the CLDR rule. The one accepted difference is GNU gettext's
    two-form rule for French, Spanish, Italian or Portuguese, which lacks CLDR's separate form
    for whole millions ("1 000 000 de personnes"): it agrees with CLDR on every number below one
    million, and gettext's own msginit writes it.
    """
    count, rule = _compile_plural(actual)
    if rule is None:
        return f"Plural-Forms is not a valid rule ({actual!r})"
    want_count, want_rule = _compile_plural(expected)
    assert want_rule is not None, expected
    try:
        forms = [rule(n) for n in _PLURAL_SAMPLES]
    except (ArithmeticError, ValueError, TypeError):
        return "Plural-Forms fails on some numbers (division by zero?)"
    bad = next((n for n, form in zip(_PLURAL_SAMPLES, forms) if not 0 <= form < count), None)
    if bad is not None:
        return f"Plural-Forms gives form {rule(bad)} for n={bad} but has nplurals={count}"
    wanted = [want_rule(n) for n in _PLURAL_SAMPLES]
    conflict = _first_conflict(forms, wanted)
    if conflict is None:
        return ""
    below = sum(1 for n in _PLURAL_SAMPLES if n < _MILLION)
    if count == want_count - 1 and _first_conflict(forms[:below], wanted[:below]) is None:
        return ""
    return f"Plural-Forms (nplurals={count}) does not group numbers as CLDR does (first at n={_PLURAL_SAMPLES[conflict]})"


def _compile_plural(header: str) -> tuple[int, Callable[[int], int] | None]:
    """nplurals and the rule of a Plural-Forms header as a function (None when it is not valid)."""
    count = re.search(r"nplurals\s*=\s*(\d+)", header)
    expression = re.search(r"plural\s*=\s*([^;]+)", header)
    if count is None or expression is None:
        return (int(count.group(1)) if count else 0), None
    try:
        return int(count.group(1)), gettext.c2py(expression.group(1).strip())
    except (ValueError, SyntaxError, RecursionError):
        return int(count.group(1)), None


def _first_conflict(first: Sequence[int], second: Sequence[int]) -> int | None:
    """The first index where two form assignments stop being a renaming of each other (None: never)."""
    forward: dict[int, int] = {}
    backward: dict[int, int] = {}
    for index, (a, b) in enumerate(zip(first, second)):
        if forward.setdefault(a, b) != b or backward.setdefault(b, a) != a:
            return index
    return None


def _nplurals(expression: str) -> str:
    match = re.search(r"nplurals\s*=\s*(\d+)", expression)
    return match.group(1) if match else "?"


def _check_key(entry: polib.POEntry) -> tuple[object, ...]:
    """Every field of an entry the entry checks read."""
    return (entry.msgctxt, entry.msgid, entry.msgid_plural, entry.msgstr, len(entry.msgstr_plural), entry.comment, tuple(entry.flags))


def _known_findings(
    po: polib.POFile, earlier: polib.POFile, found: Sequence[Finding]
) -> dict[tuple[object, ...], list[tuple[Severity, str, str]]]:
    """The error findings of each active entry of an earlier check of the same locale and glossary."""
    if _nplurals(po.metadata.get("Plural-Forms", "")) != _nplurals(earlier.metadata.get("Plural-Forms", "")):
        return {}
    by_line: dict[int, list[tuple[Severity, str, str]]] = {}
    for finding in found:
        by_line.setdefault(finding.line, []).append((finding.severity, finding.code, finding.message))
    return {_check_key(e): by_line.get(e.linenum, []) for e in earlier if not e.obsolete and e.linenum}


def check_catalog(
    po: polib.POFile, *, path: str, locale: str, glossary: Sequence[Term] = (), errors_only: bool = False,
    earlier: tuple[polib.POFile, Sequence[Finding]] | None = None,
) -> list[Finding]:
    """Every finding in one catalogue: header, then each active entry in file order.

    ``errors_only`` gives exactly the error-level findings of a full check, sooner. ``earlier``,
    with errors_only, is a catalogue of the same locale as parsed from its file and the error
    findings of that file, checked against the same glossary: an entry unchanged since is given
    the findings it had there (the checks are pure), at its new line.
    """
    if earlier is not None and not errors_only:
        raise ValueError("earlier findings are error findings: pass errors_only=True")
    findings = _header_findings(po, path, locale)
    nplurals = _nplurals(po.metadata.get("Plural-Forms", ""))
    terms = tuple(glossary)
    known = _known_findings(po, *earlier) if earlier is not None else {}
    for entry in po:
        if entry.obsolete:
            continue
        line = entry.linenum or 1
        if known:
            again = known.get(_check_key(entry))
            if again is not None:
                findings.extend(Finding(path, line, severity, code, message) for severity, code, message in again)
                continue

        def add(severity: Severity, code: str, message: str, line: int = line) -> None:
            findings.append(Finding(path, line, severity, code, message))

        bad_flags = [f for f in entry.flags if f.endswith("-format") and not f.startswith("no-")]
        if bad_flags:
            add(Severity.ERROR, "format-flag", f"prose must not carry {', '.join(bad_flags)}; remove the flag")
        if entry.msgid_plural:
            if nplurals.isdigit() and len(entry.msgstr_plural) != int(nplurals):
                add(Severity.ERROR, "plural-count", f"{len(entry.msgstr_plural)} plural forms but Plural-Forms says {nplurals}")
            continue
        if not entry.msgstr:
            add(Severity.WARNING, "untranslated", "not translated yet")
            continue
        if "fuzzy" in entry.flags:
            add(Severity.WARNING, "fuzzy", "fuzzy: the source changed; review the translation and remove the fuzzy flag")
        context = EntryContext(locale, entry.msgid, entry.msgstr, terms, role=entry.comment, errors_only=errors_only)
        for check in ENTRY_CHECKS:
            for severity, code, message in check(context):
                add(severity, code, message)
    return [f for f in findings if f.severity is Severity.ERROR] if errors_only else findings
