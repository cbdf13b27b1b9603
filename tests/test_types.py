"""The package is fully typed: mypy finds no error in src/."""

from __future__ import annotations

from mypy import api

from conftest import REPO


def test_mypy_finds_no_type_error_in_the_package() -> None:
    stdout, stderr, status = api.run(["--config-file", str(REPO / "pyproject.toml"), str(REPO / "src" / "tlumach")])
    assert status == 0, stdout + stderr
