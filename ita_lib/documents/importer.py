"""Import an agency's measures document (text or .docx) as assessment data.

:func:`import_document` reads a document with :mod:`ita_lib.documents.layout` and extracts, in the
shape of ``docs/assessment-format.md``:

- the agency's name and type (from the title, else the first section heading), the assessment
  year and the measures' fiscal year;
- the score table, wherever its columns are (they are told apart by their headers, see
  ``ita_lib/data/document_terms.yaml``): the ten indicator scores, and, as written, the
  instrument means, weights, weighted scores, the claimed total and the rating;
- NACC's suggestions: the summary, the paragraph per instrument, and each item's suggestion
  with its code normalised (``0๑๑`` -> ``o11``), grouped under the indicator and
  sub-indicator headings it is written under;
- the agency's own analysis table: per row, what to keep and what is weak, with the item codes
  and indicators each side names;
- the measures: number, title, steps as a list, owner, period, monitoring as a list.

The assessment data is a plain dict that :func:`ita_lib.model.assessment.parse_assessment` accepts;
what the format has no field for (the score table as written, the analysis table, where each
suggestion was grouped, the section texts, the page furniture and the text that fit no section)
is kept under the optional top-level ``document:`` key. Nothing is dropped: text that fits no
section is a :class:`Leftover`, reported and written out.

All extraction is pure; :func:`import_document` and :func:`write_assessment_yaml` are the I/O
edges. Errors are :class:`ita_lib.exceptions.InputError` naming the file, the line (or table
cell) and what was expected.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import os
import re
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict

from ita_lib.documents.layout import (
    Cell,
    Document,
    Paragraph,
    Position,
    Table,
    join_wrapped,
    read_document,
)
from ita_lib.exceptions import InputError, UnknownFiscalYearError
from ita_lib.model.assessment import parse_assessment
from ita_lib.model.framework import Framework, load_framework
from ita_lib.model.packaged import load_catalogue
from ita_lib.model.structures import dotted_path, freeze, thaw
from ita_lib.text.codes import normalize_item_code
from ita_lib.text.thai import parse_number, parse_period, to_arabic_digits

__all__ = [
    "AgencyType",
    "DocumentTerms",
    "ImportResult",
    "Leftover",
    "dump_assessment_yaml",
    "import_document",
    "import_parsed",
    "load_document_terms",
    "split_agency_name",
    "step_number",
    "write_assessment_yaml",
]

_TERMS_FILE = "document_terms.yaml"
_NOT_MEASURES = (
    "a score table (ตัวชี้วัด | คะแนน ...) and a measures table "
    "(ลำดับ | มาตรการ/แนวทาง | วิธีดำเนินการ | ...)"
)

# -- Catalogue of document terms ----------------------------------------------------------------


@dataclass(frozen=True)
class AgencyType:
    """An agency type (``องค์การบริหารส่วนตำบล``), its abbreviation and known misspellings."""

    name: str
    short: str | None
    misspellings: tuple[str, ...] = ()


@dataclass(frozen=True)
class DocumentTerms:
    """The importer's catalogue (``ita_lib/data/document_terms.yaml``)."""

    agency_types: tuple[AgencyType, ...]
    tables: Mapping[str, tuple[tuple[str, ...], tuple[tuple[str, tuple[str, ...]], ...]]]
    total_labels: tuple[str, ...]
    sections: Mapping[str, tuple[str, ...]]
    suggestions_intro: tuple[str, ...]
    empty_markers: tuple[str, ...]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _AgencyTypeIn(_Strict):
    name: str
    short: str | None = None
    misspellings: list[str] = []


class _ColumnIn(_Strict):
    role: str
    keywords: list[str]


class _TableIn(_Strict):
    required: list[str]
    columns: list[_ColumnIn]


class _TermsIn(_Strict):
    schema_version: int
    agency_types: list[_AgencyTypeIn]
    tables: dict[str, _TableIn]
    total_labels: list[str]
    sections: dict[str, list[str]]
    suggestions_intro: list[str]
    empty_markers: list[str]


def _key(text: str) -> str:
    """Return text for matching: no white space, Arabic digits, lower case."""
    return to_arabic_digits("".join(text.split())).lower()


@functools.cache
def load_document_terms() -> DocumentTerms:
    """Load the importer's catalogue of terms (cached).

    Raises
    ------
    ITAError
        If the data file shipped with ita_lib is invalid.
    """
    raw = load_catalogue(_TermsIn, _TERMS_FILE)
    return DocumentTerms(
        agency_types=tuple(
            AgencyType(t.name, t.short, tuple(t.misspellings)) for t in raw.agency_types
        ),
        tables=MappingProxyType(
            {
                kind: (
                    tuple(t.required),
                    tuple((c.role, tuple(c.keywords)) for c in t.columns),
                )
                for kind, t in raw.tables.items()
            }
        ),
        total_labels=tuple(_key(t) for t in raw.total_labels),
        sections=MappingProxyType({k: tuple(v) for k, v in raw.sections.items()}),
        suggestions_intro=tuple(raw.suggestions_intro),
        empty_markers=tuple(_key(m) for m in raw.empty_markers),
    )


# -- Results -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Leftover:
    """Text that fit no section, with where it is and the section it was found in."""

    text: str
    pos: Position
    section: str
    reason: str = "fits no section"

    def to_dict(self) -> dict[str, Any]:
        """Return the leftover as written under ``document.leftovers``."""
        return {
            "line": self.pos.ref,
            "section": self.section,
            "reason": self.reason,
            "text": self.text,
        }


@dataclass(frozen=True)
class ImportResult:
    """What :func:`import_document` read from a document.

    Attributes
    ----------
    source
        The document's file name.
    document
        The document as read (paragraphs and tables with positions).
    leftovers
        Text that fit no section, in document order.
    positions
        Where each extracted field came from, keyed by its path in :attr:`data`
        (``"measures[6].monitoring[1]"``, ``"scores.ind9"``).
    """

    source: str
    document: Document
    frozen_data: Mapping[str, Any] = field(repr=False)
    leftovers: tuple[Leftover, ...] = ()
    positions: Mapping[str, Position] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def data(self) -> dict[str, Any]:
        """Return the assessment data: a fresh plain dict (see docs/assessment-format.md)."""
        return thaw(self.frozen_data)

    @property
    def score_table(self) -> Mapping[str, Any] | None:
        """Return the score table as written (``document.score_table``), if there is one."""
        return self.frozen_data.get("document", {}).get("score_table")

    @property
    def analysis(self) -> Mapping[str, Any] | None:
        """Return the agency's analysis table (``document.analysis``), if there is one."""
        return self.frozen_data.get("document", {}).get("analysis")

    def leftover_summary(self) -> str:
        """Return a one-line summary of the leftovers, for the command line."""
        if not self.leftovers:
            return "all text was placed in a section"
        where = ", ".join(str(x.pos) for x in self.leftovers[:5])
        more = ", ..." if len(self.leftovers) > 5 else ""
        count = len(self.leftovers)
        noun = "piece of text" if count == 1 else "pieces of text"
        return f"{count} {noun} fit no section ({where}{more}); kept under document.leftovers"


# -- Small text helpers -----------------------------------------------------------------------------

_BE = r"(?:พ\s*\.?\s*ศ\s*\.?)?"
_YEAR_AFTER = re.compile(rf"(?:ปีงบประมาณ|ประจำปี|ITA)\s*(?:ปี)?\s*{_BE}\s*(\d{{4}})")
_INDICATOR_RE = re.compile(r"ตัวชี้วัดที่\s*(\d{1,2})(?!\s*\.\s*\d)")
_LEADING_INDICATOR = re.compile(r"^\s*(\d{1,2})\s*[.)]?\s+\S")
_SUB_HEADING = re.compile(r"^\s*ตัวชี้วัดย่อย(?:ที่)?\s*(\d{1,2})\s*\.\s*(\d{1,2})")
_INDICATOR_HEADING = re.compile(r"^\s*ตัวชี้วัด(?:ที่)?\s*(\d{1,2})(?!\s*\.\s*\d)")
_INSTRUMENT_RE = re.compile(r"(?<![A-Za-z])(IIT|EIT|OIT)(?![A-Za-z])")
_ITEM_LINE = re.compile(
    r"^\s*(?:ข้อ\s*)?(?P<code>[oOiIeE0๐]\s*\.?\s*[0-9๐-๙]{1,2})(?=[\s.:)\-–]|$)[\s.:)\-–]*(?P<text>.*)$"
)
_CODE_IN_TEXT = re.compile(
    r"(?<![0-9๐-๙A-Za-z./:])(?P<code>[oOiIeE0๐][0-9๐-๙]{1,2})(?![0-9๐-๙./:A-Za-z])"
)
_SECTION_NUMBER = re.compile(r"^\s*(?:ส่วนที่\s*[0-9๐-๙]{1,2}\s*[.):]?|[0-9๐-๙]{1,2}\s*[.)])\s*\S")
_STEP_NUMBER = re.compile(r"^\s*([0-9๐-๙]{1,2})(?:\)|\.(?=\s))")
_SPLIT_STEPS = re.compile(r"(?:^|(?<=\s))(?=[0-9๐-๙]{1,2}\))")
_MEASURE_NUMBER = re.compile(r"^\s*(?:มาตรการที่|ลำดับที่|ที่)?\s*([0-9๐-๙]{1,3})\s*[.)]?\s*$")
_DOTS = re.compile(r"[.…]+")
_HEADING_MAX = 200
_GRADE_RE = r"(?<![A-Za-z])({labels})(?![A-Za-z])"
_SCORE_IN_PROSE = re.compile(r"คะแนน\D{0,25}?(\d{1,3}(?:\.\d{1,2})?)")


def _arabic(text: str) -> str:
    return to_arabic_digits(text)


def _number(text: str) -> tuple[Decimal, str] | None:
    """Return (value, text as written with Arabic digits) for a table cell, or None."""
    cleaned = _arabic(text).replace("%", "").replace("คะแนน", "").strip()
    if not cleaned:
        return None
    try:
        return parse_number(cleaned), cleaned
    except InputError:
        return None


def _is_empty_marker(text: str, terms: DocumentTerms) -> bool:
    return not text.strip() or _key(text) in terms.empty_markers


def _join_single(cell: Cell) -> str:
    """Join a single-valued cell: paragraphs by spaces, page-split fragments as wrapped text."""
    text = ""
    for index, fragment in enumerate(cell.fragments):
        piece = " ".join(p.text for p in fragment.paragraphs)
        text = join_wrapped(text, piece) if index else piece
    return text


def _split_steps(text: str) -> list[str]:
    return [part.strip() for part in _SPLIT_STEPS.split(text) if part.strip()]


def step_number(text: str) -> int | None:
    """Return the leading number of a step (``"๒) ..."`` -> 2), or None."""
    match = _STEP_NUMBER.match(text)
    return int(_arabic(match[1])) if match else None


def _join_list(cell: Cell) -> list[tuple[str, Position]]:
    """Split a list-valued cell (steps, monitoring) into items with positions.

    A paragraph or inline ``N)`` starts an item. Text that is not numbered continues the item
    before it when that item is numbered, or when it starts a page-split fragment (then a word
    cut by the page break is joined without a space, see :func:`join_wrapped`).
    """
    items: list[list[Any]] = []  # [text, pos, numbered]
    for f_index, fragment in enumerate(cell.fragments):
        for p_index, paragraph in enumerate(fragment.paragraphs):
            for s_index, segment in enumerate(_split_steps(paragraph.text)):
                numbered = step_number(segment) is not None
                if paragraph.kind == "item" and s_index == 0 and not numbered:
                    segment = segment if segment[:1] in "-–•" else f"- {segment}"
                page_join = f_index > 0 and p_index == 0 and s_index == 0
                if items and not numbered and (page_join or items[-1][2]):
                    previous = items[-1][0]
                    items[-1][0] = (
                        join_wrapped(previous, segment) if page_join else f"{previous} {segment}"
                    )
                else:
                    items.append([segment, fragment.pos, numbered])
    return [(text, pos) for text, pos, _ in items]


# -- Layout: sections and tables --------------------------------------------------------------------


def _heading_section(text: str, terms: DocumentTerms) -> str | None:
    """Return the section a numbered heading opens, or None if ``text`` is no heading."""
    if len(text) > _HEADING_MAX or not _SECTION_NUMBER.match(_arabic(text)):
        return None
    best: tuple[int, str] | None = None
    for section, keywords in terms.sections.items():
        for keyword in keywords:
            index = text.find(keyword)
            if index >= 0 and (best is None or index < best[0]):
                best = (index, section)
    return None if best is None else best[1]


def _column_roles(header: Sequence[str], kind: str, terms: DocumentTerms) -> dict[str, int]:
    _, columns = terms.tables[kind]
    roles: dict[str, int] = {}
    for index, text in enumerate(header):
        key = _key(text)
        if not key:
            continue
        for role, keywords in columns:
            if role in roles:
                continue
            if any(key == _key(k[1:]) if k.startswith("=") else _key(k) in key for k in keywords):
                roles[role] = index
                break
    return roles


def _classify(table: Table, terms: DocumentTerms) -> tuple[str | None, dict[str, int]]:
    for kind in ("analysis", "measures", "score"):
        required, _ = terms.tables[kind]
        roles = _column_roles(table.header_texts, kind, terms)
        if all(r in roles for r in required) and (kind != "measures" or len(roles) >= 3):
            return kind, roles
    return None, {}


@dataclass(frozen=True)
class _Layout:
    front: tuple[Paragraph, ...]
    headings: tuple[tuple[str, Paragraph], ...]
    prose: tuple[tuple[str, Paragraph, bool], ...]  # section, paragraph, after its table
    suggestions: tuple[Paragraph, ...]
    tables: tuple[tuple[str | None, Table, Mapping[str, int]], ...]


_TABLE_SECTION = {"score": "results", "analysis": "analysis", "measures": "measures"}
_SECTION_ORDER = ("front", "results", "suggestions", "analysis", "measures")


def _layout(document: Document, terms: DocumentTerms) -> _Layout:
    section = "front"
    front: list[Paragraph] = []
    headings: list[tuple[str, Paragraph]] = []
    prose: list[tuple[str, Paragraph, bool]] = []
    suggestions: list[Paragraph] = []
    tables: list[tuple[str | None, Table, Mapping[str, int]]] = []
    tables_seen: set[str] = set()
    for block in document.blocks:
        if isinstance(block, Table):
            kind, roles = _classify(block, terms)
            key = roles.get("number" if kind == "measures" else "indicator", 0)
            tables.append((kind, block.merge_continuations(key), MappingProxyType(roles)))
            if kind is not None:
                section = _TABLE_SECTION[kind]
                tables_seen.add(section)
            continue
        opened = _heading_section(block.text, terms)
        intro_possible = section in ("front", "results") and all(
            s != "suggestions" for s, _ in headings
        )
        if (
            opened is None
            and intro_possible
            and all(w in block.text for w in terms.suggestions_intro)
        ):
            opened = "suggestions"
        if opened is not None and _SECTION_ORDER.index(opened) >= _SECTION_ORDER.index(
            section if section in _SECTION_ORDER else "front"
        ):
            section = opened
            headings.append((opened, block))
            continue
        if section == "front":
            front.append(block)
        elif section == "suggestions":
            suggestions.append(block)
        else:
            prose.append((section, block, section in tables_seen))
    return _Layout(tuple(front), tuple(headings), tuple(prose), tuple(suggestions), tuple(tables))


# -- Agency and years ------------------------------------------------------------------------------


def _type_pattern(terms: DocumentTerms) -> re.Pattern[str]:
    """Match an agency type followed by a name (a run of Thai letters, hyphens allowed)."""
    names = sorted((t.name for t in terms.agency_types), key=len, reverse=True)
    alternation = "|".join(re.escape(n) for n in names)
    return re.compile(rf"(?P<type>{alternation})\s?(?P<name>[\u0e01-\u0e4e][\u0e01-\u0e4e\-]*)")


def split_agency_name(
    name: str, terms: DocumentTerms | None = None
) -> tuple[AgencyType | None, str]:
    """Split an agency name into its type and the rest (``"บึงกระจับ"``).

    >>> kind, core = split_agency_name("องค์การบริหารส่วนตำบลบึงกระจับ")
    >>> kind.short, core
    ('อบต.', 'บึงกระจับ')
    """
    terms = terms or load_document_terms()
    for kind in sorted(terms.agency_types, key=lambda t: len(t.name), reverse=True):
        if name.startswith(kind.name):
            return kind, name[len(kind.name) :].strip()
    return None, name.strip()


def _strip_dots(text: str) -> str:
    return _DOTS.sub(" ", text).strip()


def _agency_name(layout: _Layout, terms: DocumentTerms) -> tuple[str, Position] | None:
    pattern = _type_pattern(terms)
    title = _title_text(layout.front)
    candidates: list[tuple[str, Position]] = []
    if layout.front:
        candidates.append((title, layout.front[0].pos))
    candidates += [(p.text, p.pos) for s, p in layout.headings if s == "results"]
    candidates += [(p.text, p.pos) for s, p, _ in layout.prose if s in ("results", "measures")]
    for text, pos in candidates:
        match = pattern.search(_strip_dots(text))
        if match:
            return match["type"] + match["name"], pos
    for text, pos in candidates[:2]:
        match = re.search(r"ของ\s*[.…]*\s*([^.…]+?)\s*[.…]*\s*(?:ประจำ)?(?:ปีงบประมาณ|$)", text)
        if match and match[1].strip():
            return match[1].strip(), pos
    return None


def _title_text(front: Sequence[Paragraph]) -> str:
    text = ""
    for paragraph in front:
        text = join_wrapped(text, paragraph.text)
    return text


def _year_in(texts: Iterable[tuple[str, Position]]) -> tuple[int, Position] | None:
    for text, pos in texts:
        match = _YEAR_AFTER.search(_arabic(text))
        if match and 2400 <= int(match[1]) <= 2700:
            return int(match[1]), pos
    return None


def _fiscal_years(
    layout: _Layout, source: str
) -> tuple[int, int | None, Position | None, list[str]]:
    notes: list[str] = []
    title = [(_title_text(layout.front), layout.front[0].pos)] if layout.front else []
    measures_heads = [(p.text, p.pos) for s, p in layout.headings if s == "measures"]
    results = [(p.text, p.pos) for s, p in layout.headings if s == "results"]
    results += [(p.text, p.pos) for s, p, _ in layout.prose if s == "results"]
    results += [(p.text, p.pos) for s, p in layout.headings if s == "suggestions"]
    results += [(p.text, p.pos) for s, p, _ in layout.prose if s == "analysis"]
    measures = _year_in(title + measures_heads)
    assessed = _year_in(results)
    if assessed is None and measures is None:
        raise InputError(
            "cannot find the assessment year",
            source=source,
            location="title and section 1",
            expected="a year such as 'ปีงบประมาณ พ.ศ. ๒๕๖๕' in the title or the results heading",
        )
    if assessed is None:
        assert measures is not None
        notes.append(
            f"The assessment year is not written; it is taken as the year before the measures' "
            f"fiscal year {measures[0]}."
        )
        return measures[0] - 1, measures[0], measures[1], notes
    if measures is None:
        notes.append(
            f"The measures' fiscal year is not written; it is taken as the year after the "
            f"assessment year {assessed[0]}."
        )
        return assessed[0], assessed[0] + 1, assessed[1], notes
    return assessed[0], measures[0], assessed[1], notes


# -- The score table ---------------------------------------------------------------------------------


def _indicator_of(label: str, framework: Framework) -> int | None:
    text = _arabic(label)
    match = _INDICATOR_RE.search(text) or _LEADING_INDICATOR.match(text)
    if match and int(match[1]) in {i.number for i in framework.indicators}:
        return int(match[1])
    if _instrument_of(label, framework) is not None:
        return None  # an instrument heading names its instrument, not an indicator
    key = _key(label)
    best: tuple[int, int] | None = None
    for indicator in framework.indicators:
        for name in (indicator.name_th, *indicator.aliases_th):
            if name and _key(name) in key and (best is None or len(name) > best[0]):
                best = (len(name), indicator.number)
    return None if best is None else best[1]


def _instrument_of(label: str, framework: Framework) -> str | None:
    match = _INSTRUMENT_RE.search(label)
    if match:
        return match[1]
    key = _key(label)
    for instrument in framework.instruments:
        if _key(instrument.name_th) in key:
            return instrument.code
    return None


@dataclass
class _Build:
    """Mutable collector used while importing one document (never leaves this module)."""

    source: str
    terms: DocumentTerms
    positions: dict[str, Position] = field(default_factory=dict)
    leftovers: list[Leftover] = field(default_factory=list)

    def at(self, position: Position | None, *parts: str | int) -> None:
        if position is not None:
            self.positions[dotted_path(parts)] = position

    def leftover(self, text: str, pos: Position | None, section: str, reason: str) -> None:
        if text.strip() and pos is not None:
            self.leftovers.append(Leftover(text.strip(), pos, section, reason))

    def row_leftovers(self, cells: Iterable[Cell], section: str, reason: str) -> None:
        for cell in cells:
            for fragment in cell.fragments:
                self.leftover(fragment.text, fragment.pos, section, reason)


_VALUE_ROLES = ("score", "mean", "weight", "weighted")


def _score_table(
    table: Table, roles: Mapping[str, int], framework: Framework, build: _Build
) -> tuple[dict[str, Any], dict[int, Decimal], dict[str, Any] | None]:
    """Return (table as written, indicator scores, total or None)."""
    terms = build.terms
    label_col = roles.get("indicator", 0)
    rows: list[dict[str, Any]] = []
    scores: dict[int, Decimal] = {}
    total: dict[str, Any] | None = None
    bands = {b.label for b in framework.rating_bands}
    for row in table.rows:
        cells = row.cells
        label = cells[label_col].text if label_col < len(cells) else ""
        values: dict[str, tuple[Decimal, str, Position | None]] = {}
        others: list[Cell] = []
        rating: tuple[str, Position | None] | None = None
        for index, cell in enumerate(cells):
            if index == label_col or cell.is_empty:
                continue
            role = next((r for r, i in roles.items() if i == index and r in _VALUE_ROLES), None)
            parsed = _number(cell.text)
            if role is not None and parsed is not None:
                values[role] = (parsed[0], parsed[1], cell.pos)
            elif cell.text.strip() in bands:
                rating = (cell.text.strip(), cell.pos)
            elif not _is_empty_marker(cell.text, terms):
                others.append(cell)
        key = _key(label)
        if (
            any(key.startswith(t) for t in terms.total_labels)
            and _indicator_of(label, framework) is None
        ):
            total = _total_of(values, rating, row.pos)
            build.row_leftovers(others, "score_table", "not a number in the total row")
            continue
        number = _indicator_of(label, framework)
        entry: dict[str, Any] = {"label": label, "line": row.pos.ref}
        if number is not None:
            entry = {"indicator": number, **entry}
        else:
            instrument = _instrument_of(label, framework)
            if instrument is None:
                build.row_leftovers(row.cells, "score_table", "row of no indicator")
                continue
            entry = {"instrument": instrument, **entry}
        index = len(rows)
        for role in _VALUE_ROLES:
            if role in values:
                entry[role] = values[role][1]
                build.at(values[role][2], "document", "score_table", "rows", index, role)
        build.at(row.pos, "document", "score_table", "rows", index)
        build.row_leftovers(others, "score_table", "not a number")
        rows.append(entry)
        if number is not None and "score" in values and number not in scores:
            value, written, pos = values["score"]
            if not Decimal(0) <= value <= Decimal(100):
                raise InputError(
                    "indicator score out of range",
                    source=build.source,
                    location=str(pos),
                    expected="a score from 0 to 100",
                    found=written,
                )
            scores[number] = value
            build.at(pos, "scores", f"ind{number}")
    written = {
        "line": table.pos.ref,
        "header": list(table.header_texts),
        "columns": {role: index + 1 for role, index in sorted(roles.items(), key=lambda x: x[1])},
        "rows": rows,
    }
    if total is not None:
        written["total"] = {k: v for k, v in total.items() if k not in ("pos", "value_dec")}
        build.at(total["pos"], "document", "score_table", "total")
        build.at(total["pos"], "claimed_total")
    return written, scores, total


def _total_of(
    values: Mapping[str, tuple[Decimal, str, Position | None]],
    rating: tuple[str, Position | None] | None,
    row_pos: Position,
) -> dict[str, Any] | None:
    chosen = None
    for role in ("weighted", "score", "mean", "weight"):
        if role in values and not (role == "weight" and values[role][0] == 100):
            chosen = role
            break
    if chosen is None and rating is None:
        return None
    out: dict[str, Any] = {"line": row_pos.ref, "pos": row_pos}
    if chosen is not None:
        value, written, pos = values[chosen]
        out.update(value=written, column=chosen, value_dec=value, pos=pos or row_pos)
    if rating is not None:
        out["rating"] = rating[0]
    return out


def _claimed_rating(layout: _Layout, framework: Framework) -> tuple[str, Position] | None:
    labels = "|".join(
        re.escape(b.label) for b in sorted(framework.rating_bands, key=lambda b: -len(b.label))
    )
    pattern = re.compile(r"ระดับ\s*(?:ที่)?\s*" + _GRADE_RE.format(labels=labels))
    texts = [(p.text, p.pos) for s, p in layout.headings if s == "results"]
    texts += [(p.text, p.pos) for s, p, _ in layout.prose if s == "results"]
    for text, pos in texts:
        match = pattern.search(text)
        if match:
            return match[1], pos
    return None


def _prose_total(layout: _Layout) -> tuple[Decimal, Position] | None:
    for section, paragraph, _ in layout.prose:
        if section != "results":
            continue
        match = _SCORE_IN_PROSE.search(_arabic(_strip_dots(paragraph.text)))
        if match:
            return Decimal(match[1]), paragraph.pos
    return None


# -- Suggestions -------------------------------------------------------------------------------------


def _suggestions(
    paragraphs: Sequence[Paragraph], framework: Framework, build: _Build
) -> tuple[dict[str, Any], list[dict[str, Any]], list[str] | None]:
    """Return (suggestions mapping, groups as written, failed OIT items or None)."""
    summary: list[str] = []
    summary_pos: Position | None = None
    by_instrument: dict[str, str] = {}
    by_item: list[dict[str, str]] = []
    groups: list[dict[str, Any]] = []
    instrument: str | None = None
    indicator: int | None = None
    sub: str | None = None
    last = "start"
    pending: tuple[str, Position] | None = None  # an item code whose text is on the next line
    for paragraph in paragraphs:
        text = paragraph.text
        if pending is not None:
            code, pos = pending
            pending = None
            if not _ITEM_LINE.match(text) and not _SUB_HEADING.match(_arabic(text)):
                _add_item(code, text, pos, instrument, indicator, sub, by_item, groups, build)
                last = "item"
                continue
            build.leftover(code, pos, "suggestions", "item code without a suggestion")
        item = _ITEM_LINE.match(text)
        code = normalize_item_code(item["code"]) if item else None
        if item and code is not None:
            if item["text"].strip():
                _add_item(
                    code, item["text"].strip(), paragraph.pos, instrument, indicator, sub,
                    by_item, groups, build,
                )  # fmt: skip
            else:
                pending = (code, paragraph.pos)
            last = "item"
            continue
        arabic = _arabic(text)
        sub_match = _SUB_HEADING.match(arabic)
        head_match = _INDICATOR_HEADING.match(arabic)
        if sub_match:
            indicator, sub = int(sub_match[1]), f"{int(sub_match[1])}.{int(sub_match[2])}"
            instrument = instrument or "OIT"
            last = "heading"
        elif head_match and len(text) <= _HEADING_MAX // 2:
            indicator, sub = int(head_match[1]), None
            last = "heading"
        elif (found := _instrument_of(text, framework)) and found not in by_instrument:
            instrument, indicator, sub = found, None, None
            by_instrument[found] = text
            build.at(paragraph.pos, "suggestions", "by_instrument", found)
            last = "instrument"
        elif last in ("start", "summary") and not by_instrument and not by_item:
            summary.append(text)
            summary_pos = summary_pos or paragraph.pos
            last = "summary"
        elif last == "instrument" and instrument is not None:
            by_instrument[instrument] = f"{by_instrument[instrument]} {text}"
        else:
            build.leftover(text, paragraph.pos, "suggestions", "fits no suggestion")
    if pending is not None:
        build.leftover(pending[0], pending[1], "suggestions", "item code without a suggestion")
    out: dict[str, Any] = {}
    if summary:
        out["summary"] = " ".join(summary)
        build.at(summary_pos, "suggestions", "summary")
    if by_instrument:
        out["by_instrument"] = {
            k: by_instrument[k] for k in ("IIT", "EIT", "OIT") if k in by_instrument
        }
    if by_item:
        out["by_item"] = by_item
    failed = None
    if "OIT" in by_instrument or any(g["instrument"] == "OIT" for g in groups):
        oit = [
            g["item"]
            for g in groups
            if framework.has_item(g["item"]) and framework.item(g["item"]).instrument == "OIT"
        ]
        failed = list(dict.fromkeys(oit))
    return out, groups, failed


def _add_item(
    code: str,
    text: str,
    pos: Position,
    instrument: str | None,
    indicator: int | None,
    sub: str | None,
    by_item: list[dict[str, str]],
    groups: list[dict[str, Any]],
    build: _Build,
) -> None:
    index = len(by_item)
    by_item.append({"item": code, "text": text})
    build.at(pos, "suggestions", "by_item", index)
    group_instrument = instrument
    if code.startswith("o"):
        group_instrument = "OIT"
    groups.append(
        {
            "item": code,
            "instrument": group_instrument,
            "indicator": indicator,
            "sub_indicator": sub,
            "line": pos.ref,
        }
    )
    build.at(pos, "document", "suggestion_groups", index)


# -- The agency's analysis table ----------------------------------------------------------------------


def _codes_in(text: str, framework: Framework) -> list[str]:
    codes = []
    for match in _CODE_IN_TEXT.finditer(text):
        code = normalize_item_code(match["code"])
        if code is not None and framework.has_item(code):
            codes.append(code)
    return codes


def _indicators_in(text: str) -> list[int]:
    return [int(m[1]) for m in _INDICATOR_RE.finditer(_arabic(text)) if 1 <= int(m[1]) <= 99]


def _analysis_side(
    cell: Cell, own: int | None, framework: Framework, build: _Build, where: tuple
) -> tuple[list[str], list[str], list[int]]:
    texts = [p.text for p in cell.paragraphs]
    items: list[str] = []
    for fragment in cell.fragments:
        for paragraph in fragment.paragraphs:
            for code in _codes_in(paragraph.text, framework):
                if code not in items:
                    build.at(fragment.pos, *where[:-1], f"{where[-1]}_items", len(items))
                    items.append(code)
    named = list(dict.fromkeys(_indicators_in(cell.text)))
    substantive = [t for t in texts if not _is_empty_marker(t, build.terms)]
    if not substantive:
        return [], [], []
    if not named and not items and own is not None:
        named = [own]
    return substantive, items, named


def _analysis_table(
    table: Table, roles: Mapping[str, int], framework: Framework, build: _Build
) -> dict[str, Any]:
    label_col = roles.get("indicator", 0)
    rows: list[dict[str, Any]] = []
    for row in table.rows:
        cells = row.cells
        label = cells[label_col].text if label_col < len(cells) else ""
        number = _indicator_of(label, framework) if label else None
        entry: dict[str, Any] = {"label": label}
        if number is not None:
            entry["indicator"] = number
            entry["instrument"] = framework.instrument_of(number).code
        elif (instrument := _instrument_of(label, framework)) is not None:
            entry["instrument"] = instrument
        index = len(rows)
        for side in ("keep", "weak"):
            col = roles[side]
            cell = cells[col] if col < len(cells) else Cell()
            where = ("document", "analysis", "rows", index, side)
            texts, items, named = _analysis_side(cell, number, framework, build, where)
            entry[side] = texts
            entry[f"{side}_items"] = items
            entry[f"{side}_indicators"] = named
            build.at(cell.pos, *where)
        entry["line"] = row.pos.ref
        build.at(row.pos, "document", "analysis", "rows", index)
        extra = [
            c for i, c in enumerate(cells) if i not in (label_col, roles["keep"], roles["weak"])
        ]
        build.row_leftovers(extra, "analysis", "cell of no column")
        rows.append(entry)
    build.at(table.pos, "document", "analysis")
    return {"line": table.pos.ref, "rows": rows}


# -- Measures -------------------------------------------------------------------------------------------


def _measure_number(text: str) -> int | None:
    match = _MEASURE_NUMBER.match(_arabic(text))
    return int(match[1]) if match else None


def _measures(
    table: Table, roles: Mapping[str, int], build: _Build, start: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Return (measures, measure rows as written) of one measures table."""
    measures: list[dict[str, Any]] = []
    written: list[dict[str, Any]] = []
    used = set(roles.values())

    def cell(row_cells: Sequence[Cell], role: str) -> Cell:
        index = roles.get(role)
        return row_cells[index] if index is not None and index < len(row_cells) else Cell()

    for row in table.rows:
        cells = row.cells
        number_cell = cell(cells, "number")
        number = _measure_number(number_cell.text)
        title = _join_single(cell(cells, "title"))
        if number is None or not title:
            build.row_leftovers(cells, "measures", "row of no measure")
            continue
        index = start + len(measures)
        measure: dict[str, Any] = {"number": number, "title": title}
        build.at(row.pos, "measures", index)
        build.at(number_cell.pos, "measures", index, "number")
        build.at(cell(cells, "title").pos, "measures", index, "title")
        for role in ("steps", "monitoring"):
            items = _join_list(cell(cells, role))
            if items:
                measure[role] = [text for text, _ in items]
                for j, (_, pos) in enumerate(items):
                    build.at(pos, "measures", index, role, j)
        owner = _join_single(cell(cells, "owner"))
        if owner:
            measure["owner"] = owner
            build.at(cell(cells, "owner").pos, "measures", index, "owner")
        period_cell = cell(cells, "period")
        period = _join_single(period_cell)
        if period:
            try:
                parse_period(period)
            except InputError as exc:
                build.leftover(
                    period, period_cell.pos, "measures", f"period unreadable: {exc.message}"
                )
            else:
                measure["period"] = period
                build.at(period_cell.pos, "measures", index, "period")
        ordered = {
            k: measure[k]
            for k in ("number", "title", "steps", "owner", "period", "monitoring")
            if k in measure
        }
        measures.append(ordered)
        written.append({"number": _arabic(number_cell.text).strip(), "line": row.pos.ref})
        extra = [c for i, c in enumerate(cells) if i not in used]
        build.row_leftovers(extra, "measures", "cell of no column")
    return measures, written


def _unique_numbers(measures: list[dict[str, Any]], notes: list[str]) -> None:
    """Give a measure whose number is used twice the next free number, and say so in the notes."""
    seen: set[int] = set()
    highest = max((m["number"] for m in measures), default=0)
    for measure in measures:
        if measure["number"] in seen:
            highest += 1
            notes.append(
                f"Measure number {measure['number']} is used twice in the document; the second "
                f'one ("{measure["title"][:40]}") is stored as number {highest}.'
            )
            measure["number"] = highest
        seen.add(measure["number"])


# -- Putting it together ----------------------------------------------------------------------------


@dataclass
class _Tables:
    """What the tables of a document gave (collected while importing one document)."""

    score_table: dict[str, Any] | None = None
    scores: dict[int, Decimal] = field(default_factory=dict)
    total: dict[str, Any] | None = None
    analysis: dict[str, Any] | None = None
    measures: list[dict[str, Any]] = field(default_factory=list)
    measure_rows: list[dict[str, Any]] = field(default_factory=list)


def _read_tables(layout: _Layout, framework: Framework, build: _Build) -> _Tables:
    out = _Tables()
    for kind, table, roles in layout.tables:
        if kind == "score" and out.score_table is None:
            out.score_table, out.scores, out.total = _score_table(table, roles, framework, build)
        elif kind == "analysis" and out.analysis is None:
            out.analysis = _analysis_table(table, roles, framework, build)
        elif kind == "measures":
            found, rows = _measures(table, roles, build, len(out.measures))
            out.measures += found
            out.measure_rows += rows
        else:
            build.row_leftovers(table.header, "tables", "table of unknown kind")
            for row in table.rows:
                build.row_leftovers(row.cells, "tables", "table of unknown kind")
    return out


def _check_kind(layout: _Layout, source: str) -> None:
    kinds = {kind for kind, _, _ in layout.tables}
    if not kinds & {"score", "measures"}:
        raise InputError(
            "not an ITA measures document",
            source=source,
            expected=_NOT_MEASURES,
            found=f"{len(layout.tables)} table(s), none of them a score or measures table",
        )


def _check_complete(tables: _Tables, layout: _Layout, document: Document) -> None:
    source = document.source
    end = f"the text ends at {document.end}" if document.end else "the document is empty"
    if tables.score_table is None:
        raise InputError(
            "no score table",
            source=source,
            expected="a table with the columns ตัวชี้วัด and คะแนน listing indicators 1 to 10",
            found=f"none ({end}; the document may be truncated)",
        )
    missing = [n for n in range(1, 11) if n not in tables.scores]
    if missing:
        where = next(t.pos for kind, t, _ in layout.tables if kind == "score")
        raise InputError(
            f"the score table lists {10 - len(missing)} of the 10 indicators",
            source=source,
            location=f"the table at {where}",
            expected="a score for each of ตัวชี้วัดที่ 1 to 10",
            found="missing " + ", ".join(f"ind{n}" for n in missing) + f" ({end})",
        )
    if not tables.measures:
        raise InputError(
            "no measures",
            source=source,
            expected="a table ลำดับ | มาตรการ/แนวทาง | วิธีดำเนินการ | ... with numbered measures",
            found=f"none ({end}; the document may be truncated)",
        )


def _framework_for(fiscal_year: int, where: Position | None, source: str) -> Framework:
    try:
        return load_framework(fiscal_year)
    except UnknownFiscalYearError as exc:
        raise UnknownFiscalYearError(
            "no framework data for the assessment year",
            source=source,
            location=str(where) if where else None,
            expected=exc.expected,
            found=fiscal_year,
        ) from None


def _agency_data(name: str, terms: DocumentTerms) -> dict[str, Any]:
    kind, core = split_agency_name(name, terms)
    out: dict[str, Any] = {"name": name}
    if kind is not None and core:
        out["short_name"] = f"{kind.short}{core}" if kind.short else name
        out["type"] = kind.name
    return out


def _claims(
    tables: _Tables, layout: _Layout, framework: Framework, build: _Build
) -> dict[str, Any]:
    """Return ``claimed_total`` and ``claimed_rating`` as the document writes them."""
    out: dict[str, Any] = {}
    total = tables.total or {}
    if "value_dec" in total:
        out["claimed_total"] = total["value_dec"]
    elif (prose_total := _prose_total(layout)) is not None:
        out["claimed_total"] = prose_total[0]
        build.at(prose_total[1], "claimed_total")
    rating = _claimed_rating(layout, framework)
    if total.get("rating"):
        out["claimed_rating"] = total["rating"]
        build.at(total["pos"], "claimed_rating")
    elif rating is not None:
        out["claimed_rating"] = rating[0]
        build.at(rating[1], "claimed_rating")
    if rating is not None and tables.score_table is not None:
        tables.score_table["rating"] = {"value": rating[0], "line": rating[1].ref}
    return out


def _document_section(
    document: Document,
    layout: _Layout,
    tables: _Tables,
    groups: list[dict[str, Any]],
    leftovers: Sequence[Leftover],
) -> dict[str, Any]:
    section_texts = [(s, p) for s, p in layout.headings]
    section_texts += [(s, p) for s, p, after in layout.prose if not after]
    section_texts.sort(key=lambda sp: sp[1].pos.sort_key())
    out: dict[str, Any] = {
        "file": Path(document.source).name,
        "format": document.format,
        "title": _title_text(layout.front),
        "sections": [{"section": s, "line": p.pos.ref, "text": p.text} for s, p in section_texts],
        "score_table": tables.score_table,
    }
    if groups:
        out["suggestion_groups"] = groups
    if tables.analysis is not None:
        out["analysis"] = tables.analysis
    out["measures"] = tables.measure_rows
    if document.furniture:
        out["page_furniture"] = [{"line": p.pos.ref, "text": p.text} for p in document.furniture]
    out["leftovers"] = [x.to_dict() for x in leftovers]
    return out


def import_parsed(document: Document) -> ImportResult:
    """Extract assessment data from an already read :class:`~ita_lib.documents.layout.Document`.

    Parameters
    ----------
    document
        The document, from :func:`ita_lib.documents.layout.read_document` or ``parse_text``.

    Returns
    -------
    ImportResult

    Raises
    ------
    InputError
        When the document is not a measures document, or a required part (agency name,
        assessment year, the ten indicator scores, the measures table) is missing.
    """
    terms = load_document_terms()
    source = document.source
    build = _Build(source=source, terms=terms)
    layout = _layout(document, terms)
    _check_kind(layout, source)
    agency = _agency_name(layout, terms)
    if agency is None:
        raise InputError(
            "cannot find the agency's name",
            source=source,
            location="title",
            expected="a title such as 'มาตรการ... ของ องค์การบริหารส่วนตำบล...'",
        )
    build.at(agency[1], "agency", "name")
    fiscal_year, measures_fy, fy_pos, notes = _fiscal_years(layout, source)
    build.at(fy_pos, "fiscal_year")
    framework = _framework_for(fiscal_year, fy_pos, source)
    tables = _read_tables(layout, framework, build)
    _check_complete(tables, layout, document)
    _unique_numbers(tables.measures, notes)
    suggestions, groups, failed = _suggestions(layout.suggestions, framework, build)

    data: dict[str, Any] = {
        "schema_version": 1,
        "agency": _agency_data(agency[0], terms),
        "fiscal_year": fiscal_year,
    }
    if measures_fy is not None:
        data["measures_fiscal_year"] = measures_fy
    data["scores"] = {f"ind{n}": tables.scores[n] for n in range(1, 11)}
    data.update(_claims(tables, layout, framework, build))
    if failed is not None:
        data["oit"] = {"failed_items": failed}
    if suggestions:
        data["suggestions"] = suggestions
    data["measures"] = tables.measures
    for section, paragraph, after_table in layout.prose:
        if after_table:
            build.leftover(paragraph.text, paragraph.pos, section, "after the section's table")
    leftovers = tuple(sorted(build.leftovers, key=lambda x: x.pos.sort_key()))
    notes.insert(0, f"Imported from {Path(source).name} by ita import.")
    if leftovers:
        notes.append(
            f"{len(leftovers)} piece(s) of text fit no section; they are kept under "
            "document.leftovers."
        )
    data["source"] = {"document": _title_text(layout.front) or agency[0], "notes": notes}
    data["document"] = _document_section(document, layout, tables, groups, leftovers)
    _validate(data, source)
    return ImportResult(
        source=source,
        document=document,
        frozen_data=freeze(data),
        leftovers=leftovers,
        positions=MappingProxyType(dict(sorted(build.positions.items()))),
    )


def _validate(data: Mapping[str, Any], source: str) -> None:
    """Check that the extracted data loads; report a problem against the document."""
    try:
        parse_assessment(copy.deepcopy(dict(data)), source=source)
    except InputError as exc:
        raise InputError(
            f"the data read from the document is not valid: {exc.message}",
            source=source,
            location=exc.location,
            expected=exc.expected,
            found=exc.found,
        ) from None


def import_document(path: str | Path) -> ImportResult:
    """Read a measures document (.docx or text) and extract its assessment data.

    Parameters
    ----------
    path
        The document.

    Returns
    -------
    ImportResult

    Raises
    ------
    InputError
        When the file cannot be read, is empty, binary or not a measures document, or a
        required part is missing (see :func:`import_parsed`).
    """
    return import_parsed(read_document(path))


# -- Writing ----------------------------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    """A safe YAML dumper that writes Decimals as plain numbers and keeps key order."""


def _represent_decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    text = format(value, "f")
    tag = "tag:yaml.org,2002:int" if "." not in text else "tag:yaml.org,2002:float"
    return dumper.represent_scalar(tag, text)


_Dumper.add_representer(Decimal, _represent_decimal)
_Dumper.add_representer(MappingProxyType, lambda d, v: d.represent_dict(dict(v)))
_Dumper.add_representer(tuple, lambda d, v: d.represent_list(list(v)))


def dump_assessment_yaml(data: Mapping[str, Any]) -> str:
    """Return assessment data as YAML text (keys in order, Thai text unescaped, no wrapping)."""
    header = "# Assessment file written by `ita import` (format: docs/assessment-format.md).\n"
    body = yaml.dump(
        dict(data), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1_000_000
    )
    return header + body


def write_assessment_yaml(
    data: Mapping[str, Any], path: str | Path, *, overwrite: bool = False
) -> Path:
    """Write assessment data as a YAML file, atomically, after checking that it loads.

    Parameters
    ----------
    data
        Assessment data (:attr:`ImportResult.data`, possibly with findings attached).
    path
        The file to write.
    overwrite
        Replace an existing file. Without it an existing file is an error and is left as it is.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    InputError
        When the file exists (and ``overwrite`` is false), its folder does not exist, or the
        data would not load with :func:`ita_lib.model.assessment.load_assessment`.
    """
    target = Path(path)
    name = str(target)
    if target.exists() and not overwrite:
        raise InputError(
            "file exists",
            source=name,
            expected="a new file name, or --overwrite to replace it",
        )
    if not target.parent.is_dir():
        raise InputError("folder does not exist", source=name, expected="an existing folder")
    text = dump_assessment_yaml(data)
    parse_assessment(yaml.safe_load(text), source=name)
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=target.parent, prefix=f".{target.name}.", suffix=".tmp",
        delete=False,
    ) as handle:  # fmt: skip
        temp = Path(handle.name)
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    try:
        if overwrite:
            temp.replace(target)
        else:
            _link_new(temp, target, name)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
    return target


def _link_new(temp: Path, target: Path, name: str) -> None:
    """Move ``temp`` to ``target`` without ever replacing a file that appeared meanwhile."""
    try:
        os.link(temp, target)
    except FileExistsError:
        raise InputError(
            "file exists", source=name, expected="a new file name, or --overwrite to replace it"
        ) from None
    except OSError:  # no hard links on this file system
        if target.exists():
            raise InputError(
                "file exists", source=name, expected="a new file name, or --overwrite"
            ) from None
        temp.replace(target)
