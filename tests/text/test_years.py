"""Tests for ita_lib.text.years: BE years, fiscal years, month names and dates."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from ita_lib.exceptions import InputError
from ita_lib.text import years
from ita_lib.text.periods import Period, parse_period
from ita_lib.text.years import (
    MONTHS_LONG,
    MONTHS_SHORT,
    be_to_ce,
    ce_to_be,
    fiscal_year_bounds,
    fiscal_year_of,
    format_be_year,
    format_date,
    format_fiscal_year,
    parse_be_year,
)


def test_all_lists_public_names():
    assert sorted(years.__all__) == sorted(
        [
            "BE_PREFIX_PATTERN",
            "MONTHS_LONG",
            "MONTHS_SHORT",
            "as_date",
            "be_to_ce",
            "ce_to_be",
            "fiscal_year_bounds",
            "fiscal_year_of",
            "format_be_year",
            "format_date",
            "format_fiscal_year",
            "parse_be_year",
        ]
    )
    for name in years.__all__:
        assert getattr(years, name) is not None


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


def test_months_tables():
    assert len(MONTHS_SHORT) == len(MONTHS_LONG) == 12
    assert MONTHS_SHORT[0] == "ม.ค."
    assert MONTHS_LONG[0] == "มกราคม"
    assert MONTHS_SHORT[9] == "ต.ค."
    assert MONTHS_LONG[11] == "ธันวาคม"
    assert isinstance(MONTHS_SHORT, tuple)
    assert isinstance(MONTHS_LONG, tuple)


# --- display ----------------------------------------------------------------


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
