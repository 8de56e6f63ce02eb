import pytest

from ita_lib.analysis.peers import results_frame
from ita_lib.exceptions import InputError
from ita_lib.model.assessment_file import parse_assessment
from ita_lib.views import agency, explore, explore_app, explore_charts


def _row(name, total, type_="อบต.", province="ก", ind6=None, year=2565, code=None):
    scores = {f"ind{n}": total for n in range(1, 11)}
    if ind6 is not None:
        scores["ind6"] = ind6
    return parse_assessment(
        {
            "agency": {"name": name, "type": type_, "province": province, "itas_code": code},
            "fiscal_year": year,
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
            _row("ก1", 70, year=2564),
            _row("ก3", 88, province="ข", year=2564),
        ]
    )


def test_overview_has_a_year_column_as_text_in_tables(frame):
    table = explore.overview(frame)
    assert list(table["ปีงบประมาณ"]) == [2564, 2565]
    row = table[table["ปีงบประมาณ"] == 2565].iloc[0]
    assert row["หน่วยงาน"] == 5
    assert row["ผ่านเกณฑ์ (หน่วยงาน)"] == 2
    assert row["ผ่านเกณฑ์ (%)"] == 40.0
    html = explore.show_table(table, "ภาพรวม")
    assert ">2565<" in html
    assert "2,565" not in html


def test_select_defaults_to_the_latest_year_and_counts_n_of_m(frame):
    chosen = explore.select(frame)
    assert chosen.fiscal_year == 2565
    assert len(chosen.frame) == 5
    assert chosen.year_rows == 5
    below = explore.select(frame, explore.Filters(province="ก", status="fail"))
    assert sorted(below.frame["agency_name"]) == ["ก2"]
    summary = explore.selection_summary(below)
    assert "1 จาก 5 หน่วยงานของปีนั้น" in summary
    assert "ทั้งตาราง 7 แถว 2 ปีงบประมาณ" in summary
    earlier = explore.select(frame, explore.Filters(fiscal_year=2564, status="pass"))
    assert list(earlier.frame["agency_name"]) == ["ก3"]
    # counts add up: pass + fail = all, every year
    for year in (2564, 2565):
        parts = [
            len(explore.select(frame, explore.Filters(year, status=s)).frame)
            for s in ("pass", "fail")
        ]
        assert sum(parts) == len(explore.select(frame, explore.Filters(year)).frame)


@pytest.mark.parametrize(
    ("filters", "field"),
    [
        (explore.Filters(fiscal_year=2599), "fiscal_year"),
        (explore.Filters(province="ค"), "province"),
        (explore.Filters(status="maybe"), "status"),
    ],
)
def test_select_rejects_values_not_in_the_table(frame, filters, field):
    with pytest.raises(InputError, match=field):
        explore.select(frame, filters)


def test_long_tables_say_n_of_m_and_downloads_hold_every_row(frame):
    table = explore.agencies(explore.select(frame).frame)
    html = explore.show_table(table, "หน่วยงาน", limit=2)
    assert "แสดง 2 จาก 5 แถว" in html
    assert html.count("<tr>") == 3  # header and two rows
    assert 'download="หน่วยงาน.xlsx"' in html
    assert 'download="หน่วยงาน.csv"' in html


def test_agencies_lowest_total_first_with_year_and_gap(frame):
    table = explore.agencies(explore.select(frame).frame)
    assert list(table["หน่วยงาน"]) == ["ก3", "ก5", "ก2", "ก1", "ก4"]
    assert set(table["ปีงบประมาณ"]) == {2565}
    assert table.loc[0, "ห่างจากเกณฑ์"] == 25.0
    assert table.loc[4, "ห่างจากเกณฑ์"] == 0.0


def test_by_group_thai_order_and_counts(frame):
    table = explore.by_group(explore.select(frame).frame, "province")
    assert list(table["จังหวัด"]) == ["ข", "ก"]  # lowest pass rate first
    assert table["หน่วยงาน"].sum() == 5


def test_holding_back_counts_the_instrument_losing_most(frame):
    table = explore.holding_back(explore.select(frame).frame).set_index("เครื่องมือ")
    assert table["หน่วยงานที่เสียคะแนนมากที่สุดที่เครื่องมือนี้"].sum() == 5
    assert table.loc["EIT", "ต่ำกว่า 85 (หน่วยงาน)"] == 3  # ก2, ก3, ก5


def test_agency_look_up_is_partial_and_history_covers_every_year(frame):
    assert list(agency.find_agencies(frame, " ก 3")["หน่วยงาน"]) == ["ก3"]
    history = agency.agency_history(frame, "ก3")
    assert list(history["ปีงบประมาณ"]) == [2564, 2565]
    assert list(history["คะแนนรวม"]) == [88.0, 60.0]
    assert list(history["ผลการประเมิน"]) == ["ผ่าน", "ไม่ผ่าน"]
    assert agency.agency_history(frame, "ไม่มี").empty
    chart = agency.history_chart(history)
    assert "data:image/png;base64," in chart
    assert "data:image/svg+xml;base64," in chart


def test_synthetic_table_is_marked_everywhere():
    frame = explore.load_results("synthetic:2564-2565:300")
    assert set(frame["fiscal_year"]) == {2564, 2565}
    assert frame["synthetic"].all()
    assert explore.mark(frame) == " (ข้อมูลสังเคราะห์)"
    assert "ข้อมูลสังเคราะห์" in explore.notice(frame)
    same = frame.groupby("itas_code")["agency_name"].nunique()
    assert (same == 1).all()  # the same agencies every year


def test_real_data_has_no_notice(frame):
    assert explore.notice(frame) == ""


@pytest.mark.parametrize(
    "reference", ["synthetic:2599", "synthetic:abc", "synthetic:", "synthetic:2565:1:2"]
)
def test_bad_synthetic_reference(reference):
    with pytest.raises(InputError, match="synthetic"):
        explore.load_results(reference)


def test_charts_are_deterministic_and_downloadable(frame):
    view = explore.select(frame).frame
    for draw in (explore_charts.pass_rate_chart, explore_charts.totals_chart):
        assert draw(view) == draw(view)
    province = explore_charts.province_chart(view)
    assert 'download="ผ่านเกณฑ์รายจังหวัด.svg"' in province
    assert "ข (2) 0.0%, ก (3) 66.7%" in province  # alt text, lowest first


def test_explore_tables_and_app_build(frame):
    chosen = explore.select(frame)
    tables = explore_app.explore_tables(chosen)
    assert set(tables) >= {"ภาพรวมรายปี", "หน่วยงานที่เลือก", "ตามจังหวัด"}
    assert tables["ภาพรวมรายปี"]["ปีงบประมาณ"].tolist() == ["2564", "2565"]
    app = explore_app.explorer(frame)
    assert len(app.children) == 2
