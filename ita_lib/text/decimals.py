"""Exact decimal arithmetic for scores (published ITA figures round half up)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

__all__ = ["round_half_up", "to_decimal"]


def to_decimal(value: object) -> Decimal:
    """Convert an int, float, str or Decimal to a Decimal without binary noise.

    Floats go through ``repr`` so ``92.56`` becomes ``Decimal("92.56")``, not
    ``Decimal(92.5600000000000022737...)``.

    Raises
    ------
    TypeError
        If ``value`` is a bool or not a number.
    ValueError
        If a string is not a decimal number, or the number is not finite.
    """
    if isinstance(value, bool):
        msg = "a boolean is not a score"
        raise TypeError(msg)
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        result = Decimal(repr(value))
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation:
            msg = f"not a decimal number: {value!r}"
            raise ValueError(msg) from None
    else:
        msg = f"not a number: {value!r}"
        raise TypeError(msg)
    if not result.is_finite():
        msg = f"not a finite number: {value!r}"
        raise ValueError(msg)
    return abs(result) if result.is_zero() else result  # no -0 (it would print as -0.0)


def round_half_up(value: object, places: int = 2) -> Decimal:
    """Round to ``places`` decimals, halves away from zero (``0.125 -> 0.13``)."""
    quantum = Decimal(1).scaleb(-places)
    rounded = to_decimal(value).quantize(quantum, rounding=ROUND_HALF_UP)
    return abs(rounded) if rounded.is_zero() else rounded
