"""Pages of positioned words and ruling lines rebuilt into paragraphs and table fragments.

A PDF's text layer (:mod:`ita_lib.documents.pdf_reading`) and OCR of a scan
(:mod:`ita_lib.documents.ocr`) both give, per page, words with boxes and the ruling lines of
tables. :func:`read_pages` turns them into what :func:`~ita_lib.documents.stitching.stitch`
expects, the same blocks a text or .docx document gives:

- **Tables** are the connected groups of horizontal and vertical rules. Their grid is the
  rules' distinct positions; grid cells not separated by a rule are one merged cell, whose
  text goes to its first row and column (as a .docx merged cell is flattened). Words go to
  the cell that holds their centre; a cell's lines are joined as wrapped text, and a line
  that starts with a list number (``๒)``, ``3.``, ``-``) starts a new paragraph.
- **Paragraphs** outside tables are lines joined while they follow each other closely and the
  line before reaches the right margin.
- **Page furniture**: lines in the top or bottom margin band that are page numbers or that
  recur on other pages (digits ignored) are set aside.

Positions are ``page`` plus ``line`` (among the page's lines outside tables) or
``table``/``row``/``cell`` (the table's number on its page). Coordinates are top-down, in any
unit (points for PDF, pixels for scans); ``em`` on each word is the font size in that unit.
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from ita_lib.documents.layout import Cell, CellFragment, Paragraph, Position, join_wrapped
from ita_lib.documents.page_margins import furniture_key, repeated_margins
from ita_lib.documents.stitching import PAGE_NUMBER, RawRow, RawTable
from ita_lib.text.thai_repair import repair_thai

__all__ = ["Page", "Rule", "Word", "read_pages", "table_cells"]

_SPACE_GAP = 0.2  # a gap wider than this many em between words is a space
_COLUMN_GAP = 3.0  # a gap wider than this many em between words parts two columns
# a line whose next lines may hang under it: a bracketed number, an item code ((๑) ..., O13 ...)
_HANGING = re.compile(
    r"^(?:\(\s*[0-9๐-๙]{1,2}\s*\)|(?:ข้อ\s*)?[oOeEiI0๐]\s*[0-9๐-๙]{1,2}(?![0-9๐-๙]))"
)
_STRAY = re.compile(r"^[^\u0e01-\u0e2e]{1,5}$")  # in a scan's margin: a few signs, no Thai letter
_MARGIN_BAND = 0.08  # the top and bottom share of a page where headers and footers live
_SNAP = 0.25  # rules closer than this many em are one grid line
_NUMBER_END = re.compile(r"[0-9๐-๙][.,]?$")
_DIGITS_ONLY = re.compile(r"^[0-9๐-๙]{1,2}$")
_LIST_START = re.compile(r"^(?:[0-9๐-๙]{1,2}(?:\.[0-9๐-๙]{1,2})*\s*[.)]|[-–•*]\s|ข้อ\s)")


@dataclass(frozen=True)
class Word:
    """A word (or a glyph cluster) and its box; ``conf`` is the OCR confidence (0–100)."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    em: float
    conf: float = 100.0

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


@dataclass(frozen=True)
class Rule:
    """A horizontal (``y0 == y1``) or vertical (``x0 == x1``) ruling line."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def horizontal(self) -> bool:
        return abs(self.y1 - self.y0) <= abs(self.x1 - self.x0)


@dataclass(frozen=True)
class Page:
    """One page: its number (1-based), size, words and rules; a scanned page, the degrees it
    was turned clockwise to read it upright and whether it was a photo flattened; a PDF's page,
    the boxes of its pictures (top-down) and whether the PDF turns it (``/Rotate``)."""

    number: int
    width: float
    height: float
    words: tuple[Word, ...]
    rules: tuple[Rule, ...] = ()
    turned: int = 0
    pictures: tuple[tuple[float, float, float, float], ...] = ()
    rotated: bool = False
    flattened: bool = False


@dataclass(frozen=True)
class _Line:
    words: tuple[Word, ...]

    @property
    def text(self) -> str:
        out = ""
        previous: Word | None = None
        for word in self.words:
            if previous is not None and word.x0 - previous.x1 > _SPACE_GAP * word.em:
                out += " "
            out += word.text
            previous = word
        return " ".join(repair_thai(out).split())

    @property
    def column_gaps(self) -> list[tuple[float, float]]:
        """Return the gaps in the line wider than :data:`_COLUMN_GAP` em (between columns)."""
        return [(a.x1, b.x0) for a, b in itertools.pairwise(self.words)
                if b.x0 - a.x1 > _COLUMN_GAP * b.em]  # fmt: skip

    def same_columns(self, other: _Line) -> bool:
        """Return True when this line and another are rows of a table drawn without rules (a
        screenshot's): a wide gap of each lies over one of the other's (a justified line's
        stretched spaces do not line up so)."""
        return any(
            min(a1, b1) > max(a0, b0) for a0, a1 in self.column_gaps for b0, b1 in other.column_gaps
        )

    @property
    def lead_width(self) -> float:
        """Width of the line's first run of text up to a space."""
        end = self.words[0]
        for word in self.words[1:]:
            if word.x0 - end.x1 > _SPACE_GAP * word.em:
                break
            end = word
        return end.x1 - self.words[0].x0

    @property
    def y0(self) -> float:
        return min(w.y0 for w in self.words)

    @property
    def y1(self) -> float:
        return max(w.y1 for w in self.words)

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return self.words[-1].x1

    @property
    def em(self) -> float:
        return statistics.median(w.em for w in self.words)


def _lines(words: Sequence[Word]) -> list[_Line]:
    """Group words into lines (by vertical overlap), each sorted left to right."""
    groups: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (w.cy, w.x0)):
        if groups:
            last = groups[-1]
            top = statistics.median(w.y0 for w in last)
            bottom = statistics.median(w.y1 for w in last)
            overlap = min(bottom, word.y1) - max(top, word.y0)
            if overlap > 0.5 * min(bottom - top, word.y1 - word.y0):
                last.append(word)
                continue
        groups.append([word])
    return [_Line(tuple(sorted(g, key=lambda w: w.x0))) for g in groups]


def _join_lines(left: str, right: str) -> str:
    """Join a wrapped line to the one before (a number cut by the wrap is joined whole)."""
    if _NUMBER_END.search(left) and right[:1].isdigit():
        return left + right
    return join_wrapped(left, right)


def _indented_below(line: _Line, previous: _Line | None, left: float) -> bool:
    """Return True when a line is indented as a paragraph's first line is, below a line that
    starts at the left margin and no list number or item code (under ``๑) ...``, ``(๑) ...``
    or ``O13 ...`` an indented line is the item's hanging indent), by 1.5 to 6 em (a centred
    title's short second line is more)."""
    hanging = (
        _LIST_START.match(previous.text) or _HANGING.match(previous.text) if previous else None
    )
    if previous is None or previous.x0 - left > 0.5 * line.em or hanging:
        return False
    return 1.5 * line.em <= line.x0 - previous.x0 <= 6 * line.em


def _closes_bracket(above: str, line: str) -> bool:
    """Return True when a line closes a bracket the paragraph above left open: its start
    (``23.58) และ ...`` under ``(ถ่วงน้ำหนักแล้ว``) is the bracket's figure, not a list number."""
    return above.count("(") > above.count(")") and ")" in line.split("(")[0]


def _paragraph_texts(
    lines: Sequence[_Line], right: float, *, indents: bool = False
) -> list[tuple[str, _Line]]:
    """Join lines into paragraphs; return each paragraph's text and first line.

    A line continues the paragraph above unless it starts with a list number (not a figure
    closing a bracket the paragraph opened: :func:`_closes_bracket`, nor the rest of a number
    wrapped after its first digits), the gap above
    it is wider than the usual gap between lines, the line above stops short (before the
    last fifth of the width, with room left for this line's first run of text up to a space),
    it is a first line indented below a line at the margin (:func:`_indented_below`), or it
    and the line above are rows of columns (:meth:`_Line.same_columns`).
    """
    gaps = [b.y0 - a.y1 for a, b in itertools.pairwise(lines) if b.y0 - a.y1 < a.em]
    usual = statistics.median(gaps) if gaps else 0.0
    left = min((line.x0 for line in lines), default=0.0)
    out: list[tuple[str, _Line]] = []
    previous: _Line | None = None
    for line in lines:
        text = line.text
        if not text:
            continue
        joined = (
            previous is not None
            and line.y0 - previous.y1 < usual + 0.25 * line.em
            and (
                previous.x1 > left + 0.8 * (right - left)
                or right - previous.x1 < line.lead_width + 0.5 * line.em
                or bool(_NUMBER_END.search(out[-1][0]) and text[:1].isdigit())
            )
            and (
                not _LIST_START.match(text)
                or _closes_bracket(out[-1][0], text)
                or _DIGITS_ONLY.match(out[-1][0])  # ๑๐. wrapped in a narrow column: ๑, then ๐.
            )
            and not (indents and _indented_below(line, previous, left))
            and not line.same_columns(previous)
        )
        if joined:
            out[-1] = (_join_lines(out[-1][0], text), out[-1][1])
        else:
            out.append((text, line))
        previous = line
    return out


# -- Tables --------------------------------------------------------------------------------------


def _snap(values: Sequence[float], tolerance: float) -> list[float]:
    """Return the distinct values, those closer than ``tolerance`` merged (their mean)."""
    groups: list[list[float]] = []
    for value in sorted(values):
        if groups and value - groups[-1][-1] <= tolerance:
            groups[-1].append(value)
        else:
            groups.append([value])
    return [sum(g) / len(g) for g in groups]


def _components(rules: Sequence[Rule], tolerance: float) -> list[list[Rule]]:
    """Group rules that touch or cross into connected components."""
    parent = list(range(len(rules)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(rules):
        for j in range(i + 1, len(rules)):
            b = rules[j]
            near_x = a.x0 - tolerance <= b.x1 and b.x0 - tolerance <= a.x1
            if near_x and a.y0 - tolerance <= b.y1 and b.y0 - tolerance <= a.y1:
                parent[find(i)] = find(j)
    groups: dict[int, list[Rule]] = {}
    for i, rule in enumerate(rules):
        groups.setdefault(find(i), []).append(rule)
    return [
        g
        for g in groups.values()
        if sum(r.horizontal for r in g) >= 2 and sum(not r.horizontal for r in g) >= 2
    ]


@dataclass(frozen=True)
class _Grid:
    xs: tuple[float, ...]
    ys: tuple[float, ...]
    anchors: dict[tuple[int, int], tuple[int, int]]  # grid cell -> top-left cell of its merge

    def contains(self, word: Word) -> bool:
        return self.xs[0] <= word.cx <= self.xs[-1] and self.ys[0] <= word.cy <= self.ys[-1]

    def cell_of(self, word: Word) -> tuple[int, int]:
        r = max(i for i, y in enumerate(self.ys[:-1]) if y <= word.cy)
        c = max(i for i, x in enumerate(self.xs[:-1]) if x <= word.cx)
        return self.anchors[(r, c)]


def _covered(rules: Sequence[Rule], at: float, start: float, end: float, tol: float) -> bool:
    """Return True when a rule at ``at`` covers the middle of ``start``–``end``."""
    middle = (start + end) / 2
    return any(abs(a - at) <= tol and lo - tol <= middle <= hi + tol for a, lo, hi in rules)


def _grid(rules: Sequence[Rule], tolerance: float) -> _Grid | None:
    hs = [((r.y0 + r.y1) / 2, r.x0, r.x1) for r in rules if r.horizontal]
    vs = [((r.x0 + r.x1) / 2, r.y0, r.y1) for r in rules if not r.horizontal]
    ys = _snap([h[0] for h in hs], tolerance)
    xs = _snap([v[0] for v in vs], tolerance)
    if len(ys) < 2 or len(xs) < 2:
        return None
    anchors: dict[tuple[int, int], tuple[int, int]] = {}
    for r in range(len(ys) - 1):
        for c in range(len(xs) - 1):
            anchor = (r, c)
            if c and not _covered(vs, xs[c], ys[r], ys[r + 1], tolerance):
                anchor = anchors[(r, c - 1)]
            elif r and not _covered(hs, ys[r], xs[c], xs[c + 1], tolerance):
                anchor = anchors[(r - 1, c)]
            anchors[(r, c)] = anchor
    return _Grid(tuple(xs), tuple(ys), anchors)


def _grids(rules: Sequence[Rule], tolerance: float) -> list[_Grid]:
    found = (_grid(c, tolerance) for c in _components(rules, tolerance))
    return sorted((g for g in found if g is not None), key=lambda g: g.ys[0])


def table_cells(
    rules: Sequence[Rule], tolerance: float
) -> tuple[tuple[tuple[float, float, float, float], ...], ...]:
    """Return the boxes (x0, y0, x1, y1) of each table's cells, merged cells as one box.

    Parameters
    ----------
    rules
        A page's rules.
    tolerance
        Rules closer than this are one grid line (the unit of the rules).

    Returns
    -------
    tuple
        Per table (top to bottom), its cells' boxes row by row.
    """
    out = []
    for grid in _grids(rules, tolerance):
        ends: dict[tuple[int, int], tuple[int, int]] = {}
        for (r, c), anchor in grid.anchors.items():
            last = ends.get(anchor, (r, c))
            ends[anchor] = (max(last[0], r), max(last[1], c))
        out.append(tuple(
            (grid.xs[c], grid.ys[r], grid.xs[c1 + 1], grid.ys[r1 + 1])
            for (r, c), (r1, c1) in sorted(ends.items())
        ))  # fmt: skip
    return tuple(out)


def _cell_paragraphs(words: Sequence[Word], right: float, pos: Position) -> Cell:
    lines = _lines(words)
    texts = _paragraph_texts(lines, right)
    conf = min((w.conf for w in words), default=None)
    paragraphs = tuple(Paragraph(text, pos, conf=conf) for text, _ in texts)
    return Cell((CellFragment(paragraphs, pos),)) if paragraphs else Cell()


def _table(grid: _Grid, words: Sequence[Word], page: int, number: int) -> RawTable:
    by_cell: dict[tuple[int, int], list[Word]] = {}
    for word in words:
        by_cell.setdefault(grid.cell_of(word), []).append(word)
    rows: list[RawRow] = []
    row_number = 0
    for r in range(len(grid.ys) - 1):
        if not any((r, c) in by_cell for c in range(len(grid.xs) - 1)):
            continue
        row_number += 1
        order = (page, round(grid.ys[r] * 10))
        cells = []
        for c in range(len(grid.xs) - 1):
            pos = Position(
                page=page, table=number, row=row_number, cell=c + 1,
                order=(*order, c + 1),
            )  # fmt: skip
            right = _cell_right(grid, r, c)
            cells.append(_cell_paragraphs(by_cell.get((r, c), ()), right, pos))
        rows.append(RawRow(tuple(cells), Position(page=page, table=number, row=row_number,
                                                  order=(*order, 0))))  # fmt: skip
    return RawTable(tuple(rows))


def _cell_right(grid: _Grid, r: int, c: int) -> float:
    """Return the right edge of the merged cell anchored at (r, c)."""
    last = c
    while last + 1 < len(grid.xs) - 1 and grid.anchors[(r, last + 1)] == (r, c):
        last += 1
    return grid.xs[last + 1]


# -- Pages ---------------------------------------------------------------------------------------


def _is_margin(line: _Line, page: Page) -> bool:
    band = _MARGIN_BAND * page.height
    return line.y1 < band or line.y0 > page.height - band


def read_pages(
    pages: Sequence[Page], *, tolerant: bool = False
) -> tuple[list[RawTable | Paragraph], list[Paragraph]]:
    """Rebuild pages into paragraphs and table fragments in reading order.

    Parameters
    ----------
    pages
        The document's pages, in order.
    tolerant
        The pages were read by OCR: running headers read a little otherwise on each page are
        page furniture too.

    Returns
    -------
    tuple
        The blocks (paragraphs and :class:`~ita_lib.documents.stitching.RawTable` fragments)
        for :func:`~ita_lib.documents.stitching.stitch`, and the page headers, footers and
        page numbers found in the margins.
    """
    laid = [_lay_out(page) for page in pages]
    repeated = repeated_margins([margins for _, margins in laid], tolerant=tolerant)
    items: list[RawTable | Paragraph] = []
    furniture: list[Paragraph] = []
    for blocks, margins in laid:
        for paragraph in margins:
            is_number = PAGE_NUMBER.match(paragraph.text)
            stray = tolerant and _STRAY.match("".join(paragraph.text.split()))  # - 3 - read: a
            if is_number or stray or furniture_key(paragraph.text) in repeated:
                furniture.append(paragraph)
            else:
                blocks.append(paragraph)
        blocks.sort(key=_block_order)
        items.extend(blocks)
    return items, furniture


def _block_order(block: RawTable | Paragraph) -> tuple[int, ...]:
    return block.pos.order if isinstance(block, Paragraph) else block.rows[0].pos.order


def _lay_out(page: Page) -> tuple[list[RawTable | Paragraph], list[Paragraph]]:
    """Return a page's blocks (tables and paragraphs) and its margin paragraphs."""
    em = statistics.median([w.em for w in page.words]) if page.words else 10.0
    grids = _grids(page.rules, _SNAP * em)
    loose: list[Word] = []
    in_grid: list[list[Word]] = [[] for _ in grids]
    for word in page.words:
        index = next((i for i, g in enumerate(grids) if g.contains(word)), None)
        if index is None:
            loose.append(word)
        else:
            in_grid[index].append(word)
    blocks: list[RawTable | Paragraph] = [
        _table(g, ws, page.number, n)
        for n, (g, ws) in enumerate(zip(grids, in_grid, strict=True), 1)
        if ws
    ]
    lines = _lines(loose)
    margins = [line for line in lines if _is_margin(line, page)]
    body = [line for line in lines if not _is_margin(line, page)]
    right = max((line.x1 for line in body), default=page.width)
    number = {id(line): n for n, line in enumerate(lines, 1)}
    blocks.extend(_paragraph(text, first, page, number) for text, first in
                  _paragraph_texts(body, right, indents=True))  # fmt: skip
    margin_paragraphs = [_paragraph(line.text, line, page, number) for line in margins]
    return blocks, [p for p in margin_paragraphs if p.text]


def _paragraph(text: str, line: _Line, page: Page, number: dict[int, int]) -> Paragraph:
    pos = Position(
        page=page.number, line=number[id(line)], order=(page.number, round(line.y0 * 10), 0)
    )
    return Paragraph(text, pos)
