"""Weakness analysis: what holds an agency's score back, what fixing it is worth, what is covered.

Rules (all pure functions of the assessment and its fiscal year's framework):

- **Instrument** weakness: an instrument score (rounded as published) below the pass mark.
- **Indicator** weakness: an indicator below the pass mark, or at least
  :data:`WELL_BELOW_AVERAGE` points below the mean of the agency's ten indicators.
- **Sub-indicator** weakness: an OIT sub-indicator with at least one failed item.
- **Item** weakness: a failed OIT item, or any item NACC made a suggestion on.
- Each weakness carries NACC's suggestions for it verbatim and the measures that address it
  (:mod:`ita_lib.analysis.coverage`); suggestions for codes the catalogue does not know are kept apart.
- **What-if**: the gain of fixing each failed OIT item, the ladder and the paths to the next
  rating and the pass mark (:mod:`ita_lib.analysis.what_if`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ita_lib.analysis.coverage import MeasureLink, link_measures, load_measure_terms
from ita_lib.analysis.scoring import ScoreResult, score_assessment
from ita_lib.analysis.what_if import (
    Blocker,
    ItemGain,
    LadderStep,
    RatingPath,
    capped_gain,
    item_gains,
    ladder,
    rating_path,
)
from ita_lib.model.assessment import Assessment
from ita_lib.model.framework import Framework
from ita_lib.model.framework_files import load_framework
from ita_lib.text.decimals import round_half_up

__all__ = [
    "WELL_BELOW_AVERAGE",
    "Analysis",
    "Blocker",
    "CoverageGap",
    "ItemGain",
    "LadderStep",
    "RatingPath",
    "Weakness",
    "analyse",
    "item_gains",
]

WELL_BELOW_AVERAGE = Decimal(5)
_LEVEL_ORDER = {"instrument": 0, "indicator": 1, "sub_indicator": 2, "item": 3}


@dataclass(frozen=True)
class Weakness:
    """One weakness with its evidence, NACC's suggestions and the measures addressing it."""

    level: str
    code: str
    name: str
    score: Decimal | None
    reason_th: str
    place_th: str
    suggestions: tuple[str, ...] = ()
    measures: tuple[MeasureLink, ...] = ()
    gain_total: Decimal | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the weakness as a JSON-ready dict."""
        return {
            "level": self.level,
            "code": self.code,
            "name": self.name,
            "score": None if self.score is None else float(round_half_up(self.score)),
            "reason": self.reason_th,
            "place": self.place_th,
            "suggestions": list(self.suggestions),
            "measures": [link.to_dict() for link in self.measures],
            "gain_total": None
            if self.gain_total is None
            else float(round_half_up(self.gain_total)),
        }


@dataclass(frozen=True)
class CoverageGap:
    """A weakness no measure addresses, or a measure missing a part a measure needs."""

    kind: str
    subject: str
    message_th: str

    def to_dict(self) -> dict[str, str]:
        """Return the gap as a JSON-ready dict."""
        return {"kind": self.kind, "subject": self.subject, "message": self.message_th}


@dataclass(frozen=True)
class Analysis:
    """The weakness analysis of one assessment."""

    result: ScoreResult
    weaknesses: tuple[Weakness, ...]
    what_if: tuple[ItemGain, ...]
    ladder: tuple[LadderStep, ...]
    path_to_next_rating: RatingPath | None
    path_to_pass_mark: RatingPath | None
    coverage_gaps: tuple[CoverageGap, ...]
    unmatched_suggestions: tuple[tuple[str, str], ...]
    all_fixed_total: Decimal | None

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form printed by ``ita analyse --json``."""
        return {
            "fiscal_year": self.result.fiscal_year,
            "agency_name": self.result.agency_name,
            "total": float(self.result.total_2dp),
            "rating": self.result.rating,
            "weaknesses": [w.to_dict() for w in self.weaknesses],
            "what_if": [g.to_dict() for g in self.what_if],
            "path_to_next_rating": self.path_to_next_rating and self.path_to_next_rating.to_dict(),
            "path_to_pass_mark": self.path_to_pass_mark and self.path_to_pass_mark.to_dict(),
            "all_fixed_total": None
            if self.all_fixed_total is None
            else float(round_half_up(self.all_fixed_total)),
            "coverage_gaps": [g.to_dict() for g in self.coverage_gaps],
            "unmatched_suggestions": [
                {"item": c, "text": t} for c, t in self.unmatched_suggestions
            ],
        }

    @property
    def ladder_milestones(self) -> dict[int, str]:
        """Return the ladder steps (1-based) where the next rating or the pass mark is reached.

        Values are Thai labels (``ถึงระดับถัดไป``, ``ถึงเกณฑ์ผ่าน``); a step reaching both is
        labelled as the next rating.
        """
        milestones: dict[int, str] = {}
        for path, label in (
            (self.path_to_next_rating, "ถึงระดับถัดไป"),
            (self.path_to_pass_mark, "ถึงเกณฑ์ผ่าน"),
        ):
            if path and path.reachable and path.items:
                milestones.setdefault(len(path.items), label)
        return milestones

    def weaknesses_at(self, level: str) -> tuple[Weakness, ...]:
        """Return the weaknesses of one level (``instrument``, ``indicator``, ...)."""
        return tuple(w for w in self.weaknesses if w.level == level)


# -- weaknesses --------------------------------------------------------------------------------


def _item_place(framework: Framework, code: str) -> str:
    item = framework.item(code)
    indicator = framework.indicator(item.indicator)
    place = f"{item.instrument} › ตัวชี้วัดที่ {indicator.number} {indicator.name_th}"
    if item.sub_indicator:
        sub = framework.sub_indicator(item.sub_indicator)
        place += f" › {sub.code} {sub.name_th}"
    return place


def _weaknesses(
    assessment: Assessment, framework: Framework, result: ScoreResult
) -> list[Weakness]:
    pass_mark = result.pass_mark
    suggestions = assessment.suggestions
    found: list[Weakness] = []
    for ins in result.instruments:
        if ins.score_2dp < pass_mark:
            found.append(
                Weakness(
                    "instrument", ins.code, ins.name_th, ins.score,
                    f"คะแนน {ins.code} ต่ำกว่าเกณฑ์ผ่าน {pass_mark}",
                    ins.code,
                    suggestions=tuple(t for t in [suggestions.by_instrument.get(ins.code)] if t),
                )
            )  # fmt: skip
    mean = sum((i.score for i in result.indicators), Decimal(0)) / len(result.indicators)
    for ind in result.indicators:
        if ind.score < pass_mark:
            reason = f"ต่ำกว่าเกณฑ์ผ่าน {pass_mark}"
        elif mean - ind.score >= WELL_BELOW_AVERAGE:
            reason = (
                f"ต่ำกว่าค่าเฉลี่ยของหน่วยงาน ({round_half_up(mean)}) ตั้งแต่ {WELL_BELOW_AVERAGE} คะแนนขึ้นไป"
            )
        else:
            continue
        found.append(
            Weakness(
                "indicator", f"ind{ind.number}", ind.name_th, ind.score, reason,
                f"{ind.instrument} › ตัวชี้วัดที่ {ind.number}",
            )
        )  # fmt: skip
    failed = assessment.failed_items or ()
    for sub in result.sub_indicators or ():
        if sub.failed_items:
            found.append(
                Weakness(
                    "sub_indicator", sub.code, sub.name_th, sub.score,
                    f"ไม่ผ่าน {len(sub.failed_items)} จาก {len(sub.items)} ข้อ: {', '.join(sub.failed_items)}",
                    f"OIT › ตัวชี้วัดที่ {sub.indicator}",
                )
            )  # fmt: skip
    gains = {g.item: g.gain_total for g in item_gains(framework, failed)}
    commented = [s.item for s in suggestions.by_item if s.known]
    for code in dict.fromkeys([*failed, *commented]):
        item = framework.item(code)
        reason = "ไม่ผ่านการตรวจ OIT" if code in failed else "สำนักงาน ป.ป.ช. มีข้อเสนอแนะ"
        found.append(
            Weakness(
                "item", code, item.name_th or item.name_en or code, None, reason,
                _item_place(framework, code),
                suggestions=suggestions.for_item(code),
                gain_total=gains.get(code),
            )
        )  # fmt: skip
    return found


def _with_measures(
    weaknesses: list[Weakness], assessment: Assessment, framework: Framework
) -> tuple[Weakness, ...]:
    direct = [w.code for w in weaknesses if w.level in {"instrument", "item"}]
    links = link_measures(
        tuple(direct), assessment.measures, load_measure_terms(assessment.fiscal_year)
    )
    item_links = {w.code: links[w.code] for w in weaknesses if w.level == "item"}
    linked = []
    for w in weaknesses:
        if w.level in {"instrument", "item"}:
            measures = links[w.code]
        else:  # an indicator or sub-indicator is addressed through its weak items
            members = [
                code for code in item_links
                if (w.level == "sub_indicator" and framework.item(code).sub_indicator == w.code)
                or (w.level == "indicator" and f"ind{framework.item(code).indicator}" == w.code)
            ]  # fmt: skip
            measures = tuple(
                {link.measure: link for code in members for link in item_links[code]}.values()
            )
            measures = tuple(sorted(measures, key=lambda link: link.measure))
        linked.append(
            Weakness(
                w.level, w.code, w.name, w.score, w.reason_th, w.place_th,
                w.suggestions, measures, w.gain_total,
            )
        )  # fmt: skip
    return tuple(linked)


def _gaps(weaknesses: tuple[Weakness, ...], assessment: Assessment) -> tuple[CoverageGap, ...]:
    gaps = [
        CoverageGap("weakness_without_measure", w.code, f"ยังไม่มีมาตรการรองรับ {w.code} {w.name}")
        for w in weaknesses
        if w.level == "item" and not w.measures
    ]
    if assessment.measures:
        for measure in assessment.measures:
            missing = [
                label
                for label, present in (
                    ("ผู้รับผิดชอบ", measure.owner),
                    ("ระยะเวลาดำเนินการ", measure.period or measure.period_text),
                    ("การติดตามประเมินผล", measure.monitoring),
                )
                if not present
            ]
            kinds = {
                "ผู้รับผิดชอบ": "owner",
                "ระยะเวลาดำเนินการ": "period",
                "การติดตามประเมินผล": "monitoring",
            }
            gaps.extend(
                CoverageGap(
                    f"measure_missing_{kinds[label]}",
                    f"measure {measure.number}",
                    f"มาตรการที่ {measure.number} ไม่ได้ระบุ{label}",
                )
                for label in missing
            )
    elif weaknesses:
        gaps.append(CoverageGap("no_measures", "measures", "ไฟล์ข้อมูลไม่มีมาตรการของหน่วยงาน"))
    return tuple(gaps)


def analyse(assessment: Assessment, framework: Framework | None = None) -> Analysis:
    """Analyse an assessment's weaknesses against NACC's suggestions and the agency's measures.

    Parameters
    ----------
    assessment
        A validated assessment.
    framework
        The framework to use; by default the one of the assessment's fiscal year.

    Returns
    -------
    Analysis
        Weaknesses (instrument, indicator, sub-indicator and item level, in that order), the
        what-if gains of failed OIT items, the paths to the next rating and to the pass mark,
        coverage gaps, and suggestions whose item code is unknown.

    Examples
    --------
    >>> from ita_lib import load_assessment
    >>> a = analyse(load_assessment("bundled:bueng-krachap-2565"))
    >>> [(g.item, str(round(g.gain_total, 2))) for g in a.what_if][:2]
    [('o28', '1.00'), ('o20', '0.57')]
    >>> a.path_to_next_rating.target, len(a.path_to_next_rating.items)
    ('AA', 4)
    """
    framework = framework or load_framework(assessment.fiscal_year)
    result = score_assessment(assessment, framework)
    weaknesses = _with_measures(_weaknesses(assessment, framework, result), assessment, framework)
    gains = item_gains(framework, assessment.failed_items or ())
    steps = ladder(framework, result, gains)
    labels = [band.label for band in framework.rating_bands]
    current = labels.index(result.rating)
    next_path = pass_path = all_fixed = None
    if assessment.failed_items is not None and framework.oit_rollup_known:
        oit_weight = framework.instrument("OIT").weight
        all_fixed = result.total + capped_gain(
            result, oit_weight, sum((g.gain_total for g in gains), Decimal(0))
        )
        if current > 0:
            band = framework.rating_bands[current - 1]
            next_path = rating_path(framework, result, steps, band.label, band.min_total)
        pass_band = min(
            (b for b in framework.rating_bands if b.min_total >= framework.pass_mark),
            key=lambda b: (b.min_total, b.min_each_instrument or Decimal(0)),
        )
        pass_path = rating_path(framework, result, steps, pass_band.label, framework.pass_mark)
    return Analysis(
        result=result,
        weaknesses=weaknesses,
        what_if=gains,
        ladder=steps,
        path_to_next_rating=next_path,
        path_to_pass_mark=pass_path,
        coverage_gaps=_gaps(weaknesses, assessment),
        unmatched_suggestions=tuple(
            (s.item, s.text) for s in assessment.suggestions.by_item if not s.known
        ),
        all_fixed_total=all_fixed,
    )
