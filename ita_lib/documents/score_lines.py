"""Scores listed line by line: a run of paragraphs each naming an indicator and its score.

Some documents give the ten indicator scores as lines, not as a table: a list
(``ตัวชี้วัดที่ ๑ การปฏิบัติหน้าที่ ได้ ๙๖.๔๒ คะแนน``), or a table drawn without rules that a
PDF or OCR gives line by line (a screenshot of NACC's results pasted into the document:
``1 ตัวชี้วัดที่1การปฏิบัติหน้าที่ IIT 96.42``). :func:`score_lines_as_table` turns each run of
at least :data:`MIN_RUN` such paragraphs into a score table ``ตัวชี้วัด | คะแนน`` whose cells
keep their paragraph's position, so that the score table's reader and the audit read them as
any score table's rows. :func:`~ita_lib.documents.sections.read_layout` uses it only for a
document in which no table is a score table.

A paragraph is a score line when it names an indicator (``ตัวชี้วัดที่`` and a number or, as
OCR may misread it, one other sign) and ends with its score: one figure of at most three digits
before the point and two after it, or 100, then maybe ``คะแนน``. What stands before the figure
is the row's label (its number, the indicator's name, its instrument).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ita_lib.documents.extraction import INDICATOR_RE
from ita_lib.documents.layout import Cell, CellFragment, Paragraph, Row, Table
from ita_lib.text.digits import to_arabic_digits

__all__ = ["MIN_RUN", "score_lines_as_table"]

MIN_RUN = 8
"""Score lines in a row that make a score table (fewer are prose quoting a few scores, or an
analysis naming the weak indicators); a run naming an indicator twice (two years' scores) is
none: which year's is the assessment's, the lines do not say."""

_LABEL = {False: "ตัวชี้วัด\\s*ที่", True: "[ตคดฅ]ั?ว\\s*[ชซ]ี?้?ว\\s*ั?ด\\s*ท\\S?"}  # as OCR may read it
_SCORE_LINE = {
    tolerant: re.compile(
        rf"^(?P<label>.{{0,12}}?{label}\s*\S{{1,2}}.*?)\s*(?:ได้(?:คะแนน)?\s*)?[:=]?\s*"
        r"(?P<score>(?<![0-9.])(?:[0-9]{1,3}\.[0-9]{1,2}|100))\s*(?:คะแนน)?\s*$"
    )
    for tolerant, label in _LABEL.items()
}


def _score_line(paragraph: Paragraph, tolerant: bool = False) -> tuple[str, str] | None:
    """Return a score line's label and figure (as written), or None."""
    text = " ".join(paragraph.text.split())  # no runs of spaces for the pattern to try
    match = _SCORE_LINE[tolerant].match(to_arabic_digits(text))
    if match is None or not match["label"].strip():
        return None
    return text[: match.end("label")].strip(), text[match.start("score") : match.end("score")]


def _cell(text: str, paragraph: Paragraph) -> Cell:
    return Cell(
        (CellFragment((Paragraph(text, paragraph.pos, conf=paragraph.conf),), paragraph.pos),)
    )


def _table(run: Sequence[tuple[Paragraph, tuple[str, str]]]) -> Table:
    first = run[0][0]
    header = (_cell("ตัวชี้วัด", first), _cell("คะแนน", first))
    rows = tuple(Row((_cell(label, p), _cell(score, p)), p.pos) for p, (label, score) in run)
    return Table(header, rows, first.pos)


def score_lines_as_table(
    blocks: Sequence[Paragraph | Table], *, tolerant: bool = False
) -> list[Paragraph | Table]:
    """Return the blocks with each run of :data:`MIN_RUN` or more score lines made a score table.

    Parameters
    ----------
    blocks
        A document's blocks, in order.
    tolerant
        The document was read by OCR: ``ตัวชี้วัดที่`` may be read with its marks lost or its
        first letter misread (``คัวชี้วัดที่``).

    Returns
    -------
    list
        The same blocks (never changed), a score table in the place of each run of score lines.
    """
    out: list[Paragraph | Table] = []
    run: list[tuple[Paragraph, tuple[str, str]]] = []

    def close() -> None:
        numbers = [
            m[1] for _, (label, _) in run if (m := INDICATOR_RE.search(to_arabic_digits(label)))
        ]
        if len(run) >= MIN_RUN and len(numbers) == len(set(numbers)):
            out.append(_table(run))
        else:
            out.extend(p for p, _ in run)
        run.clear()

    for block in blocks:
        found = _score_line(block, tolerant) if isinstance(block, Paragraph) else None
        if found is None:
            close()
            out.append(block)
        else:
            run.append((block, found))
    close()
    return out
