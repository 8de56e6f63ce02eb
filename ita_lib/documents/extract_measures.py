"""Extract the measures table: number, title, steps, owner, period and monitoring of each."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from ita_lib.documents.extract_analysis import addresses_in
from ita_lib.documents.extraction import (
    MARKS,
    MEASURE_FIELDS,
    UNREAD_BY_OCR,
    Collector,
    join_list,
    join_single,
)
from ita_lib.documents.layout import Cell, Position, Table
from ita_lib.documents.terms import classify_header, headers_alike
from ita_lib.exceptions import InputError
from ita_lib.model.framework import Framework
from ita_lib.text.digits import to_arabic_digits
from ita_lib.text.periods import format_period, parse_period, periods_in

__all__ = ["PERIOD_AS_SPAN", "read_measures", "read_period"]
_HEADER_LENGTH = 30  # a title cell this short may be a header (มาตรการ/แนวทาง) read again
_MEASURE_NUMBER = re.compile(r"^\s*(?:มาตรการที่|ลำดับที่|ที่)?\s*([0-9๐-๙]{1,3})\s*[.)]?\s*$")
_MEASURE_NUMBER_OCR = re.compile(
    r"^\W{0,3}(?:[A-Za-z]{1,2}\s)?\s*(?:มาตรการท|ลำดับท|ท)?\s*([0-9]{1,3})\s*[.),]?\s*$"
)
_LEADING_NUMBER = re.compile(r"^\s*(?:มาตรการที่\s*)?([0-9]{1,3})(?:\s*[.),]\s*|\s+)")  # "7," OCR


def _number_and_title(
    number_cell: Cell, title_cell: Cell, numbered: bool, ocr: bool
) -> tuple[int | None, str]:
    """Return a row's measure number and title (the number taken off the title's start when
    the table has no number column)."""
    title = join_single(title_cell)
    if numbered:
        return _measure_number(number_cell.text, ocr), title
    match = _LEADING_NUMBER.match(to_arabic_digits(title))
    return (int(match[1]), title[match.end() :].strip()) if match else (None, title)


def _continue_measure(
    measure: dict[str, Any], cells: Sequence[Cell], roles: Mapping[str, int], build: Collector
) -> None:
    """Add a row with no number of its own (in a table numbered in the title cell: the rest of
    a row split over a page) to the measure above it; text of no field is left over."""
    for role, index in roles.items():
        text = cells[index].text.strip() if index < len(cells) else ""
        if not text or role == "addresses":
            continue
        if role in ("steps", "monitoring"):
            items = [item for item, _ in join_list(cells[index], build)]
            measure[role] = [*measure.get(role, []), *items]
        elif role in ("title", "owner") and role in measure:
            measure[role] = f"{measure[role]} {text}"
        else:
            build.row_leftovers([cells[index]], "measures", "rest of a row of no field")


def _measure_number(text: str, ocr: bool = False) -> int | None:
    """Return the number a number cell holds (``๑``, ``1.``, ``มาตรการที่ 1``); in a scan, read
    without marks and after a speck OCR read as a letter (``a มาตรการท 1``)."""
    arabic = to_arabic_digits(text)
    match = _MEASURE_NUMBER.match(arabic)
    if match is None and ocr:
        match = _MEASURE_NUMBER_OCR.match(MARKS.sub("", arabic))
    return int(match[1]) if match else None


def read_measures(
    table: Table, roles: Mapping[str, int], build: Collector, start: int, framework: Framework
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Return (measures, measure rows as written) of one measures table.

    Without a number column a measure's number leads its title (``1. มาตรการ...``); a column
    ``ประเด็น/ข้อ`` (``ข้อ O3``, ``EIT``) gives ``addresses``: its item codes, else instruments.
    """
    measures: list[dict[str, Any]] = []
    written: list[dict[str, Any]] = []
    used = set(roles.values())

    def cell(row_cells: Sequence[Cell], role: str) -> Cell:
        """Return the row's cell of ``role`` (an empty cell if the table has none)."""
        index = roles.get(role)
        return row_cells[index] if index is not None and index < len(row_cells) else Cell()

    for row in table.rows:
        cells = row.cells
        number_cell = cell(cells, "number") if "number" in roles else cell(cells, "title")
        number, title = _number_and_title(
            number_cell, cell(cells, "title"), "number" in roles, build.ocr
        )
        if build.ocr and len(title) <= _HEADER_LENGTH and _header_again(table, cells, build):
            continue  # a header row repeated on a later page that OCR read a little otherwise
        if number is None and "number" not in roles and measures:
            _continue_measure(measures[-1], cells, roles, build)  # a row split over a page
            continue
        why = _no_measure(table, cells, title, build) if number is None or not title else ""
        if why and why != UNREAD_BY_OCR["measure"]:
            build.row_leftovers(cells, "measures", why)
            continue  # a scan's row whose number OCR did not read stays: its neighbours may tell it
        index = start + len(measures)
        measure: dict[str, Any] = {"number": number, "title": title}
        build.at(row.pos, "measures", index)
        build.at(number_cell.pos, "measures", index, "number")
        build.at(cell(cells, "title").pos, "measures", index, "title")
        for role in ("steps", "monitoring"):
            items = join_list(cell(cells, role), build)
            if items:
                measure[role] = [text for text, _ in items]
                for j, (_, pos) in enumerate(items):
                    build.at(pos, "measures", index, role, j)
        if addresses := addresses_in(cell(cells, "addresses").text, framework):  # else inferred
            measure["addresses"] = addresses
        owner = join_single(cell(cells, "owner"))
        if owner:
            measure["owner"] = owner
            build.at(cell(cells, "owner").pos, "measures", index, "owner")
        _read_period(cell(cells, "period"), measure, index, build)
        measures.append({k: measure[k] for k in MEASURE_FIELDS if k in measure})
        written.append({"number": to_arabic_digits(number_cell.text).strip(), "line": row.pos.ref})
        extra = [c for i, c in enumerate(cells) if i not in used]
        build.row_leftovers(extra, "measures", "cell of no column")
    return measures, written


_NOTE = re.compile(r"\s*\(([^()]*)\)\s*$")  # a note after a period: (รายไตรมาส)
PERIOD_AS_SPAN = "the period as written, imported as the span of its months"
"""Leftover reason of a period written with more than a month range (two ranges, words)."""


def read_period(text: str, pos: Position, build: Collector) -> str | None:
    """Return a measure's period as imported, or None when it cannot be read (a leftover).

    A period that reads as one (:func:`~ita_lib.text.periods.parse_period`) is imported as
    written; so is one with a note in brackets after it (``ต.ค. 68 – ก.ย. 69 (รายไตรมาส)``), the
    note kept as a leftover. In text not read by OCR, a period written with more than one
    range or with words (``ต.ค. 69 – มี.ค. 70 (ประเมิน) และ เม.ย. – ก.ย. 70 (ติดตาม)``) is imported
    as the span of the months it names (:func:`~ita_lib.text.periods.periods_in`), the text as
    written kept as a leftover; OCR's misread months are never read so (``ocr_unread``). In a
    mixed PDF, the text of a page not read by OCR is read as in a text PDF.
    """
    note = _NOTE.search(text)
    error: InputError | None = None  # why the text as written is no period
    for candidate, rest in [(text, None), *([(text[: note.start()], note[1])] if note else [])]:
        try:
            parse_period(candidate)
        except InputError as exc:
            error = error or exc
            continue
        if rest:
            build.leftover(f"({rest})", pos, "measures", "a note after the period")
        return candidate.strip()
    by_ocr = build.by_ocr(pos)
    span = None if by_ocr else periods_in(text)
    if span is None:
        why = UNREAD_BY_OCR["period"] if by_ocr else f"period unreadable: {error and error.message}"
        build.leftover(text, pos, "measures", why)
        return None
    build.leftover(text, pos, "measures", PERIOD_AS_SPAN)
    return format_period(span)


def _read_period(period_cell: Cell, measure: dict[str, Any], index: int, build: Collector) -> None:
    """Set the measure's period from its cell when it reads as one (else keep it as leftover)."""
    period = join_single(period_cell)
    if not period:
        return
    value = read_period(period, period_cell.pos, build)
    if value is not None:
        measure["period"] = value
    build.at(period_cell.pos, "measures", index, "period")  # read or not, it is there


def _header_again(table: Table, cells: Sequence[Cell], build: Collector) -> bool:
    """Return True when a row is the table's header row read again (on a later page)."""
    texts = [c.text for c in cells]
    return headers_alike(texts, table.header_texts) or (
        classify_header(texts, build.terms, tolerant=True)[0] is not None
    )


def _no_measure(table: Table, cells: Sequence[Cell], title: str, build: Collector) -> str:
    """Return why a row is no measure: in a scan, a titled row whose number OCR did not read.

    A row that is a header row read again (on a later page) is no such row.
    """
    header = _header_again(table, cells, build)
    return UNREAD_BY_OCR["measure"] if build.ocr and title and not header else "row of no measure"
