"""Bounds on measures documents, checked before and while they are read.

A measures document is untrusted input. These checks turn what would exhaust memory or time
into one clear :class:`~ita_lib.exceptions.InputError`:

- a .docx is a zip container: its declared sizes are checked first
  (:func:`ita_lib.model.safe_zip.check_zip`), and its XML must carry no document type
  declaration (Word never writes one; entity "bombs" need one);
- a table cell may span at most :data:`MAX_GRID_SPAN` columns (Word's own limit is 63);
- a text document's lines are at most :data:`MAX_LINE_CHARS` characters long.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from ita_lib.exceptions import InputError
from ita_lib.model.safe_zip import check_zip

__all__ = ["MAX_GRID_SPAN", "MAX_LINE_CHARS", "check_docx", "check_lines", "grid_span"]

MAX_GRID_SPAN = 64
MAX_LINE_CHARS = 200_000
_DOCX = "a Word .docx document"


def check_docx(path: str | Path, source: str) -> None:
    """Check a .docx before python-docx opens it: sizes, and no DTD in its XML parts.

    Raises
    ------
    InputError
        For a zip bomb, an unreadable archive, or a part declaring a document type.
    """
    check_zip(path, source=source, expected=_DOCX, unreadable="not a readable .docx file")
    with zipfile.ZipFile(path) as archive:
        for member in archive.infolist():
            if not member.filename.endswith((".xml", ".rels")):
                continue
            with archive.open(member) as handle:
                head = handle.read(4096)
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise InputError(
                    "a document type declaration in the document's XML (an entity bomb?)",
                    source=source,
                    location=member.filename,
                    expected=_DOCX + " as Word writes it",
                )


def grid_span(span: int | None, *, source: str, table: int, row: int) -> int:
    """Return a cell's column span, checked against :data:`MAX_GRID_SPAN`."""
    value = 1 if span is None else int(span)
    if not 1 <= value <= MAX_GRID_SPAN:
        raise InputError(
            f"a table cell spans {value:,} columns",
            source=source,
            location=f"table {table}, row {row}",
            expected=f"a span from 1 to {MAX_GRID_SPAN} columns",
        )
    return value


def check_lines(text: str, source: str) -> None:
    """Reject a text document with a line longer than :data:`MAX_LINE_CHARS` characters."""
    for number, line in enumerate(text.splitlines(), 1):
        if len(line) > MAX_LINE_CHARS:
            raise InputError(
                f"a line of {len(line):,} characters",
                source=source,
                location=f"line {number}",
                expected=f"lines of at most {MAX_LINE_CHARS:,} characters (one paragraph a line)",
            )
