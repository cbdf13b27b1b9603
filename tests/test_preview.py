"""The translator's live preview: `mkdocs serve` rebuilds when a .po is saved, and shows partial locales."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from conftest import REPO
from sitebuild import copy_project, free_port


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def wait_for(url: str, needle: str, *, seconds: float = 90) -> str:
    deadline = time.monotonic() + seconds
    page = None
    while time.monotonic() < deadline:
        page = fetch(url)
        if page is not None and needle in page:
            return page
        time.sleep(0.5)
    raise AssertionError(f"{needle!r} did not appear at {url}; last page: {(page or '')[:300]!r}")


@contextmanager
def preview_server(project: Path) -> Iterator[str]:
    """`mkdocs serve` on a free port for a copy of the project; yields its address."""
    port = free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "TLUMACH_SITE_URL": f"http://127.0.0.1:{port}/"}
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--no-strict", "-a", f"127.0.0.1:{port}", "-f", str(project / "mkdocs.yml")],
        cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_saving_a_po_file_rebuilds_and_shows_the_new_translation(tmp_path: Path) -> None:
    copy_project(tmp_path)
    po = tmp_path / "locales" / "be" / "LC_MESSAGES" / "index.po"
    text = po.read_text(encoding="utf-8")
    marker = 'msgctxt "front matter: label"\nmsgid "Amnesty International quote"\nmsgstr "'
    start = text.index(marker) + len(marker)
    old = text[start : text.index('"', start)]
    with preview_server(tmp_path) as base:
        wait_for(f"{base}be/", "tlumach-dateline")
        po.write_text(text[:start] + "Жывы папярэдні прагляд Amnesty International" + text[start + len(old):], encoding="utf-8")
        page = wait_for(f"{base}be/", "Жывы папярэдні прагляд Amnesty International")
        assert '<html lang="be"' in page


def test_preview_marks_untranslated_paragraphs(tmp_path: Path) -> None:
    copy_project(tmp_path)
    po = tmp_path / "locales" / "de" / "LC_MESSAGES" / "index.po"
    text = po.read_text(encoding="utf-8")
    cut = text.index('msgid ""\n"On 14 July 2025')
    end = text.index("\n\n", cut)
    block = text[cut:end]
    po.write_text(text[:cut] + block[: block.index("msgstr")] + 'msgstr ""' + text[end:], encoding="utf-8")
    with preview_server(tmp_path) as base:
        page = wait_for(f"{base}de/", "tlumach-untranslated")
        assert "On 14 July 2025 it will be four years" in page
