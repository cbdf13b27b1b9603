"""Extraction: Markdown blocks -> segments -> template, checked against golden .pot files."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import FIXTURES, assert_golden
from tlumach.catalog import build_template
from tlumach.errors import SourceError
from tlumach.extract import extract_segments, read_document
from tlumach.pofile import generate_po
from tlumach.segment import Role

CASES = sorted((FIXTURES / "extract").glob("*.md"))


@pytest.mark.parametrize("source", CASES, ids=[c.stem for c in CASES])
def test_extract_matches_golden_template(source: Path) -> None:
    document = read_document(source, reference=f"docs/{source.name}", domain=source.stem)
    pot = build_template(document, creation_date="2025-07-14 00:00+0000")
    assert_golden(generate_po(pot), source.with_suffix(".pot"))


def test_segments_are_exact_slices_of_the_source() -> None:
    text = (FIXTURES / "extract" / "blocks.md").read_text(encoding="utf-8")
    for segment in extract_segments(text, path="blocks.md"):
        pieces = [text[span.start : span.end] for span in segment.spans]
        if segment.role is Role.FRONT_MATTER and segment.quote:
            continue  # quoted YAML values are decoded
        assert "\n".join(pieces) == segment.text


def test_code_html_and_urls_are_not_extracted() -> None:
    text = (FIXTURES / "extract" / "blocks.md").read_text(encoding="utf-8")
    texts = "\n".join(s.text for s in extract_segments(text, path="blocks.md"))
    assert "code is not extracted" not in texts
    assert "Raw HTML" not in texts
    assert "HTML comment" not in texts
    assert "photo.jpg" not in texts
    assert "https://example.org/ref" not in texts


def test_same_text_in_two_roles_gets_role_contexts_and_same_role_shares_one_entry() -> None:
    text = (FIXTURES / "extract" / "contexts.md").read_text(encoding="utf-8")
    segments = extract_segments(text, path="contexts.md")
    contexts = {(s.role, s.context) for s in segments}
    assert contexts == {
        (Role.FRONT_MATTER, "front matter: title"),
        (Role.HEADING, "heading"),
        (Role.PARAGRAPH, "paragraph"),
        (Role.LIST_ITEM, "list item"),
    }
    assert all(s.context is None or str(s.line) not in s.context for s in segments)


def test_front_matter_block_scalar_is_refused_with_line() -> None:
    with pytest.raises(SourceError) as info:
        extract_segments("---\ntitle: >\n  folded\n---\n\nText\n", path="docs/x.md")
    assert str(info.value).startswith("docs/x.md:2: ")


# Characters that matter to a quoted YAML scalar: both quotes, the escape, YAML's line breaks
# (NEL, U+2028, U+2029), characters it refuses (BEL, DEL, BOM), and ordinary ones.
_SCALAR_ALPHABET = [
    "a", "Z", " ", "\t", "#", ":", '"', "'", "\\", "\x85", "\u2028", "\u2029", "\x07", "\x7f", "\ufeff",
    "é", "ł", "—", "«", "»", "\xa0", "\u2009", "\U0001f600", "{", "}", "[", "]", "&", "*", "%", "`", "|", ">", "-",
]


def test_quoted_front_matter_values_are_read_as_yaml_reads_them() -> None:
    import random

    import yaml

    rng = random.Random(7)
    cases = ['"Belarus: four years"', "'It''s'", '"a \\"quote\\""', '"\\u0410"', "'x'", '""', "''"]
    for _ in range(30000):
        quote = rng.choice("'\"")
        cases.append(quote + "".join(rng.choice(_SCALAR_ALPHABET) for _ in range(rng.randint(0, 8))) + quote)
    decoded = refused = 0
    for raw in cases:
        try:
            expected = yaml.safe_load(raw)
        except yaml.YAMLError:
            expected = None
        text = f"---\ntitle: {raw}\n---\n\nText\n"
        if isinstance(expected, str):
            segments = extract_segments(text, path="docs/x.md")
            front = [s.text for s in segments if s.role is Role.FRONT_MATTER]
            assert front == ([expected] if expected.strip() else []), raw
            decoded += 1
        else:
            with pytest.raises(SourceError):
                extract_segments(text, path="docs/x.md")
            refused += 1
    assert decoded > 10000 and refused > 1000  # both outcomes well exercised


def test_invalid_utf8_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.md"
    bad.write_bytes(b"# Title\n\nfine\n\nbroken \xff byte\n")
    with pytest.raises(SourceError) as info:
        read_document(bad, reference="docs/bad.md", domain="bad")
    assert f"{bad}:5: " in str(info.value)
