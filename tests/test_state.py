"""The update state (.tlumach/): an update that skips what did not change gives exactly what a full one gives."""

from __future__ import annotations

import io
import os
import re
import shutil
from collections.abc import Callable
from contextlib import redirect_stderr
from pathlib import Path

import pytest

from sitebuild import copy_project, restored_clone
from tlumach.cli import main
from tlumach.update import plan_update
from tlumach.project import Project
from tlumach.state import STATE_DIR, UpdateState

PO_BE = Path("locales/be/LC_MESSAGES/index.po")


def _tree(root: Path) -> dict[str, bytes]:
    """Every file of docs/ and locales/ by relative path."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for top in ("docs", "locales")
        for p in sorted((root / top).rglob("*"))
        if p.is_file()
    }


def _update(root: Path, *extra: str) -> tuple[int, str]:
    err = io.StringIO()
    with redirect_stderr(err):
        status = main(["--root", str(root), "-q", "update", *extra])
    return status, err.getvalue()


def _edit_document(root: Path) -> None:
    path = root / "docs" / "index.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Viasna", "the Viasna centre", 1), encoding="utf-8")


def _break_a_translation(root: Path) -> None:
    path = root / PO_BE
    text, count = re.subn(r'^msgstr "(?=[^"])', 'msgstr "<script>alert(1)</script>', path.read_text(encoding="utf-8"), 1, re.M)
    assert count == 1
    path.write_text(text, encoding="utf-8")


def _edit_description(root: Path) -> None:
    """An edit above the broken translation: the description turns fuzzy and every later line moves."""
    path = root / "docs" / "index.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Amnesty International marks", "Amnesty International notes", 1), encoding="utf-8")


def _edit_glossary(root: Path) -> None:
    with (root / "locales" / "ru" / "glossary.csv").open("a", encoding="utf-8") as handle:
        handle.write("four years,четыре года,test term\n")


def _new_document(root: Path) -> None:
    (root / "docs" / "update.md").write_text("# Update\n\nViasna has documented new arrests.\n", encoding="utf-8")


def _delete_catalogue(root: Path) -> None:
    (root / "locales" / "uk" / "LC_MESSAGES" / "index.po").unlink()


def _opt_out(root: Path) -> None:
    (root / "docs" / "update.md").write_text("---\ntranslate: false\n---\n\n# Update\n", encoding="utf-8")


def _edit_template(root: Path) -> None:
    path = root / "locales" / "index.pot"
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")


def _edit_derived(root: Path) -> None:
    path = root / "locales" / "be@latin" / "LC_MESSAGES" / "index.po"
    path.write_text(path.read_text(encoding="utf-8").replace("Ales", "Alies", 1), encoding="utf-8")


def _recorded(root: Path, like: Path | None = None) -> tuple[object, ...]:
    """What the state holds of each file, less the clock: content, writer, findings, counts.

    With ``like``, only of the files the state of ``like`` holds; any other record must still be
    true of its file (a catalogue of a document now opted out stays on disk, and so may its record).
    """
    state = UpdateState.load(root)
    assert state.stamps
    keys = set(UpdateState.load(like).stamps) if like else set(state.stamps)
    assert all(state.unchanged_key(k) for k in set(state.stamps) - keys)
    return (
        {k: (s.size, s.digest, s.written) for k, s in state.stamps.items() if k in keys},
        {k: v for k, v in state.findings.items() if k in keys},
        {k: v for k, v in state.summaries.items() if k in keys},
        state.opted_out,
    )


CHANGES: list[tuple[str, Callable[[Path], None]]] = [
    ("nothing", lambda root: None),
    ("a paragraph of the document", _edit_document),
    ("a translation (now an error)", _break_a_translation),
    ("nothing after an error", lambda root: None),
    ("a line above the error", _edit_description),
    ("a glossary", _edit_glossary),
    ("a new document", _new_document),
    ("a deleted catalogue", _delete_catalogue),
    ("a document opted out", _opt_out),
    ("a hand-edited template", _edit_template),
    ("a hand-edited derived catalogue", _edit_derived),
]


def test_skipping_update_gives_what_a_full_update_gives_after_each_kind_of_change(tmp_path: Path) -> None:
    incremental = copy_project(tmp_path / "incremental")
    assert _update(incremental)[0] == 0
    for what, change in CHANGES:
        change(incremental)
        full = tmp_path / "full"
        shutil.rmtree(full, ignore_errors=True)
        shutil.copytree(incremental, full)
        shutil.rmtree(full / STATE_DIR)
        expected = _update(full, "--full")
        assert _update(incremental) == expected, what
        assert _tree(incremental) == _tree(full), what
        assert _recorded(incremental, like=full) == _recorded(full), what
        # and again: nothing changed since, so the same result from the state alone
        assert _update(incremental) == expected, what
        assert _tree(incremental) == _tree(full), what


def test_no_change_update_reads_no_catalogue(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_project(tmp_path)
    assert _update(root)[0] == 0
    project = Project(root)
    reads: list[Path] = []
    import tlumach.merging as pipeline

    original_load, original_read = pipeline.load_catalog, pipeline._read
    monkeypatch.setattr(pipeline, "load_catalog", lambda path: reads.append(path) or original_load(path))
    monkeypatch.setattr(pipeline, "_read", lambda path: reads.append(path) or original_read(path))
    plan = plan_update(project, project.locale_codes(), now="2026-01-01 00:00+0000", state=UpdateState.load(root))
    assert reads == [] and plan.writes == () and plan.updates == ()
    assert len(plan.skipped) == len(project.locale_codes())  # one document in every locale

    _edit_document(root)
    plan = plan_update(project, project.locale_codes(), now="2026-01-01 00:00+0000", state=UpdateState.load(root))
    assert {item.domain for item in plan.updates} == {"index"} and not plan.skipped


def test_same_size_edit_within_the_clock_tick_is_caught_by_the_digest(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    path = root / PO_BE
    os.utime(path)  # as if a translator had saved it just now
    assert _update(root)[0] == 0
    stat = path.stat()
    text = path.read_text(encoding="utf-8")
    swapped = text.replace("Вясна", "Вясну", 1)
    assert swapped != text and len(swapped.encode()) == stat.st_size
    path.write_text(swapped, encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same size, same mtime: only the content differs
    state = UpdateState.load(root)
    assert state.recorded_ns - stat.st_mtime_ns < 10**9  # saved just before the state was recorded
    assert not state.unchanged(path)


def test_state_from_other_code_or_a_damaged_file_trusts_nothing(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    assert _update(root)[0] == 0
    state_file = root / STATE_DIR / "update-state.json"
    assert UpdateState.load(root).stamps
    state_file.write_text(state_file.read_text(encoding="utf-8").replace('"fingerprint":"', '"fingerprint":"x'), encoding="utf-8")
    assert not UpdateState.load(root).stamps
    state_file.write_text("{not json", encoding="utf-8")
    assert not UpdateState.load(root).stamps
    assert _update(root)[0] == 0 and UpdateState.load(root).stamps


def test_site_build_reuses_the_findings_the_update_recorded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tlumach.site as site

    root = copy_project(tmp_path)
    _break_a_translation(root)
    assert _update(root)[0] == 1
    plugin = site.TlumachPlugin()
    plugin.load_config({})
    shutil.move(root / STATE_DIR, tmp_path / "kept-state")
    state = plugin._load_locale("be", root / "locales", render=True)
    assert state is not None and state.errors and all("index.po" in e for e in state.errors)
    expected = state.errors

    shutil.rmtree(root / STATE_DIR)  # the site cache the build without state wrote
    shutil.move(tmp_path / "kept-state", root / STATE_DIR)
    plugin.state = None

    def not_again(*args: object, **kwargs: object) -> list[object]:
        raise AssertionError("checked again although the update recorded its findings")

    monkeypatch.setattr(site, "check_catalog", not_again)
    replayed = plugin._load_locale("be", root / "locales", render=True)
    assert replayed is not None and replayed.errors == expected

    path = root / PO_BE
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # changed since the update
    plugin.state = None
    with pytest.raises(AssertionError, match="checked again"):
        plugin._load_locale("be", root / "locales", render=True)


def test_site_share_reads_no_catalogue_of_a_locale_it_does_not_render(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tlumach.site as site

    root = copy_project(tmp_path)
    assert _update(root)[0] == 0
    plugin = site.TlumachPlugin()
    plugin.load_config({})
    rendered = plugin._load_locale("ru", root / "locales", render=True)
    monkeypatch.setattr(site, "catalog_bytes", lambda path: (_ for _ in ()).throw(AssertionError(f"read {path}")))
    counted = plugin._load_locale("ru", root / "locales", render=False)
    assert rendered is not None and counted is not None
    assert (counted.percent, counted.counts, counted.errors, counted.machine_assisted) == (
        rendered.percent, rendered.counts, rendered.errors, rendered.machine_assisted)
    assert counted.translations == {} and not counted.built


def test_a_derived_catalogue_written_but_not_checked_keeps_no_findings_of_its_old_content(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "root")
    derived = "locales/be@latin/LC_MESSAGES/index.po"
    assert _update(root)[0] == 0 and derived in UpdateState.load(root).findings
    _break_a_translation(root)  # in be: be@latin is transliterated from it, and so broken too
    status, _ = _update(root, "be")  # be@latin is rewritten, but not asked for, so not checked
    assert status == 1
    state = UpdateState.load(root)
    assert derived in state.stamps and derived not in state.findings and derived not in state.summaries
    full = tmp_path / "full"
    shutil.copytree(root, full)
    shutil.rmtree(full / STATE_DIR)
    expected = _update(full, "--full")
    assert expected[0] == 1 and derived in expected[1]
    assert _update(root) == expected  # the derived catalogue's errors are found, not replayed as none
    assert _recorded(root, like=full) == _recorded(full)


def test_a_clone_with_the_record_restored_redoes_nothing_and_renews_its_stamps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A CI cache restores .tlumach/ into a fresh clone: the same bytes, every file at a new time."""
    root = copy_project(tmp_path / "first")
    _break_a_translation(root)  # a recorded error, which the clone must report as a full update does
    expected = _update(root)
    assert expected[0] != 0 and "<script>" in expected[1]
    clone = restored_clone(root, tmp_path / "clone")
    project = Project(clone)
    reads: list[Path] = []
    import tlumach.merging as pipeline

    original_load, original_read = pipeline.load_catalog, pipeline._read
    monkeypatch.setattr(pipeline, "load_catalog", lambda path: reads.append(path) or original_load(path))
    monkeypatch.setattr(pipeline, "_read", lambda path: reads.append(path) or original_read(path))
    state = UpdateState.load(clone)
    plan = plan_update(project, project.locale_codes(), now="2026-01-01 00:00+0000", state=state)
    assert reads == [] and plan.writes == () and plan.updates == ()  # the content matched: nothing redone
    assert len(plan.skipped) == len(project.locale_codes())
    assert state.refreshed

    assert _update(clone) == expected  # the recorded error, from the record
    renewed = UpdateState.load(clone)
    catalogues = sorted((clone / "locales").rglob("*.po"))
    assert catalogues and all(renewed.stamps[renewed.key(p)].mtime_ns == p.stat().st_mtime_ns for p in catalogues)

    path = clone / PO_BE  # the same size at another time, other content: the content decides
    text = path.read_text(encoding="utf-8")
    swapped = text.replace("Вясна", "Вясну", 1)
    assert swapped != text and len(swapped.encode()) == len(text.encode())
    path.write_text(swapped, encoding="utf-8")
    assert not UpdateState.load(clone).unchanged(path)


def test_a_file_saved_again_unchanged_just_now_is_compared_by_content_but_not_restamped(tmp_path: Path) -> None:
    """Within a clock tick of now the file could still change at the same time: its stamp waits."""
    root = copy_project(tmp_path)
    assert _update(root)[0] == 0
    path = root / PO_BE
    path.write_bytes(path.read_bytes())  # saved again as it was: a new time, the same bytes
    state = UpdateState.load(root)
    recorded = state.stamps[state.key(path)]
    assert path.stat().st_mtime_ns != recorded.mtime_ns
    assert state.unchanged(path) and not state.refreshed
    assert state.stamps[state.key(path)] == recorded
    old = path.stat().st_mtime_ns - 5 * 10**9
    os.utime(path, ns=(old, old))  # the same save, seconds ago: the stamp takes its time
    assert state.unchanged(path) and state.refreshed
    assert state.stamps[state.key(path)].mtime_ns == old
