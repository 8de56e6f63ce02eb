"""Tests for ita_lib.text.periods: reporting periods, parsed and formatted."""

from __future__ import annotations

import calendar
import dataclasses
from datetime import UTC, date, datetime

import pytest

from ita_lib.exceptions import InputError
from ita_lib.text import periods
from ita_lib.text.periods import Period, format_period, parse_period, periods_in
from ita_lib.text.years import MONTHS_LONG, MONTHS_SHORT

FY2566 = Period(date(2022, 10, 1), date(2023, 9, 30))


def test_all_lists_public_names():
    assert sorted(periods.__all__) == sorted(
        [
            "Period",
            "format_period",
            "parse_period",
            "periods_in",
        ]
    )
    for name in periods.__all__:
        assert getattr(periods, name) is not None


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
    ("text", "span"),
    [
        (
            "ต.ค. 2569 – มี.ค. 2570 (ประเมิน) และ เม.ย. – ก.ย. 2570 (ติดตาม)",
            ("2026-10-01", "2027-09-30"),
        ),
        ("ต.ค. – ธ.ค. ๖๘ และ ม.ค. – ก.ย. ๖๙", ("2025-10-01", "2026-09-30")),
        ("รายไตรมาส (ธ.ค. 2569, มี.ค. 2570, มิ.ย. 2570, ก.ย. 2570)", ("2026-12-01", "2027-09-30")),
        ("ทุกเดือน ต.ค. 2569 – ก.ย. 2570", ("2026-10-01", "2027-09-30")),
        ("ต.ค. 2569 – ธ.ค. 2569 และตรวจสอบต่อเนื่องทุกเดือน", ("2026-10-01", "2026-12-31")),
        ("ตุลาคม ๒๕๖๘ ถึง กันยายน ๒๕๖๙", ("2025-10-01", "2026-09-30")),
        ("ภายในวันที่ 10 ของทุกเดือน", None),  # no month
        ("ต.ค. – ธ.ค.", None),  # no year
        ("มีความต่อเนื่อง 2569", None),  # มี...ค in a word is no month
        ("ต.ค. 2569 - ก.ย. 2570 (ตามมติ ครม. 12 มี.ค. 2567)", ("2026-10-01", "2027-09-30")),  # a date
        ("ต.ค. 2569 - ก.ย. 2570 รายงานผลภายใน 15 ต.ค. 2570", ("2026-10-01", "2027-09-30")),
        ("ปีงบประมาณ 2570 (ต.ค. 69 - ก.ย. 70) ประชุมทบทวน มิ.ย. 2568", None),  # over two years
        ("ตั้งแต่ ต.ค. 2569 เป็นต้นไป", None),  # open
        ("ต.ค. 2569 – ก.ย.", None),  # a month after the last year
        ("ต.ค. 2569 - 2570", None),  # one month and a range's dash
    ],
)
def test_periods_in_a_text_give_their_span(text, span):
    found = periods_in(text)
    assert (None if found is None else (found.start.isoformat(), found.end.isoformat())) == span
