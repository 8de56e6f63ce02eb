"""Put right what OCR misread in a scan, where the document or the framework leaves no doubt.

Every repair is recorded as a :class:`~ita_lib.documents.extraction.Correction`, which the
audit reports (``ocr_corrected``) with its page: nothing is corrected silently.

- Measure numbers run 1, 2, 3, ... in the measures table. :func:`repair_sequence` puts right
  a number OCR could not read, or read out of the run, when its neighbours agree on the one
  number it must be (``... 17, ?, 19 ...``, ``... 25, 26, 26`` at the end).
- An item code with its item's name beside it (``0๑๕ ข้อมูลเชิงสถิติการให้บริการ``, in the
  agency's analysis table) whose name is clearly another item's, one digit away from the code
  as read, is that item (:func:`snap_item_code`): OCR dropped or misread a digit. A code
  further away is left as read: the document itself may have it wrong (``item_name_mismatch``).
- Sub-indicator headings (``ตัวชี้วัดย่อยที่ ๙.๒ การบริหารงาน``) name their sub-indicator twice:
  by number and by name. :func:`snap_sub_indicator` takes the sub-indicator of the fiscal
  year's catalogue whose name the heading's name matches (compared on Thai consonants,
  which OCR keeps best) when its number was misread.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from difflib import SequenceMatcher
from typing import Any

from ita_lib.documents.extraction import UNREAD_BY_OCR, Collector, Correction
from ita_lib.documents.layout import Position
from ita_lib.model.framework import Framework
from ita_lib.text.thai_repair import thai_skeleton

__all__ = [
    "NAME_LIKENESS",
    "item_code_correction",
    "repair_measure_numbers",
    "repair_sequence",
    "snap_item_code",
    "snap_sub_indicator",
    "starts_with_name",
]

NAME_LIKENESS = 0.75
"""Least likeness (0–1, on Thai consonants) of a heading's name to a catalogue name."""

_NAME_MARGIN = 0.1  # the best name beats every other by at least this much


def repair_sequence(numbers: Sequence[int | None]) -> list[int | None]:
    """Return numbers that run 1, 2, 3, ... with the misread ones its neighbours fix put right.

    A number is put right only when it breaks the run and its neighbours as read leave one
    value for it: the one before plus one, which is also the one after minus one (for the
    first number, 1 when the second is 2; for the last, N when the numbers before it run
    1 to N - 1 and it was unread or read as a number already used). A number that breaks the run otherwise (a gap
    the document may really have) is left as read; an unread one stays None.
    A run of numbers that fit nowhere (unread, or not between the numbers around it) is put
    right when the gap between those numbers holds exactly it (``6, ?, 5, ?, 10``: 7, 8, 9).

    Parameters
    ----------
    numbers
        The numbers as read, in order; None where OCR read none.

    Returns
    -------
    list
        The numbers, put right where there is no doubt.

    >>> repair_sequence([1, 2, None, 4]), repair_sequence([1, 2, 3, 3]), repair_sequence([7, 2, 3])
    ([1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3])
    >>> repair_sequence([1, 2, 5]), repair_sequence([1, None, None, 4])
    ([1, 2, 5], [1, 2, 3, 4])
    >>> repair_sequence([6, None, 5, None, 10]), repair_sequence([1, None, None, 5])
    ([6, 7, 8, 9, 10], [1, None, None, 5])
    """
    out = list(numbers)
    last = len(numbers) - 1
    for i, read in enumerate(numbers):
        before = out[i - 1] if i else 0
        if before is None or read == before + 1:
            continue
        after = numbers[i + 1] if i < last else None
        ends_run = i == last and before == i and (read is None or read <= before)
        if after == before + 2 or ends_run:
            out[i] = before + 1
    return _fill_exact_gaps(out)


def _fill_exact_gaps(numbers: list[int | None]) -> list[int | None]:
    """Return numbers with each run that fits nowhere (unread, or not above the number before
    it) numbered, where the gap up to the next number above holds exactly it."""
    out = list(numbers)
    for i in range(1, len(out)):
        before = out[i - 1]
        if before is None or (out[i] is not None and out[i] > before):
            continue
        end = i
        while end < len(out) and (out[end] is None or out[end] <= before):
            end += 1
        if end < len(out) and out[end] - before - 1 == end - i:
            out[i:end] = list(range(before + 1, out[end]))
    return out


def repair_measure_numbers(
    measures: list[dict[str, Any]], rows: list[dict[str, Any]], build: Collector
) -> None:
    """Put right the measure numbers of a scan in place; drop the measures still unnumbered.

    Parameters
    ----------
    measures
        The measures read (``number`` None where OCR read none), in document order.
    rows
        The measure rows as written (``document.measures``), one per measure.
    build
        Where each field came from; receives a correction per number put right, and a
        leftover (``ocr_unread``) per measure whose number stays unread.
    """
    fixed = repair_sequence([m["number"] for m in measures])
    for i, (measure, value) in enumerate(zip(measures, fixed, strict=True)):
        if value is None or value == measure["number"]:
            continue
        read = rows[i]["number"] or "?"
        build.correct(Correction(
            build.positions[f"measures[{i}]"], "measure number", read, str(value),
            f"measures run 1, 2, 3, ... and the measures before and after are "
            f"{_neighbours(fixed, i)}",
            f"ลำดับมาตรการเรียง ๑, ๒, ๓, ... และมาตรการก่อนและหลังคือ {_neighbours(fixed, i)}",
        ))  # fmt: skip
        measure["number"] = value
        rows[i]["number"] = str(value)
    for i in reversed([i for i, value in enumerate(fixed) if value is None]):
        pos = build.positions[f"measures[{i}]"]
        text = f"{rows[i]['number']} {measures[i]['title']}".strip()
        build.leftover(text, pos, "measures", UNREAD_BY_OCR["measure"])
        del measures[i], rows[i]
        _forget_measure(build, i)


def _neighbours(numbers: Sequence[int | None], i: int) -> str:
    around = [numbers[j] for j in (i - 1, i + 1) if 0 <= j < len(numbers)]
    return " and ".join(str(n) for n in around if n is not None) or "none"


_MEASURE_PATH = re.compile(r"^measures\[(\d+)\](.*)$")


def _forget_measure(build: Collector, index: int) -> None:
    """Drop the positions of measure ``index`` and move those of the measures after it up."""
    moved = {}
    for path, pos in build.positions.items():
        match = _MEASURE_PATH.match(path)
        if match is None:
            moved[path] = pos
        elif int(match[1]) != index:
            number = int(match[1])
            moved[f"measures[{number - 1 if number > index else number}]{match[2]}"] = pos
    build.positions.clear()
    build.positions.update(moved)


def snap_sub_indicator(read: str, name: str, framework: Framework) -> str | None:
    """Return the sub-indicator a heading names, by its name when its number was misread.

    Parameters
    ----------
    read
        The sub-indicator's number as read (``"3.1"``).
    name
        The heading's text after the number (``"ข้อมูลพื้นฐาน"``).
    framework
        The assessment year's framework (its sub-indicators and their Thai names).

    Returns
    -------
    str or None
        ``read`` when it is a sub-indicator of the year and its name does not clearly name
        another; else the sub-indicator whose name matches best (at least
        :data:`NAME_LIKENESS`, clearly ahead of the others); None when neither holds.
    """
    names = {s.code: thai_skeleton(s.name_th) for s in framework.sub_indicators if s.name_th}
    key = thai_skeleton(name)
    likeness = {
        code: SequenceMatcher(None, skeleton, key).ratio() for code, skeleton in names.items()
    }
    ranked = sorted(likeness.items(), key=lambda kv: -kv[1])
    best = ranked[0] if ranked and ranked[0][1] >= NAME_LIKENESS else None
    clear = best is not None and all(best[1] - v >= _NAME_MARGIN for _, v in ranked[1:])
    if read in names and not (clear and best is not None and likeness.get(read, 0) < best[1]):
        return read
    return best[0] if clear and best is not None else None


def _name_key(text: str) -> str:
    """Return a name for a tolerant comparison: its Thai consonants, or its Latin letters."""
    skeleton = thai_skeleton(text)
    return skeleton if len(skeleton) >= 3 else re.sub(r"[^a-z]", "", text.lower())


def _one_digit_apart(a: str, b: str) -> bool:
    """Return True when two numbers differ by one digit added, dropped or changed."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    return SequenceMatcher(None, a, b).ratio() >= 2 * (max(len(a), len(b)) - 1) / (len(a) + len(b))


def item_code_correction(pos: Position, read: str, value: str) -> Correction:
    """Return the correction of an item code OCR misread that the name beside it put right."""
    return Correction(
        pos, "item code", read, value,
        f"the name beside it is the name of {value} in the catalogue",
        f"ชื่อที่เขียนไว้เป็นชื่อของข้อ {value} ตามรายการของปีนั้น",
    )  # fmt: skip


SURE_LIKENESS = 0.9
"""How alike (0-1) an item's written name and its catalogue name must be to decide the item
whatever code OCR read beside it."""


def snap_item_code(
    code: str | None, name: str, framework: Framework, *, by_name_alone: bool = False
) -> str | None:
    """Return the item a code and the name beside it mean, when OCR misread the code by a digit.

    Parameters
    ----------
    code
        The item code as read (``"o1"``); None when OCR read no code (only ``by_name_alone``
        can then decide one).
    name
        The text written after it (``"ข้อมูลเชิงสถิติการให้บริการ"``).
    framework
        The assessment year's framework (its items and their Thai names).
    by_name_alone
        The name is the whole text written as the item's name (``ข้อ o6 <name> : ...``): a
        name at least :data:`SURE_LIKENESS` alike decides even when the numbers are further
        apart than one digit.

    Returns
    -------
    str
        The item whose catalogue name the name matches (at least :data:`NAME_LIKENESS`, clearly
        ahead of every other, and clearly better than the code's own) when its number is one
        digit away from the code's; else ``code``.

    >>> from ita_lib.model.framework_files import load_framework
    >>> fw = load_framework(2565)
    >>> snap_item_code("o1", "ข้อมูลเชิงสถิติการให้บริการ", fw), snap_item_code("o1", "โครงสร้าง", fw)
    ('o15', 'o1')
    >>> snap_item_code("o20", "ข่าวประชาสัมพันธ์", fw)  # o7's name: two digits away
    'o20'
    """
    key = _name_key(name)
    if len(key) < 3:
        return code
    likeness = {
        item.code: SequenceMatcher(None, _name_key(item.name_th), key).ratio()
        for item in framework.items
        if item.name_th and (by_name_alone or (code is not None and item.code[0] == code[0]))
    }
    ranked = sorted(likeness.items(), key=lambda kv: -kv[1])
    if not ranked or ranked[0][0] == code or ranked[0][1] < NAME_LIKENESS:
        return code
    best, fit = ranked[0]
    clear = all(fit - v >= _NAME_MARGIN for c, v in ranked[1:])
    one_digit = code is not None and _one_digit_apart(code[1:], best[1:])
    near = one_digit or (by_name_alone and fit >= SURE_LIKENESS)
    if clear and likeness.get(code, 0.0) <= fit - _NAME_MARGIN and near:
        return best
    return code


def item_named(text: str, framework: Framework) -> str | None:
    """Return the item whose catalogue name ``text`` starts with (:func:`starts_with_name`),
    when it is the only one; else None.

    >>> from ita_lib.model.framework_files import load_framework
    >>> item_named("แผนและความก้าวหน้าในการดำเนินงานและการใช้งบประมาณประจำปี (...)", load_framework(2569))
    'o6'
    """
    named = [i.code for i in framework.items if i.name_th and starts_with_name(text, i.name_th)]
    return named[0] if len(named) == 1 else None


def starts_with_name(text: str, name: str, *, whole: bool = False) -> bool:
    """Return True when ``text`` starts with ``name`` (compared on Thai consonants, at least
    :data:`SURE_LIKENESS` alike); with ``whole``, when it is that name and nothing more.

    >>> starts_with_name("รายงานผลการจัดซื้อจัดจ้างประจำปี ข้อมูลที่เผยแพร่...", "รายงานผลการจัดซื้อจัดจ้าง")
    True
    >>> starts_with_name("รายงานผลการจัดซื้อจัดจ้างประจำปี ข้อมูล", "รายงานผลการจัดซื้อจัดจ้าง", whole=True)
    False
    """
    key, read = thai_skeleton(name), thai_skeleton(text)
    if len(key) < 3:
        return False
    if not whole:
        read = read[: len(key)]
    return SequenceMatcher(None, key, read).ratio() >= SURE_LIKENESS
