"""Tables laid across, turned to the score table's shape (a row per indicator or instrument).

Agencies lay short score tables across the page: the three instruments, the total and the
level over one row of figures (``IIT | EIT | OIT | คะแนนรวม | ระดับ``), or the ten indicators
over a row of scores (``ตัวชี้วัดที่ | 1 | 2 | ... | 10``). Turned, they are read as any score
table is (:mod:`~ita_lib.documents.extract_scores`).
"""

from __future__ import annotations

import re
from dataclasses import replace

from ita_lib.documents.extraction import cell_number, instruments_named
from ita_lib.documents.layout import Cell, CellFragment, Paragraph, Row, Table
from ita_lib.documents.terms import DocumentTerms, match_key
from ita_lib.text.digits import to_arabic_digits
from ita_lib.text.thai_repair import thai_skeleton

__all__ = ["turned_indicators", "turned_summary"]

_SUMMARY_ROWS = 3  # a summary laid across: a row of figures (maybe one per year) under it


def turned_summary(table: Table, terms: DocumentTerms, tolerant: bool) -> Table | None:
    """Return a summary of the instruments laid across (``IIT | EIT | OIT | คะแนนรวม | ระดับ``
    over a row of figures) turned to a row per instrument, as score tables are written; the
    first column, when the rows are labelled (``ปี ๒๕๖๘``, ``ปี ๒๕๖๙``), heads a column each.
    In a scan, whose bold headers OCR may not read, a header with the total's label over
    three figures or more is one too. Only the columns whose header names an instrument, the
    total or the level are kept (a column OCR could not read would be a row of no name).
    None for another table."""
    header = table.header
    if not 0 < len(table.rows) <= _SUMMARY_ROWS or not all(row.cells for row in table.rows):
        return None
    named = sum(bool(instruments_named(cell.text)) for cell in header)
    totalled = any(match_key(c.text) in terms.total_labels for c in header)  # คะแนนรวม itself
    figures = sum(cell_number(c.text) is not None for c in table.rows[0].cells)
    if named < 2 and not (tolerant and totalled and figures >= 3):
        return None
    labelled = not _summary_column(header[0].text, terms) and all(
        cell_number(row.cells[0].text) is None for row in table.rows
    )  # a corner over the rows' labels (ปี ๒๕๖๘, ปี ๒๕๖๙), not a figure OCR garbled
    heads = [row.cells[0] for row in table.rows] if labelled else [_text_cell("คะแนน", table)]
    turned = [
        Row(
            (header[j], *_column(table, j)),
            table.rows[0].pos,  # the figures' row: where a finding on them points
        )
        for j in range(1 if labelled else 0, len(header))
        if _summary_column(header[j].text, terms)
    ]
    label = header[0] if labelled else _text_cell("แบบวัด", table)
    return replace(table, header=(label, *heads), rows=tuple(turned))


_INDICATOR_WORD = "ตัวชี้วัด"
_INDICATOR_NUMBER = re.compile(r"^\s*(?:ตัวชี้วัดที่\s*)?(\d{1,2})\s*$")


def turned_indicators(table: Table, terms: DocumentTerms, tolerant: bool = False) -> Table | None:
    """Return the ten indicators laid across (``ตัวชี้วัดที่ | 1 | 2 | ... | 10`` over a row
    ``คะแนน | 96.84 | ...``) turned to a row per indicator (``ตัวชี้วัดที่ 1 | 96.84``), as
    score tables are written, a total's or a level's column after them a row too; each row of
    figures heads a column. In a scan (``tolerant``)
    the corner's ``ตัวชี้วัด`` is matched on its consonants. None for another table."""
    header = table.header
    numbers = [_INDICATOR_NUMBER.match(to_arabic_digits(c.text)) for c in header[1:]]
    if (
        not header
        or not _names_indicators(header[0].text, tolerant)
        or sum(m is not None for m in numbers) < 5
        or not 0 < len(table.rows) <= _SUMMARY_ROWS
    ):
        return None
    turned = [
        Row(
            (_text_cell(f"ตัวชี้วัดที่ {m[1]}", table), *_column(table, j)),
            table.rows[0].pos,  # the figures' row: where a finding on them points
        )
        for j, m in enumerate(numbers, 1)
        if m is not None
    ]
    turned += [  # คะแนนรวม | ระดับ after the ten: the total's and the level's rows
        Row((header[j], *_column(table, j)), table.rows[0].pos)
        for j, m in enumerate(numbers, 1)
        if m is None and _summary_column(header[j].text, terms)
    ]
    heads = [row.cells[0] if row.cells else Cell() for row in table.rows]
    return replace(table, header=(header[0], *heads), rows=tuple(turned))


def _names_indicators(text: str, tolerant: bool) -> bool:
    """Return True when a corner cell says the columns are indicators (``ตัวชี้วัดที่``)."""
    if match_key(text).startswith(_INDICATOR_WORD):
        return True
    return tolerant and thai_skeleton(text).startswith(thai_skeleton(_INDICATOR_WORD))


def _summary_column(text: str, terms: DocumentTerms) -> bool:
    """Return True when a summary's column header names an instrument, the total or the level."""
    key = match_key(text)
    labels = (*terms.total_labels, *terms.rating_labels)
    return bool(instruments_named(text)) or any(key.startswith(t) for t in labels)


def _text_cell(text: str, table: Table) -> Cell:
    """Return a cell holding a text the importer writes (a turned table's header)."""
    return Cell((CellFragment((Paragraph(text, table.pos),), table.pos),))


def _column(table: Table, j: int) -> list[Cell]:
    """Return a table's cells in column ``j``, top to bottom (an empty cell for a short row)."""
    return [row.cells[j] if j < len(row.cells) else Cell() for row in table.rows]
