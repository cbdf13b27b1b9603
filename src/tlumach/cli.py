"""The command line: ``main(argv) -> int``; the only place that prints or picks an exit code."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from tlumach import __version__
from tlumach.errors import TlumachError
from tlumach.findings import Severity
from tlumach.project import Project, timestamp
from tlumach.state import UpdateState, code_fingerprint
from tlumach.update import plan_update, record_update, update_findings

if TYPE_CHECKING:
    from tlumach.pipeline import StatsRow

# The catalogue and Markdown machinery (polib, babel, markdown-it) is imported by the commands
# that use it: a no-change `update` or `update --check` (pre-commit, CI) starts in a fraction of the time.

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
DEFAULT_TRANSLATOR = "unassigned"
DEFAULT_SITE_URL = "http://localhost:8000/"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        raise _UsageError(message)


class _UsageError(Exception):
    pass


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="tlumach", description="One statement, many languages, through gettext.")
    parser.add_argument("--version", action="version", version=f"tlumach {__version__}")
    parser.add_argument("--root", type=Path, default=Path("."), help="project root (holds docs/ and locales/)")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only errors")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    extract = sub.add_parser("extract", help="write locales/<domain>.pot from every document under docs/")
    extract.add_argument("--check", action="store_true", help="write nothing; exit 1 if a template is stale")

    init = sub.add_parser("init", help="create the catalogues of a new locale")
    init.add_argument("locale", help="locale code, e.g. be, ru, pt_BR")
    init.add_argument("--translator", default=DEFAULT_TRANSLATOR, help="Last-Translator header (name <email>)")
    init.add_argument("--team", default=None, help="Language-Team header")

    update = sub.add_parser("update", help="re-extract and merge templates into every catalogue (msgmerge semantics)")
    update.add_argument("locales", nargs="*", help="locales to update (default: all)")
    update.add_argument("--check", action="store_true", help="write nothing; exit 1 naming stale catalogues")
    update.add_argument(
        "--full", action="store_true",
        help="re-read, merge and check every catalogue, ignoring what .tlumach/ recorded of the last update",
    )

    stats = sub.add_parser("stats", help="translated / fuzzy / untranslated / obsolete per locale and document")
    stats.add_argument("locales", nargs="*", help="locales (default: all)")
    stats.add_argument("--json", action="store_true", help="machine-readable output")
    check = sub.add_parser("check", help="quality checks on every catalogue; exit 1 on any error")
    check.add_argument("locales", nargs="*", help="locales or .po paths (default: all)")
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.add_argument("--errors-only", action="store_true", help="leave warnings out")
    render = sub.add_parser("render", help="write a document translated from a locale's catalogue (for review)")
    render.add_argument("locale", help="locale whose catalogue to use")
    render.add_argument("document", nargs="?", default="index.md", help="document under docs/ (default: index.md)")
    render.add_argument("-o", "--output", type=Path, default=None, help="output file (default: standard output)")
    render.add_argument("--mark-untranslated", action="store_true", help="flag untranslated blocks as the preview does")

    build = sub.add_parser("build", help="build the multilingual site (on every core for a big site)")
    build.add_argument("--config", type=Path, default=Path("mkdocs.yml"), help="MkDocs configuration")
    build.add_argument("-d", "--site-dir", type=Path, default=Path("site"), help="output directory (default: site)")
    build.add_argument("--site-url", default=None, help="public address of the site (default: $TLUMACH_SITE_URL)")
    build.add_argument("--offline", action="store_true", help="the edition read from the file system (file://)")
    build.add_argument(
        "--jobs", type=int, default=None,
        help="processes, each rendering a share of the locales (default: every core when there are four locales or more)",
    )
    build.add_argument(
        "--locales", default=None,
        help="render only these locales (comma-separated) and the source language: one share, for tlumach merge-sites",
    )
    merge = sub.add_parser("merge-sites", help="put shares built with --locales together into one site")
    merge.add_argument("out", type=Path, help="the merged site")
    merge.add_argument("shares", type=Path, nargs="+", help="share directories (the first one's source-language pages are used)")

    release = sub.add_parser("release", help="checks, site, offline edition, .mo, stats, notes, SHA256SUMS, zip")
    release.add_argument("--out", type=Path, default=Path("dist"), help="output directory (default: dist)")
    release.add_argument("--site-url", default=None, help="public address of the site (default: $TLUMACH_SITE_URL)")
    release.add_argument("--config", type=Path, default=Path("mkdocs.yml"), help="MkDocs configuration")
    return parser


def _say(args: argparse.Namespace, out: TextIO, text: str) -> None:
    if not args.quiet:
        print(text, file=out)


class _ProgressBar:
    """A one-line progress bar on a terminal; silent when stderr is not a TTY or with --quiet."""

    def __init__(self, label: str, *, enabled: bool) -> None:
        self.label, self.enabled, self.shown = label, enabled and sys.stderr.isatty(), False

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total < 2:
            return
        width = 30
        filled = width * done // total
        sys.stderr.write(f"\r{self.label} [{'=' * filled}{' ' * (width - filled)}] {done}/{total}")
        sys.stderr.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\n")


def _locales(project: Project, requested: Sequence[str]) -> list[str]:
    """Locale codes from arguments that are codes or catalogue paths (as pre-commit passes them)."""
    known = project.locale_codes()
    chosen: list[str] = []
    for item in requested:
        locale = item
        if item.endswith(".po"):
            parts = Path(item).parts
            locale = parts[parts.index("LC_MESSAGES") - 1] if "LC_MESSAGES" in parts[1:] else item
        if locale not in known:
            raise TlumachError(f"no catalogues for locale {locale!r}; run: tlumach init {locale}")
        if locale not in chosen:
            chosen.append(locale)
    return chosen or known


def _cmd_extract(args: argparse.Namespace, project: Project, out: TextIO) -> int:
    from tlumach.pipeline import apply, plan_extract

    writes = plan_extract(project, now=timestamp())
    if args.check:
        stale = [w.path for w in writes if w.is_stale()]
        for path in stale:
            print(f"{path}: stale; run: tlumach extract", file=sys.stderr)
        return EXIT_FINDINGS if stale else EXIT_OK
    for path in apply(writes):
        _say(args, out, f"wrote {path}")
    return EXIT_OK


def _cmd_init(args: argparse.Namespace, project: Project, out: TextIO) -> int:
    from tlumach.pipeline import apply, plan_init

    writes = plan_init(project, args.locale, now=timestamp(), translator=args.translator, team=args.team)
    for path in apply(writes):
        _say(args, out, f"wrote {path}")
    return EXIT_OK


def _cmd_update(args: argparse.Namespace, project: Project, out: TextIO) -> int:
    bar = _ProgressBar("update", enabled=not args.quiet)
    locales = _locales(project, args.locales)
    state = UpdateState(project.root, code_fingerprint()) if args.full else UpdateState.load(project.root)
    try:
        plan = plan_update(project, locales, now=timestamp(), progress=bar, state=state, stage=not args.check)
    finally:
        bar.close()
    if args.check:
        stale = plan.stale()
        for path in stale:
            print(f"{path}: stale; run: tlumach update", file=sys.stderr)
        return EXIT_FINDINGS if stale else EXIT_OK
    written = set(plan.commit())
    for path in sorted(written):
        _say(args, out, f"wrote {path}")
    root = project.root
    for old, new in plan.moved:
        print(f"moved: {new.relative_to(root)} starts from {old.relative_to(root)}, the catalogue of the document's "
              f"old place; check it, then delete {old.relative_to(root)}", file=sys.stderr)
    for path in plan.orphans:
        print(f"warning: {path.relative_to(root)}: no document in {project.docs}/ has these translations; if it moved "
              "or was renamed, give the catalogue its new path (same name in another folder: tlumach update "
              "does it), else delete it", file=sys.stderr)
    for item in plan.updates:
        u = item.update
        if u.changed:
            _say(
                args,
                out,
                f"{item.path}: {u.kept} kept, {u.fuzzy} fuzzy, {u.added} new, {u.revived} revived, {u.obsoleted} obsolete",
            )
    # The catalogues are merged and written either way (nothing is lost); a locale with an
    # error-level finding cannot be published, so say which and exit 1.
    findings = update_findings(project, plan, locales, state)
    record_update(state, project, plan)
    errors = [f for f in findings if f.severity is Severity.ERROR]
    for finding in errors:
        print(f"error: {finding}", file=sys.stderr)
    if errors:
        print(f"error: {len(errors)} check error(s): these locales cannot be published until fixed", file=sys.stderr)
        return EXIT_FINDINGS
    return EXIT_OK


def _stats_table(rows: Sequence[StatsRow]) -> str:
    header = ("locale", "document", "translated", "fuzzy", "untranslated", "obsolete", "words", "percent")
    body = [
        (r.locale, r.domain, str(r.stats.translated), str(r.stats.fuzzy), str(r.stats.untranslated),
         str(r.stats.obsolete), f"{r.stats.translated_words}/{r.stats.words}", f"{r.stats.percent:.1f}%")
        for r in rows
    ]
    widths = [max(len(row[i]) for row in [header, *body]) for i in range(len(header))]
    lines = []
    for row in [header, *body]:
        cells = [cell.ljust(widths[i]) if i < 2 else cell.rjust(widths[i]) for i, cell in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def _cmd_stats(args: argparse.Namespace, project: Project, out: TextIO) -> int:
    from tlumach.pipeline import collect_stats

    rows = collect_stats(project, _locales(project, args.locales))
    if args.json:
        data = [
            {"locale": r.locale, "document": r.domain, "translated": r.stats.translated, "fuzzy": r.stats.fuzzy,
             "untranslated": r.stats.untranslated, "obsolete": r.stats.obsolete, "total": r.stats.total,
             "words": r.stats.words, "translated_words": r.stats.translated_words,
             "percent": round(r.stats.percent, 2)}
            for r in rows
        ]
        print(json.dumps(data, indent=2, ensure_ascii=False), file=out)
    else:
        print(_stats_table(rows), file=out)
    return EXIT_OK


def _cmd_check(args: argparse.Namespace, project: Project, out: TextIO) -> int:
    from tlumach.pipeline import check_locales

    findings = check_locales(project, _locales(project, args.locales))
    if args.errors_only:
        findings = [f for f in findings if f.severity is Severity.ERROR]
    if args.format == "json":
        data = [{"path": f.path, "line": f.line, "severity": f.severity.value, "code": f.code, "message": f.message} for f in findings]
        print(json.dumps(data, indent=2, ensure_ascii=False), file=out)
    else:
        for finding in findings:
            print(finding, file=out)
        errors = sum(f.severity is Severity.ERROR for f in findings)
        _say(args, sys.stderr, f"{errors} error(s), {len(findings) - errors} warning(s)")
    return EXIT_FINDINGS if any(f.severity is Severity.ERROR for f in findings) else EXIT_OK


def _cmd_render(args: argparse.Namespace, project: Project, out: TextIO) -> int:
    from tlumach.catalog import load_catalog, translations, write_if_changed
    from tlumach.render import render_markdown

    relative = Path(args.document)
    if not (project.docs_dir / relative).is_file():
        raise TlumachError(f"no document {relative.as_posix()!r} under {project.docs}/")
    locale = _locales(project, [args.locale])[0]
    document = project.document(relative)
    catalog = load_catalog(project.catalog_path(locale, document.domain))
    marker = (lambda segment: f"{segment.text} [untranslated]") if args.mark_untranslated else None
    text = render_markdown(document, translations(catalog), mark_missing=marker)
    if args.output is None:
        out.write(text)
    elif write_if_changed(args.output, text):
        _say(args, sys.stderr, f"wrote {args.output}")
    return EXIT_OK


def _cmd_build(args: argparse.Namespace, project: Project, out: TextIO) -> int:
    from tlumach.parallel import build_in_shares
    from tlumach.site import build_site

    site_url = args.site_url or os.environ.get("TLUMACH_SITE_URL") or DEFAULT_SITE_URL
    config = args.config if args.config.is_absolute() else project.root / args.config
    site_dir = args.site_dir if args.site_dir.is_absolute() else project.root / args.site_dir
    if args.locales is not None:
        share = [loc.strip() for loc in args.locales.split(",") if loc.strip()]
        if not share:
            raise TlumachError("--locales needs at least one locale, e.g. --locales be,ru")
        result = build_site(config, site_dir, site_url=site_url, offline=args.offline, build_locales=share)
    else:
        result = build_in_shares(project, config, site_dir, site_url=site_url, offline=args.offline, jobs=args.jobs)
    _say(args, out, f"built {site_dir}: {', '.join(sorted(result.published)) or 'source language only'}")
    for locale, reason in sorted(result.held_back.items()):
        _say(args, out, f"held back: {locale}: {reason}")
    return EXIT_OK


def _cmd_merge_sites(args: argparse.Namespace, project: Project, out: TextIO) -> int:
    from tlumach.siteoutput import merge_shares

    merged = merge_shares(list(args.shares), args.out)
    _say(args, out, f"merged {len(args.shares)} share(s) into {args.out}: {', '.join(merged)}")
    return EXIT_OK


def _cmd_release(args: argparse.Namespace, project: Project, out: TextIO) -> int:
    from tlumach.release import make_release

    site_url = args.site_url or os.environ.get("TLUMACH_SITE_URL") or DEFAULT_SITE_URL
    config = args.config if args.config.is_absolute() else project.root / args.config
    out_dir = args.out if args.out.is_absolute() else project.root / args.out
    result = make_release(project, out_dir=out_dir, site_url=site_url, config_file=config)
    _say(args, out, f"released {result.version}: {result.directory} and {result.archive}")
    _say(args, out, f"published: {', '.join(sorted(result.site.published)) or 'source language only'}")
    for locale, reason in sorted(result.site.held_back.items()):
        _say(args, out, f"held back: {locale}: {reason}")
    if site_url == DEFAULT_SITE_URL:
        _say(args, out, f"note: built for {site_url}; set TLUMACH_SITE_URL (or --site-url) to the public address")
    return EXIT_OK


_COMMANDS = {"build": _cmd_build, "merge-sites": _cmd_merge_sites, "extract": _cmd_extract, "init": _cmd_init, "update": _cmd_update, "stats": _cmd_stats, "check": _cmd_check, "release": _cmd_release, "render": _cmd_render}


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    """Run one tlumach command; return the exit code."""
    out = out or sys.stdout
    try:
        args = _parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    except _UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    project = Project(args.root)
    try:
        return _COMMANDS[args.command](args, project, out)
    except TlumachError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FINDINGS
