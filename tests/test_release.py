"""The release: contents, checksums, reproducibility, refusal on stale or broken catalogues,
and the reader's side in a real browser (negotiation, remembered choice, search, 404, offline)."""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import REPO
from sitebuild import copy_project, free_port, serve
from tlumach.cli import main
from tlumach.errors import PublishError
from tlumach.project import Project
from tlumach.release import ensure_publishable

PORT = free_port()
SITE_URL = f"http://127.0.0.1:{PORT}/"


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    assert main(["--root", str(REPO), "-q", "release", "--out", str(out), "--site-url", SITE_URL]) == 0
    (directory,) = [p for p in out.iterdir() if p.is_dir()]
    return directory


def test_release_holds_site_offline_mo_stats_notes_and_checksums(released: Path) -> None:
    for name in ("site/index.html", "offline/index.html", "stats.json", "RELEASE-NOTES.md", "SHA256SUMS",
                 "locales/be/LC_MESSAGES/index.mo", "locales/ru/LC_MESSAGES/index.mo"):
        assert (released / name).is_file(), name
    for line in (released / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ", 1)
        assert hashlib.sha256((released / name).read_bytes()).hexdigest() == digest
    listed = {line.split("  ", 1)[1] for line in (released / "SHA256SUMS").read_text(encoding="utf-8").splitlines()}
    every = {p.relative_to(released).as_posix() for p in released.rglob("*") if p.is_file()} - {"SHA256SUMS"}
    assert listed == every


def test_release_stats_match_tlumach_stats(released: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    main(["--root", str(REPO), "stats", "--json"])
    expected = json.loads(capsys.readouterr().out)
    stats = json.loads((released / "stats.json").read_text(encoding="utf-8"))
    assert stats["locales"] == sorted(expected, key=lambda r: (r["locale"], r["document"]))
    notes = (released / "RELEASE-NOTES.md").read_text(encoding="utf-8")
    for locale in stats["published"]:
        assert f"| {locale} |" in notes
    for locale in stats["held_back"]:
        assert f"`{locale}`" in notes


def test_release_is_reproducible(released: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    assert main(["--root", str(REPO), "-q", "release", "--out", str(again), "--site-url", SITE_URL]) == 0
    first = released.parent / f"{released.name}.zip"
    second = again / f"{released.name}.zip"
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(second) as archive:
        assert all(info.date_time == archive.infolist()[0].date_time for info in archive.infolist())


def test_release_refuses_stale_catalogues(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    source = project / "docs" / "index.md"
    source.write_text(source.read_text(encoding="utf-8") + "\nA new paragraph.\n", encoding="utf-8")
    with pytest.raises(PublishError, match=r"catalogues are stale \(locales/index.pot"):
        ensure_publishable(Project(project), Project(project).locale_codes())


def test_release_refuses_catalogues_with_check_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = copy_project(tmp_path)
    po = project / "locales" / "ru" / "LC_MESSAGES" / "index.po"
    text = po.read_text(encoding="utf-8")
    assert "14 июля 2025 года" in text
    po.write_text(text.replace("14 июля 2025 года", "14 июля 2052 года"), encoding="utf-8")
    assert main(["--root", str(project), "-q", "release", "--out", str(tmp_path / "dist")]) == 1
    err = capsys.readouterr().err
    assert "check error(s)" in err and "locales/ru/LC_MESSAGES/index.po:" in err
    assert not (tmp_path / "dist").exists()


# ---------------------------------------------------------------- the reader, in Chromium




@pytest.fixture(scope="module")
def hosted(released: Path) -> Iterator[str]:
    with serve(released / "site", PORT) as base:
        yield base


def _visit(browser: object, requests: list[str], **options: object) -> object:
    context = browser.new_context(**options)  # type: ignore[attr-defined]
    context.on("request", lambda request: requests.append(request.url))
    return context


@pytest.mark.parametrize(("accept", "expected"), [("be-BY", "be/"), ("ru-RU", "ru/"), ("de-DE", "de/"), ("ja-JP", "")])
def test_root_sends_the_reader_to_the_best_published_language(
    browser: object, hosted: str, accept: str, expected: str
) -> None:
    requests: list[str] = []
    context = _visit(browser, requests, locale=accept)
    tab = context.new_page()
    tab.goto(hosted)
    tab.wait_for_url(f"{hosted}{expected}")
    tab.wait_for_load_state("load")
    assert tab.url == f"{hosted}{expected}"
    assert tab.locator("html").get_attribute("lang") == (expected.rstrip("/") or "en")
    context.close()
    assert all(url.startswith(hosted) for url in requests), requests


def test_an_explicit_choice_is_remembered_over_the_browser_language(browser: object, hosted: str) -> None:
    requests: list[str] = []
    context = _visit(browser, requests, locale="be-BY")
    tab = context.new_page()
    tab.goto(hosted)
    tab.wait_for_url(f"{hosted}be/")
    tab.locator('a.tlumach-language[hreflang="uk"]').click()
    tab.wait_for_url(f"{hosted}uk/")
    tab.goto(hosted)
    tab.wait_for_url(f"{hosted}uk/")
    assert tab.locator("html").get_attribute("lang") == "uk"
    context.close()
    assert all(url.startswith(hosted) for url in requests)


def test_without_javascript_every_language_is_a_plain_link(browser: object, hosted: str) -> None:
    context = browser.new_context(java_script_enabled=False, locale="be-BY")  # type: ignore[attr-defined]
    tab = context.new_page()
    tab.goto(hosted)
    assert tab.url == hosted
    langs = tab.locator("a.tlumach-language").evaluate_all("links => links.map(a => a.hreflang)")
    assert {"en", "be", "be-Latn", "ru", "uk", "pl", "lt", "de", "fr", "es", "ar"} <= set(langs)
    context.close()


def test_search_on_a_belarusian_page_finds_belarusian_pages_only(browser: object, hosted: str) -> None:
    from playwright.sync_api import TimeoutError as NoResultsYet

    requests: list[str] = []
    context = _visit(browser, requests, locale="en-GB")
    tab = context.new_page()
    results = tab.locator(".md-search-result__item a")
    # Material's search worker reports "ready" on a plain Subject: on localhost, with a tiny index,
    # it can do so before the search components subscribe, and that page load never answers a
    # query (measured here: about half of the loads, with byte-identical sites before and after
    # this project's changes; a race inside Material, not in what tlumach writes). A reader
    # reloads; so does the test, up to eight times (the chance that all fail is below 0.5%).
    for _attempt in range(8):
        requests.clear()
        tab.goto(f"{hosted}be/")
        tab.wait_for_load_state("networkidle")
        # typed key by key as a reader does: Material reads the query on keyup
        tab.locator("input.md-search__input").press_sequentially("Бяляцкі")
        try:
            results.first.wait_for(timeout=5_000)
            break
        except NoResultsYet:
            continue
    hrefs = results.evaluate_all("links => links.map(a => a.href)")
    assert hrefs and all(href.startswith(f"{hosted}be/") for href in hrefs), hrefs
    index_requests = [url for url in requests if url.endswith("search_index.json")]
    assert index_requests == [f"{hosted}be/search/search_index.json"]
    context.close()


@pytest.mark.parametrize(("locale", "text"), [("be", "Старонка не знойдзена"), ("ru", "Страница не найдена"), ("", "Page not found")])
def test_missing_page_shows_the_404_in_the_locale(browser: object, hosted: str, locale: str, text: str) -> None:
    context = browser.new_context()  # type: ignore[attr-defined]
    tab = context.new_page()
    response = tab.goto(f"{hosted}{locale + '/' if locale else ''}no-such-page/")
    assert response is not None and response.status == 404
    assert text in tab.locator("h1").inner_text()
    context.close()


def test_offline_edition_works_from_file_urls_with_language_switching(browser: object, released: Path) -> None:
    requests: list[str] = []
    context = _visit(browser, requests, locale="en-GB")
    tab = context.new_page()
    start = (released / "offline" / "index.html").as_uri()
    tab.goto(start)
    tab.locator('a.tlumach-language[hreflang="be"]').click()
    tab.wait_for_url("**/offline/be/index.html")
    assert tab.locator("html").get_attribute("lang") == "be"
    assert "Бяляцк" in tab.locator("article h1").inner_text()
    styles = tab.evaluate("() => getComputedStyle(document.querySelector('.md-header')).position")
    assert styles in ("sticky", "fixed"), "Material's stylesheet loaded from the archive"
    tab.locator('a.tlumach-language[hreflang="ru"]').click()
    tab.wait_for_url("**/offline/ru/index.html")
    context.close()
    assert requests and all(url.startswith("file://") for url in requests), [u for u in requests if not u.startswith("file://")]
