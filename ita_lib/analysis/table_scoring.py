"""Score a whole results table at once, exactly: integer hundredths and rational totals.

:func:`ita_lib.analysis.scoring.score_assessment` scores one assessment in ``Decimal``; a
national table of 8,300 rows takes seconds that way. Here the same figures are computed for
every row at once with integer arithmetic, so they are the same, digit for digit:

- a published score has two decimals, so it is an integer number of hundredths;
- an instrument's score is the sum of its indicators' hundredths over their count, and the
  total is ``sum(weight * instrument)``. With each weight a fraction ``p/q`` (``0.30`` is
  ``3/10``) the total is one integer numerator over a common denominator per fiscal year;
- rounding half up to hundredths of a non-negative ``n/d`` is ``(200n + d) // (2d)``: exact;
- the rating is the framework's band rule (``Framework.rate``) on the rounded figures.

The arrays never hold a float until the caller asks for one.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np

from ita_lib.analysis.scoring import ScoreResult, score_assessment, score_json
from ita_lib.model.assessment import Assessment
from ita_lib.model.framework import Framework
from ita_lib.model.framework_files import load_framework

__all__ = [
    "RowScore",
    "TableScores",
    "hundredths",
    "row_results",
    "score_assessments",
    "score_table",
]


@dataclass(frozen=True)
class TableScores:
    """Scores of many rows: integer hundredths per instrument and total, rating, pass.

    ``instruments`` maps an instrument code to its rounded scores (hundredths, ``int64``);
    ``total`` holds the rounded totals; ``total_numerator / total_denominator`` is each exact
    total; ``rating`` (text) and ``passed`` (bool) are per row.
    """

    instruments: dict[str, np.ndarray]
    total: np.ndarray
    total_numerator: np.ndarray
    total_denominator: np.ndarray
    rating: np.ndarray
    passed: np.ndarray

    def __len__(self) -> int:
        return len(self.total)

    def as_decimal(self, values: np.ndarray, row: int) -> Decimal:
        """Return one row's hundredths as the two-decimal ``Decimal`` the scorer prints."""
        return Decimal(int(values[row])).scaleb(-2)


def hundredths(value: Decimal) -> int:
    """Return a two-decimal score as an integer number of hundredths.

    Raises
    ------
    ValueError
        When the score has more than two decimals (no table row has).
    """
    scaled = value.scaleb(2)
    if scaled != scaled.to_integral_value():
        msg = f"a score with more than two decimals: {value}"
        raise ValueError(msg)
    return int(scaled)


def _half_up(numerator: np.ndarray, denominator: int | np.ndarray) -> np.ndarray:
    """Round non-negative ``numerator / denominator`` half up to an integer, exactly."""
    return (2 * numerator + denominator) // (2 * denominator)


def _year_scores(framework: Framework, scores: np.ndarray) -> tuple[dict, np.ndarray, int]:
    """Instrument hundredths, exact total numerators and their denominator for one year.

    ``scores`` holds each row's ten indicator scores in hundredths (``rows x 10``).
    """
    parts = []
    for ins in framework.instruments:
        weight = Fraction(ins.weight)
        # total += weight * sum / (count * 100): numerator p * sum over q * count * 100
        parts.append((ins, weight, weight.denominator * len(ins.indicators) * 100))
    denominator = math.lcm(*(d for _, _, d in parts))
    numerator = np.zeros(len(scores), dtype=np.int64)
    instruments = {}
    for ins, weight, part in parts:
        sums = scores[:, [n - 1 for n in ins.indicators]].sum(axis=1)
        instruments[ins.code] = _half_up(sums, len(ins.indicators))
        numerator += sums * (weight.numerator * (denominator // part))
    return instruments, numerator, denominator


def _first_from_top(framework: Framework, total: np.ndarray, lowest: np.ndarray) -> np.ndarray:
    """Keep, per row, the first band from the top whose rules the row meets."""
    chosen = np.full(len(total), None, dtype=object)
    open_rows = np.ones(len(total), dtype=bool)
    for band in framework.rating_bands:
        ok = open_rows & (total >= _min_hundredths(band.min_total))
        if band.min_each_instrument is not None:
            ok &= lowest >= _min_hundredths(band.min_each_instrument)
        chosen[ok] = band.label
        open_rows &= ~ok
    if open_rows.any():
        msg = f"no rating band for some totals in the FY{framework.fiscal_year} framework"
        raise ValueError(msg)
    return chosen


def _min_hundredths(value: Decimal) -> int:
    """The smallest whole number of hundredths at or above ``value``."""
    return math.ceil(Fraction(value) * 100)


def score_table(fiscal_years: Sequence[int], scores: np.ndarray) -> TableScores:
    """Score many rows exactly by the rules of each row's fiscal year.

    Parameters
    ----------
    fiscal_years
        Each row's fiscal year (Buddhist era).
    scores
        Each row's ten indicator scores in integer hundredths (``rows x 10``).

    Returns
    -------
    TableScores
        Equal, figure for figure, to :func:`~ita_lib.analysis.scoring.score_assessment` on
        each row (instrument scores and total rounded half up to two decimals, rating, pass).
    """
    years = np.asarray(fiscal_years, dtype=np.int64)
    scores = np.asarray(scores, dtype=np.int64).reshape(len(years), 10)
    total = np.zeros(len(years), dtype=np.int64)
    numerator = np.zeros(len(years), dtype=np.int64)
    denominator = np.ones(len(years), dtype=np.int64)
    rating = np.full(len(years), None, dtype=object)
    passed = np.zeros(len(years), dtype=bool)
    instruments: dict[str, np.ndarray] = {}
    for year in np.unique(years):
        framework = load_framework(int(year))
        rows = years == year
        by_code, num, den = _year_scores(framework, scores[rows])
        total[rows], numerator[rows], denominator[rows] = _half_up(num * 100, den), num, den
        for code, values in by_code.items():
            instruments.setdefault(code, np.zeros(len(years), dtype=np.int64))[rows] = values
        lowest = np.min(np.stack(list(by_code.values())), axis=0)
        rating[rows] = _first_from_top(framework, total[rows], lowest)
        passed[rows] = total[rows] >= _min_hundredths(framework.pass_mark)
    return TableScores(instruments, total, numerator, denominator, rating, passed)


def score_assessments(assessments: Iterable[Assessment]) -> TableScores:
    """Score assessments (table rows) at once; see :func:`score_table`."""
    rows = tuple(assessments)
    scores = np.array(
        [[hundredths(a.scores[n]) for n in range(1, 11)] for a in rows], dtype=np.int64
    ).reshape(len(rows), 10)
    return score_table([a.fiscal_year for a in rows], scores)


@dataclass(frozen=True)
class _Instrument:
    code: str
    score_2dp: Decimal


@dataclass(frozen=True)
class RowScore:
    """One row's published figures, shaped as :class:`~ita_lib.analysis.scoring.ScoreResult`
    for printing (``instruments[i].code/.score_2dp``, ``total_2dp``, ``rating``, ``passed``,
    ``checks``, :meth:`to_dict`)."""

    fiscal_year: int
    agency_name: str
    instruments: tuple[_Instrument, ...]
    total_2dp: Decimal
    rating: str
    passed: bool
    checks: tuple = ()

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form, as :meth:`ScoreResult.to_dict` gives it."""
        return score_json(self)


def row_results(assessments: Sequence[Assessment]) -> Iterator[RowScore | ScoreResult]:
    """Score table rows at once; yield each row's figures in order.

    A row whose claimed total or rating differs from the recomputed one, or which carries
    OIT item results, is scored by :func:`~ita_lib.analysis.scoring.score_assessment` to get
    its consistency checks; the others need no check and come from :func:`score_table`.
    """
    scores = score_assessments(assessments)
    for i, row in enumerate(assessments):
        total = scores.as_decimal(scores.total, i)
        if (
            row.failed_items is not None
            or (row.claimed_total is not None and row.claimed_total != total)
            or (row.claimed_rating is not None and row.claimed_rating.strip() != scores.rating[i])
        ):
            yield score_assessment(row)
            continue
        yield RowScore(
            fiscal_year=row.fiscal_year,
            agency_name=row.agency.name,
            instruments=tuple(
                _Instrument(code, scores.as_decimal(values, i))
                for code, values in scores.instruments.items()
            ),
            total_2dp=total,
            rating=str(scores.rating[i]),
            passed=bool(scores.passed[i]),
        )
