"""The multilingual site on several cores: each process renders a share of the locales, and the
shares are merged into the site that one build writes, byte for byte.

mkdocs-static-i18n builds the languages one after another in one process. Here every share is
an ordinary build of the source language plus some locales (the tlumach plugin's
``build_locales``), each in its own process; the plugin writes every page's language switcher and
hreflang links from all published locales, so a share's pages are those of the full build, and
``merge_shares`` puts the directories together and writes the root sitemap from every share's pages.
The same two steps split a build across CI runners (docs/maintainers/scaling.md).
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import tempfile
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from tlumach.project import Project, catalog_locale
from tlumach.release import SiteBuild
from tlumach.sanitize import workers_beside
from tlumach.siteoutput import merge_shares
from tlumach.state import UpdateState
from tlumach.update import record_checks

#: From this many locales on, shares are faster than one build even for one document (each
#: language's build has a fixed cost: theme assets, navigation, search; measured: 11 languages of
#: a one-page site, 7.5 s in one build, 5.1 s in two shares on two cores).
PARALLEL_LOCALES = 4


def site_locales(config_file: Path) -> tuple[str, list[str]]:
    """The source language and the other languages listed for mkdocs-static-i18n in mkdocs.yml."""
    from mkdocs.config import load_config

    config = load_config(config_file=str(config_file))
    i18n = config.plugins["i18n"]
    languages = [lang for lang in i18n.config.languages if lang.locale != "null"]
    default = next(lang.locale for lang in languages if lang.default)
    return default, [lang.locale for lang in languages if not lang.default]


def plan_shares(locales: Sequence[str], weights: dict[str, int], jobs: int) -> list[list[str]]:
    """Locales split into at most ``jobs`` shares of similar weight (largest first, to the lightest share)."""
    shares: list[list[str]] = [[] for _ in range(max(1, min(jobs, len(locales))))]
    load = [0] * len(shares)
    for locale in sorted(locales, key=lambda loc: (-weights.get(loc, 0), loc)):
        lightest = min(range(len(shares)), key=lambda i: (load[i], i))
        shares[lightest].append(locale)
        load[lightest] += weights.get(locale, 0) or 1
    return [sorted(share, key=list(locales).index) for share in shares if share]


def _catalogue_bytes(project: Project, locale: str) -> int:
    directory = project.locales_dir / catalog_locale(locale) / "LC_MESSAGES"
    return sum(p.stat().st_size for p in directory.rglob("*.po")) if directory.is_dir() else 0


def default_jobs(locales: Sequence[str]) -> int:
    """Every core for a site in several languages; one build for two or three."""
    return min(os.cpu_count() or 1, len(locales)) if len(locales) >= PARALLEL_LOCALES else 1


def build_in_shares(
    project: Project, config_file: Path, site_dir: Path, *, site_url: str, offline: bool, jobs: int | None = None
) -> SiteBuild:
    """The site built in ``jobs`` processes (default: every core, from four locales on), merged into site_dir."""
    from tlumach.site import build_site

    _default, locales = site_locales(config_file)
    jobs = default_jobs(locales) if jobs is None else jobs
    if jobs <= 1 or len(locales) < 2:
        return build_site(config_file, site_dir, site_url=site_url, offline=offline)
    # Every share must know which locales are published; with each catalogue's checks and counts
    # recorded first, a share reads only the catalogues of the locales it renders.
    record_checks(project, UpdateState.load(project.root))
    weights = {loc: _catalogue_bytes(project, loc) for loc in locales}
    shares = plan_shares(locales, weights, jobs)
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    cleaners = workers_beside(len(shares))
    work = Path(tempfile.mkdtemp(prefix=".tlumach-shares-", dir=site_dir.parent))
    try:
        directories = [work / f"share-{number}" for number in range(len(shares))]
        # spawn: mkdocs-static-i18n keeps state between builds in one process
        with ProcessPoolExecutor(max_workers=len(shares), mp_context=multiprocessing.get_context("spawn")) as pool:
            futures = [
                pool.submit(_build_share, config_file, directory, site_url, offline, tuple(share), cleaners)
                for directory, share in zip(directories, shares)
            ]
            results = [future.result() for future in futures]
        merge_shares(directories, site_dir)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return results[0]


def _build_share(
    config_file: Path, site_dir: Path, site_url: str, offline: bool, locales: tuple[str, ...], sanitize_workers: int | None
) -> SiteBuild:
    from tlumach.site import build_site  # mkdocs is imported in the build processes only

    return build_site(
        config_file, site_dir, site_url=site_url, offline=offline, build_locales=locales, sanitize_workers=sanitize_workers
    )
