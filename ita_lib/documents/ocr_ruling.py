"""The table rules (ruling lines) of a scanned page.

A rule is a run of ink at least :data:`_RULE_SHARE` of the page's width (or height) long,
horizontally or vertically; a short vertical run that joins two horizontal rules is one too
(a one-row table's). A thin rule a photocopy left in pieces is found on the ink with its gaps
closed (:func:`_bridged`), when it is long (:data:`_BROKEN_RULE_SHARE` of the width) or, for a
vertical one, joins two rules. The rules' pixels are returned too, to erase before OCR.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence

import numpy as np

from ita_lib.documents.page_layout import Rule

__all__ = ["find_rules"]

_RULE_SHARE = 0.04  # a rule is at least this share of the page's width (or height)
_SHORT_RULE_SHARE = 0.015  # a vertical rule of a one-row table: joins two rules (this long)
_JOIN_SHARE = 0.004  # share of the page's height: how near a rule's end must be to another
_BROKEN_RULE_SHARE = 0.2  # a rule a photocopy broke is found only this long (text is not)
_BROKEN_REACH = 0.1  # share of the width: how far short of a corner a broken rule may stop
_BRIDGE = 6  # pixels: the widest gap in a broken horizontal rule (twice that, vertical)
_CLEAR = 6  # pixels above and below a rule looked at for text
_CLEAR_SHARE = 0.05  # a rule's neighbouring rows have less ink than this (text, 0.1 or more)
_THICKEST = 7  # rows a broken rule spans once joined to its neighbours (text, many more)
_SOLID_SHARE = 0.7  # a broken rule's own rows are at least this much ink (text is less)


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
    across, long = list(rules), max(8, int(_RULE_SHARE * height))
    for left, right, y0, y1 in _runs(ink.T, long):
        lines[y0:y1, max(0, left - 1) : right + 2] = True
        x = (left + right) / 2
        rules.append(Rule(x, float(y0), x, float(y1)))
    for top, bottom, x0, x1 in _broken_across(ink, across, width, height):
        band = slice(max(0, top - 1), bottom + 2)
        lines[band, x0:x1] |= ink[band, x0:x1]
        across.append(Rule(float(x0), (top + bottom) / 2, float(x1), (top + bottom) / 2))
        rules.append(across[-1])
    tolerance = _JOIN_SHARE * height
    short = max(8, int(_SHORT_RULE_SHARE * height))
    for left, right, y0, y1 in _runs(ink.T, short):
        x = (left + right) / 2
        if (
            y1 - y0 + 1 < long  # a long one is found above, as it was
            and _meets(across, x, y0, tolerance)
            and _meets(across, x, y1, tolerance)  # a short stroke between two rules
            and _thin(ink.T, left, right, y0, y1)  # not a tall letter's stem in a cell
        ):
            lines[y0:y1, max(0, left - 1) : right + 2] = True
            rules.append(Rule(x, float(y0), x, float(y1)))
    reach = _BROKEN_REACH * width  # a broken rule's pieces may stop short of the corner
    for column, y0, y1 in _broken_down(ink, across, short, tolerance, reach):
        if not _found(rules, column, y0, y1):
            lines[y0:y1, max(0, column - 1) : column + 2] |= ink[
                y0:y1, max(0, column - 1) : column + 2
            ]
            rules.append(Rule(float(column), float(y0), float(column), float(y1)))
    return tuple(rules), lines


def _broken_across(
    ink: np.ndarray, whole: Sequence[Rule], width: int, height: int
) -> list[tuple[int, int, int, int]]:
    """Return (top, bottom, start, end) of the pieces of horizontal rules a photocopy broke,
    where no whole rule was found: a long piece (:data:`_BROKEN_RULE_SHARE` of the width) that
    is a rule (:func:`_thin`), and the shorter pieces on its line."""
    found = [
        run
        for run in _runs(_bridged(ink, _BRIDGE), max(8, int(_RULE_SHARE * width)))
        if not _meets(whole, (run[2] + run[3]) / 2, (run[0] + run[1]) / 2, 2 * _JOIN_SHARE * height)
        and _thin(ink, *run)
    ]
    lines = [(t + b) / 2 for t, b, x0, x1 in found if x1 - x0 >= _BROKEN_RULE_SHARE * width]
    return [run for run in found if any(abs((run[0] + run[1]) / 2 - y) <= 2 for y in lines)]


def _broken_down(
    ink: np.ndarray, across: Sequence[Rule], short: int, tolerance: float, reach: float
) -> Iterator[tuple[int, int, int]]:
    """Yield (column, top, bottom) of each piece, from one horizontal rule to the next, of a
    vertical rule a photocopy broke: in each group of columns with a long run once gaps are
    closed, the column with the most ink, between each two rules it meets, when that is a rule
    there (:func:`_thin`: mostly ink, nothing beside it)."""
    heights: list[int] = []  # the rules' heights, a broken rule's drifting pieces as one
    for y in sorted(round(r.y0) for r in across):
        if not heights or y - heights[-1] > tolerance:
            heights.append(y)
    for left, right, y0, y1 in _runs(_bridged(ink.T, 2 * _BRIDGE), short):
        column = left + int(np.argmax(ink.T[left : right + 1, y0 : y1 + 1].sum(axis=1)))
        pieces = [
            (column, top, bottom)
            for top, bottom in itertools.pairwise(heights)
            if bottom - top >= short
            and top >= y0 - tolerance
            and bottom <= y1 + tolerance
            and _meets(across, column, top, tolerance, reach)
            and _meets(across, column, bottom, tolerance, reach)
            and _thin(ink.T, column, column, top + 3, bottom - 3)
        ]
        if len(pieces) >= 2:  # a column's rule runs down rows; a tall letter fills one
            yield from pieces


def _found(rules: Sequence[Rule], x: float, y0: float, y1: float) -> bool:
    """Return True when a vertical rule at ``x`` from ``y0`` to ``y1`` is found already."""
    return any(
        r.x0 == r.x1 and abs(r.x0 - x) < 3 and r.y0 <= y0 + 3 and y1 - 3 <= r.y1 for r in rules
    )


def _thin(ink: np.ndarray, top: int, bottom: int, start: int, end: int) -> bool:
    """Return True when a run along rows ``top``–``bottom`` is a rule, not a line of text or a
    column of figures: a few rows thick, mostly ink itself (a rule a photocopy broke keeps
    most of its pixels), and the rows a few pixels above and below it mostly blank."""
    if bottom - top + 1 > _THICKEST:
        return False  # a band of rows: a line of text, its strokes joined by the closing
    own = ink[max(0, top - 1) : bottom + 2, start:end].any(axis=0)
    inner = slice(start + _CLEAR, max(start + _CLEAR, end - _CLEAR))  # not the rules it meets
    near = np.concatenate((ink[max(0, top - _CLEAR) : max(0, top - 2), inner],
                           ink[bottom + 3 : bottom + _CLEAR + 1, inner]))  # fmt: skip
    solid = not own.size or float(own.mean()) >= _SOLID_SHARE
    return solid and (not near.size or float(near.mean()) < _CLEAR_SHARE)


def _bridged(ink: np.ndarray, gap: int) -> np.ndarray:
    """Return the ink with each row joined to its neighbours and gaps of up to ``gap`` pixels
    along the rows closed: a thin rule a photocopy left in pieces, drifting a pixel up or
    down, becomes one run (a line of text can too: :func:`_thin` tells them apart)."""
    band = ink.copy()
    band[1:] |= ink[:-1]
    band[:-1] |= ink[1:]
    reach = gap // 2
    grown = _along(band, reach) > 0  # dilated along the rows, then eroded: closed
    return band | (_along(grown, reach) == 2 * reach + 1)


def _along(mask: np.ndarray, reach: int) -> np.ndarray:
    """Return, for each pixel, how many pixels within ``reach`` of it along its row are set."""
    total = np.cumsum(np.pad(mask, ((0, 0), (reach + 1, reach))), axis=1, dtype=np.int32)
    return total[:, 2 * reach + 1 :] - total[:, : -2 * reach - 1]


def _meets(
    across: Sequence[Rule], x: float, y: float, tolerance: float, reach: float | None = None
) -> bool:
    """Return True when a point is on one of the horizontal rules (within ``tolerance``; along
    the rule, within ``reach``: a broken rule's pieces may stop short of the corner)."""
    reach = tolerance if reach is None else reach
    return any(
        abs(rule.y0 - y) <= tolerance and rule.x0 - reach <= x <= rule.x1 + reach for rule in across
    )
