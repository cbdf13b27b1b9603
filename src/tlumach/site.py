"""The MkDocs plugin (the only importer of mkdocs internals): translations rendered from .po at build time."""

from __future__ import annotations

import datetime as dt
import gzip
import html
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from babel.dates import format_date
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from tlumach import ui
from tlumach.catalog import babel_locale, catalog_stats, load_catalog, translations
from tlumach.checks import Severity, check_catalog
from tlumach.glossary import load_glossary
from tlumach.errors import TlumachError
from tlumach.extract import domain_for, extract_segments
from tlumach.render import render_markdown
from tlumach.sanitize import sanitize_html
from tlumach.segment import Document, Role, Segment
from tlumach.translit import DERIVED_LOCALES, transliterate

log = get_plugin_logger(__name__)

_HTML_TAG_RE = re.compile(r'<html lang="[^"]*"')
_ALTERNATE_RE = re.compile(r'\s*<link rel="alternate" href="[^"]*" hreflang="[^"]*">')
_META_FIELDS = ("title", "description", "label")


def catalog_locale(site_locale: str) -> str:
    """The catalogue directory of a site locale: ``be-Latn`` -> ``be@latin``, ``pt-BR`` -> ``pt_BR``."""
    if site_locale.endswith("-Latn"):
        return site_locale[: -len("-Latn")] + "@latin"
    return site_locale.replace("-", "_")


class TlumachConfig(Config):
    locales_dir = c.Type(str, default="locales")
    threshold = c.Type(int, default=100)
    preview = c.Optional(c.Type(bool))
    sanitize = c.Type(bool, default=True)
    check = c.Type(bool, default=True)


@dataclass
class LocaleState:
    """What the plugin knows about one published locale."""

    locale: str
    translations: dict[str, dict[tuple[str | None, str], str]]
    percent: float
    machine_assisted: bool
    errors: list[str] = field(default_factory=list)


@dataclass
class PageRecord:
    url: str
    locale: str
    alternates: dict[str, str] = field(default_factory=dict)


class TlumachPlugin(BasePlugin[TlumachConfig]):
    """Renders ``<doc>.<locale>.md`` from each locale's catalogue in memory, before mkdocs-static-i18n."""

    def __init__(self) -> None:
        self.serving = False
        self.prepared = False
        self.default_locale = "en"
        self.locales: dict[str, LocaleState] = {}
        self.held_back: dict[str, str] = {}
        self.documents: dict[str, Document] = {}
        self.pages: dict[str, PageRecord] = {}
        self.generated: dict[str, str] = {}

    # ------------------------------------------------------------ configuration

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        """``mkdocs serve`` rebuilds and reloads when a catalogue or glossary under locales/ is saved."""
        server.watch(str(Path(config.config_file_path).parent / self.config.locales_dir))
        return server

    def _i18n(self, config: MkDocsConfig) -> Any:
        plugin = config.plugins.get("i18n")
        if plugin is None:
            raise PluginError("tlumach needs the i18n plugin (mkdocs-static-i18n) listed after it in mkdocs.yml")
        return plugin

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if self.prepared:
            return config
        self.prepared = True
        i18n = self._i18n(config)
        languages = i18n.config.languages
        self.default_locale = next(lang.locale for lang in languages if lang.default)
        root = Path(config.config_file_path).parent
        locales_dir = root / self.config.locales_dir
        preview = self.serving if self.config.preview is None else self.config.preview
        kept = []
        for language in languages:
            if language.default or language.locale == "null":
                kept.append(language)
                continue
            try:
                state = self._load_locale(language.locale, locales_dir)
            except TlumachError as exc:
                raise PluginError(f"tlumach: {exc}") from exc
            if state is None:
                self.held_back[language.locale] = "no catalogues"
            elif state.errors:
                self.held_back[language.locale] = f"{len(state.errors)} check error(s), first: {state.errors[0]}"
                log.warning(f"not publishing '{language.locale}': {self.held_back[language.locale]}")
            elif state.percent < self.config.threshold and not preview:
                self.held_back[language.locale] = f"{state.percent:.1f}% translated, below the {self.config.threshold}% threshold"
            else:
                self.locales[language.locale] = state
                kept.append(language)
                if language.site_name is None and config.site_name:
                    language.site_name = config.site_name
            if language.locale in self.held_back and not state_has_errors(self.held_back[language.locale]):
                log.info(f"not publishing '{language.locale}': {self.held_back[language.locale]}")
        i18n.config.languages = kept
        return config

    def _load_locale(self, locale: str, locales_dir: Path) -> LocaleState | None:
        directory = locales_dir / catalog_locale(locale) / "LC_MESSAGES"
        files = sorted(directory.rglob("*.po")) if directory.is_dir() else []
        if not files:
            return None
        by_domain: dict[str, dict[tuple[str | None, str], str]] = {}
        translated = total = 0
        machine = False
        errors: list[str] = []
        terms = load_glossary(locales_dir, catalog_locale(locale)) if self.config.check else []
        for path in files:
            catalog = load_catalog(path)
            if self.config.check:
                shown = path.relative_to(locales_dir.parent).as_posix()
                findings = check_catalog(catalog, path=shown, locale=catalog_locale(locale), glossary=terms)
                errors.extend(str(f) for f in findings if f.severity is Severity.ERROR)
            stats = catalog_stats(catalog)
            translated += stats.translated
            total += stats.total
            machine = machine or catalog.metadata.get("X-Review-Status", "") == "machine-assisted"
            by_domain[path.relative_to(directory).with_suffix("").as_posix()] = translations(catalog)
        percent = 100.0 * translated / total if total else 100.0
        return LocaleState(locale, by_domain, percent, machine, errors)

    # ------------------------------------------------------------ files

    def _document(self, file: File) -> Document:
        domain = domain_for(Path(file.src_uri))
        if domain not in self.documents:
            text = file.content_string.replace("\r\n", "\n")
            reference = f"docs/{file.src_uri}"
            try:
                segments = extract_segments(text, path=reference)
            except TlumachError as exc:
                raise PluginError(f"tlumach: {exc}") from exc
            self.documents[domain] = Document(reference, domain, text, tuple(segments))
        return self.documents[domain]

    @event_priority(0)
    def _generate_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        """Add ``<doc>.<locale>.md`` for every published locale (before mkdocs-static-i18n sorts files)."""
        sources = [f for f in files.documentation_pages() if not self._is_variant(f.src_uri)]
        preview = self.serving if self.config.preview is None else self.config.preview
        marker = _mark_untranslated if preview else None
        self.generated = {}
        for file in sources:
            document = self._document(file)
            stem = file.src_uri[: -len(".md")]
            for locale, state in self.locales.items():
                target = f"{stem}.{locale}.md"
                if files.get_file_from_path(target) is not None:
                    raise PluginError(f"tlumach: docs/{target} exists on disk; translations come from .po files, delete it")
                self.generated[target] = render_markdown(
                    document, state.translations.get(document.domain, {}), mark_missing=marker
                )
                # mkdocs-static-i18n only accepts files under docs_dir and rebuilds File objects from
                # their paths, so the file is declared there and its content attached afterwards.
                files.append(File(target, config.docs_dir, config.site_dir, config.use_directory_urls))
        return files

    @event_priority(-110)
    def _attach_content(self, files: Files, *, config: MkDocsConfig) -> Files:
        for file in files:
            if file.src_uri in self.generated:
                file.content_string = self.generated[file.src_uri]
        return files

    on_files = CombinedEvent(_generate_files, _attach_content)

    def _is_variant(self, src_uri: str) -> bool:
        stem = src_uri[: -len(".md")] if src_uri.endswith(".md") else src_uri
        suffix = stem.rsplit(".", 1)[-1] if "." in stem.rsplit("/", 1)[-1] else ""
        return bool(suffix) and (suffix in self.locales or suffix in self.held_back or suffix == self.default_locale)

    # ------------------------------------------------------------ pages

    def _locale_of(self, page: Page) -> str:
        return str(getattr(page.file, "locale", None) or self.default_locale)

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        if self._locale_of(page) != self.default_locale and self.config.sanitize:
            for key in _META_FIELDS:
                if isinstance(page.meta.get(key), str):
                    page.meta[key] = html.escape(page.meta[key], quote=True)
        return markdown

    def on_page_content(self, html_text: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        if self._locale_of(page) != self.default_locale and self.config.sanitize:
            return sanitize_html(html_text)
        return html_text

    def on_page_context(self, context: dict[str, Any], *, page: Page, config: MkDocsConfig, nav: Any) -> dict[str, Any]:
        locale = self._locale_of(page)
        date = page.meta.get("date")
        info: dict[str, Any] = {"locale": locale, "direction": ui.direction(locale), "label": page.meta.get("label", "")}
        if isinstance(date, (dt.date, dt.datetime)):
            formatted = format_date(date, format="long", locale=babel_locale(catalog_locale(locale)))
            info["date"] = _in_script(locale, formatted)
            info["date_iso"] = date.isoformat()
        state = self.locales.get(locale)
        if state is not None and state.machine_assisted:
            info["status"] = _in_script(locale, ui.note_for(locale))
        context["tlumach"] = info
        return context

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        locale = self._locale_of(page)
        site_url = (config.site_url or "").rstrip("/") + "/"
        alternates: dict[str, str] = {}
        for alt_locale, alt_file in sorted((getattr(page.file, "alternates", None) or {}).items()):
            if alt_locale == self.default_locale or alt_locale in self.locales:
                alternates[alt_locale] = site_url + ("" if alt_file.url in ("", "./") else alt_file.url)
        self.pages[page.file.url + "|" + locale] = PageRecord(site_url + page.file.url.lstrip("./"), locale, alternates)
        output = _HTML_TAG_RE.sub(f'<html lang="{locale}" dir="{ui.direction(locale)}"', output, count=1)
        if alternates:
            output = _ALTERNATE_RE.sub("", output)
            links = "".join(
                f'\n    <link rel="alternate" hreflang="{loc}" href="{html.escape(url)}">' for loc, url in alternates.items()
            )
            default = alternates.get(self.default_locale)
            if default:
                links += f'\n    <link rel="alternate" hreflang="x-default" href="{html.escape(default)}">'
            output = output.replace("</head>", links + "\n  </head>", 1)
        return output

    # ------------------------------------------------------------ whole site

    @event_priority(-200)
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        i18n = self._i18n(config)
        if getattr(i18n, "building", False):
            return  # a per-language build inside mkdocs-static-i18n; the site is not complete yet
        self._write_sitemap(Path(config.site_dir))

    def _write_sitemap(self, site_dir: Path) -> None:
        entries = []
        for record in sorted(self.pages.values(), key=lambda r: r.url):
            links = "".join(
                f'\n    <xhtml:link rel="alternate" hreflang="{loc}" href="{html.escape(url)}"/>'
                for loc, url in record.alternates.items()
            )
            if self.default_locale in record.alternates:
                links += f'\n    <xhtml:link rel="alternate" hreflang="x-default" href="{html.escape(record.alternates[self.default_locale])}"/>'
            entries.append(f"  <url>\n    <loc>{html.escape(record.url)}</loc>{links}\n  </url>")
        xml = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
            + "\n".join(entries)
            + "\n</urlset>\n"
        )
        (site_dir / "sitemap.xml").write_text(xml, encoding="utf-8")
        buffer = io.BytesIO()
        with gzip.GzipFile(filename="sitemap.xml", mode="wb", fileobj=buffer, mtime=0) as handle:
            handle.write(xml.encode("utf-8"))
        (site_dir / "sitemap.xml.gz").write_bytes(buffer.getvalue())


def _in_script(locale: str, text: str) -> str:
    """Text from babel or ui.py in a derived locale's script (be-Latn dates and notes in Łacinka)."""
    derived = catalog_locale(locale)
    return transliterate(derived, text) if derived in DERIVED_LOCALES else text


def state_has_errors(reason: str) -> bool:
    return "check error" in reason


def _mark_untranslated(segment: Segment) -> str:
    """Preview builds show the source text, visibly marked, where a translation is missing."""
    if segment.role in (Role.FRONT_MATTER, Role.IMAGE_ALT, Role.IMAGE_TITLE, Role.LINK_TITLE, Role.TABLE_CELL):
        return segment.text
    return f'{segment.text} <mark class="tlumach-untranslated" title="{ui.UNTRANSLATED_MARK}">{ui.UNTRANSLATED_MARK}</mark>'
