"""Audit rules on the figures of a document read by OCR (a scan): never a silent guess.

They apply only when the document was read by OCR, in whole or in part (``source_format`` in
:data:`~ita_lib.documents.layout.OCR_FORMATS`):

- ``ocr_low_confidence``: a figure of the score table read with a confidence under
  :data:`LOW_CONFIDENCE`; the finding names the page, table row and the figure to check.
- ``ocr_figure_mismatch``: an instrument whose mean, confirmed by its weighted score (mean x
  weight), is not the mean of its indicator scores as read. When exactly one indicator has a
  value that makes the mean hold and differs from the reading in one or two digits (or only
  one such indicator was read with low confidence), the finding names that indicator, what was
  read and what the arithmetic fits; otherwise it names the instrument's row and, for each
  indicator a slip of one or two digits would explain, the values that fit. The imported figure is never changed: a person checks the scan.
- ``ocr_unread``: a score-table row with a score whose indicator OCR could read neither by
  number nor by name, a suggestion (``ข้อ ...``) whose item code it could not read, or a
  measures-table row with a title whose number it could not read; such a row is left out of
  the import, and the finding names its page and row; likewise a measure's period it could
  not read as one (``A.A. ๖๙ - ก.ุย. ๗๐``).
- ``ocr_doubtful_item``: a suggestion whose item code, as read, does not belong under the
  (sub-)indicator heading it is read under: OCR misread the code or the heading.
- ``ocr_corrected``: a field OCR misread that the import put right from the document or the
  framework (:mod:`~ita_lib.documents.ocr_repair`: a measure number its neighbours fix, a
  sub-indicator heading's number its name fixes); the finding names the page, what was read
  and what was imported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from decimal import Decimal
from typing import Any

from ita_lib.documents.audit_context import (
    AuditContext,
    decimal_or_none,
    field_path,
    in_thai_digits,
    make_finding,
)
from ita_lib.documents.data_rules import misplaced_suggestions
from ita_lib.documents.extraction import UNREAD_BY_OCR
from ita_lib.documents.layout import OCR_FORMATS
from ita_lib.model.findings import Finding
from ita_lib.model.framework_entries import Instrument
from ita_lib.text.decimals import round_half_up

__all__ = ["LOW_CONFIDENCE", "OCR_RULES", "fitting_values"]

LOW_CONFIDENCE = 80.0
"""Figures read by OCR with a lower confidence (0–100) are to be checked by hand."""

_ROLE_EN = {"score": "score", "mean": "instrument mean", "weight": "weight",
            "weighted": "weighted score"}  # fmt: skip
_ROLE_TH = {"score": "คะแนน", "mean": "คะแนนเฉลี่ยเครื่องมือ", "weight": "น้ำหนัก",
            "weighted": "คะแนนถ่วงน้ำหนัก"}  # fmt: skip
_CENT = Decimal("0.01")


def _rows(context: AuditContext) -> list[Mapping[str, Any]]:
    return list((context.document.get("score_table") or {}).get("rows") or [])


def _low_confidence(context: AuditContext) -> Iterator[Finding]:
    if context.source_format not in OCR_FORMATS:
        return
    confidence = {u.pos: u.conf for u in context.units if u.in_table and u.conf is not None}
    for index, row in enumerate(_rows(context)):
        for role, name in _ROLE_EN.items():
            if row.get(role) is None:
                continue
            pos = context.locate(field_path("document", "score_table", "rows", index, role))
            conf = confidence.get(pos) if pos is not None else None
            if conf is None or conf >= LOW_CONFIDENCE:
                continue
            what = row.get("label") or row.get("instrument") or ""
            yield make_finding(
                "ocr_low_confidence",
                pos,
                f"{what}: the {name} was read by OCR as {row[role]} with low confidence "
                f"({conf:.0f} of 100); check this figure against the scan",
                f"{what}: {_ROLE_TH[role]}อ่านด้วย OCR ได้ {in_thai_digits(row[role])} "
                f"แต่ความมั่นใจต่ำ ({in_thai_digits(f'{conf:.0f}')} จาก ๑๐๐) ควรตรวจตัวเลขนี้กับต้นฉบับ",
            )


def fitting_values(read: Decimal, others: Decimal, count: int, mean: Decimal) -> list[Decimal]:
    """Return the two-decimal values of one indicator that make ``mean`` the rounded mean.

    Parameters
    ----------
    read
        The indicator's score as read (the values closest to it come first).
    others
        The sum of the instrument's other indicator scores.
    count
        The number of the instrument's indicators.
    mean
        The instrument mean as written (two decimals, rounded half up).

    >>> fitting_values(Decimal("94.18"), Decimal("383.38"), 5, Decimal("95.50"))
    [Decimal('94.14'), Decimal('94.13'), Decimal('94.12'), Decimal('94.11'), Decimal('94.10')]
    """
    low = count * (mean - Decimal("0.005")) - others
    high = count * (mean + Decimal("0.005")) - others
    start = max(Decimal(0), low.quantize(_CENT))
    values = []
    value = start
    while value < high and value <= 100:
        if value >= low and round_half_up((others + value) / count) == mean:
            values.append(value)
        value += _CENT
    return sorted(values, key=lambda v: (abs(v - read), v))


def _digits_apart(read: str, value: Decimal) -> int:
    """Return in how many digits two figures differ (a large number when lengths differ)."""
    written = format(value, "f")
    if len(written) != len(read):
        return 99
    return sum(a != b for a, b in zip(read, written, strict=True))


def _confirmed_mean(rows: list[Mapping[str, Any]], instrument: Instrument) -> Decimal | None:
    """Return the instrument's written mean when its written weighted score confirms it."""
    for row in rows:
        if row.get("indicator") not in instrument.indicators and row.get("instrument") != (
            instrument.code
        ):
            continue
        mean, weighted = decimal_or_none(row.get("mean")), decimal_or_none(row.get("weighted"))
        if mean is not None and weighted is not None:
            return mean if round_half_up(mean * instrument.weight) == weighted else None
    return None


def _figure_mismatch(context: AuditContext) -> Iterator[Finding]:
    if context.source_format not in OCR_FORMATS:
        return
    rows = _rows(context)
    for instrument in context.framework.instruments:
        mean = _confirmed_mean(rows, instrument)
        read = {int(r["indicator"]): (i, r) for i, r in enumerate(rows)
                if r.get("indicator") in instrument.indicators and r.get("score") is not None}  # fmt: skip
        values = {n: decimal_or_none(r["score"]) for n, (_, r) in read.items()}
        if mean is None or len(read) != len(instrument.indicators) or None in values.values():
            continue
        total = sum(values.values(), Decimal(0))
        if round_half_up(total / len(values)) == mean:
            continue
        yield _mismatch(context, instrument, mean, read, values, total)


def _unsure(context: AuditContext, read: Mapping[int, tuple[int, Mapping[str, Any]]]) -> set[int]:
    """Return the indicators whose score was read with low confidence."""
    confidence = {u.pos: u.conf for u in context.units if u.in_table and u.conf is not None}
    out = set()
    for number, (index, _) in read.items():
        pos = context.locate(field_path("document", "score_table", "rows", index, "score"))
        if confidence.get(pos, 100.0) < LOW_CONFIDENCE:
            out.add(number)
    return out


def _mismatch(
    context: AuditContext,
    instrument: Instrument,
    mean: Decimal,
    read: Mapping[int, tuple[int, Mapping[str, Any]]],
    values: Mapping[int, Decimal],
    total: Decimal,
) -> Finding:
    suspects: dict[int, str] = {}
    for number, value in values.items():
        text = str(read[number][1]["score"])
        fits = fitting_values(value, total - value, len(values), mean)
        if any(_digits_apart(text, v) <= 2 for v in fits):
            low, high = min(fits), max(fits)
            suspects[number] = str(low) if low == high else f"{low}–{high}"
    unsure = _unsure(context, read) & set(suspects)
    if len(unsure) == 1:
        suspects = {n: suspects[n] for n in unsure}
    code, mean_th = instrument.code, in_thai_digits(mean)
    if len(suspects) == 1:
        ((number, fit),) = suspects.items()
        index, row = read[number]
        pos = context.locate(field_path("document", "score_table", "rows", index, "score"))
        return make_finding(
            "ocr_figure_mismatch",
            pos,
            f"indicator {number} read as {row['score']}: the {code} mean {mean} and its weighted "
            f"score fit {fit}; check the scan",
            f"ตัวชี้วัดที่ {in_thai_digits(number)} อ่านได้ {in_thai_digits(row['score'])} "
            f"แต่คะแนนเฉลี่ย {code} {mean_th} และคะแนนถ่วงน้ำหนักสอดคล้องกับ {in_thai_digits(fit)} "
            "ควรตรวจกับต้นฉบับ",
        )
    index = min(i for i, _ in read.values())
    pos = context.locate(field_path("document", "score_table", "rows", index, "mean"))
    listed = ", ".join(str(n) for n in sorted(values))
    average = round_half_up(total / len(values))
    fits = "; ".join(f"indicator {n} would fit {v}" for n, v in sorted(suspects.items()))
    fits_th = "; ".join(f"ตัวชี้วัดที่ {n} ควรเป็น {v}" for n, v in sorted(suspects.items()))
    return make_finding(
        "ocr_figure_mismatch",
        pos,
        f"the {code} mean {mean} (confirmed by its weighted score) is not the mean of indicators "
        f"{listed} as read ({average}): one of them was misread; check the scan"
        + (f" ({fits})" if fits else ""),
        f"คะแนนเฉลี่ย {code} {mean_th} (สอดคล้องกับคะแนนถ่วงน้ำหนัก) ไม่ใช่ค่าเฉลี่ยของตัวชี้วัดที่ "
        f"{in_thai_digits(listed)} ตามที่อ่านได้ ({in_thai_digits(average)}) "
        "อาจอ่านตัวเลขผิด ควรตรวจกับต้นฉบับ" + (f" ({in_thai_digits(fits_th)})" if fits_th else ""),
    )


_UNREAD_EN = {"indicator": "indicator of this row", "item": "item code of this suggestion",
              "measure": "number of this measure", "period": "period of this measure"}  # fmt: skip
_UNREAD_TH = {"indicator": "ตัวชี้วัดของแถวนี้", "item": "รหัสข้อของข้อเสนอแนะนี้",
              "measure": "ลำดับของมาตรการนี้", "period": "ระยะเวลาของมาตรการนี้"}  # fmt: skip


def _unread(context: AuditContext) -> Iterator[Finding]:
    """One finding per row or paragraph of a scan holding a field OCR could not read."""
    if context.source_format not in OCR_FORMATS:
        return
    what_of = {reason: what for what, reason in UNREAD_BY_OCR.items()}
    seen: set[tuple[int | None, ...]] = set()
    for text, pos, _, reason in context.leftovers:
        what = what_of.get(reason)
        key = (pos.page, pos.table, pos.row, None if pos.row is not None else pos.line)
        if what is None or key in seen:
            continue
        seen.add(key)
        row = replace(pos, cell=None, paragraph=None) if pos.row is not None else pos
        short = text if len(text) <= 50 else text[:47] + "..."
        yield make_finding(
            "ocr_unread",
            row,
            f"OCR could not read the {_UNREAD_EN[what]} here ('{short}'); it was left out of the import: "
            "check the scan and enter it by hand",
            f"OCR อ่าน{_UNREAD_TH[what]}ไม่ได้ ('{short}') จึงไม่ได้นำเข้า ควรตรวจกับต้นฉบับและกรอกเอง",
        )


def _doubtful_items(context: AuditContext) -> Iterator[Finding]:
    """In a scan, a suggestion whose item code and heading disagree: OCR misread one of them."""
    if context.source_format not in OCR_FORMATS:
        return
    for index, code, where_en, where_th, belongs in misplaced_suggestions(context):
        yield make_finding(
            "ocr_doubtful_item",
            context.locate(field_path("suggestions", "by_item", index)),
            f"OCR read the item code {code} under {where_en}, but {code} belongs to {belongs}: "
            "the code or the heading was misread; check the scan",
            f"OCR อ่านรหัสข้อ {code} ใต้{where_th} แต่ข้อ {code} อยู่ในตัวชี้วัด "
            f"{in_thai_digits(belongs)} อาจอ่านรหัสข้อหรือหัวข้อผิด ควรตรวจกับต้นฉบับ",
        )


_WHAT_TH = {"measure number": "ลำดับมาตรการ", "sub-indicator": "ตัวชี้วัดย่อย",
            "item code": "รหัสข้อ", "step number": "หมายเลขขั้นตอน"}  # fmt: skip


def _corrected(context: AuditContext) -> Iterator[Finding]:
    """One finding per field of a scan OCR misread that the import put right."""
    if context.source_format not in OCR_FORMATS:
        return
    for c in context.corrections:
        what_th = _WHAT_TH.get(c.what, c.what)
        yield make_finding(
            "ocr_corrected",
            c.pos,
            f"OCR read the {c.what} here as {c.read}; it was imported as {c.value}, since {c.why}: "
            "check the scan",
            f"OCR อ่าน{what_th}ตรงนี้ได้ {in_thai_digits(c.read)} แต่นำเข้าเป็น "
            f"{in_thai_digits(c.value)} เพราะ{c.why_th} ควรตรวจกับต้นฉบับ",
        )


OCR_RULES: tuple[Callable[[AuditContext], Iterable[Finding]], ...] = (
    _low_confidence,
    _figure_mismatch,
    _unread,
    _doubtful_items,
    _corrected,
)
"""The rules on figures read by OCR (they find nothing in other documents)."""
