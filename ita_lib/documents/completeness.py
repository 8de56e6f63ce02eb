"""Whether a measures document has its parts: a score table, the ten indicators, the measures.

A score table that gives only the three instrument scores (and the total), as many FY2566+
documents do, is read as far as it goes: :func:`check_complete` returns what is missing
(``scores.ind1`` to ``scores.ind10``) instead of failing, and the importer keeps the instrument
scores under ``document.score_table``. Any other gap is an :class:`~ita_lib.exceptions.InputError`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from ita_lib.documents.layout import Document
from ita_lib.documents.sections import Layout
from ita_lib.exceptions import InputError
from ita_lib.model.framework import Framework
from ita_lib.text.numbers import parse_number

__all__ = ["check_complete", "check_kind", "instrument_scores_written"]

_NOT_MEASURES = (
    "a score table (ตัวชี้วัด | คะแนน ...) and a measures table "
    "(ลำดับ | มาตรการ/แนวทาง | วิธีดำเนินการ | ...)"
)


def check_kind(layout: Layout, source: str) -> None:
    """Raise InputError unless the document has a score table or a measures table."""
    kinds = {kind for kind, _, _ in layout.tables}
    if not kinds & {"score", "measures"}:
        raise InputError(
            "not an ITA measures document",
            source=source,
            expected=_NOT_MEASURES,
            found=f"{len(layout.tables)} table(s), none of them a score or measures table",
        )


def instrument_scores_written(
    score_table: Mapping[str, Any] | None, framework: Framework
) -> dict[str, Decimal]:
    """Return each instrument's score as the score table writes it (its ``mean``), by code.

    An indicator row carrying its instrument's mean (the FY2565 layout) counts for that
    instrument; the first value written for an instrument wins.
    """
    out: dict[str, Decimal] = {}
    for row in (score_table or {}).get("rows") or ():
        code = row.get("instrument")
        if code is None and row.get("indicator") is not None:
            try:
                code = framework.instrument_of(int(row["indicator"])).code
            except KeyError:
                continue
        if code is None or code in out or row.get("mean") is None:
            continue
        try:
            out[code] = parse_number(str(row["mean"]))
        except InputError:
            continue
    return out


def check_complete(
    score_table: Mapping[str, Any] | None,
    scores: Mapping[int, Decimal],
    measures: Sequence[Mapping[str, Any]],
    framework: Framework,
    layout: Layout,
    document: Document,
) -> tuple[str, ...]:
    """Check the parts an import needs; return the fields the document lacks but can do without.

    Returns
    -------
    tuple of str
        ``("scores.ind1", ..., "scores.ind10")`` when the score table gives every instrument's
        score but no indicator score; empty when the document is complete.

    Raises
    ------
    InputError
        When there is no score table, only some of the ten indicators (or neither the
        indicators nor every instrument), or no measures.
    """
    source = document.source
    end = f"the text ends at {document.end}" if document.end else "the document is empty"
    if score_table is None:
        raise InputError(
            "no score table",
            source=source,
            expected="a table with the columns ตัวชี้วัด and คะแนน listing indicators 1 to 10",
            found=f"none ({end}; the document may be truncated)",
        )
    numbers = [i.number for i in framework.indicators]
    missing = [n for n in numbers if n not in scores]
    instruments = instrument_scores_written(score_table, framework)
    only_instruments = not scores and all(i.code in instruments for i in framework.instruments)
    if missing and not only_instruments:
        raise InputError(
            f"the score table lists {len(numbers) - len(missing)} of the {len(numbers)} indicators",
            source=source,
            location=f"the table at {next(t.pos for k, t, _ in layout.tables if k == 'score')}",
            expected="a score for each of ตัวชี้วัดที่ 1 to 10 (or for each of IIT, EIT and OIT)",
            found="missing " + ", ".join(f"ind{n}" for n in missing) + f" ({end})",
        )
    if not measures:
        raise InputError(
            "no measures",
            source=source,
            expected="a table ลำดับ | มาตรการ/แนวทาง | วิธีดำเนินการ | ... with numbered measures",
            found=f"none ({end}; the document may be truncated)",
        )
    return tuple(f"scores.ind{n}" for n in missing)
