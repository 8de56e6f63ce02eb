from decimal import Decimal

import pytest

from ita_lib.analysis.peers import (
    is_synthetic_agency,
    peer_position,
    results_frame,
    same_agency,
    trend,
)
from ita_lib.model.assessment import Agency
from ita_lib.model.assessment_file import parse_assessment


def _agency(name, total, *, fy=2565, type_="อบต.", province="ก", code=None):
    data = {
        "agency": {"name": name, "type": type_, "province": province, "itas_code": code},
        "fiscal_year": fy,
        "scores": {f"ind{n}": total for n in range(1, 11)},
    }
    return parse_assessment(data)


@pytest.fixture
def table():
    return (
        _agency("หนึ่ง", 80),
        _agency("สอง", 90),
        _agency("สาม", 90, province="ข"),
        _agency("สี่", 95, type_="เทศบาลตำบล"),
        _agency("ห้า", 70, type_="เทศบาลตำบล", province="ข"),
        _agency("หนึ่ง", 75, fy=2564),  # other year: not a peer
    )


def test_percentile_rank_and_groups(table):
    me = _agency("หก", 90)
    position = peer_position(me, table)
    groups = {g.label_th: g for g in position.groups}
    national = groups["ทั้งประเทศ"]
    # totals 80, 90, 90, 95, 70 and mine 90: below 2, ties 3 (incl. mine) -> (2 + 1.5) / 6
    assert national.size == 6
    assert national.percentile == Decimal("58.3")
    assert national.rank == 2
    assert national.median == Decimal("90.00")
    assert national.share_passed == Decimal("66.7")  # 90, 90, 95, 90 of 6
    assert groups["ประเภทเดียวกัน (อบต.)"].size == 4
    assert groups["จังหวัดเดียวกัน (ก)"].size == 4
    assert groups["ประเภทเดียวกันในจังหวัดก"].size == 3
    assert position.synthetic is False


def test_the_agency_itself_is_counted_once(table):
    me = table[1]  # สอง, 90
    position = peer_position(me, table)
    assert position.groups[0].size == 5


def test_no_peers_of_the_same_year():
    assert peer_position(_agency("ก", 90, fy=2564), (_agency("ข", 80),)) is None


def test_trend_across_scales_is_translated_and_labelled():
    me = _agency("หนึ่ง", 96, fy=2567, code="X1")
    history = (
        _agency("หนึ่ง (ชื่อเดิม)", 80, fy=2565, code="X1"),
        _agency("หนึ่ง", 88, fy=2566, code="X1"),
        _agency("อื่น", 99, fy=2566, code="X2"),
    )
    points = trend(me, history).points
    assert [(p.fiscal_year, str(p.total), p.rating) for p in points] == [
        (2565, "80.00", "B"),
        (2566, "88.00", "ผ่านดี"),
        (2567, "96.00", "ผ่านดีเยี่ยม"),
    ]
    assert points[0].rating_latest_scale.label == "ต้องปรับปรุง"
    assert points[1].rating_latest_scale is None  # same scale
    assert trend(me, history).change == Decimal("8.00")


def test_same_agency_by_code_then_name():
    assert same_agency(Agency("ก", itas_code="1"), Agency("ข", itas_code="1"))
    assert not same_agency(Agency("ก", itas_code="1"), Agency("ก", itas_code="2"))
    assert same_agency(Agency("อบต. ก"), Agency("อบต.ก"))


def test_synthetic_agencies_are_recognised():
    assert is_synthetic_agency(Agency("อบต.ก (ข้อมูลสังเคราะห์)"))
    assert is_synthetic_agency(Agency("ก", itas_code="SYN-00001"))
    assert not is_synthetic_agency(Agency("ก", itas_code="ABC"))


def test_results_frame(table):
    frame = results_frame(table)
    assert list(frame["total"]) == [80.0, 90.0, 90.0, 95.0, 70.0, 75.0]
    assert list(frame["rating"]) == ["B", "A", "A", "AA", "C", "B"]
    assert frame["passed"].sum() == 3
    assert {"IIT", "EIT", "OIT", "synthetic", "ind10"} <= set(frame.columns)
