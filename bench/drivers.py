"""In-process loops that bench/run.py times as one subprocess each (interpreter start included).

    python bench/drivers.py tlumach-render ROOT OUT LOCALE...   # render_markdown, every doc x locale
    python bench/drivers.py mdpo-extract DOCS OUT [I/N]          # mdpo.md2po.markdown_to_pofile per doc
                                                                 # (I/N: every Nth document from the Ith)
    python bench/drivers.py mdpo-render DOCS PODIR OUT           # mdpo.po2md.pofile_to_markdown per doc

A per-file command line would start an interpreter per document; these loops give each tool its
best case (one interpreter for the whole corpus), as tlumach's own commands have.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))


def tlumach_render(root: Path, out: Path, locales: list[str]) -> None:
    """Every document in every locale through the public API, written to OUT/<locale>/<doc>.md."""
    from tlumach.catalog import load_catalog, translations
    from tlumach.project import Project
    from tlumach.render import render_markdown

    project = Project(root)
    documents = project.documents()
    for locale in locales:
        folder = out / locale
        folder.mkdir(parents=True, exist_ok=True)
        for document in documents:
            catalog = translations(load_catalog(project.catalog_path(locale, document.domain)))
            text = render_markdown(document, catalog)
            (folder / f"{document.domain}.md").write_text(text, encoding="utf-8")


def mdpo_extract(docs: Path, out: Path, share: str = "0/1") -> None:
    from mdpo.md2po import markdown_to_pofile

    first, _, step = share.partition("/")
    out.mkdir(parents=True, exist_ok=True)
    for path in sorted(docs.glob("*.md"))[int(first) :: int(step)]:
        markdown_to_pofile(str(path), po_filepath=str(out / f"{path.stem}.pot"), save=True, wrapwidth=79)


def mdpo_render(docs: Path, podir: Path, out: Path) -> None:
    from mdpo.po2md import pofile_to_markdown

    out.mkdir(parents=True, exist_ok=True)
    for path in sorted(docs.glob("*.md")):
        # wrapwidth 0: no re-wrapping of paragraphs, the closest to the source layout
        pofile_to_markdown(str(path), str(podir / f"{path.stem}.po"), save=str(out / path.name), wrapwidth=0)


def main(argv: list[str]) -> int:
    command, *args = argv
    if command == "tlumach-render":
        tlumach_render(Path(args[0]), Path(args[1]), args[2:])
    elif command == "mdpo-extract":
        mdpo_extract(Path(args[0]), Path(args[1]), *args[2:3])
    elif command == "mdpo-render":
        mdpo_render(Path(args[0]), Path(args[1]), Path(args[2]))
    else:
        print(f"unknown driver {command!r}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
