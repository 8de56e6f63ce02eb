"""Tests for ita_lib.text.numbers: parsing numbers and formatting scores."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ita_lib.exceptions import InputError
from ita_lib.text import numbers
from ita_lib.text.numbers import (
    format_score,
    parse_number,
)


def test_all_lists_public_names():
    assert sorted(numbers.__all__) == sorted(
        [
            "format_score",
            "parse_number",
        ]
    )
    for name in numbers.__all__:
        assert getattr(numbers, name) is not None


# --- numbers ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("๙๒.๕๖", Decimal("92.56")),
        ("๑๐๐", Decimal(100)),
        ("92.56", Decimal("92.56")),
        ("  ๘๕.๐๐ ", Decimal("85.00")),
        ("1,234.5", Decimal("1234.5")),
        ("๑,๒๓๔,๕๖๗", Decimal(1234567)),
        ("-3.5", Decimal("-3.5")),
        ("\u22123.5", Decimal("-3.5")),
        (".5", Decimal("0.5")),
        ("0", Decimal(0)),
        (100, Decimal(100)),
        (92.56, Decimal("92.56")),
        (Decimal("7.25"), Decimal("7.25")),
    ],
)
def test_parse_number(text, expected):
    result = parse_number(text)
    assert isinstance(result, Decimal)
    assert result == expected
    assert str(result) == str(expected)


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "   ",
        "abc",
        "9..2",
        "92.",
        "1,23",
        "12,34.5",
        "1 000",
        "92.56%",
        "๙๒,๕๖",
        True,
        False,
        None,
        [1],
    ],
)
def test_parse_number_rejects_bad_input(bad):
    with pytest.raises(InputError, match="expected a number such as") as info:
        parse_number(bad)
    assert info.value.expected == "a number such as '92.56' or '๙๒.๕๖'"
    assert info.value.found == bad


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), Decimal("NaN")])
def test_parse_number_rejects_non_finite(bad):
    with pytest.raises(InputError, match="not a finite number"):
        parse_number(bad)


def test_parse_number_passes_source_and_location():
    with pytest.raises(InputError) as info:
        parse_number("x", source="scores.csv", location="row 3, column ind4")
    assert str(info.value).startswith("scores.csv: row 3, column ind4: not a number")


# --- display ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "kwargs", "expected"),
    [
        (Decimal("92.56"), {}, "92.56"),
        (92.56, {}, "92.56"),
        (100, {}, "100.00"),
        (0.125, {}, "0.13"),
        (92.5646, {}, "92.56"),
        (91.215, {}, "91.22"),
        (Decimal("91.215"), {}, "91.22"),
        (2.675, {}, "2.68"),
        (-0.125, {}, "-0.13"),
        (-0.001, {}, "0.00"),
        (92.5, {"places": 0}, "93"),
        (92.56, {"places": 1}, "92.6"),
        (Decimal("1E+2"), {}, "100.00"),
        ("๙๒.๕๖", {}, "92.56"),
        (92.56, {"thai_digits": True}, "๙๒.๕๖"),
        (100, {"thai_digits": True}, "๑๐๐.๐๐"),
    ],
)
def test_format_score(value, kwargs, expected):
    assert format_score(value, **kwargs) == expected


@pytest.mark.parametrize("bad", [True, None, "abc", float("nan")])
def test_format_score_rejects_non_numbers(bad):
    with pytest.raises(InputError, match="expected a number such as"):
        format_score(bad)


@pytest.mark.parametrize("places", [-1, 1.5, True])
def test_format_score_rejects_bad_places(places):
    with pytest.raises(ValueError, match="places"):
        format_score(1, places=places)
