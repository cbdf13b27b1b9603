"""Derived locales: Belarusian Cyrillic -> Łacinka (``be`` -> ``be@latin``), like gettext's recode-sr-latin.

The rules are those of the classic Belarusian Latin alphabet (Łacinka) as it is written today:

* л is ł, and l where it is soft: before ь, е, ё, і, ю, я (л + iotated vowel loses its i: ля -> la);
* е ё ю я are je jo ju ja at the start of a word, after a vowel, after ь, ў or an apostrophe,
  and ie io iu ia after any other consonant; і is ji after a vowel, i elsewhere;
* ь softens the consonant before it: зь ź, сь ś, нь ń, ць ć, дзь dź, ль l, and is not written itself;
* ж ž, ш š, ч č, х ch, ў ŭ, г h, ґ g, ц c, ы y, э e, й j; the apostrophe is dropped.

Only Cyrillic letters are touched: Latin words (Amnesty International), digits, URLs and Markdown stay.
"""

from __future__ import annotations

_VOWELS = set("аеёіоуыэюяАЕЁІОУЫЭЮЯ")
_IOTATED = {"е": "e", "ё": "o", "ю": "u", "я": "a"}
_SOFTENED = {"з": "ź", "с": "ś", "н": "ń", "ц": "ć", "л": "l"}
_PLAIN = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "ж": "ž", "з": "z", "й": "j", "к": "k",
    "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ў": "ŭ", "ф": "f",
    "х": "ch", "ц": "c", "ч": "č", "ш": "š", "ы": "y", "э": "e", "і": "i",
}
_APOSTROPHES = set("'’ʼ")
_CYRILLIC = set(_PLAIN) | set(_IOTATED) | {"л", "ь"}


def _is_cyrillic(char: str) -> bool:
    return char.lower() in _CYRILLIC


def _lower_at(text: str, index: int) -> str:
    return text[index].lower() if 0 <= index < len(text) else ""


def _letter(text: str, index: int) -> str:
    """The Łacinka for the Cyrillic letter at index (lower case), from its neighbours."""
    char = text[index].lower()
    before = _lower_at(text, index - 1)
    after = _lower_at(text, index + 1)
    if char == "ь":
        return ""
    if char == "л":
        return "l" if after in ("ь", "е", "ё", "і", "ю", "я") else "ł"
    if char in _SOFTENED and after == "ь":
        if char == "з" and before == "д":
            return "ź"
        return _SOFTENED[char]
    if char in _IOTATED:
        vowel = _IOTATED[char]
        if before == "л":
            return vowel
        if not before or not before.isalpha() or before in _VOWELS or before in ("ь", "ў") or text[index - 1] in _APOSTROPHES:
            return "j" + vowel
        return "i" + vowel
    if char == "і":
        if before and (before.lower() in _VOWELS or text[index - 1] in _APOSTROPHES):
            return "ji"
        return "i"
    return _PLAIN.get(char, char)


def _word_is_upper(text: str, index: int) -> bool:
    start = index
    while start > 0 and text[start - 1].isalpha():
        start -= 1
    end = index
    while end < len(text) and text[end].isalpha():
        end += 1
    word = text[start:end]
    return len(word) > 1 and word.isupper()


def to_lacinka(text: str) -> str:
    """Transliterate Belarusian Cyrillic to Łacinka, keeping everything that is not Cyrillic."""
    out: list[str] = []
    for index, char in enumerate(text):
        if char in _APOSTROPHES and 0 < index < len(text) - 1 and _is_cyrillic(text[index - 1]) and _is_cyrillic(text[index + 1]):
            continue
        if not _is_cyrillic(char):
            out.append(char)
            continue
        latin = _letter(text, index)
        if char.isupper() and latin:
            latin = latin.upper() if _word_is_upper(text, index) else latin[0].upper() + latin[1:]
        out.append(latin)
    return "".join(out)


#: Derived catalogue locales: target -> (source locale, transliteration, name in the selector).
DERIVED_LOCALES: dict[str, tuple[str, str]] = {
    "be@latin": ("be", "Biełaruskaja (łacinka)"),
}


def transliterate(locale: str, text: str) -> str:
    """The derived locale's form of a source-locale text."""
    if locale == "be@latin":
        return to_lacinka(text)
    raise KeyError(locale)
