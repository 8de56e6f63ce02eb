"""Read the figures of a scanned table cell glyph by glyph, against the digits of Sarabun.

Tesseract's Thai model confuses the Thai digits of TH Sarabun (the typeface Thai government
documents are required to use) at scan resolutions: ``๙๗.๐๖`` comes out as ``๕๓.๐๐``. The
glyphs of a figure do not touch one another, so a number cell is cut into its lines (rows of
ink) and each line into glyphs (columns of ink); a glyph under a third of the line's height at
its foot is a decimal point, a short wide one at mid-height a dash, and every other glyph is
compared with the ten Thai and ten Arabic digits of the bundled Sarabun (regular and bold),
drawn at the same size. :func:`read_figure` returns the reading and its confidence: the
lowest, over the glyphs, of how well the best digit fits and by how much it beats the next
other digit. A cell whose glyphs are not digits gives None (Tesseract's reading stands).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = [
    "Figure",
    "best_fit",
    "fix_digits",
    "glyph_fits",
    "glyph_spans",
    "grow",
    "may_hold_digits",
    "read_figure",
    "step_in_front",
]

_FONTS = Path(__file__).resolve().parents[1] / "fonts"
_DIGITS = "๐๑๒๓๔๕๖๗๘๙0123456789"
_SIZE = (24, 32)  # (width, height) every glyph is compared at
_MIN_FIT = 0.72  # a glyph that fits no digit better than this is not a digit
_SPECK = 6  # pixels: a run of rows with less ink above or below a glyph is a speck
_DOT_HEIGHT = 0.3  # share of the line's height under which a glyph at its foot is a point
_MAX_ASPECT = 1.4  # a glyph wider than this many times its height is digits touching
_MIN_PART = 0.35  # share of the height: the narrowest digit a touching glyph is cut into
_CUTS_TRIED = 6  # the thinnest columns of touching digits tried as the cut between them


@dataclass(frozen=True)
class Figure:
    """A figure read from a cell: its text and the confidence of the reading (0–100)."""

    text: str
    conf: float


def _normalise(mask: np.ndarray) -> np.ndarray:
    """Return a glyph's ink, cropped to its box, on a fixed-size grid (floats 0–1)."""
    from PIL import Image

    rows = np.flatnonzero(mask.any(axis=1))
    cols = np.flatnonzero(mask.any(axis=0))
    box = mask[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    image = Image.fromarray((box * 255).astype(np.uint8)).resize(_SIZE, Image.Resampling.BILINEAR)
    return np.asarray(image, dtype=np.float32) / 255.0


@functools.cache
def _templates(
    chars: str | tuple[str, ...] = _DIGITS,
) -> tuple[tuple[str, np.ndarray, float], ...]:
    """Return (character, normalised glyph, aspect ratio) for each of ``chars`` in each Sarabun face."""
    from PIL import Image, ImageDraw, ImageFont

    out = []
    for face in ("Sarabun-Regular.ttf", "Sarabun-Bold.ttf"):
        font = ImageFont.truetype(str(_FONTS / face), 96)
        for digit in chars:
            image = Image.new("L", (160, 160), 0)
            ImageDraw.Draw(image).text((20, 10), digit, font=font, fill=255)
            mask = np.asarray(image) > 127
            out.append((digit, _normalise(mask), _aspect(mask)))
    return tuple(out)


def _aspect(mask: np.ndarray) -> float:
    rows = np.flatnonzero(mask.any(axis=1))
    cols = np.flatnonzero(mask.any(axis=0))
    return float((cols[-1] - cols[0] + 1) / (rows[-1] - rows[0] + 1))


def glyph_spans(profile: np.ndarray) -> list[tuple[int, int]]:
    """Return the (start, end) runs where a projection profile (ink per column) has ink."""
    edges = np.diff(np.concatenate(([0], (profile > 0).astype(np.int8), [0])))
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True))


def _without_specks(glyph: np.ndarray) -> np.ndarray:
    """Return a glyph's ink without the rows of specks above or below it (a few pixels)."""
    rows = glyph.sum(axis=1)
    keep = glyph.copy()
    for top, bottom in glyph_spans(rows):
        if rows[top:bottom].sum() < _SPECK:
            keep[top:bottom] = False
    return keep if keep.any() else glyph


def glyph_fits(glyph: np.ndarray, chars: str | tuple[str, ...] = _DIGITS) -> dict[str, float]:
    """Return how well a glyph's ink fits each of ``chars`` drawn in Sarabun (0–1, best face).

    Parameters
    ----------
    glyph
        The glyph's ink mask (True where there is ink); it is cropped to its ink.
    chars
        The characters to compare it with (digits, or the letters of item codes), or short
        texts drawn as one glyph (``"๔)"``: a step number touching its parenthesis).
    """
    glyph = _without_specks(glyph)
    shape, aspect = _normalise(glyph), _aspect(glyph)
    fits: dict[str, float] = {}
    for char, template, ratio in _templates(chars):
        overlap = 1.0 - float(np.abs(shape - template).mean())
        fit = overlap - 0.15 * abs(np.log(max(aspect, 0.05) / ratio))
        fits[char] = max(fits.get(char, 0.0), fit)
    return fits


def best_fit(fits: dict[str, float], meaning: dict[str, str] | None = None) -> tuple[str, float]:
    """Return the best-fitting character and the confidence (0–100) of that reading.

    The confidence is the lower of how well the best character fits and by how much it beats
    the best character of another meaning (``meaning`` maps characters that mean the same,
    such as ``0`` and ``o`` in an item code, to one key). A fit under the threshold of a glyph
    gives ``("", 0.0)``.
    """
    key = (meaning or {}).get
    ranked = sorted(fits.items(), key=lambda kv: -kv[1])
    best, fit = ranked[0]
    second = max((f for c, f in ranked[1:] if key(c, c) != key(best, best)), default=0.0)
    if fit < _MIN_FIT:
        return "", 0.0
    margin = min(1.0, (fit - second) / 0.08)
    return best, float(round(100 * min(fit, 0.5 + 0.5 * margin), 1))


def _classify(glyph: np.ndarray) -> tuple[str, float]:
    """Return the digit a glyph is and the confidence (0–100) of that reading."""
    return best_fit(glyph_fits(glyph))


def _line(ink: np.ndarray) -> tuple[str, float] | None:
    """Read one line of a figure; None when a glyph is not a digit, point or dash."""
    height = ink.shape[0]
    text, conf = "", 100.0
    for start, end in glyph_spans(ink.sum(axis=0)):
        glyph = _without_specks(ink[:, start:end])  # a speck above a point makes it no point
        rows = np.flatnonzero(glyph.any(axis=1))
        tall, width = rows[-1] - rows[0] + 1, end - start
        small = tall < _DOT_HEIGHT * height
        if small and int(glyph.sum()) < _SPECK:
            continue  # a speck the scanner left
        if small and rows[0] > height / 2:
            text += "."
        elif small and width > 0.35 * height:
            text += "-"
        elif small:
            continue  # a speck the scanner left above the foot of the line
        else:
            digit, fit = _classify(glyph) if width <= _MAX_ASPECT * tall else ("", 0.0)
            if not digit:
                digit, fit = _touching(glyph, tall)
            if not digit:
                return None
            text, conf = text + digit, min(conf, fit)
    return text, conf


def _touching(glyph: np.ndarray, tall: int, depth: int = 2) -> tuple[str, float]:
    """Read a glyph that is digits touching (ink run together by a scan's blur:
    ``๘๖``): cut at one of the few columns where the ink is thinnest, each part a digit (or
    touching digits again); the cut whose parts fit best. ``("", 0.0)`` when none gives digits."""
    width = glyph.shape[1]
    margin = int(_MIN_PART * tall)
    if depth == 0 or width < 2 * margin:
        return "", 0.0
    ink = glyph.sum(axis=0)
    cuts = sorted(range(margin, width - margin), key=lambda c: (ink[c], abs(c - width / 2)))
    best = ("", 0.0)
    for cut in cuts[:_CUTS_TRIED]:
        halves = (glyph[:, :cut], glyph[:, cut:])
        if not all(half.any() for half in halves):
            continue
        parts = [_classify(half) for half in halves]
        parts = [
            read if read[0] else _touching(half, tall, depth - 1)
            for read, half in zip(parts, halves, strict=True)
        ]
        fit = min(p[1] for p in parts)
        if all(p[0] for p in parts) and fit > best[1]:
            best = ("".join(p[0] for p in parts), fit)
    return best


def read_figure(ink: np.ndarray) -> Figure | None:
    """Read the figure in a table cell's ink, or None when the cell holds anything else.

    Parameters
    ----------
    ink
        The cell's ink mask (True where there is ink), rules already erased.

    Returns
    -------
    Figure or None
        The figure as written (Thai or Arabic digits, a figure wrapped over lines joined) and
        its confidence; None when a glyph is not a digit, a point or a dash.
    """
    text, conf = "", 100.0
    for top, bottom in glyph_spans(ink.sum(axis=1)):
        if bottom - top < 4:
            continue  # a speck line
        read = _line(ink[top:bottom])
        if read is None:
            return None
        text, conf = text + read[0], min(conf, read[1])
    if not any(c.isdigit() for c in text) or text.count(".") > 1:
        return None
    return Figure(text, conf)


_THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
_FIGURE_CHARS = frozenset(_THAI_DIGITS + ".,-")
_PAREN_LIKE = ")|]}1lI!"  # what Tesseract reads a parenthesis after a step number as
_DECIMAL = re.compile(r"[๐-๙]+\.[๐-๙]+")
_SURE_STEP = 80.0  # a list number put back in front of a line must be read this surely
_STEP = re.compile(r"^[๐-๙@A-Za-z0-9][)|\]}]$")
_MISREAD_NUMBER = re.compile(r"^\S{1,4}\)\s*")
_STEP_TEMPLATES = tuple(f"{d})" for d in _THAI_DIGITS[1:])


def fix_digits(text: str, ink: np.ndarray) -> tuple[str, float | None]:
    """Read again the Thai digits of a word Tesseract read, glyph by glyph.

    A word of Thai digits only (``๒๕๖๕``) is read whole with :func:`read_figure`; a word that
    ends in Thai digits (``ที่๖``, ``ต.ค.๒๐๕``) has its last glyphs read as digits, as many as
    are digits (Tesseract may read one glyph as two: ``๖`` as ``๒๐``). A short word Tesseract
    read as Latin letters (``bb``, ``Db``, ``@)``) whose glyphs are all Thai digits of Sarabun
    is those digits. A last glyph that is a closing parenthesis (of a step number, ``๑)``,
    which Tesseract reads as ``๑``, ``|`` or not at all) is one. Other words, and words whose
    glyphs are not digits, are returned unchanged.

    Parameters
    ----------
    text
        The word as Tesseract read it.
    ink
        The ink mask of the word's box on the page.

    Returns
    -------
    (str, float or None)
        The word and the confidence of the digits read again (None when nothing was read).
    """
    if not ink.any():
        return text, None
    spans = glyph_spans(ink.sum(axis=0))
    if len(text.strip(_PAREN_LIKE)) <= 1 and len(spans) == 1 and _is_paren(ink):
        return ")", 80.0  # a step number's parenthesis Tesseract read as a digit or a bar
    if _STEP.match(text) and len(spans) == 1:  # a step number touching its parenthesis
        step, conf = best_fit(glyph_fits(ink, _STEP_TEMPLATES))
        return (step, conf) if step else (text, None)
    original, suffix = text, ""
    if len(spans) > 1 and _is_paren(ink[:, spans[-1][0] : spans[-1][1]]):
        suffix, ink, spans = ")", ink[:, : spans[-1][0]], spans[:-1]
        text = text[:-1] if text[-1:] in _PAREN_LIKE else text
    read = _read_digits(text, ink, spans)
    return (original, None) if read is None else (read[0] + suffix, read[1])


def _read_digits(
    text: str, ink: np.ndarray, spans: list[tuple[int, int]]
) -> tuple[str, float] | None:
    """Read the digits of a word (its parenthesis cut off): all of it, or the Thai digits it ends in."""
    if _LATIN_SHORT.match(text) or set(text) <= _FIGURE_CHARS:
        figure = read_figure(ink)
        if figure is None or (_LATIN_SHORT.match(text) and not set(figure.text) <= _FIGURE_CHARS):
            return None
        return figure.text.rstrip(".") if _LATIN_SHORT.match(text) else figure.text, figure.conf
    if _DECIMAL.search(text):
        return _decimals_inside(text, ink, spans)
    tail = len(text) - len(text.rstrip(_THAI_DIGITS))
    if not tail or len(spans) <= 1:
        return None
    digits, conf = "", 100.0
    for start, end in reversed(spans[max(1, len(spans) - tail - 1) :]):  # one glyph read as two?
        digit, fit = _classify(ink[:, start:end])
        if not digit or digit not in _THAI_DIGITS:
            break
        digits, conf = digit + digits, min(conf, fit)
    return (text[:-tail] + digits, conf) if digits else None


def _decimals_inside(
    text: str, ink: np.ndarray, spans: list[tuple[int, int]]
) -> tuple[str, float] | None:
    """Read again the decimal numbers inside a word (``ผลคะแนน...๙๒.๕๖...``), glyph by glyph.

    The word's glyphs are read as digits, points or other glyphs; the runs of digits with one
    point are its numbers. When there are as many as Tesseract read, they replace its
    readings in order; otherwise nothing is changed.
    """
    rows = np.flatnonzero(ink.any(axis=1))
    height = rows[-1] - rows[0] + 1
    marks = []
    for start, end in spans:
        glyph = ink[:, start:end]
        tall = np.flatnonzero(glyph.any(axis=1))
        small = tall[-1] - tall[0] + 1 < _DOT_HEIGHT * height and end - start < _DOT_HEIGHT * height
        digit, fit = ("", 0.0) if small else _classify(glyph)
        marks.append(("." if small else digit if digit and digit in _THAI_DIGITS else "x", fit))
    sequence = "".join(m for m, _ in marks)
    found = list(_DECIMAL.finditer(sequence))
    written = list(_DECIMAL.finditer(text))
    if not found or len(found) != len(written):
        return None
    out, end, conf = "", 0, 100.0
    for read, number in zip(found, written, strict=True):
        out += text[end : number.start()] + read.group()
        end = number.end()
        conf = min([conf, *(fit for _, fit in marks[read.start() : read.end()] if fit)])
    return out + text[end:], conf


def _is_paren(glyph: np.ndarray) -> bool:
    """Return True when a glyph is a closing parenthesis (it fits no digit better)."""
    return best_fit(glyph_fits(glyph, _DIGITS + ")"))[0] == ")"


_LATIN_SHORT = re.compile(r"^[A-Za-z@0-9]{1,3}[0-9A-Za-z@]?[).]?$")


def may_hold_digits(text: str) -> bool:
    """Return True when a word as Tesseract read it may hold Thai digits to read again.

    >>> may_hold_digits("ที่๖"), may_hold_digits("bb"), may_hold_digits("@)"), may_hold_digits("การ")
    (True, True, True, False)
    """
    return (
        any(c in _THAI_DIGITS for c in text)
        or bool(_LATIN_SHORT.match(text))
        or (len(text) == 1 and text in _PAREN_LIKE)
    )


_STEP_START = re.compile(r"^[๐-๙0-9]{1,2}\)")


def step_in_front(text: str, ink: np.ndarray) -> tuple[str, float | None]:
    """Return a line's first word with the step number Tesseract dropped from its front.

    Tesseract sometimes leaves out a list number (``๒)``) at the start of a line and reports
    the next word with a box that still holds it. When the word's first glyph is a Thai digit
    and the second a closing parenthesis, the number is put back in front, in place of what
    Tesseract read it as when that ends in a parenthesis (``lo)แต่งตั้ง``).

    Parameters
    ----------
    text
        The first word of a line, as Tesseract read it.
    ink
        The word's ink, its glyphs whole.

    Returns
    -------
    (str, float or None)
        ``"๒) ดำเนินการ..."`` and the digit's confidence, or the word unchanged and None.
    """
    if _STEP_START.match(text) or not text[:1].strip():
        return text, None
    spans = glyph_spans(ink.sum(axis=0))
    if len(spans) < 3 or not _is_paren(ink[:, spans[1][0] : spans[1][1]]):
        return text, None
    digit, conf = _classify(ink[:, spans[0][0] : spans[0][1]])
    if digit not in _THAI_DIGITS or conf < _SURE_STEP:
        return text, None
    misread = _MISREAD_NUMBER.match(text)  # the number read as letters: lo)แต่งตั้ง, ซ)จัดทำ
    return f"{digit}) {text[misread.end() :] if misread else text}", conf


def grow(ink: np.ndarray, box: tuple[int, int, int, int], reach: int | None = None) -> np.ndarray:
    """Return the ink of the glyphs a word's box cuts into, whole (within ``reach`` pixels).

    Tesseract's word boxes may cut off the tails of Thai digits (``๗``, ``๘``, ``๙`` rise at
    one side), which then read as other digits. The ink inside the box is grown along
    connected ink, so that every glyph it touches is whole and ink that does not touch the
    word (the marks of the lines above and below) is left out.

    Parameters
    ----------
    ink
        The page's ink mask.
    box
        The word's box (x0, y0, x1, y1) in pixels.
    reach
        How far outside the box the glyphs may reach, sideways and up or down (default: the
        box's height sideways, a quarter of it up and down: a tail rises little above the
        line, and the marks of the next line are close).

    Returns
    -------
    numpy.ndarray
        The ink mask of the box widened by ``reach`` on each side, holding only the ink
        connected to ink in the box.

    >>> page = np.zeros((10, 10), dtype=bool)
    >>> page[2:8, 3] = True  # a stroke the box cuts at row 5
    >>> page[0, 8] = True    # ink that does not touch the box
    >>> int(grow(page, (2, 5, 5, 7), reach=5).sum())
    6
    """
    height, width = ink.shape
    x0, y0, x1, y1 = (max(0, v) for v in box)
    rx, ry = (max(4, y1 - y0), max(2, (y1 - y0) // 4)) if reach is None else (reach, reach)
    wx0, wy0 = max(0, x0 - rx), max(0, y0 - ry)
    wx1, wy1 = min(width, x1 + rx), min(height, y1 + ry)
    window = ink[wy0:wy1, wx0:wx1]
    seed = np.zeros_like(window)
    seed[y0 - wy0 : y1 - wy0, x0 - wx0 : x1 - wx0] = window[
        y0 - wy0 : y1 - wy0, x0 - wx0 : x1 - wx0
    ]
    for _ in range(4 * max(rx, ry)):
        grown = seed.copy()
        grown[1:] |= seed[:-1]
        grown[:-1] |= seed[1:]
        grown[:, 1:] |= grown[:, :-1].copy()
        grown[:, :-1] |= grown[:, 1:].copy()
        grown &= window
        if np.array_equal(grown, seed):
            break
        seed = grown
    return seed
