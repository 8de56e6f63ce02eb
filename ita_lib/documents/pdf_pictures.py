"""Read by OCR what a text PDF holds only as pictures: scanned pages and pictures of text.

Agencies assemble their PDFs by hand. Most pages are exported from Word, but the signed
announcement, or the page of results, is often printed, signed, scanned and put in its place;
and the results are often a screenshot of NACC's report pasted into the Word file. The text
layer holds nothing of these. :func:`read_pictures` finds them and reads them by OCR
(:func:`~ita_lib.documents.ocr.ocr_pages`):

- a **scanned page**: a page with (almost) no text layer whose pictures together cover most of
  it. It is read whole, as a page of a scan is (turned upright when it was scanned sideways);
- a **picture of text**: on a page with a text layer, a picture at least :data:`MIN_WIDTH` of
  the page wide and :data:`MIN_HEIGHT` of it high (an emblem, a signature or a stamp is
  smaller) with few of the text layer's glyphs over it (many: a letterhead or a watermark
  behind the text). It is rendered at 300 dpi and read upright; its words and rules join the
  page's own, in page points, where the picture is. A word the text layer already has there
  (text drawn over the picture) is not taken twice. Only the page's own pictures are looked at
  (one inside a form XObject has its bounds in the form's space), and on a page the PDF turns
  (``/Rotate``) only a whole scanned page.

What OCR is mostly unsure of (median confidence under :data:`MIN_CONF`: a photograph, a chart)
is left out, and its note says so.

Text drawn invisible over a picture (the OCR layer of a "searchable" scan) is no text layer
(:mod:`~ita_lib.documents.pdf_reading` skips it), so such pages are read here again:
Tesseract's Thai is far better than what scanners write there.

Without Tesseract the text pages are still read: each page or picture left unread is named in
the document's notes, and a warning is logged.
"""

from __future__ import annotations

import logging
import statistics
from dataclasses import dataclass, replace
from pathlib import Path

from ita_lib.documents.ocr import INSTALL_HINT, check_tesseract, ocr_pages
from ita_lib.documents.page_layout import Page, Rule, Word
from ita_lib.documents.pdf_reading import SCAN_DPI, open_pdf, scanned_image
from ita_lib.exceptions import InputError

__all__ = ["MIN_CONF", "MIN_HEIGHT", "MIN_WIDTH", "read_pictures"]

log = logging.getLogger(__name__)

MIN_WIDTH = 0.4
"""Share of the page's width a picture must span to be read as a picture of text."""
MIN_HEIGHT = 0.08
"""Share of the page's height a picture must span to be read as a picture of text."""
MIN_CONF = 50.0
"""Median OCR confidence (0–100) of its words under which a picture is taken for a photograph
and what OCR read in it is left out."""
_SCANNED_TEXT = 20  # glyphs: a page with fewer in its text layer may be a scanned page
_SCANNED_COVER = 0.5  # share of the page's area its pictures cover on a scanned page
_UNSURE = "OCR is sure of nothing in it (a photograph, a chart), so it was left out"

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class _Target:
    """A page (``box`` None) or a picture on it (its box in points, top-down) to read by OCR."""

    index: int
    box: Box | None


def _area(box: Box, page: Page) -> float:
    """Return the area of a box inside the page."""
    width = min(box[2], page.width) - max(box[0], 0.0)
    height = min(box[3], page.height) - max(box[1], 0.0)
    return max(0.0, width) * max(0.0, height)


def _glyphs_in(page: Page, box: Box) -> list[Word]:
    """Return the text layer's glyphs inside a box."""
    return [g for g in page.words if box[0] <= g.x0 and g.x1 <= box[2] and box[1] <= g.y0 <= box[3]]


def _targets(page: Page) -> list[_Target]:
    """Return what of a page to read by OCR: the whole page when it is a scanned page, else
    its pictures of text (not on a page the PDF turns: their boxes would be turned too)."""
    index = page.number - 1
    covered = min(sum(_area(b, page) for b in page.pictures), page.width * page.height)
    if len(page.words) < _SCANNED_TEXT and covered >= _SCANNED_COVER * page.width * page.height:
        return [_Target(index, None)]
    return [
        _Target(index, box)
        for box in page.pictures
        if not page.rotated
        and box[2] - box[0] >= MIN_WIDTH * page.width
        and box[3] - box[1] >= MIN_HEIGHT * page.height
        and len(_glyphs_in(page, box)) < _SCANNED_TEXT  # not a background under the text
    ]


def _images(
    path: Path, source: str, targets: list[_Target], pages: tuple[Page, ...]
) -> list[object]:
    """Return the images to read by OCR (a scanned page at its own resolution)."""
    pdf = open_pdf(path, source)
    images: list[object] = []
    try:
        for target in targets:
            handle, page = pdf[target.index], pages[target.index]  # type: ignore[index]
            if target.box is None:
                image = scanned_image(handle)
                images.append(image or handle.render(scale=SCAN_DPI / 72, grayscale=True).to_pil())
            else:
                x0, y0, x1, y1 = target.box  # the crop cuts from the left, bottom, right and top
                crop = (x0, page.height - y1, page.width - x1, y0)
                images.append(
                    handle.render(scale=SCAN_DPI / 72, crop=crop, grayscale=True).to_pil()
                )
            handle.close()
    finally:
        pdf.close()  # type: ignore[attr-defined]
    return images


def _placed(read: Page, scale: float, x: float, y: float) -> tuple[list[Word], list[Rule]]:
    """Return a page read by OCR (in pixels) as words and rules in points, moved to (x, y)."""
    words = [
        Word(w.text, x + w.x0 * scale, y + w.y0 * scale, x + w.x1 * scale, y + w.y1 * scale,
             w.em * scale, w.conf)
        for w in read.words
    ]  # fmt: skip
    rules = [
        Rule(x + r.x0 * scale, y + r.y0 * scale, x + r.x1 * scale, y + r.y1 * scale)
        for r in read.rules
    ]
    return words, rules


def _covers(word: Word, glyph: Word) -> bool:
    cx, cy = (glyph.x0 + glyph.x1) / 2, (glyph.y0 + glyph.y1) / 2
    return word.x0 <= cx <= word.x1 and word.y0 <= cy <= word.y1


def _sure(read: Page) -> bool:
    """Return True when OCR is sure of what it read: not a photograph or a chart."""
    return bool(read.words) and statistics.median(w.conf for w in read.words) >= MIN_CONF


def _with_picture(page: Page, box: Box, read: Page, scale: float) -> Page:
    """Return the page with the words and rules of a picture of text on it added."""
    words, rules = _placed(read, scale, box[0], box[1])
    inside = _glyphs_in(page, box)
    words = [w for w in words if not any(_covers(w, g) for g in inside)]
    return replace(page, words=(*page.words, *words), rules=(*page.rules, *rules))


def _note(target: _Target, page: Page, done: str) -> str:
    if target.box is None:
        return f"Page {page.number} is a scanned page (no text layer); {done}."
    share = f"{target.box[1] / page.height:.0%} to {target.box[3] / page.height:.0%} down the page"
    return f"Page {page.number} holds a picture of text ({share}); {done}."


def read_pictures(
    path: Path, pages: tuple[Page, ...], source: str
) -> tuple[tuple[Page, ...], tuple[str, ...], frozenset[int]]:
    """Read by OCR the scanned pages and pictures of text of a PDF with a text layer.

    Parameters
    ----------
    path
        The PDF file.
    pages
        Its pages as :func:`~ita_lib.documents.pdf_reading.pdf_pages` read them.
    source
        Name used in messages.

    Returns
    -------
    tuple
        The pages with what OCR read added (or, for a scanned page, in its place), one note
        for each page or picture read (or left out), and the numbers of the pages OCR read or
        added words to.
    """
    targets = [t for page in pages for t in _targets(page)]
    if not targets:
        return pages, (), frozenset()
    try:
        check_tesseract(source)
    except InputError:
        log.warning("%s: %d scanned page(s) or picture(s) of text not read: install %s",
                    source, len(targets), INSTALL_HINT)  # fmt: skip
        unread = f"it was not read, as Tesseract OCR is not installed ({INSTALL_HINT})"
        return pages, tuple(_note(t, pages[t.index], unread) for t in targets), frozenset()
    images = _images(path, source, targets, pages)
    out, notes = list(pages), []
    whole = [(t, i) for t, i in zip(targets, images, strict=True) if t.box is None]
    parts = [(t, i) for t, i in zip(targets, images, strict=True) if t.box is not None]
    found = [  # (Tesseract is looked for once a call: no call for nothing)
        *(ocr_pages([i for _, i in whole], source) if whole else ()),
        *(ocr_pages([i for _, i in parts], source, turn=False, dpi=SCAN_DPI) if parts else ()),
    ]
    for (target, image), read in zip([*whole, *parts], found, strict=True):
        page = pages[target.index]
        if not _sure(read):
            notes.append(_note(target, page, _UNSURE))
        elif target.box is None:
            scale = page.width / image.width  # type: ignore[attr-defined]
            words, rules = _placed(read, scale, 0.0, 0.0)
            size = (read.width * scale, read.height * scale)
            out[target.index] = replace(read, number=page.number, width=size[0],
                                        height=size[1], words=tuple(words), rules=tuple(rules))  # fmt: skip
            notes.append(_note(target, page, "it was read by OCR"))
        else:
            out[target.index] = _with_picture(out[target.index], target.box, read, 72 / SCAN_DPI)
            notes.append(_note(target, page, "it was read by OCR"))
    read = frozenset(page.number for page, was in zip(out, pages, strict=True) if page is not was)
    return tuple(out), tuple(notes), read
