"""Normalise ITA item codes as agencies write them (``0๑๑``, ``O11``, ``e๑๒``)."""

from __future__ import annotations

import re

from ita_lib.text.digits import to_arabic_digits

__all__ = ["normalize_item_code"]

# The letter o is often typed as the digit zero (0) or the Thai zero (๐): "0๑๑", "๐๒๕".
_CODE = re.compile(r"^\s*(?P<prefix>[oOiIeE0๐])\s*\.?\s*(?P<number>[0-9๐-๙]+)\s*$")


def normalize_item_code(text: str) -> str | None:
    """Return the canonical item code (``"o11"``, ``"e12"``) for ``text``, or None.

    Parameters
    ----------
    text
        An item code as written: ``"o11"``, ``"O11"``, ``"0๑๑"``, ``"๐๒๕"``, ``"e๑๒"``, ``"i 3"``.

    Returns
    -------
    str or None
        The lower-case letter and the number without leading zeros, or None when ``text``
        is not shaped like an item code. Whether the code exists in a fiscal year's
        catalogue is checked elsewhere (:meth:`ita_lib.model.framework.Framework.has_item`).

    Examples
    --------
    >>> normalize_item_code("0๑๑")
    'o11'
    >>> normalize_item_code("e๑๒")
    'e12'
    >>> normalize_item_code("ind9") is None
    True
    """
    if not isinstance(text, str):
        return None
    match = _CODE.match(text)
    if match is None:
        return None
    prefix = match["prefix"].lower()
    if prefix in {"0", "๐"}:
        prefix = "o"
    number = int(to_arabic_digits(match["number"]))
    if number == 0:
        return None
    return f"{prefix}{number}"
