import pandas as pd
import pytest

from ita_lib.analysis.scoring import oit_rollup
from ita_lib.exceptions import InputError
from ita_lib.model.framework_files import load_framework
from ita_lib.model.item_results import agency_key, load_item_results
from ita_lib.model.synthetic import synthetic_tables
from ita_lib.text.decimals import round_half_up


@pytest.fixture(scope="module")
def tables():
    return synthetic_tables(60, fiscal_years=(2564, 2565), seed=3)


def _write(tmp_path, frame, name="items.csv"):
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return path


def test_synthetic_items_roll_up_to_indicators_9_and_10(tables):
    framework = load_framework(2565)
    results = tables.results[tables.results["fiscal_year"] == "2565"]
    items = tables.items[tables.items["fiscal_year"] == 2565]
    assert len(items) == 60 * len(framework.oit_items())
    for _, row in results.head(25).iterrows():
        mine = items[items["itas_code"] == row["itas_code"]]
        _, recomputed = oit_rollup(framework, mine.loc[~mine["passed"], "item"])
        assert str(round_half_up(recomputed[9])) == row["ind9"]
        assert str(round_half_up(recomputed[10])) == row["ind10"]


def test_synthetic_tables_are_deterministic(tables):
    again = synthetic_tables(60, fiscal_years=(2564, 2565), seed=3)
    assert again.results.equals(tables.results)
    assert again.items.equals(tables.items)
    assert not synthetic_tables(60, fiscal_years=(2564, 2565), seed=4).items.equals(tables.items)


def test_current_years_have_item_results_that_roll_up():
    framework = load_framework(2568)
    tables = synthetic_tables(20, fiscal_years=(2568,))
    assert len(tables.items) == 20 * len(framework.oit_items())
    for _, row in tables.results.head(10).iterrows():
        mine = tables.items[tables.items["itas_code"] == row["itas_code"]]
        _, recomputed = oit_rollup(framework, mine.loc[~mine["passed"], "item"])
        assert str(round_half_up(recomputed[9])) == row["ind9"]
        assert str(round_half_up(recomputed[10])) == row["ind10"]


def test_load_csv_and_xlsx(tmp_path, tables):
    frame = tables.items.head(86)
    loaded = load_item_results(_write(tmp_path, frame))
    assert list(loaded.columns) == ["fiscal_year", "agency_key", "item", "passed"]
    assert loaded["passed"].tolist() == frame["passed"].tolist()
    assert loaded["agency_key"].iloc[0] == "code:SYN-00001"
    xlsx = tmp_path / "items.xlsx"
    frame.to_excel(xlsx, index=False)
    assert load_item_results(xlsx).equals(loaded)


def test_written_forms_are_accepted(tmp_path):
    frame = pd.DataFrame(
        {
            "fiscal_year": ["๒๕๖๕", "2565", "2565"],
            "agency_name": ["อบต. ก", "อบต. ก", "อบต.ข"],
            "item": ["O1", "0๑๒", "o3"],
            "passed": ["ผ่าน", "ไม่ผ่าน", "1"],
        }
    )
    loaded = load_item_results(_write(tmp_path, frame))
    assert loaded["item"].tolist() == ["o1", "o12", "o3"]
    assert loaded["passed"].tolist() == [True, False, True]
    assert loaded["agency_key"].iloc[0] == agency_key(None, "อบต.ก")


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        (
            "item",
            "o99",
            r"row 5, column item: .*OIT item of that fiscal year's catalogue.*found 'o99'",
        ),
        ("passed", "maybe", r"row 5, column passed: .*1/0, true/false.*found 'maybe'"),
        (
            "fiscal_year",
            "2570",
            r"row 5, column fiscal_year: .*OIT item catalogue: 2564, 2565, 2566, 2567, 2568, 2569",
        ),
        ("fiscal_year", "ปีนี้", r"row 5, column fiscal_year"),
    ],
)
def test_bad_cells_name_row_and_column(tmp_path, tables, column, value, message):
    frame = tables.items.head(10).astype(str).copy()
    frame.loc[3, column] = value
    with pytest.raises(InputError, match=message):
        load_item_results(_write(tmp_path, frame))


def test_duplicates_and_columns_are_rejected(tmp_path, tables):
    frame = tables.items.head(10).astype(str)
    twice = pd.concat([frame, frame.head(1)], ignore_index=True)
    with pytest.raises(InputError, match=r"row 12: the same agency, year and item twice"):
        load_item_results(_write(tmp_path, twice))
    with pytest.raises(InputError, match="missing column"):
        load_item_results(_write(tmp_path, frame.drop(columns="passed")))
    with pytest.raises(InputError, match=r"missing column.*itas_code or agency_name"):
        load_item_results(_write(tmp_path, frame.drop(columns="itas_code")))
    with pytest.raises(InputError, match="unknown or repeated column 'score'"):
        load_item_results(_write(tmp_path, frame.assign(score=1)))
    with pytest.raises(InputError, match="file not found"):
        load_item_results(tmp_path / "missing.csv")
