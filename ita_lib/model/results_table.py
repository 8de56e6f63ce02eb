"""Load a results table (CSV or XLSX): one row per agency, the ten indicator scores.

Columns: ``fiscal_year, agency_name, agency_type, province, ind1 .. ind10`` and, optionally,
``itas_code, district, claimed_total``. Thai digits are accepted in every numeric cell. The
table is validated with pandera; the first problem is reported with its row number as a
spreadsheet shows it (the header is row 1).
"""

from __future__ import annotations

import functools
import math
import warnings
import zipfile
from pathlib import Path
from types import MappingProxyType

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from ita_lib.exceptions import InputError
from ita_lib.model.assessment import INDICATOR_KEYS, Agency, Assessment
from ita_lib.model.framework_files import available_fiscal_years
from ita_lib.text.decimals import to_decimal
from ita_lib.text.digits import to_arabic_digits

__all__ = [
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "load_results_table",
    "parse_results_frame",
    "read_table_file",
    "schema_error",
]

REQUIRED_COLUMNS = ("fiscal_year", "agency_name", "agency_type", "province", *INDICATOR_KEYS)
OPTIONAL_COLUMNS = ("itas_code", "district", "claimed_total")
_NUMERIC = ("fiscal_year", *INDICATOR_KEYS, "claimed_total")


def _cell_text(value: object) -> str | None:
    """Return a cell as stripped text, or None when it is empty."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).strip()
    return text or None


def _numbers(series: pd.Series) -> pd.Series:
    # Checks also run on a column whose coercion failed (one bad cell): compare numbers there,
    # so that the good cells of that column are not reported as bad too.
    return pd.to_numeric(series, errors="coerce")


def _schema() -> pa.DataFrameSchema:
    years = available_fiscal_years()

    def score_in_range(series: pd.Series) -> pd.Series:
        numbers = _numbers(series)
        return numbers.between(0, 100) | numbers.isna()

    def fiscal_year_known(series: pd.Series) -> pd.Series:
        numbers = _numbers(series)
        return numbers.isin(years) | numbers.isna()

    def two_decimals(series: pd.Series) -> pd.Series:
        numbers = _numbers(series)
        return ((numbers * 100).round() - numbers * 100).abs().lt(1e-6) | numbers.isna()

    score = {
        "checks": [
            pa.Check(score_in_range, name="score_range"),
            pa.Check(two_decimals, name="two_decimals"),
        ],
        "coerce": True,
    }
    columns = {
        "fiscal_year": pa.Column(
            "Int64", pa.Check(fiscal_year_known, name="known_fiscal_year"), coerce=True
        ),
        "agency_name": pa.Column(str, pa.Check.str_length(min_value=1)),
        "agency_type": pa.Column(str, nullable=True),
        "province": pa.Column(str, nullable=True),
        **{key: pa.Column(float, **score) for key in INDICATOR_KEYS},
        "itas_code": pa.Column(str, nullable=True, required=False),
        "district": pa.Column(str, nullable=True, required=False),
        "claimed_total": pa.Column(float, nullable=True, required=False, **score),
    }
    return pa.DataFrameSchema(columns, strict=True)


def read_table_file(path: Path, *, what: str = "results table") -> pd.DataFrame:
    """Read a CSV (UTF-8) or XLSX table with every cell as text; raise InputError if unreadable."""
    source = str(path)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise InputError("file not found", source=source, expected=f"a CSV or XLSX {what}")
    try:
        if suffix == ".csv":
            with warnings.catch_warnings():
                warnings.simplefilter("error", pd.errors.ParserWarning)
                frame = pd.read_csv(
                    path,
                    dtype=str,
                    keep_default_na=False,
                    encoding="utf-8-sig",
                    index_col=False,
                    skip_blank_lines=False,
                )
        elif suffix in {".xlsx", ".xlsm"}:
            frame = pd.read_excel(path, dtype=str, keep_default_na=False, engine="openpyxl")
        else:
            raise InputError(
                "unsupported file type",
                source=source,
                expected="a .csv or .xlsx file",
                found=suffix,
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
    # SyntaxError: the XML ParseError (ElementTree or lxml) of a damaged workbook part
    except (zipfile.BadZipFile, ValueError, KeyError, OSError, SyntaxError) as exc:
        raise InputError(
            f"cannot read the spreadsheet ({type(exc).__name__})",
            source=source,
            expected="an .xlsx workbook with a header row",
        ) from None
    if frame.empty:
        raise InputError("the table has no data rows", source=source, expected="one row per agency")
    return frame


def _normalise(frame: pd.DataFrame, source: str) -> pd.DataFrame:
    frame = frame.rename(columns=lambda c: str(c).strip().lower())
    unknown = [c for c in frame.columns if c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    if unknown:
        raise InputError(
            f"unknown column {unknown[0]!r}",
            source=source,
            location="header (row 1)",
            expected="columns "
            + ", ".join(REQUIRED_COLUMNS)
            + " and optionally "
            + ", ".join(OPTIONAL_COLUMNS),
        )
    duplicated = frame.columns[frame.columns.duplicated()]
    if len(duplicated):
        raise InputError(
            f"duplicate column {duplicated[0]!r}",
            source=source,
            location="header (row 1)",
            expected="each column once",
        )
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(
            "missing column(s) " + ", ".join(missing),
            source=source,
            location="header (row 1)",
            expected="columns " + ", ".join(REQUIRED_COLUMNS),
        )
    frame = frame.apply(lambda col: col.map(_cell_text))
    frame = frame.dropna(how="all")  # blank lines; the index keeps the spreadsheet row numbers
    if frame.empty:
        raise InputError("the table has no data rows", source=source, expected="one row per agency")
    for column in _NUMERIC:
        if column in frame.columns:
            frame[column] = frame[column].map(
                lambda v: None if pd.isna(v) else to_arabic_digits(v).replace(",", "")
            )
    return frame


_EXPECTED = {
    "coerce_dtype('Int64')": "a Buddhist-era year such as 2565",
    "coerce_dtype('float64')": "a number",
    "score_range": "a score from 0 to 100",
    "two_decimals": "a score with at most two decimals",
    "not_nullable": "a value (the cell is empty)",
    "str_length(1, None)": "non-empty text",
}


def schema_error(
    exc: SchemaErrors,
    frame: pd.DataFrame,
    raw: pd.DataFrame,
    source: str,
    expected_by_check: dict[str, str] | None = None,
) -> InputError:
    """Turn pandera's failures into one InputError: the first bad cell, by spreadsheet row."""
    cases = exc.failure_cases
    cases = cases[cases["index"].notna()] if cases["index"].notna().any() else cases
    order = {c: i for i, c in enumerate(frame.columns)}
    cases = cases.assign(_col=cases["column"].map(order)).sort_values(
        ["index", "_col"], kind="stable", na_position="last"
    )
    first = cases.iloc[0]
    check = str(first["check"])
    expected = {**_EXPECTED, **(expected_by_check or {})}.get(check)
    if check == "known_fiscal_year":
        expected = "a fiscal year with framework data: " + ", ".join(
            map(str, available_fiscal_years())
        )
    row = f"row {int(first['index']) + 2}" if pd.notna(first["index"]) else "table"
    location = f"{row}, column {first['column']}"
    found = first["failure_case"]
    if pd.notna(first["index"]) and first["column"] in frame.columns:
        # the cell as written (Thai digits, spaces), not the coerced number
        cell = raw.iloc[raw.index.get_loc(first["index"]), frame.columns.get_loc(first["column"])]
        found = "" if pd.isna(cell) else str(cell)
    others = len(cases.drop_duplicates(["index", "column"])) - 1  # one problem per cell
    more = f" (and {others} more problem{'s' if others > 1 else ''})" if others else ""
    message = f"invalid value ({check})" + more
    return InputError(message, source=source, location=location, expected=expected, found=found)


def load_results_table(path: str | Path) -> tuple[Assessment, ...]:
    """Read and validate a results table; return one assessment (scores only) per row.

    Parameters
    ----------
    path
        A ``.csv`` (UTF-8, optionally with a byte-order mark) or ``.xlsx`` file.

    Returns
    -------
    tuple of Assessment
        In table order; each carries ``claimed_total`` when the column is filled.

    Raises
    ------
    InputError
        For a missing, empty or unreadable file, unknown or missing columns, or a bad cell:
        the message names the row (header = row 1), the column, and what was expected.
    """
    path = Path(path)
    try:
        stat = path.stat()
    except OSError:
        return parse_results_frame(read_table_file(path), source=str(path))  # reports the problem
    # The assessments are immutable, so the same unchanged file is read once per process (a
    # batch with peers reads the national table once per worker, not once per briefing).
    return _load_unchanged(str(path), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=4)
def _load_unchanged(path: str, _mtime_ns: int, _size: int) -> tuple[Assessment, ...]:
    return parse_results_frame(read_table_file(Path(path)), source=path)


def parse_results_frame(raw: pd.DataFrame, *, source: str = "<table>") -> tuple[Assessment, ...]:
    """Validate a results table already in memory (cells as text); see :func:`load_results_table`.

    Row numbers in errors assume the frame's index counts data rows from 0 under a header
    row, as read from a file.
    """
    frame = _normalise(raw, source)
    try:
        valid = _schema().validate(frame, lazy=True)
    except SchemaErrors as exc:
        raise schema_error(exc, frame, raw, source) from None
    rows = []
    for index, row in valid.iterrows():
        claimed = row.get("claimed_total")
        rows.append(
            Assessment(
                agency=Agency(
                    name=row["agency_name"],
                    type=_cell_text(row["agency_type"]),
                    province=_cell_text(row["province"]),
                    district=_cell_text(row.get("district")),
                    itas_code=_cell_text(row.get("itas_code")),
                ),
                fiscal_year=int(row["fiscal_year"]),
                scores=MappingProxyType(
                    {n: to_decimal(frame.at[index, f"ind{n}"]) for n in range(1, 11)}
                ),
                claimed_total=None
                if claimed is None or pd.isna(claimed)
                else to_decimal(frame.at[index, "claimed_total"]),
                source_path=f"{source} row {int(index) + 2}",
            )
        )
    return tuple(rows)
