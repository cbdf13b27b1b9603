"""The site stage: the multilingual ``mkdocs build`` of a corpus, its floor, and per-locale builds.

(Not named site.py: bench/ is on sys.path and would shadow Python's ``site`` module.)
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import corpus
import peers
from tlumach.catalog import load_catalog
from tlumach.pofile import generate_po
from measure import Sample, StageFailed, Timing, interleave, repeat, run_measured
from peers import Verdict
from stages import Corpus, Row, edit_paragraph, timed_row

REPO = Path(__file__).resolve().parent.parent
MKDOCS = [peers.PY, "-m", "mkdocs"]
NAMES = {
    "en": "English", "be": "Беларуская", "ru": "Русский", "uk": "Українська", "pl": "Polski", "lt": "Lietuvių",
    "de": "Deutsch", "fr": "Français", "es": "Español", "it": "Italiano", "nl": "Nederlands",
}


def mkdocs_yml(locales: Sequence[str], *, with_tlumach: bool = True, only: str | None = None,
               built: Sequence[str] | None = None) -> str:
    """The corpus site's configuration: the repository's mkdocs.yml with the corpus's languages.

    ``only`` sets mkdocs-static-i18n's build_only_locale; ``built`` lists the languages with
    ``build: true`` (the others stay in the language list with ``build: false``).
    """
    plugin = "  - tlumach:\n      locales_dir: locales\n      threshold: 100\n" if with_tlumach else ""
    languages = "".join(
        f"        - locale: {loc}\n          name: {NAMES.get(loc, loc)}\n"
        + ("          default: true\n" if loc == "en" else "")
        + f"          build: {'true' if built is None or loc in built else 'false'}\n"
        for loc in ["en", *locales]
    )
    return f"""site_name: Bench statements
site_url: http://localhost:8000/
strict: true
docs_dir: docs
extra_css:
  - assets/tlumach.css
theme:
  name: material
  custom_dir: overrides
  language: en
  font: false
  features:
    - navigation.prune
markdown_extensions:
  - attr_list
  - toc:
      permalink: true
      slugify: !!python/object/apply:pymdownx.slugs.slugify
        kwds:
          case: lower
  - tlumach.mdlinks
{"" if with_tlumach else f"hooks:{chr(10)}  - {REPO / 'bench' / 'floorhooks.py'}{chr(10)}"}plugins:
  - search
{plugin}  - i18n:
      docs_structure: suffix
      fallback_to_default: false
      reconfigure_material: true
      reconfigure_search: false
{f"      build_only_locale: {only}{chr(10)}" if only else ""}      languages:
{languages}"""


def site_project(c: Corpus, name: str, *, rendered: Path | None = None, homepages: Path | None = None) -> Path:
    """A buildable project: the corpus (or its documents pre-translated on disk) with the theme.

    A site needs a homepage in every language (mkdocs-static-i18n warns without one, and a
    strict build stops), so the tlumach project gets docs/index.md with pseudo-translated
    catalogues (setup, not timed); the floor gets the same pages rendered from them (homepages).
    """
    root = c.scratch(name)
    shutil.copytree(c.base / "docs", root / "docs")
    (root / "docs" / "index.md").write_text(HOMEPAGE, encoding="utf-8")
    if rendered is None:
        shutil.copytree(c.base / "locales", root / "locales")
        (root / "mkdocs.yml").write_text(mkdocs_yml(c.locales), encoding="utf-8")
        tlumach = [*peers.tlumach_command(), "--root", str(root), "-q"]
        subprocess.run([*tlumach, "update"], cwd=c.work, check=False, capture_output=True)
        for locale in c.locales:
            corpus.fill_catalogue(root / "locales" / locale / "LC_MESSAGES" / "index.po", locale)
        shutil.rmtree(root / ".tlumach", ignore_errors=True)
    else:
        assert homepages is not None
        for locale in c.locales:
            for page in sorted((rendered / locale).glob("*.md")):
                shutil.copyfile(page, root / "docs" / f"{page.stem}.{locale}.md")
            render = [*peers.tlumach_command(), "--root", str(homepages), "-q", "render", locale, "index.md",
                      "-o", str(root / "docs" / f"index.{locale}.md")]
            subprocess.run(render, cwd=c.work, check=True, capture_output=True)
        (root / "mkdocs.yml").write_text(mkdocs_yml(c.locales, with_tlumach=False), encoding="utf-8")
    shutil.copytree(REPO / "overrides", root / "overrides")
    (root / "docs" / "assets").mkdir(exist_ok=True)
    shutil.copyfile(REPO / "docs" / "assets" / "tlumach.css", root / "docs" / "assets" / "tlumach.css")
    return root


ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
HOMEPAGE = "# Statements\n\nThe statements of this corpus, one page each.\n"


def mkdocs_build(root: Path, *, config: str = "mkdocs.yml", site: str = "site") -> Sample:
    if (root / site).exists():
        shutil.rmtree(root / site)
    return run_measured([*MKDOCS, "build", "-q", "-f", config, "-d", site], cwd=root, env=ENV)


def _title(document: Path) -> str:
    match = re.search(r'^title: "(.*)"$', document.read_text(encoding="utf-8"), re.MULTILINE)
    return match.group(1) if match else ""


def site_verdict(c: Corpus, site: Path, locales: Sequence[str]) -> Verdict:
    """Each sampled page exists in each locale with its translated title as the page's H1."""
    for name in c.sample():
        title = _title(c.base / "docs" / f"{name}.md")
        for locale in locales:
            page = site / locale / name / "index.html"
            if not page.exists():
                return Verdict(False, f"{locale}/{name}/index.html not built")
            if html.escape(corpus.pseudo(title, locale), quote=False) not in page.read_text(encoding="utf-8"):
                return Verdict(False, f"{locale}/{name}/index.html lacks its translated title")
    return Verdict(True, f"sampled pages built in {len(locales)} locale(s) with translated titles")


def stage_site(c: Corpus, rendered: Path) -> list[Row]:
    """The full multilingual build, and the floor: the same pages pre-translated on disk, no tlumach.

    Three tlumach rows: a cold build (no .tlumach/ record: every catalogue read and checked, as on
    a clean clone), the usual order (tlumach update, then the build, which replays what the update
    recorded), and `tlumach build --jobs 2` (two processes, each a share of the locales, merged).
    """
    project = site_project(c, "s-tlumach")
    floor = site_project(c, "s-floor", rendered=rendered, homepages=project)

    def update() -> None:
        subprocess.run([*peers.tlumach_command(), "--root", str(project), "-q", "update"], cwd=c.work, check=False,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    command = [*peers.tlumach_command(), "--root", str(project), "-q", "build", "--jobs", "2", "-d", "site-jobs2",
               "--site-url", "http://localhost:8000/"]
    accounts: list[dict[str, Any]] = []

    def accounted() -> Sample:
        """The after-update build once more, timing tlumach's own work inside it (bench/hooktime.py)."""
        report = c.work / "hooktime.json"
        sample = run_measured([peers.PY, str(Path(__file__).with_name("hooktime.py")), str(project),
                               str(project / "site-hooktime"), str(report)], cwd=project, env=ENV)
        accounts.append(json.loads(report.read_text(encoding="utf-8")))
        return sample

    full, plain, after, two, _ = interleave([
        (lambda: shutil.rmtree(project / ".tlumach", ignore_errors=True), lambda: mkdocs_build(project)),
        (lambda: None, lambda: mkdocs_build(floor)),
        (update, lambda: mkdocs_build(project)),
        (update, lambda: run_measured(command, cwd=project, env=ENV)),
        (update, accounted),
    ], c.repeat)
    mine = timed_row(c, "site", "mkdocs build + tlumach plugin (cold)", full, site_verdict(c, project / "site", c.locales))
    base = timed_row(c, "site", "mkdocs build, pre-translated .md (floor)", plain, site_verdict(c, floor / "site", c.locales))
    base.status = "floor" if base.status == "ok" else base.status
    mine.note += _share_note(full.seconds, plain.seconds)
    warm = timed_row(c, "site", "mkdocs build + tlumach plugin, after update", after, site_verdict(c, project / "site", c.locales))
    warm.note += _share_note(after.seconds, plain.seconds)
    shared = timed_row(c, "site", "tlumach build --jobs 2 (after update)", two, site_verdict(c, project / "site-jobs2", c.locales))
    same, differ, missing = compare_trees(project / "site", project / "site-jobs2")
    identical = not differ and not missing
    shared.note += f"; vs the one-process build: {same} files identical, {sum(differ.values())} differ, {missing} missing"
    if not identical:
        shared.status = "WRONG"
    return [mine, warm, shared, base, _account_row(c, accounts)]


def _account_row(c: Corpus, accounts: list[dict[str, Any]]) -> Row:
    """tlumach's own seconds inside an after-update build, against that build's, in the same process."""
    middle = sorted(accounts, key=lambda a: a["share"])[len(accounts) // 2]
    parts = ", ".join(f"{name} {seconds:.2f} s" for name, (seconds, _) in
                      sorted({**middle["hooks"], "import": [middle["import_s"], 1]}.items(), key=lambda kv: -kv[1][0])
                      if seconds >= 0.01)
    shares = "/".join(f"{a['share']:.1%}" for a in accounts)
    note = (f"tlumach's own work inside the build: {middle['own_s']:.2f} s of {middle['build_s']:.2f} s, "
            f"{middle['share']:.1%} (runs: {shares}; target <= 10%); {parts}")
    return Row(c.size, "site", "tlumach's own work in an after-update build (in process)", middle["build_s"],
               None, [a["build_s"] for a in accounts], "reference", note)


def _share_note(build: float, floor: float) -> str:
    share = (build - floor) / build
    return f"; tlumach's own share of the build: {share:.0%} ({build - floor:.2f} s; target <= 10%)"


def stage_split(c: Corpus) -> list[Row]:
    """The build split over runners: each renders its locales (tlumach build --locales), one merges.

    Reuses the project of stage_site (its site/ is the one-runner build the merge is compared with).
    Runner 1 renders the first half of the locales, runner 2 the rest; both build the source language.
    """
    project = c.work / "s-tlumach"
    halves = [c.locales[: (len(c.locales) + 1) // 2], c.locales[(len(c.locales) + 1) // 2 :]]
    rows: list[Row] = []
    slowest = 0.0
    directories = []
    for number, share in enumerate(h for h in halves if h):
        directory = f"site-runner{number + 1}"
        command = [*peers.tlumach_command(), "--root", str(project), "-q", "build", "--locales", ",".join(share),
                   "-d", directory, "--site-url", "http://localhost:8000/"]
        timing = repeat(lambda: None, lambda: run_measured(command, cwd=project, env=ENV), 1)
        rows.append(timed_row(c, "site per runner", f"runner {number + 1}: en + {','.join(share)}", timing))
        slowest = max(slowest, timing.seconds)
        directories.append(directory)
    merge = [*peers.tlumach_command(), "--root", str(project), "-q", "merge-sites", "site-merged", *directories]
    timing = repeat(lambda: None, lambda: run_measured(merge, cwd=project, env=ENV), 1)
    same, differ, missing = compare_trees(project / "site", project / "site-merged")
    kinds = ", ".join(f"{count} {kind}" for kind, count in sorted(differ.items())) or "none"
    row = timed_row(c, "site per runner", "tlumach merge-sites", timing)
    row.status = "reference" if not differ and not missing else "WRONG"
    row.note = (
        f"runners in parallel: {slowest + timing.seconds:.2f} s (slowest runner + merge); vs the one-runner "
        f"build: {same} files identical, {missing} missing, differing: {kinds}"
    )
    rows.append(row)
    rows.append(build_only_locale(c, project))
    return rows


def compare_trees(full: Path, merged: Path) -> tuple[int, dict[str, int], int]:
    """Files of the one-runner build: identical in the merged site, differing (by kind), missing."""
    same = missing = 0
    differ: dict[str, int] = {}
    for path in sorted(p for p in full.rglob("*") if p.is_file()):
        other = merged / path.relative_to(full)
        if not other.exists():
            missing += 1
        elif other.read_bytes() == path.read_bytes():
            same += 1
        else:
            kind = _kind(path.relative_to(full))
            differ[kind] = differ.get(kind, 0) + 1
    return same, differ, missing


def _kind(relative: Path) -> str:
    if relative.name.startswith("sitemap.xml"):
        return "root sitemap" if len(relative.parts) == 1 else "locale sitemaps"
    if relative.name == "search_index.json":
        return "search indexes"
    if relative.name == "404.html":
        return "404 pages"
    return "pages" if relative.suffix == ".html" else "other files"


def build_only_locale(c: Corpus, project: Path) -> Row:
    """mkdocs-static-i18n's build_only_locale for the first locale: what tlumach makes of it."""
    locale = c.locales[0]
    (project / "only.yml").write_text(mkdocs_yml(c.locales, only=locale), encoding="utf-8")
    tool = f"build_only_locale: {locale}"
    try:
        timing = repeat(lambda: None, lambda: mkdocs_build(project, config="only.yml", site="site-only"), 1)
    except StageFailed as exc:
        reason = "; ".join(line.strip() for line in str(exc).splitlines() if "WARNING" in line or "ERROR" in line)
        return Row(c.size, "site per runner", tool, status="WRONG", note=f"the strict build fails: {reason[:300]}")
    name = c.sample()[0]
    page = (project / "site-only" / name / "index.html").read_text(encoding="utf-8")
    translated = corpus.pseudo(_title(c.base / "docs" / f"{name}.md"), locale) in page
    verdict = Verdict(translated, "root pages translated" if translated else "the root pages are the English source")
    return timed_row(c, "site per runner", tool, timing, verdict)


# ---------------------------------------------------------------- a rebuild after one edit


REBUILD_SENTENCE = " One more sentence was added to this statement after it was published."


def stage_rebuild(c: Corpus) -> list[Row]:
    """One paragraph edited in one document of a built site: tlumach update, then the site rebuilt.

    The usual way (`tlumach update`, then `tlumach build`, on every core), in a project whose first
    build left its site cache (.tlumach/site-*.json). mkdocs has no incremental build, so the
    rebuild renders every page again; what tlumach can spare is re-reading what did not change.
    The rebuilt site is compared with the first one file by file: the edited document's pages must
    differ in every language (and nothing else but the files that list every page or count every
    message), the English page must carry the new sentence, and the other pages must be identical.
    """
    project = site_project(c, "s-rebuild")
    tlumach = [*peers.tlumach_command(), "--root", str(project), "-q"]
    build = [*tlumach, "build", "-d", "site", "--site-url", "http://localhost:8000/"]
    update = [*tlumach, "update"]
    run_measured(update, cwd=c.work)  # setup: the record the first build replays
    first = repeat(lambda: shutil.rmtree(project / "site", ignore_errors=True), lambda: run_measured(build, cwd=project, env=ENV), 1)
    (project / "site").rename(project / "site-first")
    name = c.sample()[len(c.sample()) // 2]
    edit_paragraph(project / "docs" / f"{name}.md", REBUILD_SENTENCE)
    edited = repeat(lambda: None, lambda: run_measured(update, cwd=c.work), 1)
    for locale in c.locales:  # the translators review the changed paragraph (not timed)
        review_catalogue(project / "locales" / locale / "LC_MESSAGES" / f"{name}.po", locale)
    again = repeat(lambda: None, lambda: run_measured(build, cwd=project, env=ENV), 1)
    (project / "site").rename(project / "site-again")

    def clean_clone() -> None:  # what CI does with the edited, reviewed project: no .tlumach/, update, build
        shutil.rmtree(project / ".tlumach", ignore_errors=True)
        run_measured(update, cwd=c.work)

    cold = repeat(clean_clone, lambda: run_measured(build, cwd=project, env=ENV), 1)
    same, differ, missing = compare_trees(project / "site", project / "site-again")
    verdict = site_verdict(c, project / "site-first", c.locales)
    rows = [
        timed_row(c, "rebuild", "tlumach build (first, no site cache)", first, verdict),
        timed_row(c, "rebuild", f"tlumach update (1 paragraph of {name} edited)", edited),
        timed_row(c, "rebuild", "tlumach build after the edit (site cache of the first)", again,
                  rebuild_verdict(project / "site-first", project / "site-again", name, ["en", *c.locales])),
        timed_row(c, "rebuild", "tlumach build after the edit, clean clone (update, no site cache)", cold),
    ]
    rows[-1].note = f"vs the rebuild with the cache: {same} files identical, {sum(differ.values())} differ, {missing} missing"
    if differ or missing:
        rows[-1].status = rows[-2].status = "WRONG"
    return rows


def review_catalogue(path: Path, locale: str) -> int:
    """What a translator does after an update: every fuzzy entry translated anew and marked reviewed."""
    catalog = load_catalog(path)
    reviewed = 0
    for entry in catalog:
        if "fuzzy" in entry.flags and not entry.obsolete:
            entry.msgstr = corpus.pseudo(entry.msgid, locale)
            entry.flags.remove("fuzzy")
            entry.previous_msgctxt = entry.previous_msgid = entry.previous_msgid_plural = None
            reviewed += 1
    if not reviewed:
        raise StageFailed(f"{path}: the update left no fuzzy entry to review")
    path.write_text(generate_po(catalog), encoding="utf-8")
    return reviewed


#: Files that list every page or count every message: a changed paragraph changes them too.
_SITE_WIDE = ("search/search_index.json", "sitemap.xml", "sitemap.xml.gz", "translation-progress/index.html")


def rebuild_verdict(first: Path, again: Path, name: str, languages: Sequence[str]) -> Verdict:
    """The edited document's pages changed in every language, the rest of the site did not."""
    before = {p.relative_to(first).as_posix() for p in first.rglob("*") if p.is_file()}
    after = {p.relative_to(again).as_posix() for p in again.rglob("*") if p.is_file()}
    if before != after:
        return Verdict(False, f"the rebuilt site has other files: {sorted(before ^ after)[:3]}")
    pages = {f"{'' if lang == 'en' else lang + '/'}{name}/index.html" for lang in languages}
    differ = {rel for rel in before if (first / rel).read_bytes() != (again / rel).read_bytes()}
    unchanged = sorted(pages - differ)
    if unchanged:
        return Verdict(False, f"{unchanged[0]} is as before the edit")
    if REBUILD_SENTENCE.strip() not in (again / f"{name}/index.html").read_text(encoding="utf-8"):
        return Verdict(False, f"{name}/index.html lacks the added sentence")
    wide = {rel for rel in differ - pages if rel.split("/", 1)[-1] in _SITE_WIDE or rel in _SITE_WIDE}
    other = sorted(differ - pages - wide)
    if other:
        return Verdict(False, f"{len(other)} other file(s) changed, e.g. {other[0]}")
    return Verdict(True, f"{len(pages)} pages of {name} changed, {len(wide)} site-wide files (search index, "
                         f"sitemaps, progress pages), the other {len(before) - len(differ)} files identical")
