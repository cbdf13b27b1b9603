"""A new language and a new document, each from scratch: one command plus the mkdocs.yml line."""

from __future__ import annotations

from pathlib import Path

from conftest import REPO
from sitebuild import build_site, copy_project
from tlumach.cli import main


def test_new_language_and_new_document_reach_the_site(tmp_path: Path) -> None:
    copy_project(tmp_path)
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    root = ["--root", str(tmp_path), "-q"]

    # a new language: one command, plus its line in mkdocs.yml
    assert main([*root, "init", "it"]) == 0
    config = config.replace("        - locale: ar\n", "        - locale: it\n          name: Italiano\n        - locale: ar\n")
    (tmp_path / "mkdocs.yml").write_text(config, encoding="utf-8")

    # a new document: one file, plus one command
    (tmp_path / "docs" / "update.md").write_text(
        "---\ntitle: \"Update\"\n---\n\n# Update\n\nViasna has documented new arrests.\n", encoding="utf-8"
    )
    assert main([*root, "update"]) == 0
    for locale in ("be", "ru", "it"):
        assert (tmp_path / "locales" / locale / "LC_MESSAGES" / "update.po").is_file()
    po = tmp_path / "locales" / "it" / "LC_MESSAGES" / "update.po"
    po.write_text(po.read_text(encoding="utf-8").replace(
        'msgid "Viasna has documented new arrests."\nmsgstr ""',
        'msgid "Viasna has documented new arrests."\nmsgstr "Viasna ha documentato nuovi arresti."'), encoding="utf-8")

    result = build_site(tmp_path / "site", site_url="http://127.0.0.1:9/", config=tmp_path / "mkdocs.yml",
                        extra_env={"TLUMACH_THRESHOLD": "0"})
    assert result.returncode == 0, result.stdout + result.stderr
    page = (tmp_path / "site" / "it" / "update" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="it"' in page and "Viasna ha documentato nuovi arresti." in page
    assert (tmp_path / "site" / "be" / "update" / "index.html").is_file()
