"""The built multilingual site: HTML facts, then a real browser switching languages on localhost."""

from __future__ import annotations

import json
import random
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from sitebuild import build_site, copy_project, free_port, serve
from tlumach.cli import main
from tlumach.ui import search_languages

PORT = free_port()
SITE_URL = f"http://127.0.0.1:{PORT}/"
LOCALES = ["be", "be-Latn", "ru", "uk", "pl", "lt", "de", "fr", "es", "ar"]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site_dir = tmp_path_factory.mktemp("site")
    result = build_site(site_dir, site_url=SITE_URL)
    assert result.returncode == 0, result.stdout + result.stderr
    return site_dir


def page(site: Path, locale: str) -> str:
    path = site / "index.html" if locale == "en" else site / locale / "index.html"
    return path.read_text(encoding="utf-8")


def test_every_locale_is_built_with_lang_and_direction(site: Path) -> None:
    for locale in ["en", *LOCALES]:
        direction = "rtl" if locale == "ar" else "ltr"
        assert f'<html lang="{locale}" dir="{direction}"' in page(site, locale)


def test_hreflang_alternates_are_absolute_with_x_default(site: Path) -> None:
    for locale in ["en", *LOCALES]:
        head = page(site, locale).split("</head>")[0]
        links = dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', head))
        assert links["x-default"] == SITE_URL
        assert links["en"] == SITE_URL
        for other in LOCALES:
            assert links[other] == f"{SITE_URL}{other}/"


def test_sitemap_lists_every_page_with_alternates_and_x_default(site: Path) -> None:
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    root = ET.parse(site / "sitemap.xml").getroot()
    urls = {u.find("s:loc", ns).text: u for u in root.findall("s:url", ns)}  # type: ignore[union-attr]
    statement = {SITE_URL, *(f"{SITE_URL}{loc}/" for loc in LOCALES)}
    assert set(urls) == statement | {f"{SITE_URL}translation-progress/"}
    for url, entry in urls.items():
        langs = {link.get("hreflang") for link in entry.findall("x:link", ns)}
        assert langs == ({"en", "x-default", *LOCALES} if url in statement else {"en", "x-default"})


def test_date_is_formatted_per_locale_by_babel(site: Path) -> None:
    expected = {
        "en": "14 July 2025", "be": "14 ліпеня 2025\u202fг.", "ru": "14 июля 2025\u202fг.", "de": "14. Juli 2025",
        "be-Latn": "14 lipienia 2025\u202fh.", "ar": "14 يوليو 2025",
    }
    for locale, text in expected.items():
        assert f'<time datetime="2025-07-14">{text}</time>' in page(site, locale)


def test_machine_assisted_status_note_is_shown_on_translations_only(site: Path) -> None:
    assert "tlumach-status" not in page(site, "en")
    assert "Пераклад падрыхтаваны з машыннай дапамогай" in page(site, "be")
    assert "Перевод подготовлен с машинной помощью" in page(site, "ru")


def test_translated_text_and_cyrillic_heading_anchor(site: Path) -> None:
    html = page(site, "be")
    h1 = re.search(r'<h1 id="([^"]+)">([^<]+)', html)
    assert h1 is not None
    assert "Бяляцк" in h1.group(2)
    assert re.search(r"[а-яіў]", h1.group(1)), "the anchor keeps Cyrillic letters"


def test_no_third_party_resources_are_referenced(site: Path) -> None:
    for path in site.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        for tag in re.findall(r"<(?:script|link|img|iframe)[^>]*>", html):
            for url in re.findall(r'(?:src|href)="([^"]+)"', tag):
                if url.startswith(("http://", "https://", "//")):
                    assert url.startswith(SITE_URL), f"{path}: {tag}"
        assert "fonts.googleapis" not in html and "fonts.gstatic" not in html




def test_reader_switches_language_and_stays_on_the_page_without_leaving_localhost(site: Path, browser: object) -> None:
    requests: list[str] = []
    with serve(site, PORT) as base:
        context = browser.new_context(locale="en-GB")  # type: ignore[attr-defined]
        tab = context.new_page()
        tab.on("request", lambda request: requests.append(request.url))
        tab.goto(base)
        assert tab.locator("html").get_attribute("lang") == "en"
        for locale, word in (("be", "Бяляцк"), ("ru", "Беляцк")):
            tab.locator(".md-header__option .md-select").hover()
            tab.locator(f'.md-select__link[hreflang="{locale}"]').click()
            tab.wait_for_url(f"{base}{locale}/")
            assert tab.locator("html").get_attribute("lang") == locale
            assert word in tab.locator("article h1").inner_text()
        context.close()
    outside = [url for url in requests if not url.startswith(base) and not url.startswith("data:")]
    assert requests and not outside, outside


def test_site_name_comes_from_each_locale_glossary(site: Path) -> None:
    assert "<title>" in page(site, "es")
    assert "Amnistía Internacional" in page(site, "es").split("</title>")[0]
    assert "منظمة العفو الدولية" in page(site, "ar").split("</title>")[0]
    assert "Amnesty International" in page(site, "be").split("</title>")[0]


def test_progress_page_has_a_row_and_a_scriptless_bar_per_published_locale(site: Path) -> None:
    html = (site / "translation-progress" / "index.html").read_text(encoding="utf-8")
    for locale in LOCALES:
        assert f"<code>{locale}</code>" in html
    assert html.count('<progress max="100" value="100">') == len(LOCALES)


def search_index(site: Path, locale: str) -> dict[str, object]:
    folder = site / "search" if locale == "en" else site / locale / "search"
    data: dict[str, object] = json.loads((folder / "search_index.json").read_text(encoding="utf-8"))
    return data


def test_each_locale_has_its_own_search_index_of_its_own_pages(site: Path) -> None:
    english = search_index(site, "en")
    english_docs = english["docs"]
    assert isinstance(english_docs, list) and english_docs
    for locale in LOCALES:
        index = search_index(site, locale)
        docs = index["docs"]
        assert isinstance(docs, list) and isinstance(index["config"], dict)
        assert index["config"]["lang"] == search_languages(locale)
        assert index["config"]["separator"] == english["config"]["separator"]  # type: ignore[index]
        # the same sections as the English page, at the locale's own URLs without its prefix
        assert [d["location"].split("#")[0] for d in docs] == [d["location"].split("#")[0] for d in english_docs]
        assert not any(d["location"].startswith(f"{locale}/") for d in docs)
        assert docs[0]["title"] != english_docs[0]["title"] and docs[0]["title"] in page(site, locale)
    assert "Бяляцк" in search_index(site, "be")["docs"][0]["title"]  # type: ignore[index]


def test_a_section_still_in_english_stays_in_its_locales_search_index(tmp_path: Path) -> None:
    """mkdocs-static-i18n drops from its combined index a locale's section that reads exactly as the
    source's; the locale's own index must keep it, or a reader of that locale cannot find it."""
    project = copy_project(tmp_path / "project")
    source = project / "docs" / "index.md"
    source.write_text(source.read_text(encoding="utf-8") + "\n## Viasna\n\nThe Viasna Human Rights Centre was founded in 1996.\n", encoding="utf-8")
    assert main(["--root", str(project), "-q", "update"]) == 0
    site = tmp_path / "site"
    result = build_site(site, site_url=SITE_URL, config=project / "mkdocs.yml", extra_env={"TLUMACH_THRESHOLD": "80"})
    assert result.returncode == 0, result.stdout + result.stderr
    english = {d["title"]: d for d in search_index(site, "en")["docs"]}  # type: ignore[attr-defined]
    assert english["Viasna"]["text"] == "<p>The Viasna Human Rights Centre was founded in 1996.</p>"
    for locale in LOCALES:
        assert "The Viasna Human Rights Centre was founded in 1996." in page(site, locale)
        sections = {d["title"]: d for d in search_index(site, locale)["docs"]}  # type: ignore[attr-defined]
        assert sections["Viasna"] == english["Viasna"], locale


# mkdocs with tlumach's plugin, but none of its speed-ups of its dependencies: mkdocs-static-i18n's
# alternates lookup and combined search index (tlumach.i18nwork), and the theme's templates
# compiled once (tlumach.templatecache).
_WITHOUT_SPEEDUPS = (
    "import sys, tlumach.site as site; site.quicker_alternates = lambda i18n: False; "
    "site.spare_combined_index = lambda i18n, replaced: False; "
    "site.share_compiled_templates = lambda env, cache: None; "
    "from mkdocs.__main__ import cli; sys.argv[0] = 'mkdocs'; cli()"
)


def test_the_site_is_byte_identical_without_the_speedups_of_its_dependencies(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    sites = {"usual": ("-m", "mkdocs"), "plain": ("-c", _WITHOUT_SPEEDUPS)}
    for name, mkdocs in sites.items():
        result = build_site(tmp_path / name, site_url=SITE_URL, config=project / "mkdocs.yml", mkdocs=mkdocs)
        assert result.returncode == 0, result.stdout + result.stderr
    listed = {name: sorted(p.relative_to(tmp_path / name) for p in (tmp_path / name).rglob("*") if p.is_file()) for name in sites}
    assert listed["usual"] == listed["plain"] and len(listed["usual"]) > 50
    differ = [str(p) for p in listed["usual"] if (tmp_path / "usual" / p).read_bytes() != (tmp_path / "plain" / p).read_bytes()]
    assert differ == []


def test_hreflang_links_are_dropped_with_the_white_space_before_them_as_by_one_regex() -> None:
    from tlumach.site import _without_alternates

    whole = re.compile(r'\s*<link rel="alternate" href="[^"]*" hreflang="[^"]*">')  # what it does, in one regex
    link = '<link rel="alternate" href="{}" hreflang="{}">'
    rng = random.Random(7)
    pieces = ["\n    ", " ", "\t", "<meta charset=\"utf-8\">", "<title>Т</title>", "\n", "\u2003", "<link rel=\"alternate\" href=\"x\">",
              link.format("../be/", "be"), link.format("", "en"), link.format("./", "x-default"), '<link rel="alternate" href="a']
    heads = ["", link.format("/", "en"), "\n  " + link.format("/", "en") + "\n"]
    heads += ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 25))) for _ in range(3000)]
    for head in heads:
        assert _without_alternates(head) == whole.sub("", head), head


@pytest.mark.parametrize("locale", ["en_GB", "be", "be-Latn", "ru", "uk", "pl", "lt", "de", "fr", "es", "ar", "sr@latin"])
def test_long_date_is_babels_format_date(locale: str) -> None:
    import datetime as dt

    from babel.dates import format_date

    from tlumach.catalog import babel_locale
    from tlumach.site import _long_date_pattern

    for day in (dt.date(2025, 7, 14), dt.date(2021, 1, 1), dt.date(1999, 12, 31)):
        expected = format_date(day, format="long", locale=babel_locale(locale))
        assert _long_date_pattern(locale).apply(day, babel_locale(locale)) == expected
