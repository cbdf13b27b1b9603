"""The site built in shares (processes or CI runners) is the site one build writes, byte for byte."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from sitebuild import copy_project
from tlumach.parallel import plan_shares

SITE_URL = "https://statement.example.org/"
ALL = ["be", "be-Latn", "ru", "uk", "pl", "lt", "de", "fr", "es", "ar"]


def _tlumach(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1752451200"}
    return subprocess.run(
        [sys.executable, "-m", "tlumach", "--root", str(root), "-q", *args],
        capture_output=True, text=True, env=env, check=False,
    )


def _tree(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_project(tmp_path_factory.mktemp("project"))


@pytest.fixture(scope="module")
def one_build(project: Path) -> dict[str, bytes]:
    result = _tlumach(project, "build", "--jobs", "1", "-d", "one", "--site-url", SITE_URL)
    assert result.returncode == 0, result.stderr
    return _tree(project / "one")


@pytest.mark.parametrize("offline", [False, True], ids=["site", "offline edition"])
def test_two_processes_write_the_site_one_build_writes(project: Path, offline: bool, tmp_path: Path) -> None:
    extra = ["--offline"] if offline else []
    single = _tlumach(project, "build", "--jobs", "1", "-d", str(tmp_path / "one"), "--site-url", SITE_URL, *extra)
    shared = _tlumach(project, "build", "--jobs", "2", "-d", str(tmp_path / "two"), "--site-url", SITE_URL, *extra)
    assert single.returncode == 0 and shared.returncode == 0, single.stderr + shared.stderr
    one, two = _tree(tmp_path / "one"), _tree(tmp_path / "two")
    assert sorted(one) == sorted(two)
    assert [name for name in one if one[name] != two[name]] == []
    assert len(one) > 90 and not any(name.startswith(".tlumach") for name in two)


def test_shares_from_separate_runners_merge_into_the_full_site(project: Path, one_build: dict[str, bytes], tmp_path: Path) -> None:
    first, second = ALL[:3], ALL[3:]
    for name, share in (("a", first), ("b", second)):
        result = _tlumach(project, "build", "--locales", ",".join(share), "-d", str(tmp_path / name), "--site-url", SITE_URL)
        assert result.returncode == 0, result.stderr
    # a share alone lists every published language in its switcher and hreflang links
    page = (tmp_path / "a" / "be" / "index.html").read_text(encoding="utf-8")
    assert 'hreflang="de" href="https://statement.example.org/de/"' in page and 'href="/de/" hreflang="de"' in page
    assert not (tmp_path / "a" / "de").exists()
    merged = _tlumach(project, "merge-sites", str(tmp_path / "site"), str(tmp_path / "a"), str(tmp_path / "b"))
    assert merged.returncode == 0, merged.stderr
    assert _tree(tmp_path / "site") == one_build


def test_merge_refuses_when_a_published_locale_has_no_share(project: Path, tmp_path: Path) -> None:
    assert _tlumach(project, "build", "--locales", "be", "-d", str(tmp_path / "a"), "--site-url", SITE_URL).returncode == 0
    result = _tlumach(project, "merge-sites", str(tmp_path / "site"), str(tmp_path / "a"))
    assert result.returncode == 1 and "no share rendered be-Latn, ru" in result.stderr
    assert not (tmp_path / "site").exists()


def test_the_404_language_list_links_each_locale_root(one_build: dict[str, bytes]) -> None:
    for name in ("404.html", "be/404.html", "ar/404.html"):
        page = one_build[name].decode("utf-8")
        links = dict((lang, href) for href, lang in re.findall(r'<a href="([^"]*)" hreflang="([^"]*)" class="md-select__link">', page))
        assert links["en"] == "/" and links["be"] == "/be/" and links["de"] == "/de/", (name, links)


def test_shares_have_similar_weight_and_keep_the_configured_order() -> None:
    weights = {"be": 50, "ru": 40, "uk": 30, "pl": 20, "de": 10}
    shares = plan_shares(list(weights), weights, 2)
    assert shares == [["be", "pl", "de"], ["ru", "uk"]]
    assert plan_shares(["be"], {"be": 1}, 4) == [["be"]]

