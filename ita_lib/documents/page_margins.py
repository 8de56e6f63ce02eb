"""Running headers and footers: margin lines that recur on the pages of a PDF or a scan.

:func:`~ita_lib.documents.page_layout.read_pages` sets aside, as page furniture, the lines in a
page's top or bottom band that are written on more than one page (digits ignored: ``หน้า 3``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from difflib import SequenceMatcher

from ita_lib.documents.layout import Paragraph
from ita_lib.text.digits import to_arabic_digits
from ita_lib.text.thai_repair import thai_skeleton

__all__ = ["furniture_key", "repeated_margins"]


def furniture_key(text: str) -> str:
    """Return the key two margin lines share when they are one running header (digits as ``#``)."""
    return re.sub(r"[0-9]+", "#", "".join(to_arabic_digits(text).split()))


_ALIKE_MARGIN = 0.85  # likeness of two margin lines' consonants that make them one header
_ALIKE_MIN = 8  # consonants a margin line needs to be matched by likeness


def _alike(a: str, b: str) -> bool:
    """Return True when two margin lines' consonants are at least :data:`_ALIKE_MARGIN` alike."""
    matcher = SequenceMatcher(None, a, b)
    return matcher.quick_ratio() >= _ALIKE_MARGIN and matcher.ratio() >= _ALIKE_MARGIN


def repeated_margins(pages: Sequence[Sequence[Paragraph]], *, tolerant: bool) -> set[str]:
    """Return the keys of margin lines written on more than one page: the same, or, when
    ``tolerant`` (a scan: a running header OCR read a little otherwise on each page,
    ``โปร่งใส่``, ``มาตรถาร``), whose Thai consonants are alike (:func:`_alike`)."""
    lines = [{furniture_key(p.text): thai_skeleton(p.text) for p in page} for page in pages]
    counts = Counter(key for page in lines for key in page)
    repeated = {key for key, n in counts.items() if n >= 2}
    if not tolerant:
        return repeated
    for i, page in enumerate(lines):
        for key, skeleton in page.items():
            if key in repeated or len(skeleton) < _ALIKE_MIN:
                continue
            if any(
                len(other) >= _ALIKE_MIN and _alike(skeleton, other)
                for j, rest in enumerate(lines)
                if j != i
                for other in rest.values()
            ):
                repeated.add(key)
    return repeated
