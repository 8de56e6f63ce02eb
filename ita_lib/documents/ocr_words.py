"""Words as Tesseract reports them, made into the words of the text: pure functions.

Tesseract's Thai model reads a line as syllables and reports each as a word, so that
``มาตรการ`` comes out as ``มาต รกา ร``. Thai writes no spaces between words; a space in a Thai
text is a real gap, much wider than the room between two syllables. :func:`join_syllables`
joins the pieces of a line whose gap is narrow relative to the line's text height, and keeps
the wide gaps as spaces. :func:`parse_tsv` reads Tesseract's TSV output (one or many images)
into lines of :class:`~ita_lib.documents.page_layout.Word`; :func:`is_numeric` tells the
cells to read again with the digits-only whitelist.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence

import numpy as np

from ita_lib.documents.page_layout import Word

__all__ = [
    "DIGITS_WHITELIST",
    "drop_strays",
    "is_numeric",
    "join_syllables",
    "may_be_number",
    "parse_tsv",
]

DIGITS_WHITELIST = "๐๑๒๓๔๕๖๗๘๙0123456789.-"
"""The characters a number cell may hold (Thai and Arabic digits, point, minus)."""

JOIN_GAP = 0.65
"""Pieces closer than this share of the line's text height are one word."""

_THAI = re.compile(r"[\u0e01-\u0e5b]")
_JOINS = re.compile(r"[\u0e01-\u0e5b0-9.,:/()%\-]")
_NUMERIC = re.compile(r"^[-–]?[0-9๐-๙][0-9๐-๙.,]*$|^[-–]$")


def _joinable(left: str, right: str) -> bool:
    """Return True when two pieces may be one word: Thai (or a number) where they meet."""
    a, b = left[-1:], right[:1]
    if not (_JOINS.match(a) and _JOINS.match(b)):
        return False
    return bool(_THAI.match(a) or _THAI.match(b) or ((a.isdigit() or a in ".,") and b.isdigit()))


def _merge(a: Word, b: Word) -> Word:
    return Word(
        a.text + b.text, min(a.x0, b.x0), min(a.y0, b.y0), max(a.x1, b.x1), max(a.y1, b.y1),
        a.em, min(a.conf, b.conf),
    )  # fmt: skip


def join_syllables(line: Sequence[Word], gap: float = JOIN_GAP) -> tuple[Word, ...]:
    """Join the pieces Tesseract splits Thai words into; keep real gaps between words.

    Parameters
    ----------
    line
        One line's words, left to right.
    gap
        Pieces closer than this share of the line's text height (the median height of its
        words) are joined, when Thai letters or digits meet across the gap.

    Returns
    -------
    tuple of Word
        The words; a joined word has the union of the boxes and the lowest confidence.

    >>> ws = [Word("มาต", 0, 0, 30, 20, 20), Word("รการ", 33, 0, 70, 20, 20),
    ...       Word("ของ", 90, 0, 110, 20, 20)]
    >>> [w.text for w in join_syllables(ws)]
    ['มาตรการ', 'ของ']
    """
    if not line:
        return ()
    height = statistics.median(w.y1 - w.y0 for w in line)
    out = [line[0]]
    for word in line[1:]:
        last = out[-1]
        if word.x0 - last.x1 < gap * height and _joinable(last.text, word.text):
            out[-1] = _merge(last, word)
        else:
            out.append(word)
    return tuple(out)


def attach_parens(line: Sequence[Word], gap: float = JOIN_GAP) -> tuple[Word, ...]:
    """Join a closing parenthesis read as a word of its own to the number before it (``๑)``).

    >>> ws = [Word("๑", 0, 0, 16, 20, 20), Word(")", 24, 0, 30, 20, 20), Word("จัดหา", 60, 0, 120, 20, 20)]
    >>> [w.text for w in attach_parens(ws)]
    ['๑)', 'จัดหา']
    """
    out: list[Word] = []
    for word in line:
        last = out[-1] if out else None
        near = last is not None and word.x0 - last.x1 < gap * (last.y1 - last.y0)
        if word.text == ")" and near and last is not None and last.text[-1:].isdigit():
            out[-1] = _merge(last, word)
        else:
            out.append(word)
    return tuple(out)


def is_numeric(text: str) -> bool:
    """Return True when a cell's text reads as a number (Thai or Arabic digits), or a dash.

    >>> is_numeric("๙๗.๐๖"), is_numeric("97.06"), is_numeric("ตัวชี้วัดที่ ๑")
    (True, True, False)
    """
    return bool(_NUMERIC.match("".join(text.split())))


_THAI_WORD = re.compile(r"[\u0e01-\u0e4e]{2,}")
_INSTRUMENT_WORD = re.compile(r"(?<![A-Za-z])(?:IIT|EIT|OIT|ITA)(?![A-Za-z])")


def may_be_number(text: str) -> bool:
    """Return True when a cell's OCR text may be a misread number: short, no Thai word and no
    instrument's name (``EIT``, ``ITA 2569``: read with digits only, ``6`` and ``2569``) in it.

    Thai digits misread by a general model come out as Latin letters or single Thai
    letters (``๓๐`` as ``mo``), so such a cell is read again with the digits whitelist.

    >>> may_be_number("mo"), may_be_number("lod.lo ๑"), may_be_number("รวม"), may_be_number("OIT")
    (True, True, False, False)
    """
    compact = "".join(text.split())
    return (
        0 < len(compact) <= 12
        and not _THAI_WORD.search(compact)
        and not _INSTRUMENT_WORD.search(text)
    )


def parse_tsv(tsv: str, em_share: float = 0.85) -> dict[int, list[list[Word]]]:
    """Read Tesseract's TSV output into lines of words, per image (1-based page number).

    Parameters
    ----------
    tsv
        The TSV text (header line first), of one image or of a list of images.
    em_share
        A word's ``em`` is this share of the median word height of its image.

    Returns
    -------
    dict
        Image number -> its lines (in Tesseract's order), each a list of words left to right.
    """
    rows = [line.split("\t") for line in tsv.splitlines()[1:]]
    found: dict[int, dict[tuple[str, ...], list[tuple[str, float, float, float, float, float]]]]
    found = {}
    for row in rows:
        if len(row) < 12 or row[0] != "5" or not row[11].strip():
            continue
        page = int(row[1])
        left, top, width, height = (float(v) for v in row[6:10])
        box = (row[11].strip(), left, top, left + width, top + height, max(float(row[10]), 0.0))
        found.setdefault(page, {}).setdefault(tuple(row[2:5]), []).append(box)
    out: dict[int, list[list[Word]]] = {}
    for page, lines in found.items():
        em = em_share * statistics.median(b[4] - b[2] for ws in lines.values() for b in ws)
        out[page] = [
            sorted((Word(t, x0, y0, x1, y1, em, c) for t, x0, y0, x1, y1, c in ws),
                   key=lambda w: w.x0)
            for ws in lines.values()
        ]  # fmt: skip
    return out


MARK_SHARE = 0.6
"""A word under this share of the height of a word whose box holds it is a stray mark."""

SPECK_SHARE = 0.15
"""A word (other than a point or comma) smaller than this share of the median word height
both ways is a speck of the scan Tesseract read as ``|`` or ``'``."""


def drop_strays(words: Sequence[Word]) -> tuple[Word, ...]:
    """Drop marks Tesseract read on their own, and specks it read as characters.

    Tesseract sometimes reads the row of vowels and tone marks above a Thai line as a line of
    its own, and reports the marks as words (``ษ``, ``a``) that sit inside the box of the word
    they belong to; they would end up glued to the text. Specks of the scan come out as
    ``|`` or ``'`` far to the right of a short line, which would make it look full.

    Parameters
    ----------
    words
        A page's words.

    Returns
    -------
    tuple of Word
        The words, in order, without those whose box is (at least 80 %) inside the box of
        another word more than :data:`MARK_SHARE` times taller, and without specks (see
        :data:`SPECK_SHARE`).

    >>> word, mark = Word("ข้อ0๒๐", 88, 678, 202, 731, 20), Word("ษ", 95, 681, 109, 691, 20)
    >>> speck = Word("|", 1260, 677, 1262, 678, 20)
    >>> [w.text for w in drop_strays([word, mark, Word("หน่วย", 219, 678, 300, 731, 20), speck])]
    ['ข้อ0๒๐', 'หน่วย']
    """
    if len(words) < 2:
        return tuple(words)
    boxes = np.array([(w.x0, w.y0, w.x1, w.y1) for w in words], dtype=np.float64)
    heights = boxes[:, 3] - boxes[:, 1]
    speck = SPECK_SHARE * float(np.median(heights))
    keep = []
    for i, word in enumerate(words):
        x0, y0, x1, y1 = boxes[i]
        if x1 - x0 < speck and y1 - y0 < speck and word.text not in (".", ","):
            continue
        area = max(1e-6, (x1 - x0) * (y1 - y0))
        inside = (np.clip(np.minimum(boxes[:, 2], x1) - np.maximum(boxes[:, 0], x0), 0, None)
                  * np.clip(np.minimum(boxes[:, 3], y1) - np.maximum(boxes[:, 1], y0), 0, None))  # fmt: skip
        holders = (inside >= 0.8 * area) & (heights * MARK_SHARE > heights[i])
        holders[i] = False
        if not holders.any():
            keep.append(word)
    return tuple(keep)


_DASH = re.compile(r"\s[-–~=]\s|[-–~=]")
_MONTH_PART = re.compile(r"[\u0e01-\u0e4e]{1,3}\s*\.\s*[\u0e01-\u0e4e]{1,2}|[\u0e01-\u0e4e]{5,}")
_YEAR_DIGITS = re.compile(r"[^๐-๙0-9]+")
# marks no month's abbreviation has (below the line, tone marks): OCR's specks (``ต.ุค.``)
_NOT_IN_ABBREVIATION = re.compile(r"[\u0e31\u0e38-\u0e3a\u0e47-\u0e4e]")


def merge_period(first: Sequence[Word], again: Sequence[Word]) -> Word | None:
    """Return a period cell's text made of the months of one reading and the years of another.

    A period (``ต.ค. ๖๕ - ก.ย. ๖๖``) read with Thai letters only (a whitelist) gets its month
    abbreviations right (but for specks read as marks below the line, which no abbreviation
    has) and its Thai digits wrong; the first reading, whose digits were read
    again glyph by glyph, gets the years right. Each side of the dash takes its month from
    ``again`` (an abbreviation or a full name) and its year (two or four digits) from ``first``.

    Parameters
    ----------
    first, again
        The cell's words as first read (digits read again) and as read with Thai letters only.

    Returns
    -------
    Word or None
        One word spanning the cell with the period's text and the lower confidence; None when
        either reading does not have two sides, or a side lacks its month or year.

    >>> first = [Word("ต.ค.๖๕", 0, 0, 40, 20, 20, 90), Word("-", 45, 0, 50, 20, 20, 90),
    ...          Word("fg.", 55, 0, 70, 20, 20, 40), Word("๖๖", 75, 0, 90, 20, 20, 90)]
    >>> again = [Word("ต.ค.", 0, 0, 30, 20, 20, 90), Word("-", 45, 0, 50, 20, 20, 90),
    ...          Word("ก.ย.", 55, 0, 70, 20, 20, 80), Word("ว", 75, 0, 90, 20, 20, 30)]
    >>> merge_period(first, again).text
    'ต.ค. ๖๕ - ก.ย. ๖๖'
    >>> full = [Word("ตุลาคม", 0, 0, 40, 20, 20), Word("-", 45, 0, 50, 20, 20),
    ...         Word("กันยายน", 55, 0, 70, 20, 20), Word("ไว", 75, 0, 90, 20, 20)]
    >>> merge_period([Word("ตุลาคม 2568 . - กันยาย 2569", 0, 0, 90, 20, 20)], full).text
    'ตุลาคม 2568 - กันยายน 2569'
    """
    sides_first = _DASH.split(" ".join(w.text for w in first))
    sides_again = _DASH.split(" ".join(w.text for w in again))
    if len(sides_first) != 2 or len(sides_again) != 2:
        return None
    parts = []
    for side, (read, letters) in enumerate(zip(sides_first, sides_again, strict=True)):
        month = _MONTH_PART.search(letters)
        year = _YEAR_DIGITS.sub("", read)
        # ๖๕ or ๒๕๖๕ (a digit lost is no year); the start may leave its year to the end's
        if month is None or len(year) not in ((0, 2, 4) if side == 0 else (2, 4)):
            return None
        name = "".join(month.group().split())
        name = _NOT_IN_ABBREVIATION.sub("", name) if "." in name else name
        parts.append(f"{name}{'.' if '.' in name else ''} {year}".strip())
    words = [*first, *again]
    return Word(" - ".join(parts), min(w.x0 for w in words), min(w.y0 for w in words),
                max(w.x1 for w in words), max(w.y1 for w in words), first[0].em,
                min(w.conf for w in words))  # fmt: skip
