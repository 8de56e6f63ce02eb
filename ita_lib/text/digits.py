"""Thai and Arabic digits, and the clean-up Thai text from documents needs before parsing.

ITA documents are written in Thai: numbers may use Thai digits (``๙๒.๕๖``), and text copied
from PDF and Word exports carries invisible characters. Every function here is pure.
"""

from __future__ import annotations

__all__ = ["clean_text", "digits_as", "to_arabic_digits", "to_thai_digits"]

_THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
_ARABIC_DIGITS = "0123456789"
_TO_ARABIC = str.maketrans(_THAI_DIGITS, _ARABIC_DIGITS)
_TO_THAI = str.maketrans(_ARABIC_DIGITS, _THAI_DIGITS)

# Characters that PDF and Word exports leave in Thai text and that carry no meaning, with
# bidirectional controls (U+202E would show text reversed) and non-space control characters
# (terminal escapes): imported text is untrusted.
_BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_CONTROLS = "".join(chr(c) for c in [*range(0x09), *range(0x0E, 0x20), *range(0x7F, 0xA0)])
_INVISIBLE = str.maketrans(dict.fromkeys("\u200b\u200c\u200d\ufeff" + _BIDI_CONTROLS + _CONTROLS))


def to_arabic_digits(text: str) -> str:
    """Replace Thai digits (๐-๙) with Arabic digits (0-9).

    Parameters
    ----------
    text
        Any text; characters other than Thai digits are kept as they are.

    Returns
    -------
    str
        ``text`` with every Thai digit replaced by the same Arabic digit.

    Raises
    ------
    TypeError
        If ``text`` is not a string.
    """
    if not isinstance(text, str):
        msg = f"expected a string, got {type(text).__name__}"
        raise TypeError(msg)
    return text.translate(_TO_ARABIC)


def to_thai_digits(text: str) -> str:
    """Replace Arabic digits (0-9) with Thai digits (๐-๙).

    Parameters
    ----------
    text
        Any text; characters other than Arabic digits are kept as they are.

    Returns
    -------
    str
        ``text`` with every Arabic digit replaced by the same Thai digit.

    Raises
    ------
    TypeError
        If ``text`` is not a string.
    """
    if not isinstance(text, str):
        msg = f"expected a string, got {type(text).__name__}"
        raise TypeError(msg)
    return text.translate(_TO_THAI)


def digits_as(text: str, thai_digits: bool) -> str:
    """Return ``text`` with Thai digits if ``thai_digits`` is true, else unchanged.

    Parameters
    ----------
    text
        Text written with Arabic digits.
    thai_digits
        Whether to write Thai digits instead.

    Returns
    -------
    str
        The text for display.
    """
    return to_thai_digits(text) if thai_digits else text


def clean_text(text: str) -> str:
    """Return ``text`` with Arabic digits, no invisible characters and single spaces.

    Parameters
    ----------
    text
        Text as copied from a document.

    Returns
    -------
    str
        The text ready for parsing: Thai digits become Arabic, zero-width characters, the
        byte-order mark, bidirectional controls and control characters go, runs of whitespace become one space, ends are stripped.
    """
    text = to_arabic_digits(text).translate(_INVISIBLE)
    return " ".join(text.split())
