"""Thai digits, Buddhist-era years, fiscal years and month periods.

ITA documents are written in Thai: numbers may use Thai digits (``๙๒.๕๖``),
years are Buddhist-era (พ.ศ., CE + 543, often shortened to two digits such as
``๖๖``), and reporting periods are month ranges such as ``ต.ค.๖๕ - ก.ย. ๖๖``.
The Thai government fiscal year runs from 1 October to 30 September and is
named by the BE year in which it ends (ปีงบประมาณ พ.ศ. ๒๕๖๖ is
1 Oct 2022 - 30 Sep 2023).

Every function here is pure. Parsing functions raise
:class:`ita_lib.exceptions.InputError` for bad user text and accept the
``source``/``location`` keyword arguments their callers use to say where the
text came from.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from ita_lib.exceptions import InputError
from ita_lib.text.decimals import round_half_up, to_decimal

__all__ = [
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

MONTHS_SHORT: tuple[str, ...] = (
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
)
"""Abbreviated Thai month names; index 0 is January."""

MONTHS_LONG: tuple[str, ...] = (
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
)
"""Full Thai month names; index 0 is January."""

_BE_OFFSET = 543
_MIN_BE_YEAR = 2400
_MAX_BE_YEAR = 9999
_FISCAL_START_MONTH = 10

_THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
_ARABIC_DIGITS = "0123456789"
_TO_ARABIC = str.maketrans(_THAI_DIGITS, _ARABIC_DIGITS)
_TO_THAI = str.maketrans(_ARABIC_DIGITS, _THAI_DIGITS)

# Characters that PDF and Word exports leave in Thai text and that carry no meaning.
_INVISIBLE = str.maketrans({"\u200b": None, "\u200c": None, "\u200d": None, "\ufeff": None})
_MINUS_SIGNS = str.maketrans({"\u2212": "-"})

_NUMBER_RE = re.compile(r"[+-]?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+)")
_BE_PREFIX = r"พ\s*\.?\s*ศ\s*\.?"
_BE_PREFIX_RE = re.compile(rf"^{_BE_PREFIX}\s*")
_FISCAL_RE = re.compile(rf"ปีงบ(?:ประมาณ)?\s*(?:{_BE_PREFIX})?\s*(?P<year>\d+)")
_SEPARATOR_RE = re.compile(r"\s*(?:-|–|—|ถึง)\s*")
_SIDE_RE = re.compile(rf"(?P<month>.*?)\s*(?:{_BE_PREFIX})?\s*(?P<year>\d+)?")
_LEADING_WORDS_RE = re.compile(r"(?:ตั้งแต่|เดือน)\s*")

_PERIOD_EXAMPLE = "a Thai month period such as 'ต.ค. ๖๕ - ก.ย. ๖๖'"
_MONTH_EXAMPLE = "a Thai month name or abbreviation such as 'ต.ค.', 'ตค' or 'ตุลาคม'"
_BE_YEAR_EXAMPLE = "a Buddhist-era (พ.ศ.) year such as '๒๕๖๖', '2566' or '66'"


def _month_lookup() -> dict[str, int]:
    """Map each month spelling, without dots and spaces, to its number (1-12)."""
    lookup: dict[str, int] = {}
    for number, (short, long) in enumerate(zip(MONTHS_SHORT, MONTHS_LONG, strict=True), 1):
        lookup[short.replace(".", "")] = number
        lookup[long] = number
    lookup["กรกฏาคม"] = 7  # a very common misspelling (ฏ for ฎ)
    lookup["กุมภาพันธ"] = 2  # thanthakhat lost in copy-paste
    return lookup


_MONTHS = _month_lookup()


def to_arabic_digits(text: str) -> str:
    """Replace Thai digits (๐-๙) with Arabic digits (0-9).

    Parameters
    ----------
    text
        Any text; characters other than Thai digits are kept as they are.

    Returns
    -------
    str
        ``text`` with every Thai digit replaced by the same Arabic digit.

    Raises
    ------
    TypeError
        If ``text`` is not a string.
    """
    if not isinstance(text, str):
        msg = f"expected a string, got {type(text).__name__}"
        raise TypeError(msg)
    return text.translate(_TO_ARABIC)


def to_thai_digits(text: str) -> str:
    """Replace Arabic digits (0-9) with Thai digits (๐-๙).

    Parameters
    ----------
    text
        Any text; characters other than Arabic digits are kept as they are.

    Returns
    -------
    str
        ``text`` with every Arabic digit replaced by the same Thai digit.

    Raises
    ------
    TypeError
        If ``text`` is not a string.
    """
    if not isinstance(text, str):
        msg = f"expected a string, got {type(text).__name__}"
        raise TypeError(msg)
    return text.translate(_TO_THAI)


def _clean(text: str) -> str:
    """Return ``text`` with Arabic digits, no invisible characters and single spaces."""
    text = to_arabic_digits(text).translate(_INVISIBLE)
    return " ".join(text.split())


def parse_number(
    text: str | float | Decimal,
    *,
    source: str | None = None,
    location: str | None = None,
) -> Decimal:
    """Parse a number written with Thai or Arabic digits.

    Surrounding spaces and a comma thousands separator are accepted
    (``" ๑,๒๓๔.๕ "`` is ``Decimal("1234.5")``). Ints, floats and Decimals are
    converted exactly (floats through ``repr``, so ``92.56`` stays ``92.56``).

    Parameters
    ----------
    text
        The number as text, or an int, float or Decimal.
    source, location
        Where ``text`` came from, for the error message.

    Returns
    -------
    Decimal
        The number.

    Raises
    ------
    InputError
        If ``text`` is empty, not a number, not finite, or a bool.
    """
    expected = "a number such as '92.56' or '๙๒.๕๖'"
    if isinstance(text, bool) or not isinstance(text, str | int | float | Decimal):
        msg = f"not a number: a {type(text).__name__}"
        raise InputError(
            msg,
            source=source,
            location=location,
            expected=expected,
            found=text,
        )
    if isinstance(text, str):
        cleaned = _clean(text).translate(_MINUS_SIGNS)
        if not _NUMBER_RE.fullmatch(cleaned):
            message = "empty value where a number was expected" if not cleaned else "not a number"
            raise InputError(
                message, source=source, location=location, expected=expected, found=text
            )
        return Decimal(cleaned.replace(",", ""))
    try:
        return to_decimal(text)
    except (TypeError, ValueError):
        msg = "not a finite number"
        raise InputError(
            msg,
            source=source,
            location=location,
            expected=expected,
            found=text,
        ) from None


def _require_int(year: object, name: str = "year") -> int:
    """Return ``year`` if it is an int (and not a bool), else raise TypeError."""
    if isinstance(year, bool) or not isinstance(year, int):
        msg = f"{name} must be an int, got {type(year).__name__}"
        raise TypeError(msg)
    return year


def _check_be_year(year: object) -> int:
    """Return ``year`` if it is a plausible Buddhist-era year, else raise InputError."""
    if isinstance(year, bool) or not isinstance(year, int):
        msg = "a Buddhist-era year must be a whole number"
        raise InputError(
            msg,
            expected=_BE_YEAR_EXAMPLE,
            found=year,
        )
    if not _MIN_BE_YEAR <= year <= _MAX_BE_YEAR:
        msg = f"{year} is not a Buddhist-era (พ.ศ.) year"
        raise InputError(
            msg,
            expected=f"a Buddhist-era (พ.ศ.) year from {_MIN_BE_YEAR} to {_MAX_BE_YEAR}",
            found=year,
        )
    return year


def be_to_ce(year: int) -> int:
    """Convert a Buddhist-era (พ.ศ.) year to a Christian-era (ค.ศ.) year.

    Parameters
    ----------
    year
        A BE year, e.g. ``2565``.

    Returns
    -------
    int
        The CE year, ``year - 543`` (``2565 -> 2022``).

    Raises
    ------
    TypeError
        If ``year`` is not an int.
    """
    return _require_int(year) - _BE_OFFSET


def ce_to_be(year: int) -> int:
    """Convert a Christian-era (ค.ศ.) year to a Buddhist-era (พ.ศ.) year.

    Parameters
    ----------
    year
        A CE year, e.g. ``2022``.

    Returns
    -------
    int
        The BE year, ``year + 543`` (``2022 -> 2565``).

    Raises
    ------
    TypeError
        If ``year`` is not an int.
    """
    return _require_int(year) + _BE_OFFSET


def _expand_two_digit_year(two_digits: int, pivot_be: int | None) -> int:
    """Return the BE year ending in ``two_digits`` (25xx, or the one nearest ``pivot_be``)."""
    if pivot_be is None:
        return 2500 + two_digits
    base = pivot_be - pivot_be % 100 + two_digits
    return min((base - 100, base, base + 100), key=lambda year: (abs(year - pivot_be), year))


def parse_be_year(
    text: str | int,
    *,
    pivot_be: int | None = None,
    source: str | None = None,
    location: str | None = None,
) -> int:
    """Parse a Buddhist-era year such as ``"พ.ศ. ๒๕๖๕"``, ``"2565"`` or ``"๖๕"``.

    An optional ``พ.ศ.`` prefix (with or without dots and spaces) is allowed.
    Two-digit years are 25xx (``"65" -> 2565``) unless ``pivot_be`` is given,
    in which case they become the year with those last two digits nearest to
    ``pivot_be`` (ties go to the earlier year).

    Parameters
    ----------
    text
        The year as text in Thai or Arabic digits, or as an int.
    pivot_be
        Reference BE year for two-digit years; ``None`` means 25xx.
    source, location
        Where ``text`` came from, for the error message.

    Returns
    -------
    int
        The four-digit BE year.

    Raises
    ------
    InputError
        If ``text`` is not a 2- or 4-digit year, or is a 4-digit year below
        2400 (a Christian-era year such as 2022 where BE was expected).
    ValueError
        If ``pivot_be`` is not a plausible BE year.
    """
    if pivot_be is not None and (
        isinstance(pivot_be, bool)
        or not isinstance(pivot_be, int)
        or not _MIN_BE_YEAR <= pivot_be <= _MAX_BE_YEAR
    ):
        msg = f"pivot_be must be a BE year from {_MIN_BE_YEAR} to {_MAX_BE_YEAR}, got {pivot_be!r}"
        raise ValueError(msg)
    if isinstance(text, bool) or not isinstance(text, str | int):
        msg = "not a year"
        raise InputError(
            msg,
            source=source,
            location=location,
            expected=_BE_YEAR_EXAMPLE,
            found=text,
        )
    cleaned = _BE_PREFIX_RE.sub("", _clean(str(text)), count=1)
    if not cleaned.isascii() or not cleaned.isdigit() or len(cleaned) not in (2, 4):
        msg = "not a Buddhist-era year" if cleaned else "empty value where a year was expected"
        raise InputError(
            msg,
            source=source,
            location=location,
            expected=_BE_YEAR_EXAMPLE,
            found=text,
        )
    year = int(cleaned)
    if len(cleaned) == 2:
        return _expand_two_digit_year(year, pivot_be)
    if year < _MIN_BE_YEAR:
        hint = f" ({year} CE is {year + _BE_OFFSET} BE)" if year >= 1000 else ""
        msg = (
            f"{year} looks like a Christian-era (ค.ศ.) year where a Buddhist-era year "
            f"was expected{hint}"
        )
        raise InputError(
            msg,
            source=source,
            location=location,
            expected=_BE_YEAR_EXAMPLE,
            found=text,
        )
    return year


def fiscal_year_bounds(fy_be: int) -> tuple[date, date]:
    """Return the first and last day of a Thai government fiscal year.

    Parameters
    ----------
    fy_be
        The fiscal year, named by the BE year in which it ends (``2566``).

    Returns
    -------
    tuple of date
        ``(1 October of the previous year, 30 September of the year)``;
        ``2566 -> (date(2022, 10, 1), date(2023, 9, 30))``.

    Raises
    ------
    InputError
        If ``fy_be`` is not a BE year (an int from 2400 to 9999).
    """
    end_ce = be_to_ce(_check_be_year(fy_be))
    return date(end_ce - 1, _FISCAL_START_MONTH, 1), date(end_ce, _FISCAL_START_MONTH - 1, 30)


def fiscal_year_of(d: date) -> int:
    """Return the Thai government fiscal year (BE) that contains a date.

    Parameters
    ----------
    d
        Any date (a datetime counts as its date).

    Returns
    -------
    int
        The BE fiscal year: dates from October on belong to the next year's
        fiscal year (``date(2022, 10, 1) -> 2566``, ``date(2023, 9, 30) -> 2566``).

    Raises
    ------
    TypeError
        If ``d`` is not a date.
    """
    if not isinstance(d, date):
        msg = f"expected a date, got {type(d).__name__}"
        raise TypeError(msg)
    return ce_to_be(d.year + (1 if d.month >= _FISCAL_START_MONTH else 0))


def _as_date(value: object, name: str) -> date:
    """Return ``value`` as a plain date (datetimes lose their time), else raise TypeError."""
    if isinstance(value, datetime):
        return value.date()
    if not isinstance(value, date):
        msg = f"{name} must be a date, got {type(value).__name__}"
        raise TypeError(msg)
    return value


def _last_day(year_ce: int, month: int) -> date:
    """Return the last day of a month."""
    return date(year_ce, month, calendar.monthrange(year_ce, month)[1])


@dataclass(frozen=True)
class Period:
    """An inclusive range of dates, usually whole months (a reporting period).

    Parameters
    ----------
    start
        First day of the period.
    end
        Last day of the period (inclusive); not before ``start``.

    Raises
    ------
    InputError
        If ``end`` is before ``start``.
    TypeError
        If ``start`` or ``end`` is not a date.
    """

    start: date
    end: date

    def __post_init__(self) -> None:
        object.__setattr__(self, "start", _as_date(self.start, "start"))
        object.__setattr__(self, "end", _as_date(self.end, "end"))
        if self.end < self.start:
            msg = "the period ends before it starts"
            raise InputError(
                msg,
                expected="an end date on or after the start date",
                found=f"{self.start.isoformat()} .. {self.end.isoformat()}",
            )

    def contains(self, d: date) -> bool:
        """Tell whether a date falls inside the period (both ends included).

        Parameters
        ----------
        d
            The date to test (a datetime counts as its date).

        Returns
        -------
        bool
            ``True`` if ``start <= d <= end``.

        Raises
        ------
        TypeError
            If ``d`` is not a date.
        """
        return self.start <= _as_date(d, "d") <= self.end

    @property
    def fiscal_years(self) -> tuple[int, ...]:
        """Return the BE fiscal years the period touches, in order.

        Returns
        -------
        tuple of int
            Every fiscal year from the one containing ``start`` to the one
            containing ``end``.
        """
        return tuple(range(fiscal_year_of(self.start), fiscal_year_of(self.end) + 1))


def _parse_side(
    side: str, original: str, source: str | None, location: str | None
) -> tuple[int, int | None]:
    """Parse ``"ต.ค. ๖๕"``-like text into (month number, BE year or None)."""
    side = _LEADING_WORDS_RE.sub("", side)
    match = _SIDE_RE.fullmatch(side)
    month_text = match["month"] if match else side
    key = month_text.replace(".", "").replace(" ", "")
    if not key:
        msg = f"missing month in {side!r}" if side else "missing month"
        raise InputError(
            msg,
            source=source,
            location=location,
            expected=_PERIOD_EXAMPLE,
            found=original,
        )
    if match is None or key not in _MONTHS:
        msg = f"unknown Thai month {month_text!r}"
        raise InputError(
            msg,
            source=source,
            location=location,
            expected=_MONTH_EXAMPLE,
            found=original,
        )
    year_text = match["year"]
    year = None if year_text is None else parse_be_year(year_text, source=source, location=location)
    return _MONTHS[key], year


def parse_period(
    text: str,
    *,
    source: str | None = None,
    location: str | None = None,
) -> Period:
    """Parse a Thai month period such as ``"ต.ค.๖๕ - ก.ย. ๖๖"``.

    Accepted forms:

    * a range ``START - END`` with separator ``-``, ``–``, ``—`` or ``ถึง``;
    * a single month (``"มี.ค. ๖๖"`` is the whole of March 2023);
    * a fiscal year, ``"ปีงบประมาณ พ.ศ. ๒๕๖๖"`` or ``"ปีงบประมาณ ๒๕๖๖"``.

    A month is a full name (``ตุลาคม``) or an abbreviation with or without
    dots and spaces (``ต.ค.``, ``ต.ค``, ``ตค``), optionally preceded by
    ``เดือน``, and followed by an optional ``พ.ศ.`` and a 2- or 4-digit BE
    year in Thai or Arabic digits. The start month may leave out its year: it
    takes the end's year when that keeps start <= end, otherwise the year
    before (``"ต.ค. - ก.ย. ๖๖"`` is 1 Oct 2022 - 30 Sep 2023).

    Parameters
    ----------
    text
        The period as written in the document.
    source, location
        Where ``text`` came from, for the error message.

    Returns
    -------
    Period
        From the first day of the start month to the last day of the end month.

    Raises
    ------
    InputError
        If the text is not a period, names an unknown month, lacks the end
        year, has a year that is not BE, or ends before it starts.
    """
    if not isinstance(text, str):
        msg = "not a month period"
        raise InputError(
            msg,
            source=source,
            location=location,
            expected=_PERIOD_EXAMPLE,
            found=text,
        )
    cleaned = _clean(text)
    if not cleaned:
        msg = "empty value where a month period was expected"
        raise InputError(
            msg,
            source=source,
            location=location,
            expected=_PERIOD_EXAMPLE,
            found=text,
        )

    if cleaned.startswith("ปีงบ"):
        fiscal = _FISCAL_RE.fullmatch(cleaned)
        if fiscal is None:
            msg = "not a fiscal year"
            raise InputError(
                msg,
                source=source,
                location=location,
                expected="a fiscal year such as 'ปีงบประมาณ พ.ศ. ๒๕๖๖'",
                found=text,
            )
        year = parse_be_year(fiscal["year"], source=source, location=location)
        return Period(*fiscal_year_bounds(year))

    sides = _SEPARATOR_RE.split(cleaned)
    if len(sides) > 2:
        msg = "too many separators in the month period"
        raise InputError(
            msg,
            source=source,
            location=location,
            expected=_PERIOD_EXAMPLE,
            found=text,
        )
    end_month, end_year = _parse_side(sides[-1], text, source, location)
    if end_year is None:
        msg = "missing year" if len(sides) == 1 else "missing year on the end month"
        raise InputError(
            msg,
            source=source,
            location=location,
            expected=f"{_PERIOD_EXAMPLE} (a year after the last month)",
            found=text,
        )
    if len(sides) == 1:
        start_month, start_year = end_month, end_year
    else:
        start_month, start_year = _parse_side(sides[0], text, source, location)
        if start_year is None:
            start_year = end_year if start_month <= end_month else end_year - 1
    if (start_year, start_month) > (end_year, end_month):
        msg = "the period ends before it starts"
        raise InputError(
            msg,
            source=source,
            location=location,
            expected=f"{_PERIOD_EXAMPLE}, with the end month on or after the start month",
            found=text,
        )
    return Period(
        date(be_to_ce(start_year), start_month, 1), _last_day(be_to_ce(end_year), end_month)
    )


def _digits(text: str, thai_digits: bool) -> str:
    """Return ``text`` with Thai digits if ``thai_digits`` is true."""
    return to_thai_digits(text) if thai_digits else text


def format_score(
    value: Decimal | float | str, *, places: int = 2, thai_digits: bool = False
) -> str:
    """Format a score with a fixed number of decimals, rounding halves up.

    Parameters
    ----------
    value
        The score: a Decimal, float, int, or text accepted by :func:`parse_number`.
    places
        Number of decimals (``2`` gives ``"92.56"``; ``0`` gives ``"93"``).
    thai_digits
        Write Thai digits (``"๙๒.๕๖"``) instead of Arabic ones.

    Returns
    -------
    str
        The rounded score, e.g. ``"100.00"`` for ``100`` and ``"0.13"`` for ``0.125``.

    Raises
    ------
    InputError
        If ``value`` is not a finite number (or is a bool).
    ValueError
        If ``places`` is not a non-negative int.
    """
    if isinstance(places, bool) or not isinstance(places, int) or places < 0:
        msg = f"places must be a non-negative int, got {places!r}"
        raise ValueError(msg)
    rounded = round_half_up(parse_number(value), places)
    if rounded.is_zero():
        rounded = abs(rounded)  # no "-0.00"
    return _digits(f"{rounded:f}", thai_digits)


def format_date(d: date, *, style: str = "short", thai_digits: bool = False) -> str:
    """Format a date the Thai way, with a Buddhist-era year.

    Parameters
    ----------
    d
        The date (a datetime counts as its date).
    style
        ``"short"`` gives ``"1 ต.ค. 2565"``; ``"long"`` gives ``"1 ตุลาคม พ.ศ. 2565"``.
    thai_digits
        Write Thai digits instead of Arabic ones.

    Returns
    -------
    str
        The formatted date.

    Raises
    ------
    ValueError
        If ``style`` is neither ``"short"`` nor ``"long"``.
    TypeError
        If ``d`` is not a date.
    """
    d = _as_date(d, "d")
    if style == "short":
        text = f"{d.day} {MONTHS_SHORT[d.month - 1]} {ce_to_be(d.year)}"
    elif style == "long":
        text = f"{d.day} {MONTHS_LONG[d.month - 1]} พ.ศ. {ce_to_be(d.year)}"
    else:
        msg = f"style must be 'short' or 'long', got {style!r}"
        raise ValueError(msg)
    return _digits(text, thai_digits)


def format_period(p: Period, *, thai_digits: bool = False) -> str:
    """Format a period as Thai month range, e.g. ``"ต.ค. 2565 – ก.ย. 2566"``.

    A period of whole months is written with months only (one month alone if
    it starts and ends in the same month); any other period is written with
    full dates (``"15 ต.ค. 2565 – 20 ต.ค. 2565"``). The output parses back
    with :func:`parse_period` when the period is whole months.

    Parameters
    ----------
    p
        The period.
    thai_digits
        Write Thai digits instead of Arabic ones.

    Returns
    -------
    str
        The formatted period, with an en dash between start and end.

    Raises
    ------
    TypeError
        If ``p`` is not a :class:`Period`.
    """
    if not isinstance(p, Period):
        msg = f"expected a Period, got {type(p).__name__}"
        raise TypeError(msg)
    whole_months = p.start.day == 1 and p.end == _last_day(p.end.year, p.end.month)
    if whole_months:
        start = f"{MONTHS_SHORT[p.start.month - 1]} {ce_to_be(p.start.year)}"
        end = f"{MONTHS_SHORT[p.end.month - 1]} {ce_to_be(p.end.year)}"
    else:
        start, end = format_date(p.start), format_date(p.end)
    text = start if start == end else f"{start} – {end}"
    return _digits(text, thai_digits)


def format_fiscal_year(fy_be: int, *, thai_digits: bool = False) -> str:
    """Format a fiscal year, e.g. ``"ปีงบประมาณ พ.ศ. 2565"``.

    Parameters
    ----------
    fy_be
        The BE fiscal year.
    thai_digits
        Write Thai digits instead of Arabic ones.

    Returns
    -------
    str
        ``"ปีงบประมาณ พ.ศ. "`` followed by the year.

    Raises
    ------
    InputError
        If ``fy_be`` is not a BE year (an int from 2400 to 9999).
    """
    return _digits(f"ปีงบประมาณ พ.ศ. {_check_be_year(fy_be)}", thai_digits)


def format_be_year(fy_be: int, thai_digits: bool = False, *, prefix: bool = True) -> str:
    """Format a Buddhist-era year, e.g. ``"พ.ศ. 2565"``.

    Parameters
    ----------
    fy_be
        The BE year.
    thai_digits
        Write Thai digits instead of Arabic ones.
    prefix
        Start with ``"พ.ศ. "``; ``False`` gives the bare year (``"2565"``).

    Returns
    -------
    str
        The formatted year.

    Raises
    ------
    InputError
        If ``fy_be`` is not a BE year (an int from 2400 to 9999).
    """
    year = str(_check_be_year(fy_be))
    return _digits(f"พ.ศ. {year}" if prefix else year, thai_digits)
