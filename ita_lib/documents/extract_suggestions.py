"""Extract NACC's suggestions: the summary, the paragraph per instrument, each item's suggestion.

Item codes are normalised (``0๑๑`` -> ``o11``) and each item's suggestion is kept with the
indicator and sub-indicator headings it is written under (for the audit to check).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise
from typing import Any

from ita_lib.documents.extraction import (
    MARKS,
    UNREAD_BY_OCR,
    Collector,
    Correction,
    instrument_of,
)
from ita_lib.documents.layout import Paragraph, Position
from ita_lib.documents.ocr_repair import (
    item_code_correction,
    item_named,
    snap_item_code,
    snap_sub_indicator,
    starts_with_name,
)
from ita_lib.documents.sections import HEADING_MAX
from ita_lib.model.framework import Framework
from ita_lib.text.codes import normalize_item_code
from ita_lib.text.digits import to_arabic_digits

__all__ = ["read_suggestions"]
_SUB_HEADING = re.compile(r"^\s*ตัวชี้วัดย่อย(?:ที่)?\s*(\d{1,2})\s*\.\s*(\d{1,2})")
_INDICATOR_HEADING = re.compile(r"^\s*ตัวชี้วัด(?:ที่)?\s*(\d{1,2})(?!\s*\.\s*\d)")
# In a scan, headings are matched without the marks above and below the line (OCR drops them).
_SUB_HEADING_OCR = re.compile(
    r"^\s*ตว[ชซ]วดยอย(?:ท)?[^\dก-ฮ]{0,3}(\d{1,2})\s*\.\s*(\d{1,2})(?P<name>.*)$"
)
_INDICATOR_HEADING_OCR = re.compile(r"^\s*ตว[ชซ]วด(?:ท)?[^\dก-ฮ]{0,3}(\d{1,2})(?!\s*\.\s*\d)")
_ITEM_WORD = re.compile(r"^\s*ข้อ\s*\S{1,4}(?:\s|$)")  # "ข้อ Ooo ...": an item whose code OCR misread
_ENUMERATOR = r"(?:\(?[0-9๐-๙]{1,2}\)|[0-9๐-๙]{1,2}\.(?![0-9๐-๙]))"  # (๑) ๑) 1.


def _item_line(number: str, enumerator: str = _ENUMERATOR) -> re.Pattern[str]:
    """Return the pattern of a suggestion line that starts with an item code whose number
    matches ``number`` (``- O6 ...``, ``• ข้อ O6 ...``, ``(๑) ข้อ o ๖ ...``, ``๑) O11 ...``)."""
    return re.compile(
        rf"^[\s.,;:'‘’\-–—•·*=~]*(?:{enumerator}\s*(?=ข้อ|[oOiIeE0๐]\s*\.?\s*[0-9๐-๙]))?(?:ข้อ\s*)?"
        rf"(?P<code>[oOiIeE0๐]\s*\.?\s*{number})(?=[\s.:)\-–]|$|[ก-ฮเ-ไ])[\s.:)\-–]*(?P<text>.*)$"
    )


_ITEM_LINE = _item_line("[0-9๐-๙]{1,2}")
# In a scan a code may be read with a digit too many or as letters (``ข้อ๐9๒๕รายงานผล...``,
# ``ข้อOve รายงานผล...``): the catalogue name written after it decides (:func:`_code_by_name`).
# An instrument's name (``OIT ...``) is no code.
# ... and its list number may be misread too (@)011 ... for ๑) O11 ...)
_ITEM_LINE_OCR = _item_line("(?!IT|TA)[0-9๐-๙A-Za-z]{1,4}", rf"(?:{_ENUMERATOR}|[^\s()]{{1,2}}\))")
# Where a paragraph a PDF ran together holds a new part: a sub-indicator heading, or an
# enumerated item ("... (๒) ข้อ o ๑๑ ...").
_PART_START = re.compile(
    rf"(?<=\s)(?:ตัวชี้วัดย่อย(?:ที่)?\s*[0-9๐-๙]{{1,2}}\s*\.\s*[0-9๐-๙]|{_ENUMERATOR}\s*ข้อ\s*[oOiIeE0๐]\s*[0-9๐-๙])"
    r"|\([0-9๐-๙]{1,2}\)\s*ข้อ\s*[oOiIeE0๐]"  # "...ทุจริต(๔)ข้อo๒๔", "(๓)ข้อOve": no space
    r"|(?<=\s)[-–•]\s*(?:ข้อ\s*)?[oOiIeE0๐]\s*[0-9๐-๙]{1,2}\s"  # "... - O11 ข้อมูล...": a bullet
)
# "...ตามข้อ O13", "ได้แก่ O13": the text names an item, no heading begins there
_REFERENCE = re.compile(
    r"(?:ตาม|ของ|ใน|และ|กับ|หรือ|เช่น|ได้แก่|คือ|เรื่อง|ได้|ให้|ที่|เป็น|จาก|ถึง)\s*(?:ข้อ)?\s*$"
)
_ITEM_WORD_BEFORE = re.compile(r"ข้อ\s*$")
_SUB_REFERENCE = re.compile(r"\(\s*ตว[ชซ]วดยอย")  # (ตัวชี้วัดย่อยที่ ๙.๒) after a name, marks off
_NUMBERED_PART = re.compile(r"^\s*\d{1,2}\s*\.\s*\d{1,2}(?!\d)")  # "3.3 ...", digits made Arabic
_OWN_HEADING = re.compile(rf"[\s.,;:'‘’\-–—•·*=~]*(?:{_ENUMERATOR})?\s*(?:ข้อ)?\s*")
# an item code after a space (or a stop: ...ทุจริต.0๒๕รายงาน...), maybe behind its list number
# OCR misread (๕022 for ๔) O22)
_RUN_IN_CODE = re.compile(  # (not the decimals of a figure: 80.05)
    r"(?:(?<=\s)|(?<=[^\d๐-๙][.,;]))(?:[^\s()]{1,2}?)?(?P<code>[oOiIeE0๐][0-9๐-๙]{1,2})"
    r"(?![0-9๐-๙./:A-Za-z])"
)


@dataclass
class _Reading:
    """Mutable state while reading the suggestions section (never leaves this module)."""

    summary: list[str] = field(default_factory=list)
    summary_pos: Position | None = None
    by_instrument: dict[str, str] = field(default_factory=dict)
    by_item: list[dict[str, str]] = field(default_factory=list)
    groups: list[dict[str, Any]] = field(default_factory=list)
    instrument: str | None = None
    written: str | None = None  # the instrument whose paragraph is being written
    indicator: int | None = None
    sub: str | None = None
    last: str = "start"
    pending: tuple[str, Position] | None = None  # an item code whose text is on the next line


def read_suggestions(
    paragraphs: Sequence[Paragraph], framework: Framework, build: Collector
) -> tuple[dict[str, Any], list[dict[str, Any]], list[str] | None]:
    """Read the suggestions section.

    Parameters
    ----------
    paragraphs
        The section's paragraphs, in order.
    framework
        The assessment year's framework (item codes, instrument names).
    build
        Collects where each suggestion came from and the text that fit nowhere.

    Returns
    -------
    tuple
        The ``suggestions`` mapping, the groups as written (``document.suggestion_groups``),
        and the OIT items NACC flagged (None when the section says nothing on OIT).
    """
    state = _Reading()
    paragraphs = [part for p in paragraphs for part in _split_at_parts(p)]
    if build.ocr:  # lines OCR ran together
        paragraphs = [part for p in paragraphs for part in _split_at_named_items(p, framework)]
        paragraphs = [part for p in paragraphs for part in _split_at_heading(p)]
    for paragraph in paragraphs:
        _read_paragraph(paragraph, state, framework, build)
    if state.pending is not None:
        code, pos = state.pending
        build.leftover(code, pos, "suggestions", "item code without a suggestion")
    return _result(state, framework, build)


def _split_at_parts(paragraph: Paragraph) -> list[Paragraph]:
    """Split a paragraph where a sub-indicator heading or an enumerated item begins inside it
    (a PDF's lines run together when nothing spaces its paragraphs apart)."""
    text = paragraph.text
    starts = [0, *(m.start() for m in _PART_START.finditer(text)), len(text)]
    if len(starts) == 2:
        return [paragraph]
    pieces = (text[a:b].strip() for a, b in pairwise(starts))
    return [replace(paragraph, text=piece) for piece in pieces if piece]


def _split_at_named_items(paragraph: Paragraph, framework: Framework) -> list[Paragraph]:
    """Split a scanned paragraph where an item's heading begins inside it: its code, then its
    name as the catalogue writes it (``... ของปีงบประมาณ O13 รายงานผลการจัดซื้อจัดจ้าง...``:
    lines OCR ran together), maybe after its list number misread (``... , ๕022รายงาน...``:
    the mark is dropped). A code the text refers to (``ตามข้อ O13``, ``ได้แก่ O13``) is no
    heading."""
    text = paragraph.text
    cuts: list[tuple[int, int]] = []  # where the text before ends, where the heading begins
    for match in _RUN_IN_CODE.finditer(text):
        before, after = text[: match.start()], text[match.end() :]
        code = normalize_item_code(match["code"])
        own = code is not None and framework.has_item(code)
        if (
            _OWN_HEADING.fullmatch(before)  # the paragraph's own item: ๓) 019 ...
            or _REFERENCE.search(before)
            or not (
                (own and starts_with_name(after, framework.item(code).name_th or ""))
                or _named_heading(after, framework)  # a code OCR garbled: ๑0๒9 for • O ๖
            )
        ):
            continue
        word = _ITEM_WORD_BEFORE.search(before)  # "... ข้อ O13 ...": the word is the heading's
        start = word.start() if word else match.start("code")
        cuts.append((word.start() if word else match.start(), start))
    if not cuts:
        return [paragraph]
    ends = [end for end, _ in cuts] + [len(text)]
    starts = [0] + [start for _, start in cuts]
    pieces = (text[a:b].strip() for a, b in zip(starts, ends, strict=True))
    return [replace(paragraph, text=piece) for piece in pieces if piece]


def _named_heading(text: str, framework: Framework) -> bool:
    """Return True when ``text`` starts with one item's catalogue name, closed by a colon or by
    a bracket naming its sub-indicator: the name then decides the code however OCR read it
    (:func:`_code_by_name`)."""
    return item_named(text, framework) is not None and (
        ":" in text or bool(_SUB_REFERENCE.search(MARKS.sub("", text)))
    )


def _split_at_heading(paragraph: Paragraph) -> list[Paragraph]:
    """Split a scanned paragraph where a sub-indicator heading OCR ran into it begins (not
    where an item's name refers to its sub-indicator: ``... (ตัวชี้วัดย่อยที่ ๙.๒)``)."""
    text = paragraph.text
    for start in (i for i, c in enumerate(text) if c == "ต" and i):
        if text[:start].rstrip().endswith("("):
            continue
        if _SUB_HEADING_OCR.match(MARKS.sub("", to_arabic_digits(text[start:]))):
            return [
                replace(paragraph, text=text[:start].strip()),
                replace(paragraph, text=text[start:]),
            ]
    return [paragraph]


def _read_paragraph(
    paragraph: Paragraph, state: _Reading, framework: Framework, build: Collector
) -> None:
    """Read one paragraph: an item's suggestion (its code maybe on the line before), or text."""
    text = paragraph.text
    if state.pending is not None:
        code, pos = state.pending
        state.pending = None
        if not _ITEM_LINE.match(text) and not _SUB_HEADING.match(to_arabic_digits(text)):
            _add_item(code, text, pos, state, build)
            state.last = "item"
            return
        build.leftover(code, pos, "suggestions", "item code without a suggestion")
    item = _ITEM_LINE.match(text) or (_ITEM_LINE_OCR.match(text) if build.ocr else None)
    code = normalize_item_code(item["code"]) if item else None
    if item and build.ocr:
        named = _code_by_name(item, code, paragraph.pos, framework, build)
        if named != code:
            code = named
        elif code is not None:
            code = _letter_in_context(code, state.instrument)
    if code is None and build.ocr and _ITEM_WORD.match(text):
        build.leftover(text, paragraph.pos, "suggestions", UNREAD_BY_OCR["item"])
        state.last = "item"
        return
    if item and code is not None:
        if item["text"].strip():
            _add_item(code, item["text"].strip(), paragraph.pos, state, build)
        else:
            state.pending = (code, paragraph.pos)
        state.last = "item"
        return
    _read_text(paragraph, state, framework, build)


def _code_by_name(
    item: re.Match[str], code: str | None, pos: Position, framework: Framework, build: Collector
) -> str | None:
    """Return the code of the item whose catalogue name a scanned suggestion starts with
    (``ข้อ o6 แผนและความก้าวหน้า... : ...``) when OCR misread the code (None: not read as one);
    the correction is a finding. The name is the text before the first colon, or before a
    bracket naming its sub-indicator (``๑0๒9 <name> (ตัวชี้วัดย่อยที่ ๙.๒)``): the whole name, which
    alone decides; without either, the text before a bracket, and only a code one digit off."""
    text = item["text"]
    alone = ":" in text or bool(_SUB_REFERENCE.search(MARKS.sub("", text)))
    name = text.split(":", 1)[0] if ":" in text else text.split("(", 1)[0] if "(" in text else ""
    value = snap_item_code(code, name, framework, by_name_alone=alone) if name.strip() else code
    if value != code:
        build.correct(item_code_correction(pos, item["code"], value))
    return value


_CODE_INSTRUMENT = {"o": "OIT", "e": "EIT", "i": "IIT"}
# an instrument named as a part of a paragraph that names several: ส่วนแบบวัด OIT, สำหรับ EIT
_PART_INSTRUMENT = re.compile(r"(?:ส่วน|สำหรับ|ด้าน)\s*(?:ของ\s*)?(?:แบบวัด\s*)?\(?(IIT|EIT|OIT)")


def _letter_in_context(code: str, instrument: str | None) -> str:
    """Return an item code read by OCR with its letter taken from the instrument it is under.

    OCR reads the ``e`` of ``e๑๒`` as ``0`` or ``o`` (the letter an agency's ``0๑๒`` means);
    under the EIT or IIT paragraph an item is that instrument's.
    """
    if instrument in ("EIT", "IIT") and code.startswith("o"):
        return instrument[0].lower() + code[1:]
    return code


def _read_text(
    paragraph: Paragraph, state: _Reading, framework: Framework, build: Collector
) -> None:
    """Read a paragraph that is no item: a heading, an instrument's paragraph, or the summary."""
    text = paragraph.text
    arabic = to_arabic_digits(text)
    sub_match = _SUB_HEADING.match(arabic)
    head_match = _INDICATOR_HEADING.match(arabic)
    if build.ocr and not sub_match and not head_match:
        bare = MARKS.sub("", arabic)
        sub_match, head_match = _SUB_HEADING_OCR.match(bare), _INDICATOR_HEADING_OCR.match(bare)
    if sub_match:
        state.sub = f"{int(sub_match[1])}.{int(sub_match[2])}"
        if build.ocr:
            state.sub = _sub_by_name(state.sub, sub_match, paragraph, framework, build)
        state.indicator = int(state.sub.split(".")[0])
        state.instrument = _instrument_of(state.indicator, framework) or state.instrument or "OIT"
        state.last = "heading"
    elif head_match and len(text) <= HEADING_MAX // 2:
        state.indicator, state.sub = int(head_match[1]), None
        state.instrument = _instrument_of(state.indicator, framework) or state.instrument
        state.last = "heading"
    elif (found := instrument_of(text, framework)) and (
        found not in state.by_instrument or _NUMBERED_PART.match(arabic)
    ):  # a numbered part (๓.๓ ... (OIT)) names its instrument even if a paragraph did before
        # the items that follow are of the instrument its last part names ("... ส่วนแบบวัด OIT")
        parts = [m[1] for m in _PART_INSTRUMENT.finditer(text)]
        state.instrument = parts[-1] if parts else found
        state.indicator, state.sub, state.written = None, None, found
        before = state.by_instrument.get(found)
        state.by_instrument[found] = f"{before} {text}" if before else text
        if before is None:
            build.at(paragraph.pos, "suggestions", "by_instrument", found)
        state.last = "instrument"
    elif state.last in ("start", "summary") and not state.by_instrument and not state.by_item:
        state.summary.append(text)
        state.summary_pos = state.summary_pos or paragraph.pos
        state.last = "summary"
    elif state.last == "instrument" and state.written is not None:
        state.by_instrument[state.written] = f"{state.by_instrument[state.written]} {text}"
    elif state.last == "item" and _name_only(state.by_item[-1], framework):
        state.by_item[-1]["text"] = f"{state.by_item[-1]['text']} {text}"  # the name, then this
    else:
        build.leftover(text, paragraph.pos, "suggestions", "fits no suggestion")


def _name_only(item: dict[str, str], framework: Framework) -> bool:
    """Return True when an item's suggestion so far is its catalogue name alone (``O6 แผน...``
    on its line, the suggestion in the paragraph below it)."""
    code = item["item"]
    name = framework.item(code).name_th if framework.has_item(code) else None
    return bool(name) and starts_with_name(item["text"], name or "", whole=True)


def _instrument_of(indicator: int, framework: Framework) -> str | None:
    """Return the instrument an indicator belongs to (9 and 10: OIT); None for a number the
    year has no indicator of (OCR misread it)."""
    try:
        return framework.instrument_of(indicator).code
    except KeyError:
        return None


def _sub_by_name(
    read: str, match: re.Match[str], paragraph: Paragraph, framework: Framework, build: Collector
) -> str:
    """Return a scanned sub-indicator heading's sub-indicator, by its name if OCR misread its number."""
    name = match.group("name") if "name" in match.groupdict() else _text_after(match)
    value = snap_sub_indicator(read, name, framework)
    if value is None or value == read:
        return read
    build.correct(Correction(
        paragraph.pos, "sub-indicator", read, value,
        f"the heading's name is the name of sub-indicator {value} in the catalogue",
        f"ชื่อในหัวข้อเป็นชื่อของตัวชี้วัดย่อยที่ {value} ตามรายการของปีนั้น",
    ))  # fmt: skip
    return value


def _text_after(match: re.Match[str]) -> str:
    """Return the text after a heading's match."""
    return match.string[match.end() :]


def _result(
    state: _Reading, framework: Framework, build: Collector
) -> tuple[dict[str, Any], list[dict[str, Any]], list[str] | None]:
    """Return what :func:`read_suggestions` returns, from the state at the section's end."""
    out: dict[str, Any] = {}
    if state.summary:
        out["summary"] = " ".join(state.summary)
        build.at(state.summary_pos, "suggestions", "summary")
    by_instrument = state.by_instrument
    if by_instrument:
        out["by_instrument"] = {
            k: by_instrument[k] for k in ("IIT", "EIT", "OIT") if k in by_instrument
        }
    if state.by_item:
        out["by_item"] = state.by_item
    groups = state.groups
    failed = None
    if "OIT" in by_instrument or any(g["instrument"] == "OIT" for g in groups):
        oit = [
            g["item"]
            for g in groups
            if framework.has_item(g["item"]) and framework.item(g["item"]).instrument == "OIT"
        ]
        failed = list(dict.fromkeys(oit))
    return out, groups, failed


def _add_item(code: str, text: str, pos: Position, state: _Reading, build: Collector) -> None:
    """Add an item's suggestion, grouped under the headings it is written under."""
    index = len(state.by_item)
    state.by_item.append({"item": code, "text": text})
    build.at(pos, "suggestions", "by_item", index)
    group_instrument = _CODE_INSTRUMENT.get(code[:1], state.instrument)  # e6 is EIT's
    state.groups.append(
        {
            "item": code,
            "instrument": group_instrument,
            "indicator": state.indicator,
            "sub_indicator": state.sub,
            "line": pos.ref,
        }
    )
    build.at(pos, "document", "suggestion_groups", index)
