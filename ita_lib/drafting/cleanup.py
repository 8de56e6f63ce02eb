"""Clean the agency's own texts before a draft carries them over.

Measures carried over from last year's document keep the agency's wording, except for the faults
the auditor reports as errors or warnings in text: another agency's name pasted in, the agency's
own name misspelt or written with a wrong agency type, and template placeholders left unfilled
("ระบุชื่อ องค์กรปกครองส่วนท้องถิ่น"). Each is replaced by the agency's full name, and the
text is reported as changed so that the draft marks it for review.
"""

from __future__ import annotations

import difflib
import re
from functools import cache

from ita_lib.documents.audit_context import load_audit_terms
from ita_lib.documents.terms import load_document_terms, split_agency_name

__all__ = ["clean_text", "step_text"]

_THAI = "\u0e01-\u0e4e"
_GENERIC_AFTER = "องค์กรปกครองส่วนท้องถิ่น"
_STEP_NUMBER = re.compile(r"^\s*[(]?[0-9๐-๙]{1,2}(?:[.][0-9๐-๙]{1,2})*\s*[).]\s*")


@cache
def _type_pattern() -> re.Pattern[str]:
    terms = load_document_terms()
    spellings = {k.name for k in terms.agency_types}
    spellings |= {w for k in terms.agency_types for w in k.misspellings}
    alternation = "|".join(re.escape(s) for s in sorted(spellings, key=len, reverse=True))
    return re.compile(rf"({alternation})\s?([{_THAI}][{_THAI}\-]*)?")


def _trim(name: str) -> str:
    cut = len(name)
    for word in load_audit_terms().name_stop_words:
        index = name.find(word, 3)
        if 0 <= index < cut:
            cut = index
    return name[:cut]


def _names_fixed(text: str, own_name: str) -> str:
    _, core = split_agency_name(own_name, load_document_terms())
    stop_words = load_audit_terms().name_starts

    def replace(match: re.Match[str]) -> str:
        candidate = _trim(match[2] or "")
        if not candidate or any(candidate.startswith(w) for w in stop_words):
            return match[0]  # the type as a common noun ("องค์การบริหารส่วนตำบลทุกแห่ง")
        rest = (match[2] or "")[len(candidate) :]
        return own_name + rest

    fixed = _type_pattern().sub(replace, text)
    if core and len(core) >= 4:  # the name's core misspelt without its type (บึงกระจัด)
        for word in set(re.findall(rf"[{_THAI}]{{{len(core) - 1},{len(core) + 1}}}", fixed)):
            near = difflib.SequenceMatcher(None, word, core).ratio() >= 0.85
            if word != core and core not in word and near and word[:3] == core[:3]:
                fixed = fixed.replace(word, core)
    return fixed


def _placeholders_fixed(text: str, own_name: str) -> str:
    for phrase in sorted(load_audit_terms().placeholders, key=len, reverse=True):
        pattern = re.escape(phrase) + rf"(?:\s*{_GENERIC_AFTER})?"
        text = re.sub(pattern, own_name, text, flags=re.IGNORECASE)
    return text


def clean_text(text: str, own_name: str) -> tuple[str, bool]:
    """Return ``text`` with foreign and misspelt agency names and placeholders replaced.

    Parameters
    ----------
    text
        A text of the agency's (a measure's title, step, owner or monitoring line).
    own_name
        The agency's full name (``องค์การบริหารส่วนตำบลบึงกระจับ``).

    Returns
    -------
    tuple
        The cleaned text, and whether anything was changed.

    Examples
    --------
    >>> clean_text("ของเทศบาลตำบลศาลาลาย", "องค์การบริหารส่วนตำบลบึงกระจับ")
    ('ขององค์การบริหารส่วนตำบลบึงกระจับ', True)
    """
    fixed = _placeholders_fixed(text, own_name)
    fixed = _names_fixed(fixed, own_name)
    fixed = re.sub(rf"{re.escape(own_name)}\s+(?={re.escape(own_name)})", "", fixed)
    while own_name + own_name in fixed:
        fixed = fixed.replace(own_name + own_name, own_name)
    return fixed, fixed != text


def step_text(text: str) -> str:
    """Return a step or monitoring line without the number it was written with (``๒) ``)."""
    return _STEP_NUMBER.sub("", text, count=1).strip()
