"""Tests for ita_lib.text.thai: digits, BE years, fiscal years, periods and display."""

from __future__ import annotations

import calendar
import dataclasses
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from ita_lib.exceptions import InputError
from ita_lib.text import thai
from ita_lib.text.thai import (
    MONTHS_LONG,
    MONTHS_SHORT,
    Period,
    be_to_ce,
    ce_to_be,
    fiscal_year_bounds,
    fiscal_year_of,
    format_be_year,
    format_date,
    format_fiscal_year,
    format_period,
    format_score,
    parse_be_year,
    parse_number,
    parse_period,
    to_arabic_digits,
    to_thai_digits,
)

FY2566 = Period(date(2022, 10, 1), date(2023, 9, 30))


def test_all_lists_public_names():
    assert sorted(thai.__all__) == sorted(
        [
            "MONTHS_LONG",
            "MONTHS_SHORT",
            "Period",
            "be_to_ce",
            "ce_to_be",
            "fiscal_year_bounds",
            "fiscal_year_of",
            "format_be_year",
            "format_date",
            "format_fiscal_year",
            "format_period",
            "format_score",
            "parse_be_year",
            "parse_number",
            "parse_period",
            "to_arabic_digits",
            "to_thai_digits",
        ]
    )
    for name in thai.__all__:
        assert getattr(thai, name) is not None


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


# --- Buddhist-era years -----------------------------------------------------


@pytest.mark.parametrize(("be", "ce"), [(2565, 2022), (2566, 2023), (2543, 2000), (2400, 1857)])
def test_be_ce_conversion(be, ce):
    assert be_to_ce(be) == ce
    assert ce_to_be(ce) == be
    assert ce_to_be(be_to_ce(be)) == be


@pytest.mark.parametrize("bad", ["2565", 2565.0, True, None])
@pytest.mark.parametrize("func", [be_to_ce, ce_to_be])
def test_be_ce_conversion_rejects_non_ints(func, bad):
    with pytest.raises(TypeError, match="must be an int"):
        func(bad)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("๒๕๖๕", 2565),
        ("2565", 2565),
        ("พ.ศ. ๒๕๖๕", 2565),
        ("พ.ศ.2565", 2565),
        ("พ.ศ 2565", 2565),
        ("พศ. 2565", 2565),
        ("  ๒๕๖๖  ", 2566),
        ("๖๕", 2565),
        ("65", 2565),
        ("พ.ศ. ๖๖", 2566),
        ("00", 2500),
        ("99", 2599),
        (2566, 2566),
        (66, 2566),
        ("2400", 2400),
    ],
)
def test_parse_be_year(text, expected):
    assert parse_be_year(text) == expected


@pytest.mark.parametrize(
    ("text", "pivot", "expected"),
    [
        ("65", 2566, 2565),
        ("16", 2566, 2516),
        ("15", 2566, 2615),
        ("17", 2566, 2517),
        ("99", 2602, 2599),
        ("05", 2602, 2605),
        ("2566", 2700, 2566),
    ],
)
def test_parse_be_year_with_pivot(text, pivot, expected):
    assert parse_be_year(text, pivot_be=pivot) == expected


@pytest.mark.parametrize("pivot", [2022, True, "2566"])
def test_parse_be_year_rejects_bad_pivot(pivot):
    with pytest.raises(ValueError, match="pivot_be"):
        parse_be_year("65", pivot_be=pivot)


@pytest.mark.parametrize("ce_year", ["2022", "๒๐๒๒", "พ.ศ. 2022", 2023, "1999"])
def test_parse_be_year_rejects_christian_era(ce_year):
    with pytest.raises(InputError, match="Buddhist-era year was expected") as info:
        parse_be_year(ce_year)
    assert "Buddhist-era (พ.ศ.) year" in info.value.expected


def test_parse_be_year_explains_ce_to_be():
    with pytest.raises(InputError, match=r"2022 CE is 2565 BE"):
        parse_be_year("2022")


@pytest.mark.parametrize("bad", ["", "abc", "5", "256", "25655", "๒๕.๖", "65a", True, None, 2565.0])
def test_parse_be_year_rejects_bad_input(bad):
    with pytest.raises(InputError, match=r"expected a Buddhist-era \(พ.ศ.\) year") as info:
        parse_be_year(bad, source="params.yaml", location="fiscal_year")
    assert info.value.source == "params.yaml"
    assert info.value.location == "fiscal_year"


# --- fiscal years -----------------------------------------------------------


@pytest.mark.parametrize(
    ("fy", "bounds"),
    [
        (2566, (date(2022, 10, 1), date(2023, 9, 30))),
        (2565, (date(2021, 10, 1), date(2022, 9, 30))),
        (2567, (date(2023, 10, 1), date(2024, 9, 30))),
    ],
)
def test_fiscal_year_bounds(fy, bounds):
    assert fiscal_year_bounds(fy) == bounds
    start, end = bounds
    assert fiscal_year_of(start) == fy
    assert fiscal_year_of(end) == fy


@pytest.mark.parametrize(
    ("d", "fy"),
    [
        (date(2022, 10, 1), 2566),
        (date(2023, 9, 30), 2566),
        (date(2023, 10, 1), 2567),
        (date(2022, 9, 30), 2565),
        (date(2023, 1, 1), 2566),
        (date(2022, 12, 31), 2566),
        (datetime(2023, 10, 1, 0, 0, tzinfo=UTC), 2567),
    ],
)
def test_fiscal_year_of(d, fy):
    assert fiscal_year_of(d) == fy


@pytest.mark.parametrize("bad", [2022, 66, True, "2566"])
def test_fiscal_year_bounds_rejects_non_be_years(bad):
    with pytest.raises(InputError, match=r"expected .*Buddhist-era \(พ.ศ.\) year"):
        fiscal_year_bounds(bad)


def test_fiscal_year_of_rejects_non_dates():
    with pytest.raises(TypeError, match="expected a date"):
        fiscal_year_of("2023-10-01")


# --- Period -----------------------------------------------------------------


def test_period_contains_and_fiscal_years():
    assert FY2566.contains(date(2022, 10, 1))
    assert FY2566.contains(date(2023, 9, 30))
    assert FY2566.contains(datetime(2023, 3, 15, 12, 30, tzinfo=UTC))
    assert not FY2566.contains(date(2022, 9, 30))
    assert not FY2566.contains(date(2023, 10, 1))
    assert FY2566.fiscal_years == (2566,)
    assert Period(date(2022, 9, 1), date(2023, 10, 31)).fiscal_years == (2565, 2566, 2567)
    assert Period(date(2023, 3, 1), date(2023, 3, 31)).fiscal_years == (2566,)


def test_period_is_frozen_and_hashable():
    with pytest.raises(dataclasses.FrozenInstanceError):
        FY2566.start = date(2020, 1, 1)
    assert hash(FY2566) == hash(Period(date(2022, 10, 1), date(2023, 9, 30)))
    assert Period(datetime(2022, 10, 1, 8, tzinfo=UTC), date(2023, 9, 30)) == FY2566


def test_period_rejects_end_before_start():
    with pytest.raises(InputError, match="expected an end date on or after the start date"):
        Period(date(2023, 9, 30), date(2022, 10, 1))


def test_period_rejects_non_dates():
    with pytest.raises(TypeError, match="start must be a date"):
        Period("2022-10-01", date(2023, 9, 30))


# --- parse_period -----------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "ต.ค.๖๕ - ก.ย. ๖๖",
        "ต.ค. ๖๕ - ก.ย. ๖๖",
        "ตค 65 - กย 66",
        "ต.ค.65-ก.ย.66",
        "ต.ค 65 – ก.ย 66",
        "ต. ค. 65 — ก. ย. 66",
        "ต.ค. 2565 ถึง ก.ย. 2566",
        "ตุลาคม ๒๕๖๕ - กันยายน ๒๕๖๖",
        "ตุลาคม พ.ศ. ๒๕๖๕ – กันยายน พ.ศ. ๒๕๖๖",
        "ตั้งแต่เดือนตุลาคม ๒๕๖๕ ถึงเดือนกันยายน ๒๕๖๖",
        "ต.ค. ๖๕ - ก.ย. ๒๕๖๖",
        "ต.ค. - ก.ย. ๖๖",
        "ตุลาคม - กันยายน พ.ศ. 2566",
        "ปีงบประมาณ พ.ศ. ๒๕๖๖",
        "ปีงบประมาณ ๒๕๖๖",
        "ปีงบประมาณ 66",
        "  ต.ค.\u200b๖๕\u00a0-\u00a0ก.ย. ๖๖  ",
    ],
)
def test_parse_period_fiscal_year_2566(text):
    assert parse_period(text) == FY2566


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("มี.ค. ๖๖", date(2023, 3, 1), date(2023, 3, 31)),
        ("มีนาคม 2566", date(2023, 3, 1), date(2023, 3, 31)),
        ("ม.ค. - มี.ค. 66", date(2023, 1, 1), date(2023, 3, 31)),
        ("ก.ย. - ก.ย. 66", date(2023, 9, 1), date(2023, 9, 30)),
        ("ธ.ค. - ม.ค. 67", date(2023, 12, 1), date(2024, 1, 31)),
        ("ต.ค. 66 - ก.พ. 67", date(2023, 10, 1), date(2024, 2, 29)),
        ("ก.พ. 67", date(2024, 2, 1), date(2024, 2, 29)),
        ("ก.พ. 66", date(2023, 2, 1), date(2023, 2, 28)),
        ("ก.พ. 2543", date(2000, 2, 1), date(2000, 2, 29)),
        ("ม.ค. 65 - ธ.ค. 66", date(2022, 1, 1), date(2023, 12, 31)),
        ("กรกฏาคม 2566", date(2023, 7, 1), date(2023, 7, 31)),
    ],
)
def test_parse_period_ranges(text, start, end):
    assert parse_period(text) == Period(start, end)


@pytest.mark.parametrize(
    ("number", "short", "long"),
    [(i + 1, s, n) for i, (s, n) in enumerate(zip(MONTHS_SHORT, MONTHS_LONG, strict=True))],
)
def test_parse_period_every_month_name(number, short, long):
    last = calendar.monthrange(2023, number)[1]
    expected = Period(date(2023, number, 1), date(2023, number, last))
    for text in (
        f"{short} 66",
        f"{short}๖๖",
        f"{short.replace('.', '')} 66",
        f"{short.rstrip('.')} 2566",
        f"{long} 2566",
        f"{long} พ.ศ. ๒๕๖๖",
    ):
        assert parse_period(text) == expected, text


def test_months_tables():
    assert len(MONTHS_SHORT) == len(MONTHS_LONG) == 12
    assert MONTHS_SHORT[0] == "ม.ค."
    assert MONTHS_LONG[0] == "มกราคม"
    assert MONTHS_SHORT[9] == "ต.ค."
    assert MONTHS_LONG[11] == "ธันวาคม"
    assert isinstance(MONTHS_SHORT, tuple)
    assert isinstance(MONTHS_LONG, tuple)


@pytest.mark.parametrize(
    ("text", "message", "expected"),
    [
        ("", "empty value", "a Thai month period such as 'ต.ค. ๖๕ - ก.ย. ๖๖'"),
        ("   ", "empty value", "a Thai month period such as 'ต.ค. ๖๕ - ก.ย. ๖๖'"),
        ("ก.ย. 66 - ต.ค. 65", "ends before it starts", "a Thai month period such as"),
        ("ต.ค. 66 - ก.ย. 66", "ends before it starts", "end month on or after the start month"),
        ("ตค. 65 - กข. 66", "unknown Thai month 'กข.'", "a Thai month name or abbreviation"),
        ("October 2022", "unknown Thai month", "such as 'ต.ค.', 'ตค' or 'ตุลาคม'"),
        ("ต.ค.", "missing year", "a Thai month period such as"),
        ("ต.ค. - ก.ย.", "missing year", "a year after the last month"),
        ("ต.ค. 65 - ก.ย.", "missing year on the end month", "a Thai month period such as"),
        ("ต.ค. 2022 - ก.ย. 2023", "Buddhist-era year was expected", "Buddhist-era (พ.ศ.) year"),
        ("ต.ค. 256 - ก.ย. 66", "not a Buddhist-era year", "Buddhist-era (พ.ศ.) year"),
        ("2566", "missing month", "a Thai month period such as"),
        ("ต.ค. 65 - ", "missing month", "a Thai month period such as"),
        ("ต.ค. 65 - ม.ค. 66 - ก.ย. 66", "too many separators", "a Thai month period such as"),
        ("ปีงบประมาณ", "not a fiscal year", "a fiscal year such as 'ปีงบประมาณ พ.ศ. ๒๕๖๖'"),
        ("ปีงบประมาณ 2022", "Buddhist-era year was expected", "Buddhist-era (พ.ศ.) year"),
        (None, "not a month period", "a Thai month period such as"),
    ],
)
def test_parse_period_rejects_bad_input(text, message, expected):
    with pytest.raises(InputError) as info:
        parse_period(text, source="measures.xlsx", location="row 7, column period")
    error = info.value
    assert message in error.message
    assert expected in error.expected
    assert str(error).startswith("measures.xlsx: row 7, column period: ")
    assert f"expected {error.expected}" in str(error)


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


@pytest.mark.parametrize(
    ("d", "kwargs", "expected"),
    [
        (date(2022, 10, 1), {}, "1 ต.ค. 2565"),
        (date(2022, 10, 1), {"style": "short"}, "1 ต.ค. 2565"),
        (date(2022, 10, 1), {"style": "long"}, "1 ตุลาคม พ.ศ. 2565"),
        (date(2024, 2, 29), {"thai_digits": True}, "๒๙ ก.พ. ๒๕๖๗"),
        (date(2023, 12, 31), {"style": "long", "thai_digits": True}, "๓๑ ธันวาคม พ.ศ. ๒๕๖๖"),
        (datetime(2023, 5, 4, 10, 0, tzinfo=UTC), {}, "4 พ.ค. 2566"),
    ],
)
def test_format_date(d, kwargs, expected):
    assert format_date(d, **kwargs) == expected


def test_format_date_rejects_unknown_style():
    with pytest.raises(ValueError, match="style must be 'short' or 'long'"):
        format_date(date(2022, 10, 1), style="medium")


@pytest.mark.parametrize(
    ("period", "kwargs", "expected"),
    [
        (FY2566, {}, "ต.ค. 2565 – ก.ย. 2566"),
        (FY2566, {"thai_digits": True}, "ต.ค. ๒๕๖๕ – ก.ย. ๒๕๖๖"),
        (Period(date(2023, 3, 1), date(2023, 3, 31)), {}, "มี.ค. 2566"),
        (Period(date(2023, 12, 1), date(2024, 2, 29)), {}, "ธ.ค. 2566 – ก.พ. 2567"),
        (Period(date(2022, 10, 15), date(2022, 10, 20)), {}, "15 ต.ค. 2565 – 20 ต.ค. 2565"),
        (Period(date(2022, 10, 15), date(2022, 10, 15)), {}, "15 ต.ค. 2565"),
    ],
)
def test_format_period(period, kwargs, expected):
    assert format_period(period, **kwargs) == expected


@pytest.mark.parametrize(
    "period",
    [
        FY2566,
        Period(date(2023, 3, 1), date(2023, 3, 31)),
        Period(date(2023, 12, 1), date(2024, 2, 29)),
    ],
)
@pytest.mark.parametrize("thai_digits", [False, True])
def test_format_period_round_trips(period, thai_digits):
    assert parse_period(format_period(period, thai_digits=thai_digits)) == period


def test_format_period_rejects_non_periods():
    with pytest.raises(TypeError, match="expected a Period"):
        format_period((date(2022, 10, 1), date(2023, 9, 30)))


@pytest.mark.parametrize(
    ("fy", "kwargs", "expected"),
    [
        (2565, {}, "ปีงบประมาณ พ.ศ. 2565"),
        (2566, {"thai_digits": True}, "ปีงบประมาณ พ.ศ. ๒๕๖๖"),
    ],
)
def test_format_fiscal_year(fy, kwargs, expected):
    text = format_fiscal_year(fy, **kwargs)
    assert text == expected
    assert parse_period(text) == Period(*fiscal_year_bounds(fy))


@pytest.mark.parametrize(
    ("args", "kwargs", "expected"),
    [
        ((2565,), {}, "พ.ศ. 2565"),
        ((2565, True), {}, "พ.ศ. ๒๕๖๕"),
        ((2565,), {"thai_digits": True}, "พ.ศ. ๒๕๖๕"),
        ((2566,), {"prefix": False}, "2566"),
        ((2566,), {"prefix": False, "thai_digits": True}, "๒๕๖๖"),
    ],
)
def test_format_be_year(args, kwargs, expected):
    text = format_be_year(*args, **kwargs)
    assert text == expected
    assert parse_be_year(text) == args[0]


@pytest.mark.parametrize("func", [format_fiscal_year, format_be_year])
@pytest.mark.parametrize("bad", [2022, 66, True, None])
def test_year_formatters_reject_non_be_years(func, bad):
    with pytest.raises(InputError, match="Buddhist-era"):
        func(bad)
