"""Extract the agency's own analysis table: per row, what to keep and what is weak.

Each side keeps its texts, and the item codes and indicators it names.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ita_lib.documents.extraction import (
    INDICATOR_RE,
    Collector,
    indicator_of,
    instrument_of,
    is_empty_marker,
)
from ita_lib.documents.layout import Cell, Table
from ita_lib.model.framework import Framework
from ita_lib.text.codes import normalize_item_code
from ita_lib.text.digits import to_arabic_digits

__all__ = ["CODE_IN_TEXT", "read_analysis_table"]
CODE_IN_TEXT = re.compile(
    r"(?<![0-9๐-๙A-Za-z./:])(?P<code>[oOiIeE0๐][0-9๐-๙]{1,2})(?![0-9๐-๙./:A-Za-z])"
)


def _codes_in(text: str, framework: Framework) -> list[str]:
    codes = []
    for match in CODE_IN_TEXT.finditer(text):
        code = normalize_item_code(match["code"])
        if code is not None and framework.has_item(code):
            codes.append(code)
    return codes


def _indicators_in(text: str) -> list[int]:
    return [
        int(m[1]) for m in INDICATOR_RE.finditer(to_arabic_digits(text)) if 1 <= int(m[1]) <= 99
    ]


def _analysis_side(
    cell: Cell, own: int | None, framework: Framework, build: Collector, where: tuple
) -> tuple[list[str], list[str], list[int]]:
    texts = [p.text for p in cell.paragraphs]
    items: list[str] = []
    for fragment in cell.fragments:
        for paragraph in fragment.paragraphs:
            for code in _codes_in(paragraph.text, framework):
                if code not in items:
                    build.at(fragment.pos, *where[:-1], f"{where[-1]}_items", len(items))
                    items.append(code)
    named = list(dict.fromkeys(_indicators_in(cell.text)))
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
