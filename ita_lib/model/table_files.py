"""Read a results table file (CSV or XLSX) into a frame of text cells, within bounds.

- CSV: UTF-8 (a byte-order mark ignored), comma-separated; a file whose header is separated
  by semicolons (as spreadsheets write it in many locales) is read with semicolons.
- XLSX: opened in read-only mode after :func:`ita_lib.model.safe_zip.check_zip`; only the
  header's columns are read (at most :data:`MAX_COLUMNS`), so a stray cell in ``XFD1048576``
  costs nothing; a formula cell is reported as a formula (the table must hold values).

The frame's index is the data row's number counted from 0 under the header, as a spreadsheet
numbers rows minus two; blank rows are left out.
"""

from __future__ import annotations

import warnings
import zipfile
from pathlib import Path

import pandas as pd

from ita_lib.exceptions import InputError
from ita_lib.model.safe_zip import check_zip

__all__ = ["MAX_COLUMNS", "MAX_ROWS", "read_table_file"]

MAX_COLUMNS = 64
MAX_ROWS = 1_048_576  # a spreadsheet's own limit
_XLSX_EXPECTED = "an .xlsx workbook with a header row"


def read_table_file(path: Path) -> pd.DataFrame:
    """Return the table's cells as text (``""`` for an empty cell), one row per data row.

    Raises
    ------
    InputError
        For a missing, empty, unreadable or oversized file.
    """
    source = str(path)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise InputError("file not found", source=source, expected="a CSV or XLSX results table")
    if suffix == ".csv":
        frame = _read_csv(path, source)
    elif suffix in {".xlsx", ".xlsm"}:
        frame = _read_xlsx(path, source)
    else:
        raise InputError(
            "unsupported file type", source=source, expected="a .csv or .xlsx file", found=suffix
        )
    if frame.empty:
        raise InputError("the table has no data rows", source=source, expected="one row per agency")
    return frame


def _separator(path: Path) -> str:
    """``;`` when the header row is separated by semicolons and holds no comma, else ``,``."""
    with path.open("rb") as handle:
        head = handle.readline(100_000).decode("utf-8-sig", errors="replace")
    return ";" if head.count(";") >= 3 and "," not in head else ","


def _read_csv(path: Path, source: str) -> pd.DataFrame:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            frame = pd.read_csv(
                path,
                sep=_separator(path),
                dtype=str,
                keep_default_na=False,
                encoding="utf-8-sig",
                index_col=False,
                skip_blank_lines=False,
            )
    except pd.errors.EmptyDataError:
        raise InputError(
            "file is empty", source=source, expected="a header row and data rows"
        ) from None
    except UnicodeDecodeError:
        raise InputError(
            "file is not UTF-8 text", source=source, expected="a UTF-8 CSV file"
        ) from None
    except pd.errors.ParserError as exc:
        raise InputError(f"not a valid CSV file: {str(exc).strip()}", source=source) from None
    except pd.errors.ParserWarning:
        raise InputError(
            "the data rows have more cells than the header",
            source=source,
            expected="one header cell per column",
        ) from None
    if len(frame.columns) > MAX_COLUMNS:
        raise _too_wide(len(frame.columns), source)
    return frame


def _too_wide(count: int, source: str) -> InputError:
    return InputError(
        f"the header has {count:,} columns",
        source=source,
        location="header (row 1)",
        expected=f"at most {MAX_COLUMNS} columns",
    )


def _cell_value(cell: object, row: int, column: int | str, source: str) -> str:
    value = getattr(cell, "value", None)
    if value is None:
        return ""
    if getattr(cell, "data_type", None) == "f":
        raise InputError(
            "a formula, not a value",
            source=source,
            location=f"row {row}, column {column}",
            expected="values (copy the sheet and paste values only)",
            found=str(value),
        )
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def _read_xlsx(path: Path, source: str) -> pd.DataFrame:
    import openpyxl

    check_zip(
        path, source=source, expected=_XLSX_EXPECTED, unreadable="cannot read the spreadsheet"
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl's notes on styles and extensions
            book = openpyxl.load_workbook(path, read_only=True, data_only=False, keep_links=False)
        try:
            return _sheet_frame(book.worksheets[0], source)
        finally:
            book.close()
    # SyntaxError: the XML ParseError (ElementTree or lxml) of a damaged workbook part
    except (zipfile.BadZipFile, ValueError, KeyError, OSError, SyntaxError, IndexError) as exc:
        raise InputError(
            f"cannot read the spreadsheet ({type(exc).__name__})",
            source=source,
            expected=_XLSX_EXPECTED,
        ) from None


def _sheet_frame(sheet: object, source: str) -> pd.DataFrame:
    first = next(sheet.iter_rows(min_row=1, max_row=1, max_col=MAX_COLUMNS + 1), ())  # type: ignore[attr-defined]
    header = [_cell_value(c, 1, i, source).strip() for i, c in enumerate(first, 1)]
    while header and not header[-1]:
        header.pop()
    if not header:
        raise InputError("file is empty", source=source, expected="a header row and data rows")
    if len(header) > MAX_COLUMNS:
        raise _too_wide(len(header), source)
    width = len(header)
    records, index = [], []
    rows = sheet.iter_rows(min_row=2, max_row=MAX_ROWS, max_col=width)  # type: ignore[attr-defined]
    for number, row in enumerate(rows, start=2):
        if all(c.value is None for c in row):
            continue
        values = [_cell_value(c, number, header[i], source) for i, c in enumerate(row)]
        records.append(values + [""] * (width - len(values)))
        index.append(number - 2)
    return pd.DataFrame(records, columns=header, index=index, dtype=object)
