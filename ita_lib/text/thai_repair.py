"""Repair Thai text as PDF extraction and OCR break it.

Text taken out of a PDF's text layer (or read by OCR) is often not the text that was typed:

- fonts such as TH SarabunPSK draw shifted forms of the upper and lower marks with glyphs in
  the Private Use Area (U+F700–U+F71A), and a PDF whose ``ToUnicode`` map names those glyphs
  gives PUA code points instead of Thai (:func:`map_pua`);
- sara am (``ำ``) comes out as nikhahit plus sara aa, sometimes with the tone mark between
  them (:func:`compose_sara_am`);
- marks come out in drawing order, a tone mark before the vowel above it (:func:`order_marks`),
  or twice when a glyph is drawn twice for boldness (:func:`drop_doubled_marks`);
- a space is inserted between a consonant and its marks, or after a leading vowel
  (:func:`join_split_marks`).

:func:`repair_thai` applies all of these and NFC normalisation. Every function is pure and
leaves text that needs no repair unchanged. :func:`thai_skeleton` keeps only the consonants,
for comparing OCR text with known words when OCR drops the marks above and below the line.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from types import MappingProxyType

__all__ = [
    "PUA_TO_THAI",
    "compose_sara_am",
    "drop_doubled_marks",
    "join_split_marks",
    "map_pua",
    "order_marks",
    "repair_thai",
    "thai_skeleton",
]

PUA_TO_THAI: Mapping[str, str] = MappingProxyType(
    {
        "\uf700": "\u0e10",  # tho than without its lower part
        "\uf701": "\u0e34",  # sara i, shifted left
        "\uf702": "\u0e35",  # sara ii, shifted left
        "\uf703": "\u0e36",  # sara ue, shifted left
        "\uf704": "\u0e37",  # sara uee, shifted left
        "\uf705": "\u0e48",  # mai ek, shifted down and left
        "\uf706": "\u0e49",  # mai tho, shifted down and left
        "\uf707": "\u0e4a",  # mai tri, shifted down and left
        "\uf708": "\u0e4b",  # mai chattawa, shifted down and left
        "\uf709": "\u0e4c",  # thanthakhat, shifted down and left
        "\uf70a": "\u0e48",  # mai ek, shifted down
        "\uf70b": "\u0e49",  # mai tho, shifted down
        "\uf70c": "\u0e4a",  # mai tri, shifted down
        "\uf70d": "\u0e4b",  # mai chattawa, shifted down
        "\uf70e": "\u0e4c",  # thanthakhat, shifted down
        "\uf70f": "\u0e0d",  # yo ying without its lower part
        "\uf710": "\u0e31",  # mai han-akat, shifted left
        "\uf711": "\u0e4d",  # nikhahit, shifted left
        "\uf712": "\u0e47",  # maitaikhu, shifted left
        "\uf713": "\u0e48",  # mai ek, shifted left
        "\uf714": "\u0e49",  # mai tho, shifted left
        "\uf715": "\u0e4a",  # mai tri, shifted left
        "\uf716": "\u0e4b",  # mai chattawa, shifted left
        "\uf717": "\u0e4c",  # thanthakhat, shifted left
        "\uf718": "\u0e38",  # sara u, shifted down
        "\uf719": "\u0e39",  # sara uu, shifted down
        "\uf71a": "\u0e3a",  # phinthu, shifted down
    }
)
"""The Thai Private Use Area glyphs of Thai fonts and the character each one draws."""

_PUA_TABLE = {ord(k): v for k, v in PUA_TO_THAI.items()}

_VOWELS_ABOVE_BELOW = "\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a\u0e47\u0e4d"
_TONES = "\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e4e"
_MARKS = _VOWELS_ABOVE_BELOW + _TONES
_FOLLOWING_VOWELS = "\u0e30\u0e32\u0e33\u0e45"  # sara a, sara aa, sara am, lakkhangyao
_LEADING_VOWELS = "\u0e40\u0e41\u0e42\u0e43\u0e44"
_CONSONANTS = "\u0e01-\u0e2e"

_MARK_RUN = re.compile(f"[{_MARKS}]{{2,}}")
_DOUBLED = re.compile(f"([{_MARKS}])\\1+")
_SARA_AM = re.compile(f"\u0e4d([{_TONES}]?)\u0e32")
_TONE_AFTER_AM = re.compile(f"\u0e33([{_TONES}]+)")
_SPACE_BEFORE_MARK = re.compile(f"(?<=[\u0e01-\u0e4e])[ \t]+(?=[{_MARKS}{_FOLLOWING_VOWELS}])")
_SPACE_AFTER_LEADING = re.compile(f"(?<=[{_LEADING_VOWELS}])[ \t]+(?=[{_CONSONANTS}])")


def map_pua(text: str) -> str:
    """Replace the Thai PUA glyph code points with the Thai characters they draw.

    >>> map_pua("\\u0e17\\uf70b\\u0e32") == "\\u0e17\\u0e49\\u0e32"
    True
    """
    return text.translate(_PUA_TABLE)


def order_marks(text: str) -> str:
    """Put a vowel above or below a consonant before the tone mark that sits on it.

    >>> order_marks("\\u0e01\\u0e48\\u0e35") == "\\u0e01\\u0e35\\u0e48"
    True
    """

    def fix(match: re.Match[str]) -> str:
        run = match[0]
        return "".join(sorted(run, key=lambda c: c in _TONES))

    return _MARK_RUN.sub(fix, text)


def drop_doubled_marks(text: str) -> str:
    """Keep one of a mark written twice in a row (a consonant carries each mark once).

    >>> drop_doubled_marks("\\u0e01\\u0e48\\u0e48") == "\\u0e01\\u0e48"
    True
    """
    return _DOUBLED.sub(r"\1", text)


def compose_sara_am(text: str) -> str:
    """Write nikhahit + sara aa (with a tone mark between them or not) as sara am.

    A tone mark written after sara am belongs to the consonant before it.

    >>> compose_sara_am("\\u0e19\\u0e4d\\u0e49\\u0e32") == "\\u0e19\\u0e49\\u0e33"
    True
    >>> compose_sara_am("\\u0e19\\u0e33\\u0e49") == "\\u0e19\\u0e49\\u0e33"
    True
    """
    return _TONE_AFTER_AM.sub("\\1\u0e33", _SARA_AM.sub("\\1\u0e33", text))


def join_split_marks(text: str) -> str:
    """Remove spaces put between a Thai letter and its marks or following vowel.

    Also removes a space after a leading vowel (เ แ โ ใ ไ), which never ends a word.

    >>> join_split_marks("\\u0e01 \\u0e48\\u0e32 \\u0e40 \\u0e01") == "\\u0e01\\u0e48\\u0e32 \\u0e40\\u0e01"
    True
    """
    return _SPACE_AFTER_LEADING.sub("", _SPACE_BEFORE_MARK.sub("", text))


def repair_thai(text: str) -> str:
    """Return Thai text as it was typed: every repair of this module, then NFC.

    Parameters
    ----------
    text
        Text from a PDF's text layer or from OCR.

    Returns
    -------
    str
        The repaired text; text that needs no repair is returned unchanged.

    >>> repair_thai("\\u0e19 \\u0e4d\\uf70b\\u0e32") == "\\u0e19\\u0e49\\u0e33"
    True
    """
    text = unicodedata.normalize("NFC", map_pua(text))
    text = join_split_marks(text)
    text = drop_doubled_marks(order_marks(text))
    text = compose_sara_am(text)
    return unicodedata.normalize("NFC", order_marks(text))


_CONSONANTS = re.compile(r"[^\u0e01-\u0e2e]+")


def thai_skeleton(text: str) -> str:
    """Return the Thai consonants of ``text`` only: its skeleton, for tolerant comparisons.

    OCR of a scan drops or misreads vowels above and below the line, tone marks, spaces and
    punctuation, and reads stray marks as Latin letters; the consonants survive best.

    Parameters
    ----------
    text
        Any text.

    Returns
    -------
    str
        The Thai consonants (U+0E01–U+0E2E) in their order; everything else dropped.

    >>> thai_skeleton("wv av ' ตวชวด '") == thai_skeleton("ตัวชี้วัด") == "ตวชวด"
    True
    """
    return _CONSONANTS.sub("", unicodedata.normalize("NFC", text))
