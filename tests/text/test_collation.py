import pytest

from ita_lib.model.synthetic import PROVINCES
from ita_lib.text import collation
from ita_lib.text.wrapping import wrap_thai


def test_thai_dictionary_order_not_code_points():
    names = ["อ่างทอง", "เชียงใหม่", "กรุงเทพมหานคร", "แพร่", "ชลบุรี", "เชียงราย", "พะเยา"]
    assert collation.thai_sorted(names) == [
        "กรุงเทพมหานคร", "ชลบุรี", "เชียงราย", "เชียงใหม่", "พะเยา", "แพร่", "อ่างทอง",
    ]  # fmt: skip
    assert max(names) == "แพร่"  # what code-point order gives


def test_icu_backend_is_installed():
    assert collation.collation_backend() == "icu"


def test_fallback_orders_the_provinces_as_icu_does():
    assert sorted(PROVINCES, key=collation._fallback_key) == collation.thai_sorted(PROVINCES)


@pytest.mark.parametrize(("a", "b"), [("กา", "ก่า"), ("เก", "แก"), ("ขาว", "ข้าว")])
def test_tone_marks_only_break_ties(a, b):
    assert collation.thai_key(a) < collation.thai_key(b)
    assert collation._fallback_key(a) < collation._fallback_key(b)


def test_missing_values_sort_first():
    assert collation.thai_sorted(["ข", None, "ก"]) == [None, "ก", "ข"]


def test_wrap_thai_breaks_between_words_never_inside():
    text = "การเปิดเผยข้อมูลการจัดซื้อจัดจ้างหรือการจัดหาพัสดุประจำปี"
    lines = wrap_thai(text, 20)
    assert "".join(lines) == text
    assert len(lines) > 1
    assert all(len(line) <= 24 for line in lines)
    assert "การจัดซื้อ" not in lines[0][-3:]  # no cut word at the end
    for line in lines:
        assert not line.endswith(("จัดซื", "ประจ"))
