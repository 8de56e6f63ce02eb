"""Audit rules against the catalogue of the year a document cites, and for instrument-only tables.

- ``item_name_mismatch``: an item code written with a name that is not that item's name in the
  cited year's catalogue ("O10 รายงานผลการดำเนินงาน" in a document citing ITA 2568, whose O10 is
  E-Service). Names are compared tolerantly (spaces, digits, punctuation and case ignored; a
  name contained in the other, or sharing most of its text, matches), and the finding says
  which item the name probably meant.
- For a document whose score table gives only the instrument scores (see
  :mod:`ita_lib.documents.completeness`): the level written in the table or the text against
  the level those scores get by the year's rules (``rating_mismatch``,
  ``prose_rating_mismatch``), and ``indicator_scores_missing``.

A level that an instrument's floor rules out (FY2566+: ผ่านดี needs every instrument at 85 or
more) is explained with :func:`~ita_lib.documents.audit_context.floor_note`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal

from ita_lib.documents.audit_context import (
    AuditContext,
    field_path,
    floor_note,
    in_thai_digits,
    make_finding,
)
from ita_lib.documents.completeness import instrument_scores_written
from ita_lib.documents.extract_analysis import CODE_IN_TEXT, CODE_RANGE
from ita_lib.documents.text_rules import prose_levels
from ita_lib.model.findings import Finding
from ita_lib.model.framework import Framework, Item
from ita_lib.text.codes import normalize_item_code
from ita_lib.text.decimals import round_half_up
from ita_lib.text.digits import to_arabic_digits

__all__ = ["CATALOGUE_RULES", "PARTIAL_RULES", "names_match"]

_NOT_NAME = re.compile(r"[\s\-–—_.,:;()\[\]\"'“”‘’/ฯ]+")
_NAME_END = re.compile(r"ตัวชี้วัด(?:ย่อย)?ที่")
_IN_BRACKETS = re.compile(r"\s*\)")
_LIST_SEPARATOR = re.compile(r"\s*(?:,|และ|หรือ|/)?\s*")
_NAME_BEFORE = re.compile(r"\)\s*,?|,|\s+และ|\s+หรือ")  # what ends the name before it
_MATCH_SHARE = 0.8
_MIN_BLOCK = 3
_MIN_NAME = 4


def _name_key(text: str) -> str:
    """Return a name for comparing: no spaces, punctuation or case; Arabic digits."""
    return _NOT_NAME.sub("", to_arabic_digits(text)).lower()


def _share(written: str, name: str) -> float:
    """Return the share of ``written`` found in ``name`` in runs of 3 characters or more."""
    if not written:
        return 0.0
    matcher = difflib.SequenceMatcher(None, written, name, autojunk=False)
    shared = sum(b.size for b in matcher.get_matching_blocks() if b.size >= _MIN_BLOCK)
    return shared / len(written)


def names_match(written: str, name: str) -> bool:
    """Return whether a name as written is the catalogue's ``name``, tolerantly.

    >>> names_match("O๒๑ ประกาศเจตนารมณ์และการสร้างวัฒนธรรม No Gift Policy"[4:],
    ...             "ประกาศเจตนารมณ์และการสร้างวัฒนธรรม ตามนโยบาย No Gift Policy จากการปฏิบัติหน้าที่")
    True
    >>> names_match("รายงานผลการดำเนินงาน", "E-Service")
    False
    """
    a, b = _name_key(written), _name_key(name)
    if not a or not b or a in b or b in a:
        return True
    return _share(a, b) >= _MATCH_SHARE


def _probable_item(written: str, framework: Framework, exclude: str) -> Item | None:
    """Return the item of the year whose name the written name most probably is."""
    key = _name_key(written)
    best: tuple[float, int, Item] | None = None
    for item in framework.items:
        if item.code == exclude or not item.name_th:
            continue
        name = _name_key(item.name_th)
        share = 1.0 if key in name or name in key else _share(key, name)
        rank = (share, -abs(len(name) - len(key)), item)
        if share >= _MATCH_SHARE and (best is None or rank[:2] > best[:2]):
            best = rank
    return None if best is None else best[2]


def _in_brackets(text: str, match: re.Match[str]) -> bool:
    """Return True when an item code is written alone in brackets (``(O3)``)."""
    return bool(_IN_BRACKETS.match(text, match.end())) and text[: match.start()].rstrip().endswith(
        "("
    )


def _named_codes(text: str, framework: Framework) -> Iterator[tuple[str, str, str]]:
    """Yield (code, code as written, name written after it) for each item code in ``text``."""
    matches = list(CODE_IN_TEXT.finditer(text))
    ranged: set[int] = set()  # "o1 - o10 เผยแพร่ครบถ้วน": a range, not names
    for k in range(len(matches) - 1):  # and "O11 O15 และ O22 ไม่ได้คะแนน": a list, no names
        between = text[matches[k].end() : matches[k + 1].start()]
        if CODE_RANGE.fullmatch(between) or _LIST_SEPARATOR.fullmatch(between):
            ranged |= {k, k + 1}
    bracketed = sum(_in_brackets(text, m) for m in matches)  # a list: name (O3), name (O10)
    for k, match in enumerate(matches):
        end = matches[k + 1].start() if k + 1 < len(matches) else len(text)
        name = _NAME_END.split(text[match.end() : end])[0].strip(" :-–.")
        if bracketed >= 2 and _in_brackets(text, match):
            # ข้อมูลการติดต่อ (O3), E-Service (O10): the name comes before its code
            start = matches[k - 1].end() if k else 0
            name = _NAME_BEFORE.split(text[start : match.start()].rstrip(" ("))[-1]
            name = re.sub(r"^\s*(?:และ|หรือ)?\s*", "", name).strip()
        code = normalize_item_code(match["code"])
        if k not in ranged and code is not None and framework.has_item(code):
            yield code, match["code"], name


def _item_names(context: AuditContext) -> Iterator[Finding]:
    framework = context.framework
    rows = (context.document.get("analysis") or {}).get("rows") or ()
    year = framework.fiscal_year
    for r, row in enumerate(rows):
        for side in ("keep", "weak"):
            for text in row.get(side) or ():
                for code, written, name in _named_codes(str(text), framework):
                    item = framework.item(code)
                    if not item.name_th or len(_name_key(name)) < _MIN_NAME:
                        continue
                    if names_match(name, item.name_th):
                        continue
                    meant = _probable_item(name, framework, code)
                    hint = hint_th = ""
                    if meant is not None:
                        hint = f"; the name is that of {meant.code.upper()} ({meant.name_th})"
                        hint_th = f" (ชื่อนี้ตรงกับข้อ {meant.code.upper()} {meant.name_th})"
                    yield make_finding(
                        "item_name_mismatch",
                        context.locate(field_path("document", "analysis", "rows", r, side)),
                        f"{written} is written '{name}' but in ITA {year} {code.upper()} is "
                        f"'{item.name_th}'{hint}",
                        f"ข้อ {written} เขียนชื่อว่า '{name}' แต่ในการประเมิน ITA "
                        f"{in_thai_digits(year)} ข้อ {code.upper()} คือ '{item.name_th}'"
                        f"{hint_th}",
                    )


# -- Levels and the per-instrument floors -----------------------------------------------------------


def _instrument_rating(context: AuditContext) -> tuple[Decimal, str, dict[str, Decimal]] | None:
    """Return (total, level, instrument scores) from the instrument scores the table writes."""
    framework = context.framework
    scores = instrument_scores_written(context.document.get("score_table"), framework)
    if any(i.code not in scores for i in framework.instruments):
        return None
    total = round_half_up(
        sum((scores[i.code] * i.weight for i in framework.instruments), Decimal(0))
    )
    try:
        return total, framework.rate(total, scores).label, scores
    except ValueError:
        return None


def _partial_levels(context: AuditContext) -> Iterator[Finding]:
    found = _instrument_rating(context)
    if found is None:
        return
    total, rating, scores = found
    claimed = context.data.get("claimed_rating")
    if claimed and str(claimed).strip() != rating:
        note, note_th = floor_note(context.framework, str(claimed).strip(), scores)
        yield make_finding(
            "rating_mismatch",
            context.locate("claimed_rating"),
            f"the rating is written {claimed} but the instrument scores (total {total}) are rated "
            f"{rating}{note}",
            f"ระดับผลการประเมินระบุไว้ {claimed} แต่คะแนนรายเครื่องมือ (รวม {in_thai_digits(total)}) "
            f"อยู่ในระดับ {rating}{note_th}",
        )
    yield from prose_levels(context, rating, scores)


def _missing_scores(context: AuditContext) -> Iterator[Finding]:
    missing = (context.document.get("missing")) or ()
    if missing:
        yield make_finding(
            "indicator_scores_missing",
            context.locate(field_path("document", "score_table")),
            "the score table gives only the instrument scores: the ten indicator scores are "
            "missing, so indicators, items and what-if cannot be worked out",
            "ตารางคะแนนมีเฉพาะคะแนนรายเครื่องมือ ไม่มีคะแนนตัวชี้วัดที่ ๑ ถึง ๑๐",
        )


CATALOGUE_RULES: tuple[Callable[[AuditContext], Iterable[Finding]], ...] = (_item_names,)
"""The rules against the cited year's catalogue, for documents and assessment files."""

PARTIAL_RULES: tuple[Callable[[AuditContext], Iterable[Finding]], ...] = (
    _missing_scores,
    _partial_levels,
)
"""The rules that stand in for the score rules when a document gives only instrument scores."""
