"""Read an agency's measures document (text or .docx) into paragraphs and tables.

The result is a :class:`~ita_lib.documents.layout.Document` (see :mod:`ita_lib.documents.layout`).

The text form is what a PDF or web page becomes when copied out: one paragraph per line,
table rows as tab-separated cells, HTML fragments (``<p>``, ``<ul><li>``) inside cells, and
tables split over pages. Reading it:

- A byte-order mark, CRLF or CR line ends, zero-width characters, non-breaking spaces and
  the decomposed Thai vowel ``ํา`` are normalised; blank lines only separate blocks.
- ``<p>``, ``<li>``, ``<br>`` and the other block tags split a cell (or a line) into separate
  paragraphs; list items are marked ``kind="item"``; other tags are removed, entities decoded
  and white space collapsed.
- Consecutive table fragments are stitched into one table when the later one repeats the
  earlier one's header row (the repeated header is dropped) or, with only blank lines or page
  furniture between them, has the same number of columns. Lines between stitched fragments
  that are page numbers or repeated page headers are kept aside as
  :attr:`~ita_lib.documents.layout.Document.furniture`. A row equal to the header inside a
  table is dropped too.
- A row whose key cell (its number or indicator, usually the first) is empty continues the
  row above it (a row split over a page):
  :meth:`~ita_lib.documents.layout.Table.merge_continuations` appends its cells to that row's
  cells as further :class:`~ita_lib.documents.layout.CellFragment` objects, each with its own
  position.
- Page numbers (``- 3 -``, ``หน้า 3``) are page furniture wherever they are, and so is a
  running page header: a line found at a table's page break that recurs later in the text.

A ``.docx`` file is read the same way from its body: paragraphs, and tables whose merged
cells are flattened as the text form flattens them (a merged cell's text is in its first
row and column only). Consecutive tables are stitched by the same rules.

Examples
--------
>>> doc = parse_text("หัวเรื่อง\\n\\nก\\tข\\n๑.\\t<p>x</p><p>y</p>\\n", source="a.txt")
>>> table = doc.tables()[0]
>>> [p.text for p in table.rows[0].cells[1].paragraphs], str(table.rows[0].cells[1].pos)
(['x', 'y'], 'line 4, cell 2')
"""

from __future__ import annotations

import logging
import zipfile
from collections.abc import Sequence
from pathlib import Path

from ita_lib.documents.layout import OCR_FORMATS, Cell, Document, Paragraph, Position, clean_text
from ita_lib.documents.limits import check_docx, check_lines, grid_span
from ita_lib.documents.ocr import INSTALL_HINT, check_tesseract, image_frames, ocr_pages
from ita_lib.documents.page_layout import Page, read_pages
from ita_lib.documents.pdf_pictures import read_pictures
from ita_lib.documents.pdf_reading import is_scanned, pdf_pages, render_pages
from ita_lib.documents.stitching import (
    RawRow,
    RawTable,
    make_cell,
    paragraphs_of,
    repeated_lines,
    stitch,
)
from ita_lib.exceptions import InputError

__all__ = ["parse_docx", "parse_pdf", "parse_scan", "parse_text", "read_document"]

log = logging.getLogger(__name__)

_EXPECTED = (
    "a measures document: UTF-8 text (tab-separated tables), a .docx file, a PDF or a scanned "
    "page (PNG, JPEG, TIFF)"
)

# -- Text documents ----------------------------------------------------------------------------


def parse_text(text: str, *, source: str = "<text>") -> Document:
    """Read the text form of a measures document (see the module docstring).

    Parameters
    ----------
    text
        The document's text (any line ends; a byte-order mark is ignored).
    source
        Name of the file, kept in the result and used in error messages.

    Returns
    -------
    Document
        Positions are ``line`` numbers (and ``cell`` numbers inside tables).
    """
    lines = clean_text(text.replace("\r\n", "\n").replace("\r", "\n")).split("\n")
    items: list[RawTable | Paragraph] = []
    fragment: list[RawRow] = []
    loose: list[Paragraph] = []
    for number, line in enumerate(lines, 1):
        if "\t" in line:
            positions = [
                Position(number, c, order=(number, c)) for c in range(1, line.count("\t") + 2)
            ]
            cells = tuple(
                make_cell(paragraphs_of(raw, pos), pos)
                for raw, pos in zip(line.split("\t"), positions, strict=True)
            )
            fragment.append(RawRow(cells, Position(number, order=(number, 0))))
            continue
        if fragment:
            items.append(RawTable(tuple(fragment)))
            fragment = []
        paragraphs = paragraphs_of(line, Position(number, order=(number, 0)))
        items.extend(paragraphs)
        loose.extend(paragraphs)
    if fragment:
        items.append(RawTable(tuple(fragment)))
    blocks, furniture = stitch(items, repeated_lines(loose))
    last = max((n for n, line in enumerate(lines, 1) if line.strip()), default=0)
    return Document(
        source=source,
        format="text",
        blocks=blocks,
        furniture=furniture,
        end=Position(last, order=(last, 0)) if last else None,
    )


# -- .docx documents ---------------------------------------------------------------------------


def _docx_cell_paragraphs(
    cell_element: object, parent: object, pos: Position
) -> tuple[Paragraph, ...]:
    from docx.table import _Cell

    cell = _Cell(cell_element, parent)
    out: list[Paragraph] = []
    for paragraph in cell.paragraphs:
        for piece in clean_text(paragraph.text).split("\n"):
            out.extend(paragraphs_of(piece, pos))
    return tuple(out)


def _docx_table(
    table_element: object, parent: object, number: int, block: int, source: str = ""
) -> RawTable:
    from docx.table import Table as DocxTable

    table = DocxTable(table_element, parent)
    rows: list[RawRow] = []
    for r, row in enumerate(table.rows, 1):
        cells: list[Cell] = []
        for tc in row._tr.tc_lst:
            c = len(cells) + 1
            pos = Position(table=number, row=r, cell=c, order=(block, r, c))
            if tc.vMerge == "continue":
                cells.append(Cell())
            else:
                cells.append(make_cell(_docx_cell_paragraphs(tc, table, pos), pos))
            span = grid_span(tc.grid_span, source=source, table=number, row=r)
            cells.extend(Cell() for _ in range(span - 1))
        rows.append(RawRow(tuple(cells), Position(table=number, row=r, order=(block, r, 0))))
    return RawTable(tuple(rows))


def parse_docx(path: Path, *, source: str | None = None) -> Document:
    """Read a .docx measures document (see the module docstring).

    Parameters
    ----------
    path
        The .docx file.
    source
        Name used in the result and in error messages (default: ``path``).

    Returns
    -------
    Document
        Positions are ``table``/``row``/``cell`` numbers or ``paragraph`` numbers.

    Raises
    ------
    InputError
        When the file is not a readable .docx document.
    """
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import LxmlError

    name = source or str(path)
    check_docx(path, name)
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, LxmlError) as exc:
        raise InputError(
            f"not a readable .docx file ({type(exc).__name__})",
            source=name,
            expected="a Word .docx document",
        ) from None
    items: list[RawTable | Paragraph] = []
    loose: list[Paragraph] = []
    paragraph_number = table_number = 0
    body = document.element.body
    for block, element in enumerate(body.iterchildren()):
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            from docx.text.paragraph import Paragraph as DocxParagraph

            paragraph_number += 1
            pos = Position(paragraph=paragraph_number, order=(block, 0, 0))
            text = clean_text(DocxParagraph(element, document).text)
            for piece in text.split("\n"):
                paragraphs = paragraphs_of(piece, pos)
                items.extend(paragraphs)
                loose.extend(paragraphs)
        elif tag == "tbl":
            table_number += 1
            items.append(_docx_table(element, document, table_number, block, name))
    blocks, furniture = stitch(items, repeated_lines(loose))
    end = blocks[-1].pos if blocks else None
    return Document(source=name, format="docx", blocks=blocks, furniture=furniture, end=end)


# -- PDF documents and scans -------------------------------------------------------------------


def _paged_document(
    pages: Sequence[Page],
    source: str,
    fmt: str,
    read: tuple[str, ...] = (),
    ocr_pages: frozenset[int] | None = None,
) -> Document:
    items, margins = read_pages(pages, tolerant=fmt in OCR_FORMATS)
    blocks, furniture = stitch(
        items, repeated_lines([i for i in items if isinstance(i, Paragraph)])
    )
    furniture = tuple(sorted((*furniture, *margins), key=lambda p: p.pos.sort_key()))
    end = blocks[-1].pos if blocks else None
    notes = tuple(
        f"Page {p.number} was scanned turned; it was turned {p.turned}° clockwise to be read."
        for p in pages
        if p.turned
    ) + tuple(
        f"Page {p.number} is a photo of the sheet; the desk around it was cut away and the "
        "camera's perspective undone to read it."
        for p in pages
        if p.flattened
    )
    return Document(source, fmt, blocks, furniture, end, (*read, *notes), ocr_pages)


_SCANNER_OCR = (
    f"The PDF is a scan; as Tesseract OCR is not installed ({INSTALL_HINT}), the text its "
    "scanner laid over it by OCR was read: check every figure against the scan."
)


def parse_pdf(path: Path, *, source: str | None = None) -> Document:
    """Read a PDF measures document: its text layer, or OCR when it is a scan.

    Parameters
    ----------
    path
        The PDF file.
    source
        Name used in the result and in error messages (default: ``path``).

    Returns
    -------
    Document
        ``format`` is ``"pdf"`` (text layer), ``"scan"`` (every page read by OCR) or
        ``"mixed"`` (a text layer, and scanned pages or pictures of text read by OCR:
        :func:`~ita_lib.documents.pdf_pictures.read_pictures`); positions are ``page`` and
        ``line``, or ``page`` and ``table``/``row``/``cell``.

    Raises
    ------
    InputError
        When the file is not a readable PDF, or it is a scan and Tesseract is not installed.
    """
    name = source or str(path)
    pages = pdf_pages(path, name)
    if not is_scanned(pages):
        pages, notes, by_ocr = read_pictures(path, pages, name)
        if not by_ocr:
            return _paged_document(pages, name, "pdf", notes)
        return _paged_document(pages, name, "mixed", notes, by_ocr)
    try:
        check_tesseract(name)
    except InputError:
        layer = pdf_pages(path, name, invisible=True)  # a searchable scan: its scanner's OCR
        if is_scanned(layer):
            raise
        log.warning("%s: read from its scanner's OCR text: install %s", name, INSTALL_HINT)
        return _paged_document(layer, name, "scan", (_SCANNER_OCR,))
    return _paged_document(ocr_pages(render_pages(path, name), name), name, "scan")


def parse_scan(path: Path, *, source: str | None = None) -> Document:
    """Read a scanned page (PNG, JPEG or TIFF; every frame of a TIFF) by OCR.

    Raises
    ------
    InputError
        When the image cannot be read, or Tesseract is not installed.
    """
    name = source or str(path)
    return _paged_document(ocr_pages(image_frames(path, name), name), name, "scan")


# -- Reading files -----------------------------------------------------------------------------

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")


def _decode(data: bytes, source: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(
                "not valid UTF-16 text",
                source=source,
                location=f"byte {exc.start}",
                expected=_EXPECTED,
            ) from None
    nul = data.find(b"\x00")
    if nul >= 0:
        raise InputError(
            "binary content, not text",
            source=source,
            location=f"byte {nul}",
            expected=_EXPECTED,
            found="a NUL byte",
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            "not UTF-8 text",
            source=source,
            location=f"line {line} (byte {exc.start})",
            expected=_EXPECTED + " (save the text as UTF-8)",
            found=data[exc.start : exc.start + 4],
        ) from None


def read_document(path: str | Path) -> Document:
    """Read a measures document from a file: a .docx, or text in UTF-8 (or UTF-16 with BOM).

    Parameters
    ----------
    path
        The file. Its kind is told by its content, not its name.

    Returns
    -------
    Document

    Raises
    ------
    InputError
        When the file is missing, unreadable, empty, binary, a PDF or old .doc, or not UTF-8.
    """
    path = Path(path)
    source = str(path)
    if not path.is_file():
        raise InputError("file not found", source=source, expected=_EXPECTED)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(
            f"cannot read the file ({exc.strerror or type(exc).__name__})",
            source=source,
            expected=_EXPECTED,
        ) from None
    if not data.strip():
        raise InputError("file is empty", source=source, expected=_EXPECTED)
    if data.startswith(_ZIP_MAGIC):
        return parse_docx(path, source=source)
    if data.startswith(b"%PDF"):
        return parse_pdf(path, source=source)
    if data.startswith(_IMAGE_MAGIC):
        return parse_scan(path, source=source)
    if data.startswith(_OLE_MAGIC):
        raise InputError(
            "an old Word .doc file cannot be read",
            source=source,
            expected=_EXPECTED + " (save it as .docx)",
            found="Word 97-2003 .doc",
        )
    if path.suffix.lower() == ".docx":
        raise InputError("not a readable .docx file", source=source, expected="a Word .docx file")
    text = _decode(data, source)
    check_lines(text, source)
    if not clean_text(text).strip():
        raise InputError("file is empty", source=source, expected=_EXPECTED)
    return parse_text(text, source=source)
