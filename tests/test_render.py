"""Rendering: golden triples (X.md + X.po -> X.expect.md) and the identity round trip."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import FIXTURES, REPO, assert_golden
from tlumach.catalog import load_catalog, translations
from tlumach.extract import read_document
from tlumach.render import render_markdown

CASES = sorted((FIXTURES / "render").glob("*.md"))
CASES = [c for c in CASES if not c.name.endswith(".expect.md")]
SOURCES = [*CASES, *(FIXTURES / "extract").glob("*.md"), REPO / "docs" / "index.md"]


@pytest.mark.parametrize("source", CASES, ids=[c.stem for c in CASES])
def test_render_matches_golden(source: Path) -> None:
    document = read_document(source, reference=f"docs/{source.name}", domain=source.stem)
    catalog = load_catalog(source.with_suffix(".po"))
    rendered = render_markdown(document, translations(catalog))
    assert_golden(rendered, source.with_suffix(".expect.md"))


@pytest.mark.parametrize("source", SOURCES, ids=[s.parent.name + "/" + s.stem for s in SOURCES])
def test_identity_catalogue_renders_the_source_byte_for_byte(source: Path) -> None:
    document = read_document(source, reference=f"docs/{source.name}", domain=source.stem)
    identity = {(s.context, s.text): s.text for s in document.segments}
    assert render_markdown(document, identity) == document.text


def test_untranslated_segments_keep_the_source_text() -> None:
    source = FIXTURES / "render" / "blocks.md"
    document = read_document(source, reference="docs/blocks.md", domain="blocks")
    assert render_markdown(document, {}) == document.text


def test_missing_marker_is_applied_to_untranslated_segments_only() -> None:
    source = FIXTURES / "render" / "hostile.md"
    document = read_document(source, reference="docs/hostile.md", domain="hostile")
    rendered = render_markdown(document, {(None, "Item"): "Пункт"}, mark_missing=lambda s: f"[EN] {s.text}")
    assert "- Пункт" in rendered
    assert "[EN] First paragraph." in rendered
    assert "[EN] Item" not in rendered
