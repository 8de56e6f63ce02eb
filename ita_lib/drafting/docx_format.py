"""Thai government document conventions for the drafted .docx files (python-docx).

A4 paper; margins of an official Thai document (top 2.5 cm, bottom 2 cm, left 3 cm, right
2 cm); TH Sarabun New 16 pt named for every script slot (``w:rFonts`` ascii, hAnsi, eastAsia and
``w:cs``, sizes ``w:sz`` and ``w:szCs``: Thai is a complex script in Word, so without the ``cs``
entries Word would fall back to another font); a bold centred title at 20 pt and bold headings
at 16 pt; the page number centred at the top (``- ๒ -``); tables with a grid whose header row
repeats on every page (``w:tblHeader``) and does not split. The reader's
machine supplies the font (TH SarabunPSK is named as the alternative in the docs).

Drafted passages are highlighted in yellow and carry a Word comment; the page header says what
the highlight means. Neither is part of the body text the importer reads.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence

import docx
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

__all__ = [
    "FONT_NAME",
    "FONT_SIZE_PT",
    "REVIEW_NOTE",
    "add_heading",
    "add_paragraph",
    "add_row",
    "add_table",
    "comment",
    "landscape_section",
    "new_document",
    "set_cell",
    "to_bytes",
]

FONT_NAME = "TH Sarabun New"
FONT_SIZE_PT = 16
TITLE_SIZE_PT = 20
REVIEW_NOTE = "ร่างเพื่อพิจารณา: ข้อความที่เน้นสีเหลืองจัดทำโดยระบบ โปรดตรวจทานก่อนเผยแพร่"
_AUTHOR = "ita draft"


def _set_fonts(element: object, size_pt: int, *, bold: bool | None = None) -> None:
    """Name the font for every script slot and set both sizes on a run or style rPr."""
    rpr = element.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), FONT_NAME)
    for tag in ("w:sz", "w:szCs"):
        node = rpr.find(qn(tag))
        if node is None:
            node = OxmlElement(tag)
            rpr.append(node)
        node.set(qn("w:val"), str(size_pt * 2))
    if bold is not None:
        for tag in ("w:b", "w:bCs"):
            node = rpr.find(qn(tag))
            if node is None:
                node = OxmlElement(tag)
                rpr.append(node)
            node.set(qn("w:val"), "1" if bold else "0")
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:bidi"), "th-TH")


def _page_number(paragraph: Paragraph, thai_digits: bool) -> None:
    """Add ``- PAGE -`` (a field, in Thai digits when asked) to a header paragraph."""
    paragraph.add_run("- ")
    run = paragraph.add_run()
    begin, instr, end = (
        OxmlElement("w:fldChar"),
        OxmlElement("w:instrText"),
        OxmlElement("w:fldChar"),
    )
    begin.set(qn("w:fldCharType"), "begin")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    end.set(qn("w:fldCharType"), "end")
    run._r.append(begin)
    run._r.append(instr)
    run._r.append(end)
    paragraph.add_run(" -")


def new_document(
    *, thai_digits: bool, landscape: bool = False, review_note: bool = True
) -> DocxDocument:
    """Return an empty document set up as an official Thai document."""
    document = docx.Document()
    section = document.sections[0]
    width, height = Cm(21.0), Cm(29.7)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        width, height = height, width
    section.page_width, section.page_height = width, height
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.0)
    section.left_margin, section.right_margin = Cm(3.0), Cm(2.0)
    section.header_distance = Cm(1.2)
    if thai_digits:  # page numbers in Thai digits (the section's number format)
        number_type = OxmlElement("w:pgNumType")
        number_type.set(qn("w:fmt"), "thaiNumbers")
        section._sectPr.append(number_type)
    for style_name, size, bold in (("Normal", FONT_SIZE_PT, None), ("Title", TITLE_SIZE_PT, True),
                                   ("Heading 1", FONT_SIZE_PT, True), ("Header", FONT_SIZE_PT, None),
                                   ("Table Grid", FONT_SIZE_PT, None)):  # fmt: skip
        style = document.styles[style_name]
        _set_fonts(style.element, size, bold=bold)
        if style_name in {"Title", "Heading 1"}:
            style.font.color.rgb = None
            style.paragraph_format.space_before = Pt(6 if style_name == "Heading 1" else 0)
            style.paragraph_format.space_after = Pt(6)
            style.element.get_or_add_pPr()
    normal = document.styles["Normal"].paragraph_format
    normal.space_after, normal.line_spacing = Pt(0), 1.0
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_number(header, thai_digits)
    if review_note:
        note = section.header.add_paragraph(REVIEW_NOTE)
        note.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        for run in note.runs:
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW
            run.font.size = Pt(12)
    return document


def landscape_section(document: DocxDocument) -> None:
    """Start a new page in landscape (for a wide table); margins as the first section's."""
    first = document.sections[0]
    section = document.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = first.page_height, first.page_width
    for side in ("top_margin", "bottom_margin", "left_margin", "right_margin"):
        setattr(section, side, getattr(first, side))


def add_paragraph(document: DocxDocument, text: str, *, marked: bool = False,
                  center: bool = False, indent: bool = False) -> Paragraph:  # fmt: skip
    """Add a body paragraph (highlighted when ``marked``); Thai text is justified."""
    paragraph = document.add_paragraph()
    _fill(paragraph, text, marked)
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    else:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.THAI_JUSTIFY
    if indent:
        paragraph.paragraph_format.first_line_indent = Cm(2.5)
    return paragraph


def add_heading(document: DocxDocument, text: str, *, title: bool = False) -> Paragraph:
    """Add the title (centred, 20 pt) or a section heading (bold, 16 pt)."""
    paragraph = document.add_paragraph(style="Title" if title else "Heading 1")
    paragraph.add_run(text)
    if title:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return paragraph


def _fill(paragraph: Paragraph, text: str, marked: bool) -> None:
    run = paragraph.add_run(text)
    if marked:
        run.font.highlight_color = WD_COLOR_INDEX.YELLOW


def set_cell(cell: _Cell, lines: Sequence[str], *, marked: bool = False, bold: bool = False,
             center: bool = False) -> None:  # fmt: skip
    """Write ``lines`` into a table cell, one paragraph each."""
    for i, line in enumerate(lines or ("",)):
        paragraph = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
        _fill(paragraph, line, marked)
        if bold:
            for run in paragraph.runs:
                run.bold = True
        if center:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER


def add_table(document: DocxDocument, header: Sequence[str], widths_cm: Sequence[float]) -> Table:
    """Add a grid table whose (bold, centred) header row repeats on every page."""
    table = document.add_table(rows=1, cols=len(header))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths_cm, strict=True):
        column.width = Cm(width)  # the grid (w:gridCol), which LibreOffice lays out by
    row = table.rows[0]
    trpr = row._tr.get_or_add_trPr()
    for tag in ("w:cantSplit", "w:tblHeader"):
        node = OxmlElement(tag)
        node.set(qn("w:val"), "true")
        trpr.append(node)
    for cell, text, width in zip(row.cells, header, widths_cm, strict=True):
        set_cell(cell, [text], bold=True, center=True)
        cell.width = Cm(width)
    return table


def add_row(table: Table, widths_cm: Sequence[float]) -> list[_Cell]:
    """Add a row; return its cells (long measures may run over a page, as in Word)."""
    row = table.add_row()
    for cell, width in zip(row.cells, widths_cm, strict=True):
        cell.width = Cm(width)
    return list(row.cells)


def comment(document: DocxDocument, paragraph: Paragraph, text: str) -> None:
    """Attach a Word comment (by ``ita draft``) to the runs of ``paragraph``."""
    if paragraph.runs:
        comment = document.add_comment(paragraph.runs, text=text, author=_AUTHOR, initials="ITA")
        # python-docx stamps the wall-clock time; without a date the same inputs give the same bytes
        comment._comment_elm.attrib.pop(qn("w:date"), None)


def to_bytes(document: DocxDocument) -> bytes:
    """Return the document as .docx bytes."""
    buffer = io.BytesIO()
    document.save(buffer)
    return _fixed_timestamps(buffer.getvalue())


def _fixed_timestamps(data: bytes) -> bytes:
    """Rewrite the zip with fixed member times, so that the same inputs give the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()
