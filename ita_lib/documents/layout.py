"""The layout of a measures document: positioned paragraphs and tables, and text cleaning.

This module knows the *layout* of a document, not its meaning (that is
:mod:`ita_lib.documents.importer`). A :class:`Document` is immutable: a sequence of
:class:`Paragraph` and :class:`Table` blocks in reading order, each with the
:class:`Position` it came from, so that anything found later can be reported at its line
(text) or table cell / paragraph (.docx). :mod:`ita_lib.documents.reading` reads files into
it; :func:`clean_text`, :func:`split_html` and :func:`join_wrapped` normalise the text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

__all__ = [
    "OCR_FORMATS",
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
    "on_ocr_page",
    "split_html",
]

# -- Positions and blocks ----------------------------------------------------------------------


@dataclass(frozen=True)
class Position:
    """Where something is in the source document.

    A text document gives ``line`` (1-based) and, inside a table, ``cell`` (1-based column).
    A .docx document gives ``table``/``row``/``cell`` (1-based, as the tables are stored in
    the file) or ``paragraph`` (1-based among the body's paragraphs).
    A PDF or a scan gives ``page`` (1-based) and either ``line`` (the text line on that page,
    tables excluded) or ``table``/``row``/``cell`` (the table on that page, its row there).
    ``order`` sorts positions in reading order and is not part of equality.
    """

    line: int | None = None
    cell: int | None = None
    table: int | None = None
    row: int | None = None
    paragraph: int | None = None
    order: tuple[int, ...] = field(default=(), compare=False, repr=False)
    page: int | None = None

    @property
    def ref(self) -> int | str | None:
        """Return the line number (text), a ``"table 2, row 3, cell 4"`` text (.docx), or
        ``"page 3, line 12"`` / ``"page 3, table 1, row 4"`` (PDF, scan)."""
        if self.page is not None:
            return self._page_ref()
        if self.line is not None:
            return self.line
        if self.table is not None:
            cell = "" if self.cell is None else f", cell {self.cell}"
            return f"table {self.table}, row {self.row}{cell}"
        if self.paragraph is not None:
            return f"paragraph {self.paragraph}"
        return None

    def _page_ref(self) -> str:
        parts = [f"page {self.page}"]
        if self.table is not None:
            parts.append(f"table {self.table}, row {self.row}")
        elif self.line is not None:
            parts.append(f"line {self.line}")
        if self.cell is not None:
            parts.append(f"cell {self.cell}")
        return ", ".join(parts)

    def __str__(self) -> str:
        if self.page is not None:
            return self._page_ref()
        if self.line is not None:
            return f"line {self.line}" + (f", cell {self.cell}" if self.cell else "")
        return str(self.ref or "")

    def sort_key(self) -> tuple[int, ...]:
        """Return a key that sorts positions in reading order."""
        return self.order or (self.line or 0, self.cell or 0)


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of text (already cleaned) and where it is.

    ``kind`` is ``"item"`` for an HTML ``<li>`` list item, else ``"p"``. ``conf`` is, for a
    paragraph read by OCR, the lowest confidence (0–100) of its words (None otherwise).
    """

    text: str
    pos: Position
    kind: str = "p"
    conf: float | None = field(default=None, compare=False)


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

    def merge_continuations(self, key: int = 0, *, labels_left: bool = False) -> Table:
        """Return the table with continuation rows merged into the rows above them.

        A row whose ``key`` cell (the column that names a row: its number or indicator) is
        empty continues the row above (a row split over a page): its cells' fragments are
        appended to that row's cells and its position to ``continued_at``.

        Parameters
        ----------
        key
            Index of the column that names the rows.
        labels_left
            A row with text left of the key is a row of its own (a score table's group row
            ``แบบวัด ... (EIT)`` written in a merged cell over the number and indicator columns).
        """
        rows: list[Row] = []
        for row in self.rows:
            empty_key = key >= len(row.cells) or row.cells[key].is_empty
            if labels_left:  # a group row's label in a merged cell left of the key
                empty_key = empty_key and all(cell.is_empty for cell in row.cells[:key])
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
    data_path: str | None = None  # the data path of an assessment's text (``suggestions.summary``)
    conf: float | None = None  # OCR confidence of the lowest word (documents read by OCR)


OCR_FORMATS = frozenset({"scan", "mixed"})
"""The formats of documents read (in whole or in part) by OCR: a scan, and a PDF with pages or
pictures of text read by OCR."""


def on_ocr_page(pos: Position | None, ocr_pages: frozenset[int] | None) -> bool:
    """Return True when ``pos`` is on one of ``ocr_pages`` (None: every page is)."""
    return ocr_pages is None or (pos is not None and pos.page in ocr_pages)


@dataclass(frozen=True)
class Document:
    """A measures document read into blocks (see the module docstring)."""

    source: str
    format: str
    blocks: tuple[Paragraph | Table, ...]
    furniture: tuple[Paragraph, ...] = ()
    end: Position | None = None
    notes: tuple[str, ...] = ()  # how it was read (a scanned page turned upright, read by OCR)
    ocr_pages: frozenset[int] | None = None
    """In a ``mixed`` document, the pages OCR read or added to (None: every page, or none,
    as ``format`` says)."""

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
                yield TextUnit(block.text, block.pos, in_table=False, conf=block.conf)
                continue
            for row in block.rows:
                for cell in row.cells:
                    for fragment in cell.fragments:
                        confs = [p.conf for p in fragment.paragraphs if p.conf is not None]
                        conf = min(confs) if confs else None
                        yield TextUnit(fragment.text, fragment.pos, in_table=True, conf=conf)


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
