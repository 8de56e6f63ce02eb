import pandas as pd
import pytest

from ita_lib.analysis.peers import results_frame
from ita_lib.exceptions import InputError
from ita_lib.model.assessment_file import parse_assessment
from ita_lib.views import explore


def _row(name, total, type_="อบต.", province="ก", ind6=None):
    scores = {f"ind{n}": total for n in range(1, 11)}
    if ind6 is not None:
        scores["ind6"] = ind6
    return parse_assessment(
        {
            "agency": {"name": name, "type": type_, "province": province},
            "fiscal_year": 2565,
            "scores": scores,
        }
    )


@pytest.fixture
def frame():
    return results_frame(
        [
            _row("ก1", 90),
            _row("ก2", 80),
            _row("ก3", 60, province="ข"),
            _row("ก4", 96, type_="เทศบาล"),
            _row("ก5", 84, type_="เทศบาล", province="ข", ind6=40),
        ]
    )


def test_overview(frame):
    table = explore.overview(frame)
    row = table.loc[2565]
    assert row["หน่วยงาน"] == 5
    assert row["ผ่านเกณฑ์ (%)"] == 40.0
    assert table.index.name == "ปีงบประมาณ"  # real data: no synthetic mark


def test_by_group_sorts_lowest_mean_first(frame):
    table = explore.by_group(frame, "province")
    assert list(table.index) == ["ข", "ก"]
    assert table.loc["ก", "หน่วยงาน"] == 3


def test_below_pass_mark_lists_gaps(frame):
    table = explore.below_pass_mark(frame)
    # ก5: IIT 84, EIT (40 + 84 + 84) / 3, OIT 84 -> 79.60
    assert list(table["หน่วยงาน"]) == ["ก3", "ก5", "ก2"]
    assert list(table["ห่างจากเกณฑ์"]) == [25.0, 5.4, 5.0]
    assert len(explore.below_pass_mark(frame, limit=1)) == 1


def test_holding_back_counts_the_instrument_losing_most(frame):
    table = explore.holding_back(frame)
    # uniform scores: OIT (weight 0.4) loses most; ก5's EIT (40, 84, 84 -> 69.33) loses more
    assert table.loc["OIT", "หน่วยงานที่เสียคะแนนมากที่สุดที่เครื่องมือนี้"] == 4
    assert table.loc["EIT", "หน่วยงานที่เสียคะแนนมากที่สุดที่เครื่องมือนี้"] == 1
    assert table.loc["EIT", "ต่ำกว่า 85 (หน่วยงาน)"] == 3


def test_filter_frame_does_not_mutate(frame):
    before = frame.copy()
    view = explore.filter_frame(frame, agency_type="เทศบาล", province="ข")
    assert list(view["agency_name"]) == ["ก5"]
    pd.testing.assert_frame_equal(frame, before)


def test_synthetic_table_is_marked_everywhere():
    frame = explore.load_results("synthetic:2565:300")
    assert len(frame) == 300
    assert frame["synthetic"].all()
    assert "ข้อมูลสังเคราะห์" in explore.notice(frame)
    assert "ข้อมูลสังเคราะห์" in explore.overview(frame).index.name
    assert "ข้อมูลสังเคราะห์" in explore.by_group(frame, "agency_type").index.name
    assert "ข้อมูลสังเคราะห์" in explore.below_pass_mark(frame).columns[0]
    assert "ข้อมูลสังเคราะห์" in explore.distribution_chart(frame)


def test_real_data_has_no_notice(frame):
    assert explore.notice(frame) == ""


@pytest.mark.parametrize("reference", ["synthetic:2599", "synthetic:abc", "synthetic:"])
def test_bad_synthetic_reference(reference):
    with pytest.raises(InputError, match="results_table"):
        explore.load_results(reference)


def test_distribution_chart_is_deterministic(frame):
    assert explore.distribution_chart_png(frame) == explore.distribution_chart_png(frame)


def test_filter_widget_builds_and_filters(frame):
    widget = explore.filter_widget(frame)
    type_box, province_box = widget.children[0].children
    assert [v for _, v in type_box.options] == ["", "อบต.", "เทศบาล"]
    province_box.value = "ข"  # triggers a redraw without error
    assert province_box.value == "ข"
