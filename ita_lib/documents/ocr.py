"""Read scanned pages with Tesseract OCR (Thai and English): deskew, rules, words.

Each page image is:

1. made greyscale and binarised (a global threshold between ink and paper);
2. deskewed: the angle (within ±4°) whose horizontal projection has the sharpest profile,
   searched coarse then fine on a reduced copy, and the page rotated back;
3. searched for table rules: runs of ink at least :data:`_RULE_SHARE` of the page's width
   (or height) long, horizontally and vertically; they are erased before OCR so that
   Tesseract sees only text, and handed to :func:`~ita_lib.documents.page_layout.read_pages`
   to rebuild the tables;
4. read by Tesseract (``tha+eng``) through pytesseract: words with boxes and confidences.

Pages are read in parallel (Tesseract runs as a process per page, one thread each).
Tesseract is a system program: :func:`check_tesseract` raises :class:`InputError` naming
what to install when it, or its Thai data, is missing.
"""

from __future__ import annotations

import os
import statistics
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from ita_lib.documents.page_layout import Page, Rule, Word
from ita_lib.exceptions import InputError

__all__ = ["INSTALL_HINT", "check_tesseract", "deskew", "find_rules", "image_frames", "ocr_pages"]

INSTALL_HINT = (
    "Tesseract OCR with Thai data (Debian/Ubuntu: apt-get install tesseract-ocr "
    "tesseract-ocr-tha; conda: conda install -c conda-forge tesseract)"
)
"""What to install to read scans, as error messages name it."""

_LANGUAGES = "tha+eng"
_RULE_SHARE = 0.04  # a rule is at least this share of the page's width (or height)
_MAX_SKEW = 4.0  # degrees
_WORK_WIDTH = 800  # pixels: width of the reduced copy the skew is measured on


def check_tesseract(source: str) -> None:
    """Raise :class:`InputError` unless Tesseract and its Thai and English data are installed."""
    import pytesseract

    try:
        languages = set(pytesseract.get_languages(config=""))
    except (pytesseract.TesseractNotFoundError, OSError):
        languages = None
    if languages is None or not {"tha", "eng"} <= languages:
        missing = "Tesseract" if languages is None else "Tesseract's Thai or English data"
        raise InputError(
            f"reading a scanned document needs OCR, and {missing} is not installed",
            source=source,
            expected=f"install {INSTALL_HINT}",
        )


def image_frames(path: Path, source: str) -> tuple[object, ...]:
    """Return the frames (pages) of an image file as greyscale PIL images."""
    from PIL import Image, ImageSequence, UnidentifiedImageError

    try:
        image = Image.open(path)
        return tuple(frame.convert("L") for frame in ImageSequence.Iterator(image))
    except (UnidentifiedImageError, OSError) as exc:
        raise InputError(
            f"not a readable image ({type(exc).__name__})",
            source=source,
            expected="a scanned page as PNG, JPEG or TIFF",
        ) from None


def _ink(pixels: np.ndarray) -> np.ndarray:
    """Return the ink mask of a greyscale page (threshold halfway between ink and paper)."""
    paper = np.percentile(pixels, 90)
    ink = np.percentile(pixels, 1)
    return pixels < (paper + ink) / 2


def _profile_score(image: object, angle: float) -> float:
    rotated = np.asarray(image.rotate(angle, fillcolor=0))  # type: ignore[attr-defined]
    rows = rotated.sum(axis=1, dtype=np.float64)
    return float(np.square(np.diff(rows)).sum())


def deskew(image: object) -> tuple[object, float]:
    """Return the page rotated straight, and the angle it was turned by (degrees).

    Parameters
    ----------
    image
        A greyscale PIL image of a page, dark text on light paper.
    """
    from PIL import Image

    scale = _WORK_WIDTH / image.width  # type: ignore[attr-defined]
    small = image.resize(  # type: ignore[attr-defined]
        (_WORK_WIDTH, max(1, round(image.height * scale)))  # type: ignore[attr-defined]
    )
    mask = Image.fromarray((_ink(np.asarray(small)) * 255).astype(np.uint8))
    best = max(np.arange(-_MAX_SKEW, _MAX_SKEW + 0.01, 0.25), key=lambda a: _profile_score(mask, a))
    fine = np.arange(best - 0.25, best + 0.26, 0.05)
    angle = float(max(fine, key=lambda a: _profile_score(mask, a)))
    if abs(angle) < 0.05:
        return image, 0.0
    rotated = image.rotate(  # type: ignore[attr-defined]
        angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255
    )
    return rotated, round(angle, 2)


def _runs(mask: np.ndarray, length: int) -> Iterator[tuple[int, int, int, int]]:
    """Yield (first row, last row, start, end) of horizontal ink runs at least ``length`` long."""
    window = np.cumsum(np.pad(mask, ((0, 0), (1, 0))), axis=1, dtype=np.int32)
    full = (window[:, length:] - window[:, :-length]) == length  # run of `length` starts here
    rows = np.flatnonzero(full.any(axis=1))
    if not rows.size:
        return
    groups = np.split(rows, np.flatnonzero(np.diff(rows) > 1) + 1)
    for group in groups:
        starts = full[group].any(axis=0)
        edges = np.diff(np.concatenate(([0], starts.astype(np.int8), [0])))
        for start, end in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True):
            yield int(group[0]), int(group[-1]), int(start), int(end - 1 + length)


def find_rules(ink: np.ndarray) -> tuple[tuple[Rule, ...], np.ndarray]:
    """Return a page's rules and the mask of their pixels (to erase before OCR).

    Parameters
    ----------
    ink
        The page's ink mask (True where there is ink), deskewed.
    """
    height, width = ink.shape
    lines = np.zeros_like(ink)
    rules: list[Rule] = []
    for top, bottom, x0, x1 in _runs(ink, max(8, int(_RULE_SHARE * width))):
        lines[max(0, top - 1) : bottom + 2, x0:x1] = True
        y = (top + bottom) / 2
        rules.append(Rule(float(x0), y, float(x1), y))
    for left, right, y0, y1 in _runs(ink.T, max(8, int(_RULE_SHARE * height))):
        lines[y0:y1, max(0, left - 1) : right + 2] = True
        x = (left + right) / 2
        rules.append(Rule(x, float(y0), x, float(y1)))
    return tuple(rules), lines


def _ocr_words(image: object) -> tuple[Word, ...]:
    import pytesseract

    data = pytesseract.image_to_data(
        image, lang=_LANGUAGES, config="--psm 3", output_type=pytesseract.Output.DICT
    )
    boxes = [
        (data["text"][i].strip(), data["left"][i], data["top"][i], data["width"][i],
         data["height"][i], float(data["conf"][i]))
        for i in range(len(data["text"]))
        if data["level"][i] == 5 and data["text"][i].strip()
    ]  # fmt: skip
    if not boxes:
        return ()
    em = 0.85 * statistics.median(b[4] for b in boxes)
    return tuple(Word(t, x, y, x + w, y + h, em, max(c, 0.0)) for t, x, y, w, h, c in boxes)


def _read_page(number: int, image: object) -> Page:
    from PIL import Image

    straight, _ = deskew(image)
    pixels = np.asarray(straight)
    rules, lines = find_rules(_ink(pixels))
    cleaned = Image.fromarray(np.where(lines, 255, pixels).astype(np.uint8))
    height, width = pixels.shape
    return Page(number, float(width), float(height), _ocr_words(cleaned), rules)


def ocr_pages(images: Iterable[object], source: str) -> tuple[Page, ...]:
    """Read page images by OCR, in parallel; return their words and rules (in pixels).

    Raises
    ------
    InputError
        When Tesseract or its Thai data is not installed (the message names what to install).
    """
    check_tesseract(source)
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    workers = max(1, min(4, os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(_read_page, n, image) for n, image in enumerate(images, 1)]
        return tuple(f.result() for f in futures)
