"""Score an assessment by its fiscal year's rules: instruments, total, rating and checks.

All functions are pure. Arithmetic is exact (``Decimal``); figures are rounded half up to two
decimals only for display, as NACC publishes them. The rating is given on the published
(rounded) total, so 94.995 is shown as 95.00 and rated AA.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ita_lib.model.assessment import Assessment
from ita_lib.model.framework import Framework
from ita_lib.model.framework_files import load_framework
from ita_lib.text.decimals import round_half_up

__all__ = [
    "Check",
    "IndicatorScore",
    "InstrumentScore",
    "ScoreResult",
    "SubIndicatorScore",
    "oit_rollup",
    "score_assessment",
    "score_json",
]

_HUNDRED = Decimal(100)
TOLERANCE = Decimal("0.01")


@dataclass(frozen=True)
class Check:
    """A finding about the input's consistency (not an error: scoring goes on).

    ``code`` is stable for machines (``indicator_recomputed_mismatch``,
    ``claimed_total_mismatch``, ``claimed_rating_mismatch``); ``message`` is English and
    ``message_th`` Thai.
    """

    code: str
    severity: str
    field: str
    expected: str
    found: str
    message: str
    message_th: str

    def to_dict(self) -> dict[str, str]:
        """Return the check as a JSON-ready dict."""
        return {
            "code": self.code,
            "severity": self.severity,
            "field": self.field,
            "expected": self.expected,
            "found": self.found,
            "message": self.message,
        }


@dataclass(frozen=True)
class IndicatorScore:
    """One indicator's published score."""

    number: int
    name_th: str
    instrument: str
    score: Decimal


@dataclass(frozen=True)
class InstrumentScore:
    """An instrument's score (mean of its indicators) and its weighted contribution."""

    code: str
    name_th: str
    weight: Decimal
    score: Decimal
    indicators: tuple[int, ...]

    @property
    def weighted(self) -> Decimal:
        """Return the exact weighted contribution to the total."""
        return self.score * self.weight

    @property
    def score_2dp(self) -> Decimal:
        """Return the score rounded half up to two decimals, as published."""
        return round_half_up(self.score)

    @property
    def weighted_2dp(self) -> Decimal:
        """Return the weighted contribution rounded half up to two decimals."""
        return round_half_up(self.weighted)


@dataclass(frozen=True)
class SubIndicatorScore:
    """An OIT sub-indicator recomputed from item results (each item 100 or 0)."""

    code: str
    name_th: str
    indicator: int
    items: tuple[str, ...]
    failed_items: tuple[str, ...]

    @property
    def score(self) -> Decimal:
        """Return the exact sub-indicator score: the share of passed items times 100."""
        passed = len(self.items) - len(self.failed_items)
        return _HUNDRED * passed / len(self.items)


@dataclass(frozen=True)
class ScoreResult:
    """The scored assessment: what a briefing and ``ita score`` report."""

    fiscal_year: int
    agency_name: str
    indicators: tuple[IndicatorScore, ...]
    instruments: tuple[InstrumentScore, ...]
    total: Decimal
    rating: str
    rating_description_th: str | None
    pass_mark: Decimal
    sub_indicators: tuple[SubIndicatorScore, ...] | None = None
    recomputed: Mapping[int, Decimal] | None = None
    checks: tuple[Check, ...] = field(default=())

    @property
    def total_2dp(self) -> Decimal:
        """Return the total rounded half up to two decimals, as published."""
        return round_half_up(self.total)

    @property
    def passed(self) -> bool:
        """Return True when the published total reaches the pass mark."""
        return self.total_2dp >= self.pass_mark

    def instrument(self, code: str) -> InstrumentScore:
        """Return the score of instrument ``code`` (``IIT``, ``EIT``, ``OIT``)."""
        for instrument in self.instruments:
            if instrument.code == code:
                return instrument
        raise KeyError(code)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form printed by ``ita score --json``.

        Scores are numbers rounded to two decimals.
        """
        return score_json(self)


def score_json(result: Any) -> dict[str, Any]:
    """Return the JSON form of scores: a :class:`ScoreResult`, or any object with its fields.

    ``ita score --json`` prints it, for one assessment or for every row of a table.
    """
    return {
        "fiscal_year": result.fiscal_year,
        "agency_name": result.agency_name,
        "instruments": {i.code: float(i.score_2dp) for i in result.instruments},
        "total": float(result.total_2dp),
        "rating": result.rating,
        "passed": result.passed,
        "checks": [c.to_dict() for c in result.checks],
    }


def oit_rollup(
    framework: Framework, failed_items: Iterable[str]
) -> tuple[tuple[SubIndicatorScore, ...], dict[int, Decimal]]:
    """Recompute OIT sub-indicator and indicator scores from failed items.

    Each item scores 100 if passed and 0 if failed; a sub-indicator is the mean of its items;
    an OIT indicator (9, 10) is the unweighted mean of its sub-indicators.

    Parameters
    ----------
    framework
        The fiscal year's framework.
    failed_items
        Codes of the OIT items that scored 0 (normalised, e.g. ``"o3"``).

    Returns
    -------
    tuple
        The sub-indicator scores in framework order, and a mapping from indicator number to
        its exact recomputed score.
    """
    failed = set(failed_items)
    subs = tuple(
        SubIndicatorScore(
            code=sub.code,
            name_th=sub.name_th,
            indicator=sub.indicator,
            items=tuple(sub.items),
            failed_items=tuple(code for code in sub.items if code in failed),
        )
        for sub in framework.sub_indicators
    )
    by_indicator: dict[int, list[Decimal]] = {}
    for sub in subs:
        by_indicator.setdefault(sub.indicator, []).append(sub.score)
    return subs, {n: sum(scores, Decimal(0)) / len(scores) for n, scores in by_indicator.items()}


def score_assessment(assessment: Assessment, framework: Framework | None = None) -> ScoreResult:
    """Score an assessment by the rules of its fiscal year.

    Parameters
    ----------
    assessment
        A validated assessment (see :func:`ita_lib.load_assessment`).
    framework
        The framework to score with; by default the one of ``assessment.fiscal_year``.

    Returns
    -------
    ScoreResult
        Instrument scores, the total, the rating and consistency checks: recomputed OIT
        indicators and the claimed total or rating that differ from the published figures.

    Examples
    --------
    >>> from ita_lib import load_assessment
    >>> result = score_assessment(load_assessment("bundled:bueng-krachap-2565"))
    >>> str(result.total_2dp), result.rating
    ('92.56', 'A')
    """
    framework = framework or load_framework(assessment.fiscal_year)
    indicators = _indicator_scores(assessment, framework)
    instruments = _instrument_scores(assessment, framework)
    total = sum((i.weighted for i in instruments), Decimal(0))
    band = framework.rate(round_half_up(total), {i.code: i.score_2dp for i in instruments})

    checks: list[Check] = []
    subs = recomputed = None
    if assessment.failed_items is not None and framework.oit_rollup_known:
        subs, recomputed = oit_rollup(framework, assessment.failed_items)
        checks.extend(_indicator_checks(assessment, recomputed))
    checks.extend(_claim_checks(assessment, round_half_up(total), band.label))
    return ScoreResult(
        fiscal_year=assessment.fiscal_year,
        agency_name=assessment.agency.name,
        indicators=indicators,
        instruments=instruments,
        total=total,
        rating=band.label,
        rating_description_th=band.description_th,
        pass_mark=framework.pass_mark,
        sub_indicators=subs,
        recomputed=recomputed,
        checks=tuple(checks),
    )


def _indicator_scores(assessment: Assessment, framework: Framework) -> tuple[IndicatorScore, ...]:
    """Return the published score of every indicator, in framework order."""
    return tuple(
        IndicatorScore(
            number=ind.number,
            name_th=ind.name_th,
            instrument=ind.instrument,
            score=assessment.scores[ind.number],
        )
        for ind in framework.indicators
    )


def _instrument_scores(assessment: Assessment, framework: Framework) -> tuple[InstrumentScore, ...]:
    """Return every instrument's exact score: the unweighted mean of its indicators."""
    return tuple(
        InstrumentScore(
            code=ins.code,
            name_th=ins.name_th,
            weight=ins.weight,
            score=sum((assessment.scores[n] for n in ins.indicators), Decimal(0))
            / len(ins.indicators),
            indicators=tuple(ins.indicators),
        )
        for ins in framework.instruments
    )


def _indicator_checks(assessment: Assessment, recomputed: Mapping[int, Decimal]) -> list[Check]:
    checks = []
    for number, exact in sorted(recomputed.items()):
        given = assessment.scores[number]
        if abs(round_half_up(exact) - given) >= TOLERANCE:
            shown = round_half_up(exact)
            checks.append(
                Check(
                    code="indicator_recomputed_mismatch",
                    severity="warning",
                    field=f"scores.ind{number}",
                    expected=str(shown),
                    found=str(given),
                    message=(
                        f"indicator {number} is {given} but the OIT item results give {shown}"
                    ),
                    message_th=(
                        f"คะแนนตัวชี้วัดที่ {number} ระบุไว้ {given} แต่คำนวณจากผลรายข้อ OIT ได้ {shown}"
                    ),
                )
            )
    return checks


def _claim_checks(assessment: Assessment, total_2dp: Decimal, rating: str) -> list[Check]:
    checks = []
    claimed = assessment.claimed_total
    if claimed is not None and abs(claimed - total_2dp) >= TOLERANCE:
        checks.append(
            Check(
                code="claimed_total_mismatch",
                severity="warning",
                field="claimed_total",
                expected=str(total_2dp),
                found=str(claimed),
                message=f"claimed total {claimed} differs from the recomputed total {total_2dp}",
                message_th=f"คะแนนรวมที่ระบุไว้ {claimed} ไม่ตรงกับที่คำนวณได้ {total_2dp}",
            )
        )
    if assessment.claimed_rating is not None and assessment.claimed_rating.strip() != rating:
        checks.append(
            Check(
                code="claimed_rating_mismatch",
                severity="warning",
                field="claimed_rating",
                expected=rating,
                found=assessment.claimed_rating,
                message=(
                    f"claimed rating {assessment.claimed_rating} differs from the rating "
                    f"{rating} of the recomputed total"
                ),
                message_th=(
                    f"ระดับผลการประเมินที่ระบุไว้ ({assessment.claimed_rating}) "
                    f"ไม่ตรงกับระดับที่คำนวณได้ ({rating})"
                ),
            )
        )
    return checks
