"""What changed since the agency's previous assessment: items failed again, indicators that fell.

Item codes are year-specific, so items are compared through the item families of
:mod:`ita_lib.analysis.crosswalk` (E-Service is 2565 o17 and 2568 o10). A comparison through a
family or year that is not verified keeps that status, so the briefing can say how sure it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from ita_lib.analysis.crosswalk import comparable_items
from ita_lib.analysis.peers import same_agency
from ita_lib.analysis.scoring import score_assessment
from ita_lib.model.assessment import Assessment

__all__ = ["FailedAgain", "FellIndicator", "YearChange", "compare_years", "previous_of"]


@dataclass(frozen=True)
class FailedAgain:
    """A failed OIT item that failed in the previous assessment too (as its comparable item)."""

    item: str
    previous_item: str
    status: str


@dataclass(frozen=True)
class FellIndicator:
    """An indicator whose score fell since the previous assessment."""

    number: int
    name_th: str
    previous: Decimal
    current: Decimal

    @property
    def change(self) -> Decimal:
        """Return the change in points (negative: it fell)."""
        return self.current - self.previous


@dataclass(frozen=True)
class YearChange:
    """The comparison of an assessment with the same agency's previous one."""

    fiscal_year: int
    previous_year: int
    total_change: Decimal
    failed_again: tuple[FailedAgain, ...]
    fell: tuple[FellIndicator, ...]
    items_compared: bool

    def to_dict(self) -> dict[str, object]:
        """Return the comparison as a JSON-ready dict."""
        return {
            "previous_year": self.previous_year,
            "total_change": float(self.total_change),
            "failed_again": [
                {"item": f.item, "previous_item": f.previous_item, "status": f.status}
                for f in self.failed_again
            ],
            "fell": [
                {"indicator": f.number, "previous": float(f.previous), "current": float(f.current)}
                for f in self.fell
            ],
        }


def compare_years(current: Assessment, previous: Assessment) -> YearChange:
    """Compare an assessment with the same agency's earlier one.

    Parameters
    ----------
    current, previous
        Two assessments of one agency; ``previous`` of an earlier fiscal year.

    Returns
    -------
    YearChange
        Items that failed in both years (when both have item results), indicators whose
        published score fell, and the change of the total.

    Raises
    ------
    ValueError
        If ``previous`` is not of an earlier fiscal year.
    """
    if previous.fiscal_year >= current.fiscal_year:
        msg = f"the previous assessment is of FY{previous.fiscal_year}, not before FY{current.fiscal_year}"
        raise ValueError(msg)
    now, before = score_assessment(current), score_assessment(previous)
    failed_before = set(previous.failed_items or ())
    again = []
    for item in current.failed_items or ():
        for match in comparable_items(current.fiscal_year, item, previous.fiscal_year):
            if match.item in failed_before:
                again.append(FailedAgain(item, match.item, match.status))
    scores_before = {i.number: i.score for i in before.indicators}
    fell = tuple(
        FellIndicator(i.number, i.name_th, scores_before[i.number], i.score)
        for i in now.indicators
        if i.number in scores_before and i.score < scores_before[i.number]
    )
    return YearChange(
        fiscal_year=current.fiscal_year,
        previous_year=previous.fiscal_year,
        total_change=now.total_2dp - before.total_2dp,
        failed_again=tuple(again),
        fell=fell,
        items_compared=current.failed_items is not None and previous.failed_items is not None,
    )


def previous_of(assessment: Assessment, others: Iterable[Assessment]) -> Assessment | None:
    """Return the same agency's latest assessment before ``assessment``'s year, if any."""
    earlier = [
        other
        for other in others
        if other.fiscal_year < assessment.fiscal_year
        and same_agency(other.agency, assessment.agency)
    ]
    return max(earlier, key=lambda other: other.fiscal_year, default=None)
