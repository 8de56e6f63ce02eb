"""Extract the score table: the ten indicator scores and, as written, the rest of the table.

Its columns are told apart by their headers (see ``ita_lib/data/document_terms.yaml``);
instrument means, weights, weighted scores, the claimed total and the rating are kept as
written, for the audit to check.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from ita_lib.documents.extraction import (
    UNREAD_BY_OCR,
    Collector,
    cell_number,
    indicator_of,
    instrument_of,
    is_empty_marker,
)
from ita_lib.documents.layout import Cell, Position, Row, Table
from ita_lib.documents.terms import DocumentTerms, match_key
from ita_lib.exceptions import InputError
from ita_lib.model.framework import Framework

__all__ = ["read_score_table"]
_VALUE_ROLES = ("score", "mean", "weight", "weighted")
_Values = dict[str, tuple[Decimal, str, Position | None]]


def read_score_table(
    table: Table, roles: Mapping[str, int], framework: Framework, build: Collector
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
    terms = build.terms
    label_col = roles.get("indicator", roles.get("instrument", 0))
    rows: list[dict[str, Any]] = []
    scores: dict[int, Decimal] = {}
    total: dict[str, Any] | None = None
    bands = {b.label for b in framework.rating_bands}
    for row in table.rows:
        cells = row.cells
        label = cells[label_col].text if label_col < len(cells) else ""
        skip = {label_col, *_instrument_cell(cells, roles, framework)}
        values, others, rating = _sort_cells(cells, skip, roles, bands, terms)
        key = match_key(label)
        number = indicator_of(label, framework, ocr=build.ocr)
        if number is None and any(key.startswith(t) for t in terms.total_labels):
            total = _merge_total(total, _total_of(values, rating, row.pos))
            build.row_leftovers(others, "score_table", "not a number in the total row")
            continue
        if number is None and rating and any(key.startswith(t) for t in terms.rating_labels):
            total = _merge_total(total, _total_of({}, rating, row.pos))
            build.row_leftovers(others, "score_table", "not a level in the level row")
            continue
        entry = _row_entry(label, number, row, values, others, len(rows), framework, build)
        if entry is None:
            continue
        rows.append(entry)
        if number is not None and "score" in values and number not in scores:
            scores[number] = _indicator_score(number, values["score"], build)
    return _as_written(table, roles, rows, total, build), scores, total


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
    terms: DocumentTerms,
) -> tuple[_Values, list[Cell], tuple[str, Position | None] | None]:
    """Sort a row's cells into numbers (by column role), a rating label, and other text."""
    values: _Values = {}
    others: list[Cell] = []
    rating: tuple[str, Position | None] | None = None
    for index, cell in enumerate(cells):
        if index in skip or cell.is_empty:
            continue
        role = next((r for r, i in roles.items() if i == index and r in _VALUE_ROLES), None)
        parsed = cell_number(cell.text)
        if role is not None and parsed is not None:
            values[role] = (parsed[0], parsed[1], cell.pos)
        elif cell.text.strip() in bands:
            rating = (cell.text.strip(), cell.pos)
        elif not is_empty_marker(cell.text, terms):
            others.append(cell)
    return values, others, rating


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
