"""The MkDocs plugin (with tlumach.i18nwork, the only importer of mkdocs internals): translations rendered from .po at build time."""

from __future__ import annotations

import datetime as dt
import functools
import html
import os
import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any
from urllib.parse import urlsplit

from babel.dates import DateTimePattern, get_date_format
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from tlumach import ui
from tlumach.catalog import babel_locale, catalog_bytes, parse_catalog, summarise, translations
from tlumach.checks import check_catalog
from tlumach.findings import Term
from tlumach.glossary import GLOSSARY_NAME, load_glossary
from tlumach.i18nwork import quicker_alternates, spare_combined_index
from tlumach.errors import PublishError, TlumachError
from tlumach.release import SiteBuild
from tlumach.extract import extract_segments
from tlumach.project import Project, catalog_locale, domain_for, opted_out
from tlumach.render import render_markdown
from tlumach.sanitize import BackgroundSanitizer, Cleaning, sanitize_html, usable_cores
from tlumach.sitecache import ContentCache, Translations, segments_cache, translations_cache
from tlumach.state import UpdateState, digest
from tlumach.templatecache import SharedTemplateCache, share_compiled_templates
from tlumach.segment import Document, Role, Segment
from tlumach.siteoutput import PageRecord, split_search_index, write_search_indexes, write_share, write_sitemaps
from tlumach.translit import DERIVED_LOCALES, transliterate
from tlumach.update import record_checks

log = get_plugin_logger(__name__)

_HTML_TAG_RE = re.compile(r'<html lang="[^"]*"')
_ALTERNATE_RE = re.compile(r'<link rel="alternate" href="[^"]*" hreflang="[^"]*">')
_META_FIELDS = ("title", "description", "label")
_CONFIG_SCRIPT = '<script id="__config" type="application/json">'
_CONFIG_BASE_RE = re.compile("(" + re.escape(_CONFIG_SCRIPT) + r'\{[^<]*?"base": ")([^"]*)(")')
_ROOT_LINK_RE = re.compile(r'((?:href|src)=")(/[^"]*)(")')
PROGRESS_PAGE = "translation-progress.md"


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
    # Build only these locales (comma-separated; empty: all), keeping every published one in the
    # language switcher and hreflang links: one share of a parallel or multi-runner build.
    build_locales = c.Type(str, default="")
    # Worker processes that clean translated pages while mkdocs converts the next ones (none: one
    # when the build has two cores or more, except under `mkdocs serve`; 0: in the build's process).
    sanitize_workers = c.Optional(c.Type(int))


@dataclass
class LocaleState:
    """What the plugin knows about one published locale."""

    locale: str
    translations: dict[str, dict[tuple[str | None, str], str]]
    percent: float
    machine_assisted: bool
    errors: list[str] = field(default_factory=list)
    counts: tuple[int, int, int] = (0, 0, 0)
    built: bool = True  # rendered in this build (else another share of the build renders it)


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
        self.search_entries: dict[str, list[dict[str, Any]]] = {}  # Material's, of each language build
        self.state: UpdateState | None = None
        self.segments: ContentCache[tuple[Segment, ...]] | None = None  # of the build under way
        self.extracted: dict[tuple[str, str], tuple[Segment, ...]] = {}  # while the checks ran: (domain, digest)
        self.languages: list[Any] = []  # mkdocs-static-i18n's language configs: source + published
        self.translated: set[str] = set()  # source pages every published locale has a version of
        self.own_switcher = True  # False when mkdocs.yml sets its own extra.alternate
        self.urls: dict[tuple[str, str], str] = {}
        self.checked: dict[Path, tuple[str, Translations]] = {}  # this build's checks: digest, translations
        self.cleaner = BackgroundSanitizer(workers=0)
        self.cleaning: list[tuple[Page, Cleaning]] = []  # this language's pages sent to the cleaner
        self.templates = SharedTemplateCache()  # the theme's templates, compiled once for every language

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

    def _building(self, config: MkDocsConfig) -> str:
        """The locale mkdocs-static-i18n is building now."""
        return str(getattr(self._i18n(config), "current_language", None) or self.default_locale)

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        i18n = self._i18n(config)
        if getattr(i18n, "building", False):
            return config  # a per-language build inside mkdocs-static-i18n: same state as its parent
        quicker_alternates(i18n)  # the same alternates of every page, without the files it made to drop
        # each language's own search index is written over mkdocs-static-i18n's combined one
        spare_combined_index(i18n, lambda config: self._own_search_index(config) is not None)
        # MkDocs keeps this plugin between rebuilds of `mkdocs serve` (it has on_startup), so every
        # top-level build starts from a clean state and rereads the catalogues.
        self.locales, self.held_back, self.documents, self.pages = {}, {}, {}, {}
        self.generated, self.not_found, self.urls, self.search_entries = {}, {}, {}, {}
        self.state = None  # re-read per build: an update may have run in between (mkdocs serve)
        self.checked, self.segments, self.extracted = {}, None, {}
        self.cleaner.close()
        self.cleaner, self.cleaning = BackgroundSanitizer(workers=self._sanitize_workers()), []
        self.own_switcher = "alternate" not in config.extra
        wanted = {loc.strip() for loc in self.config.build_locales.split(",") if loc.strip()}
        if self.config.offline:
            config.use_directory_urls = False  # pages open from the file system as x/index.html
        languages = i18n.config.languages
        self.default_locale = next(lang.locale for lang in languages if lang.default)
        root = Path(config.config_file_path).parent
        locales_dir = root / self.config.locales_dir
        preview = self.serving if self.config.preview is None else self.config.preview
        if self.config.check:
            try:
                self.checked = self._record_checks(languages, locales_dir, wanted, config)
            except TlumachError as exc:
                raise PluginError(f"tlumach: {exc}") from exc
        kept = []
        for language in languages:
            if language.default or language.locale == "null":
                kept.append(language)
                continue
            if language.build is False:
                self.held_back[language.locale] = "build: false in mkdocs.yml"
                continue
            try:
                built = not wanted or language.locale in wanted
                state = self._load_locale(language.locale, locales_dir, render=built)
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
            # A locale another share renders stays in the language list, but mkdocs-static-i18n
            # does not build it here; the switcher and hreflang links come from tlumach (on_page_context).
            language.build = state.built
            if language.site_name is None and config.site_name:
                language.site_name = self._site_name(config.site_name, language.locale, locales_dir)
        i18n.config.languages = kept
        self.languages = kept
        self.names = {lang.locale: lang.name for lang in kept}
        return config

    def _sanitize_workers(self) -> int:
        """How many worker processes clean this build's translated pages (0: in the build's process)."""
        if not self.config.sanitize:
            return 0
        if self.config.sanitize_workers is not None:
            return max(0, self.config.sanitize_workers)
        return 1 if usable_cores() >= 2 and not self.serving else 0

    def _record_checks(
        self, languages: Sequence[Any], locales_dir: Path, wanted: set[str], config: MkDocsConfig
    ) -> dict[Path, tuple[str, Translations]]:
        """Check and record first what no update recorded (a clean clone): on every core, a document's
        locales together, rather than one catalogue after another in _load_locale. The catalogues
        this build renders come back with their translations, so _load_locale does not parse them
        again, and the source documents are extracted while the worker processes check.

        ``mkdocs serve`` checks in its own process (it runs threads, which a fork does not carry).
        """
        loaded = [lang.locale for lang in languages if not (lang.default or lang.locale == "null" or lang.build is False)]
        rendered = {catalog_locale(locale) for locale in loaded if not wanted or locale in wanted}
        project = Project(locales_dir.parent, locales=locales_dir.name)
        workers = 1 if self.serving else None
        state = self._update_state(locales_dir.parent)
        return record_checks(
            project, state, workers=workers, locales={catalog_locale(loc) for loc in loaded}, publish=rendered,
            meanwhile=(lambda: self._extract_sources(config)) if rendered else None,
        )

    def _extract_sources(self, config: MkDocsConfig) -> None:
        """Extract the source documents the segments cache lacks, for _document to take by content.

        mkdocs has not listed the files yet: every Markdown file under docs/ is read as mkdocs
        reads it. One that mkdocs leaves out, or that fails, is only work wasted here: _document
        takes a result only for the same text, and extracts (and reports errors) itself otherwise.
        """
        cache = self._segments_cache(config)
        docs = Path(config.docs_dir)
        for path in sorted(docs.rglob("*.md")):
            relative = path.relative_to(docs).as_posix()
            if self._is_variant(relative) or any(part.startswith(".") for part in relative.split("/")):
                continue
            try:
                text = path.read_text(encoding="utf-8-sig")  # as File.content_string: universal newlines
            except (OSError, UnicodeDecodeError):
                continue
            domain, content_digest = domain_for(Path(relative)), digest(text.encode("utf-8"))
            if opted_out(text) or cache.get(domain, content_digest) is not None:
                continue
            try:
                self.extracted[(domain, content_digest)] = tuple(extract_segments(text, path=f"docs/{relative}"))
            except TlumachError:
                continue

    def _segments_cache(self, config: MkDocsConfig) -> ContentCache[tuple[Segment, ...]]:
        """The source documents' segments cache of the build under way (read once per build)."""
        if self.segments is None:
            root = Path(config.config_file_path).parent
            self.segments = segments_cache(root, self._update_state(root).fingerprint)
        return self.segments

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

    def _load_locale(self, locale: str, locales_dir: Path, *, render: bool) -> LocaleState | None:
        """Counts, check errors and (when rendered here) translations of a locale's catalogues.

        A catalogue the last ``tlumach update`` checked, unchanged since with its glossary, is not
        read again for its counts and errors: .tlumach/ recorded them. It is read for its
        translations only when this build renders the locale.
        """
        directory = locales_dir / catalog_locale(locale) / "LC_MESSAGES"
        files = sorted(directory.rglob("*.po")) if directory.is_dir() else []
        if not files:
            return None
        by_domain: dict[str, dict[tuple[str | None, str], str]] = {}
        translated = total = fuzzy = 0
        machine = False
        errors: list[str] = []
        terms: list[Term] | None = None
        state = self._update_state(locales_dir.parent)
        glossary_unchanged = state.unchanged(locales_dir / catalog_locale(locale) / GLOSSARY_NAME)
        cache = translations_cache(locales_dir.parent, locale, state.fingerprint) if render else None
        for path in files:
            recorded = state.recorded(path) if glossary_unchanged else None
            catalog, published, key = None, None, state.key(path)
            if cache is not None and recorded is not None:  # the record vouches for the content's digest
                published = cache.get(key, state.stamps[key].digest)
                checked = self.checked.pop(path, None)
                if published is None and checked is not None:  # checked by this build, which kept what it parsed
                    published = checked[1]
                    cache.put(key, *checked)
            if published is None and (cache is not None or recorded is None):
                data = catalog_bytes(path)
                catalog = parse_catalog(data, path=path)
                if cache is not None:
                    published = translations(catalog)
                    cache.put(key, digest(data), published)
            if recorded is not None:
                found, summary = recorded
                if self.config.check:
                    errors.extend(str(f) for f in found)
            else:
                assert catalog is not None
                summary = summarise(catalog)
                if self.config.check:
                    if terms is None:
                        terms = load_glossary(locales_dir, catalog_locale(locale))
                    shown = path.relative_to(locales_dir.parent).as_posix()
                    findings = check_catalog(catalog, path=shown, locale=catalog_locale(locale), glossary=terms, errors_only=True)
                    errors.extend(str(f) for f in findings)
            translated += summary.translated
            total += summary.total
            fuzzy += summary.fuzzy
            machine = machine or summary.machine_assisted
            if published is not None:
                by_domain[path.relative_to(directory).with_suffix("").as_posix()] = published
        if cache is not None:
            cache.save()
        percent = 100.0 * translated / total if total else 100.0
        counts = (translated, fuzzy, total - translated - fuzzy)
        return LocaleState(locale, by_domain, percent, machine, errors, counts, built=render)

    # ------------------------------------------------------------ files

    def _document(self, file: File) -> Document:
        domain = domain_for(Path(file.src_uri))
        if domain not in self.documents:
            text = file.content_string.replace("\r\n", "\n")
            reference = f"docs/{file.src_uri}"
            content_digest = digest(text.encode("utf-8"))
            segments = self.segments.get(domain, content_digest) if self.segments is not None else None
            if segments is None:
                segments = self.extracted.pop((domain, content_digest), None)
                if segments is not None and self.segments is not None:
                    self.segments.put(domain, content_digest, segments)
            if segments is None:
                try:
                    segments = tuple(extract_segments(text, path=reference))
                except TlumachError as exc:
                    raise PluginError(f"tlumach: {exc}") from exc
                if self.segments is not None:
                    self.segments.put(domain, content_digest, segments)
            self.documents[domain] = Document(reference, domain, text, segments)
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
        if self.generated:  # mkdocs-static-i18n's next language: the same files, rendered once
            return self._declare_generated(files, config)
        self.translated = {file.src_uri for file in sources}
        cache = self._segments_cache(config)  # made while the checks ran, if they extracted
        for file in sources:
            stem = file.src_uri[: -len(".md")]
            built = [(locale, state) for locale, state in self.locales.items() if state.built]
            document = self._document(file) if built else None
            for locale, state in built:
                assert document is not None
                target = f"{stem}.{locale}.md"
                if files.get_file_from_path(target) is not None:
                    raise PluginError(f"tlumach: docs/{target} exists on disk; translations come from .po files, delete it")
                self.generated[target] = render_markdown(
                    document, state.translations.get(document.domain, {}), mark_missing=marker
                )
                # mkdocs-static-i18n only accepts files under docs_dir and rebuilds File objects from
                # their paths, so the file is declared there and its content attached afterwards.
                files.append(File(target, config.docs_dir, config.site_dir, config.use_directory_urls))
        cache.save()
        self.extracted = {}  # what mkdocs did not list (an excluded draft): no longer wanted
        for state in self.locales.values():
            # Every page is rendered (self.generated): the catalogues' translations, every built
            # locale's at once, would otherwise stay in memory until the last language is built.
            state.translations = {}
        if self.config.progress_page and files.get_file_from_path(PROGRESS_PAGE) is None:
            self.generated[PROGRESS_PAGE] = self._progress_markdown()
            files.append(File(PROGRESS_PAGE, config.docs_dir, config.site_dir, config.use_directory_urls))
        return files

    def _declare_generated(self, files: Files, config: MkDocsConfig) -> Files:
        for target in self.generated:
            files.append(File(target, config.docs_dir, config.site_dir, config.use_directory_urls))
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

    @event_priority(-100)  # last: what every plugin made of the page is cleaned
    def on_page_content(self, html_text: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        if self._locale_of(page) == self.default_locale or not self.config.sanitize:
            return html_text
        if not self.cleaner.workers:
            return sanitize_html(html_text)
        self.cleaning.append((page, self.cleaner.start(html_text)))
        return html_text  # replaced by its cleaned version in on_env, before any page is rendered

    @event_priority(100)  # first: every plugin's on_env and every template sees cleaned pages
    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        """Every converted page of this language back from the cleaner (mkdocs renders none before);
        the theme's templates compiled by an earlier language's build taken from there."""
        cleaning, self.cleaning = self.cleaning, []
        for page, sent in cleaning:
            page.content = self.cleaner.result(sent, page.content or "")
        share_compiled_templates(env, self.templates)
        return env

    def on_build_error(self, *, error: Exception) -> None:
        self.cleaning = []
        self.cleaner.close()

    def on_shutdown(self) -> None:
        self.cleaner.close()

    def on_page_context(self, context: TemplateContext, *, page: Page, config: MkDocsConfig, nav: Any) -> TemplateContext:
        locale = self._locale_of(page)
        date = page.meta.get("date")
        info: dict[str, Any] = {"locale": locale, "direction": ui.direction(locale), "label": page.meta.get("label", "")}
        if isinstance(date, (dt.date, dt.datetime)):
            date_locale = self.config.source_date_locale if locale == self.default_locale else catalog_locale(locale)
            day = date.date() if isinstance(date, dt.datetime) else date
            formatted = _long_date_pattern(date_locale).apply(day, babel_locale(date_locale))  # as format_date
            info["date"] = _in_script(locale, formatted)
            info["date_iso"] = date.isoformat()
        state = self.locales.get(locale)
        if state is not None and state.machine_assisted:
            info["status"] = _in_script(locale, ui.note_for(locale))
        info["languages_heading"] = _in_script(locale, ui.languages_heading(locale))
        info["negotiate"] = locale == self.default_locale and page.is_homepage
        info["published"] = [self.default_locale, *self.locales]
        context["tlumach"] = info  # type: ignore[typeddict-unknown-key]
        if self.own_switcher and len(self.languages) > 1:
            _set_switcher(config, self._switcher(page, config))
        return context

    def _switcher(self, page: Page | None, config: MkDocsConfig) -> list[dict[str, str]]:
        """Material's language selector: every published locale, on the same page where it has one.

        mkdocs-static-i18n builds this from the locales it builds; tlumach builds it from the
        published ones (the same list in a full build) so that a share of the build writes the
        same pages. Links as mkdocs-static-i18n writes them: the locale's root, or the page.
        """
        base_url = urlsplit(config.site_url).path.rstrip("/") if config.site_url else ""
        suffix = "" if config.use_directory_urls else "index.html"
        entries = [
            {"name": lang.name, "link": lang.fixed_link or f"{base_url}{lang.link}{suffix}", "lang": lang.locale}
            for lang in self.languages
        ]
        if page is None or PurePath(page.url) in (PurePath("."), PurePath(str(getattr(page.file, "locale_alternate_of", "")))):
            return entries
        alternates = self._alternates(page, config)
        for entry in entries:
            if entry["lang"] in alternates:
                entry["link"] = alternates[entry["lang"]]
        return entries

    def _alternates(self, page: Page, config: MkDocsConfig) -> dict[str, str]:
        """The page's URL (relative to the site) in each published locale that has it."""
        source = str(getattr(page.file, "norm_src_uri", page.file.src_uri))
        return {
            lang.locale: self._url_in(source, lang.locale, config)
            for lang in self.languages
            if lang.locale == self.default_locale or (lang.locale in self.locales and source in self.translated)
        }

    def _url_in(self, source: str, locale: str, config: MkDocsConfig) -> str:
        """The URL mkdocs-static-i18n gives a source page in a locale, whether or not this build renders it."""
        from mkdocs_static_i18n.suffix import create_i18n_file

        key = (source, locale)
        if key not in self.urls:
            name = source if locale == self.default_locale else f"{source[: -len('.md')]}.{locale}.md"
            file = File(name, config.docs_dir, config.site_dir, config.use_directory_urls)
            all_languages = [lang.locale for lang in self._i18n(config).config.languages]
            self.urls[key] = create_i18n_file(file, locale, self.default_locale, all_languages, config).url
        return self.urls[key]

    def on_template_context(self, context: TemplateContext, *, template_name: str, config: MkDocsConfig) -> TemplateContext:
        """The 404 page in the language being built, linking back to the statement in that language."""
        if template_name != "404.html":
            return context
        locale = self._building(config)
        title, link = ui.not_found(locale)
        prefix = "" if locale == self.default_locale else f"{locale}/"
        home = (config.site_url or "/").rstrip("/") + "/" + prefix
        context["tlumach"] = {  # type: ignore[typeddict-unknown-key]
            "locale": locale,
            "not_found": {"title": _in_script(locale, title), "link": _in_script(locale, link), "home": home},
            "published": [self.default_locale, *self.locales],
        }
        if self.own_switcher and len(self.languages) > 1:
            _set_switcher(config, self._switcher(None, config))  # each locale's root
        return context

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        locale = self._locale_of(page)
        site_url = (config.site_url or "").rstrip("/") + "/"
        alternates = {
            alt_locale: site_url + ("" if url in ("", "./") else url)
            for alt_locale, url in sorted(self._alternates(page, config).items())
        }
        self.pages[page.file.url + "|" + locale] = PageRecord(site_url + page.file.url.lstrip("./"), locale, alternates)
        output = _HTML_TAG_RE.sub(f'<html lang="{locale}" dir="{ui.direction(locale)}"', output, count=1)
        if locale != self.default_locale:
            # Material finds search/search_index.json and sitemap.xml from "base": point it at the
            # locale's own root, where on_post_build writes that locale's index and sitemap.
            start = output.find(_CONFIG_SCRIPT)  # near the end of the page: the regex starts there
            if start >= 0:
                base = _CONFIG_BASE_RE.sub(lambda m: f"{m.group(1)}{m.group(2)}/{locale}/{m.group(3)}", output[start:], count=1)
                output = output[:start] + base
        if self.config.offline:
            output = _relative_links(output, page.file.dest_uri)
        # Material's hreflang links are in the head: only the head is searched (a page is 20x longer).
        head, marker, body = output.partition("</head>")
        if self.config.offline:
            # Offline, hreflang links would only make Material fetch sitemaps from the public
            # host: a reader of the archive must not contact it. The language list stays.
            head = _without_alternates(head)
        elif alternates:
            head = _without_alternates(head)
            links = "".join(
                f'\n    <link rel="alternate" hreflang="{loc}" href="{html.escape(url)}">' for loc, url in alternates.items()
            )
            default = alternates.get(self.default_locale)
            if default:
                links += f'\n    <link rel="alternate" hreflang="x-default" href="{html.escape(default)}">'
            head += links + "\n  " if marker else ""
        return head + marker + body

    # ------------------------------------------------------------ whole site

    @event_priority(100)
    def _keep_not_found(self, *, config: MkDocsConfig) -> None:
        """Each language build writes the one 404.html; keep every language's before the next overwrites it."""
        page = Path(config.site_dir) / "404.html"
        if page.exists():
            locale = self._building(config)
            self.not_found[locale] = page.read_bytes()

    @event_priority(-50)
    def _keep_search_entries(self, *, config: MkDocsConfig) -> None:
        """Each language build's entries of Material's search index, after its search plugin has them
        (priority 0) and before mkdocs-static-i18n (-100) merges every language's into one index,
        drops a locale's sections that read as the source's, and writes it all to one file."""
        index = _material_search_index(config)
        if index is not None:
            locale = self._building(config)
            self.search_entries[locale] = list(index.entries)

    def _built(self) -> list[str]:
        """The languages this build renders: the source and every published locale of its share."""
        return [self.default_locale, *(loc for loc, state in self.locales.items() if state.built)]

    def _own_search_index(self, config: MkDocsConfig) -> Any:
        """Material's search index when _finish_site writes every built language's index from that
        language's own entries of it; None when it splits the combined file another search plugin wrote."""
        index = _material_search_index(config)
        return index if index is not None and set(self.search_entries) == set(self._built()) else None

    @event_priority(-200)
    def _finish_site(self, *, config: MkDocsConfig) -> None:
        i18n = self._i18n(config)
        if getattr(i18n, "building", False):
            return  # a per-language build inside mkdocs-static-i18n; the site is not complete yet
        self.cleaner.close()  # every language is built
        site_dir = Path(config.site_dir)
        published = [self.default_locale, *self.locales]
        built = self._built()
        write_sitemaps(site_dir, self.pages.values(), default=self.default_locale, locales=list(self.locales))
        index = self._own_search_index(config)
        if index is not None:
            # Straight from each language's entries: no 20-30 MB combined file to read back, and a
            # locale keeps the sections mkdocs-static-i18n's deduplication drops from the combined one.
            config_fields = {key: index.config[key] for key in _MATERIAL_INDEX_CONFIG}
            write_search_indexes(
                site_dir, {"config": config_fields}, (e for locale in built for e in self.search_entries[locale]),
                default=self.default_locale, published=published, built=built,
                languages=ui.search_languages, offline=self.config.offline,
            )
        else:  # another search plugin: split the combined index it wrote
            split_search_index(
                site_dir, default=self.default_locale, published=published, built=built,
                languages=ui.search_languages, offline=self.config.offline,
            )
        if self.config.build_locales.strip():  # one share of a parallel or multi-runner build: merge_shares completes it
            write_share(site_dir, default=self.default_locale, published=published, built=built, records=self.pages.values())
        for locale, content in self.not_found.items():
            target = site_dir / ("404.html" if locale == self.default_locale else f"{locale}/404.html")
            if self.config.offline and locale != self.default_locale:
                content = _relative_links(content.decode("utf-8"), f"{locale}/404.html").encode("utf-8")
            target.write_bytes(content)

    on_post_build = CombinedEvent(_keep_not_found, _keep_search_entries, _finish_site)


#: The fields of Material's search plugin configuration its index file carries (SearchIndex.generate_search_index).
_MATERIAL_INDEX_CONFIG = ("lang", "separator", "pipeline", "fields")


def _material_search_index(config: MkDocsConfig) -> Any:
    """Material's search index of the build under way (None with another search plugin or none)."""
    for name in ("material/search", "search"):
        index: Any = getattr(config.plugins.get(name), "search_index", None)
        if (
            type(index).__module__.startswith("material.")
            and isinstance(getattr(index, "entries", None), list)
            and isinstance(getattr(index, "config", None), dict)
            and all(key in index.config for key in _MATERIAL_INDEX_CONFIG)
        ):
            return index
    return None


def _without_alternates(head: str) -> str:
    """The head without mkdocs-static-i18n's relative hreflang links, and the white space before each."""
    parts, last = [], 0
    for match in _ALTERNATE_RE.finditer(head):  # a literal start: found by a quick search, not tried everywhere
        parts.append(head[last : match.start()].rstrip())
        last = match.end()
    return "".join(parts) + head[last:] if parts else head


@functools.lru_cache(maxsize=None)
def _long_date_pattern(locale: str) -> DateTimePattern:
    """babel's long date format for a catalogue locale, looked up once (format_date looks it up every call)."""
    return get_date_format("long", locale=babel_locale(locale))


def _set_switcher(config: MkDocsConfig, entries: list[dict[str, str]]) -> None:
    """Material reads config.extra.alternate; mkdocs-static-i18n sets it as an attribute, which
    templates see before the mapping item (a 404 page showed the last page's links): set both."""
    config.extra["alternate"] = entries
    setattr(config.extra, "alternate", entries)


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


def build_site(
    config_file: Path, site_dir: Path, *, site_url: str, offline: bool, build_locales: Sequence[str] = (),
    sanitize_workers: int | None = None,
) -> SiteBuild:
    """Build the site as ``mkdocs build --strict`` does; report what was published and held back.

    ``build_locales`` renders only those locales (and the source language): one share of the site,
    completed by tlumach.siteoutput.merge_shares.
    """
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    overrides = {"TLUMACH_SITE_URL": site_url, "TLUMACH_OFFLINE": "true" if offline else "false"}
    saved = {key: os.environ.get(key) for key in overrides}
    os.environ.update(overrides)
    try:
        config = load_config(config_file=str(config_file), site_dir=str(site_dir), strict=True)
        if build_locales:
            config.plugins["tlumach"].config.build_locales = ",".join(build_locales)
        if sanitize_workers is not None:
            config.plugins["tlumach"].config.sanitize_workers = sanitize_workers
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
