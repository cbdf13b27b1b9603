"""The sanitiser's worker process: the same bytes as cleaning in line, whatever happens to the worker."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES
from sitebuild import build_site
from test_checks import ElementCollector
from tlumach.sanitize import BackgroundSanitizer, sanitize_html

HOSTILE_FRAGMENTS = (
    '<p>Абзац <script>alert(1)</script> і <a href="javascript:alert(1)">спасылка</a></p>',
    '<p onclick="alert(1)" class="x" style="color:red">Тэкст</p>',
    '<iframe src="https://example.org/"></iframe><img src="x" onerror="alert(1)" alt="a">',
    '<h2 id="a">Загаловак<a class="headerlink" href="#a">¶</a></h2><!-- каментар -->',
    "<table><tr><td colspan=\"2\">1 000</td></tr></table>" * 200,  # a long page
)


def test_background_cleaning_gives_the_bytes_of_cleaning_in_line() -> None:
    cleaner = BackgroundSanitizer(workers=1)
    try:
        sent = [cleaner.start(fragment) for fragment in HOSTILE_FRAGMENTS]
        assert all(cleaning.future is not None for cleaning in sent)
        cleaned = [cleaner.result(cleaning, fragment) for cleaning, fragment in zip(sent, HOSTILE_FRAGMENTS)]
    finally:
        cleaner.close()
    assert cleaned == [sanitize_html(fragment) for fragment in HOSTILE_FRAGMENTS]
    assert not any("script" in text or "onclick" in text or "iframe" in text for text in cleaned)


def test_a_page_changed_after_it_was_sent_is_cleaned_as_it_is_now() -> None:
    cleaner = BackgroundSanitizer(workers=1)
    try:
        sent = cleaner.start("<p>перад</p>")
        changed = '<p>пасля <script>alert(1)</script></p>'  # another plugin rewrote the page meanwhile
        assert cleaner.result(sent, changed) == sanitize_html(changed) == "<p>пасля </p>"
    finally:
        cleaner.close()


def test_a_worker_that_dies_leaves_the_pages_cleaned_in_line() -> None:
    cleaner = BackgroundSanitizer(workers=1)
    try:
        cleaner.result(cleaner.start("<p>a</p>"), "<p>a</p>")  # the worker is up
        pool = cleaner._pool
        assert pool is not None
        for process in list(pool._processes.values()):  # the stdlib's own record of its workers
            process.kill()
            process.join()
        fragment = HOSTILE_FRAGMENTS[0]
        sent = cleaner.start(fragment)
        assert cleaner.result(sent, fragment) == sanitize_html(fragment)
        after = cleaner.start(fragment)
        assert after.future is None and cleaner.result(after, fragment) == sanitize_html(fragment)
    finally:
        cleaner.close()


def test_no_worker_cleans_in_line() -> None:
    cleaner = BackgroundSanitizer(workers=0)
    sent = cleaner.start(HOSTILE_FRAGMENTS[1])
    assert sent.future is None and cleaner.result(sent, HOSTILE_FRAGMENTS[1]) == sanitize_html(HOSTILE_FRAGMENTS[1])
    cleaner.close()


def test_hostile_site_is_the_same_cleaned_in_the_worker_or_in_line(tmp_path: Path) -> None:
    sites = {}
    for workers in (0, 1):
        project = tmp_path / f"project-{workers}"
        shutil.copytree(FIXTURES / "checks", project)
        config = project / "mkdocs.yml"
        text = config.read_text(encoding="utf-8")
        config.write_text(text.replace("      check: false\n", f"      check: false\n      sanitize_workers: {workers}\n"),
                          encoding="utf-8")
        sites[workers] = tmp_path / f"site-{workers}"
        result = build_site(sites[workers], site_url="http://127.0.0.1:9/", config=config)
        assert result.returncode == 0, result.stderr
    files = sorted(p.relative_to(sites[0]) for p in sites[0].rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(sites[1]) for p in sites[1].rglob("*") if p.is_file())
    assert [f for f in files if (sites[0] / f).read_bytes() != (sites[1] / f).read_bytes()] == []
    html = (sites[1] / "be" / "index.html").read_text(encoding="utf-8")
    article = html.split('<article class="md-content__inner md-typeset">', 1)[1].split("</article>", 1)[0]
    elements = ElementCollector()
    elements.feed(article)
    assert "Абзац" in article and "script" not in elements.tags  # published, and cleaned
    assert not any(name.startswith("on") for _tag, name, _value in elements.attributes)


def test_builds_side_by_side_clean_in_line_once_each_has_a_core(monkeypatch: pytest.MonkeyPatch) -> None:
    import tlumach.sanitize

    for cores, expected in ((1, [0, 0, 0]), (2, [None, 0, 0]), (4, [None, None, 0])):
        monkeypatch.setattr(tlumach.sanitize, "usable_cores", lambda cores=cores: cores)
        assert [tlumach.sanitize.workers_beside(builds) for builds in (1, 2, 4)] == expected
