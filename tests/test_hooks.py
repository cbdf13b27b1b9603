"""The pre-commit hooks run the real commands, and long commands show progress on a terminal only."""

from __future__ import annotations

import io
import shlex
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import REPO
from tlumach.cli import main


def hooks() -> list[dict[str, object]]:
    return list(yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")))


@pytest.mark.parametrize("hook", hooks(), ids=lambda h: str(h["id"]))
def test_each_published_hook_passes_on_the_repository(hook: dict[str, object]) -> None:
    argv = shlex.split(str(hook["entry"]))
    assert argv[0] == "tlumach"
    files = [] if hook.get("pass_filenames") is False else ["locales/be/LC_MESSAGES/index.po"]
    assert main(["--root", str(REPO), "-q", *argv[1:], *files]) == 0


def test_check_hook_fails_on_a_broken_catalogue(tmp_path: Path) -> None:
    shutil.copytree(REPO / "docs", tmp_path / "docs")
    shutil.copytree(REPO / "locales", tmp_path / "locales")
    po = tmp_path / "locales" / "ru" / "LC_MESSAGES" / "index.po"
    po.write_text(po.read_text(encoding="utf-8").replace("более 300 человек", "более 30 человек"), encoding="utf-8")
    entry = next(h for h in hooks() if h["id"] == "tlumach-check")
    argv = shlex.split(str(entry["entry"]))
    assert main(["--root", str(tmp_path), "-q", *argv[1:], "locales/ru/LC_MESSAGES/index.po"]) == 1


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_update_shows_a_progress_bar_on_a_terminal_and_nothing_otherwise(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(REPO / "docs", tmp_path / "docs")
    shutil.copytree(REPO / "locales", tmp_path / "locales")
    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    assert main(["--root", str(tmp_path), "update"]) == 0
    # 9 catalogues merged and be@latin regenerated
    assert "update [" in terminal.getvalue() and "10/10" in terminal.getvalue()
    pipe = io.StringIO()
    monkeypatch.setattr("sys.stderr", pipe)
    assert main(["--root", str(tmp_path), "update"]) == 0
    assert "update [" not in pipe.getvalue()
