"""Item codes in scanned text, read glyph by glyph: a Latin letter and Thai or Arabic digits.

OIT item codes are written ``O17``, ``o๑๗``, ``0๑๗`` (the letter typed as a zero) or ``๐๑๗``;
EIT and IIT codes ``e๑๔``, ``i๓``. Tesseract's Thai model reads such a mix of Latin and Thai
glyphs badly (``0๑๑`` as ``Ooo``, ``e๑๔`` as ``eae``, ``0๒๘`` as ``0๒๕``). The glyphs of a code
do not touch one another, so a word that may be a code (:func:`may_be_code`: short, no Thai
word in it) is cut into glyphs (columns of ink) and each is compared with Sarabun's letters
``o O e E i I`` and its Thai and Arabic digits (:func:`read_code`), as
:mod:`~ita_lib.documents.ocr_digits` reads figures. Whether the code exists in the document's
fiscal year, and whether the item name beside it agrees, is checked later, against the
framework's catalogue.
"""

from __future__ import annotations

import re

import numpy as np

from ita_lib.documents.ocr_digits import Figure, best_fit, glyph_fits, glyph_spans

__all__ = ["code_in_front", "may_be_code", "read_code", "read_code_in_front", "reread_code"]

_LETTERS = "oOeEiI"
_DIGITS = "๐๑๒๓๔๕๖๗๘๙0123456789"
_CHARS = _LETTERS + _DIGITS
_MEANING = {"o": "0", "O": "0", "๐": "0", "e": "e", "E": "e", "i": "i", "I": "i"}
_MEANING |= {d: str(i % 10) for i, d in enumerate(_DIGITS)}
_CODE_LETTERS = frozenset("0ei")  # meanings that may start a code ("0" is the letter o)
_MAX_DIGITS = 2  # item numbers run to 43 at most; a leading zero counts as the letter
_SURE_DIGIT = 75.0  # a digit before Thai text must be read this surely (a Thai letter is none)
_SPECK = 6  # pixels of ink: a column of less is a speck, not a glyph
_THAI_RUN = re.compile(r"[\u0e01-\u0e2e]{2}")
_ITEM_WORD = "ข้อ"
_CODE_IN_FRONT = re.compile(r"^(?:ข้อ)?[oOeEiI0๐][0-9๐-๙]{0,2}(?=[\u0e01-\u0e2e\u0e40-\u0e44])")


def may_be_code(text: str) -> bool:
    """Return True when a word as Tesseract read it may be an item code worth reading again.

    It is short and holds no Thai word: an item code (``0๑๗``, misread ``Ooo`` or ``eae``),
    maybe after the word ``ข้อ`` when Tesseract joined them.

    >>> may_be_code("Ooo"), may_be_code("ข้อ0๑๓"), may_be_code("0๒๕"), may_be_code("รอบ")
    (True, True, True, False)
    >>> may_be_code("o"), may_be_code("E-Service"), may_be_code("Call")
    (False, False, False)
    """
    core = text.removeprefix(_ITEM_WORD).strip(" .:;,|()[]«»'\"")
    if not 2 <= len(core) <= 5 or _THAI_RUN.search(core) or "-" in core:
        return False
    return any(c in _CHARS for c in core)


def _glyphs(ink: np.ndarray) -> list[np.ndarray]:
    """Return the ink of each glyph of a word, left to right (columns of ink; specks dropped)."""
    out = []
    for start, end in glyph_spans(ink.sum(axis=0)):
        glyph = ink[:, start:end]
        if int(glyph.sum()) >= _SPECK:
            out.append(glyph)
    return out


def read_code(ink: np.ndarray, *, whole: bool = True) -> Figure | None:
    """Read the item code at the end of a word's ink, glyph by glyph; None when there is none.

    The last glyphs are read as one or two digits, and the glyph before them as the code's
    letter (``o``, ``e``, ``i``; a zero typed for the ``o`` counts as one). When the glyph
    before the digits is no letter, a leading zero of the digits is the letter (``0๑๗``).

    Parameters
    ----------
    ink
        The word's ink mask (True where there is ink), its glyphs whole (see
        :func:`~ita_lib.documents.ocr_digits.grow`).
    whole
        True when the code must be the whole word; False when other glyphs may come before
        it (the word ``ข้อ`` Tesseract joined to the code).

    Returns
    -------
    Figure or None
        The code as read (``"o๑๗"``, ``"0๑๑"``, ``"e14"``: letter and digits as written) and
        the lowest confidence of its glyphs; None when the glyphs do not end in a code.
    """
    read = [best_fit(glyph_fits(g, _CHARS), _MEANING) for g in _glyphs(ink)]
    digits: list[tuple[str, float]] = []
    while read and len(digits) < _MAX_DIGITS and _MEANING.get(read[-1][0], "").isdigit():
        char, conf = read.pop()
        digits.insert(0, ("0" if char in "oO" else char, conf))
    if read and _MEANING.get(read[-1][0]) in _CODE_LETTERS:
        letter = read.pop()
    elif len(digits) == _MAX_DIGITS and _MEANING[digits[0][0]] == "0":
        letter = digits.pop(0)
    else:
        return None
    if (whole and read) or not digits or all(_MEANING[d] == "0" for d, _ in digits):
        return None
    text = letter[0] + "".join(d for d, _ in digits)
    return Figure(text, min(conf for _, conf in [letter, *digits]))


def reread_code(text: str, ink: np.ndarray) -> tuple[str, float | None]:
    """Return a word that may be an item code read again glyph by glyph, and its confidence.

    Parameters
    ----------
    text
        The word as Tesseract read it (:func:`may_be_code` is True for it).
    ink
        The ink of the word, its glyphs whole.

    Returns
    -------
    (str, float or None)
        The word with its code read again (``ข้อ`` kept in front when Tesseract joined it),
        or the word unchanged and None when its glyphs do not end in a code.
    """
    code = read_code(ink, whole=not text.startswith(_ITEM_WORD))
    if code is None:
        return text, None
    prefix = _ITEM_WORD if text.startswith(_ITEM_WORD) else ""
    return prefix + code.text, code.conf


def code_in_front(text: str) -> bool:
    """Return True when a word as Tesseract read it starts with an item code run into Thai.

    Tesseract joins a code to the Thai word after it when the gap is narrow, and may then
    drop or misread its last digit (``0๑หน่วยงาน`` for ``0๑๗ หน่วยงาน``).

    >>> code_in_front("0๑หน่วยงาน"), code_in_front("06หน่วยงาน"), code_in_front("องค์การ")
    (True, True, False)
    """
    return bool(_CODE_IN_FRONT.match(text))


def read_code_in_front(text: str, ink: np.ndarray) -> tuple[str, float | None]:
    """Return a word that starts with an item code with the code read again and set apart.

    The first glyph is read as the code's letter and the next one or two, while they are
    digits, as its number; the Thai text Tesseract read after the code follows a space.

    Parameters
    ----------
    text
        The word as Tesseract read it (:func:`code_in_front` is True for it).
    ink
        The ink of the word, its glyphs whole.

    Returns
    -------
    (str, float or None)
        ``"0๑๗ หน่วยงาน..."`` and the code's confidence, or the word unchanged and None when
        its first glyphs are no code.
    """
    skip = len(_ITEM_WORD) if text.startswith(_ITEM_WORD) else 0
    glyphs = _glyphs(ink)
    for start in range(4) if skip else (0,):  # ข้อ takes two or three columns of ink
        read = [best_fit(glyph_fits(g, _CHARS), _MEANING) for g in glyphs[start : start + 3]]
        if read and _MEANING.get(read[0][0]) in _CODE_LETTERS:
            digits = _sure_digits(read[1:])
            if digits and _MEANING[digits[0][0]] != "0":  # อ of ข้อ read as o, then the code's 0
                break
    else:
        return text, None
    rest = _CODE_IN_FRONT.sub("", text)
    code = read[0][0] + "".join(d for d, _ in digits)
    conf = min(c for _, c in [read[0], *digits])
    return f"{text[:skip]}{code} {rest}", conf


def _sure_digits(read: list[tuple[str, float]]) -> list[tuple[str, float]]:
    """Return the leading glyphs read surely as digits (the Thai word after a code is none)."""
    digits = []
    for char, conf in read[:_MAX_DIGITS]:
        if not _MEANING.get(char, "").isdigit() or conf < _SURE_DIGIT:
            break
        digits.append(("0" if char in "oO" else char, conf))
    return digits
