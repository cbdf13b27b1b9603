"""tlumach.templatecache: a template compiled once for every environment that would compile it alike."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from tlumach.templatecache import SharedTemplateCache, share_compiled_templates

TEMPLATE = "<ul>\n  {% for x in items %}\n  <li>{{ x | upper }}</li>\n  {% endfor %}\n</ul>{% trans %}Hello{% endtrans %}"


def _environment(root: Path, cache: SharedTemplateCache, **settings: object) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(root)), auto_reload=False, **settings)  # type: ignore[arg-type]
    env.add_extension("jinja2.ext.i18n")
    env.install_null_translations()  # type: ignore[attr-defined]
    share_compiled_templates(env, cache)
    return env


@pytest.fixture
def compiled(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the templates Jinja compiles."""
    names: list[str] = []
    original = jinja2.Environment.compile

    def counted(self: jinja2.Environment, source: object, name: str | None = None, *args: object, **kwargs: object) -> object:
        names.append(str(name))
        return original(self, source, name, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(jinja2.Environment, "compile", counted)
    return names


def test_a_second_environment_renders_the_same_without_compiling(tmp_path: Path, compiled: list[str]) -> None:
    (tmp_path / "page.html").write_text(TEMPLATE, encoding="utf-8")
    cache = SharedTemplateCache()
    first = _environment(tmp_path, cache).get_template("page.html").render(items=["a", "b"])
    second = _environment(tmp_path, cache).get_template("page.html").render(items=["a", "b"])
    plain = jinja2.Environment(loader=jinja2.FileSystemLoader(str(tmp_path)), extensions=["jinja2.ext.i18n"])
    plain.install_null_translations()  # type: ignore[attr-defined]
    assert first == second == plain.get_template("page.html").render(items=["a", "b"])
    assert compiled == ["page.html", "page.html"]  # the two environments sharing the cache compiled it once


def test_an_edited_template_is_compiled_again(tmp_path: Path, compiled: list[str]) -> None:
    (tmp_path / "page.html").write_text("before {{ x }}", encoding="utf-8")
    cache = SharedTemplateCache()
    assert _environment(tmp_path, cache).get_template("page.html").render(x=1) == "before 1"
    (tmp_path / "page.html").write_text("after {{ x }}", encoding="utf-8")
    assert _environment(tmp_path, cache).get_template("page.html").render(x=1) == "after 1"
    assert compiled == ["page.html", "page.html"]


@pytest.mark.parametrize("settings", [{"trim_blocks": True}, {"lstrip_blocks": True}, {"variable_start_string": "[[", "variable_end_string": "]]"},
                                      {"autoescape": True}, {"keep_trailing_newline": True}])
def test_an_environment_that_compiles_otherwise_gets_its_own_code(tmp_path: Path, settings: dict[str, object]) -> None:
    (tmp_path / "page.html").write_text(TEMPLATE + " [[ items ]] {{ '<b>' }}\n", encoding="utf-8")
    cache = SharedTemplateCache()
    usual = _environment(tmp_path, cache).get_template("page.html").render(items=["a"])
    other = _environment(tmp_path, cache, **settings).get_template("page.html").render(items=["a"])
    alone = _environment(tmp_path, SharedTemplateCache(), **settings).get_template("page.html").render(items=["a"])
    assert other == alone != usual


def test_an_extension_added_changes_the_key(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text("{% for x in items %}{% if x > 1 %}{% break %}{% endif %}{{ x }}{% endfor %}", encoding="utf-8")
    cache = SharedTemplateCache()
    with pytest.raises(jinja2.TemplateSyntaxError):
        _environment(tmp_path, cache).get_template("page.html")
    env = _environment(tmp_path, cache)
    env.add_extension("jinja2.ext.loopcontrols")
    assert env.get_template("page.html").render(items=[1, 2, 3]) == "1"


def test_an_environment_keeps_a_bytecode_cache_of_its_own(tmp_path: Path) -> None:
    own = jinja2.FileSystemBytecodeCache(str(tmp_path))
    env = jinja2.Environment(bytecode_cache=own)
    share_compiled_templates(env, SharedTemplateCache())
    assert env.bytecode_cache is own
