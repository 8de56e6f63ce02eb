"""Extract measures written as paragraphs instead of a table.

Many agencies write each measure as a block of labelled paragraphs::

    มาตรการที่ 1 มาตรการปรับปรุงข้อมูลการติดต่อหน่วยงาน (แก้ไขข้อบกพร่องข้อ O3)
    วิธีการดำเนินการ
    (1) ตรวจสอบข้อมูลที่อยู่ ...
    (2) จัดทำแผนที่ตั้งสำนักงาน ...
    ระยะเวลาดำเนินการ : ต.ค. 68 – ธ.ค. 68
    ผู้รับผิดชอบ : สำนักปลัดเทศบาล
    ตัวชี้วัดความสำเร็จ : ข้อมูลการติดต่อครบ 4 องค์ประกอบ

A PDF may run several of these lines into one paragraph, so each paragraph is cut where a
measure, a label or an enumerated step begins. A measure begins with ``มาตรการที่ N`` at the
start of a paragraph, or inside one when N is the next number. The fields are those of a
measures table row (number, title, steps, owner, period, monitoring); text before the first
measure is the section's introduction.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ita_lib.documents.extract_analysis import addresses_in
from ita_lib.documents.extract_measures import read_period
from ita_lib.documents.extraction import (
    MARK_CLASS,
    MEASURE_FIELDS,
    MEASURE_MARKER,
    UNNUMBERED_MEASURE,
    Collector,
    any_marks,
    starts_step,
)
from ita_lib.documents.layout import Cell, Paragraph, Position, Table
from ita_lib.documents.terms import DocumentTerms, column_roles
from ita_lib.model.framework import Framework
from ita_lib.text.digits import to_arabic_digits

__all__ = ["label_table_paragraphs", "read_measure_paragraphs"]

_STEP_AHEAD = r"\(?[0-9๐-๙]{1,2}\)|[0-9๐-๙]{1,2}\.[0-9๐-๙]{1,2}\s"  # (1) 1) 1.1: a step's number
_LABELS = {
    "steps": r"วิธี(?:การ)?ดำเนิน(?:การ|งาน)|ขั้นตอน(?:การ)?(?:ดำเนิน(?:การ|งาน))?|วิธีการ(?=\s*:)",
    "period": r"(?:ระยะ|ช่วง|ห้วง)เวลา(?:การ)?(?:ดำเนิน(?:การ|งาน))?",
    "owner": r"(?:ผู้|หน่วยงาน|ส่วนราชการ)รับผิดชอบ",
    "monitoring": r"ตัวชี้วัด(?:ความสำเร็จ)?|การติดตาม(?:และ)?ประเมินผล|การติดตามผล|เป้าหมาย",
    "addresses": r"เหตุผล|ประเด็นที่(?:มุ่ง)?แก้ไข|ข้อที่แก้ไข|สอดคล้องกับ|ประเด็น\s*ITA",
}
# A label ends with a colon, or ends its paragraph, or comes before a step ("วิธีการดำเนินการ
# (1) ...", "วิธีดำเนินการ 1.1 ..."); then it may follow a word with no space (a PDF joins lines).
_LABEL_WORDS = "|".join(
    rf"(?P<{role}>(?:{words}))\s*(?::|：|$|(?={_STEP_AHEAD}))" for role, words in _LABELS.items()
)


_LABEL = {False: re.compile(_LABEL_WORDS), True: re.compile(any_marks(_LABEL_WORDS))}
# or it is enumerated with a Thai letter, its value after a space (ค. ระยะเวลา ต.ค. – พ.ย. ๖๘)
_ENUMERATED_WORDS = "|".join(  # not ป.ป.ช. ตัวชี้วัดที่ ..., ต.ค.: the letter starts a word
    rf"(?:^|(?<=[\s)]))[กขคงจฉชซ]\.\s*(?P<{role}>(?:{words}))(?!ที่)\s*[:：]?\s*"
    for role, words in _LABELS.items()
)
_ENUMERATED = {
    False: re.compile(_ENUMERATED_WORDS),
    True: re.compile(any_marks(_ENUMERATED_WORDS)),
}
_COLON = re.compile(r"\s*[:：]\s*$")
_BEFORE_STEP = re.compile(rf"\s*(?:{_STEP_AHEAD})")
_STEPS_LABEL = re.compile(r"วิธี(?:การ)?ดำเนิน(?:การ|งาน)\s*")
_SECTION = re.compile(rf"^\s*ส่วนท[{MARK_CLASS}]*\s*[0-9๐-๙]")  # the next part of the document
_STEP = re.compile(r"\(?([0-9๐-๙]{1,2})\)\s*")
_SUB_STEP = re.compile(
    r"\s*([0-9๐-๙]{1,2})\s*[.,]\s*[0-9๐-๙]{1,2}(?![0-9๐-๙])"
)  # ๔.๑ (๕,๓ in a scan)
_REFERENCE = re.compile(r"(?:ตาม|ของ|ใน|และ|กับ|ทั้ง|เป็น)$")  # "...ตามมาตรการที่ 3": a reference


@dataclass
class _Measure:
    number: int | None  # None: OCR could not read it (put right from its neighbours later)
    title: list[str]
    pos: Position
    fields: dict[str, list[tuple[str, Position]]] = field(default_factory=dict)


def _glued(match: re.Match[str], text: str, following: str) -> bool:
    """Return True for the steps label a PDF ran into the line before it
    (``...ได้อย่างต่อเนื่องวิธีดำเนินการ``): ``วิธีดำเนินการ`` before a step, in the paragraph or
    first in the next, in a paragraph that is no step itself (``(1) ...ลดระยะเวลาดำเนินการ``)."""
    if (
        match.lastgroup != "steps"
        or not _STEPS_LABEL.fullmatch(match[0])
        or _BEFORE_STEP.match(text)
    ):
        return False
    at_end = match.end() == len(text)
    return bool(_BEFORE_STEP.match(text, match.end()) or (at_end and _BEFORE_STEP.match(following)))


def _pieces(
    paragraph: Paragraph, expected: int, ocr: bool, last: int | None = None, following: str = ""
) -> list[tuple[str, str, Position]]:
    """Cut a paragraph into (kind, text) pieces: ``measure``, a label's role, ``step``, ``text``.

    ``expected`` is the next measure number: a measure starts inside a paragraph only then,
    after a space (the first measure also right after the introduction's last word). ``last``
    is the number of the step before the paragraph, if it continues a list of steps;
    ``following`` is the next paragraph's text (a steps label glued to the end of this one
    counts when it starts with a step).
    """
    text = paragraph.text
    cuts: list[tuple[int, int, str]] = []  # start, end of the marker, kind
    for match in MEASURE_MARKER[ocr].finditer(text):
        at_start = not text[: match.start()].strip()
        number = int(to_arabic_digits(match[1]))
        before = text[max(0, match.start() - 4) : match.start()]
        spaced = before[-1:].isspace() or expected == 1 or not _REFERENCE.search(before)
        # in a scan, the number after one OCR could not read (expected + 1) starts one too
        if at_start or (number in (expected, expected + ocr) and spaced):
            cuts.append((match.start(), match.start(), "measure"))
            expected = number + 1
    if ocr and not any(c[0] == 0 for c in cuts) and UNNUMBERED_MEASURE.match(text):
        cuts.append((0, 0, "measure"))  # a measure whose number OCR could not read
    for match in _ENUMERATED[ocr].finditer(text):
        cuts.append((match.start(), match.end(), match.lastgroup or "text"))
    for match in _LABEL[ocr].finditer(text):
        before = text[match.start() - 1] if match.start() else " "
        if (
            before.isspace()
            or before == ")"
            or _COLON.search(match[0])
            or _glued(match, text, following)
        ):
            cuts.append((match.start(), match.end(), match.lastgroup or "text"))
    for match in _STEP.finditer(text):  # not a number closing a bracket: ๖๙), (ครั้งที่ 2)
        number = int(to_arabic_digits(match[1]))
        spaced = match.start() == 0 or text[match.start() - 1].isspace()
        if spaced and starts_step(number, last, opens=match.start() == 0):
            cuts.append((match.start(), match.start(), "step"))
            last = number
    cuts.sort()
    pieces: list[tuple[str, str, Position]] = []
    position, kind = 0, "text"
    for start, end, next_kind in cuts:
        if start < position:
            continue  # a marker inside the one before it (a step number in a label's colon)
        pieces.append((kind, text[position:start].strip(), paragraph.pos))
        position, kind = end, next_kind
    pieces.append((kind, text[position:].strip(), paragraph.pos))
    return [(k, t, p) for k, t, p in pieces if t or k not in ("text", "step")]


def label_table_paragraphs(
    table: Table, terms: DocumentTerms, *, ocr: bool = False
) -> list[Paragraph] | None:
    """Return a measure's table of labels and values (``วิธีการดำเนินการ | ๑) ...``, a table
    per measure under its ``มาตรการที่ N`` heading, or with that heading across its first row)
    as the labelled paragraphs it stands for; None when the table's first column holds fewer
    than two labels (or, with no heading of its own, more than one other row).

    A row split over a page continues the row above: its value (no label), or its label (no
    value: ``ตัวชี้วัดความ`` / ``สำเร็จ``). A label matched only as the catalogue's measures
    table columns match (OCR: ``ประเด็นทีม่ง จแก้ไข``) is written as its role's label."""
    first = _measure_heading(table.header, ocr, table.pos)  # มาตรการที่ ๑ ... across the top
    header = [table.header] if len(table.header) == 2 and not first else []
    pairs: list[list[Any]] = []  # label, value, position; a heading across: None, its paragraph
    for cells in header + [row.cells for row in table.rows]:
        if (heading := _measure_heading(cells, ocr, table.pos)) is not None:  # the next one
            pairs.append([None, heading, heading.pos])  # joined to this one over a page
            continue
        if len(cells) < 2:
            continue
        # a value over several cells: a scan's stray vertical rules cut it
        label, value = (
            " ".join(cells[0].text.split()),
            " ".join(" ".join(c.text for c in cells[1:]).split()),
        )
        if pairs and pairs[-1][0] is not None and not label:
            pairs[-1][1] = f"{pairs[-1][1]} {value}".strip()
        elif (
            pairs
            and pairs[-1][0] is not None
            and not value
            and _broken_label(pairs[-1][0], label, terms, ocr)
        ):
            pairs[-1][0] += label
        else:
            pairs.append([label, value, cells[0].pos or cells[1].pos or table.pos])
    roles = [_label_role(label, terms, ocr) if label is not None else "" for label, _, _ in pairs]
    labelled = sum(bool(role) for role in roles)
    others = sum(role is None for role in roles)
    if labelled < 2 or (others > 1 and not first):
        return None
    out = [first] if first else []
    for (label, value, pos), role in zip(pairs, roles, strict=True):
        if label is None:
            out.append(value)
            continue
        written = label if role is None or _LABEL[ocr].match(f"{label} :") else _ROLE_LABEL[role]
        out.append(Paragraph(f"{written} : {value}", pos))
    return out


def _measure_heading(
    cells: Sequence[Cell], ocr: bool, where: Position | None = None
) -> Paragraph | None:
    """Return a row as a paragraph when it is a measure's heading written across the table
    (``มาตรการที่ ๑ ...`` over the rows of labels; in a scan, its number maybe read as no digit:
    ``มาตรการที่ซ ...``), else None."""
    first, *others = cells or (None,)
    if first is None or any(c.text.strip() for c in others):
        return None
    text = " ".join(first.text.split())
    head = text[: _STRAY_PREFIX + 20] if ocr else text
    marker = MEASURE_MARKER[ocr].search(head) or (UNNUMBERED_MEASURE.search(head) if ocr else None)
    if marker is None or marker.start() > (_STRAY_PREFIX if ocr else 0):
        return None  # in a scan, a few signs before it are a stamp's or a speck's reading
    return Paragraph(text[marker.start() :], first.pos or where or Position())


_STRAY_PREFIX = 20  # characters OCR may read before a heading across a scanned table


_ROLE_LABEL = {
    "steps": "วิธีการดำเนินการ",
    "period": "ระยะเวลา",
    "owner": "ผู้รับผิดชอบ",
    "monitoring": "ตัวชี้วัดความสำเร็จ",
    "addresses": "ประเด็นที่มุ่งแก้ไข",
}


def _broken_label(before: str, label: str, terms: DocumentTerms, ocr: bool) -> bool:
    """Return True when a label with no value is the end of the label above, broken over a page
    (``ตัวชี้วัดความ`` / ``สำเร็จ``): it is no label itself, and the label above is none
    either or becomes a whole label with it (``ประเด็นที่มุ่ง`` / ``แก้ไข``)."""
    if _label_role(label, terms, ocr) is not None:
        return False
    return _label_role(before, terms, ocr) is None or bool(_LABEL[ocr].match(f"{before}{label} :"))


def _label_role(label: str, terms: DocumentTerms, ocr: bool) -> str | None:
    """Return the field a label cell names (``ระยะเวลา``: ``period``), or None."""
    match = _LABEL[ocr].match(f"{label} :")
    if match:
        return match.lastgroup
    roles = column_roles([label], "measures", terms, tolerant=ocr)
    return next((role for role in roles if role in _ROLE_LABEL), None)


def read_measure_paragraphs(
    paragraphs: Sequence[Paragraph], build: Collector, framework: Framework
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Return (measures, measure rows as written) from the measures section's paragraphs.

    Parameters
    ----------
    paragraphs
        The measures section's paragraphs, in order.
    build
        Collects where each field came from and the text that fit nowhere.
    framework
        The assessment year's framework: the item codes a measure's reason names
        (``เหตุผล: เพื่อแก้ไขข้อ O19``) become its ``addresses``.

    Returns
    -------
    tuple of (list, list)
        The measures (as :func:`~ita_lib.documents.extract_measures.read_measures` gives
        them) and, per measure, its number as written and where.
    """
    measures: list[_Measure] = []
    role: str | None = None
    for paragraph, following in zip(paragraphs, [*paragraphs[1:], None], strict=False):
        if measures and _SECTION.match(paragraph.text):
            break  # the measures end where the document's next part begins
        last = _last_step(measures[-1], role) if measures and role else None
        after = following.text if following is not None else ""
        expected = _next_number(measures, build.ocr)
        for kind, text, pos in _pieces(paragraph, expected, build.ocr, last, after):
            if kind == "measure":
                match = MEASURE_MARKER[build.ocr].match(text) or UNNUMBERED_MEASURE.match(text)
                assert match is not None  # a measure piece starts with its marker
                number = int(to_arabic_digits(match[1])) if match.groups() else None
                measures.append(_Measure(number, [text[match.end() :].strip()], pos))
                role = None
            elif not measures:
                continue  # the section's introduction
            elif kind in _LABELS:
                role = kind
                _add(measures[-1], role, text, pos, new_item=True)
            elif role is None:
                measures[-1].title.append(text)
            else:
                _add(measures[-1], role, text, pos, new_item=kind == "step")
    return _as_data(measures, build, framework)


def _last_step(measure: _Measure, role: str) -> int | None:
    """The number of the last step of a measure's field (``(3) ...`` -> 3), or None."""
    items = measure.fields.get(role) or [("", measure.pos)]
    match = _STEP.match(items[-1][0])
    return int(to_arabic_digits(match[1])) if match else None


def _next_number(measures: list[_Measure], ocr: bool = False) -> int:
    """The number the next measure should have (past measures whose number was unread). In a
    scan, a measure whose steps are numbered under the number after the one before it
    (``มาตรการที่ ๕`` read for ๔, its steps ``๔.๑``, ``๔.๒`` after measure ๓) is that number."""
    known = [(i, m.number) for i, m in enumerate(measures) if m.number is not None]
    if not known:
        return len(measures) + 1
    index, number = known[-1]
    if ocr and index == len(measures) - 1:
        before = measures[-2].number if index else 0
        by_steps = _numbered_under(measures[-1])
        if before is not None and by_steps == before + 1:
            number = by_steps
    return number + len(measures) - index


def _numbered_under(measure: _Measure) -> int | None:
    """The number most of a measure's steps are numbered under (``๔.๑``, ``๔.๒``, ``๕,๓`` OCR
    misread -> 4), or None."""
    heads = [
        int(to_arabic_digits(match[1]))
        for text, _ in measure.fields.get("steps", ())
        if (match := _SUB_STEP.match(text))
    ]
    if not heads:
        return None
    head, count = Counter(heads).most_common(1)[0]
    return head if 2 * count > len(heads) else None


def _add(measure: _Measure, role: str, text: str, pos: Position, *, new_item: bool) -> None:
    """Add text to a field: a new item (a step, a label's value) or the last item's rest."""
    items = measure.fields.setdefault(role, [])
    if not text:
        return
    if new_item or not items:
        items.append((text, pos))
    else:
        items[-1] = (f"{items[-1][0]} {text}", items[-1][1])


def _as_data(
    measures: list[_Measure], build: Collector, framework: Framework
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    out: list[dict[str, Any]] = []
    written: list[dict[str, Any]] = []
    for index, measure in enumerate(measures):
        data: dict[str, Any] = {
            "number": measure.number,
            "title": " ".join(t for t in measure.title if t),
        }
        build.at(measure.pos, "measures", index)
        build.at(measure.pos, "measures", index, "number")
        build.at(measure.pos, "measures", index, "title")
        for role in ("steps", "monitoring"):
            items = measure.fields.get(role, [])
            if items:
                data[role] = [text for text, _ in items]
                for j, (_, pos) in enumerate(items):
                    build.at(pos, "measures", index, role, j)
        owner = measure.fields.get("owner", [])
        if owner:
            data["owner"] = " ".join(text for text, _ in owner)
            build.at(owner[0][1], "measures", index, "owner")
        _period(measure.fields.get("period", []), data, index, build)
        reason = " ".join(text for text, _ in measure.fields.get("addresses", []))
        if addresses := addresses_in(reason, framework):
            data["addresses"] = addresses
        out.append({k: data[k] for k in MEASURE_FIELDS if k in data})
        written.append({"number": str(measure.number or ""), "line": measure.pos.ref})
    return out, written


def _period(
    items: list[tuple[str, Position]], data: dict[str, Any], index: int, build: Collector
) -> None:
    """Set the measure's period when its text reads as one (:func:`.read_period`)."""
    if not items:
        return
    text, pos = " ".join(t for t, _ in items), items[0][1]
    value = read_period(text, pos, build)
    if value is not None:
        data["period"] = value
    build.at(pos, "measures", index, "period")  # where the period is, though not read
