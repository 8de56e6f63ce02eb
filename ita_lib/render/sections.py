"""The sections of a briefing as data: worked out once, rendered by the browser and the email.

Each function here takes a :class:`~ita_lib.render.briefing.Briefing` and returns one frozen
section object. The browser fragments (``templates/fragments``) render a section's fields as
they are; the email edition (:mod:`ita_lib.render.email_edition`) shortens and formats the same
objects, and takes the plain-text form of a section from its ``lines``. Nothing here writes
HTML: texts are plain and are escaped by the templates.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from decimal import Decimal
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar

from ita_lib.analysis.scoring import ScoreResult
from ita_lib.analysis.weaknesses import (
    WELL_BELOW_AVERAGE,
    CoverageGap,
    LadderStep,
    RatingPath,
    Weakness,
    item_gains,
)
from ita_lib.model.assessment import INSTRUMENT_CODES

if TYPE_CHECKING:
    from ita_lib.render.briefing import Briefing

__all__ = [
    "CHART_CAPTIONS",
    "LEVELS_TH",
    "ChartTexts",
    "Headline",
    "LadderRow",
    "Measures",
    "OitGrid",
    "ScoreTable",
    "Suggestions",
    "Weaknesses",
    "WhatIf",
    "chart_texts",
    "headline_section",
    "measure_gaps",
    "measures_section",
    "oit_section",
    "one_line",
    "score_table_section",
    "section_fields",
    "suggestions_section",
    "weaknesses_section",
    "what_if_section",
]

LEVELS_TH = MappingProxyType(
    {
        "instrument": "เครื่องมือ",
        "indicator": "ตัวชี้วัด",
        "sub_indicator": "ตัวชี้วัดย่อย",
        "item": "รายข้อ",
    }
)
"""Thai names of the levels a weakness is found at."""

CHART_CAPTIONS = MappingProxyType(
    {
        "indicators": "แถบสีเขียว: ตั้งแต่เกณฑ์ผ่านขึ้นไป · แถบสีแดง: ต่ำกว่าเกณฑ์ผ่าน · เส้นประ: เกณฑ์ผ่าน",
        "contribution": "แถบสีเข้ม: คะแนนถ่วงน้ำหนักที่ได้ · แถบสีอ่อน: คะแนนเต็มตามน้ำหนักของเครื่องมือ",
    }
)
"""The captions of the two charts, by chart name."""


def one_line(text: str) -> str:
    """Return ``text`` on one line, its runs of white space as single spaces."""
    return " ".join(text.split())


def section_fields(section: object) -> dict[str, Any]:
    """Return a section's fields by name (not copied), the variables of its fragment template."""
    return {field.name: getattr(section, field.name) for field in fields(section)}  # type: ignore[arg-type]


# -- headline, scores and charts ---------------------------------------------------------------


@dataclass(frozen=True)
class Headline:
    """The headline: agency, total, rating, pass or fail, and the indicators below the pass mark."""

    template: ClassVar[str] = "headline.html.j2"
    result: ScoreResult
    agency: Any
    agency_facts: tuple[str, ...]
    below: tuple[Any, ...]
    margin: Decimal
    rules_caveat: str


def headline_section(briefing: Briefing) -> Headline:
    """Return the headline section of ``briefing``."""
    result = briefing.result
    return Headline(
        result=result,
        agency=briefing.assessment.agency,
        agency_facts=tuple(briefing.agency_facts),
        below=tuple(i for i in result.indicators if i.score < result.pass_mark),
        margin=result.total_2dp - result.pass_mark,
        rules_caveat=briefing.rules_caveat,
    )


@dataclass(frozen=True)
class ScoreTable:
    """Indicators grouped by instrument, with weights, contributions and the rounding note."""

    template: ClassVar[str] = "score_table.html.j2"
    result: ScoreResult
    indicators_by_instrument: Mapping[str, tuple[Any, ...]]
    total_weight: Decimal
    rounding_gap: bool

    def is_below(self, indicator: Any) -> bool:
        """Return True when ``indicator`` scores under the pass mark."""
        return bool(indicator.score < self.result.pass_mark)


def score_table_section(briefing: Briefing) -> ScoreTable:
    """Return the score table of ``briefing``."""
    result = briefing.result
    rounded_sum = sum((i.weighted_2dp for i in result.instruments), Decimal(0))
    return ScoreTable(
        result=result,
        indicators_by_instrument=MappingProxyType(
            {
                ins.code: tuple(i for i in result.indicators if i.instrument == ins.code)
                for ins in result.instruments
            }
        ),
        total_weight=sum((i.weight for i in result.instruments), Decimal(0)),
        rounding_gap=rounded_sum != result.total_2dp,
    )


@dataclass(frozen=True)
class ChartTexts:
    """The alternative texts and captions of the two charts.

    The browser names the indicators below the pass mark by their number in Arabic digits
    (``indicator_alt``), the email in the briefing's digits (``indicator_alt_email``); the two
    are the same unless the briefing uses Thai digits.
    """

    indicator_alt: str
    indicator_alt_email: str
    contribution_alt: str
    indicator_caption: str = CHART_CAPTIONS["indicators"]
    contribution_caption: str = CHART_CAPTIONS["contribution"]


def _indicator_alt(briefing: Briefing, number: Any) -> str:
    f, result = briefing.fmt, briefing.result
    below = [i for i in result.indicators if i.score < result.pass_mark]
    alt = "แผนภูมิแท่งคะแนน 10 ตัวชี้วัดเทียบกับเกณฑ์ผ่าน " + f.score(result.pass_mark, 0)
    if not below:
        return alt + " ทุกตัวชี้วัดผ่านเกณฑ์"
    return (
        alt
        + " ตัวชี้วัดที่ต่ำกว่าเกณฑ์: "
        + ", ".join(f"{number(i.number)} ({f.score(i.score)})" for i in below)
    )


def chart_texts(briefing: Briefing) -> ChartTexts:
    """Return the alternative texts and captions of the charts of ``briefing``."""
    f = briefing.fmt
    parts = ", ".join(
        f"{i.code} {f.score(i.weighted)} จาก {f.score(i.weight * 100, 0)}"
        for i in briefing.result.instruments
    )
    return ChartTexts(
        indicator_alt=_indicator_alt(briefing, str),
        indicator_alt_email=_indicator_alt(briefing, f.int),
        contribution_alt=f"แผนภูมิคะแนนถ่วงน้ำหนักของแต่ละเครื่องมือ: {parts}",
    )


# -- OIT items and the what-if ladder ----------------------------------------------------------


@dataclass(frozen=True)
class OitGrid:
    """The status of the OIT items by sub-indicator (``subs`` is None without item results)."""

    template: ClassVar[str] = "oit_items.html.j2"
    subs: tuple[Any, ...] | None
    rollup_known: bool
    fiscal_year: int
    recomputed: Mapping[int, Decimal]
    n_items: int
    n_passed: int
    item_names: Mapping[str, str]


def oit_section(briefing: Briefing) -> OitGrid:
    """Return the OIT item grid of ``briefing``, with the counts of items and passed items."""
    subs, framework = briefing.result.sub_indicators, briefing.framework
    n_items = sum(len(s.items) for s in subs) if subs else 0
    n_failed = sum(len(s.failed_items) for s in subs) if subs else 0
    return OitGrid(
        subs=tuple(subs) if subs is not None else None,
        rollup_known=framework.oit_rollup_known,
        fiscal_year=framework.fiscal_year,
        recomputed=briefing.result.recomputed,
        n_items=n_items,
        n_passed=n_items - n_failed,
        item_names=MappingProxyType(
            {item.code: item.name_th or "" for item in framework.oit_items()}
        ),
    )


@dataclass(frozen=True)
class LadderRow:
    """One step of the what-if ladder: the item fixed, the total and rating after it."""

    index: int
    gain: Any
    total: Decimal
    rating: str
    milestone: str | None


@dataclass(frozen=True)
class WhatIf:
    """The ladder of totals as failed OIT items are fixed, largest gain first."""

    template: ClassVar[str] = "what_if.html.j2"
    result: ScoreResult
    gains: tuple[Any, ...]
    rows: tuple[LadderRow, ...]
    has_items: bool
    all_fixed: Decimal | None
    heavy: tuple[str, Decimal]
    light: tuple[str, Decimal]
    milestones: Mapping[int, str]
    blocked: RatingPath | None = None


def _ladder_row(k: int, step: LadderStep, milestones: Mapping[int, str]) -> LadderRow:
    return LadderRow(
        index=k,
        gain=step.gain,
        total=step.total_after,
        rating=step.rating_after,
        milestone=milestones.get(k),
    )


def what_if_section(briefing: Briefing) -> WhatIf:
    """Return the what-if ladder of ``briefing`` and the worth of one item per sub-indicator.

    ``heavy`` and ``light`` are the sub-indicators whose single item is worth most and least
    (the fewer items a sub-indicator has, the more each is worth).
    """
    analysis, framework = briefing.analysis, briefing.framework
    milestones = analysis.ladder_milestones
    first_items = tuple(sub.items[0] for sub in framework.sub_indicators if sub.items)
    unit = [(g.sub_indicator, g.gain_total) for g in item_gains(framework, first_items)]
    order = sorted(unit, key=lambda pair: -pair[1])  # stable: framework order among ties
    path = analysis.path_to_next_rating
    return WhatIf(
        result=briefing.result,
        gains=tuple(analysis.what_if),
        rows=tuple(
            _ladder_row(k, step, milestones) for k, step in enumerate(analysis.ladder, start=1)
        ),
        has_items=briefing.assessment.failed_items is not None,
        all_fixed=analysis.all_fixed_total,
        heavy=order[0] if order else ("", Decimal(0)),
        light=order[-1] if order else ("", Decimal(0)),
        milestones=MappingProxyType(dict(milestones)),
        blocked=path if path and path.blocked_by else None,
    )


# -- weaknesses, suggestions and measures ------------------------------------------------------


@dataclass(frozen=True)
class Weaknesses:
    """Weaknesses with NACC's suggestions and the measures addressing them; what is missing."""

    template: ClassVar[str] = "weaknesses.html.j2"
    weaknesses: tuple[Weakness, ...]
    unmatched: tuple[tuple[str, str], ...]
    coverage_gaps: tuple[CoverageGap, ...]
    pass_mark: Decimal
    well_below: Decimal
    levels: Mapping[str, str]


def weaknesses_section(briefing: Briefing) -> Weaknesses:
    """Return the weakness -> suggestion -> measures section of ``briefing``."""
    analysis = briefing.analysis
    return Weaknesses(
        weaknesses=tuple(analysis.weaknesses),
        unmatched=tuple(analysis.unmatched_suggestions),
        coverage_gaps=tuple(analysis.coverage_gaps),
        pass_mark=briefing.result.pass_mark,
        well_below=WELL_BELOW_AVERAGE,
        levels=LEVELS_TH,
    )


@dataclass(frozen=True)
class Suggestions:
    """NACC's suggestions, verbatim: the summary, then by instrument in the usual order."""

    template: ClassVar[str] = "suggestions.html.j2"
    suggestions: Any
    by_instrument: tuple[tuple[str, str], ...]
    n_items: int
    has_any: bool

    @property
    def paragraphs(self) -> tuple[tuple[str, str], ...]:
        """Return (instrument code, text) pairs, the summary first with an empty code."""
        summary = self.suggestions.summary
        return ((("", summary),) if summary else ()) + self.by_instrument


def suggestions_section(briefing: Briefing) -> Suggestions:
    """Return NACC's summary and per-instrument suggestions of ``briefing``."""
    suggestions = briefing.assessment.suggestions
    by_instrument = tuple(
        (code, suggestions.by_instrument[code])
        for code in INSTRUMENT_CODES
        if suggestions.by_instrument.get(code)
    )
    return Suggestions(
        suggestions=suggestions,
        by_instrument=by_instrument,
        n_items=len(suggestions.by_item),
        has_any=bool(suggestions.summary or by_instrument or suggestions.by_item),
    )


@dataclass(frozen=True)
class Measures:
    """The agency's measures and the parts (owner, period, monitoring) some of them miss."""

    template: ClassVar[str] = "measures.html.j2"
    measures: tuple[Any, ...]
    measures_fiscal_year: int | None
    gaps: tuple[CoverageGap, ...]

    @property
    def groups(self) -> tuple[tuple[Any, tuple[Any, ...]], ...]:
        """Return the measures grouped by owner and period, groups in order of first measure.

        Each group is (a measure standing for the group's owner, period and period text, the
        group's measures): a compact appendix names the owner and period once per group.
        """
        groups: dict[tuple[Any, ...], list[Any]] = {}
        for m in self.measures:
            groups.setdefault(
                (m.owner, m.period, m.period_text if not m.period else None), []
            ).append(m)
        return tuple((same[0], tuple(same)) for same in groups.values())


def measure_gaps(briefing: Briefing) -> tuple[CoverageGap, ...]:
    gaps = briefing.analysis.coverage_gaps
    return tuple(g for g in gaps if g.kind.startswith("measure_missing"))


def measures_section(briefing: Briefing) -> Measures:
    """Return the measures section of ``briefing``."""
    return Measures(
        measures=tuple(briefing.assessment.measures),
        measures_fiscal_year=briefing.assessment.measures_fiscal_year,
        gaps=measure_gaps(briefing),
    )
