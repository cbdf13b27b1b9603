"""tlumach's own interface strings shown on the site, per locale (like a theme's language pack)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

T = TypeVar("T")

#: Shown on every page whose catalogue header says ``X-Review-Status: machine-assisted``.
MACHINE_ASSISTED_NOTE: dict[str, str] = {
    "en": "Machine-assisted translation, not yet reviewed by a human translator.",
    "be": "Пераклад падрыхтаваны з машыннай дапамогай і яшчэ не правераны перакладчыкам.",
    "ru": "Перевод подготовлен с машинной помощью и ещё не проверен переводчиком.",
    "uk": "Переклад підготовлено з машинною допомогою, його ще не перевірив перекладач.",
    "pl": "Tłumaczenie przygotowane z pomocą maszynową, jeszcze niesprawdzone przez tłumacza.",
    "lt": "Vertimas parengtas padedant mašininiam vertimui ir dar nepatikrintas vertėjo.",
    "de": "Maschinengestützte Übersetzung, noch nicht von einem Menschen geprüft.",
    "fr": "Traduction assistée par machine, pas encore relue par un traducteur.",
    "es": "Traducción asistida por máquina, aún no revisada por una persona.",
    "ar": "ترجمة بمساعدة الآلة، لم يراجعها مترجم بشري بعد.",
}

#: The 404 page: (heading, link text back to the statement).
NOT_FOUND: dict[str, tuple[str, str]] = {
    "en": ("Page not found", "Read the statement"),
    "be": ("Старонка не знойдзена", "Чытаць заяву"),
    "ru": ("Страница не найдена", "Читать заявление"),
    "uk": ("Сторінку не знайдено", "Читати заяву"),
    "pl": ("Nie znaleziono strony", "Przeczytaj oświadczenie"),
    "lt": ("Puslapis nerastas", "Skaityti pareiškimą"),
    "de": ("Seite nicht gefunden", "Zur Erklärung"),
    "fr": ("Page introuvable", "Lire la déclaration"),
    "es": ("Página no encontrada", "Leer la declaración"),
    "ar": ("الصفحة غير موجودة", "اقرأ البيان"),
}

#: The list of languages at the foot of every page (works without JavaScript).
LANGUAGES_HEADING: dict[str, str] = {
    "en": "Languages", "be": "Мовы", "ru": "Языки", "uk": "Мови", "pl": "Języki",
    "lt": "Kalbos", "de": "Sprachen", "fr": "Langues", "es": "Idiomas", "ar": "اللغات",
}

#: lunr languages for each locale's search index: English always (its trimmer keeps Latin words such
#: as "Amnesty International"), plus the stemmer Material ships for the language or its closest
#: relative with the same script (lunr's Russian one handles Belarusian and Ukrainian Cyrillic).
SEARCH_LANGUAGES: dict[str, str] = {"ru": "ru", "be": "ru", "uk": "ru", "de": "de", "fr": "fr", "es": "es", "ar": "ar"}

#: Marks a paragraph shown in the source language in a preview of a partial translation.
UNTRANSLATED_MARK = "⚠ untranslated"

#: Right-to-left scripts by language code.
RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur", "ps", "sd", "ug", "yi", "dv", "ckb"})


def note_for(locale: str) -> str:
    """The machine-assisted note in the locale's language, falling back to its base language, then English."""
    return _pick(MACHINE_ASSISTED_NOTE, locale)


def _pick(table: Mapping[str, T], locale: str) -> T:
    base = locale.replace("_", "-").split("-")[0].split("@")[0]
    return table.get(locale) or table.get(base) or table["en"]


def not_found(locale: str) -> tuple[str, str]:
    return _pick(NOT_FOUND, locale)


def languages_heading(locale: str) -> str:
    return _pick(LANGUAGES_HEADING, locale)


def search_languages(locale: str) -> list[str]:
    if locale.endswith("-Latn"):
        return ["en"]
    extra = SEARCH_LANGUAGES.get(locale.replace("_", "-").split("-")[0])
    return ["en", extra] if extra else ["en"]


def direction(locale: str) -> str:
    return "rtl" if locale.replace("_", "-").split("-")[0] in RTL_LANGUAGES else "ltr"
