"""What a drafted measures document says, worked out from an assessment (pure).

:func:`plan_measures` decides every text of the next measures document: the result table from
:func:`ita_lib.analysis.scoring.score_assessment` (so the arithmetic is right by construction),
NACC's suggestions verbatim, a self-analysis that lists as weak exactly what NACC flagged, and
the measures: the agency's measures that still address a weakness (from
:func:`ita_lib.analysis.weaknesses.analyse`), cleaned and re-dated into the target fiscal year,
then one drafted measure per measure template for the weaknesses left uncovered.
:mod:`ita_lib.drafting.measures_docx` writes the plan as a .docx file.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from ita_lib.analysis.crosswalk import item_families
from ita_lib.analysis.scoring import ScoreResult
from ita_lib.analysis.weaknesses import Analysis, analyse
from ita_lib.documents.audit_context import load_audit_terms
from ita_lib.documents.data_rules import improve_indicators
from ita_lib.drafting.cleanup import clean_text, step_text
from ita_lib.drafting.templates import MeasureTemplate, template_for
from ita_lib.exceptions import InputError
from ita_lib.model.assessment import Assessment, ItemSuggestion, Measure
from ita_lib.model.framework import Framework
from ita_lib.model.framework_files import load_framework
from ita_lib.text.digits import digits_as
from ita_lib.text.periods import Period
from ita_lib.text.years import be_to_ce, fiscal_year_bounds

__all__ = ["AnalysisRow", "DraftMeasure", "MeasuresPlan", "plan_measures"]

CARRIED, DRAFTED = "carried", "drafted"


@dataclass(frozen=True)
class DraftMeasure:
    """One measure of the draft; ``marked`` names the fields drafted or changed (for review)."""

    number: int
    title: str
    steps: tuple[str, ...]
    owner: str
    period: Period
    monitoring: tuple[str, ...]
    addresses: tuple[str, ...]
    origin: str
    source_number: int | None = None
    template: str | None = None
    marked: frozenset[str] = frozenset()


@dataclass(frozen=True)
class AnalysisRow:
    """A row of the self-analysis table: an instrument heading or an indicator."""

    label: str
    keep: tuple[str, ...] = ()
    weak: tuple[str, ...] = ()
    heading: bool = False


@dataclass(frozen=True)
class MeasuresPlan:
    """Everything the measures document says, in document order."""

    assessment: Assessment
    framework: Framework
    result: ScoreResult
    target_year: int
    thai_digits: bool
    summary: str | None
    summary_drafted: bool
    by_instrument: tuple[tuple[str, str], ...]
    by_item: tuple[ItemSuggestion, ...]
    analysis: tuple[AnalysisRow, ...]
    measures: tuple[DraftMeasure, ...]
    notes: tuple[str, ...]

    def digits(self, text: str) -> str:
        """Return generated text in the plan's digits (Thai by default)."""
        return digits_as(text, self.thai_digits)


def _flags(assessment: Assessment, framework: Framework) -> tuple[list[str], set[int]]:
    items = list(assessment.failed_items or ())
    items += [s.item for s in assessment.suggestions.by_item if s.known and s.item not in items]
    indicators = {framework.item(c).indicator for c in items}
    phrases = load_audit_terms().improve_phrases
    for text in assessment.suggestions.by_instrument.values():
        indicators |= improve_indicators(text, phrases)
    return items, indicators


def _analysis_rows(plan_digits: bool, assessment: Assessment, result: ScoreResult,
                   framework: Framework) -> tuple[AnalysisRow, ...]:  # fmt: skip
    items, indicators = _flags(assessment, framework)
    rows: list[AnalysisRow] = []
    for instrument in framework.instruments:
        rows.append(AnalysisRow(f"{instrument.name_th} ({instrument.code})", heading=True))
        for number in instrument.indicators:
            indicator = framework.indicator(number)
            score = digits_as(f"{assessment.scores[number]:.2f}", plan_digits)
            label = digits_as(f"ตัวชี้วัดที่ {number} {indicator.name_th}", plan_digits)
            weak_items = [c for c in items if framework.item(c).indicator == number]
            weak = [f"{c} {digits_as(framework.item(c).name_th or c, plan_digits)}"
                    for c in weak_items]  # fmt: skip
            if number in indicators and not weak:
                weak = [f"{label} ควรพัฒนาและปรับปรุงตามข้อเสนอแนะของสำนักงาน ป.ป.ช."]
            if weak:
                keep = [f"คะแนน {score} ข้ออื่นในตัวชี้วัดนี้ควรรักษามาตรฐานไว้"]
            elif assessment.scores[number] < result.pass_mark:
                keep = [f"คะแนน {score} ต่ำกว่าเกณฑ์ผ่าน ควรพัฒนาให้ดีขึ้น"]
            else:
                keep = [f"คะแนน {score} ควรรักษามาตรฐานการดำเนินงานไว้"]
            rows.append(AnalysisRow(label, tuple(keep), tuple(weak) or ("-",)))
    return tuple(rows)


def _month_start(year_be: int, fiscal_month: int) -> date:
    start, _ = fiscal_year_bounds(year_be)
    month = (start.month - 1 + fiscal_month - 1) % 12 + 1
    year = start.year + (start.month - 1 + fiscal_month - 1) // 12
    return date(year, month, 1)


def _template_period(year_be: int, months: tuple[int, int]) -> Period:
    first = _month_start(year_be, months[0])
    last = _month_start(year_be, months[1])
    end = date(last.year, last.month, calendar.monthrange(last.year, last.month)[1])
    return Period(first, end)


def _carried_period(measure: Measure, source_year: int, target: int) -> Period:
    start, end = fiscal_year_bounds(target)
    period = measure.period
    if period is None or period.fiscal_years != (period.fiscal_years[0],):
        return Period(start, end)
    shift = target - period.fiscal_years[0]
    try:
        moved = Period(period.start.replace(year=period.start.year + shift),
                       period.end.replace(year=period.end.year + shift))  # fmt: skip
    except ValueError:  # 29 February
        return Period(start, end)
    return moved if start <= moved.start and moved.end <= end else Period(start, end)


def _carry(measure: Measure, number: int, addresses: tuple[str, ...], plan: dict) -> DraftMeasure:
    name = plan["agency"]
    marked: set[str] = set()

    def cleaned(field: str, text: str) -> str:
        fixed, changed = clean_text(text, name)
        if changed:
            marked.add(field)
        return fixed

    title = cleaned("title", measure.title)
    steps = tuple(cleaned("steps", step_text(s)) for s in measure.steps if step_text(s))
    monitoring = tuple(cleaned("monitoring", step_text(s)) for s in measure.monitoring
                       if step_text(s))  # fmt: skip
    owner = cleaned("owner", measure.owner) if measure.owner else None
    for field, present in (("steps", steps), ("monitoring", monitoring), ("owner", owner)):
        if not present:
            marked.add(field)
    return DraftMeasure(
        number, title,
        steps or (plan["digits"]("กำหนดขั้นตอนการดำเนินการให้ชัดเจน"),),
        owner or name, _carried_period(measure, plan["source_year"], plan["target"]),
        monitoring or (plan["digits"]("รายงานผลการดำเนินการต่อผู้บริหาร"),),
        addresses, CARRIED, source_number=measure.number, marked=frozenset(marked),
    )  # fmt: skip


def _drafted(template: MeasureTemplate, codes: list[str], number: int, plan: dict) -> DraftMeasure:
    framework: Framework = plan["framework"]
    digits = plan["digits"]
    names = [framework.item(c).name_th or c if framework.has_item(c) else
             framework.instrument(c).name_th for c in codes]  # fmt: skip
    families = [f.name_th for c in codes for f in item_families(framework.fiscal_year, c)]
    values = {"agency": plan["agency"], "item": digits(" และ".join(dict.fromkeys(names))),
              "code": ", ".join(codes), "family": digits(" และ".join(dict.fromkeys(families))),
              "year": digits(str(plan["target"]))}  # fmt: skip

    def fill(text: str) -> str:
        return template.fill(digits(text), **values)

    return DraftMeasure(
        number, fill(template.title), tuple(fill(s) for s in template.steps),
        fill(template.owner), _template_period(plan["target"], template.months),
        tuple(fill(s) for s in template.monitoring), tuple(codes), DRAFTED,
        template=template.key,
        marked=frozenset({"title", "steps", "owner", "period", "monitoring"}),
    )  # fmt: skip


def _measures(analysis: Analysis, assessment: Assessment, plan: dict) -> tuple[DraftMeasure, ...]:
    direct = [w for w in analysis.weaknesses if w.level in {"instrument", "item"}]
    linked: dict[int, list[str]] = {}
    uncovered: list[str] = []
    for weakness in direct:
        for link in weakness.measures:
            linked.setdefault(link.measure, []).append(weakness.code)
        if not weakness.measures:
            uncovered.append(weakness.code)
    out: list[DraftMeasure] = []
    for measure in assessment.measures:
        if measure.number in linked:
            codes = tuple(dict.fromkeys(linked[measure.number]))
            out.append(_carry(measure, len(out) + 1, codes, plan))
    groups: dict[str, tuple[MeasureTemplate, list[str]]] = {}
    for code in uncovered:
        template = template_for(plan["framework"], code)
        groups.setdefault(template.key, (template, []))[1].append(code)
    for template, codes in groups.values():
        out.append(_drafted(template, codes, len(out) + 1, plan))
    return tuple(out)


def _summary(assessment: Assessment, result: ScoreResult, digits) -> tuple[str, bool]:
    text = assessment.suggestions.summary
    name = assessment.agency.name
    total = f"{result.total_2dp}"
    if text:
        _cleaned, changed = clean_text(text, name)
        quoted_other = "คะแนน" in text and digits(total) not in text and total not in text
        if not changed and not quoted_other:
            return text, False
    year = digits(str(assessment.fiscal_year))
    return (
        (
            f"{name} มีผลการประเมินคุณธรรมและความโปร่งใสในการดำเนินงานของหน่วยงานภาครัฐ "
            f"ประจำปีงบประมาณ พ.ศ. {year} อยู่ในระดับ {result.rating} โดยมีคะแนนอยู่ที่ "
            f"{digits(total)} คะแนน"
        ),
        True,
    )


def _notes(assessment: Assessment, target: int, summary_drafted: bool) -> tuple[str, ...]:
    notes = []
    if target != assessment.fiscal_year + 1:
        notes.append(
            f"the measures are for FY{target} but the latest result is FY{assessment.fiscal_year}:"
            f" the audit reports the gap (fiscal_year_mismatch)"
        )
    if summary_drafted and assessment.suggestions.summary:
        notes.append("NACC's summary names another agency or another score; a summary is drafted")
    return tuple(notes)


def plan_measures(
    assessment: Assessment, target_year: int | None = None, *, thai_digits: bool = True
) -> MeasuresPlan:
    """Plan the measures document for ``target_year`` from ``assessment``.

    Parameters
    ----------
    assessment
        The agency's latest assessment (its result, NACC's suggestions, its measures).
    target_year
        The fiscal year of the new measures (Buddhist era); by default the year after the
        assessment's (the year its result is meant to drive).
    thai_digits
        Write the generated numbers, years and periods in Thai digits (the default).

    Returns
    -------
    MeasuresPlan

    Raises
    ------
    InputError
        When ``target_year`` is not after the assessment's fiscal year.
    """
    target = target_year if target_year is not None else assessment.fiscal_year + 1
    if target <= assessment.fiscal_year:
        raise InputError(
            "the measures must be for a year after the assessment",
            location="--fiscal-year", expected=f"{assessment.fiscal_year + 1} or later",
            found=target,
        )  # fmt: skip
    be_to_ce(target)  # a valid Buddhist-era year
    framework = load_framework(assessment.fiscal_year)
    analysis = analyse(assessment, framework)
    result = analysis.result

    def digits(text: str) -> str:
        return digits_as(text, thai_digits)

    source_year = assessment.measures_fiscal_year or assessment.fiscal_year + 1
    plan = {"agency": assessment.agency.name, "framework": framework, "digits": digits,
            "target": target, "source_year": source_year}  # fmt: skip
    summary, summary_drafted = _summary(assessment, result, digits)
    order = {code: i for i, code in enumerate(i.code for i in framework.instruments)}
    by_item = sorted(
        assessment.suggestions.by_item,
        key=lambda s: order.get(framework.item(s.item).instrument, 9) if s.known else 9,
    )
    notes = _notes(assessment, target, summary_drafted)
    return MeasuresPlan(
        assessment, framework, result, target, thai_digits, summary, summary_drafted,
        tuple((c, t) for c in order if (t := assessment.suggestions.by_instrument.get(c))),
        tuple(by_item), _analysis_rows(thai_digits, assessment, result, framework),
        _measures(analysis, assessment, plan), notes,
    )  # fmt: skip
