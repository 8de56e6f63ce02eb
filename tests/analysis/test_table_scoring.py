"""The vectorised table scorer equals the row-by-row Decimal scorer, figure for figure."""

from __future__ import annotations

from decimal import Decimal
from types import MappingProxyType

import numpy as np
import pytest

from ita_lib.analysis.scoring import score_assessment
from ita_lib.analysis.table_scoring import hundredths, score_assessments, score_table
from ita_lib.model.assessment import Agency, Assessment
from ita_lib.model.framework_files import available_fiscal_years

YEARS = available_fiscal_years()


def _national_rows(rows: int = 8300) -> tuple[np.ndarray, np.ndarray]:
    """Random scores over every year, with blocks of edge values."""
    rng = np.random.default_rng(15)
    years = rng.choice(np.array(YEARS), rows)
    scores = rng.integers(0, 10001, (rows, 10))
    scores[:2000] = rng.integers(8400, 9700, (2000, 10))  # near the rating bands
    scores[2000:2100], scores[2100:2200] = 10000, 0
    scores[2200:4000, 5:8] = rng.integers(0, 10001, (1800, 3)) | 5  # thirds ending in 5
    scores[4000:4500] = rng.integers(9490, 9510, (500, 10))  # around 95
    return years, scores


def _assessment(year: int, row: np.ndarray) -> Assessment:
    values = {n + 1: Decimal(int(v)).scaleb(-2) for n, v in enumerate(row)}
    return Assessment(agency=Agency(name="x"), fiscal_year=year, scores=MappingProxyType(values))


def test_equal_to_decimal_scorer_on_a_national_table() -> None:
    years, scores = _national_rows()
    result = score_table(years, scores)
    halves = (200 * result.total_numerator) % (2 * result.total_denominator)
    assert (halves == result.total_denominator).sum() > 50  # exact x.xx5 totals are covered
    assert set(np.unique(years)) == set(YEARS)
    for i, year in enumerate(years):
        expected = score_assessment(_assessment(int(year), scores[i]))
        assert result.as_decimal(result.total, i) == expected.total_2dp, i
        assert result.rating[i] == expected.rating, i
        assert bool(result.passed[i]) is expected.passed, i
        for instrument in expected.instruments:
            assert result.as_decimal(result.instruments[instrument.code], i) == (
                instrument.score_2dp
            )


def test_exact_total_is_the_rational_sum() -> None:
    # FY2565: 0.3 * IIT + 0.3 * EIT + 0.4 * OIT with EIT = (a + b + c) / 3
    scores = np.array([[9000] * 5 + [8501, 8502, 8502] + [9000, 9000]])
    result = score_table([2565], scores)
    exact = Decimal(int(result.total_numerator[0])) / Decimal(int(result.total_denominator[0]))
    assert exact == Decimal(27) + Decimal("0.1") * Decimal("255.05") + Decimal(36)
    assert result.as_decimal(result.total, 0) == Decimal("88.51")  # 88.505 rounds half up


def test_score_assessments_reads_decimal_rows() -> None:
    scores = np.array([9612, 9340, 9505, 9471, 9188, 8640, 8215, 8307, 9214, 8750])
    rows = [_assessment(2568, scores)]
    result = score_assessments(rows)
    assert result.as_decimal(result.total, 0) == score_assessment(rows[0]).total_2dp


def test_hundredths_refuses_three_decimals() -> None:
    assert hundredths(Decimal("92.5")) == 9250
    with pytest.raises(ValueError, match="more than two decimals"):
        hundredths(Decimal("92.555"))
