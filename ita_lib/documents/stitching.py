"""Stitch table fragments into tables and set page furniture aside (every reader shares it).

A reader (text, .docx, PDF, OCR) turns its source into a sequence of paragraphs and raw table
fragments (:class:`RawTable`, rows of cells with positions). :func:`stitch` joins consecutive
fragments into :class:`~ita_lib.documents.layout.Table` objects (see
:mod:`ita_lib.documents.reading` for the rules) and moves page numbers and running headers to
the document's furniture.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ita_lib.documents.layout import (
    Cell,
    CellFragment,
    Paragraph,
    Position,
    Row,
    Table,
    split_html,
)

__all__ = [
    "PAGE_NUMBER",
    "RawRow",
    "RawTable",
    "make_cell",
    "norm_key",
    "paragraphs_of",
    "repeated_lines",
    "stitch",
]

PAGE_NUMBER = re.compile(
    r"^[\s\-–—(]*(?:หน้า|หน้าที่|page)?\s*[0-9๐-๙]{1,3}(?:\s*(?:/|จาก|of)\s*[0-9๐-๙]{1,3})?[\s\-–—)]*$"
    r"|^\s*[\-–—]\s*[ก-ฮ]\s*[\-–—]\s*$",  # pages numbered with letters: - ข -
    re.IGNORECASE,
)
_FURNITURE_MAX = 150


def norm_key(text: str) -> str:
    """Return text without white space, for comparing header rows."""
    return "".join(text.split())


# -- Raw structure before stitching ------------------------------------------------------------


@dataclass(frozen=True)
class RawRow:
    cells: tuple[Cell, ...]
    pos: Position


@dataclass(frozen=True)
class RawTable:
    rows: tuple[RawRow, ...]


def paragraphs_of(raw: str, pos: Position) -> tuple[Paragraph, ...]:
    return tuple(Paragraph(text, pos, kind) for kind, text in split_html(raw))


def make_cell(paragraphs: tuple[Paragraph, ...], pos: Position) -> Cell:
    return Cell((CellFragment(paragraphs, pos),)) if paragraphs else Cell()


def _row_key(cells: Sequence[Cell]) -> tuple[str, ...]:
    keys = [norm_key(c.text) for c in cells]
    while keys and not keys[-1]:
        keys.pop()
    return tuple(keys)


# -- Stitching ---------------------------------------------------------------------------------


def _is_page_furniture(paragraph: Paragraph, repeated: Counter[str]) -> bool:
    text = paragraph.text
    return bool(PAGE_NUMBER.match(text)) or (
        len(text) <= _FURNITURE_MAX and repeated[norm_key(text)] >= 2
    )


def stitch(
    items: Sequence[RawTable | Paragraph], repeated: Counter[str]
) -> tuple[tuple[Paragraph | Table, ...], tuple[Paragraph, ...]]:
    """Join raw table fragments into tables; return the blocks and the page furniture."""
    blocks: list[Paragraph | Table] = []
    furniture: list[Paragraph] = []
    current: list[RawRow] | None = None  # rows of the table being built (header first)
    repeats: list[Position] = []
    pending: list[Paragraph] = []  # paragraphs seen since the current table's last fragment

    def close() -> None:
        nonlocal current
        if current is not None:
            blocks.extend(_build_table(current, repeats))
            current = None
        repeats.clear()
        blocks.extend(pending)
        pending.clear()

    for item in items:
        if isinstance(item, Paragraph):
            if current is None:
                blocks.append(item)
            else:
                pending.append(item)
            continue
        rows = list(item.rows)
        if current is not None and rows:
            header_key = _row_key(current[0].cells)
            same_header = _row_key(rows[0].cells) == header_key
            page_like = all(_is_page_furniture(p, repeated) for p in pending)
            same_width = len(rows[0].cells) == len(current[0].cells)
            if same_header and all(len(p.text) <= _FURNITURE_MAX for p in pending):
                repeats.append(rows[0].pos)
                furniture.extend(pending)
                pending.clear()
                current.extend(rows[1:])
                continue
            if same_width and page_like:
                furniture.extend(pending)
                pending.clear()
                current.extend(rows)
                continue
        close()
        current = rows
    close()
    return _drop_furniture(blocks, furniture)


def _drop_furniture(
    blocks: Sequence[Paragraph | Table], furniture: Sequence[Paragraph]
) -> tuple[tuple[Paragraph | Table, ...], tuple[Paragraph, ...]]:
    """Move page numbers, and recurrences of lines found at page breaks, to the furniture."""
    page_keys = {norm_key(p.text) for p in furniture}
    kept: list[Paragraph | Table] = []
    moved = list(furniture)
    seen_table = False
    for block in blocks:
        if isinstance(block, Table):
            seen_table = True
        elif PAGE_NUMBER.match(block.text) or (seen_table and norm_key(block.text) in page_keys):
            moved.append(block)
            continue
        kept.append(block)
    moved.sort(key=lambda p: p.pos.sort_key())
    return tuple(kept), tuple(moved)


def _build_table(raw_rows: list[RawRow], repeats: list[Position]) -> tuple[Paragraph | Table, ...]:
    """Build a table from its raw rows; a lone row (no table at all) becomes paragraphs."""
    header = raw_rows[0]
    if len(raw_rows) == 1 and not repeats:
        return tuple(replace(p, pos=header.pos) for c in header.cells for p in c.paragraphs)
    width = len(header.cells)
    header_key = _row_key(header.cells)
    rows: list[Row] = []
    repeated = list(repeats)
    for raw in raw_rows[1:]:
        cells = raw.cells + (Cell(),) * max(0, width - len(raw.cells))
        if _row_key(cells) == header_key:
            repeated.append(raw.pos)
            continue
        rows.append(Row(cells, raw.pos))
    return (Table(header.cells, tuple(rows), header.pos, tuple(repeated)),)


def repeated_lines(paragraphs: Sequence[Paragraph]) -> Counter[str]:
    return Counter(norm_key(p.text) for p in paragraphs)
