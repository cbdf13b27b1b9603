"""tlumach.mdlinks: Python-Markdown's bracket scan, faster, with the same lists and the same HTML."""

from __future__ import annotations

import random

import markdown  # type: ignore[import-untyped]
from markdown.inlinepatterns import LinkInlineProcessor  # type: ignore[import-untyped]

from conftest import REPO
from tlumach.mdlinks import FasterLinks, bracket_ends


def test_bracket_ends_are_python_markdowns_own_on_random_texts() -> None:
    stock = LinkInlineProcessor._findBracketEnds
    rnd = random.Random(8)
    for _ in range(30000):
        text = "".join(rnd.choice("[[]]a (\\") for _ in range(rnd.randint(0, 60)))
        assert bracket_ends(text) == stock(text), text
    for text in ("", "[" * 500, "]" * 500, "[a](b) [[c]]] ]][[", "x" * 100 + "[" + "y" * 50):
        assert bracket_ends(text) == stock(text), text


def _pages() -> list[str]:
    rnd = random.Random(5)
    pieces = ["[link](https://e.org/a)", "![image](i.png \"t\")", "[ref][r]", "[r]", "[[nested] text](u)",
              "*em*", "**strong**", "`co[de]`", "\\[escaped\\]", "[open", "close]", "<b>[x]</b>", "word"]
    made = [" ".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 30))) + "\n\n[r]: https://e.org/r\n" for _ in range(300)]
    sources = [REPO / "docs" / "index.md", *sorted((REPO / "locales").glob("*/LC_MESSAGES/index.po"))]
    return made + [path.read_text(encoding="utf-8") for path in sources]


def test_pages_convert_to_the_same_html_with_the_extension() -> None:
    for text in _pages():
        plain = markdown.markdown(text, extensions=["attr_list", "toc", "tables"])
        faster = markdown.markdown(text, extensions=["attr_list", "toc", "tables", FasterLinks()])
        assert faster == plain, text[:200]


def test_every_link_processor_shares_the_faster_scan() -> None:
    md = markdown.Markdown(extensions=["tlumach.mdlinks"])
    links = [p for p in md.inlinePatterns if isinstance(p, LinkInlineProcessor)]
    assert len(links) == 6
    assert len({id(vars(p)["_findBracketEnds"]) for p in links}) == 1
