"""Extract the agency's own analysis table: per row, what to keep and what is weak.

Each side keeps its texts, and the item codes and indicators it names.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from ita_lib.documents.extraction import (
    INDICATOR_RE,
    RANGE_DASH,
    Collector,
    indicator_of,
    indicators_read,
    instrument_of,
    instruments_named,
    is_empty_marker,
)
from ita_lib.documents.layout import Cell, CellFragment, Paragraph, Table
from ita_lib.documents.ocr_repair import item_code_correction, snap_item_code
from ita_lib.model.framework import Framework
from ita_lib.text.codes import normalize_item_code
from ita_lib.text.digits import to_arabic_digits, to_thai_digits

__all__ = ["CODE_IN_TEXT", "addresses_in", "codes_in", "read_analysis_table"]
CODE_IN_TEXT = re.compile(  # O7, o๑๔, and "O ๑๔" as a PDF may space a letter from a Thai digit
    r"(?<![0-9๐-๙A-Za-z./:])(?P<code>[oOiIeE0๐][0-9๐-๙]{1,2}|[oO]\s[๐-๙]{1,2})"
    r"(?![0-9๐-๙./:A-Za-z])"
)


def codes_in(text: str, framework: Framework) -> list[str]:
    """Return the item codes of the year's catalogue a text names (``o3``, ``e14``), in order."""
    codes = []
    for match in CODE_IN_TEXT.finditer(text):
        code = normalize_item_code(match["code"])
        if code is not None and framework.has_item(code):
            codes.append(code)
    return codes


CODE_RANGE = re.compile(rf"\s*(?:{RANGE_DASH}|to)\s*")
"""What joins the two ends of a range of item codes (``O11 – O14``, ``o1 ถึง o4``)."""


def codes_listed(text: str, framework: Framework) -> list[str]:
    """Return the item codes a list names, a range (``O11 – O14``) as every code in it."""
    matches = list(CODE_IN_TEXT.finditer(text))
    codes: list[str] = []
    for k, match in enumerate(matches):
        code = normalize_item_code(match["code"])
        if code is None or not framework.has_item(code):
            continue
        before = matches[k - 1] if k else None
        first = normalize_item_code(before["code"]) if before else None
        if (
            first
            and CODE_RANGE.fullmatch(text[before.end() : match.start()])
            and first[0] == code[0]
        ):
            low, high = int(first[1:]), int(code[1:])
            codes += [
                f"{code[0]}{n}" for n in range(low + 1, high) if framework.has_item(f"{code[0]}{n}")
            ]
        codes.append(code)
    return list(dict.fromkeys(codes))


def addresses_in(text: str, framework: Framework) -> list[str]:
    """Return what a measure's text says it addresses: the item codes it names, else the
    instruments (``ข้อ O3``, ``EIT ตัวชี้วัดที่ 7``)."""
    return codes_in(text, framework) or instruments_named(text)


def _codes_by_name(cell: Cell, framework: Framework, build: Collector) -> Cell:
    """Return a scanned cell with each item code its name beside it shows OCR misread put right."""
    fragments = []
    for fragment in cell.fragments:
        paragraphs = [_paragraph_codes(p, fragment, framework, build) for p in fragment.paragraphs]
        fragments.append(CellFragment(tuple(paragraphs), fragment.pos))
    return Cell(tuple(fragments))


def _paragraph_codes(
    paragraph: Paragraph, fragment: CellFragment, framework: Framework, build: Collector
) -> Paragraph:
    text = paragraph.text
    matches = list(CODE_IN_TEXT.finditer(text))
    for k in reversed(range(len(matches))):
        match, end = matches[k], matches[k + 1].start() if k + 1 < len(matches) else len(text)
        code = normalize_item_code(match["code"])
        if code is None or not framework.has_item(code):
            continue
        value = snap_item_code(code, text[match.end() : end], framework)
        if value == code:
            continue
        number = value[1:] if match["code"][1:].isascii() else to_thai_digits(value[1:])
        text = f"{text[: match.start()]}{match['code'][0]}{number}{text[match.end() :]}"
        build.correct(item_code_correction(fragment.pos, match["code"], value))
    return replace(paragraph, text=text)


def _indicators_in(text: str, framework: Framework, ocr: bool) -> list[int]:
    """Return the indicators a cell names (``ตัวชี้วัดที่ ๗ ...``); in a scan, by name as well."""
    found = [
        int(m[1]) for m in INDICATOR_RE.finditer(to_arabic_digits(text)) if 1 <= int(m[1]) <= 99
    ]
    named = indicators_read(text, framework) if ocr else []
    return named if len(named) >= len(found) else found


def _analysis_side(
    cell: Cell, own: int | None, framework: Framework, build: Collector, where: tuple
) -> tuple[list[str], list[str], list[int]]:
    texts = [p.text for p in cell.paragraphs]
    items: list[str] = []
    for fragment in cell.fragments:
        for paragraph in fragment.paragraphs:
            for code in codes_in(paragraph.text, framework):
                if code not in items:
                    build.at(fragment.pos, *where[:-1], f"{where[-1]}_items", len(items))
                    items.append(code)
    named = list(dict.fromkeys(_indicators_in(cell.text, framework, build.ocr)))
    substantive = [t for t in texts if not is_empty_marker(t, build.terms)]
    if not substantive:
        return [], [], []
    if not named and not items and own is not None:
        named = [own]
    return substantive, items, named


def read_analysis_table(
    table: Table, roles: Mapping[str, int], framework: Framework, build: Collector
) -> dict[str, Any]:
    """Return the agency's analysis table as written (``document.analysis``)."""
    label_col = roles.get("indicator", 0)
    rows: list[dict[str, Any]] = []
    for row in table.rows:
        cells = row.cells
        label = cells[label_col].text if label_col < len(cells) else ""
        number = indicator_of(label, framework, ocr=build.ocr) if label else None
        entry: dict[str, Any] = {"label": label}
        if number is not None:
            entry["indicator"] = number
            entry["instrument"] = framework.instrument_of(number).code
        elif (instrument := instrument_of(label, framework)) is not None:
            entry["instrument"] = instrument
        index = len(rows)
        for side in ("keep", "weak"):
            col = roles[side]
            cell = cells[col] if col < len(cells) else Cell()
            if build.ocr:
                cell = _codes_by_name(cell, framework, build)
            where = ("document", "analysis", "rows", index, side)
            texts, items, named = _analysis_side(cell, number, framework, build, where)
            entry[side] = texts
            entry[f"{side}_items"] = items
            entry[f"{side}_indicators"] = named
            build.at(cell.pos, *where)
        entry["line"] = row.pos.ref
        build.at(row.pos, "document", "analysis", "rows", index)
        extra = [
            c for i, c in enumerate(cells) if i not in (label_col, roles["keep"], roles["weak"])
        ]
        build.row_leftovers(extra, "analysis", "cell of no column")
        rows.append(entry)
    build.at(table.pos, "document", "analysis")
    return {"line": table.pos.ref, "rows": rows}
