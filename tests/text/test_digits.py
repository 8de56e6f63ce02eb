"""Tests for ita_lib.text.digits: Thai and Arabic digits."""

from __future__ import annotations

import pytest

from ita_lib.text import digits
from ita_lib.text.digits import (
    to_arabic_digits,
    to_thai_digits,
)


def test_all_lists_public_names():
    assert sorted(digits.__all__) == sorted(
        [
            "clean_text",
            "digits_as",
            "to_arabic_digits",
            "to_thai_digits",
        ]
    )
    for name in digits.__all__:
        assert getattr(digits, name) is not None


# --- digits -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("thai_text", "arabic_text"),
    [
        ("๐๑๒๓๔๕๖๗๘๙", "0123456789"),
        ("๙๒.๕๖", "92.56"),
        ("ต.ค. ๖๕ - ก.ย. ๖๖", "ต.ค. 65 - ก.ย. 66"),
        ("ไม่มีตัวเลข", "ไม่มีตัวเลข"),
        ("", ""),
    ],
)
def test_digit_translation_both_ways(thai_text, arabic_text):
    assert to_arabic_digits(thai_text) == arabic_text
    assert to_thai_digits(arabic_text) == thai_text
    assert to_thai_digits(to_arabic_digits(thai_text)) == thai_text
    assert to_arabic_digits(to_thai_digits(arabic_text)) == arabic_text


def test_digit_translation_keeps_other_text_and_mixed_digits():
    assert to_arabic_digits("ปี ๒๕๖6 abc") == "ปี 2566 abc"
    assert to_thai_digits("ปี ๒๕๖6 abc") == "ปี ๒๕๖๖ abc"


@pytest.mark.parametrize("func", [to_arabic_digits, to_thai_digits])
def test_digit_translation_rejects_non_strings(func):
    with pytest.raises(TypeError, match="expected a string"):
        func(12)
