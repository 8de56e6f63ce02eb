"""The synthetic national results table: seeded, realistic, marked, loadable (no kernels)."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
import pytest

from ita_lib.analysis.scoring import score_assessment
from ita_lib.model.results_table import load_results_table
from ita_lib.model.synthetic import (
    AGENCY_TYPES,
    NATIONAL_FIGURES,
    PROVINCES,
    synthetic_results_table,
    write_synthetic_table,
)
from ita_lib.model.synthetic_marks import SYNTHETIC_CODE_PREFIX, SYNTHETIC_MARK, is_synthetic

LOCAL = {t for t, _, group in AGENCY_TYPES if group == "local"}


def _totals(table: pd.DataFrame) -> pd.Series:
    ind = {n: table[f"ind{n}"].astype(float) for n in range(1, 11)}
    iit = sum(ind[n] for n in range(1, 6)) / 5
    eit = sum(ind[n] for n in range(6, 9)) / 3
    return 0.3 * iit + 0.3 * eit + 0.4 * (ind[9] + ind[10]) / 2


@pytest.fixture(scope="module")
def national() -> pd.DataFrame:
    return synthetic_results_table()


def test_national_table_has_the_published_size_and_mix(national):
    assert len(national) == 8300
    counts = Counter(national["agency_type"])
    assert counts == {t: n for t, n, _ in AGENCY_TYPES}
    assert sum(counts[t] for t in LOCAL) == 7850  # about 7,850 local governments
    assert set(national["province"]) == set(PROVINCES)
    assert len(PROVINCES) == 77
    assert national["itas_code"].is_unique


def test_scores_are_near_the_published_national_figures(national):
    totals = _totals(national)
    assert totals.mean() == pytest.approx(81.25, abs=0.5)  # FY2564 national average
    local = national["agency_type"].isin(LOCAL)
    # ITA 2564 group 6 (provincial offices and local governments): indicators 9 and 10
    assert national.loc[local, "ind9"].astype(float).mean() == pytest.approx(82.30, abs=1.5)
    assert national.loc[local, "ind10"].astype(float).mean() == pytest.approx(67.28, abs=1.5)
    assert 0.3 < (totals >= 85).mean() < 0.7
    # OIT indicators are means of sub-indicator means of pass/fail items, as NACC rolls them up
    assert set(national["ind10"].astype(float).round(2)) <= {
        round((a / 8 + b / 2) * 50, 2) for a in range(9) for b in range(3)
    }


@pytest.mark.parametrize("year", [2567, 2568])
def test_later_years_follow_their_national_average(year):
    table = synthetic_results_table(3000, fiscal_year=year, seed=1)
    assert _totals(table).mean() == pytest.approx(NATIONAL_FIGURES[year][1], abs=0.6)
    assert set(table["fiscal_year"]) == {str(year)}


def test_every_row_is_marked_synthetic(national):
    assert national["agency_name"].str.endswith(SYNTHETIC_MARK).all()
    assert national["itas_code"].str.startswith(SYNTHETIC_CODE_PREFIX).all()
    assert is_synthetic(national["agency_name"][0])
    assert is_synthetic("เทศบาลตำบลจริง", "SYN-00001")
    assert not is_synthetic("เทศบาลตำบลจริง", "5300101")


def test_same_seed_same_table_other_seed_other_table():
    first = synthetic_results_table(300, seed=7)
    assert first.equals(synthetic_results_table(300, seed=7))
    assert not first.equals(synthetic_results_table(300, seed=8))


def test_small_tables_keep_the_mix():
    table = synthetic_results_table(40, seed=3)
    assert len(table) == 40
    counts = Counter(table["agency_type"])
    assert counts["องค์การบริหารส่วนตำบล"] == 26  # 5300/8300 of 40, largest remainder
    assert sum(counts.values()) == 40


def test_written_table_loads_and_scores(tmp_path):
    path = write_synthetic_table(tmp_path / "national.csv", 120, seed=5)
    rows = load_results_table(path)
    assert len(rows) == 120
    totals = [float(score_assessment(a).total_2dp) for a in rows]
    assert np.mean(totals) == pytest.approx(_totals(pd.read_csv(path, dtype=str)).mean(), abs=0.01)
    assert all(a.agency.folder_name.startswith(SYNTHETIC_CODE_PREFIX) for a in rows)


@pytest.mark.parametrize("bad", [{"fiscal_year": 2550}, {"rows": 0}])
def test_bad_arguments(bad):
    with pytest.raises(ValueError, match=r"FY2550|at least 1"):
        synthetic_results_table(**bad)
