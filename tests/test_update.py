"""The update on every core: the same files and findings as one process, and nothing written on a bad file."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr
from pathlib import Path

import polib
import pytest

from sitebuild import copy_project, restored_clone
from tlumach.cli import main
from tlumach.errors import CatalogError
from tlumach.project import Project
from tlumach.update import PARALLEL_MERGES, plan_update

NOW = "2026-01-01 00:00+0000"


def _many_documents(root: Path, count: int = 6) -> None:
    """Copies of the statement, each with one paragraph edited, so every catalogue is merged again."""
    source = (root / "docs" / "index.md").read_text(encoding="utf-8")
    for number in range(count):
        edited = source.replace("Viasna", f"Viasna ({number})", 1)
        (root / "docs" / f"copy-{number}.md").write_text(edited, encoding="utf-8")


def _clean_clone(root: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The project with copies of the statement, updated, then without .tlumach/ (a clean clone),
    its untranslated copies published anyway (threshold 0)."""
    import shutil

    from tlumach.state import STATE_DIR

    copy_project(root)
    _many_documents(root)
    assert main(["--root", str(root), "-q", "update"]) == 0
    shutil.rmtree(root / STATE_DIR)  # a clean clone: nothing recorded
    monkeypatch.setenv("TLUMACH_THRESHOLD", "0")
    return root


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "locales").rglob("*")) if p.is_file()}


def _run(root: Path, workers: int) -> tuple[dict[str, bytes], list[str]]:
    project = Project(root)
    locales = project.locale_codes()
    plan = plan_update(project, locales, now=NOW, stage=True, workers=workers)
    assert sum(len(locales) for _ in plan.domains) >= PARALLEL_MERGES  # big enough for the workers
    plan.commit()
    findings = [str(f) for key in sorted(plan.findings) for f in plan.findings[key]]
    return _tree(root), findings


def test_update_on_two_cores_writes_what_one_process_writes(tmp_path: Path) -> None:
    one, two = copy_project(tmp_path / "one"), copy_project(tmp_path / "two")
    for root in (one, two):
        _many_documents(root)
        # a new document reaches every locale; a check error is found the same way on both paths
        path = root / "locales" / "ru" / "LC_MESSAGES" / "index.po"
        path.write_text(path.read_text(encoding="utf-8").replace("Беляцк", "Бяляцк"), encoding="utf-8")
    serial, parallel = _run(one, 1), _run(two, 2)
    assert serial == parallel
    assert any("glossary" in f for f in serial[1])  # the findings compared are not empty
    assert len(serial[0]) > 60


def test_a_malformed_catalogue_stops_a_parallel_update_with_nothing_written(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    _many_documents(root)
    bad = root / "locales" / "uk" / "LC_MESSAGES" / "index.po"
    lines = bad.read_text(encoding="utf-8").split("\n")
    line = next(i for i, text in enumerate(lines, start=1) if i > 20 and text.startswith('msgstr "') and text.endswith('"'))
    lines[line - 1] += " stray"  # text after the closing quote
    bad.write_text("\n".join(lines), encoding="utf-8")
    before = _tree(root)
    with pytest.raises(CatalogError) as info:
        plan_update(Project(root), Project(root).locale_codes(), now=NOW, stage=True, workers=2)
    assert str(info.value).startswith(f"{bad}:{line}: ")
    assert _tree(root) == before  # no catalogue changed, no staged file left behind
    err = io.StringIO()
    with redirect_stderr(err):
        assert main(["--root", str(root), "-q", "update"]) == 1
    assert f"index.po:{line}:" in err.getvalue() and _tree(root) == before


def test_update_check_stages_nothing_and_names_every_stale_file(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    _many_documents(root)
    before = _tree(root)
    err = io.StringIO()
    with redirect_stderr(err):
        assert main(["--root", str(root), "-q", "update", "--check"]) == 1
    assert _tree(root) == before
    stale = [line for line in err.getvalue().splitlines() if line.endswith("stale; run: tlumach update")]
    locales = Project(root).locale_codes()
    assert len(stale) == 6 * (len(locales) + 1)  # six new templates and their catalogues in every locale


def test_a_site_build_in_a_clone_with_the_record_restored_checks_nothing_and_renews_the_stamps(tmp_path: Path) -> None:
    from tlumach.state import UpdateState
    from tlumach.update import record_checks

    root = copy_project(tmp_path / "first")
    _many_documents(root)
    assert main(["--root", str(root), "-q", "update"]) == 0
    record_checks(Project(root), UpdateState.load(root))  # and a site build (derived locales: only here)
    clone = restored_clone(root, tmp_path / "clone")
    catalogues = sorted((clone / "locales").glob("*/LC_MESSAGES/*.po"))
    project = Project(clone)
    assert record_checks(project, UpdateState.load(clone), publish=project.locale_codes()) == {}  # none checked
    renewed = UpdateState.load(clone)
    assert all(renewed.stamps[renewed.key(p)].mtime_ns == p.stat().st_mtime_ns for p in catalogues)
    assert all(renewed.recorded(p) is not None for p in catalogues) and not renewed.refreshed
    path = catalogues[0]
    path.write_bytes(path.read_bytes().replace(b"msgstr \"", b"msgstr \" ", 1))  # a changed catalogue is checked
    checked = record_checks(project, UpdateState.load(clone), publish=project.locale_codes())
    assert list(checked) == [path]


def test_a_clean_clone_build_takes_the_translations_its_checks_parsed_and_builds_the_same_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tlumach.site
    from tlumach.catalog import parse_catalog
    from tlumach.project import catalog_locale
    from tlumach.site import build_site
    from tlumach.state import STATE_DIR

    root = _clean_clone(tmp_path / "project", monkeypatch)
    rendered = sorted((root / "locales").glob("*/LC_MESSAGES/*.po"))
    assert len(rendered) >= PARALLEL_MERGES  # checked by the worker processes
    parsed: list[str] = []

    def counted(data: bytes, *, path: Path) -> polib.POFile:
        parsed.append(path.relative_to(root).as_posix())
        return parse_catalog(data, path=path)

    monkeypatch.setattr(tlumach.site, "parse_catalog", counted)
    build_site(root / "mkdocs.yml", tmp_path / "cold", site_url="https://example.org/", offline=False)
    assert parsed == []  # the workers that checked each catalogue sent back its translations

    for cache in (root / STATE_DIR).glob("site-*.json"):
        cache.unlink()  # the record stays: this build parses each rendered catalogue for its translations
    build_site(root / "mkdocs.yml", tmp_path / "parsed", site_url="https://example.org/", offline=False)
    assert sorted(parsed) == sorted(p.relative_to(root).as_posix() for p in rendered)
    cold = {p.relative_to(tmp_path / "cold"): p.read_bytes() for p in sorted((tmp_path / "cold").rglob("*")) if p.is_file()}
    again = {p.relative_to(tmp_path / "parsed"): p.read_bytes() for p in sorted((tmp_path / "parsed").rglob("*")) if p.is_file()}
    assert "Алеся Бяляцкага" in cold[Path("be/index.html")].decode("utf-8")
    published = {path.parts[0] for path in cold if path.parts[1:] == ("copy-5", "index.html")}
    assert {catalog_locale(locale) for locale in published} == {p.parts[-3] for p in rendered}  # every locale built
    assert cold == again


def test_a_clean_clone_build_extracts_its_documents_while_the_checks_run_and_takes_only_the_same_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tlumach.site
    from tlumach.extract import extract_segments
    from tlumach.site import build_site
    from tlumach.state import STATE_DIR

    root = _clean_clone(tmp_path / "project", monkeypatch)
    sources = sorted(p.relative_to(root).as_posix() for p in (root / "docs").glob("*.md"))
    # A draft mkdocs leaves out (exclude_docs: maintainers/) that tlumach cannot extract: while
    # checking, that is only work wasted, not an error.
    (root / "docs" / "maintainers" / "draft.md").write_text("---\ntitle: >\n  folded\n---\n\nText\n", encoding="utf-8")
    checking: list[bool] = []
    extracted: list[tuple[str, bool]] = []
    record_checks = tlumach.site.record_checks

    def flagged(*args: object, **kwargs: object) -> object:
        checking.append(True)
        try:
            return record_checks(*args, **kwargs)
        finally:
            checking.pop()

    def counted(text: str, *, path: str) -> list[object]:
        extracted.append((path, bool(checking)))
        return extract_segments(text, path=path)

    edited = root / "docs" / "copy-2.md"
    extract_sources = tlumach.site.TlumachPlugin._extract_sources

    def then_edited(self: tlumach.site.TlumachPlugin, config: object) -> None:
        extract_sources(self, config)
        # Saved again after it was read for extraction: the build must render what mkdocs reads.
        edited.write_text(edited.read_text(encoding="utf-8") + "\nA paragraph added while the checks ran.\n", encoding="utf-8")

    monkeypatch.setattr(tlumach.site, "record_checks", flagged)
    monkeypatch.setattr(tlumach.site, "extract_segments", counted)
    monkeypatch.setattr(tlumach.site.TlumachPlugin, "_extract_sources", then_edited)
    build_site(root / "mkdocs.yml", tmp_path / "cold", site_url="https://example.org/", offline=False)
    during = sorted(path for path, in_checks in extracted if in_checks)
    after = [path for path, in_checks in extracted if not in_checks]
    assert during == sorted([*sources, "docs/maintainers/draft.md"])  # every source, while the workers checked
    assert after == ["docs/copy-2.md"]  # only the one whose text changed since, extracted again
    page = (tmp_path / "cold" / "be" / "copy-2" / "index.html").read_text(encoding="utf-8")
    assert "A paragraph added while the checks ran." in page

    extracted.clear()
    monkeypatch.setattr(tlumach.site.TlumachPlugin, "_extract_sources", extract_sources)
    for cache in (root / STATE_DIR).glob("site-*.json"):
        cache.unlink()  # the record stays: nothing to check, so each document is extracted as mkdocs lists it
    build_site(root / "mkdocs.yml", tmp_path / "again", site_url="https://example.org/", offline=False)
    assert sorted(path for path, _ in extracted) == sources and not any(in_checks for _, in_checks in extracted)
    cold = {p.relative_to(tmp_path / "cold"): p.read_bytes() for p in sorted((tmp_path / "cold").rglob("*")) if p.is_file()}
    again = {p.relative_to(tmp_path / "again"): p.read_bytes() for p in sorted((tmp_path / "again").rglob("*")) if p.is_file()}
    assert cold == again


def test_a_site_build_on_a_clean_clone_checks_every_catalogue_on_every_core_and_records_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    import shutil

    from tlumach.checks import Severity
    from tlumach.errors import PublishError
    from tlumach.pipeline import check_locales
    from tlumach.site import build_site
    from tlumach.state import STATE_DIR, UpdateState

    root = copy_project(tmp_path / "project")
    _many_documents(root)
    assert main(["--root", str(root), "-q", "update"]) == 0
    path = root / "locales" / "ru" / "LC_MESSAGES" / "index.po"
    path.write_text(path.read_text(encoding="utf-8").replace("Беляцк", "Бяляцк"), encoding="utf-8")
    shutil.rmtree(root / STATE_DIR)  # a clean clone: nothing recorded
    project = Project(root)
    catalogues = sorted((root / "locales").glob("*/LC_MESSAGES/*.po"))
    assert len(catalogues) >= PARALLEL_MERGES  # enough for the worker processes
    expected = [str(f) for f in check_locales(project, ["ru"]) if f.severity is Severity.ERROR]
    assert expected and all("ru/LC_MESSAGES/index.po:" in error for error in expected)

    with pytest.raises(PublishError, match="strict mode"):  # a locale held back is a warning
        build_site(root / "mkdocs.yml", tmp_path / "site", site_url="https://example.org/", offline=False)

    held_back = [r.getMessage() for r in caplog.records if r.getMessage().startswith("tlumach: not publishing")]
    assert held_back == [f"tlumach: not publishing 'ru': {len(expected)} check error(s), first: {expected[0]}"]
    state = UpdateState.load(root)
    assert [p.name for p in catalogues if state.recorded(p) is None] == []  # the next build reads the record
    assert [str(f) for f in state.recorded(path)[0]] == expected


def test_a_build_after_an_update_takes_the_segments_the_update_extracted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tlumach.site
    from tlumach.extract import extract_segments
    from tlumach.site import build_site
    from tlumach.state import STATE_DIR

    root = _clean_clone(tmp_path / "project", monkeypatch)
    assert main(["--root", str(root), "-q", "update"]) == 0  # extracts every document: the clone has no record
    extracted: list[str] = []

    def counted(text: str, *, path: str) -> list[object]:
        extracted.append(path)
        return extract_segments(text, path=path)

    monkeypatch.setattr(tlumach.site, "extract_segments", counted)
    build_site(root / "mkdocs.yml", tmp_path / "after", site_url="https://example.org/", offline=False)
    assert extracted == []  # every document's segments came from the update

    # A document saved after the update, without another: only it is extracted, for its new text.
    edited = root / "docs" / "copy-3.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nA paragraph written after the update.\n", encoding="utf-8")
    build_site(root / "mkdocs.yml", tmp_path / "edited", site_url="https://example.org/", offline=False)
    assert extracted == ["docs/copy-3.md"]
    assert "A paragraph written after the update." in (tmp_path / "edited" / "be" / "copy-3" / "index.html").read_text(encoding="utf-8")

    # An update that extracts one document leaves only that one, beside the build's cache (which
    # it does not rewrite: an update costs what it extracted, not the corpus); the next build
    # takes it, and the cache's segments of the others.
    kept = (root / STATE_DIR / "site-documents.json").read_bytes()
    assert main(["--root", str(root), "-q", "update"]) == 0
    assert (root / STATE_DIR / "site-documents.json").read_bytes() == kept
    left = [json.loads(p.read_text(encoding="utf-8")) for p in (root / STATE_DIR / "site-documents-left").glob("*.json")]
    assert [domain for raw in left for domain in raw["entries"]] == ["copy-3"]
    extracted.clear()
    build_site(root / "mkdocs.yml", tmp_path / "again", site_url="https://example.org/", offline=False)
    assert extracted == []
    assert list((root / STATE_DIR / "site-documents-left").glob("*.json")) == []  # merged into the build's cache

    # The pages are those of a build that extracted everything itself.
    (root / STATE_DIR / "site-documents.json").unlink()
    build_site(root / "mkdocs.yml", tmp_path / "itself", site_url="https://example.org/", offline=False)
    assert sorted(extracted) == sorted(f"docs/{p.name}" for p in (root / "docs").glob("*.md"))
    again = {p.relative_to(tmp_path / "again"): p.read_bytes() for p in sorted((tmp_path / "again").rglob("*")) if p.is_file()}
    itself = {p.relative_to(tmp_path / "itself"): p.read_bytes() for p in sorted((tmp_path / "itself").rglob("*")) if p.is_file()}
    assert again == itself and len(again) > 50


def test_a_document_moved_to_another_folder_keeps_its_translations(tmp_path: Path) -> None:
    import shutil

    from tlumach.catalog import load_catalog, translations

    root = copy_project(tmp_path / "project")
    assert main(["--root", str(root), "-q", "update"]) == 0
    old = root / "locales" / "be" / "LC_MESSAGES" / "index.po"
    before = old.read_bytes()
    (root / "docs" / "2025").mkdir()
    shutil.move(root / "docs" / "index.md", root / "docs" / "2025" / "index.md")
    err = io.StringIO()
    with redirect_stderr(err):
        main(["--root", str(root), "-q", "update"])
    new = root / "locales" / "be" / "LC_MESSAGES" / "2025" / "index.po"
    assert translations(load_catalog(new)) == translations(load_catalog(old)) != {}  # nothing to translate again
    assert old.read_bytes() == before  # the old catalogue is left as it was: the translator deletes it
    assert "moved: locales/be/LC_MESSAGES/2025/index.po starts from locales/be/LC_MESSAGES/index.po" in err.getvalue()
    err = io.StringIO()
    with redirect_stderr(err):
        main(["--root", str(root), "-q", "update"])
    assert "warning: locales/be/LC_MESSAGES/index.po: no document in docs/ has these translations" in err.getvalue()
    for leftover in sorted((root / "locales").glob("*/LC_MESSAGES/index.po")):
        leftover.unlink()  # the translator checked the new catalogues and deletes the old ones
    for _ in range(2):  # once resolved, nothing more to say (nor to look for)
        err = io.StringIO()
        with redirect_stderr(err):
            assert main(["--root", str(root), "-q", "update"]) == 0
        assert "warning:" not in err.getvalue() and "moved:" not in err.getvalue()
    from tlumach.state import UpdateState

    assert "docs/index.md" not in UpdateState.load(root).stamps


def test_a_new_document_takes_no_translations_when_two_old_places_have_its_name(tmp_path: Path) -> None:
    from tlumach.catalog import load_catalog, translations

    root = copy_project(tmp_path / "project")
    assert main(["--root", str(root), "-q", "update"]) == 0
    catalogues = root / "locales" / "be" / "LC_MESSAGES"
    for folder in ("x", "y"):
        (catalogues / folder).mkdir()
        (catalogues / folder / "report.po").write_bytes((catalogues / "index.po").read_bytes())
    (root / "docs" / "report.md").write_text((root / "docs" / "index.md").read_text(encoding="utf-8"), encoding="utf-8")
    err = io.StringIO()
    with redirect_stderr(err):
        main(["--root", str(root), "-q", "update"])
    assert translations(load_catalog(catalogues / "report.po")) == {}  # which of the two? neither: not guessed
    assert "moved:" not in err.getvalue()
    for folder in ("x", "y"):
        assert f"warning: locales/be/LC_MESSAGES/{folder}/report.po: no document" in err.getvalue()
