"""Read scanned pages with Tesseract OCR (Thai and English): deskew, rules, words.

Each page image is:

1. flattened when it is a photo of the sheet on a desk
   (:func:`~ita_lib.documents.ocr_photo.flatten_photo`), made greyscale and binarised (a
   global threshold between ink and paper);
2. turned upright when it was scanned sideways or upside down
   (:func:`~ita_lib.documents.ocr_orientation.upright`), then deskewed: the angle (within
   ±4°) whose horizontal projection has the sharpest profile, searched coarse then fine on a
   reduced copy, and the page rotated back;
3. searched for table rules (:func:`~ita_lib.documents.ocr_ruling.find_rules`): runs of ink
   a share of the page's width (or height) long; they are erased before OCR so that
   Tesseract sees only text, and handed to :func:`~ita_lib.documents.page_layout.read_pages`
   to rebuild the tables;
4. cut into regions: each table cell with ink and the text outside tables (``--psm 4``). A cell
   that holds a figure is read glyph by glyph against Sarabun's digits
   (:func:`~ita_lib.documents.ocr_digits.read_figure`); other cells are padded, upscaled towards
   300 dpi and read with ``--psm 6`` (one Tesseract run per page and mode reads all its regions),
   a cell that may be a number again with a digits-only whitelist; the Thai digits of every word
   read are read again glyph by glyph (:func:`~ita_lib.documents.ocr_digits.fix_digits`);
5. Thai syllables, which Tesseract reports as separate words, joined into words
   (:func:`~ita_lib.documents.ocr_words.join_syllables`); words keep their confidences.

Pages are read in parallel (Tesseract runs as a process per page, one thread each).
Tesseract is a system program: :func:`check_tesseract` raises :class:`InputError` naming
what to install when it, or its Thai data, is missing.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import tempfile
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from ita_lib.documents.ocr_codes import (
    code_in_front,
    may_be_code,
    read_code_in_front,
    reread_code,
)
from ita_lib.documents.ocr_digits import (
    fix_digits,
    grow,
    may_hold_digits,
    read_figure,
    step_in_front,
)
from ita_lib.documents.ocr_orientation import upright
from ita_lib.documents.ocr_photo import flatten_photo, photo_ink
from ita_lib.documents.ocr_ruling import find_rules
from ita_lib.documents.ocr_words import (
    DIGITS_WHITELIST,
    attach_parens,
    drop_strays,
    is_numeric,
    join_syllables,
    may_be_number,
    merge_period,
    parse_tsv,
)
from ita_lib.documents.page_layout import Page, Rule, Word, table_cells
from ita_lib.exceptions import InputError
from ita_lib.text.periods import parse_period
from ita_lib.text.thai_repair import repair_thai

__all__ = ["INSTALL_HINT", "check_tesseract", "deskew", "find_rules", "image_frames", "ocr_pages"]

INSTALL_HINT = (
    "Tesseract OCR with Thai data (Debian/Ubuntu: apt-get install tesseract-ocr "
    "tesseract-ocr-tha; conda: conda install -c conda-forge tesseract)"
)
"""What to install to read scans, as error messages name it."""

_LANGUAGES = "tha+eng"
_LONGEST_PERIOD = 3 * 366  # days: a measure's period read by OCR is at most three years long
_MAX_SKEW = 4.0  # degrees
_WORK_WIDTH = 800  # pixels: width of the reduced copy the skew is measured on
_GOOD_WIDTH = 2480  # pixels: an A4 page at 300 dpi; narrower pages are upscaled for Tesseract
_GOOD_DPI = 300  # a picture of known resolution is upscaled towards this for Tesseract
_GRID_SNAP = 0.006  # share of the page's width: rules closer than this are one grid line
_NUMBER_SCALE = 1.5  # number cells are read larger still: Thai digits differ in small details
_PAD = 12  # pixels of white around each region given to Tesseract
_MIN_INK = 12  # pixels: a region with less ink is empty
_PERIOD_LIKE = re.compile(r"[๐-๙0-9].*[-–~=].*[๐-๙0-9A-Za-z]")  # month and year, dash, another
PERIOD_WHITELIST = (
    "".join(map(chr, range(0x0E01, 0x0E3B))) + "".join(map(chr, range(0x0E40, 0x0E4F))) + ".-"
)
"""The characters a period cell may hold (Thai letters, marks and digits, point, dash)."""
_STEP_IN_WORD = re.compile(r"(?<=[\u0e01-\u0e4e])([๐-๙]{1,2}\))")


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


def drop_specks(ink: np.ndarray) -> np.ndarray:
    """Return the ink mask without isolated pixels (scanner specks); strokes keep every pixel."""
    padded = np.pad(ink, 1)
    neighbours = sum(
        padded[1 + dy : padded.shape[0] - 1 + dy, 1 + dx : padded.shape[1] - 1 + dx].astype(
            np.uint8
        )
        for dy in (-1, 0, 1)
        for dx in (-1, 0, 1)
        if dy or dx
    )
    return ink & (neighbours > 0)


def _grow(mask: np.ndarray, by: int) -> np.ndarray:
    """Return the mask grown by ``by`` pixels in each direction (the fringe of a rule)."""
    out = mask.copy()
    for shift in range(1, by + 1):
        out[shift:] |= mask[:-shift]
        out[:-shift] |= mask[shift:]
        out[:, shift:] |= mask[:, :-shift]
        out[:, :-shift] |= mask[:, shift:]
    return out


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


@dataclass(frozen=True)
class _Region:
    """A part of a page read on its own: its box on the page and how it is read."""

    box: tuple[int, int, int, int]
    psm: int
    column: tuple[int, int] | None = None  # (table, left edge) of a table cell


def _tesseract(images: list[object], psm: int, whitelist: str = "") -> dict[int, list[list[Word]]]:
    """Run Tesseract once on a list of images; return each image's lines of words."""
    import pytesseract

    if not images:
        return {}
    with tempfile.TemporaryDirectory() as tmp:
        names = []
        for i, image in enumerate(images):
            names.append(str(Path(tmp) / f"{i}.png"))
            image.save(names[-1])  # type: ignore[attr-defined]
        listing = Path(tmp) / "images.txt"
        listing.write_text("\n".join(names) + "\n", encoding="utf-8")
        command = [pytesseract.pytesseract.tesseract_cmd, str(listing), "stdout",
                   "-l", "tha" if whitelist else _LANGUAGES, "--psm", str(psm)]  # fmt: skip
        if whitelist:  # Thai's model has both digit sets; eng would ignore the whitelist
            command += ["-c", f"tessedit_char_whitelist={whitelist}"]
        env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
        done = subprocess.run([*command, "tsv"], capture_output=True, env=env, check=False)
    return parse_tsv(done.stdout.decode("utf-8", "replace"))


def _crop(binary: np.ndarray, box: tuple[int, int, int, int], scale: float) -> object:
    """Cut a region out of the binarised page, upscaled and padded with white."""
    from PIL import Image, ImageOps

    x0, y0, x1, y1 = box
    image = Image.fromarray(binary[y0:y1, x0:x1])
    if scale != 1.0:
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        image = image.resize(size, Image.Resampling.LANCZOS).point(lambda v: 255 * (v > 127))
    return ImageOps.expand(image, _PAD, fill=255)


def _on_page(word: Word, x0: int, y0: int, scale: float) -> Word:
    """Return a word of a crop placed on the page."""
    box = (x0 + (word.x0 - _PAD) / scale, y0 + (word.y0 - _PAD) / scale,
           x0 + (word.x1 - _PAD) / scale, y0 + (word.y1 - _PAD) / scale)  # fmt: skip
    return Word(word.text, *box, word.em / scale, word.conf)


def _read_again(word: Word, ink: np.ndarray) -> Word:
    """Return a word with its item code or Thai digits read again glyph by glyph.

    A word that may be an item code is read as one
    (:func:`~ita_lib.documents.ocr_codes.reread_code`), any other with Thai digits has them
    read again (:func:`~ita_lib.documents.ocr_digits.fix_digits`); both on the word's glyphs
    made whole (:func:`~ita_lib.documents.ocr_digits.grow`), as Tesseract's box may cut them.
    """
    text, conf = word.text, None
    code, in_front = may_be_code(text), code_in_front(text)
    if not code and not in_front and not may_hold_digits(text):
        return word
    box = (round(word.x0), round(word.y0), round(word.x1), round(word.y1))
    whole = grow(ink, box)
    if code:
        text, conf = reread_code(text, whole)
    elif in_front:
        text, conf = read_code_in_front(text, whole)
    if conf is None:
        text, conf = fix_digits(text, whole)
    text = _STEP_IN_WORD.sub(r" \1 ", text).strip()  # ทุจริต๒)จัดทำ: a step number run into text
    return replace(word, text=text) if conf is None else replace(word, text=text, conf=conf)


def _first_step(line: tuple[Word, ...], ink: np.ndarray) -> tuple[Word, ...]:
    """Return a line with the list number Tesseract dropped from its front put back."""
    if not line:
        return line
    first = line[0]
    box = (round(first.x0), round(first.y0), round(first.x1), round(first.y1))
    text, conf = step_in_front(first.text, grow(ink, box))
    return (
        line if conf is None else (replace(first, text=text, conf=min(first.conf, conf)), *line[1:])
    )


def _read_regions(
    binary: np.ndarray, regions: list[_Region], scale: float, whitelist: str = ""
) -> list[list[Word]]:
    """Read regions (grouped by page segmentation mode); return each one's words on the page."""
    out: list[list[Word]] = [[] for _ in regions]
    ink = binary == 0
    for psm in sorted({r.psm for r in regions}):
        chosen = [i for i, r in enumerate(regions) if r.psm == psm]
        crops = [_crop(binary, regions[i].box, scale) for i in chosen]
        for number, lines in _tesseract(crops, psm, whitelist).items():
            x0, y0 = regions[chosen[number - 1]].box[:2]
            out[chosen[number - 1]] = [
                w for line in lines
                for w in _first_step(attach_parens([_read_again(w, ink) for w in
                                     join_syllables([_on_page(w, x0, y0, scale) for w in line])]), ink)
            ]  # fmt: skip
    return out


def _regions(ink: np.ndarray, rules: tuple[Rule, ...]) -> tuple[list[_Region], np.ndarray]:
    """Return the page's table cells with ink, and its ink outside tables as a region."""
    height, width = ink.shape
    body = ink.copy()
    regions: list[_Region] = []
    inset = max(2, width // 400)
    for number, cells in enumerate(table_cells(rules, _GRID_SNAP * width), 1):
        xs = [b[0] for b in cells] + [b[2] for b in cells]
        ys = [b[1] for b in cells] + [b[3] for b in cells]
        body[int(min(ys)) : int(max(ys)) + 1, int(min(xs)) : int(max(xs)) + 1] = False
        for x0, y0, x1, y1 in cells:
            box = (int(x0) + inset, int(y0) + inset, int(x1) - inset, int(y1) - inset)
            if box[2] > box[0] and box[3] > box[1] and _has_ink(ink, box):
                regions.append(_Region(box, 6, (number, round(x0))))
    if _has_ink(body, (0, 0, width, height)):
        rows = np.flatnonzero(body.any(axis=1))
        cols = np.flatnonzero(body.any(axis=0))
        box = (int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1)
        regions.append(_Region(box, 4))
    return regions, body


def _has_ink(ink: np.ndarray, box: tuple[int, int, int, int]) -> bool:
    x0, y0, x1, y1 = box
    return int(ink[y0:y1, x0:x1].sum()) >= _MIN_INK


def _figures(ink: np.ndarray, regions: list[_Region]) -> dict[int, list[Word]]:
    """Read the table cells that hold a figure glyph by glyph (see :mod:`.ocr_digits`)."""
    out: dict[int, list[Word]] = {}
    for i, region in enumerate(regions):
        x0, y0, x1, y1 = region.box
        cell = ink[y0:y1, x0:x1]
        figure = read_figure(cell) if region.column is not None else None
        if figure is not None:
            rows = np.flatnonzero(cell.any(axis=1))
            cols = np.flatnonzero(cell.any(axis=0))
            out[i] = [Word(figure.text, x0 + cols[0], y0 + rows[0], x0 + cols[-1] + 1,
                           y0 + rows[-1] + 1, 10.0, figure.conf)]  # fmt: skip
    return out


def _numeric_cells(regions: list[_Region], words: list[list[Word]]) -> list[int]:
    """Return the table cells to read again as numbers: short, with no Thai word in them."""
    texts = ["".join(w.text for w in ws) for ws in words]
    return [
        i
        for i, (region, text) in enumerate(zip(regions, texts, strict=True))
        if region.column is not None and text and may_be_number(text)
    ]


def _period_cells(regions: list[_Region], words: list[list[Word]]) -> list[int]:
    """Return the table cells that may be a period (``ต.ค.๖๕ - ก.ย. ๖๖``) OCR did not read as one."""
    texts = [" ".join(w.text for w in found) for found in words]
    return [
        i
        for i, (region, text) in enumerate(zip(regions, texts, strict=True))
        if region.column is not None and len(text) <= 40 and _PERIOD_LIKE.search(text)
        and not _is_period(text)
    ]  # fmt: skip


def _is_period(text: str) -> bool:
    """Return True when a cell's text, as read, is a period of a measure: at most
    :data:`_LONGEST_PERIOD` days long (a year misread, ``ธ.ค. ๒๕``, makes a longer one)."""
    try:
        period = parse_period(repair_thai(text))
    except InputError:
        return False
    return (period.end - period.start).days <= _LONGEST_PERIOD


def _read_cells_again(
    binary: np.ndarray,
    regions: list[_Region],
    words: list[list[Word]],
    chosen: list[int],
    scale: float,
    whitelist: str,
    good: Callable[[str], bool],
) -> None:
    """Read cells again, larger, with a whitelist; keep each new reading that is ``good``."""
    again = _read_regions(binary, [regions[i] for i in chosen], scale, whitelist)
    for i, found in zip(chosen, again, strict=True):
        if found and good(" ".join(w.text for w in found)):
            words[i] = found


def _read_page(number: int, image: object, turn: bool = True, dpi: float | None = None) -> Page:
    image, flattened = flatten_photo(image) if turn else (image, False)
    image, turned = upright(image) if turn else (image, 0)
    straight, _ = deskew(image)
    pixels = np.asarray(straight)
    inked = photo_ink(pixels) if flattened else _ink(pixels)
    rules, lines = find_rules(inked)
    ink = drop_specks(inked) & ~_grow(lines, 2)
    height, width = pixels.shape
    scale = min(2.0, max(1.0, _GOOD_WIDTH / width if dpi is None else _GOOD_DPI / dpi))
    regions, body = _regions(ink, rules)
    regions = [r for r in regions if r.column] + [r for r in regions if not r.column]
    figures = _figures(ink, regions)
    binary = np.where(ink, 0, 255).astype(np.uint8)
    cells = [r for i, r in enumerate(regions) if r.column and i not in figures]
    read = iter(_read_regions(binary, cells, scale))
    words = [figures[i] if i in figures else next(read) if r.column else [] for i, r in
             enumerate(regions)]  # fmt: skip
    outside = [i for i, r in enumerate(regions) if not r.column]
    text = _read_regions(np.where(body, 0, 255).astype(np.uint8), [regions[i] for i in outside],
                         scale)  # fmt: skip
    for i, found in zip(outside, text, strict=True):
        words[i] = found
    numeric = [i for i in _numeric_cells(regions, words) if i not in figures]
    larger = _NUMBER_SCALE * scale
    _read_cells_again(binary, regions, words, numeric, larger, DIGITS_WHITELIST, is_numeric)
    periods = [i for i in _period_cells(regions, words) if i not in figures]
    again = _read_regions(binary, [regions[i] for i in periods], larger, PERIOD_WHITELIST)
    for i, letters in zip(periods, again, strict=True):
        merged = merge_period(words[i], letters) if words[i] and letters else None
        if merged is not None and _is_period(merged.text):
            words[i] = [merged]
    found = drop_strays([w for ws in words for w in ws])
    em = 0.85 * statistics.median(w.y1 - w.y0 for w in found) if found else 10.0
    return Page(number, float(width), float(height), tuple(replace(w, em=em) for w in found),
                rules, turned, flattened=flattened)  # fmt: skip


def ocr_pages(
    images: Iterable[object], source: str, *, turn: bool = True, dpi: float | None = None
) -> tuple[Page, ...]:
    """Read page images by OCR, in parallel; return their words and rules (in pixels).

    Parameters
    ----------
    images
        Greyscale PIL images, one a page (or a picture of text).
    source
        Name used in error messages.
    turn
        Turn each image upright first when it was scanned sideways or upside down (a whole
        page; a picture pasted in a page is upright already).
    dpi
        The images' resolution when known (a picture rendered from a PDF): they are upscaled
        towards 300 dpi for Tesseract. Otherwise they are taken as A4 pages.

    Raises
    ------
    InputError
        When Tesseract or its Thai data is not installed (the message names what to install).
    """
    check_tesseract(source)
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    workers = max(1, min(4, os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [
            pool.submit(_read_page, n, image, turn, dpi) for n, image in enumerate(images, 1)
        ]
        return tuple(f.result() for f in futures)
