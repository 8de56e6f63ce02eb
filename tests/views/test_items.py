import pytest

from ita_lib.views import explore, items


@pytest.fixture(scope="module")
def national():
    table = explore.load_results("synthetic:2564-2565:400")
    return table, items.join_items(table, items.load_items("synthetic:2564-2565:400"))


def test_join_matches_every_item_and_agrees_with_the_indicators(national):
    table, joined = national
    assert joined.unmatched == 0
    assert joined.inconsistent == 0
    assert joined.agencies == len(table)
    assert "800 หน่วยงาน-ปี" in items.join_note(joined)


def test_failing_items_nationally_counts_add_up(national):
    _table, joined = national
    failing = items.failing_items(joined, 2565)
    assert len(failing) == 43
    assert (failing["หน่วยงานที่ประเมิน"] == 400).all()
    rates = failing["ไม่ผ่าน (%)"].tolist()
    assert rates == sorted(rates, reverse=True)
    year_items = joined.frame[joined.frame["fiscal_year"] == 2565]
    assert failing["ไม่ผ่าน (หน่วยงาน)"].sum() == int((~year_items["passed"]).sum())
    assert failing["ชื่อ"].notna().all()


def test_failing_items_by_group_keeps_the_top_of_each_group_in_thai_order(national):
    _, joined = national
    by_type = items.failing_items(joined, 2565, by="agency_type", top=3)
    counts = by_type.groupby("ประเภทหน่วยงาน").size()
    assert (counts <= 3).all()
    groups = list(dict.fromkeys(by_type["ประเภทหน่วยงาน"]))
    from ita_lib.text.collation import thai_sorted

    assert groups == thai_sorted(groups)


def test_unmatched_and_inconsistent_rows_are_counted(national):
    table, joined = national
    bad = joined.frame[["fiscal_year", "agency_key", "item", "passed"]].copy()
    bad.loc[bad.index[:3], "agency_key"] = "code:NOPE"
    first = bad["agency_key"] == bad["agency_key"].iloc[100]
    bad.loc[first & (bad["fiscal_year"] == 2564), "passed"] = False  # changes ind9/ind10
    rejoined = items.join_items(table, bad)
    assert rejoined.unmatched == 3
    assert rejoined.inconsistent >= 1


def test_failing_items_chart_wraps_names(national):
    _, joined = national
    chart = items.failing_items_chart(items.failing_items(joined, 2565))
    assert "data:image/png;base64," in chart
    assert "ข้อ OIT ที่ไม่ผ่านบ่อยที่สุด" in chart
