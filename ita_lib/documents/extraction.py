"""What the extractors share: cell text and numbers, indicators named in labels, the collector.

The extractors (:mod:`~ita_lib.documents.extract_front`, ``extract_scores``,
``extract_suggestions``, ``extract_analysis``, ``extract_measures``) are pure functions of the
document's blocks, except that each records, in a :class:`Collector`, where each field it
extracts came from and the text that fit nowhere (:class:`Leftover`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from difflib import SequenceMatcher
from typing import Any

from ita_lib.documents.layout import Cell, Position, join_wrapped, on_ocr_page
from ita_lib.documents.terms import DocumentTerms, match_key
from ita_lib.exceptions import InputError
from ita_lib.model.framework import Framework
from ita_lib.model.structures import dotted_path
from ita_lib.text.digits import digits_as, to_arabic_digits
from ita_lib.text.numbers import parse_number
from ita_lib.text.thai_repair import thai_skeleton

__all__ = [
    "INDICATOR_RE",
    "MARKS",
    "MARK_CLASS",
    "MEASURE_FIELDS",
    "MEASURE_MARKER",
    "RANGE_DASH",
    "UNNUMBERED_MEASURE",
    "UNREAD_BY_OCR",
    "Collector",
    "Correction",
    "Leftover",
    "any_marks",
    "cell_number",
    "figure_remark",
    "indicator_by_name",
    "indicator_of",
    "indicators_read",
    "instrument_of",
    "instruments_named",
    "is_empty_marker",
    "join_list",
    "join_single",
    "starts_step",
    "step_number",
    "strip_dots",
]

MEASURE_FIELDS = ("number", "title", "steps", "owner", "period", "monitoring", "addresses")
"""A measure's fields, in the order the imported file writes them."""
UNREAD_BY_OCR = {
    "indicator": "indicator not read by OCR",
    "item": "item code not read by OCR",
    "measure": "measure number not read by OCR",
    "period": "period not read by OCR",
}
"""Reasons of the leftovers of a scan that hold a field OCR could not read (see ``ocr_rules``)."""
RANGE_DASH = r"[-–—]|ถึง"  # what joins the two ends of a range: ๑ – ๕, O11 ถึง O14
_NOT_A_RANGE = rf"(?!\s*(?:{RANGE_DASH})\s*\d)"  # ตัวชี้วัดที่ ๑ – ๕: an instrument's indicators
INDICATOR_RE = re.compile(r"ตัวชี้วัดที่\s*(\d{1,2})(?!\s*\.\s*\d)" + _NOT_A_RANGE)
_LEADING_INDICATOR = re.compile(r"^\s*(\d{1,2})" + _NOT_A_RANGE + r"\s*[.)]?\s+\S")
_INSTRUMENT_LABEL_MAX = 80  # characters of a label whose instrument its consonants tell
_INSTRUMENT_NAME_MIN = 8  # consonants of an instrument's name matched without its marks
_INSTRUMENT_RE = re.compile(r"(?<![A-Za-z])(IIT|EIT|OIT)(?![A-Za-z])")
# after แบบวัด, a code as OCR misreads it (แบบวัด 017, แบบวัด E1T): no item code follows แบบวัด
_MISREAD_INSTRUMENT = re.compile(
    r"แบบวัด\s*(?:(?P<OIT>[Oo0๐][I1l|][T7])|(?P<EIT>[E][I1l|][T7])|(?P<IIT>[I1l|]{2}[T7]))"
    r"(?![A-Za-z0-9])"
)
_STEP_NUMBER = re.compile(r"^\s*([0-9๐-๙]{1,2})(?:\)|\.(?=\s|[ก-ฮเ-ไ][^.]))")  # ๒) 2. 2.จัดทำ
_SPLIT_STEPS = re.compile(r"(?:^|(?<=\s))(?=[0-9๐-๙]{1,2}\))")
_DOTS = re.compile(r"[.…]{2,}|…|(?<![0-9๐-๙])\.|\.(?![0-9๐-๙])")  # not a decimal point


# -- Cell text and numbers -----------------------------------------------------------------------


_REMARK = re.compile(r"^(?P<figure>[^()]*?\S)\s*\((?P<remark>[^()]*)\)\s*$")


def figure_remark(text: str) -> tuple[str, str | None]:
    """Split a remark in brackets off the figure a cell writes before it: ``๘๔.๖๒ (ต่ำสุด)``
    is ``("๘๔.๖๒", "ต่ำสุด")``; a cell with no remark is ``(text, None)``."""
    match = _REMARK.match(text)
    if match is None or parse_cell_figure(match["figure"]) is None:
        return text, None
    return match["figure"], match["remark"].strip()


def cell_number(text: str) -> tuple[Decimal, str] | None:
    """Return (value, text as written with Arabic digits) for a table cell, or None. A remark
    in brackets after the figure (``๘๔.๖๒ (ต่ำสุดในกลุ่ม)``) is not part of it
    (:func:`figure_remark`)."""
    return parse_cell_figure(figure_remark(text)[0])


def parse_cell_figure(text: str) -> tuple[Decimal, str] | None:
    """Return (value, text as written with Arabic digits) for a cell that is only a figure."""
    cleaned = to_arabic_digits(text).replace("%", "").replace("คะแนน", "").strip()
    if not cleaned:
        return None
    try:
        return parse_number(cleaned), cleaned
    except InputError:
        return None


def is_empty_marker(text: str, terms: DocumentTerms) -> bool:
    """Return True for an empty cell or one that only says it is empty (``-``, ``ไม่มี``)."""
    return not text.strip() or match_key(text) in terms.empty_markers


def strip_dots(text: str) -> str:
    """Return ``text`` with the template's fill-in dots turned into spaces."""
    return _DOTS.sub(" ", text).strip()


def join_single(cell: Cell) -> str:
    """Join a single-valued cell: paragraphs by spaces, page-split fragments as wrapped text."""
    text = ""
    for index, fragment in enumerate(cell.fragments):
        piece = " ".join(p.text for p in fragment.paragraphs)
        text = join_wrapped(text, piece) if index else piece
    return text


def _split_steps(text: str, last: int | None = None) -> list[str]:
    """Split a paragraph at each inline step number ``N)`` that starts a step (see
    :func:`starts_step`: ``๓) ... (ต.ค. ๖๙ – มี.ค. ๗๐)`` keeps the year in its bracket);
    ``last`` is the number of the last step before the paragraph (in the same cell)."""
    parts = [part for part in _SPLIT_STEPS.split(text) if part.strip()]
    out: list[str] = []
    for part in parts:
        number = step_number(part)
        if out and number is not None and not starts_step(number, last, opens=False):
            out[-1] = f"{out[-1]}{part}"  # a bracketed number inside the step's text
            continue
        out.append(part)
        last = number if number is not None else last
    return [part.strip() for part in out]


def starts_step(number: int, last: int | None, *, opens: bool) -> bool:
    """Return True when a number written ``N)`` starts a step: the next after the last step, a
    new list's 1, or, before any step, a number that opens its text; not a number closing a
    bracket inside a step (``(ครั้งที่ 2)``, ``ก.ย. ๖๙)``).

    >>> starts_step(3, 2, opens=False), starts_step(1, 4, opens=False), starts_step(2, None, opens=True)
    (True, True, True)
    >>> starts_step(69, 2, opens=False), starts_step(2, None, opens=False)
    (False, False)
    """
    if last is None:
        return opens or number == 1
    return number in (1, last + 1)


def step_number(text: str) -> int | None:
    """Return the leading number of a step (``"๒) ..."`` -> 2), or None."""
    match = _STEP_NUMBER.match(text)
    return int(to_arabic_digits(match[1])) if match else None


def join_list(cell: Cell, build: Collector | None = None) -> list[tuple[str, Position]]:
    """Split a list-valued cell (steps, monitoring) into items with positions.

    A paragraph or inline ``N)`` starts an item. Text that is not numbered continues the item
    before it when that item is numbered, or when it starts a page-split fragment (then a word
    cut by the page break is joined without a space, see :func:`join_wrapped`).

    In a scan (``build.ocr``), a line that starts with a short mark OCR could not read as a
    number (``lo)``, ``&)``, ``เอง)``) starts the item its neighbours number (``๒)`` between
    ``๑)`` and ``๓)``); the correction is recorded for the audit to report.
    """
    items: list[list[Any]] = []  # [text, pos, numbered, mark OCR misread or None]
    last: int | None = None  # the last step's number
    for f_index, fragment in enumerate(cell.fragments):
        for p_index, paragraph in enumerate(fragment.paragraphs):
            for s_index, segment in enumerate(_split_steps(paragraph.text, last)):
                number = step_number(segment)
                numbered = number is not None
                last = number if number is not None else last
                misread = None
                if build is not None and build.ocr and s_index == 0 and not numbered:
                    misread = _MISREAD_STEP.match(segment)
                if paragraph.kind == "item" and s_index == 0 and not numbered:
                    segment = segment if segment[:1] in "-–•" else f"- {segment}"
                page_join = f_index > 0 and p_index == 0 and s_index == 0
                if items and not numbered and not misread and (page_join or items[-1][2]):
                    previous = items[-1][0]
                    items[-1][0] = (
                        join_wrapped(previous, segment) if page_join else f"{previous} {segment}"
                    )
                else:
                    items.append([segment, fragment.pos, numbered or bool(misread), misread])
    if build is not None:
        _number_misread_steps(items, build)
    return [(text, pos) for text, pos, _, _ in items]


# a mark before ")" that is no number, sub-number (๒.๒)) or bracketed number ((1)), or a short
# word with a digit or symbol in it that Thai text never starts a line with (เว0 for ๒)); not
# an item code (O11). Weaker signs, taken only where the neighbours leave room for exactly
# them: a lone digit before the text (๕ จัดทำ... for ๔)), or a line of one or two signs (ๆ).
_MISREAD_STEP = re.compile(
    r"^\s*(?![(\[]|[oOiIeE0๐][0-9๐-๙]{1,2}(?![0-9๐-๙]))"
    r"(?:(?![0-9๐-๙.]+\))(\S{1,4})\)|(?=\S{0,3}[0-9@&])(?![0-9๐-๙.]+\s)(\S{1,4})(?=\s)"
    r"|(?P<weak>[0-9๐-๙](?=\s*\.?\s*[ก-ฮเ-ไ])\s*\.?|\w{1,2}\s*$))\s*"
)


def _number_misread_steps(items: list[list[Any]], build: Collector) -> None:
    """Number the items whose number OCR misread from their neighbours, or join them to the
    item before when the neighbours do not tell (``๑)``, ``lo)``, ``๓)``: ``lo)`` is ``๒)``).

    First, a run of such items between two numbers is numbered when the gap holds exactly them
    (``๓)``, ``ๆ``, ``๓ .``, ``๖)``: 4 and 5). Then a weak sign left (a lone digit, a line of
    one or two signs) is text of the item before, and each strong one left (``lo)``) is the
    number after the one before it, when the next number, if any, is the one after that."""
    numbers = [step_number(text) if misread is None else None for text, _, _, misread in items]
    thai = any(to_arabic_digits(text[:3]) != text[:3] for text, *_ in items)  # ๑) or 1)

    def number(index: int, value: int, before: int, after: int | None) -> None:
        misread, written = items[index][3], digits_as(f"{value})", thai)
        items[index][0] = f"{written} {items[index][0][misread.end() :].lstrip()}".rstrip()
        items[index][3], numbers[index] = None, value
        build.correct(_step_correction(items[index][1], misread[0].strip(), written, before, after))

    def known(indices: Iterable[int]) -> int | None:
        return next((numbers[k] for k in indices if numbers[k] is not None), None)

    start = 0
    while start < len(items):  # runs whose gap holds exactly them
        end = start
        while end < len(items) and items[end][3] is not None:
            end += 1
        if end > start:
            before, after = known(range(start - 1, -1, -1)) or 0, known(range(end, len(items)))
            if after is not None and after - before - 1 == end - start:
                for k, index in enumerate(range(start, end)):
                    number(index, before + 1 + k, before, after)
        start = end + 1
    index = 0
    while index < len(items):  # what is left: strong signs alone, weak ones are text
        misread = items[index][3]
        before, after = known(range(index - 1, -1, -1)), known(range(index + 1, len(items)))
        strong = misread is not None and misread["weak"] is None
        if strong and (before or after) is not None and after in (None, (before or 0) + 2):
            number(index, (before or 0) + 1, before or 0, after)
            continue
        if misread is not None and index > 0:
            items[index - 1][0] = f"{items[index - 1][0]} {items[index][0]}"
            del items[index], numbers[index]
            continue
        index += 1


def _step_correction(
    pos: Position, read: str, value: str, before: int, after: int | None
) -> Correction:
    """Return the correction of a step number OCR misread that its neighbours tell."""
    if after is None:
        why, why_th = f"the item before it is {before}", f"ข้อก่อนหน้าเป็นข้อ {before}"
    elif before == 0:
        why, why_th = f"the item after it is {after}", f"ข้อถัดไปเป็นข้อ {after}"
    else:
        why = f"the items before and after it are {before} and {after}"
        why_th = f"ข้อก่อนและหลังเป็นข้อ {before} และ {after}"
    return Correction(pos, "step number", read, value, why, why_th)


# -- Indicators and instruments named in a label -------------------------------------------------


def indicator_of(label: str, framework: Framework, *, ocr: bool = False) -> int | None:
    """Return the indicator a row label names (by number or by name), or None.

    Parameters
    ----------
    label
        The label (``ตัวชี้วัดที่ ๖ คุณภาพการดำเนินงาน``).
    framework
        The assessment year's framework: its indicators' numbers, names and aliases.
    ocr
        The label was read by OCR: its name, compared on Thai consonants (see
        :func:`indicator_by_name`), wins over its number when they disagree, as OCR misreads
        a Thai digit (``๖`` as ``๐``) more often than a whole name.
    """
    text = to_arabic_digits(label)
    match = INDICATOR_RE.search(text) or _LEADING_INDICATOR.match(text)
    by_number = int(match[1]) if match else None
    if by_number not in {i.number for i in framework.indicators}:
        by_number = None
    if by_number is not None and not ocr:
        return by_number
    if by_number is None and instrument_of(label, framework) is not None:
        return None  # an instrument heading names its instrument, not an indicator
    by_name = indicator_by_name(label, framework, ocr=ocr)
    return by_name if by_name is not None else by_number


MARK_CLASS = "\u0e31\u0e34-\u0e3a\u0e47-\u0e4e"
"""Thai vowels above and below and tone marks, as a character class's body (OCR drops or
misreads them)."""
MARKS = re.compile(f"[{MARK_CLASS}]")


def any_marks(pattern: str) -> str:
    """Return a pattern whose Thai letters match with any marks above or below them, or none
    (OCR drops, adds and misreads them: ``มาตรการที 5``, ``ตั๋วชี้วัด``)."""
    out, in_class = [], False
    for char in pattern:
        if in_class or char in "[]":
            in_class = (in_class or char == "[") and char != "]"
            out.append(char)
        elif not MARKS.match(char):
            letter = "\u0e01" <= char <= "\u0e4f"  # a Thai letter, not a digit
            out.append(f"{char}[{MARK_CLASS}]*" if letter else char)
    return "".join(out)


_MEASURE_WORDS = r"มาตรการที่\s*([0-9๐-๙]{1,3})\s*[.:)]?\s*"
MEASURE_MARKER = {False: re.compile(_MEASURE_WORDS), True: re.compile(any_marks(_MEASURE_WORDS))}
"""A measure's marker and number (``มาตรการที่ ๓``), as written and (``True``) as OCR reads it."""
UNNUMBERED_MEASURE = re.compile(
    any_marks("มาตรการที่") + rf"\s*(?:[^\s0-9๐-๙ก-๙]{{0,2}}|[ก-ฮ][{MARK_CLASS}]?)\s+(?=[ก-๙])"
)
"""A measure's marker whose number OCR read as no digit (``มาตรการที «``, ``มาตรการทีซ``,
``มาตรการที่ณุ``)."""
_INDICATOR_OCR = re.compile(r"ตว[ชซ]วด(?!ยอย)")


def indicators_read(text: str, framework: Framework) -> list[int]:
    """Return the indicators a text read by OCR names (``ตัวชีวัดที ญ่ประสิทธิภาพการสือสาร``).

    The text is cut where each ``ตัวชี้วัด`` begins (matched without its marks) and each piece
    is read as a label (:func:`indicator_of` with ``ocr``: its name, compared on Thai
    consonants, wins over a misread digit).
    """
    bare = MARKS.sub("", text)
    starts = [m.start() for m in _INDICATOR_OCR.finditer(bare)]
    pieces = [bare[a:b] for a, b in zip(starts, [*starts[1:], len(bare)], strict=False)]
    return [n for n in (indicator_of(p, framework, ocr=True) for p in pieces) if n is not None]


def indicator_by_name(label: str, framework: Framework, *, ocr: bool = False) -> int | None:
    """Return the indicator whose name (or alias) the label contains, or None.

    The longest name contained wins. With ``ocr``, a label no name is contained in as written
    is compared by Thai consonants only (OCR drops the marks above and below the line): the
    longest name whose consonants appear in the label's, or else the one name whose consonants
    are at least :data:`_NAME_LIKENESS` alike with the rest of the label's.
    """
    keys = (match_key,) + ((thai_skeleton,) if ocr else ())
    for key_of in keys:
        key = key_of(label)
        best: tuple[int, int] | None = None
        for number, name in _indicator_names(framework):
            if key_of(name) and key_of(name) in key and (best is None or len(name) > best[0]):
                best = (len(name), number)
        if best is not None:
            return best[1]
    return _likest_name(label, framework) if ocr else None


_NAME_LIKENESS = 0.75
_LABEL_PREFIX = thai_skeleton("ตัวชี้วัดที่")


def _indicator_names(framework: Framework) -> list[tuple[int, str]]:
    return [
        (indicator.number, name)
        for indicator in framework.indicators
        for name in (indicator.name_th, *indicator.aliases_th)
        if name
    ]


def _likest_name(label: str, framework: Framework) -> int | None:
    """Return the one indicator whose name's consonants are alike with the label's, or None."""
    rest = thai_skeleton(label)
    rest = rest.removeprefix(_LABEL_PREFIX)
    if not rest:
        return None
    alike = {
        number
        for number, name in _indicator_names(framework)
        if SequenceMatcher(None, thai_skeleton(name), rest).ratio() >= _NAME_LIKENESS
    }
    return alike.pop() if len(alike) == 1 else None


def instruments_named(text: str) -> list[str]:
    """Return the instruments a text names by code (``IIT``, ``EIT``, ``OIT``), once each, in order."""
    found = [(m.start(), m[1]) for m in _INSTRUMENT_RE.finditer(text)]
    found += [(m.start(), m.lastgroup or "") for m in _MISREAD_INSTRUMENT.finditer(text)]
    return list(dict.fromkeys(code for _, code in sorted(found)))


def instrument_of(label: str, framework: Framework) -> str | None:
    """Return the instrument (``IIT``, ``EIT``, ``OIT``) a label names, or None."""
    match = _INSTRUMENT_RE.search(label)
    if match:
        return match[1]
    if misread := _MISREAD_INSTRUMENT.search(label):
        return misread.lastgroup
    key, skeleton = match_key(label), thai_skeleton(label)
    for instrument in framework.instruments:
        if match_key(instrument.name_th) in key:
            return instrument.code
    if len(label) > _INSTRUMENT_LABEL_MAX:
        return None  # prose that mentions an instrument's name is no label of it
    named = {  # named without แบบวัด, or as OCR read it; the longest (ภายใน is in ภายนอก)
        thai_skeleton(instrument.name_th.removeprefix("แบบวัด")): instrument.code
        for instrument in framework.instruments
    }
    found = [name for name in named if len(name) >= _INSTRUMENT_NAME_MIN and name in skeleton]
    return named[max(found, key=len)] if found else None


# -- Positions and leftovers ---------------------------------------------------------------------


@dataclass(frozen=True)
class Leftover:
    """Text that fit no section, with where it is and the section it was found in."""

    text: str
    pos: Position
    section: str
    reason: str = "fits no section"

    def to_dict(self) -> dict[str, Any]:
        """Return the leftover as written under ``document.leftovers``."""
        return {"line": self.pos.ref, "section": self.section, "reason": self.reason,
                "text": self.text}  # fmt: skip


@dataclass(frozen=True)
class Correction:
    """A field of a scan OCR misread, put right by the document or the framework, and why.

    Never silent: the audit reports each one (``ocr_corrected``) with its page, what was read
    and what was imported, for a person to check against the scan.
    """

    pos: Position
    what: str  # "measure number", "sub-indicator", "item code"
    read: str
    value: str
    why: str
    why_th: str

    def to_dict(self) -> dict[str, Any]:
        """Return the correction as written under ``document.ocr_corrections``."""
        return {"line": self.pos.ref, "what": self.what, "read": self.read,
                "value": self.value, "why": self.why}  # fmt: skip


@dataclass
class Collector:
    """Mutable collector used while importing one document (never leaves this module)."""

    source: str
    terms: DocumentTerms
    ocr: bool = False  # read by OCR, in whole or (ocr_pages, in a mixed PDF: None is all) in part
    ocr_pages: frozenset[int] | None = None
    positions: dict[str, Position] = field(default_factory=dict)
    leftovers: list[Leftover] = field(default_factory=list)
    corrections: list[Correction] = field(default_factory=list)

    def by_ocr(self, pos: Position | None) -> bool:
        """Return True when the text at ``pos`` was read by OCR (mixed PDF: on a page OCR read)."""
        return self.ocr and on_ocr_page(pos, self.ocr_pages)

    def correct(self, correction: Correction) -> None:
        """Record a field OCR misread that was put right (the audit reports it)."""
        self.corrections.append(correction)

    def at(self, position: Position | None, *parts: str | int) -> None:
        """Record that the field at path ``parts`` came from ``position``."""
        if position is not None:
            self.positions[dotted_path(parts)] = position

    def leftover(self, text: str, pos: Position | None, section: str, reason: str) -> None:
        """Record text that fit nowhere (ignored when empty or without a position)."""
        if text.strip() and pos is not None:
            self.leftovers.append(Leftover(text.strip(), pos, section, reason))

    def row_leftovers(self, cells: Iterable[Cell], section: str, reason: str) -> None:
        """Record every fragment of ``cells`` as text that fit nowhere."""
        for cell in cells:
            for fragment in cell.fragments:
                self.leftover(fragment.text, fragment.pos, section, reason)
