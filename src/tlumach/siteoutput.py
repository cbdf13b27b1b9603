"""What the site build writes after the pages (no mkdocs here): sitemaps, one search index per
locale, and the merge of builds that each rendered a share of the locales.

A build that renders only some locales (``build_locales``, one process of ``tlumach build
--jobs N`` or one CI runner) writes its page records to ``SHARE_FILE`` in its site directory;
``merge_shares`` puts the shares together into the site a single build would have written.
"""

from __future__ import annotations

import gzip
import html
import io
import json
import shutil
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tlumach.errors import PublishError

SHARE_FILE = ".tlumach-share.json"


@dataclass(frozen=True)
class PageRecord:
    """One built page: its absolute URL, its locale and its versions in every published locale."""

    url: str
    locale: str
    alternates: dict[str, str] = field(default_factory=dict)


def write_sitemaps(site_dir: Path, records: Iterable[PageRecord], *, default: str, locales: Sequence[str]) -> None:
    """The root sitemap (every page, hreflang alternates, x-default) and one small sitemap per locale."""
    ordered = sorted(records, key=lambda r: r.url)
    entries = []
    for record in ordered:
        links = "".join(
            f'\n    <xhtml:link rel="alternate" hreflang="{loc}" href="{html.escape(url)}"/>'
            for loc, url in record.alternates.items()
        )
        if default in record.alternates:
            links += f'\n    <xhtml:link rel="alternate" hreflang="x-default" href="{html.escape(record.alternates[default])}"/>'
        entries.append(f"  <url>\n    <loc>{html.escape(record.url)}</loc>{links}\n  </url>")
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
        + "\n".join(entries)
        + "\n</urlset>\n"
    )
    write_with_gzip(site_dir / "sitemap.xml", xml)
    for locale in locales:
        # Material fetches a sitemap at each locale's root to keep the reader on the same page
        # when switching; it needs only that locale's URLs, so keep it small for slow links.
        if (site_dir / locale).is_dir():
            urls = "".join(f"  <url><loc>{html.escape(r.url)}</loc></url>\n" for r in ordered if r.locale == locale)
            write_with_gzip(
                site_dir / locale / "sitemap.xml",
                '<?xml version="1.0" encoding="UTF-8"?>\n'
                f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}</urlset>\n',
            )


def write_with_gzip(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    buffer = io.BytesIO()
    with gzip.GzipFile(filename=path.name, mode="wb", fileobj=buffer, mtime=0) as handle:
        handle.write(text.encode("utf-8"))
    path.with_name(path.name + ".gz").write_bytes(buffer.getvalue())


def split_search_index(
    site_dir: Path, *, default: str, published: Sequence[str], built: Sequence[str],
    languages: Callable[[str], list[str]], offline: bool,
) -> None:
    """One search index per built locale, from the combined index mkdocs-static-i18n writes."""
    combined = site_dir / "search" / "search_index.json"
    if not combined.exists():
        return
    data = json.loads(combined.read_text(encoding="utf-8"))
    write_search_indexes(
        site_dir, data, data.get("docs", []), default=default, published=published, built=built,
        languages=languages, offline=offline,
    )


def write_search_indexes(
    site_dir: Path, index: dict[str, Any], entries: Iterable[dict[str, Any]], *, default: str,
    published: Sequence[str], built: Sequence[str], languages: Callable[[str], list[str]], offline: bool,
) -> None:
    """Write each built locale's own search index: ``index`` (its "config" and any other fields)
    with the entries under that locale's URL prefix, the prefix taken off, and the locale's languages."""
    prefixes = {locale: f"{locale}/" for locale in published if locale != default}
    groups: dict[str, list[dict[str, Any]]] = {locale: [] for locale in [default, *built] if locale == default or locale in prefixes}
    for doc in entries:
        location = str(doc.get("location", ""))
        owner = next((loc for loc, prefix in prefixes.items() if location.startswith(prefix)), default)
        if owner != default:
            doc = {**doc, "location": location[len(prefixes[owner]) :]}
        if owner in groups:
            groups[owner].append(doc)
    for locale, docs in groups.items():
        data = {**index, "config": {**index.get("config", {}), "lang": languages(locale)}, "docs": docs}
        # default=str as Material's own index: a front-matter boost YAML reads as a date stays text
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True, default=str)
        folder = site_dir / "search" if locale == default else site_dir / locale / "search"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "search_index.json").write_text(text, encoding="utf-8")
        if offline:
            (folder / "search_index.js").write_text(f"var __index = {text}", encoding="utf-8")


def write_share(site_dir: Path, *, default: str, published: Sequence[str], built: Sequence[str], records: Iterable[PageRecord]) -> None:
    """What merge_shares needs of a build that rendered only some of the published locales."""
    data = {
        "default": default,
        "published": list(published),
        "built": list(built),
        "pages": [[r.url, r.locale, r.alternates] for r in sorted(records, key=lambda r: (r.url, r.locale))],
    }
    (site_dir / SHARE_FILE).write_text(json.dumps(data, ensure_ascii=False, indent=0, sort_keys=True), encoding="utf-8")


def merge_shares(shares: Sequence[Path], out: Path) -> list[str]:
    """The site one build of every locale writes, from builds that each rendered a share of them.

    The source-language pages and shared assets come from the first share (every share builds the
    source language, identically); each other locale's directory from the share that rendered it;
    the root sitemap is written again from every share's pages. Returns the locales merged.
    """
    if not shares:
        raise PublishError("no shares to merge")
    infos = []
    for share in shares:
        try:
            infos.append(json.loads((share / SHARE_FILE).read_text(encoding="utf-8")))
        except (OSError, ValueError) as exc:
            raise PublishError(f"not a share of a tlumach build (no readable {SHARE_FILE}); build it with build_locales", path=share) from exc
    published = infos[0]["published"]
    default = infos[0]["default"]
    if any(info["published"] != published or info["default"] != default for info in infos):
        raise PublishError("the shares were built from different catalogues (their published locales differ); rebuild them from one commit")
    owners: dict[str, Path] = {}
    for share, info in zip(shares, infos):
        for locale in info["built"]:
            if locale != default:
                owners.setdefault(locale, share)
    missing = [loc for loc in published if loc != default and loc not in owners]
    if missing:
        raise PublishError(f"no share rendered {', '.join(missing)}; build them too")
    # Merged beside ``out`` and moved into place at the end: a failed merge leaves the old site.
    staging = out.with_name(f".{out.name}.merging")
    shutil.rmtree(staging, ignore_errors=True)
    first = shares[0]
    try:
        shutil.copytree(first, staging, ignore=lambda folder, names: [n for n in names if Path(folder) == first and (n == SHARE_FILE or n in owners)])
        for locale, share in owners.items():
            shutil.copytree(share / locale, staging / locale)
        records: dict[tuple[str, str], PageRecord] = {}
        for info in infos:
            for url, locale, alternates in info["pages"]:
                if locale == default or locale in owners:
                    records.setdefault((url, locale), PageRecord(url, locale, dict(alternates)))
        write_sitemaps(staging, records.values(), default=default, locales=[loc for loc in published if loc != default])
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if out.exists():
        shutil.rmtree(out)
    staging.rename(out)
    return sorted(owners)
