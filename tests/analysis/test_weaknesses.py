from decimal import Decimal

import pytest

from ita_lib.analysis.weaknesses import WELL_BELOW_AVERAGE, analyse, item_gains
from ita_lib.model.assessment_file import load_assessment, parse_assessment
from ita_lib.model.framework_files import load_framework


def _2dp(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01")))


@pytest.fixture(scope="module")
def sample():
    return analyse(load_assessment("bundled:bueng-krachap-2565"))


# -- the bundled sample: the figures of the issue ---------------------------------------------


def test_sample_what_if_gains_and_ranking(sample):
    assert [(g.item, _2dp(g.gain_total)) for g in sample.what_if] == [
        ("o28", "1.00"),
        ("o20", "0.57"),
        ("o11", "0.50"),
        ("o12", "0.50"),
        ("o17", "0.50"),
        ("o3", "0.44"),
    ]
    assert _2dp(sample.all_fixed_total) == "96.08"
    assert sample.ladder[-1].rating_after == "AA"


def test_sample_path_to_next_rating_needs_four_fixes(sample):
    path = sample.path_to_next_rating
    assert path.target == "AA"
    assert path.items == ("o28", "o20", "o11", "o12")
    assert _2dp(path.total_after) == "95.14"
    assert path.reachable
    assert sample.path_to_pass_mark.items == ()  # already passes


def test_sample_weaknesses_at_every_level(sample):
    assert [w.code for w in sample.weaknesses_at("instrument")] == []
    assert [w.code for w in sample.weaknesses_at("indicator")] == ["ind9"]
    assert [w.code for w in sample.weaknesses_at("sub_indicator")] == ["9.1", "9.2", "9.3", "9.4"]
    items = {w.code: w for w in sample.weaknesses_at("item")}
    assert list(items) == ["o3", "o11", "o12", "o17", "o20", "o28", "e12", "e11", "e14"]
    assert items["o17"].name == "E-Service"
    assert items["o17"].place_th == "OIT › ตัวชี้วัดที่ 9 การเปิดเผยข้อมูล › 9.2 การบริหารงาน"
    assert items["o17"].suggestions == (
        "หน่วยงานต้องแสดงระบบจองคิวออนไลน์/การให้บริการดาวโหลดแบบฟอร์ม ไม่ใช่ E-Service",
    )
    assert items["e14"].reason_th == "สำนักงาน ป.ป.ช. มีข้อเสนอแนะ"
    assert items["e14"].place_th.startswith("EIT › ตัวชี้วัดที่ 8")


def test_sample_links_o17_to_e_service_and_e14_to_participation(sample):
    items = {w.code: w for w in sample.weaknesses_at("item")}
    (o17,) = items["o17"].measures
    assert o17.measure == 11
    assert o17.how == "inferred"
    assert "E-Service" in o17.matched_terms
    assert [m.measure for m in items["e14"].measures] == [21]
    assert "การมีส่วนร่วมของประชาชน" in items["e14"].measures[0].matched_terms


def test_sample_coverage_gaps(sample):
    assert [(g.kind, g.subject) for g in sample.coverage_gaps] == [
        ("weakness_without_measure", "o11"),
        ("weakness_without_measure", "o12"),
    ]


def test_sample_json_form(sample):
    data = sample.to_dict()
    assert set(data) >= {"weaknesses", "what_if", "path_to_next_rating", "coverage_gaps"}
    assert data["what_if"][0] == {
        "item": "o28",
        "name": "รายงานผลการบริหารและพัฒนาทรัพยากรบุคคลประจำปี",
        "sub_indicator": "9.4",
        "gain_indicator": 5.0,
        "gain_total": 1.0,
    }
    assert data["path_to_next_rating"] == {
        "target": "AA",
        "items": ["o28", "o20", "o11", "o12"],
        "total_after": 95.14,
        "rating_after": "AA",
        "reachable": True,
        "reachable_by_items": True,
        "blocked_by": [],
    }
    weakness = next(w for w in data["weaknesses"] if w["code"] == "ind9")
    assert weakness["level"] == "indicator"
    assert weakness["score"] == 82.42


# -- rules on hand-made cases -------------------------------------------------------------------


def _scores(**changes):
    scores = {f"ind{n}": 95 for n in range(1, 11)}
    scores.update(changes)
    return scores


def _analyse(minimal, **fields):
    return analyse(parse_assessment({**minimal, **fields}))


def test_items_worth_unequal_points():
    fw = load_framework(2565)
    gains = {g.item: g for g in item_gains(fw, ("o42", "o28", "o3", "o34", "o29"))}
    assert gains["o42"].gain_total == Decimal(5)  # 10.2 has 2 items
    assert gains["o42"].gain_indicator == Decimal(25)
    assert gains["o34"].gain_total == Decimal("1.25")  # 10.1 has 8 items
    assert gains["o28"].gain_total == Decimal(1)  # 9.4 has 4 items
    assert gains["o29"].gain_total == Decimal("0.8")  # 9.5 has 5 items
    assert _2dp(gains["o3"].gain_total) == "0.44"  # 9.1 has 9 items
    assert [g.item for g in item_gains(fw, ("o3", "o42", "o28"))] == ["o42", "o28", "o3"]


def test_ties_keep_framework_order():
    fw = load_framework(2565)
    assert [g.item for g in item_gains(fw, ("o17", "o12", "o11"))] == ["o11", "o12", "o17"]


def test_gains_add_up_to_the_recomputed_total(minimal):
    failed = ["o3", "o42"]
    # ind9 = mean(88.89, 100, 100, 100, 100) = 97.78; ind10 = mean(100, 50) = 75
    minimal["scores"] = _scores(ind9=97.78, ind10=75)
    analysis = _analyse(minimal, oit={"failed_items": failed})
    fixed = analysis.all_fixed_total
    assert _2dp(fixed) == _2dp(
        analysis.result.total + Decimal(5) + Decimal(100) / 9 / 5 * Decimal("0.2")
    )
    assert analysis.what_if[0].item == "o42"


def test_smallest_set_reaching_the_pass_mark(minimal):
    # IIT = EIT = 90, OIT: ind9 = 70 (many failures), ind10 = 50 (o42 failed, 10.1 half failed)
    minimal["scores"] = _scores(
        ind1=90, ind2=90, ind3=90, ind4=90, ind5=90, ind6=90, ind7=90, ind8=90
    )
    failed = ["o42", "o34", "o35", "o36", "o37"]
    minimal["scores"]["ind9"] = 100
    minimal["scores"]["ind10"] = (
        25  # 10.1 = 50 (4 of 8 failed), 10.2 = 50 (o42) -> 50; a check says so
    )
    analysis = _analyse(minimal, oit={"failed_items": failed})
    # total = 27 + 27 + 0.4 * mean(100, 25) = 79.00 -> B; o42 gives +5.00 -> 84.00 (B);
    # then four 10.1 items at +1.25 each: one more reaches 85.25 -> A
    assert _2dp(analysis.result.total) == "79.00"
    assert analysis.result.rating == "B"
    path = analysis.path_to_pass_mark
    assert path.items == ("o42", "o34")
    assert _2dp(path.total_after) == "85.25"
    assert path.rating_after == "A"
    assert analysis.path_to_next_rating.items == ("o42", "o34")  # next rating is A as well


def test_unreachable_target_says_so(minimal):
    minimal["scores"] = _scores(**{f"ind{n}": 50 for n in range(1, 9)})
    minimal["scores"]["ind9"] = 97.78
    analysis = _analyse(minimal, oit={"failed_items": ["o3"]})
    assert _2dp(analysis.result.total) == "68.56"  # 15 + 15 + 0.4 * 96.39
    path = analysis.path_to_pass_mark
    assert not path.reachable
    assert path.items == ("o3",)
    assert _2dp(path.total_after) == "69.00"
    assert path.rating_after == "C"


def test_no_failed_items(minimal):
    minimal["scores"] = _scores()
    analysis = _analyse(minimal, oit={"failed_items": []})
    assert analysis.what_if == ()
    assert analysis.weaknesses == ()
    assert analysis.result.rating == "AA"
    assert analysis.path_to_next_rating is None  # AA is the top rating
    assert analysis.path_to_pass_mark.items == ()
    assert analysis.all_fixed_total == analysis.result.total


def test_top_rating_has_no_next_rating(minimal):
    minimal["scores"] = _scores(ind1=100)
    analysis = _analyse(minimal, oit={"failed_items": []})
    assert analysis.result.rating == "AA"
    assert analysis.path_to_next_rating is None


def test_without_item_results_there_is_no_what_if(minimal):
    analysis = _analyse(minimal)
    assert analysis.what_if == ()
    assert analysis.path_to_next_rating is None
    assert analysis.all_fixed_total is None
    assert [w.code for w in analysis.weaknesses] == ["ind9"]


def test_instrument_below_pass_mark_and_indicator_below_own_average(minimal):
    minimal["scores"] = _scores(ind6=80, ind7=84, ind8=85, ind3=89)
    analysis = _analyse(minimal, suggestions={"by_instrument": {"EIT": "ปรับปรุง EIT"}})
    (eit,) = analysis.weaknesses_at("instrument")
    assert eit.code == "EIT"
    assert eit.suggestions == ("ปรับปรุง EIT",)
    indicators = {w.code: w.reason_th for w in analysis.weaknesses_at("indicator")}
    # mean = (95*6 + 80 + 84 + 85 + 89) / 10 = 90.8: ind8 (85) passes but is 5.8 below the
    # mean; ind3 (89) is only 1.8 below
    assert indicators == {
        "ind6": "ต่ำกว่าเกณฑ์ผ่าน 85",
        "ind7": "ต่ำกว่าเกณฑ์ผ่าน 85",
        "ind8": "ต่ำกว่าค่าเฉลี่ยของหน่วยงาน (90.80) ตั้งแต่ 5 คะแนนขึ้นไป",
    }
    minimal["scores"] = _scores(ind3=85.01, ind1=100, ind2=100, ind4=100, ind5=100)
    analysis = _analyse(minimal)
    # mean = (100*4 + 85.01 + 95*5) / 10 = 96.001; ind3 is 10.99 below -> weakness
    assert [w.code for w in analysis.weaknesses_at("indicator")] == ["ind3"]
    assert str(WELL_BELOW_AVERAGE) in analysis.weaknesses_at("indicator")[0].reason_th


def test_well_below_average_boundary(minimal):
    # all 95 except ind1 = 90: mean 94.5, ind1 is 4.5 below -> not a weakness
    minimal["scores"] = _scores(ind1=90)
    assert _analyse(minimal).weaknesses_at("indicator") == ()
    # ind1 = 89.45: mean 94.445, gap exactly 4.995 -> not; ind1 = 89.44 -> 5.004 -> weakness
    minimal["scores"] = _scores(ind1=89.44)
    assert [w.code for w in _analyse(minimal).weaknesses_at("indicator")] == ["ind1"]


def test_suggestions_for_unknown_codes_are_kept(minimal):
    analysis = _analyse(
        minimal,
        suggestions={"by_item": [{"item": "o99", "text": "ข้อความ"}, {"item": "e14", "text": "ก"}]},
    )
    assert analysis.unmatched_suggestions == (("o99", "ข้อความ"),)
    assert [w.code for w in analysis.weaknesses_at("item")] == ["e14"]
    assert analysis.to_dict()["unmatched_suggestions"] == [{"item": "o99", "text": "ข้อความ"}]


def test_explicit_link_wins_over_inference(minimal):
    measures = [
        {"number": 1, "title": "โครงการ E-Service", "addresses": ["o12"]},  # explicit: o12 only
        {"number": 2, "title": "พัฒนา E-Service ออนไลน์"},  # inferred: o17
        {"number": 3, "title": "ระบบบริการ", "addresses": []},  # explicit: nothing
    ]
    analysis = _analyse(minimal, oit={"failed_items": ["o12", "o17"]}, measures=measures)
    items = {w.code: w for w in analysis.weaknesses_at("item")}
    assert [(m.measure, m.how) for m in items["o12"].measures] == [(1, "explicit")]
    assert [(m.measure, m.how, m.matched_terms) for m in items["o17"].measures] == [
        (2, "inferred", ("E-Service",))
    ]


def test_measures_missing_parts_are_gaps(minimal):
    measures = [
        {
            "number": 1,
            "title": "ก",
            "owner": "อบต.",
            "period": "ต.ค. 65 - ก.ย. 66",
            "monitoring": ["x"],
        },
        {"number": 2, "title": "ข"},
    ]
    analysis = _analyse(minimal, measures=measures)
    assert [
        (g.kind, g.subject) for g in analysis.coverage_gaps if g.subject.startswith("measure")
    ] == [
        ("measure_missing_owner", "measure 2"),
        ("measure_missing_period", "measure 2"),
        ("measure_missing_monitoring", "measure 2"),
    ]


def test_no_measures_at_all(minimal):
    analysis = _analyse(minimal, oit={"failed_items": ["o3"]}, scores=_scores(ind9=97.78))
    kinds = [g.kind for g in analysis.coverage_gaps]
    assert kinds == ["weakness_without_measure", "no_measures"]


def test_analysis_does_not_mutate_the_assessment(minimal):
    assessment = parse_assessment({**minimal, "oit": {"failed_items": ["o3"]}})
    before = repr(assessment)
    analyse(assessment)
    assert repr(assessment) == before
