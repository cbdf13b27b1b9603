"""One ``mkdocs build`` with tlumach's plugin, timing tlumach's own work inside the same process.

    python bench/hooktime.py PROJECT SITE_DIR REPORT.json

The difference between a plugin build and its floor (the same pages pre-translated on disk) is
two medians of 20-second builds subtracted: on a shared machine it moved between 8% and 18% of
the build for the same code. This measures the same share directly: the wall time spent inside
every hook of the plugin (the work only tlumach does: reading catalogues and what the last update
recorded, extracting, rendering, sanitising, switcher and hreflang links, per-locale search
indexes and sitemaps, the 404 pages), plus the import of tlumach's modules, against the wall time
of the whole build, both in one run. It over-counts rather than under-counts: anything mkdocs
does when a hook calls it (File objects for generated pages, mkdocs-static-i18n's URLs) and
babel's import are counted as tlumach's.
"""

from __future__ import annotations

import functools
import json
import os
import resource
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

#: The plugin's event handlers (their time is the total) and, inside them, the parts reported
#: separately (their times are already in the total).
HOOKS = (
    "on_config", "_generate_files", "_attach_content", "on_page_markdown", "on_page_content",
    "on_env", "on_page_context", "on_template_context", "on_post_page", "_keep_not_found", "_keep_search_entries",
    "_finish_site",
    "on_build_error", "on_shutdown",
)
PARTS = (
    "record_checks", "parse_catalog", "check_catalog", "extract_segments", "render_markdown", "sanitize_html",
    "write_sitemaps", "split_search_index", "write_search_indexes", "write_share",
)


def _timed(function: Callable[..., Any], label: str, seconds: dict[str, float], calls: dict[str, int]) -> Callable[..., Any]:
    @functools.wraps(function)
    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            seconds[label] += time.perf_counter() - start
            calls[label] += 1

    return timed


def main(project: Path, site_dir: Path, report: Path) -> None:
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    start = time.perf_counter()
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    import mkdocs.plugins, mkdocs.structure.files, mkdocs.structure.pages, mkdocs.utils.templates  # noqa: E401, F401

    before_import = time.perf_counter()
    import tlumach.site as site

    import_seconds = time.perf_counter() - before_import
    seconds: dict[str, float] = defaultdict(float)
    calls: dict[str, int] = defaultdict(int)
    plugin = site.TlumachPlugin
    for name in HOOKS:
        if hasattr(plugin, name):  # an older tree (--against) may lack a later hook
            setattr(plugin, name, _timed(getattr(plugin, name), name, seconds, calls))
    # The class bound its combined events to the unwrapped methods: bind them again, to every
    # method each one has in the tree under test (functools.wraps keeps their priorities).
    for event in ("on_files", "on_post_build"):
        methods = vars(plugin)[event].methods
        setattr(plugin, event, site.CombinedEvent(*(getattr(plugin, method.__name__) for method in methods)))
    for name in PARTS:
        if hasattr(site, name):
            setattr(site, name, _timed(getattr(site, name), name, seconds, calls))

    os.chdir(project)
    config = load_config(config_file="mkdocs.yml", site_dir=str(site_dir), strict=True)
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
    build_seconds = time.perf_counter() - start
    hooks = sum(seconds[name] for name in HOOKS)
    own = hooks + import_seconds
    result = {
        "build_s": round(build_seconds, 4),
        "own_s": round(own, 4),
        "share": round(own / build_seconds, 4),
        "import_s": round(import_seconds, 4),
        # the build's own process (its worker processes, checking and cleaning, are not counted)
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "hooks": {name: [round(seconds[name], 4), calls[name]] for name in HOOKS if calls[name]},
        "parts": {name: [round(seconds[name], 4), calls[name]] for name in PARTS if calls[name]},
    }
    report.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit("usage: python bench/hooktime.py PROJECT SITE_DIR REPORT.json")
    main(Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve(), Path(sys.argv[3]).resolve())
