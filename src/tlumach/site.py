"""The MkDocs plugin (the only importer of mkdocs internals): translations rendered from .po at build time."""

from __future__ import annotations

import datetime as dt
import gzip
import html
import io
import json
import os
import posixpath
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
from mkdocs.utils.templates import TemplateContext

from tlumach import ui
from tlumach.catalog import babel_locale, catalog_stats, load_catalog, translations
from tlumach.checks import Severity, check_catalog
from tlumach.glossary import GLOSSARY_NAME, load_glossary
from tlumach.errors import PublishError, TlumachError
from tlumach.release import SiteBuild
from tlumach.extract import extract_segments
from tlumach.project import domain_for, opted_out
from tlumach.render import render_markdown
from tlumach.sanitize import sanitize_html
from tlumach.state import UpdateState
from tlumach.segment import Document, Role, Segment
from tlumach.translit import DERIVED_LOCALES, transliterate

log = get_plugin_logger(__name__)

_HTML_TAG_RE = re.compile(r'<html lang="[^"]*"')
_ALTERNATE_RE = re.compile(r'\s*<link rel="alternate" href="[^"]*" hreflang="[^"]*">')
_META_FIELDS = ("title", "description", "label")
_CONFIG_BASE_RE = re.compile(r'(<script id="__config" type="application/json">\{[^<]*?"base": ")([^"]*)(")')
_ROOT_LINK_RE = re.compile(r'((?:href|src)=")(/[^"]*)(")')
PROGRESS_PAGE = "translation-progress.md"


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
    offline = c.Type(bool, default=False)
    # babel locale for dates on source-language pages (Amnesty writes "14 July 2025")
    source_date_locale = c.Type(str, default="en_GB")
    progress_page = c.Type(bool, default=True)


@dataclass
class LocaleState:
    """What the plugin knows about one published locale."""

    locale: str
    translations: dict[str, dict[tuple[str | None, str], str]]
    percent: float
    machine_assisted: bool
    errors: list[str] = field(default_factory=list)
    counts: tuple[int, int, int] = (0, 0, 0)


@dataclass
class PageRecord:
    url: str
    locale: str
    alternates: dict[str, str] = field(default_factory=dict)


class TlumachPlugin(BasePlugin[TlumachConfig]):
    """Renders ``<doc>.<locale>.md`` from each locale's catalogue in memory, before mkdocs-static-i18n."""

    def __init__(self) -> None:
        self.serving = False
        self.default_locale = "en"
        self.locales: dict[str, LocaleState] = {}
        self.held_back: dict[str, str] = {}
        self.documents: dict[str, Document] = {}
        self.pages: dict[str, PageRecord] = {}
        self.generated: dict[str, str] = {}
        self.names: dict[str, str] = {}
        self.not_found: dict[str, bytes] = {}
        self.state: UpdateState | None = None

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
        i18n = self._i18n(config)
        if getattr(i18n, "building", False):
            return config  # a per-language build inside mkdocs-static-i18n: same state as its parent
        # MkDocs keeps this plugin between rebuilds of `mkdocs serve` (it has on_startup), so every
        # top-level build starts from a clean state and rereads the catalogues.
        self.locales, self.held_back, self.documents, self.pages = {}, {}, {}, {}
        self.generated, self.not_found = {}, {}
        self.state = None  # re-read per build: an update may have run in between (mkdocs serve)
        if self.config.offline:
            config.use_directory_urls = False  # pages open from the file system as x/index.html
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
            reason = self._hold_back_reason(state, preview=preview)
            if reason is not None or state is None:
                self.held_back[language.locale] = reason or "no catalogues"
                report = log.warning if state is not None and state.errors else log.info
                report(f"not publishing '{language.locale}': {self.held_back[language.locale]}")
                continue
            for error in state.errors:  # a preview shows the locale anyway, with its findings logged
                log.warning(f"preview of '{language.locale}': {error}")
            self.locales[language.locale] = state
            kept.append(language)
            if language.site_name is None and config.site_name:
                language.site_name = self._site_name(config.site_name, language.locale, locales_dir)
        i18n.config.languages = kept
        self.names = {lang.locale: lang.name for lang in kept}
        return config

    def _hold_back_reason(self, state: LocaleState | None, *, preview: bool) -> str | None:
        """Why a locale is not published (None: publish it); a preview publishes every catalogue."""
        if state is None:
            return "no catalogues"
        if preview:
            return None
        if state.errors:
            return f"{len(state.errors)} check error(s), first: {state.errors[0]}"
        if state.percent < self.config.threshold:
            return f"{state.percent:.1f}% translated, below the {self.config.threshold}% threshold"
        return None

    def _site_name(self, name: str, locale: str, locales_dir: Path) -> str:
        """The site name in a locale: its glossary's term for it (Amnistía Internacional), else as is."""
        terms = load_glossary(locales_dir, catalog_locale(locale))
        translated = next((t.target for t in terms if t.source == name), name)
        return _in_script(locale, translated)

    def _update_state(self, root: Path) -> UpdateState:
        if self.state is None or self.state.root != root:
            self.state = UpdateState.load(root)
        return self.state

    def _load_locale(self, locale: str, locales_dir: Path) -> LocaleState | None:
        directory = locales_dir / catalog_locale(locale) / "LC_MESSAGES"
        files = sorted(directory.rglob("*.po")) if directory.is_dir() else []
        if not files:
            return None
        by_domain: dict[str, dict[tuple[str | None, str], str]] = {}
        translated = total = fuzzy = 0
        machine = False
        errors: list[str] = []
        terms = load_glossary(locales_dir, catalog_locale(locale)) if self.config.check else []
        # What the last `tlumach update` recorded (.tlumach/): a catalogue it checked and nobody
        # changed since has the same findings, so they are not computed twice.
        state = self._update_state(locales_dir.parent)
        glossary_unchanged = state.unchanged(locales_dir / catalog_locale(locale) / GLOSSARY_NAME)
        for path in files:
            catalog = load_catalog(path)
            if self.config.check:
                shown = path.relative_to(locales_dir.parent).as_posix()
                recorded = state.findings.get(shown)
                if recorded is not None and glossary_unchanged and state.unchanged(path):
                    errors.extend(str(f) for f in recorded)
                else:
                    findings = check_catalog(catalog, path=shown, locale=catalog_locale(locale), glossary=terms)
                    errors.extend(str(f) for f in findings if f.severity is Severity.ERROR)
            stats = catalog_stats(catalog)
            translated += stats.translated
            total += stats.total
            fuzzy += stats.fuzzy
            machine = machine or catalog.metadata.get("X-Review-Status", "") == "machine-assisted"
            by_domain[path.relative_to(directory).with_suffix("").as_posix()] = translations(catalog)
        percent = 100.0 * translated / total if total else 100.0
        return LocaleState(locale, by_domain, percent, machine, errors, (translated, fuzzy, total - translated - fuzzy))

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
        sources = [
            f for f in files.documentation_pages()
            if not self._is_variant(f.src_uri) and not opted_out(f.content_string)
        ]
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
        if self.config.progress_page and files.get_file_from_path(PROGRESS_PAGE) is None:
            self.generated[PROGRESS_PAGE] = self._progress_markdown()
            files.append(File(PROGRESS_PAGE, config.docs_dir, config.site_dir, config.use_directory_urls))
        return files

    def _progress_markdown(self) -> str:
        """The translation progress page: one row per locale, a native <progress> bar, no script."""
        rows = []
        for locale, state in sorted(self.locales.items()):
            rows.append(
                f"| {self.names.get(locale, locale)} | `{locale}` | "
                f'<progress max="100" value="{state.percent:.0f}">{state.percent:.0f}%</progress> {state.percent:.1f}% | '
                f"{state.counts[0]} | {state.counts[1]} | {state.counts[2]} | "
                f"{'machine-assisted, not yet reviewed' if state.machine_assisted else 'reviewed'} |"
            )
        for locale, reason in sorted(self.held_back.items()):
            rows.append(f"| {locale} | `{locale}` | held back: {reason} | | | | |")
        return (
            "---\ntitle: Translation progress\nsearch:\n  exclude: true\n---\n\n# Translation progress\n\n"
            "Counts come from the gettext catalogues (`tlumach stats`); fuzzy entries never count as translated.\n\n"
            "| Language | Locale | Translated | Translated entries | Fuzzy | Untranslated | Review |\n"
            "|---|---|---|---|---|---|---|\n" + "\n".join(rows) + "\n"
        )

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

    def on_page_context(self, context: TemplateContext, *, page: Page, config: MkDocsConfig, nav: Any) -> TemplateContext:
        locale = self._locale_of(page)
        date = page.meta.get("date")
        info: dict[str, Any] = {"locale": locale, "direction": ui.direction(locale), "label": page.meta.get("label", "")}
        if isinstance(date, (dt.date, dt.datetime)):
            date_locale = self.config.source_date_locale if locale == self.default_locale else catalog_locale(locale)
            formatted = format_date(date, format="long", locale=babel_locale(date_locale))
            info["date"] = _in_script(locale, formatted)
            info["date_iso"] = date.isoformat()
        state = self.locales.get(locale)
        if state is not None and state.machine_assisted:
            info["status"] = _in_script(locale, ui.note_for(locale))
        info["languages_heading"] = _in_script(locale, ui.languages_heading(locale))
        info["negotiate"] = locale == self.default_locale and page.is_homepage
        info["published"] = [self.default_locale, *self.locales]
        context["tlumach"] = info  # type: ignore[typeddict-unknown-key]
        return context

    def on_template_context(self, context: TemplateContext, *, template_name: str, config: MkDocsConfig) -> TemplateContext:
        """The 404 page in the language being built, linking back to the statement in that language."""
        if template_name != "404.html":
            return context
        locale = str(getattr(self._i18n(config), "current_language", None) or self.default_locale)
        title, link = ui.not_found(locale)
        prefix = "" if locale == self.default_locale else f"{locale}/"
        home = (config.site_url or "/").rstrip("/") + "/" + prefix
        context["tlumach"] = {  # type: ignore[typeddict-unknown-key]
            "locale": locale,
            "not_found": {"title": _in_script(locale, title), "link": _in_script(locale, link), "home": home},
            "published": [self.default_locale, *self.locales],
        }
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
        if locale != self.default_locale:
            # Material finds search/search_index.json and sitemap.xml from "base": point it at the
            # locale's own root, where on_post_build writes that locale's index and sitemap.
            output = _CONFIG_BASE_RE.sub(lambda m: f"{m.group(1)}{m.group(2)}/{locale}/{m.group(3)}", output, count=1)
        if self.config.offline:
            output = _relative_links(output, page.file.dest_uri)
        if self.config.offline:
            # Offline, hreflang links would only make Material fetch sitemaps from the public
            # host: a reader of the archive must not contact it. The language list stays.
            output = _ALTERNATE_RE.sub("", output)
        elif alternates:
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

    @event_priority(100)
    def _keep_not_found(self, *, config: MkDocsConfig) -> None:
        """Each language build writes the one 404.html; keep every language's before the next overwrites it."""
        page = Path(config.site_dir) / "404.html"
        if page.exists():
            locale = str(getattr(self._i18n(config), "current_language", None) or self.default_locale)
            self.not_found[locale] = page.read_bytes()

    @event_priority(-200)
    def _finish_site(self, *, config: MkDocsConfig) -> None:
        i18n = self._i18n(config)
        if getattr(i18n, "building", False):
            return  # a per-language build inside mkdocs-static-i18n; the site is not complete yet
        site_dir = Path(config.site_dir)
        self._write_sitemap(site_dir)
        self._split_search_index(site_dir)
        for locale, content in self.not_found.items():
            target = site_dir / ("404.html" if locale == self.default_locale else f"{locale}/404.html")
            if self.config.offline and locale != self.default_locale:
                content = _relative_links(content.decode("utf-8"), f"{locale}/404.html").encode("utf-8")
            target.write_bytes(content)

    on_post_build = CombinedEvent(_keep_not_found, _finish_site)

    def _split_search_index(self, site_dir: Path) -> None:
        """One search index per locale (mkdocs-static-i18n writes one combined index)."""
        combined = site_dir / "search" / "search_index.json"
        if not combined.exists():
            return
        data = json.loads(combined.read_text(encoding="utf-8"))
        prefixes = {locale: f"{locale}/" for locale in self.locales}
        groups: dict[str, list[dict[str, Any]]] = {locale: [] for locale in [self.default_locale, *self.locales]}
        for doc in data.get("docs", []):
            location = str(doc.get("location", ""))
            owner = next((loc for loc, prefix in prefixes.items() if location.startswith(prefix)), self.default_locale)
            if owner != self.default_locale:
                doc = {**doc, "location": location[len(prefixes[owner]) :]}
            groups[owner].append(doc)
        for locale, docs in groups.items():
            index = {**data, "config": {**data.get("config", {}), "lang": ui.search_languages(locale)}, "docs": docs}
            text = json.dumps(index, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
            folder = site_dir / "search" if locale == self.default_locale else site_dir / locale / "search"
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "search_index.json").write_text(text, encoding="utf-8")
            if self.config.offline:
                (folder / "search_index.js").write_text(f"var __index = {text}", encoding="utf-8")

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
        _write_with_gzip(site_dir / "sitemap.xml", xml)
        for locale in self.locales:
            # Material fetches a sitemap at each locale's root to keep the reader on the same page
            # when switching; it needs only that locale's URLs, so keep it small for slow links.
            if (site_dir / locale).is_dir():
                urls = "".join(
                    f"  <url><loc>{html.escape(r.url)}</loc></url>\n"
                    for r in sorted(self.pages.values(), key=lambda r: r.url) if r.locale == locale
                )
                _write_with_gzip(
                    site_dir / locale / "sitemap.xml",
                    '<?xml version="1.0" encoding="UTF-8"?>\n'
                    f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}</urlset>\n',
                )


def _write_with_gzip(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    buffer = io.BytesIO()
    with gzip.GzipFile(filename=path.name, mode="wb", fileobj=buffer, mtime=0) as handle:
        handle.write(text.encode("utf-8"))
    path.with_name(path.name + ".gz").write_bytes(buffer.getvalue())


def _relative_links(output: str, dest_uri: str) -> str:
    """Root-absolute links (/be/, /assets/…) made relative to the page, for reading from file://."""
    here = posixpath.dirname(dest_uri)

    def replace(match: re.Match[str]) -> str:
        target = match.group(2)[1:]
        path, _, fragment = target.partition("#")
        if path == "" or path.endswith("/"):
            path += "index.html"
        relative = posixpath.relpath(path, here or ".")
        return f"{match.group(1)}{relative}{'#' + fragment if fragment else ''}{match.group(3)}"

    return _ROOT_LINK_RE.sub(replace, output)


def _in_script(locale: str, text: str) -> str:
    """Text from babel or ui.py in a derived locale's script (be-Latn dates and notes in Łacinka)."""
    derived = catalog_locale(locale)
    return transliterate(derived, text) if derived in DERIVED_LOCALES else text


def _mark_untranslated(segment: Segment) -> str:
    """Preview builds show the source text, visibly marked, where a translation is missing."""
    if segment.role in (Role.FRONT_MATTER, Role.IMAGE_ALT, Role.IMAGE_TITLE, Role.LINK_TITLE, Role.TABLE_CELL):
        return segment.text
    return f'{segment.text} <mark class="tlumach-untranslated" title="{ui.UNTRANSLATED_MARK}">{ui.UNTRANSLATED_MARK}</mark>'


def build_site(config_file: Path, site_dir: Path, *, site_url: str, offline: bool) -> SiteBuild:
    """Build the site as ``mkdocs build --strict`` does; report what was published and held back."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    overrides = {"TLUMACH_SITE_URL": site_url, "TLUMACH_OFFLINE": "true" if offline else "false"}
    saved = {key: os.environ.get(key) for key in overrides}
    os.environ.update(overrides)
    try:
        config = load_config(config_file=str(config_file), site_dir=str(site_dir), strict=True)
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
        finally:
            config.plugins.on_shutdown()
    except (MkDocsException, SystemExit) as exc:
        raise PublishError(f"the site build failed: {exc}", path=config_file) from exc
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    plugin = config.plugins["tlumach"]
    assert isinstance(plugin, TlumachPlugin)
    return SiteBuild(
        published={locale: state.percent for locale, state in plugin.locales.items()},
        held_back=dict(plugin.held_back),
        machine_assisted=frozenset(locale for locale, state in plugin.locales.items() if state.machine_assisted),
    )
