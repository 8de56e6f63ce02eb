"""Wrap Thai text at word boundaries (Thai is written without spaces between words).

:func:`wrap_thai` breaks lines where ICU's Thai line breaker allows (dictionary-based word
boundaries); without ICU it breaks at spaces only and never inside a word.
"""

from __future__ import annotations

import itertools
from functools import cache

__all__ = ["wrap_thai"]


@cache
def _breaker():  # -> icu.BreakIterator | None
    try:
        import icu
    except ImportError:
        return None
    return icu.BreakIterator.createLineInstance(icu.Locale("th_TH"))


def _pieces(text: str) -> list[str]:
    breaker = _breaker()
    if breaker is None:
        words = text.split(" ")
        return [w + " " for w in words[:-1]] + words[-1:]
    breaker.setText(text)
    bounds = [0, *breaker]
    return [text[a:b] for a, b in itertools.pairwise(bounds)]


def wrap_thai(text: str, width: int) -> list[str]:
    """Return ``text`` as lines of at most ``width`` characters, broken between words.

    A single word longer than ``width`` stays whole on its own line.
    """
    lines: list[str] = []
    line = ""
    for piece in _pieces(text):
        if line and len((line + piece).rstrip()) > width:
            lines.append(line.rstrip())
            line = piece.lstrip()
        else:
            line += piece
    if line.strip():
        lines.append(line.rstrip())
    return lines
