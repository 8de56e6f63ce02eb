"""Read an agency's measures document (text or .docx) into paragraphs and tables.

This module knows the *layout* of a document, not its meaning (that is
:mod:`ita_lib.documents.importer`). It returns an immutable :class:`Document`: a sequence of
:class:`Paragraph` and :class:`Table` blocks in reading order, each with the
:class:`Position` it came from, so that anything found later can be reported at its line
(text) or table cell / paragraph (.docx).

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
  that are page numbers or repeated page headers are kept aside as :attr:`Document.furniture`.
  A row equal to the header inside a table is dropped too.
- A row whose key cell (its number or indicator, usually the first) is empty continues the
  row above it (a row split over a page): :meth:`Table.merge_continuations` appends its cells
  to that row's cells as further :class:`CellFragment` objects, each with its own position.
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

import html
import re
import zipfile
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from ita_lib.exceptions import InputError

__all__ = [
    "Cell",
    "CellFragment",
    "Document",
    "Paragraph",
    "Position",
    "Row",
    "Table",
    "TextUnit",
    "clean_text",
    "join_wrapped",
    "parse_docx",
    "parse_text",
    "read_document",
    "split_html",
]

_EXPECTED = "a measures document: UTF-8 text (tab-separated tables) or a .docx file"

# -- Positions and blocks ----------------------------------------------------------------------


@dataclass(frozen=True)
class Position:
    """Where something is in the source document.

    A text document gives ``line`` (1-based) and, inside a table, ``cell`` (1-based column).
    A .docx document gives ``table``/``row``/``cell`` (1-based, as the tables are stored in
    the file) or ``paragraph`` (1-based among the body's paragraphs).
    ``order`` sorts positions in reading order and is not part of equality.
    """

    line: int | None = None
    cell: int | None = None
    table: int | None = None
    row: int | None = None
    paragraph: int | None = None
    order: tuple[int, ...] = field(default=(), compare=False, repr=False)

    @property
    def ref(self) -> int | str | None:
        """Return the line number (text) or a ``"table 2, row 3, cell 4"`` text (.docx)."""
        if self.line is not None:
            return self.line
        if self.table is not None:
            cell = "" if self.cell is None else f", cell {self.cell}"
            return f"table {self.table}, row {self.row}{cell}"
        if self.paragraph is not None:
            return f"paragraph {self.paragraph}"
        return None

    def __str__(self) -> str:
        if self.line is not None:
            return f"line {self.line}" + (f", cell {self.cell}" if self.cell else "")
        return str(self.ref or "")

    def sort_key(self) -> tuple[int, ...]:
        """Return a key that sorts positions in reading order."""
        return self.order or (self.line or 0, self.cell or 0)


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of text (already cleaned) and where it is.

    ``kind`` is ``"item"`` for an HTML ``<li>`` list item, else ``"p"``.
    """

    text: str
    pos: Position
    kind: str = "p"


@dataclass(frozen=True)
class CellFragment:
    """The part of a table cell that came from one source row (one page)."""

    paragraphs: tuple[Paragraph, ...]
    pos: Position

    @property
    def text(self) -> str:
        """Return the fragment's paragraphs joined by spaces."""
        return " ".join(p.text for p in self.paragraphs)


@dataclass(frozen=True)
class Cell:
    """A table cell: its fragments, one per source row it was stitched from (none if empty)."""

    fragments: tuple[CellFragment, ...] = ()

    @property
    def paragraphs(self) -> tuple[Paragraph, ...]:
        """Return every paragraph of the cell, in order."""
        return tuple(p for f in self.fragments for p in f.paragraphs)

    @property
    def text(self) -> str:
        """Return the cell's paragraphs joined by spaces."""
        return " ".join(p.text for p in self.paragraphs)

    @property
    def pos(self) -> Position | None:
        """Return the position of the cell's first fragment, or None for an empty cell."""
        return self.fragments[0].pos if self.fragments else None

    @property
    def is_empty(self) -> bool:
        """Return True when the cell has no text."""
        return not self.fragments


@dataclass(frozen=True)
class Row:
    """A table row; ``continued_at`` lists the source rows stitched onto it."""

    cells: tuple[Cell, ...]
    pos: Position
    continued_at: tuple[Position, ...] = ()


@dataclass(frozen=True)
class Table:
    """A table stitched from one or more fragments.

    ``header`` is the first row's cells; ``rows`` the other rows (see
    :meth:`merge_continuations` for rows split over a page); ``repeated_headers`` the positions
    of header rows dropped as repetitions.
    """

    header: tuple[Cell, ...]
    rows: tuple[Row, ...]
    pos: Position
    repeated_headers: tuple[Position, ...] = ()

    @property
    def header_texts(self) -> tuple[str, ...]:
        """Return the header cells' texts."""
        return tuple(c.text for c in self.header)

    def merge_continuations(self, key: int = 0) -> Table:
        """Return the table with continuation rows merged into the rows above them.

        A row whose ``key`` cell (the column that names a row: its number or indicator) is
        empty continues the row above (a row split over a page): its cells' fragments are
        appended to that row's cells and its position to ``continued_at``.

        Parameters
        ----------
        key
            Index of the column that names the rows.
        """
        rows: list[Row] = []
        for row in self.rows:
            empty_key = key >= len(row.cells) or row.cells[key].is_empty
            if not (empty_key and rows):
                rows.append(row)
                continue
            previous = rows[-1]
            count = max(len(previous.cells), len(row.cells))
            cells = tuple(
                Cell(
                    (previous.cells[i].fragments if i < len(previous.cells) else ())
                    + (row.cells[i].fragments if i < len(row.cells) else ())
                )
                for i in range(count)
            )
            rows[-1] = replace(
                previous, cells=cells, continued_at=(*previous.continued_at, row.pos)
            )
        return replace(self, rows=tuple(rows))


@dataclass(frozen=True)
class TextUnit:
    """A piece of text to scan (a paragraph, or one fragment of a table cell)."""

    text: str
    pos: Position
    in_table: bool


@dataclass(frozen=True)
class Document:
    """A measures document read into blocks (see the module docstring)."""

    source: str
    format: str
    blocks: tuple[Paragraph | Table, ...]
    furniture: tuple[Paragraph, ...] = ()
    end: Position | None = None

    def paragraphs(self) -> tuple[Paragraph, ...]:
        """Return the paragraphs outside tables, in order."""
        return tuple(b for b in self.blocks if isinstance(b, Paragraph))

    def tables(self) -> tuple[Table, ...]:
        """Return the tables, in order."""
        return tuple(b for b in self.blocks if isinstance(b, Table))

    def text_units(self) -> Iterator[TextUnit]:
        """Yield every paragraph and every table-cell fragment (header rows excluded)."""
        for block in self.blocks:
            if isinstance(block, Paragraph):
                yield TextUnit(block.text, block.pos, in_table=False)
                continue
            for row in block.rows:
                for cell in row.cells:
                    for fragment in cell.fragments:
                        yield TextUnit(fragment.text, fragment.pos, in_table=True)


# -- Text cleaning -----------------------------------------------------------------------------

_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060\u00ad"), None)
_SPACES = dict.fromkeys(map(ord, "\u00a0\u2007\u202f\u3000"), " ")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "ul",
        "ol",
        "li",
        "br",
        "tr",
        "td",
        "th",
        "table",
        "tbody",
        "thead",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "section",
    ]
)
_TAG = re.compile(r"(</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>)")
_TAG_NAME = re.compile(r"</?([A-Za-z][A-Za-z0-9]*)")
_THAI_LETTER = re.compile(r"[\u0e01-\u0e4f]")  # Thai letters, vowels and marks (not digits)
_PAGE_NUMBER = re.compile(
    r"^[\s\-–—(]*(?:หน้า|หน้าที่|page)?\s*[0-9๐-๙]{1,3}(?:\s*(?:/|จาก|of)\s*[0-9๐-๙]{1,3})?[\s\-–—)]*$",
    re.IGNORECASE,
)
_FURNITURE_MAX = 150


def clean_text(text: str) -> str:
    """Normalise characters that copy-paste and exports leave in Thai text.

    Removes the byte-order mark, zero-width characters, soft hyphens and control characters
    (tabs and newlines are kept), turns non-breaking spaces into spaces and the decomposed
    vowel ``ํา`` (nikhahit + sara aa) into ``ำ``.

    >>> clean_text("\\ufeffทํา\\u00a0ก")
    'ทำ ก'
    """
    text = text.translate(_INVISIBLE).translate(_SPACES)
    text = text.replace("\u0e4d\u0e32", "\u0e33")
    return _CONTROL.sub("", text)


def split_html(text: str) -> tuple[tuple[str, str], ...]:
    """Split text that may hold HTML fragments into paragraphs.

    Block tags (``<p>``, ``<div>``, ``<ul>``, ``<li>``, ``<br>``, ...) end a paragraph; the text
    of an ``<li>`` is a list item. Other tags are removed, entities decoded and white space
    collapsed; empty paragraphs are dropped. Text that only looks like a tag (``a < b``) is kept.

    Returns
    -------
    tuple of (kind, text)
        ``kind`` is ``"item"`` for list items, else ``"p"``.

    >>> split_html("<p>๑) ก</p> <ul><li>ข</li></ul>ค")
    (('p', '๑) ก'), ('item', 'ข'), ('p', 'ค'))
    """
    out: list[tuple[str, str]] = []
    buffer: list[str] = []
    kind = "p"

    def flush() -> None:
        nonlocal kind
        joined = " ".join(html.unescape("".join(buffer)).split())
        if joined:
            out.append((kind, joined))
        buffer.clear()
        kind = "p"

    for token in _TAG.split(text):
        if not token:
            continue
        name_match = _TAG_NAME.match(token) if token.startswith("<") else None
        if name_match is None or not _TAG.fullmatch(token):
            buffer.append(token)
            continue
        name = name_match[1].lower()
        if name not in _BLOCK_TAGS:
            continue
        flush()
        if name == "li" and not token.startswith("</"):
            kind = "item"
    flush()
    return tuple(out)


def join_wrapped(left: str, right: str) -> str:
    """Join two pieces of one text that a line or page break separated.

    A break between two Thai letters is inside a word (Thai has no spaces between words), so
    the pieces are joined directly; otherwise a space is put between them.

    >>> join_wrapped("หน่วยงานที่", "เกี่ยวข้อง"), join_wrapped("ท้องถิ่น", "(E-Plan)")
    ('หน่วยงานที่เกี่ยวข้อง', 'ท้องถิ่น (E-Plan)')
    """
    if not left or not right:
        return left or right
    glue = _THAI_LETTER.match(left[-1]) and _THAI_LETTER.match(right[0])
    return left + right if glue else f"{left} {right}"


def _norm_key(text: str) -> str:
    """Return text without white space, for comparing header rows."""
    return "".join(text.split())


# -- Raw structure before stitching ------------------------------------------------------------


@dataclass(frozen=True)
class _RawRow:
    cells: tuple[Cell, ...]
    pos: Position


@dataclass(frozen=True)
class _RawTable:
    rows: tuple[_RawRow, ...]


@dataclass(frozen=True)
class _Gap:
    """Paragraphs between two raw blocks (furniture candidates)."""

    paragraphs: tuple[Paragraph, ...]


def _paragraphs_of(raw: str, pos: Position) -> tuple[Paragraph, ...]:
    return tuple(Paragraph(text, pos, kind) for kind, text in split_html(raw))


def _cell(paragraphs: tuple[Paragraph, ...], pos: Position) -> Cell:
    return Cell((CellFragment(paragraphs, pos),)) if paragraphs else Cell()


def _row_key(cells: Sequence[Cell]) -> tuple[str, ...]:
    keys = [_norm_key(c.text) for c in cells]
    while keys and not keys[-1]:
        keys.pop()
    return tuple(keys)


# -- Stitching ---------------------------------------------------------------------------------


def _is_page_furniture(paragraph: Paragraph, repeated: Counter[str]) -> bool:
    text = paragraph.text
    return bool(_PAGE_NUMBER.match(text)) or (
        len(text) <= _FURNITURE_MAX and repeated[_norm_key(text)] >= 2
    )


def _stitch(
    items: Sequence[_RawTable | Paragraph], repeated: Counter[str]
) -> tuple[tuple[Paragraph | Table, ...], tuple[Paragraph, ...]]:
    """Join raw table fragments into tables; return the blocks and the page furniture."""
    blocks: list[Paragraph | Table] = []
    furniture: list[Paragraph] = []
    current: list[_RawRow] | None = None  # rows of the table being built (header first)
    repeats: list[Position] = []
    pending: list[Paragraph] = []  # paragraphs seen since the current table's last fragment

    def close() -> None:
        nonlocal current
        if current is not None:
            blocks.extend(_build_table(current, repeats))
            current = None
        repeats.clear()
        blocks.extend(pending)
        pending.clear()

    for item in items:
        if isinstance(item, Paragraph):
            if current is None:
                blocks.append(item)
            else:
                pending.append(item)
            continue
        rows = list(item.rows)
        if current is not None and rows:
            header_key = _row_key(current[0].cells)
            same_header = _row_key(rows[0].cells) == header_key
            page_like = all(_is_page_furniture(p, repeated) for p in pending)
            same_width = len(rows[0].cells) == len(current[0].cells)
            if same_header and all(len(p.text) <= _FURNITURE_MAX for p in pending):
                repeats.append(rows[0].pos)
                furniture.extend(pending)
                pending.clear()
                current.extend(rows[1:])
                continue
            if same_width and page_like:
                furniture.extend(pending)
                pending.clear()
                current.extend(rows)
                continue
        close()
        current = rows
    close()
    return _drop_furniture(blocks, furniture)


def _drop_furniture(
    blocks: Sequence[Paragraph | Table], furniture: Sequence[Paragraph]
) -> tuple[tuple[Paragraph | Table, ...], tuple[Paragraph, ...]]:
    """Move page numbers, and recurrences of lines found at page breaks, to the furniture."""
    page_keys = {_norm_key(p.text) for p in furniture}
    kept: list[Paragraph | Table] = []
    moved = list(furniture)
    seen_table = False
    for block in blocks:
        if isinstance(block, Table):
            seen_table = True
        elif _PAGE_NUMBER.match(block.text) or (seen_table and _norm_key(block.text) in page_keys):
            moved.append(block)
            continue
        kept.append(block)
    moved.sort(key=lambda p: p.pos.sort_key())
    return tuple(kept), tuple(moved)


def _build_table(raw_rows: list[_RawRow], repeats: list[Position]) -> tuple[Paragraph | Table, ...]:
    """Build a table from its raw rows; a lone row (no table at all) becomes paragraphs."""
    header = raw_rows[0]
    if len(raw_rows) == 1 and not repeats:
        return tuple(replace(p, pos=header.pos) for c in header.cells for p in c.paragraphs)
    width = len(header.cells)
    header_key = _row_key(header.cells)
    rows: list[Row] = []
    repeated = list(repeats)
    for raw in raw_rows[1:]:
        cells = raw.cells + (Cell(),) * max(0, width - len(raw.cells))
        if _row_key(cells) == header_key:
            repeated.append(raw.pos)
            continue
        rows.append(Row(cells, raw.pos))
    return (Table(header.cells, tuple(rows), header.pos, tuple(repeated)),)


def _repeated_lines(paragraphs: Sequence[Paragraph]) -> Counter[str]:
    return Counter(_norm_key(p.text) for p in paragraphs)


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
    items: list[_RawTable | Paragraph] = []
    fragment: list[_RawRow] = []
    loose: list[Paragraph] = []
    for number, line in enumerate(lines, 1):
        if "\t" in line:
            positions = [
                Position(number, c, order=(number, c)) for c in range(1, line.count("\t") + 2)
            ]
            cells = tuple(
                _cell(_paragraphs_of(raw, pos), pos)
                for raw, pos in zip(line.split("\t"), positions, strict=True)
            )
            fragment.append(_RawRow(cells, Position(number, order=(number, 0))))
            continue
        if fragment:
            items.append(_RawTable(tuple(fragment)))
            fragment = []
        paragraphs = _paragraphs_of(line, Position(number, order=(number, 0)))
        items.extend(paragraphs)
        loose.extend(paragraphs)
    if fragment:
        items.append(_RawTable(tuple(fragment)))
    blocks, furniture = _stitch(items, _repeated_lines(loose))
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
            out.extend(_paragraphs_of(piece, pos))
    return tuple(out)


def _docx_table(table_element: object, parent: object, number: int, block: int) -> _RawTable:
    from docx.table import Table as DocxTable

    table = DocxTable(table_element, parent)
    rows: list[_RawRow] = []
    for r, row in enumerate(table.rows, 1):
        cells: list[Cell] = []
        for tc in row._tr.tc_lst:
            c = len(cells) + 1
            pos = Position(table=number, row=r, cell=c, order=(block, r, c))
            if tc.vMerge == "continue":
                cells.append(Cell())
            else:
                cells.append(_cell(_docx_cell_paragraphs(tc, table, pos), pos))
            cells.extend(Cell() for _ in range(tc.grid_span - 1))
        rows.append(_RawRow(tuple(cells), Position(table=number, row=r, order=(block, r, 0))))
    return _RawTable(tuple(rows))


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

    name = source or str(path)
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InputError(
            f"not a readable .docx file ({type(exc).__name__})",
            source=name,
            expected="a Word .docx document",
        ) from None
    items: list[_RawTable | Paragraph] = []
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
                paragraphs = _paragraphs_of(piece, pos)
                items.extend(paragraphs)
                loose.extend(paragraphs)
        elif tag == "tbl":
            table_number += 1
            items.append(_docx_table(element, document, table_number, block))
    blocks, furniture = _stitch(items, _repeated_lines(loose))
    end = blocks[-1].pos if blocks else None
    return Document(source=name, format="docx", blocks=blocks, furniture=furniture, end=end)


# -- Reading files -----------------------------------------------------------------------------

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"


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
        raise InputError(
            "a PDF file cannot be read",
            source=source,
            expected=_EXPECTED + " (save the PDF as .docx or copy its text)",
            found="PDF",
        )
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
    if not clean_text(text).strip():
        raise InputError("file is empty", source=source, expected=_EXPECTED)
    return parse_text(text, source=source)
