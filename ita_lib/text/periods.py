"""Reporting periods: ranges of dates, usually whole Thai months, parsed and displayed.

Reporting periods in ITA documents are month ranges such as ``ต.ค.๖๕ - ก.ย. ๖๖``, single months
or fiscal years (``ปีงบประมาณ พ.ศ. ๒๕๖๖``). Every function here is pure. :func:`parse_period`
raises :class:`ita_lib.exceptions.InputError` for bad user text and accepts the
``source``/``location`` keyword arguments its callers use to say where the text came from.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from ita_lib.exceptions import InputError
from ita_lib.text.digits import clean_text, digits_as
from ita_lib.text.years import (
    BE_PREFIX_PATTERN,
    MONTHS_LONG,
    MONTHS_SHORT,
    as_date,
    be_to_ce,
    ce_to_be,
    fiscal_year_bounds,
    fiscal_year_of,
    format_date,
    parse_be_year,
)

__all__ = ["Period", "format_period", "parse_period", "periods_in"]

_FISCAL_RE = re.compile(rf"ปีงบ(?:ประมาณ)?\s*(?:{BE_PREFIX_PATTERN})?\s*(?P<year>\d+)")
_SEPARATOR_RE = re.compile(r"\s*(?:-|–|—|ถึง)\s*")
_SIDE_RE = re.compile(rf"(?P<month>.*?)\s*(?:{BE_PREFIX_PATTERN})?\s*(?P<year>\d+)?")
_LEADING_WORDS_RE = re.compile(r"(?:ตั้งแต่|เดือน)\s*")

_PERIOD_EXAMPLE = "a Thai month period such as 'ต.ค. ๖๕ - ก.ย. ๖๖'"
_MONTH_EXAMPLE = "a Thai month name or abbreviation such as 'ต.ค.', 'ตค' or 'ตุลาคม'"


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
        object.__setattr__(self, "start", as_date(self.start, "start"))
        object.__setattr__(self, "end", as_date(self.end, "end"))
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
        return self.start <= as_date(d, "d") <= self.end

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
    cleaned = _period_text(text, source, location)
    if cleaned.startswith("ปีงบ"):
        return _fiscal_year_period(cleaned, text, source, location)
    (start_year, start_month), (end_year, end_month) = _month_range(cleaned, text, source, location)
    return Period(
        date(be_to_ce(start_year), start_month, 1), _last_day(be_to_ce(end_year), end_month)
    )


def _period_text(text: object, source: str | None, location: str | None) -> str:
    """Return the period as cleaned text (Arabic digits, single spaces); reject non-text."""
    if not isinstance(text, str):
        msg = "not a month period"
        raise InputError(
            msg,
            source=source,
            location=location,
            expected=_PERIOD_EXAMPLE,
            found=text,
        )
    cleaned = clean_text(text)
    if not cleaned:
        msg = "empty value where a month period was expected"
        raise InputError(
            msg,
            source=source,
            location=location,
            expected=_PERIOD_EXAMPLE,
            found=text,
        )
    return cleaned


def _fiscal_year_period(
    cleaned: str, text: str, source: str | None, location: str | None
) -> Period:
    """Parse ``"ปีงบประมาณ พ.ศ. 2566"``-like text into the fiscal year's period."""
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


def _month_range(
    cleaned: str, text: str, source: str | None, location: str | None
) -> tuple[tuple[int, int], tuple[int, int]]:
    """Parse a month or a month range into ((start BE year, month), (end BE year, month))."""
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
    return (start_year, start_month), (end_year, end_month)


_LONGEST_SPAN = 2 * 366  # days: a measure's period read from its months is at most two years
_DAY_BEFORE = re.compile(r"\d\s*$")  # a day before a month: 15 ต.ค. 2570
_OPEN_END = re.compile(r"เป็นต้นไป|ต่อเนื่องไป")


def _lenient(spelling: str) -> str:
    """Return a month spelling as a pattern allowing a point or a space after each letter."""
    return r"\.?\s?".join(re.escape(c) for c in spelling)


_MONTH_MENTION = re.compile(
    r"(?<![\u0e01-\u0e2e])(?P<month>"
    + "|".join(_lenient(k) for k in sorted(_MONTHS, key=len, reverse=True))
    + rf")\.?(?![\u0e01-\u0e2e])\s*(?:{BE_PREFIX_PATTERN})?\s*(?P<year>\d{{2,4}})?(?!\d)"
)


def periods_in(text: str) -> Period | None:
    """Return the span of the months a text names with their years, or None.

    For a period written with more than a month range (``ต.ค. 2569 – มี.ค. 2570 (ประเมิน) และ
    เม.ย. – ก.ย. 2570 (ติดตาม)``, ``รายไตรมาส (ธ.ค. 2569, มี.ค. 2570, มิ.ย. 2570, ก.ย. 2570)``,
    ``ต.ค. 2569 – ธ.ค. 2569 และตรวจสอบต่อเนื่อง``): from the first day of the earliest month to
    the last day of the latest. A month written without its year takes the year of the next
    month written with one (the year before, when it comes later in the year); a month after a
    day (``ภายใน 15 ต.ค. 2570``, a deadline or a date quoted) is not the period's. None when no
    month has a year after it, a month is written after the last year, one month stands with a
    range's dash (``ต.ค. 2569 - 2570``), the period is open (``เป็นต้นไป``), a year is not a BE
    year, or the span is longer than :data:`_LONGEST_SPAN` days.
    """
    cleaned = clean_text(text)
    mentions = [
        m for m in _MONTH_MENTION.finditer(cleaned) if not _DAY_BEFORE.search(cleaned, 0, m.start())
    ]
    if not mentions or not mentions[-1]["year"] or _OPEN_END.search(cleaned):
        return None
    if len(mentions) == 1 and _SEPARATOR_RE.search(cleaned):
        return None
    months: list[tuple[int, int]] = []
    year: int | None = None
    for match in reversed(mentions):
        month = _MONTHS[re.sub(r"[.\s]", "", match["month"])]
        if match["year"]:
            try:
                year = parse_be_year(match["year"])
            except InputError:
                return None
        elif year is not None and months and month > months[-1][1]:
            year -= 1  # ต.ค. - ก.ย. 2570: October of the year before
        if year is not None:
            months.append((year, month))
    first, last = min(months), max(months)
    span = Period(date(be_to_ce(first[0]), first[1], 1), _last_day(be_to_ce(last[0]), last[1]))
    return span if (span.end - span.start).days <= _LONGEST_SPAN else None


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
    return digits_as(text, thai_digits)
