"""Read a document's tables: the score table, the analysis table, the measures, and the
tables of failed items (``ข้อที่ไม่ได้คะแนน``, NACC's verdicts ``ไม่ผ่าน``).

The score table may come as two tables (indicator scores, then instrument scores and the
total): the second adds its rows, the scores the first lacks and its total. Measures come from
measures tables, or, when there is none, from the measures section's paragraphs
(:mod:`~ita_lib.documents.extract_measure_paragraphs`). A suggestions table is read with the
suggestions section's paragraphs (:func:`~ita_lib.documents.sections.suggestion_paragraphs`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ita_lib.documents.extract_analysis import codes_in, codes_listed, read_analysis_table
from ita_lib.documents.extract_measure_paragraphs import (
    label_table_paragraphs,
    read_measure_paragraphs,
)
from ita_lib.documents.extract_measures import read_measures
from ita_lib.documents.extract_scores import read_score_table
from ita_lib.documents.extraction import Collector
from ita_lib.documents.layout import Paragraph, Position, Table
from ita_lib.documents.sections import Layout, verdicts
from ita_lib.model.framework import Framework

__all__ = ["Tables", "read_tables"]


@dataclass
class Tables:
    """What the tables of a document gave (collected while importing one document)."""

    score_table: dict[str, Any] | None = None
    scores: dict[int, Decimal] = field(default_factory=dict)
    total: dict[str, Any] | None = None
    analysis: dict[str, Any] | None = None
    measures: list[dict[str, Any]] = field(default_factory=list)
    measure_rows: list[dict[str, Any]] = field(default_factory=list)
    failed_items: list[str] | None = None  # from a table of verdicts, or of failed items
    failed_items_at: Position | None = None  # the first such table


def read_tables(layout: Layout, framework: Framework, build: Collector) -> Tables:
    """Read a layout's tables: the score table (and a second one beneath it), the analysis
    table, the failed items a table lists, the measures (tables, else paragraphs); a table of
    no known kind is one leftover.

    Parameters
    ----------
    layout
        The document's sections and classified tables.
    framework
        The assessment year's framework.
    build
        Collects where each value came from and the text that fit nowhere.

    Returns
    -------
    Tables
    """
    out = Tables()
    labelled: list[tuple[Table, list[Paragraph]]] = []  # a measure's table of labels, each
    for kind, table, roles in layout.tables:
        if kind == "score" and "failed" in roles:  # ตัวชี้วัด | คะแนน | ข้อที่ไม่ได้คะแนน
            _failed_items(out, table, roles, framework, build)
        if kind == "score" and out.score_table is None:
            out.score_table, out.scores, out.total = read_score_table(
                table, roles, framework, build
            )
        elif kind == "score" and out.score_table is not None:
            _more_scores(out, *read_score_table(
                table, roles, framework, build, start=len(out.score_table["rows"])
            ))  # fmt: skip
        elif kind == "analysis" and out.analysis is None:
            out.analysis = read_analysis_table(table, roles, framework, build)
        elif kind == "measures":
            found, rows = read_measures(table, roles, build, len(out.measures), framework)
            out.measures += found
            out.measure_rows += rows
        elif kind == "suggestions":
            continue  # read as the suggestions section's paragraphs (sections.py)
        elif kind in ("item_results", "failed_items"):
            _failed_items(out, table, roles, framework, build)
        elif (paragraphs := label_table_paragraphs(table, build.terms, ocr=build.ocr)) is not None:
            labelled.append((table, paragraphs))
        else:
            _left_over(table, build, "table of unknown kind")
    if out.measures:  # from measures tables: a table of labels beside them is read by no one
        for table, _ in labelled:
            _left_over(table, build, "table of labels beside a measures table")
    else:  # measures written as paragraphs (มาตรการที่ 1 ... ระยะเวลา : ...)
        prose = [paragraph for section, paragraph, _ in layout.prose if section == "measures"]
        prose += [paragraph for _, paragraphs in labelled for paragraph in paragraphs]
        prose.sort(key=lambda p: p.pos.sort_key())
        out.measures, out.measure_rows = read_measure_paragraphs(prose, build, framework)
    return out


def _left_over(table: Table, build: Collector, why: str) -> None:
    """Record a table no one reads as one leftover (its header and rows), not one per cell."""
    header = " | ".join(text.strip() for text in table.header_texts if text.strip())
    rows = f"{len(table.rows)} row{'s' if len(table.rows) != 1 else ''}"
    build.leftover(f"{header} ({rows})", table.pos, "tables", why)


def _failed_items(
    out: Tables, table: Table, roles: Mapping[str, int], framework: Framework, build: Collector
) -> None:
    """Add to ``out`` the items a table fails: in a table of verdicts (``ผ่าน`` / ``ไม่ผ่าน``)
    the items of the rows not passed, else the items its failed-items column lists."""
    passed = verdicts(table, roles) if "failed" not in roles else None
    column = roles["failed"] if passed is None else roles["item"]
    failed = list(out.failed_items or [])
    for index, row in enumerate(table.rows):
        if (passed is None or passed.get(index) is False) and column < len(row.cells):
            listed = codes_listed if passed is None else codes_in  # a range: every code in it
            failed += [c for c in listed(row.cells[column].text, framework) if c not in failed]
    out.failed_items = failed
    if out.failed_items_at is None:
        out.failed_items_at = table.pos
        build.at(table.pos, "document", "failed_items_table")


def _more_scores(
    out: Tables,
    written: dict[str, Any],
    scores: dict[int, Decimal],
    total: dict[str, Any] | None,
) -> None:
    """Add a second score table (instrument scores and the total, beneath a table of
    indicator scores) to the first: its rows, the scores the first lacks, its total."""
    assert out.score_table is not None
    out.score_table["rows"] = [*out.score_table["rows"], *written["rows"]]
    out.scores = {**scores, **out.scores}
    if out.total is None and total is not None:
        out.total = total
        out.score_table["total"] = written["total"]
