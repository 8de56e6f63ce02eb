"""Extract the score table: the ten indicator scores and, as written, the rest of the table.

Its columns are told apart by their headers (see ``ita_lib/data/document_terms.yaml``);
instrument means, weights, weighted scores, the claimed total and the rating are kept as
written, for the audit to check.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import ROUND_DOWN, Decimal
from typing import Any

from ita_lib.documents.extraction import (
    RANGE_DASH,
    UNREAD_BY_OCR,
    Collector,
    Correction,
    cell_number,
    figure_remark,
    indicator_of,
    instrument_of,
    is_empty_marker,
)
from ita_lib.documents.layout import Cell, Position, Row, Table
from ita_lib.documents.terms import DocumentTerms, match_key, near_in
from ita_lib.exceptions import InputError
from ita_lib.model.framework import Framework
from ita_lib.text.digits import to_arabic_digits
from ita_lib.text.thai_repair import thai_skeleton

__all__ = ["read_score_table"]
_VALUE_ROLES = ("score", "mean", "weight", "weighted")
_Values = dict[str, tuple[Decimal, str, Position | None]]
_TOLERANT_LABEL = 4  # consonants of the shortest total label matched with one misread
_ROUNDING = Decimal("0.05")  # weighted figures rounded to two places may miss their sum so far
_NOT_READ = re.compile(r"^(?:year_\d+|change|target|failed)$")  # kept in the header only
# (the failed items' column is read by table_reading)
_ROW_NUMBER = re.compile(r"^\s*[0-9๐-๙]{1,2}\s*[.)]?\s*$")
_INDICATOR_RANGE = re.compile(  # ๑ – ๕; as OCR reads it, 1.5 (but 9.1 is a sub-indicator)
    rf"^\s*(?:ตัวชี้วัดที่\s*)?(\d{{1,2}})\s*({RANGE_DASH}|\.)\s*(\d{{1,2}})\s*$"
)


def read_score_table(
    table: Table,
    roles: Mapping[str, int],
    framework: Framework,
    build: Collector,
    *,
    start: int = 0,
) -> tuple[dict[str, Any], dict[int, Decimal], dict[str, Any] | None]:
    """Read the score table.

    Parameters
    ----------
    table
        The table classified as the score table.
    roles
        Its columns by role (``indicator``, ``score``, ``mean``, ``weight``, ``weighted``).
    framework
        The assessment year's framework (indicator and instrument names, rating labels).
    build
        Collects where each value came from and the text that fit nowhere.
    start
        The number of score-table rows read before (a second table: instrument scores and
        the total beneath a table of indicator scores).

    Returns
    -------
    tuple
        The table as written (``document.score_table``), the indicator scores, and the total
        row (or None).

    Raises
    ------
    InputError
        When an indicator score is out of range.
    """
    label_col = roles.get("indicator", roles.get("instrument", 0))
    rows: list[dict[str, Any]] = []
    scores: dict[int, Decimal] = {}
    total: dict[str, Any] | None = None
    weighted = Decimal(0)  # the weighted figures of the rows above, whatever their label
    for row in table.rows:
        label, number, values, others, rating = _read_row(row, label_col, roles, framework, build)
        summed = total is None and _sums_above(values, weighted, label, framework)
        weighted += values["weighted"][0] if "weighted" in values else Decimal(0)
        summary = _summary_row(
            match_key(label), values, rating, row.pos, build.terms, summed=summed
        )
        if number is None and summary is not None:
            total = _merge_total(total, summary[0])
            build.row_leftovers(others, "score_table", summary[1])
            continue
        index = start + len(rows)
        entry = _row_entry(label, number, row, values, others, index, framework, build)
        if entry is None:
            continue
        rows.append(entry)
        if number is not None and "score" in values and number not in scores:
            scores[number] = _indicator_score(number, values["score"], build)
    return _as_written(table, roles, rows, total, build), scores, total


def _read_row(
    row: Row, label_col: int, roles: Mapping[str, int], framework: Framework, build: Collector
) -> tuple[str, int | None, _Values, list[Cell], tuple[str, Position | None] | None]:
    """Return a row's label, the indicator it names, its figures by role, its other cells and
    the level it writes."""
    label, label_cells, number = _row_label(row.cells, label_col, roles, framework, ocr=build.ocr)
    skip = {*label_cells, *_instrument_cell(row.cells, roles, framework)}
    bands = {b.label for b in framework.rating_bands}
    return label, number, *_sort_cells(row.cells, skip, roles, bands, build)


def _sums_above(values: _Values, above: Decimal, label: str, framework: Framework) -> bool:
    """Return True when a row of no instrument has one figure, in the weighted column, that is
    the sum of the weighted figures above it (the total row, its label unread in a scan)."""
    if set(values) != {"weighted"} or instrument_of(label, framework) or not above:
        return False
    return abs(values["weighted"][0] - above) <= _ROUNDING


def _summary_row(
    key: str,
    values: _Values,
    rating: tuple[str, Position | None] | None,
    row_pos: Position,
    terms: DocumentTerms,
    *,
    summed: bool = False,
) -> tuple[dict[str, Any] | None, str] | None:
    """Return a total row's total (``คะแนนรวม``, or whatever OCR read, beside weights summing to
    100, or the sum of the weighted figures above it: ``summed``) or a
    level row's (``ระดับผลการประเมิน | ผ่าน``) and why its other cells are left over; None for
    another row."""
    weights_all = "weight" in values and values["weight"][0] == 100  # the weights' sum: total
    if weights_all or summed or any(_starts(key, t) for t in terms.total_labels):
        return _total_of(values, rating, row_pos), "not a number in the total row"
    if rating and any(_starts(key, t) for t in terms.rating_labels):
        return _total_of({}, rating, row_pos), "not a level in the level row"
    return None


def _starts(key: str, label: str) -> bool:
    """Return True when a row's key starts with a label: as written, or by consonants with one
    misread (``คะแบนรวม``: OCR of a scan)."""
    if key.startswith(label):
        return True
    skeleton, word = thai_skeleton(key), thai_skeleton(label)
    return len(word) >= _TOLERANT_LABEL and near_in(word, skeleton[: len(word) + 1])


def _row_label(
    cells: Sequence[Cell],
    label_col: int,
    roles: Mapping[str, int],
    framework: Framework,
    *,
    ocr: bool,
) -> tuple[str, list[int], int | None]:
    """Return a row's label, the cells it is made of and the indicator it names (or None).

    The label is the label column's cell. When that names no indicator or instrument, the
    row's other text cells (not a figure column, not the instrument column) join it, in
    order: a number column and a name column (``ที่ | ตัวชี้วัด``, ``ตัวชี้วัดที่ | ชื่อ``), or
    an instrument's, total's or level's label written in the number column of its row (a
    merged cell).
    """
    label = cells[label_col].text if label_col < len(cells) else ""
    figures = {i for r, i in roles.items() if r in _VALUE_ROLES or r == "instrument"}
    named = indicator_of(label, framework, ocr=ocr)
    column = roles.get("instrument", label_col)
    if within := _INDICATOR_RANGE.match(to_arabic_digits(label)):
        # แบบวัด ... (IIT) | 1 – 5 | 92.48: the instrument's row, its indicators a range; its
        # name, else the instrument whose indicators the range gives (OCR misread IIT as 1)
        written = cells[column].text if column != label_col and column < len(cells) else ""
        named_here, ranged = (
            instrument_of(written, framework),
            _instrument_of_range(within, framework),
        )
        typed_range = within[2] != "."  # 9.1 is a sub-indicator unless it is an instrument's range
        if (ranged and named_here in (ranged, None)) or (named_here and typed_range and not ranged):
            used = [column, label_col] if column != label_col else [label_col]
            name = written if named_here else f"{ranged} {written}"  # (OCR: 1 for IIT)
            return f"{name.strip()} {label}", used, None
    if named is not None or instrument_of(label, framework):
        # a row number written before the label (``๑ | การปฏิบัติหน้าที่``) is part of it
        numbers = [
            i
            for i, cell in enumerate(cells[:label_col])
            if i not in figures and _ROW_NUMBER.match(cell.text)
        ]
        return label, [*numbers, label_col], named
    if not label.strip():  # a merged cell: its text may sit in the instrument column
        figures = {i for r, i in roles.items() if r in _VALUE_ROLES}
    parts = [
        i
        for i, cell in enumerate(cells)
        if (i == label_col or i not in figures)
        and not cell.is_empty
        and (i == label_col or cell_number(cell.text) is None or i < label_col)
    ]
    joined = " ".join(cells[i].text.strip() for i in parts)
    number = indicator_of(joined, framework, ocr=ocr) if parts else None
    if parts and (
        not label.strip()  # a total or level row labelled in the number column
        or number is not None
        or instrument_of(joined, framework)
    ):
        return joined, parts, number
    return label, [label_col], None


def _instrument_of_range(within: re.Match[str], framework: Framework) -> str:
    """Return the code of the instrument whose indicators a range (``1 – 5``) gives, or ''."""
    numbers = tuple(range(int(within[1]), int(within[3]) + 1))
    return next((i.code for i in framework.instruments if tuple(i.indicators) == numbers), "")


def _instrument_cell(
    cells: Sequence[Cell], roles: Mapping[str, int], framework: Framework
) -> list[int]:
    """Return the instrument column's index when its cell names an instrument (``IIT``)."""
    column = roles.get("instrument")
    if column is None or column >= len(cells) or not instrument_of(cells[column].text, framework):
        return []
    return [column]


def _merge_total(
    total: dict[str, Any] | None, found: dict[str, Any] | None
) -> dict[str, Any] | None:
    """Merge a total row and a level row (``ระดับผลการประเมิน | ผ่าน``) into one total."""
    if total is None or found is None:
        return total or found
    rating = found if found.get("rating") else total
    merged = {**total, **found} if "value_dec" in found else dict(total)
    if rating.get("rating"):
        merged.update(rating=rating["rating"], rating_pos=rating["rating_pos"])
    return merged


def _sort_cells(
    cells: Sequence[Cell],
    skip: set[int],
    roles: Mapping[str, int],
    bands: set[str],
    build: Collector,
) -> tuple[_Values, list[Cell], tuple[str, Position | None] | None]:
    """Sort a row's cells into numbers (by column role), a rating label, and other text."""
    terms = build.terms
    values: _Values = {}
    others: list[Cell] = []
    rating: tuple[str, Position | None] | None = None
    for index, cell in enumerate(cells):
        if index in skip or cell.is_empty:
            continue
        if any(i == index and _NOT_READ.match(r) for r, i in roles.items()):
            continue  # another year's score, or the change since
        role = next((r for r, i in roles.items() if i == index and r in _VALUE_ROLES), None)
        parsed = cell_number(cell.text)
        if role is not None and parsed is None and build.ocr:
            parsed = _after_stray_letter(cell, build)
        if role is not None and parsed is not None and build.ocr:
            parsed = _two_decimals(parsed, cell, build)
        if role is not None and parsed is not None:
            values[role] = (parsed[0], parsed[1], cell.pos)
            if (remark := figure_remark(cell.text)[1]) is not None:
                build.leftover(remark, cell.pos, "score_table", "a remark beside a figure")
        elif (band := _band_of(cell, bands, build)) is not None:
            rating = (band, cell.pos)
        elif not is_empty_marker(cell.text, terms):
            others.append(cell)
    return values, others, rating


_STRAY_LETTER = re.compile(r"^\s*[\u0e01-\u0e2e]\s*(?=[0-9๐-๙])")


def _after_stray_letter(cell: Cell, build: Collector) -> tuple[Decimal, str] | None:
    """Return the figure of a scanned figure cell read with one Thai letter before it
    (``ส๘๓.๓๓``: a speck or a stroke of the rule read as a letter), reported as corrected."""
    stray = _STRAY_LETTER.match(cell.text)
    parsed = cell_number(cell.text[stray.end() :]) if stray else None
    if stray is None or parsed is None:
        return None
    build.correct(Correction(
        cell.pos, "figure", cell.text.strip(), parsed[1],
        "a letter was read before the figure (a speck or a stroke of a rule)",
        "อ่านได้ตัวอักษรหน้าตัวเลข (จุดหรือเส้นตารางถูกอ่านเป็นตัวอักษร)",
    ))  # fmt: skip
    return parsed


def _two_decimals(parsed: tuple[Decimal, str], cell: Cell, build: Collector) -> tuple[Decimal, str]:
    """Return a scanned figure read with a third decimal (``53.501``: a speck after it read as
    a digit; no score has one) cut to two, reported as corrected; the arithmetic rules check
    the figure kept."""
    value = parsed[0]
    exponent = value.as_tuple().exponent
    if not isinstance(exponent, int) or exponent >= -2:
        return parsed
    cut = value.quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    build.correct(Correction(
        cell.pos, "figure", cell.text.strip(), str(cut),
        "it had a third decimal, which no score has (a speck after it read as a digit)",
        "มีทศนิยมตำแหน่งที่สาม ซึ่งคะแนนไม่มี (จุดหลังตัวเลขถูกอ่านเป็นตัวเลข)",
    ))  # fmt: skip
    return cut, str(cut)


def _band_of(cell: Cell, bands: set[str], build: Collector) -> str | None:
    """Return the level a cell writes (``ผ่านดี``); in a scan, the one level with its consonants
    (OCR misreads the vowels: ``ผ่านดิ``), reported as corrected."""
    text = cell.text.strip()
    if text in bands:
        return text
    if not build.ocr:
        return None
    alike = [b for b in bands if thai_skeleton(b) == thai_skeleton(text) and thai_skeleton(b)]
    if len(alike) != 1 or re.search(r"[0-9A-Za-z]", text):
        return None
    build.correct(Correction(
        cell.pos, "level", text, alike[0],
        "its consonants are those of this level only",
        "พยัญชนะตรงกับระดับนี้เพียงระดับเดียว",
    ))  # fmt: skip
    return alike[0]


def _row_entry(
    label: str,
    number: int | None,
    row: Row,
    values: _Values,
    others: Sequence[Cell],
    index: int,
    framework: Framework,
    build: Collector,
) -> dict[str, Any] | None:
    """Return a row of an indicator or instrument as written, or None for another row."""
    entry: dict[str, Any] = {"label": label, "line": row.pos.ref}
    if number is not None:
        entry = {"indicator": number, **entry}
    else:
        instrument = instrument_of(label, framework)
        if instrument is None:
            unread = build.ocr and "score" in values
            reason = UNREAD_BY_OCR["indicator"] if unread else "row of no indicator"
            build.row_leftovers(row.cells, "score_table", reason)
            return None
        entry = {"instrument": instrument, **entry}
        if "score" in values and "mean" not in values:
            values = {("mean" if r == "score" else r): v for r, v in values.items()}
    for role in _VALUE_ROLES:
        if role in values:
            entry[role] = values[role][1]
            build.at(values[role][2], "document", "score_table", "rows", index, role)
    build.at(row.pos, "document", "score_table", "rows", index)
    build.row_leftovers(others, "score_table", "not a number")
    return entry


def _indicator_score(
    number: int, score: tuple[Decimal, str, Position | None], build: Collector
) -> Decimal:
    """Return an indicator's score, checked to be from 0 to 100."""
    value, written, pos = score
    if not Decimal(0) <= value <= Decimal(100):
        raise InputError(
            "indicator score out of range",
            source=build.source,
            location=str(pos),
            expected="a score from 0 to 100",
            found=written,
        )
    build.at(pos, "scores", f"ind{number}")
    return value


def _as_written(
    table: Table,
    roles: Mapping[str, int],
    rows: list[dict[str, Any]],
    total: dict[str, Any] | None,
    build: Collector,
) -> dict[str, Any]:
    """Return the score table as written (``document.score_table``)."""
    written = {
        "line": table.pos.ref,
        "header": list(table.header_texts),
        "columns": {role: index + 1 for role, index in sorted(roles.items(), key=lambda x: x[1])},
        "rows": rows,
    }
    build.at(table.pos, "document", "score_table")
    if total is not None:
        written["total"] = {
            k: v for k, v in total.items() if k not in ("pos", "value_dec", "rating_pos")
        }
        build.at(total["pos"], "document", "score_table", "total")
        build.at(total["pos"], "claimed_total")
    return written


def _total_of(
    values: Mapping[str, tuple[Decimal, str, Position | None]],
    rating: tuple[str, Position | None] | None,
    row_pos: Position,
) -> dict[str, Any] | None:
    chosen = None
    for role in ("weighted", "score", "mean", "weight"):
        if role in values and not (role == "weight" and values[role][0] == 100):
            chosen = role
            break
    if chosen is None and rating is None:
        return None
    out: dict[str, Any] = {"line": row_pos.ref, "pos": row_pos}
    if chosen is not None:
        value, written, pos = values[chosen]
        out.update(value=written, column=chosen, value_dec=value, pos=pos or row_pos)
    if rating is not None:
        out.update(rating=rating[0], rating_pos=rating[1] or row_pos)
    return out
