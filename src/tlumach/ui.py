"""tlumach's own interface strings shown on the site, per locale (like a theme's language pack)."""

from __future__ import annotations

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

#: Marks a paragraph shown in the source language in a preview of a partial translation.
UNTRANSLATED_MARK = "⚠ untranslated"

#: Right-to-left scripts by language code.
RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur", "ps", "sd", "ug", "yi", "dv", "ckb"})


def note_for(locale: str) -> str:
    """The machine-assisted note in the locale's language, falling back to its base language, then English."""
    base = locale.replace("_", "-").split("-")[0].split("@")[0]
    return MACHINE_ASSISTED_NOTE.get(locale) or MACHINE_ASSISTED_NOTE.get(base) or MACHINE_ASSISTED_NOTE["en"]


def direction(locale: str) -> str:
    return "rtl" if locale.replace("_", "-").split("-")[0] in RTL_LANGUAGES else "ltr"
