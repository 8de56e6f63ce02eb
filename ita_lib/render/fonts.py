"""The Sarabun font embedded in the package's HTML pages: subset to what briefings use, as WOFF2.

Pages carry their font (base64 in ``@font-face`` rules), so they read the same on a phone or a
computer without a Thai font installed.
"""

from __future__ import annotations

import base64
import io
from functools import cache
from importlib.resources import files

__all__ = ["FONT_UNICODES", "embedded_fonts", "subset_woff2"]

FONT_UNICODES = (
    *range(0x20, 0x7F),  # Basic Latin
    *range(0xA0, 0x100),  # Latin-1 (no-break space, ×, ·, ...)
    *range(0x0E01, 0x0E5C),  # Thai
    *range(0x2010, 0x2027),  # dashes, quotation marks, bullets, ellipsis
    0x2190,  # ←
    0x2192,  # →
    0x2212,  # minus sign
)
"""The characters the embedded fonts keep: Thai, Latin and the punctuation briefings use."""


def subset_woff2(font: bytes, unicodes: tuple[int, ...] = FONT_UNICODES) -> bytes:
    """Subset a TrueType font to ``unicodes`` and compress it as WOFF2, with fontTools.

    All OpenType layout features are kept (Thai needs mark positioning and glyph
    composition); hinting is dropped. The same font gives the same bytes.
    """
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.layout_features = ["*"]
    options.hinting = False
    options.desubroutinize = True
    options.flavor = "woff2"
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6]  # keep the licence-relevant names, drop the rest
    subsetter = subset.Subsetter(options=options)
    subsetter.populate(unicodes=unicodes)
    with TTFont(io.BytesIO(font), recalcTimestamp=False) as tt:
        subsetter.subset(tt)
        out = io.BytesIO()
        subset.save_font(tt, out, options)
    return out.getvalue()


@cache
def embedded_fonts() -> list[dict[str, str]]:
    """Return the bundled Sarabun faces as base64 WOFF2, so the page needs no installed Thai font.

    Each face is subset to Thai, Latin and common punctuation (:data:`FONT_UNICODES`) and
    compressed (:func:`subset_woff2`): about a tenth of the TrueType files' size.

    Returns
    -------
    list of dict
        One ``{"weight": ..., "format": "woff2", "mime": "font/woff2", "data": <base64>}`` per
        face (regular 400, bold 700), for the ``@font-face`` rules of the package's HTML
        templates. Cached: do not mutate.
    """
    faces = []
    for weight, name in (("400", "Sarabun-Regular.ttf"), ("700", "Sarabun-Bold.ttf")):
        data = subset_woff2((files("ita_lib") / "fonts" / name).read_bytes())
        faces.append(
            {
                "weight": weight,
                "format": "woff2",
                "mime": "font/woff2",
                "data": base64.b64encode(data).decode("ascii"),
            }
        )
    return faces
