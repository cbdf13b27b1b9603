"""The site build's cache (.tlumach/site-*.json): used only for the same content and code, same pages."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr
from pathlib import Path

import pytest

from conftest import REPO
from sitebuild import build_site, copy_project
from tlumach.cli import main
from tlumach.extract import extract_segments
from tlumach.sitecache import leave_segments, segments_cache, translations_cache
from tlumach.state import STATE_DIR

PO_BE = Path("locales/be/LC_MESSAGES/index.po")


def _updated_project(tmp_path: Path) -> Path:
    root = copy_project(tmp_path / "project")
    with redirect_stderr(io.StringIO()):
        assert main(["--root", str(root), "-q", "update"]) == 0
    return root


def _refuse(what: str) -> object:
    def refuse(*args: object, **kwargs: object) -> object:
        raise AssertionError(f"{what} although the cache holds it")

    return refuse


def _plugin() -> object:
    import tlumach.site as site

    plugin = site.TlumachPlugin()
    plugin.load_config({})
    return plugin


def test_an_unchanged_catalogue_is_not_parsed_again_and_a_changed_one_is(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tlumach.site as site

    root = _updated_project(tmp_path)
    first = _plugin()._load_locale("be", root / "locales", render=True)  # type: ignore[attr-defined]
    assert first is not None and first.translations["index"]
    assert (root / STATE_DIR / "site-be.json").is_file()

    parse, read = site.parse_catalog, site.catalog_bytes
    monkeypatch.setattr(site, "parse_catalog", _refuse("parsed again"))
    monkeypatch.setattr(site, "catalog_bytes", _refuse("read again"))  # the update's record vouches for the digest
    again = _plugin()._load_locale("be", root / "locales", render=True)  # type: ignore[attr-defined]
    assert again is not None and again.translations == first.translations
    monkeypatch.setattr(site, "catalog_bytes", read)

    path = root / PO_BE
    text = path.read_text(encoding="utf-8")
    (context, msgid), msgstr = next((k, v) for k, v in first.translations["index"].items() if len(v) > 20)
    assert text.count(msgstr[:20]) >= 1
    edited = text.replace(msgstr[:20], msgstr[:20][::-1], 1)
    path.write_text(edited, encoding="utf-8")
    with pytest.raises(AssertionError, match="parsed again"):
        _plugin()._load_locale("be", root / "locales", render=True)  # type: ignore[attr-defined]
    monkeypatch.setattr(site, "parse_catalog", parse)
    changed = _plugin()._load_locale("be", root / "locales", render=True)  # type: ignore[attr-defined]
    assert changed is not None and changed.translations["index"][(context, msgid)].startswith(msgstr[:20][::-1])


@pytest.mark.parametrize(
    "damage",
    [
        "not json {",
        json.dumps({"version": 1, "fingerprint": "other code", "entries": {}}),
        "[]",
    ],
    ids=["not JSON", "other code", "not an object"],
)
def test_a_damaged_or_foreign_cache_file_is_ignored(tmp_path: Path, damage: str) -> None:
    root = _updated_project(tmp_path)
    expected = _plugin()._load_locale("be", root / "locales", render=True)  # type: ignore[attr-defined]
    (root / STATE_DIR / "site-be.json").write_text(damage, encoding="utf-8")
    got = _plugin()._load_locale("be", root / "locales", render=True)  # type: ignore[attr-defined]
    assert expected is not None and got is not None and got.translations == expected.translations
    stored = json.loads((root / STATE_DIR / "site-be.json").read_text(encoding="utf-8"))
    assert stored["entries"], "the cache was written again from the catalogues"


def test_an_entry_of_the_wrong_shape_is_read_from_the_catalogue_instead(tmp_path: Path) -> None:
    root = _updated_project(tmp_path)
    expected = _plugin()._load_locale("be", root / "locales", render=True)  # type: ignore[attr-defined]
    cache_file = root / STATE_DIR / "site-be.json"
    stored = json.loads(cache_file.read_text(encoding="utf-8"))
    key = PO_BE.as_posix()
    stored["entries"][key][1] = [[None, "msgid", 42]]  # the right digest, a value that is no translation
    cache_file.write_text(json.dumps(stored), encoding="utf-8")
    got = _plugin()._load_locale("be", root / "locales", render=True)  # type: ignore[attr-defined]
    assert expected is not None and got is not None and got.translations == expected.translations


def test_segments_come_back_from_the_cache_as_extracted(tmp_path: Path) -> None:
    text = (REPO / "docs" / "index.md").read_text(encoding="utf-8")
    segments = tuple(extract_segments(text, path="docs/index.md"))
    cache = segments_cache(tmp_path, "code")
    cache.put("index", "digest-1", segments)
    cache.save()
    reread = segments_cache(tmp_path, "code")
    assert reread.get("index", "digest-1") == segments
    assert reread.get("index", "digest-2") is None
    assert segments_cache(tmp_path, "other code").get("index", "digest-1") is None
    assert (tmp_path / STATE_DIR / ".gitignore").is_file()


def test_segments_left_by_updates_are_read_over_the_cache_and_merged_into_it(tmp_path: Path) -> None:
    text = (REPO / "docs" / "index.md").read_text(encoding="utf-8")
    segments = tuple(extract_segments(text, path="docs/index.md"))
    other = tuple(extract_segments("# Other\n\nA paragraph.\n", path="docs/other.md"))
    cache = segments_cache(tmp_path, "code")
    cache.put("index", "old", segments)
    cache.put("other", "o-1", other)
    cache.save()
    kept = (tmp_path / STATE_DIR / "site-documents.json").read_bytes()
    left = tmp_path / STATE_DIR / "site-documents-left"
    leave_segments(tmp_path, "code", "index", "new", segments)
    leave_segments(tmp_path, "code", "news/third", "t-1", other)  # a second update: one more small file
    assert len(list(left.glob("*.json"))) == 2
    assert (tmp_path / STATE_DIR / "site-documents.json").read_bytes() == kept  # not rewritten by an update
    build = segments_cache(tmp_path, "code")
    assert build.get("index", "new") == segments and build.get("index", "old") is None  # the update's is newer
    assert build.get("other", "o-1") == other and build.get("news/third", "t-1") == other
    build.save()
    assert list(left.glob("*.json")) == []
    merged = segments_cache(tmp_path, "code")
    assert merged.get("index", "new") == segments and merged.get("news/third", "t-1") == other
    leave_segments(tmp_path, "other code", "index", "x", segments)  # another tlumach's: not read
    assert segments_cache(tmp_path, "code").get("index", "x") is None


def test_save_keeps_only_what_the_build_used(tmp_path: Path) -> None:
    cache = translations_cache(tmp_path, "be", "code")
    cache.put("a.po", "1", {(None, "A"): "А"})
    cache.put("b.po", "2", {("ctx", "B"): "Б"})
    cache.save()
    later = translations_cache(tmp_path, "be", "code")
    assert later.get("a.po", "1") == {(None, "A"): "А"}
    later.put("c.po", "3", {})
    later.save()
    stored = json.loads((tmp_path / STATE_DIR / "site-be.json").read_text(encoding="utf-8"))
    assert sorted(stored["entries"]) == ["a.po", "c.po"]


def test_the_site_built_from_the_cache_is_the_site_built_without_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _updated_project(tmp_path)
    config = root / "mkdocs.yml"
    cold = build_site(tmp_path / "cold", site_url="http://localhost:8000/", config=config)
    assert cold.returncode == 0, cold.stderr
    cached = sorted(p.name for p in (root / STATE_DIR).glob("site-*.json"))
    assert "site-documents.json" in cached and "site-be.json" in cached
    warm = build_site(tmp_path / "warm", site_url="http://localhost:8000/", config=config)
    assert warm.returncode == 0, warm.stderr
    files = {p.relative_to(tmp_path / "cold").as_posix() for p in (tmp_path / "cold").rglob("*") if p.is_file()}
    assert files == {p.relative_to(tmp_path / "warm").as_posix() for p in (tmp_path / "warm").rglob("*") if p.is_file()}
    differing = [f for f in sorted(files) if (tmp_path / "cold" / f).read_bytes() != (tmp_path / "warm" / f).read_bytes()]
    assert differing == []


def test_a_document_unchanged_since_the_last_build_is_not_extracted_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from types import SimpleNamespace

    import tlumach.site as site

    text = (REPO / "docs" / "index.md").read_text(encoding="utf-8")
    source = SimpleNamespace(src_uri="index.md", content_string=text)
    first = _plugin()
    first.segments = segments_cache(tmp_path, "code")  # type: ignore[attr-defined]
    extracted = first._document(source)  # type: ignore[attr-defined]
    first.segments.save()  # type: ignore[attr-defined]

    monkeypatch.setattr(site, "extract_segments", _refuse("extracted again"))
    second = _plugin()
    second.segments = segments_cache(tmp_path, "code")  # type: ignore[attr-defined]
    assert second._document(source) == extracted  # type: ignore[attr-defined]
    third = _plugin()
    third.segments = segments_cache(tmp_path, "code")  # type: ignore[attr-defined]
    with pytest.raises(AssertionError, match="extracted again"):
        third._document(SimpleNamespace(src_uri="index.md", content_string=text + "\nOne more paragraph.\n"))  # type: ignore[attr-defined]
