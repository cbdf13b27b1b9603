"""Merging templates into catalogues: golden outputs, and the same outcome as GNU msgmerge --previous."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest

from conftest import FIXTURES, assert_golden, run_gettext
from tlumach.catalog import catalog_stats, load_catalog, merge_template, new_catalog, plural_forms, write_if_changed
from tlumach.errors import CatalogError
from tlumach.pofile import generate_po

SCENARIOS = sorted(p for p in (FIXTURES / "merge").iterdir() if p.is_dir())

Outcome = dict[tuple[bool, str | None, str], tuple[str, bool, str | None]]


def outcome(po: polib.POFile) -> Outcome:
    """Per entry: (obsolete, msgctxt, msgid) -> (msgstr, fuzzy, previous msgid)."""
    return {
        (e.obsolete, e.msgctxt, e.msgid): (e.msgstr, "fuzzy" in e.flags, e.previous_msgid) for e in po
    }


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_merge_matches_golden(scenario: Path) -> None:
    merged = merge_template(load_catalog(scenario / "old.po"), load_catalog(scenario / "new.pot"))
    assert_golden(generate_po(merged.catalog), scenario / "expect.po")


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_merge_gives_the_same_outcome_as_gnu_msgmerge(scenario: Path, gettext: None, tmp_path: Path) -> None:
    reference = tmp_path / "msgmerge.po"
    result = run_gettext("msgmerge", "--previous", "--quiet", "-o", reference, scenario / "old.po", scenario / "new.pot")
    assert result.returncode == 0, result.stderr
    ours = merge_template(load_catalog(scenario / "old.po"), load_catalog(scenario / "new.pot")).catalog
    assert outcome(ours) == outcome(load_catalog(reference))


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_merged_catalogue_passes_msgfmt_check_and_msgcat_leaves_it_unchanged(
    scenario: Path, gettext: None, tmp_path: Path
) -> None:
    merged = merge_template(load_catalog(scenario / "old.po"), load_catalog(scenario / "new.pot")).catalog
    path = tmp_path / "be.po"
    path.write_text(generate_po(merged), encoding="utf-8")
    checked = run_gettext("msgfmt", "-c", "-o", tmp_path / "be.mo", path)
    assert checked.returncode == 0, checked.stderr
    assert run_gettext("msgcat", path).stdout == path.read_text(encoding="utf-8")


def test_update_keeps_translation_of_changed_paragraph_as_fuzzy_with_previous_msgid() -> None:
    scenario = FIXTURES / "merge" / "edit"
    result = merge_template(load_catalog(scenario / "old.po"), load_catalog(scenario / "new.pot"))
    entry = result.catalog.find("The three were arrested on 14 July 2021 in Minsk, Belarus.")
    assert entry is not None
    assert entry.msgstr == "Трое былі арыштаваныя 14 ліпеня 2021 года ў Мінску."
    assert entry.flags == ["fuzzy"]
    assert entry.previous_msgid == "The three were arrested on 14 July 2021 in Minsk."
    assert entry.tcomment == "Checked against Viasna's own site."
    assert (result.kept, result.fuzzy, result.added, result.obsoleted) == (1, 1, 0, 0)


def test_removed_translated_string_becomes_obsolete_and_untranslated_one_is_dropped() -> None:
    scenario = FIXTURES / "merge" / "delete"
    result = merge_template(load_catalog(scenario / "old.po"), load_catalog(scenario / "new.pot"))
    obsolete = [e for e in result.catalog if e.obsolete]
    assert [(e.msgid, e.msgstr) for e in obsolete] == [
        ("Whilst in prison, he was forcibly disappeared in 2021.", "У зняволенні ён стаў ахвярай гвалтоўнага знікнення ў 2021 годзе.")
    ]
    assert result.dropped_untranslated == 1


def test_obsolete_string_that_comes_back_is_revived_with_its_translation() -> None:
    scenario = FIXTURES / "merge" / "restore"
    result = merge_template(load_catalog(scenario / "old.po"), load_catalog(scenario / "new.pot"))
    entry = result.catalog.find("Whilst in prison, he was forcibly disappeared in 2021.")
    assert entry is not None and not entry.obsolete and not entry.fuzzy
    assert entry.msgstr.startswith("У зняволенні")
    assert result.revived == 1 and not any(e.obsolete for e in result.catalog)


def test_long_paragraph_edit_is_matched_as_fuzzy() -> None:
    words = [f"word{i % 997} " + ("Belarus" if i % 13 == 0 else "rights") for i in range(12000)]
    old_text = " ".join(words) + "."
    assert len(old_text) > 100_000
    new_text = old_text.replace("word500 ", "word500 edited ", 1)
    old = polib.POFile()
    old.append(polib.POEntry(msgid=old_text, msgstr="ПЕРАКЛАД"))
    pot = polib.POFile()
    pot.append(polib.POEntry(msgid=new_text, msgstr=""))
    entry = merge_template(old, pot).catalog[0]
    assert entry.msgstr == "ПЕРАКЛАД" and entry.fuzzy and entry.previous_msgid == old_text


def test_merge_refuses_to_lose_a_translation_from_a_conflicting_obsolete_duplicate() -> None:
    old = polib.POFile()
    old.append(polib.POEntry(msgid="Same", msgstr="Адно"))
    old.append(polib.POEntry(msgid="Same", msgstr="Іншае", obsolete=True))
    pot = polib.POFile()
    pot.append(polib.POEntry(msgid="Same", msgstr=""))
    with pytest.raises(CatalogError, match="lose 1 translation"):
        merge_template(old, pot)


def test_fuzzy_is_never_counted_as_translated() -> None:
    scenario = FIXTURES / "merge" / "comments"
    stats = catalog_stats(load_catalog(scenario / "old.po"))
    assert (stats.translated, stats.fuzzy, stats.untranslated, stats.obsolete) == (1, 1, 0, 0)
    assert stats.percent == 50.0


def test_new_catalogue_has_babel_plural_forms_and_language() -> None:
    pot = load_catalog(FIXTURES / "merge" / "edit" / "new.pot")
    po = new_catalog(pot, "be", revision_date="2025-07-14 00:00+0000", translator="T <t@example.org>")
    assert po.metadata["Language"] == "be"
    assert po.metadata["Plural-Forms"] == plural_forms("be")
    assert po.metadata["Plural-Forms"].startswith("nplurals=3;")
    assert plural_forms("ar").startswith("nplurals=6;")
    assert all(e.msgstr == "" for e in po)


def test_write_if_changed_writes_once_and_leaves_no_temp_files(tmp_path: Path) -> None:
    path = tmp_path / "x.po"
    assert write_if_changed(path, "a\n") is True
    mtime = path.stat().st_mtime_ns
    assert write_if_changed(path, "a\n") is False
    assert path.stat().st_mtime_ns == mtime
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.po"]


def test_long_paragraph_edit_gives_the_same_outcome_as_gnu_msgmerge(gettext: None, tmp_path: Path) -> None:
    words = [f"word{i % 997} " + ("Belarus" if i % 13 == 0 else "rights") for i in range(12000)]
    old_text = " ".join(words) + "."
    old = polib.POFile()
    old.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    old.append(polib.POEntry(msgid=old_text, msgstr="ПЕРАКЛАД"))
    old.append(polib.POEntry(msgid="A short paragraph that stays.", msgstr="Кароткі абзац."))
    pot = polib.POFile()
    pot.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    pot.append(polib.POEntry(msgid=old_text.replace("word500 ", "word500 edited ", 1), msgstr=""))
    pot.append(polib.POEntry(msgid="A short paragraph that stays.", msgstr=""))
    (tmp_path / "old.po").write_text(generate_po(old), encoding="utf-8")
    (tmp_path / "new.pot").write_text(generate_po(pot), encoding="utf-8")
    result = run_gettext("msgmerge", "--previous", "--quiet", "-o", tmp_path / "ref.po", tmp_path / "old.po", tmp_path / "new.pot")
    assert result.returncode == 0, result.stderr
    ours = merge_template(load_catalog(tmp_path / "old.po"), load_catalog(tmp_path / "new.pot")).catalog
    assert outcome(ours) == outcome(load_catalog(tmp_path / "ref.po"))
