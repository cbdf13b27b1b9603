"""The release: checks first, then the site, an offline edition, .mo files, statistics, notes and checksums."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import shutil
import subprocess
import time
import zipfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from tlumach.catalog import compile_catalog, load_catalog
from tlumach.checks import Severity
from tlumach.errors import PublishError
from tlumach.pipeline import StatsRow, check_locales, collect_stats
from tlumach.update import plan_update
from tlumach.project import Project, timestamp
from tlumach.sanitize import workers_beside


@dataclass(frozen=True)
class SiteBuild:
    """What a site build published and held back (filled in by tlumach.site)."""

    published: dict[str, float]
    held_back: dict[str, str]
    machine_assisted: frozenset[str]


@dataclass(frozen=True)
class Release:
    version: str
    directory: Path
    archive: Path
    site: SiteBuild


def _git(root: Path, *args: str) -> str | None:
    try:
        result = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=False)
    except OSError:
        return None
    return result.stdout.strip() if result.returncode == 0 and result.stdout.strip() else None


def source_epoch(root: Path) -> int:
    """SOURCE_DATE_EPOCH, else the last commit's time: the same commit gives the same bytes."""
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if value and value.isdigit():
        return int(value)
    committed = _git(root, "log", "-1", "--format=%ct")
    return int(committed) if committed and committed.isdigit() else 0


def release_version(root: Path, epoch: int) -> str:
    """``git describe`` (tags, else the commit), or the release date outside git."""
    described = _git(root, "describe", "--tags", "--always")
    return described or time.strftime("%Y.%m.%d", time.gmtime(epoch))


def ensure_publishable(project: Project, locales: list[str]) -> None:
    """Refuse when catalogues are stale or have check errors, naming them."""
    stale = plan_update(project, locales, now=timestamp()).stale()
    if stale:
        names = ", ".join(p.relative_to(project.root).as_posix() for p in stale)
        raise PublishError(f"catalogues are stale ({names}); run: tlumach update, review, commit, then release")
    errors = [f for f in check_locales(project, locales) if f.severity is Severity.ERROR]
    if errors:
        listed = "\n  ".join(str(f) for f in errors[:20])
        more = f"\n  … and {len(errors) - 20} more" if len(errors) > 20 else ""
        raise PublishError(f"{len(errors)} check error(s); fix them or run tlumach check for all findings:\n  {listed}{more}")


def _sha256sums(directory: Path) -> str:
    lines = []
    for path in sorted(p for p in directory.rglob("*") if p.is_file() and p.name != "SHA256SUMS"):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        lines.append(f"{digest}  {path.relative_to(directory).as_posix()}")
    return "\n".join(lines) + "\n"


def _zip(directory: Path, archive: Path, epoch: int) -> None:
    """A reproducible zip: sorted entries, fixed times and modes."""
    stamp = time.gmtime(max(epoch, 315532800))[:6]
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as handle:
        for path in sorted(directory.rglob("*")):
            name = f"{directory.name}/{path.relative_to(directory).as_posix()}"
            if path.is_dir():
                info = zipfile.ZipInfo(name + "/", date_time=stamp)
                info.external_attr = (0o40755 << 16) | 0x10
                handle.writestr(info, b"")
                continue
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.external_attr = 0o100644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            handle.writestr(info, path.read_bytes())


def _stats_json(rows: list[StatsRow], site: SiteBuild) -> str:
    data = {
        "locales": [
            {
                "locale": r.locale, "document": r.domain, "translated": r.stats.translated, "fuzzy": r.stats.fuzzy,
                "untranslated": r.stats.untranslated, "obsolete": r.stats.obsolete, "total": r.stats.total,
                "words": r.stats.words, "translated_words": r.stats.translated_words, "percent": round(r.stats.percent, 2),
            }
            for r in rows
        ],
        "published": sorted(site.published),
        "held_back": dict(sorted(site.held_back.items())),
    }
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def _release_notes(version: str, epoch: int, site_url: str, site: SiteBuild) -> str:
    date = time.strftime("%Y-%m-%d", time.gmtime(epoch))
    lines = [
        f"# Release {version}",
        "",
        f"Built {date} from the catalogues in `locales/`; site address: {site_url}",
        "",
        "## Published languages",
        "",
        "| Locale | Translated | Review status |",
        "|---|---|---|",
    ]
    for locale, percent in sorted(site.published.items()):
        status = "machine-assisted, not yet reviewed by a human" if locale in site.machine_assisted else "reviewed"
        lines.append(f"| {locale} | {percent:.1f}% | {status} |")
    lines += ["", "## Held back", ""]
    lines += [f"- `{locale}`: {reason}" for locale, reason in sorted(site.held_back.items())] or ["None."]
    lines += [
        "",
        "## Contents",
        "",
        "- `site/`: the multilingual site to upload to any static host.",
        "- `offline/`: the same site for reading without a server: unpack and open `offline/index.html`.",
        "- `locales/<lang>/LC_MESSAGES/*.mo`: compiled catalogues (fuzzy entries left out).",
        "- `stats.json`: per-locale counts from `tlumach stats`.",
        "- `SHA256SUMS`: checksums of every file; verify with `sha256sum -c SHA256SUMS`.",
        "",
    ]
    return "\n".join(lines)


def _build(config_file: Path, site_dir: Path, site_url: str, offline: bool, sanitize_workers: int | None) -> SiteBuild:
    from tlumach.site import build_site  # mkdocs is imported only in the build processes

    return build_site(config_file, site_dir, site_url=site_url, offline=offline, sanitize_workers=sanitize_workers)


def make_release(project: Project, *, out_dir: Path, site_url: str, config_file: Path) -> Release:
    """Build dist/tlumach-<version>/ and its zip; refuse when catalogues are stale or have errors."""
    locales = project.locale_codes()
    ensure_publishable(project, locales)
    epoch = source_epoch(project.root)
    version = release_version(project.root, epoch)
    directory = out_dir / f"tlumach-{version}"
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    # Each build runs in a fresh process (mkdocs-static-i18n keeps state between builds in one
    # process); the two editions build side by side on two cores.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=2, mp_context=context) as pool:
        cleaners = workers_beside(2)
        online = pool.submit(_build, config_file, directory / "site", site_url, False, cleaners)
        offline = pool.submit(_build, config_file, directory / "offline", site_url, True, cleaners)
        site = online.result()
        offline.result()
    for locale in locales:
        for path in sorted((project.locales_dir / locale / "LC_MESSAGES").rglob("*.po")):
            relative = path.relative_to(project.locales_dir).with_suffix(".mo")
            compile_catalog(load_catalog(path), directory / "locales" / relative)
    (directory / "stats.json").write_text(_stats_json(collect_stats(project, locales), site), encoding="utf-8")
    (directory / "RELEASE-NOTES.md").write_text(_release_notes(version, epoch, site_url, site), encoding="utf-8")
    (directory / "SHA256SUMS").write_text(_sha256sums(directory), encoding="utf-8")
    archive = out_dir / f"tlumach-{version}.zip"
    _zip(directory, archive, epoch)
    return Release(version, directory, archive, site)
