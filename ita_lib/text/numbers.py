"""Numbers and scores written with Thai or Arabic digits: parsing and display.

Every function here is pure. :func:`parse_number` raises :class:`ita_lib.exceptions.InputError`
for bad user text and accepts the ``source``/``location`` keyword arguments its callers use to
say where the text came from.
"""

from __future__ import annotations

import re
from decimal import Decimal

from ita_lib.exceptions import InputError
from ita_lib.text.decimals import round_half_up, to_decimal
from ita_lib.text.digits import clean_text, digits_as

__all__ = ["format_score", "parse_number"]

_MINUS_SIGNS = str.maketrans({"\u2212": "-"})
_NUMBER_RE = re.compile(r"[+-]?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+)")


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
        cleaned = clean_text(text).translate(_MINUS_SIGNS)
        if not _NUMBER_RE.fullmatch(cleaned):
            message = "empty value where a number was expected" if not cleaned else "not a number"
            raise InputError(
                message, source=source, location=location, expected=expected, found=text
            )
        number = Decimal(cleaned.replace(",", ""))
        return abs(number) if number.is_zero() else number  # no -0
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
    return digits_as(f"{rounded:f}", thai_digits)
