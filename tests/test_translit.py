"""Belarusian Łacinka: the rules one by one, the names of the statement, and the derived catalogue."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import REPO
from tlumach.catalog import load_catalog
from tlumach.cli import main
from tlumach.translit import to_lacinka


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [
        ("лес", "les"),            # л before е is soft l, and е after л loses its i
        ("лыжы", "łyžy"),          # hard л is ł
        ("соль", "sol"),           # ль -> l
        ("вясна", "viasna"),       # я after a consonant -> ia
        ("яе", "jaje"),            # я at the start and е after a vowel -> ja, je
        ("краіна", "krajina"),     # і after a vowel -> ji
        ("сям’я", "siamja"),       # apostrophe dropped, я after it -> ja
        ("восень", "vosień"),      # нь -> ń
        ("дзьмуць", "dźmuć"),      # дзь -> dź, ць -> ć
        ("Ўсход", "Ŭschod"),       # ў -> ŭ, х -> ch
        ("жыццё", "žyccio"),       # ж ž, ё after a consonant -> io
        ("ЯК", "JAK"),             # capitals of an all-caps word
        ("Ён", "Jon"),             # capital of a capitalised word
        ("гэта", "heta"),          # г -> h
        ("Amnesty International", "Amnesty International"),
        ("[спасылка](https://spring96.org/)", "[spasyłka](https://spring96.org/)"),
    ],
)
def test_lacinka_rule(cyrillic: str, latin: str) -> None:
    assert to_lacinka(cyrillic) == latin


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [
        ("Алесь Бяляцкі", "Aleś Bialacki"),
        ("Валянцін Стэфановіч", "Valancin Stefanovič"),
        ("Уладзімір Лабковіч", "Uładzimir Łabkovič"),
        ("Праваабарончы цэнтр «Вясна»", "Pravaabarončy centr «Viasna»"),
        ("Аляксандр Лукашэнка", "Alaksandr Łukašenka"),
        ("Сяргей Ціханоўскі", "Siarhiej Cichanoŭski"),
        ("Марыя Калеснікава", "Maryja Kalesnikava"),
        ("Ігар Лосік", "Ihar Łosik"),
    ],
)
def test_names_of_the_statement_come_out_as_lacinka_writes_them(cyrillic: str, latin: str) -> None:
    assert to_lacinka(cyrillic) == latin


def test_update_regenerates_the_derived_catalogue_and_check_flags_a_hand_edit(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    shutil.copy(REPO / "docs" / "index.md", tmp_path / "docs" / "index.md")
    root = ["--root", str(tmp_path), "-q"]
    assert main([*root, "init", "be"]) == 0
    assert main([*root, "init", "be@latin"]) == 0
    be = tmp_path / "locales" / "be" / "LC_MESSAGES" / "index.po"
    be.write_text(be.read_text(encoding="utf-8").replace(
        'msgid "Amnesty International quote"\nmsgstr ""', 'msgid "Amnesty International quote"\nmsgstr "Цытата Amnesty International"'), encoding="utf-8")
    assert main([*root, "update", "--check"]) == 1
    assert main([*root, "update"]) == 0
    derived = load_catalog(tmp_path / "locales" / "be@latin" / "LC_MESSAGES" / "index.po")
    assert derived.metadata["Language"] == "be@latin" and derived.metadata["X-Derived-From"] == "be"
    assert derived.find("Amnesty International quote", msgctxt="front matter: label").msgstr == "Cytata Amnesty International"
    path = tmp_path / "locales" / "be@latin" / "LC_MESSAGES" / "index.po"
    path.write_text(path.read_text(encoding="utf-8").replace("Cytata", "Hand edit"), encoding="utf-8")
    assert main([*root, "update", "--check"]) == 1
