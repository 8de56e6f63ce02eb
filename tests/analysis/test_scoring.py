from decimal import Decimal

import pytest

from ita_lib.analysis.scoring import oit_rollup, score_assessment
from ita_lib.model.assessment_file import load_assessment, parse_assessment
from ita_lib.model.framework_files import load_framework


@pytest.fixture(scope="module")
def sample():
    return score_assessment(load_assessment("bundled:bueng-krachap-2565"))


def test_sample_matches_the_published_figures(sample):
    assert {i.code: str(i.score_2dp) for i in sample.instruments} == {
        "IIT": "95.50",
        "EIT": "91.43",
        "OIT": "91.21",
    }
    assert {i.code: str(i.weighted_2dp) for i in sample.instruments} == {
        "IIT": "28.65",
        "EIT": "27.43",
        "OIT": "36.48",
    }
    assert sample.total == Decimal("92.5646")
    assert str(sample.total_2dp) == "92.56"
    assert sample.rating == "A"
    assert sample.passed is True
    assert sample.checks == ()


def test_sample_oit_rollup_reproduces_indicator_9(sample):
    subs = {s.code: s for s in sample.sub_indicators}
    assert subs["9.2"].failed_items == ("o11", "o12", "o17")
    assert {c: str(round(s.score, 2)) for c, s in subs.items()} == {
        "9.1": "88.89", "9.2": "62.50", "9.3": "85.71", "9.4": "75.00",
        "9.5": "100.00", "10.1": "100.00", "10.2": "100.00",
    }  # fmt: skip
    assert round(sample.recomputed[9], 2) == Decimal("82.42")
    assert sample.recomputed[10] == 100


def test_json_form(sample):
    assert sample.to_dict() == {
        "fiscal_year": 2565,
        "agency_name": "องค์การบริหารส่วนตำบลบึงกระจับ",
        "instruments": {"IIT": 95.5, "EIT": 91.43, "OIT": 91.21},
        "total": 92.56,
        "rating": "A",
        "passed": True,
        "checks": [],
    }


def test_rollup_is_the_mean_of_sub_indicators_not_of_items():
    fw = load_framework(2565)
    _, by_indicator = oit_rollup(fw, ["o3", "o11", "o12", "o17", "o20", "o28"])
    item_mean = Decimal(100) * (33 - 6) / 33
    assert round(by_indicator[9], 2) == Decimal("82.42")
    assert round(item_mean, 2) == Decimal("81.82")


def test_one_failed_item_in_10_2_costs_25_points_on_indicator_10():
    _, by_indicator = oit_rollup(load_framework(2565), ["o42"])
    assert by_indicator[10] == Decimal(75)
    assert by_indicator[9] == Decimal(100)


def test_mismatch_between_given_and_recomputed_indicator_is_a_check(minimal):
    minimal["oit"] = {"failed_items": ["o3"]}  # gives 9 = 97.78, but the file says 82.42
    result = score_assessment(parse_assessment(minimal))
    (check,) = result.checks
    assert check.code == "indicator_recomputed_mismatch"
    assert check.field == "scores.ind9"
    assert check.expected == "97.78"
    assert check.found == "82.42"
    assert str(result.total_2dp) == "92.56"  # the published indicator scores still count


def test_claimed_total_and_rating_are_checked(minimal):
    minimal["claimed_total"] = 83.74
    minimal["claimed_rating"] = "B"
    result = score_assessment(parse_assessment(minimal))
    assert [c.code for c in result.checks] == ["claimed_total_mismatch", "claimed_rating_mismatch"]
    assert result.checks[0].expected == "92.56"
    assert result.checks[0].found == "83.74"
    assert "83.74" in result.checks[0].message_th


def test_claimed_total_within_a_cent_is_accepted(minimal):
    minimal["claimed_total"] = "92.56"
    assert score_assessment(parse_assessment(minimal)).checks == ()


@pytest.mark.parametrize(
    ("score", "rating", "passed"),
    [
        (100, "AA", True),
        (95, "AA", True),
        (94.99, "A", True),
        (85, "A", True),
        (84.99, "B", False),
        (75, "B", False),
        (65, "C", False),
        (55, "D", False),
        (54.99, "E", False),
        (50, "E", False),
        (49.99, "F", False),
        (0, "F", False),
    ],
)
def test_rating_bands_on_uniform_scores(minimal, score, rating, passed):
    minimal["scores"] = {f"ind{n}": score for n in range(1, 11)}
    result = score_assessment(parse_assessment(minimal))
    assert result.total == Decimal(str(score))
    assert (result.rating, result.passed) == (rating, passed)


def test_rating_uses_the_published_rounded_total(minimal):
    # IIT = EIT = 95, OIT = 94.99: the exact total 94.996 is published as 95.00, rated AA
    minimal["scores"] = {f"ind{n}": 95 for n in range(1, 11)}
    minimal["scores"]["ind9"] = minimal["scores"]["ind10"] = 94.99
    result = score_assessment(parse_assessment(minimal))
    assert result.total == Decimal("94.996")
    assert str(result.total_2dp) == "95.00"
    assert result.rating == "AA"


def test_exact_arithmetic_rounds_half_up(minimal):
    minimal["scores"] = {f"ind{n}": 90 for n in range(1, 11)}
    minimal["scores"]["ind1"] = 90.63
    result = score_assessment(parse_assessment(minimal))
    iit = result.instrument("IIT")
    assert iit.score == Decimal("90.126")
    assert str(iit.score_2dp) == "90.13"
    assert result.total == Decimal("90.0378")
    assert str(result.total_2dp) == "90.04"


def test_scoring_does_not_mutate_the_assessment(minimal):
    minimal["oit"] = {"failed_items": ["o3"]}
    assessment = parse_assessment(minimal)
    before = repr(assessment)
    score_assessment(assessment)
    assert repr(assessment) == before


def test_fy2564_uses_the_same_rules(minimal):
    minimal["fiscal_year"] = 2564
    result = score_assessment(parse_assessment(minimal))
    assert (str(result.total_2dp), result.rating) == ("92.56", "A")
