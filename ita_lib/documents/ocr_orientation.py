"""Turn a scanned page upright before it is read.

A sheet-fed scanner gives a landscape page (a measures plan laid across the sheet) as a portrait
image with its text turned 90°, and a sheet fed the wrong way round comes out upside down.
Tesseract's orientation and script detection (OSD, ``--psm 0``, its ``osd`` data) says by how
much to turn each page; the page is turned when it is sure enough (:data:`CONFIDENCE`, the
threshold OCRmyPDF uses by default). A page with too little text for OSD, or a Tesseract
without its ``osd`` data, is read as it comes (the latter logged once).
"""

from __future__ import annotations

import functools
import logging

__all__ = ["CONFIDENCE", "upright"]

log = logging.getLogger(__name__)

CONFIDENCE = 14.0
"""The least orientation confidence OSD must give for a page to be turned."""


@functools.cache
def _has_osd() -> bool:
    import pytesseract

    found = "osd" in set(pytesseract.get_languages(config=""))
    if not found:
        log.warning(
            "Tesseract's osd data is not installed: scanned pages are not turned upright "
            "(install tesseract-ocr-osd, or conda's tesseract)"
        )
    return found


def upright(image: object) -> tuple[object, int]:
    """Return a page image turned upright and the degrees it was turned clockwise (0, 90,
    180 or 270).

    Parameters
    ----------
    image
        A PIL image of the page.

    Returns
    -------
    tuple
        The image (the same object when it is not turned) and the clockwise turn.
    """
    import pytesseract

    if not _has_osd():
        return image, 0
    try:
        found = pytesseract.image_to_osd(
            image, config="--psm 0", output_type=pytesseract.Output.DICT
        )
    except pytesseract.TesseractError:  # "Too few characters": a page with little text
        return image, 0
    turn = int(found.get("rotate", 0)) % 360
    if turn == 0 or float(found.get("orientation_conf", 0.0)) < CONFIDENCE:
        return image, 0
    return image.rotate(-turn, expand=True), turn  # type: ignore[attr-defined]
