"""Buddhist-era years, Thai fiscal years, Thai month names and Thai dates.

Years in ITA documents are Buddhist-era (พ.ศ., CE + 543, often shortened to two digits such as
``๖๖``). The Thai government fiscal year runs from 1 October to 30 September and is named by
the BE year in which it ends (ปีงบประมาณ พ.ศ. ๒๕๖๖ is 1 Oct 2022 - 30 Sep 2023).

Every function here is pure. :func:`parse_be_year` raises :class:`ita_lib.exceptions.InputError`
for bad user text and accepts the ``source``/``location`` keyword arguments its callers use to
say where the text came from.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from ita_lib.exceptions import InputError
from ita_lib.text.digits import clean_text, digits_as

__all__ = [
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

BE_PREFIX_PATTERN = r"พ\s*\.?\s*ศ\s*\.?"
"""Regular expression of the ``พ.ศ.`` prefix, with or without dots and spaces."""
_BE_PREFIX_RE = re.compile(rf"^{BE_PREFIX_PATTERN}\s*")

_BE_YEAR_EXAMPLE = "a Buddhist-era (พ.ศ.) year such as '๒๕๖๖', '2566' or '66'"


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
    _check_pivot(pivot_be)
    cleaned = _year_digits(text, source, location)
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


def _check_pivot(pivot_be: object) -> None:
    """Raise ValueError unless ``pivot_be`` is None or a plausible BE year."""
    if pivot_be is not None and (
        isinstance(pivot_be, bool)
        or not isinstance(pivot_be, int)
        or not _MIN_BE_YEAR <= pivot_be <= _MAX_BE_YEAR
    ):
        msg = f"pivot_be must be a BE year from {_MIN_BE_YEAR} to {_MAX_BE_YEAR}, got {pivot_be!r}"
        raise ValueError(msg)


def _year_digits(text: object, source: str | None, location: str | None) -> str:
    """Return the 2 or 4 Arabic digits of a year as written, without a ``พ.ศ.`` prefix."""
    if isinstance(text, bool) or not isinstance(text, str | int):
        msg = "not a year"
        raise InputError(
            msg,
            source=source,
            location=location,
            expected=_BE_YEAR_EXAMPLE,
            found=text,
        )
    cleaned = _BE_PREFIX_RE.sub("", clean_text(str(text)), count=1)
    if not cleaned.isascii() or not cleaned.isdigit() or len(cleaned) not in (2, 4):
        msg = "not a Buddhist-era year" if cleaned else "empty value where a year was expected"
        raise InputError(
            msg,
            source=source,
            location=location,
            expected=_BE_YEAR_EXAMPLE,
            found=text,
        )
    return cleaned


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


def as_date(value: object, name: str) -> date:
    """Return ``value`` as a plain date (datetimes lose their time).

    Parameters
    ----------
    value
        A date or datetime.
    name
        The argument's name, for the error message.

    Returns
    -------
    date
        The date.

    Raises
    ------
    TypeError
        If ``value`` is not a date.
    """
    if isinstance(value, datetime):
        return value.date()
    if not isinstance(value, date):
        msg = f"{name} must be a date, got {type(value).__name__}"
        raise TypeError(msg)
    return value


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
    d = as_date(d, "d")
    if style == "short":
        text = f"{d.day} {MONTHS_SHORT[d.month - 1]} {ce_to_be(d.year)}"
    elif style == "long":
        text = f"{d.day} {MONTHS_LONG[d.month - 1]} พ.ศ. {ce_to_be(d.year)}"
    else:
        msg = f"style must be 'short' or 'long', got {style!r}"
        raise ValueError(msg)
    return digits_as(text, thai_digits)


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
    return digits_as(f"ปีงบประมาณ พ.ศ. {_check_be_year(fy_be)}", thai_digits)


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
    return digits_as(f"พ.ศ. {year}" if prefix else year, thai_digits)
