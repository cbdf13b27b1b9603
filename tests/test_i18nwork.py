"""tlumach.i18nwork: mkdocs-static-i18n's alternates with fewer files made, and its combined search index spared."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from mkdocs.config import load_config
from mkdocs.structure.files import File, get_files
from mkdocs_static_i18n import suffix

from tlumach.i18nwork import file_locale, quicker_alternates, spare_combined_index

LANGUAGES = ("en", "be", "be-Latn", "ru", "pt_BR")

#: Names of every kind the suffix structure meets: localised or not, a language not configured
#: (de) and suffixes that are no language, README and index pages, dotted and nested names, assets.
NAMES = (
    "index.md", "index.be.md", "index.ru.md", "README.md", "README.be-Latn.md", "about/README.md",
    "about/README.ru.md", "about/index.pt_BR.md", "report.md", "report.be.md", "report.be-Latn.md",
    "report.de.md", "report.pt_BR.md", "v1.2.md", "v1.2.be.md", "notes.final.md", "notes.final.ru.md",
    "a/b/deep.md", "a/b/deep.be.md", "only-russian.ru.md", "only-default.md", "x.en.md", "img/map.png",
    "img/map.be.png", "file.tar.gz", "trailing..md", "trailing..be.md", "UPPER.EN.md",
)


def _project(root: Path, *, fallback: bool, directory_urls: bool) -> Path:
    for name in NAMES:
        (root / "docs" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "docs" / name).write_text("# x\n", encoding="utf-8")
    languages = "".join(
        f"        - locale: {loc}\n          name: {loc}\n" + ("          default: true\n" if loc == "en" else "")
        for loc in LANGUAGES
    )
    (root / "mkdocs.yml").write_text(
        f"site_name: x\nsite_url: http://localhost/\nuse_directory_urls: {str(directory_urls).lower()}\n"
        f"plugins:\n  - i18n:\n      docs_structure: suffix\n      fallback_to_default: {str(fallback).lower()}\n"
        f"      languages:\n{languages}",
        encoding="utf-8",
    )
    return root / "mkdocs.yml"


def _alternates(config_file: Path, *, wrapped: bool) -> dict[tuple[str, str], list[tuple[Any, ...]]]:
    """Every page's alternates, in a build of each language (as mkdocs-static-i18n's on_files makes them)."""
    config = load_config(config_file=str(config_file))
    i18n = config.plugins["i18n"]
    if wrapped:
        assert quicker_alternates(i18n) is True
    files = get_files(config)
    found = {}
    for language in LANGUAGES:
        i18n.current_language = language
        for page in i18n.reconfigure_files(files, config):
            found[(language, page.src_uri)] = sorted(
                (lang, alt.src_uri, alt.url, alt.dest_path, alt.abs_dest_path, alt.locale, alt.localization,
                 alt.locale_alternate_of, alt.name)
                for lang, alt in getattr(page, "alternates", {}).items()
            )
    return found


def test_a_files_locale_is_the_one_mkdocs_static_i18n_gives_it(tmp_path: Path) -> None:
    config = load_config(config_file=str(_project(tmp_path, fallback=False, directory_urls=True)))
    for name in NAMES:
        file = File(name, config.docs_dir, config.site_dir, True)
        for current in LANGUAGES:
            made = suffix.create_i18n_file(file, current, "en", list(LANGUAGES), config)
            assert file_locale(file.src_uri, "en", list(LANGUAGES)) == made.locale, (name, current)


@pytest.mark.parametrize("fallback", [False, True])
@pytest.mark.parametrize("directory_urls", [True, False])
def test_every_pages_alternates_are_the_same_wrapped(tmp_path: Path, fallback: bool, directory_urls: bool) -> None:
    config_file = _project(tmp_path, fallback=fallback, directory_urls=directory_urls)
    plain, quick = _alternates(config_file, wrapped=False), _alternates(config_file, wrapped=True)
    assert quick == plain
    # The comparison is not empty: localised pages have their versions in other languages.
    assert len(plain[("be", "report.be.md")]) >= 3


def test_fewer_files_are_made_for_the_same_alternates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config_file = _project(tmp_path, fallback=False, directory_urls=True)
    made: list[str] = []
    original = suffix.create_i18n_file

    def counted(file: File, *args: Any) -> File:
        made.append(file.src_uri)
        return original(file, *args)

    monkeypatch.setattr(suffix, "create_i18n_file", counted)
    _alternates(config_file, wrapped=False)
    plain = len(made)
    made.clear()
    _alternates(config_file, wrapped=True)
    assert len(made) < plain


def test_the_folder_structure_is_left_as_it_is(tmp_path: Path) -> None:
    (tmp_path / "docs" / "en").mkdir(parents=True)
    (tmp_path / "docs" / "en" / "index.md").write_text("# x\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: x\nplugins:\n  - i18n:\n      docs_structure: folder\n      languages:\n"
        "        - locale: en\n          name: en\n          default: true\n",
        encoding="utf-8",
    )
    i18n = load_config(config_file=str(tmp_path / "mkdocs.yml")).plugins["i18n"]
    assert quicker_alternates(i18n) is False
    assert "reconfigure_files_alternates" not in vars(i18n)


class _Plugin:
    """Stands in for mkdocs-static-i18n's plugin: records each combined index it writes."""

    def __init__(self) -> None:
        self.written: list[str] = []

    def reconfigure_search_index(self, config: str) -> None:
        self.written.append(config)


def test_the_combined_index_is_written_only_when_nothing_replaces_it() -> None:
    plugin, replaced = _Plugin(), {"yes": True, "no": False}
    assert spare_combined_index(plugin, lambda config: replaced[config]) is True
    plugin.reconfigure_search_index("yes")
    plugin.reconfigure_search_index("no")
    assert plugin.written == ["no"]
    assert spare_combined_index(plugin, lambda config: False) is True  # wrapped once, not twice
    plugin.reconfigure_search_index("yes")
    assert plugin.written == ["no"]


def test_a_plugin_without_a_combined_index_step_is_left_alone() -> None:
    assert spare_combined_index(object(), lambda config: True) is False


def test_the_real_plugin_has_the_step_that_is_wrapped(tmp_path: Path) -> None:
    i18n = load_config(config_file=str(_project(tmp_path, fallback=False, directory_urls=True))).plugins["i18n"]
    assert spare_combined_index(i18n, lambda config: True) is True
    assert "reconfigure_search_index" in vars(i18n)
