"""The command line, called as main([...]) on a project built in tmp_path."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import REPO
from tlumach.cli import main


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "docs").mkdir()
    shutil.copy(REPO / "docs" / "index.md", tmp_path / "docs" / "index.md")
    return tmp_path


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "locales").rglob("*")) if p.is_file()}


def run(root: Path, *args: str) -> int:
    return main(["--root", str(root), "-q", *args])


def test_extract_init_update_from_scratch_then_second_run_is_byte_identical(project: Path) -> None:
    assert run(project, "extract") == 0
    assert run(project, "init", "be") == 0
    assert run(project, "init", "ru") == 0
    first = snapshot(project)
    assert sorted(first) == ["locales/be/LC_MESSAGES/index.po", "locales/index.pot", "locales/ru/LC_MESSAGES/index.po"]
    assert run(project, "update") == 0
    assert run(project, "extract") == 0
    assert snapshot(project) == first
    assert run(project, "update", "--check") == 0


def test_update_check_names_stale_catalogues_and_writes_nothing(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(project, "init", "be")
    source = project / "docs" / "index.md"
    source.write_text(source.read_text(encoding="utf-8").replace("sombre anniversary", "sad anniversary"), encoding="utf-8")
    before = snapshot(project)
    assert run(project, "update", "--check") == 1
    err = capsys.readouterr().err
    assert "locales/index.pot: stale" in err
    assert "locales/be/LC_MESSAGES/index.po: stale" in err
    assert snapshot(project) == before


def test_update_after_source_edit_makes_the_changed_string_fuzzy(project: Path) -> None:
    run(project, "init", "be")
    po = project / "locales" / "be" / "LC_MESSAGES" / "index.po"
    text = po.read_text(encoding="utf-8")
    marker = 'msgid "Amnesty International quote"\nmsgstr ""'
    assert marker in text
    po.write_text(text.replace(marker, 'msgid "Amnesty International quote"\nmsgstr "Цытата Amnesty International"'), encoding="utf-8")
    source = project / "docs" / "index.md"
    source.write_text(source.read_text(encoding="utf-8").replace('label: "Amnesty International quote"', 'label: "Amnesty International quotes"'), encoding="utf-8")
    assert run(project, "update") == 0
    updated = po.read_text(encoding="utf-8")
    assert '#, fuzzy\n#| msgctxt "front matter: label"\n#| msgid "Amnesty International quote"\nmsgctxt "front matter: label"\nmsgid "Amnesty International quotes"\nmsgstr "Цытата Amnesty International"' in updated


def test_malformed_catalogue_stops_update_and_leaves_every_file_untouched(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(project, "init", "be")
    run(project, "init", "ru")
    source = project / "docs" / "index.md"
    source.write_text(source.read_text(encoding="utf-8") + "\nA new closing paragraph.\n", encoding="utf-8")
    po = project / "locales" / "ru" / "LC_MESSAGES" / "index.po"
    po.write_text(po.read_text(encoding="utf-8") + '\nmsgid "broken\nmsgstr ""\n', encoding="utf-8")
    before = snapshot(project)
    assert run(project, "update") == 1
    err = capsys.readouterr().err
    line = po.read_text(encoding="utf-8").count("\n") - 1
    assert err.startswith(f"error: {po}:{line}: end of line within string")
    assert snapshot(project) == before


def test_stats_json_counts_fuzzy_apart_from_translated(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(project, "init", "be")
    po = project / "locales" / "be" / "LC_MESSAGES" / "index.po"
    text = po.read_text(encoding="utf-8")
    text = text.replace('msgid "Amnesty International quote"\nmsgstr ""', 'msgid "Amnesty International quote"\nmsgstr "Цытата"', 1)
    po.write_text(text, encoding="utf-8")
    capsys.readouterr()
    assert main(["--root", str(project), "stats", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["locale"] == "be" and rows[0]["translated"] == 1 and rows[0]["fuzzy"] == 0
    assert rows[0]["untranslated"] == rows[0]["total"] - 1
    assert main(["--root", str(project), "stats"]) == 0
    table = capsys.readouterr().out
    assert table.splitlines()[0].split() == ["locale", "document", "translated", "fuzzy", "untranslated", "obsolete", "words", "percent"]


def test_init_refuses_to_overwrite_an_existing_catalogue(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(project, "init", "be") == 0
    assert run(project, "init", "be") == 1
    assert "already exists; use tlumach update" in capsys.readouterr().err


def test_unknown_locale_and_bad_usage_give_exit_codes(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(project, "init", "xx-nonsense") == 1
    assert "unknown locale" in capsys.readouterr().err
    assert main(["frobnicate"]) == 2


def test_translated_variants_in_docs_are_not_extracted(project: Path) -> None:
    (project / "docs" / "index.be.md").write_text("# Загаловак\n", encoding="utf-8")
    run(project, "extract")
    assert sorted(p.name for p in (project / "locales").glob("*.pot")) == ["index.pot"]
    assert "Загаловак" not in (project / "locales" / "index.pot").read_text(encoding="utf-8")


def test_update_writes_the_merge_but_exits_1_naming_a_check_error(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(project, "init", "be")
    po = project / "locales" / "be" / "LC_MESSAGES" / "index.po"
    text = po.read_text(encoding="utf-8")
    po.write_text(text.replace('msgid "Amnesty International quote"\nmsgstr ""',
                               'msgid "Amnesty International quote"\nmsgstr "Цытата <script>x</script>"'), encoding="utf-8")
    capsys.readouterr()
    assert run(project, "update") == 1
    err = capsys.readouterr().err
    assert f"error: locales/be/LC_MESSAGES/index.po:" in err and "raw-html" in err
    assert "Цытата <script>x</script>" in po.read_text(encoding="utf-8")


def test_render_writes_the_translated_document_the_site_would_build(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "index.de.md"
    assert main(["--root", str(REPO), "-q", "render", "de", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("---\ntitle: \"Belarus: Nobelpreisträger")
    assert "date: 2025-07-14" in text and "# Belarus: Nobelpreisträger" in text
    assert main(["--root", str(REPO), "render", "de", "nothing.md"]) == 1
    assert "no document 'nothing.md'" in capsys.readouterr().err
