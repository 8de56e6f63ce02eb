"""A measures document's sections: which paragraphs and tables belong to which part.

A document has a front (title), then numbered sections: the results (with the score table),
NACC's suggestions, the agency's analysis (a table) and its measures (a table). Headings are
told apart by the keywords of ``ita_lib/data/document_terms.yaml``; a classified table opens
its section too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from types import MappingProxyType

from ita_lib.documents.extract_analysis import CODE_IN_TEXT
from ita_lib.documents.extraction import (
    MARKS,
    MEASURE_MARKER,
    UNNUMBERED_MEASURE,
)
from ita_lib.documents.layout import (
    OCR_FORMATS,
    Cell,
    CellFragment,
    Document,
    Paragraph,
    Table,
    join_wrapped,
)
from ita_lib.documents.score_lines import score_lines_as_table
from ita_lib.documents.terms import (
    DocumentTerms,
    classify_table,
    column_roles,
    headers_alike,
)
from ita_lib.documents.turned_tables import turned_indicators, turned_summary
from ita_lib.text.digits import to_arabic_digits

__all__ = ["HEADING_MAX", "Layout", "read_layout", "title_text", "verdicts"]
_SECTION_NUMBER = re.compile(r"^\s*(?:ส่วนที่\s*[0-9๐-๙]{1,2}\s*[.):]?|[0-9๐-๙]{1,2}\s*[.)])\s*\S")
_PART_NUMBER = r"ส่วนท[ีิ]่?\s*[0-9๐-๙]{1,2}\s*[.):]?"  # ส่วนที่ ๑, its marks as OCR reads them
_SECTION_NUMBER_OCR = re.compile(  # ๒ as Tesseract may read it before a point: lo
    rf"^\s*(?:{_PART_NUMBER}|(?:[0-9๐-๙]{{1,2}}|lo)\s*[.)])\s*\S"
)
_BARE_PART = re.compile(rf"^\s*{_PART_NUMBER}\s*$")  # "ส่วนที่ ๑" on a line of its own
HEADING_MAX = 200
_UNNUMBERED_HEADING = 80  # characters of a heading written without a number
_RUN_ON_HEADING = 60


def _heading_section(text: str, terms: DocumentTerms, run_on: bool = False) -> str | None:
    """Return the section a numbered heading opens, or None if ``text`` is no heading.

    With ``run_on`` (a scan, or a PDF before its first part: their lines may run a heading into
    the paragraph after it; later in a PDF a long numbered suggestion may name a part's
    keyword) a longer paragraph is a heading when a keyword is among its first
    :data:`_RUN_ON_HEADING` characters, and ``ส่วนที่`` may have lost its marks.
    """
    if not (_SECTION_NUMBER_OCR if run_on else _SECTION_NUMBER).match(to_arabic_digits(text)):
        return None
    if len(text) > HEADING_MAX:
        if not run_on:
            return None
        text = text[:_RUN_ON_HEADING]
    best: tuple[int, str] | None = None
    for section, keywords in terms.sections.items():
        for keyword in keywords:
            index = next((m.start() for m in re.finditer(re.escape(keyword), text)
                          if not text[: m.start()].endswith("เหตุ")), -1)  # fmt: skip
            if index >= 0 and (best is None or index < best[0]):  # not หลักการและเหตุผลการ...
                best = (index, section)
    return None if best is None else best[1]


@dataclass(frozen=True)
class Layout:
    """A document's blocks by section: front, headings, prose, suggestions and tables."""

    front: tuple[Paragraph, ...]
    headings: tuple[tuple[str, Paragraph], ...]
    prose: tuple[tuple[str, Paragraph, bool], ...]  # section, paragraph, after its table
    suggestions: tuple[Paragraph, ...]
    tables: tuple[tuple[str | None, Table, Mapping[str, int]], ...]


_TABLE_SECTION = {"score": "results", "analysis": "analysis", "measures": "measures",
                  "suggestions": "suggestions", "item_results": "results",
                  "failed_items": "results"}  # fmt: skip
_CODE_START = re.compile(r"^\s*(?:ข้อ\s*)?[oOiIeE0๐]\s*[0-9๐-๙]{1,2}(?![0-9๐-๙])")
_SUB_NUMBER = re.compile(r"^\s*[0-9๐-๙]{1,2}\s*\.\s*[0-9๐-๙]{1,2}(?![0-9๐-๙])")
_SECTION_ORDER = ("front", "results", "suggestions", "analysis", "measures")
_PAGED = ("pdf", *OCR_FORMATS)  # formats read from pages (a PDF, a scan)
# an announcement's preamble (ตามที่ ... นั้น) or decision (... จึงประกาศ): NACC's suggestions
# named in it are not the section that gives them
_ANNOUNCEMENT = re.compile(r"^\s*ตามท[ีิ]|จึงประกาศ|นั?้?น\s*$")  # marks as OCR may lose them


def read_layout(document: Document, terms: DocumentTerms) -> Layout:
    """Sort a document's blocks into sections and classify its tables.

    A document with no score table whose scores are listed line by line (:mod:`.score_lines`)
    is read with those lines as its score table.
    """
    layout = _read_layout(document, document.blocks, terms)
    if any(kind == "score" for kind, _, _ in layout.tables):
        return layout
    blocks = score_lines_as_table(document.blocks, tolerant=document.format in OCR_FORMATS)
    return layout if len(blocks) == len(document.blocks) else _read_layout(document, blocks, terms)


def _read_layout(
    document: Document, blocks: Sequence[Paragraph | Table], terms: DocumentTerms
) -> Layout:
    section = "front"
    front: list[Paragraph] = []
    headings: list[tuple[str, Paragraph]] = []
    prose: list[tuple[str, Paragraph, bool]] = []
    suggestions: list[Paragraph] = []
    tables: list[tuple[str | None, Table, Mapping[str, int]]] = []
    tables_seen: set[str] = set()
    tolerant = document.format in OCR_FORMATS
    run_on = document.format in _PAGED  # a heading a PDF's lines ran into its paragraph
    for block in _bare_numbers_joined(blocks):
        if isinstance(block, Table):
            block = _prepared(block, terms, tolerant)
            kind, roles = _table_kind(block, terms, tolerant, tables)
            merged = block.merge_continuations(
                _key_column(kind, roles), labels_left=kind == "score"
            )
            tables.append((kind, merged, MappingProxyType(roles)))
            if kind is not None:
                section = _section_after(kind, section)
                tables_seen.add(_TABLE_SECTION[kind])
            if kind == "suggestions":
                suggestions += suggestion_paragraphs(merged, roles)
            continue
        # a heading a PDF ran into its paragraph: before the first part only (see _heading_section)
        opened = _heading_section(block.text, terms, tolerant or (run_on and section == "front"))
        intro_possible = _intro_possible(section, tables_seen, headings)
        if opened is None and (
            (
                intro_possible
                and all(w in block.text for w in terms.suggestions_intro)
                and not block.text.lstrip().startswith("(")  # a cover's subtitle in brackets
                and not _ANNOUNCEMENT.search(block.text)  # it names them, before the results
            )
            or (section == "results" and _unnumbered_heading(block.text, terms))
        ):
            opened = "suggestions"
        if opened == "measures" and (split := _measure_inside(block, tolerant)) is not None:
            section = "measures"
            headings.append(("measures", split[0]))
            prose.append(("measures", split[1], False))
            continue
        if opened is not None and _opens(opened, section, headings):
            if opened == section == "suggestions":  # "3.3 แบบวัด ... (OIT) ผู้ตรวจประเมิน..."
                suggestions.append(block)  # a numbered part of the suggestions: read it too
            elif opened == "suggestions" and intro_possible is False:
                _false_start(headings, suggestions, prose)
            section = opened
            headings.append((opened, block))
            continue
        if section == "front":
            front.append(block)
        elif section == "suggestions":
            suggestions.append(block)
        else:
            prose.append((section, block, section in tables_seen))
    return Layout(tuple(front), tuple(headings), tuple(prose), tuple(suggestions), tuple(tables))


def _intro_possible(
    section: str, tables_seen: set[str], headings: Sequence[tuple[str, Paragraph]]
) -> bool:
    """Return True when a paragraph naming NACC's suggestions may open them: once the results
    have begun (a front paragraph or an announcement names them too), before the analysis,
    and when no suggestions heading came before."""
    begun = section == "results" or (section == "front" and "results" in tables_seen)
    return begun and all(s != "suggestions" for s, _ in headings)


def _section_after(kind: str, section: str) -> str:
    """Return the section a table of ``kind`` puts the text after it in: its own, but a table
    of failed items under NACC's suggestions (or later) leaves the section as it is."""
    own = _TABLE_SECTION[kind]
    backwards = _SECTION_ORDER.index(own) < _SECTION_ORDER.index(section)
    return section if kind == "failed_items" and backwards else own


def _prepared(table: Table, terms: DocumentTerms, tolerant: bool) -> Table:
    """Return a table as it is read: in a scan its rows split at the rules OCR read as ``|``
    and its repeated header rows dropped; a table laid across turned a row per entry."""
    table = _without_header_rows(_split_ruled_rows(table)) if tolerant else table
    return (
        turned_summary(table, terms, tolerant) or turned_indicators(table, terms, tolerant) or table
    )


def _unnumbered_heading(text: str, terms: DocumentTerms) -> bool:
    """Return True when a paragraph of the results is a heading of NACC's suggestions with no
    number (``ข้อสังเกตและข้อเสนอแนะของผู้ตรวจประเมิน``): short, no figure, its keyword in it."""
    short = len(text) <= _UNNUMBERED_HEADING and not re.search(r"[0-9๐-๙]", text)
    return short and any(k in text for k in terms.sections["suggestions"])


def _bare_numbers_joined(blocks: Sequence[Paragraph | Table]) -> list[Paragraph | Table]:
    """Return the blocks with a part's number on a line of its own (``ส่วนที่ ๑``, then
    ``ผลการประเมิน...`` on the next: a layout, or OCR, put them apart) joined to its title."""
    out: list[Paragraph | Table] = []
    for block in blocks:
        before = out[-1] if out else None
        if (
            isinstance(block, Paragraph)
            and isinstance(before, Paragraph)
            and _BARE_PART.match(before.text)
            and len(block.text) <= HEADING_MAX
        ):
            out[-1] = replace(before, text=f"{before.text.strip()} {block.text.strip()}")
        else:
            out.append(block)
    return out


def _false_start(
    headings: list[tuple[str, Paragraph]],
    suggestions: list[Paragraph],
    prose: list[tuple[str, Paragraph, bool]],
) -> None:
    """When a numbered heading opens the suggestions after the results, the suggestions read
    before the results (an announcement page that names ข้อเสนอแนะ and ป.ป.ช.) were front
    matter: they go back to the front's prose, in place."""
    kinds = [kind for kind, _ in headings]
    if "suggestions" not in kinds or "results" not in kinds[kinds.index("suggestions") :]:
        return
    first = kinds.index("suggestions")
    prose[:0] = [("front", p, False) for p in (headings.pop(first)[1], *suggestions)]
    suggestions.clear()


def _suggestions_by_content(
    table: Table, terms: DocumentTerms
) -> tuple[str | None, dict[str, int]]:
    """Return a scanned table as a suggestions table when a header cell names the suggestion
    (``ข้อเสนอแนะ``) and most rows start another column with an item code (OCR misread the
    ``ข้อ`` header: ``ฉ7 ขอ``); else no kind."""
    text_col = column_roles(table.header_texts, "suggestions", terms, tolerant=True).get(
        "suggestion"
    )
    rows = [row for row in table.rows if any(not c.is_empty for c in row.cells)]
    if text_col is None or not rows:
        return None, {}
    for column in range(len(table.header)):
        cells = [row.cells[column].text for row in rows if column < len(row.cells)]
        coded = sum(bool(_CODE_START.match(text)) for text in cells)
        if column != text_col and coded * 2 > len(rows):
            return "suggestions", {"item": column, "suggestion": text_col}
    return None, {}


def _split_ruled_rows(table: Table) -> Table:
    """Return a scanned table whose header or rows read as one cell, with the column rules OCR
    read as ``|`` between them, split into their cells (when the parts are as many as the
    columns)."""
    rows = [replace(row, cells=_ruled(row.cells) or row.cells) for row in table.rows]
    return replace(table, header=_ruled(table.header) or table.header, rows=tuple(rows))


def _ruled(cells: tuple[Cell, ...]) -> tuple[Cell, ...] | None:
    """Return a row's one cell split at the ``|`` OCR read for the column rules, else None."""
    full = [cell for cell in cells if not cell.is_empty]
    parts = full[0].text.split("|") if len(full) == 1 else []
    if len(parts) != len(cells) or len(parts) < 2:
        return None
    pos = full[0].fragments[0].pos
    return tuple(
        Cell((CellFragment((Paragraph(part.strip(), pos),), pos),)) if part.strip() else Cell()
        for part in parts
    )


def _without_header_rows(table: Table) -> Table:
    """Return a scanned table without the header rows repeated on later pages (read by OCR a
    little otherwise each time, so not dropped as the header written again when stitched)."""
    header = table.header_texts
    rows, repeated = [], list(table.repeated_headers)
    for row in table.rows:
        texts = [c.text for c in row.cells]
        if (
            len(texts) == len(header)
            and sum(map(bool, header)) >= 2
            and headers_alike(header, texts)
        ):
            repeated.append(row.pos)
        else:
            rows.append(row)
    return replace(table, rows=tuple(rows), repeated_headers=tuple(repeated))


def suggestion_paragraphs(table: Table, roles: Mapping[str, int]) -> list[Paragraph]:
    """Return a suggestions table's rows as the paragraphs the suggestions section would have.

    A row with an item gives ``ข้อ <item> <suggestion>`` (with the item's name when a column
    between them gives it: ``ข้อ O13 รายงานผล... <suggestion>``). A group row (text in one cell only)
    and a group column's cell that changes (a sub-indicator beside its items) give a heading
    before it; a bare sub-indicator number (``9.2 การบริหารงาน``) is written as its heading
    (``ตัวชี้วัดย่อยที่ 9.2 ...``).
    """
    item_col, text_col = roles["item"], roles["suggestion"]
    out: list[Paragraph] = []
    groups: dict[int, str] = {}
    for row in table.rows:
        cells = row.cells
        # the cells from the item to the suggestion (an item's name between them) make its line
        own = range(item_col, text_col + 1) if item_col < text_col else (item_col, text_col)
        item = cells[item_col].text.strip() if item_col < len(cells) else ""
        text = " ".join(cells[i].text.strip() for i in own if i != item_col and i < len(cells))
        text = text.strip()
        for index, cell in enumerate(cells):
            label = cell.text.strip()
            if (index in own and (item or text)) or not label:
                continue
            if groups.get(index) != label:
                groups[index] = label
                heading = f"ตัวชี้วัดย่อยที่ {label}" if _SUB_NUMBER.match(label) else label
                out.append(Paragraph(heading, cell.pos or row.pos))
        if item or text:
            line = f"ข้อ {item} {text}" if item and not item.startswith("ข้อ") else f"{item} {text}"
            out.append(Paragraph(line.strip(), row.pos))
    return out


def _opens(opened: str, section: str, headings: Sequence[tuple[str, Paragraph]]) -> bool:
    """Return True when a heading of section ``opened`` starts it while in ``section``.

    Sections come in the usual order (results, suggestions, analysis, measures) or one that
    has not been opened yet comes back before the measures (an agency's own analysis written
    before NACC's suggestions); the measures section is never left for an earlier one.
    """
    here = _SECTION_ORDER.index(section if section in _SECTION_ORDER else "front")
    if _SECTION_ORDER.index(opened) >= here:
        return True
    return section != "measures" and opened != "front" and all(s != opened for s, _ in headings)


def _repeated_header(
    table: Table, before: Sequence[tuple[str | None, Table, Mapping[str, int]]]
) -> tuple[str | None, dict[str, int]]:
    """Return the kind and columns of the last classified table when ``table`` repeats its header.

    OCR may misread a header keyword on one page (``สำดับ`` for ``ลำดับ``); a table whose header
    is that of the classified table before it, read a little differently, is of its kind.
    """
    last = next(((k, t, r) for k, t, r in reversed(before) if k is not None), None)
    if last is None or not headers_alike(last[1].header_texts, table.header_texts):
        return None, {}
    return last[0], dict(last[2])


_NUMBER_CELL = re.compile(r"^\s*[0-9๐-๙]{1,3}\s*[.)]?\s*$")
_SHORT_HEADER = 3  # characters of a number column's header ("ที่", "ข้อ"; OCR: "n", "7")


def _table_kind(
    block: Table,
    terms: DocumentTerms,
    tolerant: bool,
    before: Sequence[tuple[str | None, Table, Mapping[str, int]]],
) -> tuple[str | None, dict[str, int]]:
    """Return a table's kind and columns: by its header; in a scan, also as the table before
    it when it repeats that header, or by its content; a number column by its numbers."""
    kind, roles = classify_table(block, terms, tolerant=tolerant)
    if tolerant and (kind is None or (kind == "measures" and "number" not in roles)):
        again = _repeated_header(block, before)  # OCR misread a keyword of the header
        kind, roles = again if again[0] is not None else (kind, roles)
    if tolerant and kind is None:
        kind, roles = _suggestions_by_content(block, terms)
    if kind == "measures" and "number" not in roles:
        roles = _number_by_content(block, roles)
    if kind == "suggestions" and verdicts(block, roles) is not None:
        kind = "item_results"  # ข้อ | รายการ | ผลการตรวจ: ผ่าน / ไม่ผ่าน per item
    return _failed_column(block, kind, dict(roles))


def _failed_column(
    block: Table, kind: str | None, roles: dict[str, int]
) -> tuple[str | None, dict[str, int]]:
    """Return the kind and columns with the failed items' column one that lists items: a
    column of counts (``ผ่าน | ไม่ผ่าน``: ``3 | 1``; or ``ผ่าน (ข้อ)``, which OCR's tolerant
    match took for ``ไม่ผ่าน``) gives way to the column right of it if that does, else the
    table lists no failed items."""
    if "failed" not in roles:
        return kind, roles
    taken = set(roles.values()) - {roles["failed"]}
    for i in range(roles["failed"], min(roles["failed"] + 2, len(block.header))):
        if i not in taken and any(
            i < len(row.cells) and CODE_IN_TEXT.search(row.cells[i].text) for row in block.rows
        ):
            return kind, {**roles, "failed": i}
    del roles["failed"]
    return (None, {}) if kind == "failed_items" else (kind, roles)


def _measure_inside(block: Paragraph, tolerant: bool) -> tuple[Paragraph, Paragraph] | None:
    """Return a measures heading and the measure a PDF ran into it (``๔.๑ มาตรการแก้ไข...
    มาตรการที่ ๑ ปรับปรุง...``: a group heading and the first measure's heading), else None.
    In a scan the marker is matched as OCR reads it, its number maybe not read as one."""
    text = block.text
    found = [m.start() for m in MEASURE_MARKER[tolerant].finditer(text) if _spaced_number(m)]
    if tolerant:
        found += [m.start() for m in UNNUMBERED_MEASURE.finditer(text)]
    inside = min((start for start in found if start and text[start - 1].isspace()), default=None)
    if inside is None:
        return None
    return (
        replace(block, text=text[:inside].strip()),
        replace(block, text=text[inside:]),
    )


def _spaced_number(match: re.Match[str]) -> bool:
    """Return True when a measure's number is not a sub-part's (``มาตรการที่ ๔.๑``)."""
    after = match.string[match.end(1) : match.end(1) + 2]
    return not re.match(r"\.[0-9๐-๙]", after)


def _number_by_content(table: Table, roles: dict[str, int]) -> dict[str, int]:
    """Return a measures table's columns with its number column when its content tells it.

    A column of no role, under a short header (``ที่``, which OCR reads ``n`` or ``7``), whose
    cells are numbers in most rows that have one (group rows are written across it), numbers
    the measures.
    """
    used = set(roles.values())
    for index, header in enumerate(table.header_texts):
        if index in used or len("".join(header.split())) > _SHORT_HEADER:
            continue
        cells = [row.cells[index].text for row in table.rows if index < len(row.cells)]
        filled = [c for c in cells if c.strip()]
        numbers = sum(bool(_NUMBER_CELL.match(c)) for c in filled)
        if numbers >= 2 and numbers * 2 > len(filled):
            return {**roles, "number": index}
    return roles


# ผ่าน, มี, ได้, ผ่านเกณฑ์ and their negations, written without marks (OCR drops them)
_PASSED = {"ผาน", "ม", "ได", "ผานเกณฑ"}
_FAILED = {"ไม" + word for word in ("ผาน", "ม", "ได", "ผานเกณฑ")}
_VERDICT_SHARE = 0.7  # of the item rows whose cell is a verdict, for a table of verdicts


def verdicts(table: Table, roles: Mapping[str, int]) -> dict[int, bool] | None:
    """Return whether each row's item passed, for a table of NACC's verdict per OIT item
    (``ข้อ | รายการ | ผลการตรวจ`` with ``ผ่าน`` / ``ไม่ผ่าน``, ``✓`` / ``✗``); None when the
    column beside the items holds suggestions, not verdicts."""
    column = roles.get("suggestion")
    if column is None:
        return None
    out: dict[int, bool] = {}
    filled = 0
    for index, row in enumerate(table.rows):
        text = row.cells[column].text.strip() if column < len(row.cells) else ""
        key = "".join(MARKS.sub("", text).split())
        filled += bool(text)
        if text in ("✓", "✔", "/") or key in _PASSED:
            out[index] = True
        elif text in ("✗", "✘", "x", "X") or key in _FAILED:
            out[index] = False
    return out if filled and len(out) >= _VERDICT_SHARE * filled else None


def _key_column(kind: str | None, roles: Mapping[str, int]) -> int:
    """Return the column whose empty cell makes a row continue the row above it."""
    if kind == "measures":  # without a number column, the title's (1. มาตรการ...)
        return roles.get("number", roles.get("title", 0))
    if kind in ("suggestions", "item_results"):
        return roles.get("item", 0)
    return roles.get("indicator", roles.get("instrument", 0))


def title_text(front: Sequence[Paragraph]) -> str:
    """Return the title: the front paragraphs joined as wrapped text."""
    text = ""
    for paragraph in front:
        text = join_wrapped(text, paragraph.text)
    return text
