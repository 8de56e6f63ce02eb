from decimal import Decimal

import pytest

from ita_lib.analysis.crosswalk import (
    comparable_items,
    item_families,
    rerate,
    translate_label,
    translations,
)
from ita_lib.analysis.scoring import score_assessment
from ita_lib.model.assessment_file import parse_assessment
from ita_lib.model.framework_files import load_framework


def test_letter_grades_translate_to_pass_levels_only_when_unambiguous():
    assert translations(load_framework(2565), load_framework(2566)) == {
        "AA": None,  # ผ่านดีเยี่ยม, ผ่านดี or ผ่าน, depending on the instruments
        "A": None,  # ผ่านดี or ผ่าน
        "B": "ต้องปรับปรุง",  # 75-84.99
        "C": None,  # 65-74.99 spans ต้องปรับปรุง (70) and ต้องปรับปรุงโดยด่วน
        "D": "ต้องปรับปรุงโดยด่วน",
        "E": "ต้องปรับปรุงโดยด่วน",
        "F": "ต้องปรับปรุงโดยด่วน",
    }


def test_pass_levels_translate_back_to_letters_only_when_unambiguous():
    back = translations(load_framework(2567), load_framework(2565))
    assert back == {
        "ผ่านดีเยี่ยม": "AA",
        "ผ่านดี": None,
        "ผ่าน": None,
        "ต้องปรับปรุง": None,
        "ต้องปรับปรุงโดยด่วน": None,
    }
    translated = translate_label("ผ่านดีเยี่ยม", load_framework(2567), load_framework(2565))
    assert translated.label == "AA"
    assert "2567" in translated.note_th
    with pytest.raises(KeyError):
        translate_label("Z", load_framework(2565), load_framework(2566))


def _result(minimal, fiscal_year, **scores):
    minimal["fiscal_year"] = fiscal_year
    minimal["scores"] = {f"ind{n}": scores.get(f"ind{n}", 96) for n in range(1, 11)}
    return score_assessment(parse_assessment(minimal))


def test_rerating_with_the_scores_is_always_allowed_and_labelled(minimal):
    a_grade = _result(minimal, 2565, ind6=80, ind7=80, ind8=80)  # EIT 80 -> total 91.2, A
    assert a_grade.rating == "A"
    translated = rerate(a_grade, load_framework(2566))
    assert translated.label == "ผ่าน"  # EIT below 85: not ผ่านดี
    assert "ไม่ใช่ผลที่ประกาศ" in translated.note_th
    assert rerate(_result(minimal, 2565), load_framework(2568)).label == "ผ่านดีเยี่ยม"


def test_state_audit_office_2568_case(minimal):
    # 94.64 with EIT below 85 is ผ่าน, not ผ่านดี (framework reference, section 1.5)
    result = _result(minimal, 2568, ind6=84, ind7=84.5, ind8=84.6, ind9=99, ind10=99)
    assert result.total_2dp == Decimal("93.71")
    assert result.rating == "ผ่าน"
    assert result.passed


def test_comparable_items_both_ways():
    (e_service,) = comparable_items(2565, "o17", 2568)
    assert (e_service.item, e_service.status) == ("o10", "corroborated")
    assert [c.item for c in comparable_items(2568, "o15", 2565)] == ["o28"]
    assert comparable_items(2565, "o6", 2568) == ()  # laws: no item since 2568
    assert [c.item for c in comparable_items(2565, "o1", 2568)] == ["o1"]  # structure + powers


def test_item_families_cover_2564_to_2569_with_valid_codes():
    families = item_families()
    e_service = next(f for f in families if f.key == "e_service")
    assert {y: e_service.items_in(y) for y in range(2564, 2570)} == {
        2564: ("o17",), 2565: ("o17",), 2566: ("o18",), 2567: ("o18",), 2568: ("o10",),
        2569: ("o10",),
    }  # fmt: skip
    for year in range(2564, 2570):
        framework = load_framework(year)
        for family in families:
            for code in family.items_in(year):
                assert framework.has_item(code), (family.key, year, code)
        covered = {c for f in families for c in f.items_in(year)}
        oit = {i.code for i in framework.items if i.instrument == "OIT"}
        assert covered == oit, (year, sorted(oit - covered))


def test_comparisons_with_the_unresolved_year_are_unverified():
    (via_2567,) = comparable_items(2565, "o17", 2567)
    assert (via_2567.item, via_2567.status) == ("o18", "unverified")
    assert comparable_items(2566, "o18", 2569)[0].status == "corroborated"
    no_gift = [c.item for c in comparable_items(2569, "o20", 2566)]
    assert no_gift == ["o31", "o32", "o33"]
    for item in comparable_items(2565, "o28", 2568):
        assert load_framework(2568).has_item(item.item)
