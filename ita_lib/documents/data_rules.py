"""Audit rules on the assessment data: they apply to documents and assessment files alike.

The score table's arithmetic (instrument means, weights, weighted scores, total, rating),
indicators 9 and 10 against the OIT items NACC flagged, the measures' fiscal year, the heading
each suggestion is written under, the agency's analysis against NACC's flags, and the measures'
numbering, completeness and periods. Each rule is a function of an
:class:`~ita_lib.documents.audit_context.AuditContext`; :data:`DATA_RULES` lists them in the
order the audit runs them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

from ita_lib.documents.audit_context import (
    AuditContext,
    decimal_or_none,
    field_path,
    floor_note,
    in_thai_digits,
    load_audit_terms,
    make_finding,
)
from ita_lib.documents.extraction import UNREAD_BY_OCR, indicators_read, step_number
from ita_lib.documents.layout import OCR_FORMATS
from ita_lib.model.findings import Finding
from ita_lib.text.decimals import round_half_up
from ita_lib.text.digits import to_arabic_digits
from ita_lib.text.years import fiscal_year_bounds

__all__ = ["DATA_RULES", "SCORE_RULES", "misplaced_suggestions"]
_TOLERANCE = Decimal("0.01")


# -- Rules on the score table ------------------------------------------------------------------------


def _score_table_layout(context: AuditContext) -> Iterator[Finding]:
    table = context.document.get("score_table") or {}
    total = table.get("total") or {}
    column = total.get("column")
    if column and column != "weighted" and "weighted" in (table.get("columns") or {}):
        name_en = {"weight": "weight", "mean": "instrument mean", "score": "indicator score"}
        name_th = {"weight": "น้ำหนัก", "mean": "คะแนนที่ได้", "score": "คะแนนตัวชี้วัด"}
        yield make_finding(
            "score_table_layout",
            context.locate(field_path("document", "score_table", "total")),
            f"the total {total.get('value')} is written in the {name_en.get(column, column)} "
            "column, not in the weighted-score column",
            f"คะแนนรวม {in_thai_digits(total.get('value'))} อยู่ในช่อง{name_th.get(column, column)} "
            "แทนที่จะอยู่ในช่องคะแนนถ่วงน้ำหนัก",
        )


def _written_by_instrument(
    context: AuditContext,
) -> dict[str, dict[str, tuple[Decimal, str, str]]]:
    """Map instrument -> role -> (value, text, path) for the first value written per role."""
    rows = (context.document.get("score_table") or {}).get("rows") or []
    out: dict[str, dict[str, tuple[Decimal, str, str]]] = {}
    for index, row in enumerate(rows):
        if row.get("indicator") is not None:
            try:
                code = context.framework.instrument_of(int(row["indicator"])).code
            except KeyError:
                continue
        else:
            code = row.get("instrument")
        if code is None:
            continue
        for role in ("mean", "weight", "weighted"):
            value = decimal_or_none(row.get(role)) if row.get(role) is not None else None
            if value is not None and role not in out.setdefault(code, {}):
                path = field_path("document", "score_table", "rows", index, role)
                out[code][role] = (value, str(row[role]), path)
    return out


def _arithmetic(context: AuditContext) -> Iterator[Finding]:
    framework = context.framework
    exact = {i.code: i.score for i in context.result.instruments}
    written = _written_by_instrument(context)
    weighted_exact = {i.code: i.weighted for i in context.result.instruments}
    for instrument in framework.instruments:
        code = instrument.code
        values = written.get(code, {})
        if "mean" in values:
            value, text, path = values["mean"]
            expected = round_half_up(exact[code])
            if abs(value - expected) >= _TOLERANCE:
                yield make_finding(
                    "instrument_mean_mismatch",
                    context.locate(path),
                    f"{code} mean is written {text} but the mean of its indicators is {expected}",
                    f"คะแนน {code} ระบุไว้ {in_thai_digits(text)} แต่ค่าเฉลี่ยของตัวชี้วัดได้ {in_thai_digits(expected)}",
                )
        if "weight" in values:
            value, text, path = values["weight"]
            share = value / 100 if value > 1 else value
            if share != instrument.weight:
                percent = format((instrument.weight * 100).normalize(), "f")
                yield make_finding(
                    "weight_mismatch",
                    context.locate(path),
                    f"{code} weight is written {text} but FY{framework.fiscal_year} weighs it "
                    f"{percent}%",
                    f"น้ำหนัก {code} ระบุไว้ {in_thai_digits(text)} แต่ปีงบประมาณ "
                    f"{in_thai_digits(framework.fiscal_year)} กำหนดร้อยละ {in_thai_digits(percent)}",
                )
        if "weighted" in values:
            value, text, path = values["weighted"]
            allowed = {round_half_up(weighted_exact[code])}
            if "mean" in values:
                allowed.add(round_half_up(values["mean"][0] * instrument.weight))
            if all(abs(value - a) >= _TOLERANCE for a in allowed):
                expected = round_half_up(weighted_exact[code])
                yield make_finding(
                    "weighted_score_mismatch",
                    context.locate(path),
                    f"{code} weighted score is written {text} but mean x weight is {expected}",
                    f"คะแนนถ่วงน้ำหนัก {code} ระบุไว้ {in_thai_digits(text)} แต่คะแนนคูณน้ำหนักได้ {in_thai_digits(expected)}",
                )
    yield from _total_and_rating(context, written)


def _total_and_rating(
    context: AuditContext, written: Mapping[str, Mapping[str, tuple[Decimal, str, str]]]
) -> Iterator[Finding]:
    framework = context.framework
    total = context.result.total_2dp
    allowed = {total}
    codes = [i.code for i in framework.instruments]
    if all("weighted" in written.get(c, {}) for c in codes):
        allowed.add(sum((written[c]["weighted"][0] for c in codes), Decimal(0)))
    claimed = context.assessment.claimed_total
    if claimed is not None and all(abs(claimed - a) >= _TOLERANCE for a in allowed):
        yield make_finding(
            "total_mismatch",
            context.locate("claimed_total"),
            f"the total is written {claimed} but the weighted scores add up to {total}",
            f"คะแนนรวมระบุไว้ {in_thai_digits(claimed)} แต่ผลรวมคะแนนถ่วงน้ำหนักได้ {in_thai_digits(total)}",
        )
    rating = context.result.rating
    claimed_rating = context.assessment.claimed_rating
    if claimed_rating is not None and claimed_rating.strip() != rating:
        scores = {i.code: i.score_2dp for i in context.result.instruments}
        note, note_th = floor_note(framework, claimed_rating.strip(), scores)
        yield make_finding(
            "rating_mismatch",
            context.locate("claimed_rating"),
            f"the rating is written {claimed_rating} but a total of {total} is rated {rating}{note}",
            f"ระดับผลการประเมินระบุไว้ {claimed_rating} แต่คะแนนรวม {in_thai_digits(total)} อยู่ในระดับ {rating}{note_th}",
        )


def _oit_indicators(context: AuditContext) -> Iterator[Finding]:
    failed = context.assessment.failed_items
    if failed is None:
        return
    items = ", ".join(failed) or "none"
    for number, exact in sorted((context.result.recomputed or {}).items()):
        given = context.assessment.scores[number]
        shown = round_half_up(exact)
        if abs(shown - given) >= _TOLERANCE:
            yield make_finding(
                "oit_indicator_mismatch",
                context.locate(field_path("scores", f"ind{number}")),
                f"indicator {number} is {given} but the items NACC flagged ({items}) give {shown}",
                f"ตัวชี้วัดที่ {in_thai_digits(number)} ได้ {in_thai_digits(given)} แต่ข้อที่ ป.ป.ช. ให้ข้อเสนอแนะ "
                f"({items}) ให้คะแนน {in_thai_digits(shown)}",
            )


def _failed_items_table(context: AuditContext) -> Iterator[Finding]:
    """The items a table lists as failed (or NACC's verdicts ไม่ผ่าน) against the items NACC's
    suggestions name: the same document should not say two things."""
    listed = (context.document.get("failed_items_table") or {}).get("items")
    named = context.assessment.failed_items
    if listed is None or named is None or set(listed) == set(named):
        return
    only_table = ", ".join(c for c in listed if c not in named) or "none"
    only_named = ", ".join(c for c in named if c not in listed) or "none"
    scan = context.document.get("format") in OCR_FORMATS
    yield make_finding(
        "failed_items_mismatch",
        context.locate(field_path("document", "failed_items_table")),
        f"the table of failed items lists {only_table} that NACC's suggestions do not name, and "
        f"the suggestions name {only_named} that it does not list"
        + ("; the table was read by OCR: check it against the scan" if scan else ""),
        f"ตารางข้อที่ไม่ได้คะแนนระบุข้อ {only_table} ที่ข้อเสนอแนะของ ป.ป.ช. ไม่ได้กล่าวถึง "
        f"และข้อเสนอแนะกล่าวถึงข้อ {only_named} ที่ตารางไม่ได้ระบุ"
        + (" (ตารางอ่านด้วย OCR ควรตรวจกับต้นฉบับ)" if scan else ""),
    )


def _fiscal_years(context: AuditContext) -> Iterator[Finding]:
    assessed = context.assessment.fiscal_year
    measures = context.assessment.measures_fiscal_year
    if measures is not None and measures != assessed + 1:
        yield make_finding(
            "fiscal_year_mismatch",
            context.locate("measures_fiscal_year"),
            f"the measures are for FY{measures}, not for FY{assessed + 1} after the FY{assessed} "
            "result",
            f"มาตรการเป็นของปีงบประมาณ {in_thai_digits(measures)} ไม่ใช่ปี {in_thai_digits(assessed + 1)} "
            f"ที่ต่อจากผลการประเมินปี {in_thai_digits(assessed)}",
        )


def misplaced_suggestions(context: AuditContext) -> Iterator[tuple[int, str, str, str, str]]:
    """Yield each suggestion written under a heading its item does not belong to.

    Yields (index in ``suggestions.by_item``, item code, the heading in English and in Thai,
    where the item belongs).
    """
    framework = context.framework
    for index, group in enumerate(context.document.get("suggestion_groups") or ()):
        code = group.get("item")
        if not code or not framework.has_item(code):
            continue
        item = framework.item(code)
        written_sub = group.get("sub_indicator")
        written_ind = group.get("indicator")
        wrong_sub = written_sub is not None and item.sub_indicator not in (None, str(written_sub))
        wrong_ind = written_ind is not None and int(written_ind) != item.indicator
        if wrong_sub or wrong_ind:
            where_en = f"sub-indicator {written_sub}" if wrong_sub else f"indicator {written_ind}"
            where_th = (
                f"ตัวชี้วัดย่อยที่ {in_thai_digits(written_sub)}"
                if wrong_sub
                else (f"ตัวชี้วัดที่ {in_thai_digits(written_ind)}")
            )
            yield index, code, where_en, where_th, item.sub_indicator or str(item.indicator)


def _suggestion_groups(context: AuditContext) -> Iterator[Finding]:
    for index, code, where_en, where_th, belongs in misplaced_suggestions(context):
        yield make_finding(
            "suggestion_group_mismatch",
            context.locate(field_path("suggestions", "by_item", index)),
            f"the suggestion on {code} is under {where_en}, but {code} belongs to {belongs}",
            f"ข้อเสนอแนะข้อ {code} อยู่ใต้{where_th} แต่ข้อ {code} อยู่ในตัวชี้วัด {in_thai_digits(belongs)}",
        )


# -- Rules on the agency's analysis -----------------------------------------------------------------


def improve_indicators(text: str, phrases: Sequence[str]) -> set[int]:
    positions = [text.find(p) for p in phrases if p in text]
    if not positions:
        return set()
    tail = to_arabic_digits(text[min(positions) :])
    return {int(m[1]) for m in re.finditer(r"ตัวชี้วัดที่\s*(\d{1,2})(?!\s*\.\s*\d)", tail)}


def _flags(context: AuditContext) -> tuple[list[str], set[int]]:
    """Return the items NACC flagged (in order) and the indicators it flagged."""
    framework = context.framework
    items = list(context.assessment.failed_items or ())
    for suggestion in context.assessment.suggestions.by_item:
        if framework.has_item(suggestion.item) and suggestion.item not in items:
            items.append(suggestion.item)
    indicators = {framework.item(c).indicator for c in items}
    phrases = load_audit_terms().improve_phrases
    for text in context.assessment.suggestions.by_instrument.values():
        indicators |= improve_indicators(text, phrases)
        if context.source_format in OCR_FORMATS:  # OCR garbles the digits: names count too
            positions = [text.find(p) for p in phrases if p in text]
            tail = text[min(positions) :] if positions else ""
            indicators |= set(indicators_read(tail, framework))
    return items, indicators


def _analysis_sides(
    rows: Sequence[Mapping[str, Any]],
) -> tuple[dict[str, str], dict[str, str], dict[int, str]]:
    """Return the items kept, the items weak and the indicators named weak, each with its path."""
    keep: dict[str, str] = {}
    weak: dict[str, str] = {}
    weak_named: dict[int, str] = {}
    for r, row in enumerate(rows):
        for j, code in enumerate(row.get("keep_items") or ()):
            keep.setdefault(code, field_path("document", "analysis", "rows", r, "keep_items", j))
        for j, code in enumerate(row.get("weak_items") or ()):
            weak.setdefault(code, field_path("document", "analysis", "rows", r, "weak_items", j))
        for number in row.get("weak_indicators") or ():
            weak_named.setdefault(
                int(number), field_path("document", "analysis", "rows", r, "weak")
            )
    return keep, weak, weak_named


def _analysis(context: AuditContext) -> Iterator[Finding]:
    table = context.document.get("analysis")
    if not table:
        return
    rows = list(table.get("rows") or ())
    framework = context.framework
    flagged_items, flagged_indicators = _flags(context)
    keep, weak, weak_named = _analysis_sides(rows)
    for code, path in weak.items():
        if code in keep:
            yield make_finding(
                "analysis_item_both_sides",
                context.locate(path),
                f"{code} is listed both as a strength and as a weakness",
                f"ข้อ {code} อยู่ทั้งในประเด็นที่ควรรักษามาตรฐานและในประเด็นที่เป็นจุดอ่อน",
            )
    row_of = {}
    for r, row in enumerate(rows):
        if row.get("indicator") is not None:
            row_of.setdefault(int(row["indicator"]), field_path("document", "analysis", "rows", r))
    table_path = field_path("document", "analysis")
    for code in flagged_items:
        item = framework.item(code)
        covered = code in weak or (item.instrument != "OIT" and item.indicator in weak_named)
        if covered:
            continue
        also = " (it is listed as a strength)" if code in keep else ""
        also_th = " (แต่อยู่ในประเด็นที่ควรรักษามาตรฐาน)" if code in keep else ""
        yield make_finding(
            "analysis_flag_missing",
            context.locate(row_of.get(item.indicator, table_path)),
            f"NACC flagged {code} but the analysis does not list it as a weakness{also}",
            f"ป.ป.ช. ให้ข้อเสนอแนะข้อ {code} แต่การวิเคราะห์ไม่ได้ระบุเป็นจุดอ่อน{also_th}",
        )
    for number, path in sorted(weak_named.items()):
        if number not in flagged_indicators:
            yield make_finding(
                "analysis_unflagged_weakness",
                context.locate(path),
                f"the analysis calls indicator {number} weak but NACC flagged nothing in it",
                f"การวิเคราะห์ระบุตัวชี้วัดที่ {in_thai_digits(number)} เป็นจุดอ่อน แต่ ป.ป.ช. ไม่ได้ให้ข้อเสนอแนะในตัวชี้วัดนี้",
            )
    for code, path in weak.items():
        if code not in flagged_items:
            yield make_finding(
                "analysis_unflagged_weakness",
                context.locate(path),
                f"the analysis calls {code} weak but NACC did not flag it",
                f"การวิเคราะห์ระบุข้อ {code} เป็นจุดอ่อน แต่ ป.ป.ช. ไม่ได้ให้ข้อเสนอแนะข้อนี้",
            )


# -- Rules on the measures --------------------------------------------------------------------------


def _sequence_faults(numbers: Sequence[int]) -> Iterator[tuple[int, str, str]]:
    """Yield (index, message, Thai message) for each fault in a list's numbering."""
    expected = 1
    seen: set[int] = set()
    for index, number in enumerate(numbers):
        if index == 0 and number != 1:
            yield index, f"starts at {number}", f"เริ่มที่ {in_thai_digits(number)}"
        elif number in seen:
            yield index, f"repeats {number}", f"ใช้เลข {in_thai_digits(number)} ซ้ำ"
        elif number > expected:
            missing = ", ".join(str(n) for n in range(expected, number))
            yield (
                index,
                f"skips {missing} (goes to {number})",
                f"ข้ามเลข {in_thai_digits(missing)} (ไปที่ {in_thai_digits(number)})",
            )
        elif number < expected:
            yield index, f"goes back to {number}", f"ย้อนกลับไปเลข {in_thai_digits(number)}"
        seen.add(number)
        expected = max(expected, number + 1)


def _measure_numbering(context: AuditContext) -> Iterator[Finding]:
    written = context.document.get("measures")
    measures = context.data.get("measures") or []
    if written and len(written) == len(measures):
        numbers = [decimal_or_none(str(w.get("number", "")).strip(" .)")) for w in written]
        if any(n is None for n in numbers):
            return
        values = [int(n) for n in numbers if n is not None]
    else:
        values = [int(m["number"]) for m in measures]
    for index, message, message_th in _sequence_faults(values):
        yield make_finding(
            "measure_numbering",
            context.locate(field_path("measures", index)),
            f"the measures' numbering {message}",
            f"ลำดับมาตรการ{message_th}",
        )


def _step_numbering(context: AuditContext) -> Iterator[Finding]:
    names = {"steps": ("steps", "วิธีดำเนินการ"), "monitoring": ("monitoring", "การติดตามประเมินผล")}
    for m, measure in enumerate(context.data.get("measures") or []):
        for role, (name_en, name_th) in names.items():
            items = measure.get(role) or []
            numbered = [(j, step_number(text)) for j, text in enumerate(items)]
            numbered = [(j, n) for j, n in numbered if n is not None]
            faults = _sequence_faults([n for _, n in numbered])
            for index, message, message_th in faults:
                j = numbered[index][0]
                yield make_finding(
                    "step_numbering",
                    context.locate(field_path("measures", m, role, j)),
                    f"measure {measure['number']}: the {name_en} numbering {message}",
                    f"มาตรการที่ {in_thai_digits(measure['number'])}: ลำดับ{name_th}{message_th}",
                )


_MISSING = {
    "steps": ("measure_missing_steps", "steps (วิธีดำเนินการ)", "วิธีดำเนินการ"),
    "owner": ("measure_missing_owner", "owner (ผู้รับผิดชอบ)", "ผู้รับผิดชอบ"),
    "period": ("measure_missing_period", "period (ระยะเวลาดำเนินการ)", "ระยะเวลาดำเนินการ"),
    "monitoring": (
        "measure_missing_monitoring",
        "monitoring (การติดตามประเมินผล)",
        "การติดตามประเมินผล",
    ),
}


def _measure_completeness(context: AuditContext) -> Iterator[Finding]:
    unread = {  # periods of a scan OCR could not read: ocr_unread reports them
        pos for _, pos, _, why in context.leftovers if why == UNREAD_BY_OCR["period"]
    }
    for m, measure in enumerate(context.data.get("measures") or []):
        where = context.locate(field_path("measures", m))
        for key, (rule, what_en, what_th) in _MISSING.items():
            if key == "period" and context.locate(field_path("measures", m, "period")) in unread:
                continue
            if not measure.get(key):
                yield make_finding(
                    rule,
                    where,
                    f"measure {measure['number']} has no {what_en}",
                    f"มาตรการที่ {in_thai_digits(measure['number'])} ไม่มี{what_th}",
                )


def _measure_periods(context: AuditContext) -> Iterator[Finding]:
    year = context.assessment.measures_fiscal_year
    if year is None:
        return
    start, end = fiscal_year_bounds(year)
    for m, measure in enumerate(context.assessment.measures):
        period = measure.period
        if period is None:
            continue
        if period.start < start or period.end > end:
            yield make_finding(
                "measure_period_outside_year",
                context.locate(field_path("measures", m, "period")),
                f"measure {measure.number}: the period {measure.period_text} is not within "
                f"FY{year}",
                f"มาตรการที่ {in_thai_digits(measure.number)}: ระยะเวลา {measure.period_text} "
                f"ไม่อยู่ในปีงบประมาณ {in_thai_digits(year)}",
            )


DATA_RULES: tuple[Callable[[AuditContext], Iterable[Finding]], ...] = (
    _score_table_layout,
    _arithmetic,
    _oit_indicators,
    _failed_items_table,
    _fiscal_years,
    _suggestion_groups,
    _analysis,
    _measure_numbering,
    _step_numbering,
    _measure_completeness,
    _measure_periods,
)
"""The rules on the data, in the order the audit runs them."""

SCORE_RULES: tuple[Callable[[AuditContext], Iterable[Finding]], ...] = (
    _arithmetic,
    _oit_indicators,
)
"""The rules that need the ten indicator scores (left out when a document gives only instruments)."""
