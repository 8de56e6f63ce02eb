"""Thai collation: sort keys that order Thai words as a Thai dictionary does.

Python's ``sorted`` compares code points, which puts every word starting with a leading vowel
(เ แ โ ใ ไ) after every word starting with a consonant: เชียงใหม่ after อ่างทอง. Thai
dictionaries order by the consonant first, then the vowel, then the tone mark.

:func:`thai_key` uses ICU's Thai collator (the ``icu`` module of the ``pyicu-wheels`` package,
the PyICU API with ICU bundled, installed from a binary wheel). Without it, a documented
fallback builds the key in Python: leading vowels are swapped with the consonant after them,
and tone marks and other diacritics only break ties. It orders agency and province names as
ICU does; it does not handle every rare rule of the Royal Institute dictionary (for example
the letters ฤ and ฦ, which ICU sorts as vowels).
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Iterable
from functools import cache

__all__ = ["LEADING_VOWELS", "collation_backend", "thai_key", "thai_sorted"]


def _missing(value: object) -> bool:
    """Return whether a cell is empty: None or a float NaN."""
    return value is None or (isinstance(value, float) and math.isnan(value))


LEADING_VOWELS = frozenset("เแโใไ")
"""Vowels written before the consonant they follow in speech (``เ แ โ ใ ไ``)."""
# Tone marks, the thanthakhat (cancellation mark), the mai taikhu and the nikhahit: they
# distinguish words only when everything else is equal.
_SECONDARY = frozenset("\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e4d\u0e4e")


@cache
def _icu_collator() -> Callable[[str], bytes] | None:
    try:
        import icu
    except ImportError:
        return None
    collator = icu.Collator.createInstance(icu.Locale("th_TH"))
    return collator.getSortKey


def collation_backend() -> str:
    """Return ``"icu"`` when ICU's Thai collator is used, else ``"fallback"``."""
    return "icu" if _icu_collator() is not None else "fallback"


def _fallback_key(text: str) -> tuple[str, str, str]:
    chars = [c for c in text.casefold()]
    primary: list[str] = []
    i = 0
    while i < len(chars):
        c = chars[i]
        if c in LEADING_VOWELS and i + 1 < len(chars) and "\u0e01" <= chars[i + 1] <= "\u0e2e":
            primary.extend((chars[i + 1], c))  # the consonant first, as it is pronounced
            i += 2
            continue
        if c not in _SECONDARY:
            primary.append(c)
        i += 1
    secondary = "".join(c for c in chars if c in _SECONDARY)
    return "".join(primary), secondary, text


def thai_key(text: object) -> bytes | tuple[str, str, str]:
    """Return a sort key that orders Thai text as a Thai dictionary does.

    Parameters
    ----------
    text
        Any value; it is compared as its text (None and NaN as the empty string).

    Returns
    -------
    bytes or tuple
        ICU's collation key, or the fallback's key (see the module's notes). Keys of one
        backend compare with each other only.
    """
    value = "" if _missing(text) else unicodedata.normalize("NFC", str(text))
    collate = _icu_collator()
    return collate(value) if collate is not None else _fallback_key(value)


def thai_sorted(values: Iterable[object], *, reverse: bool = False) -> list:
    """Return ``values`` sorted in Thai dictionary order (see :func:`thai_key`)."""
    return sorted(values, key=thai_key, reverse=reverse)
