"""Load a results table (CSV or XLSX): one row per agency, the ten indicator scores.

Columns: ``fiscal_year, agency_name, agency_type, province, ind1 .. ind10`` and, optionally,
``itas_code, district, claimed_total``. Thai digits are accepted in every numeric cell. The
table is validated with pandera; the first problem is reported with its row number as a
spreadsheet shows it (the header is row 1).
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from ita_lib.exceptions import InputError
from ita_lib.model.assessment import INDICATOR_KEYS, Agency, Assessment
from ita_lib.model.framework_files import available_fiscal_years
from ita_lib.model.table_files import read_table_file
from ita_lib.text.decimals import to_decimal
from ita_lib.text.digits import to_arabic_digits
from ita_lib.text.numbers import parse_number

__all__ = [
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "cell_error",
    "load_results_table",
    "parse_results_frame",
    "parse_results_rows",
    "results_rows",
]

REQUIRED_COLUMNS = ("fiscal_year", "agency_name", "agency_type", "province", *INDICATOR_KEYS)
OPTIONAL_COLUMNS = ("itas_code", "district", "claimed_total")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
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
            frame[column] = _map_unique(frame[column], _number_text)
    return frame


def _map_unique(series: pd.Series, function: Any) -> pd.Series:
    """``series.map(function)``, calling ``function`` once per distinct value (tables of
    100,000 rows repeat their scores)."""
    uniques = series.dropna().unique()
    mapping = {value: function(value) for value in uniques}
    return series.map(mapping, na_action="ignore")


def _number_text(value: object) -> str | None:
    """A numeric cell as plain text (``"๙๒.๕๖"`` -> ``"92.56"``), or as written when it is
    not a number as :func:`~ita_lib.text.numbers.parse_number` reads one (``"1,00"``), so
    that validation reports it."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    try:
        return format(parse_number(str(value)), "f")
    except InputError:
        return to_arabic_digits(str(value))


_EXPECTED = {
    "coerce_dtype('Int64')": "a Buddhist-era year such as 2565",
    "coerce_dtype('float64')": "a number",
    "score_range": "a score from 0 to 100",
    "two_decimals": "a score with at most two decimals",
    "not_nullable": "a value (the cell is empty)",
    "str_length(1, None)": "non-empty text",
}


RowOutcome = tuple[int, "Assessment | InputError"]


def _failures(exc: SchemaErrors | None, frame: pd.DataFrame) -> pd.DataFrame:
    """Every failed cell once: index, column, check and the value as validated."""
    columns = ["index", "column", "check", "failure_case"]
    cases = pd.DataFrame(columns=columns) if exc is None else exc.failure_cases[columns]
    extra = []  # exact checks a float cannot make: a plain number, at most two decimals
    for column in (*INDICATOR_KEYS, "claimed_total"):
        if column in frame.columns:
            checks = _map_unique(frame[column], _strict_check).dropna()
            extra += [
                (index, column, check, frame.at[index, column]) for index, check in checks.items()
            ]
    if extra:
        cases = pd.concat([cases, pd.DataFrame(extra, columns=columns)], ignore_index=True)
    return cases


def _strict_check(text: object) -> str | None:
    """The check a score cell fails read as text (``1e2`` is no number here), or None."""
    if not isinstance(text, str):
        return None
    if not _PLAIN_NUMBER.fullmatch(text):
        return "coerce_dtype('float64')"
    exponent = Decimal(text).as_tuple().exponent
    return "two_decimals" if isinstance(exponent, int) and exponent < -2 else None


def cell_error(
    first: pd.Series,
    frame: pd.DataFrame,
    raw: pd.DataFrame,
    source: str,
    more: int,
    expected_by_check: Mapping[str, str] | None = None,
) -> InputError:
    """Turn one pandera failure case into an InputError naming the spreadsheet row and column.

    ``raw`` holds the cells as written (Thai digits, spaces), shown as what was found; ``more``
    counts the other bad cells; ``expected_by_check`` adds or overrides what each check expects.
    """
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
    tail = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
    message = f"invalid value ({check})" + tail
    return InputError(message, source=source, location=location, expected=expected, found=found)


def _row_errors(
    cases: pd.DataFrame, frame: pd.DataFrame, raw: pd.DataFrame, source: str
) -> dict[int, InputError]:
    """The first problem of each bad row (its ``problems``: how many cells of it are bad)."""
    order = {c: i for i, c in enumerate(frame.columns)}
    cases = cases.assign(_col=cases["column"].map(order)).sort_values(
        ["index", "_col"], kind="stable", na_position="last"
    )
    cases = cases.drop_duplicates(["index", "column"])  # one problem per cell
    whole = cases[cases["index"].isna()]
    if len(whole):  # a problem of a column, not of a row
        raise cell_error(whole.iloc[0], frame, raw, source, len(cases) - 1)
    errors: dict[int, InputError] = {}
    for index, group in cases.groupby("index", sort=True):
        errors[int(index)] = cell_error(group.iloc[0], frame, raw, source, len(group) - 1)
        errors[int(index)].problems = len(group)  # type: ignore[attr-defined]
    return errors


def _assessment(index: int, row: dict[str, object], source: str) -> Assessment:
    claimed = row.get("claimed_total")
    return Assessment(
        agency=Agency(
            name=str(row["agency_name"]),
            type=_cell_text(row["agency_type"]),
            province=_cell_text(row["province"]),
            district=_cell_text(row.get("district")),
            itas_code=_cell_text(row.get("itas_code")),
        ),
        fiscal_year=int(str(row["fiscal_year"])),
        scores=MappingProxyType({n: to_decimal(str(row[f"ind{n}"])) for n in range(1, 11)}),
        claimed_total=None if claimed is None else to_decimal(str(claimed)),
        source_path=f"{source} row {index + 2}",
    )


def results_rows(path: str | Path) -> tuple[RowOutcome, ...]:
    """Read a results table once: per data row, its assessment or the error of its first bad cell.

    A batch briefs the good rows and reports each bad one; :func:`load_results_table` wants
    them all good.

    Returns
    -------
    tuple
        ``(spreadsheet row number, Assessment or InputError)`` in table order.

    Raises
    ------
    InputError
        For a problem with the whole table: file, header, a column.
    """
    key = _file_key(path)
    if key is None:
        return parse_results_rows(read_table_file(Path(path)), source=str(path))  # reports it
    # The assessments are immutable, so the same unchanged file is read once per process (a
    # batch with peers reads the national table once per worker, not once per briefing).
    return _load_unchanged(*key)


def _file_key(path: str | Path) -> tuple[str, int, int] | None:
    """Return what tells an unchanged file (path, modification time, size); None when it
    cannot be looked at (reading it reports why)."""
    path = Path(path)
    try:
        stat = path.stat()
    except OSError:
        return None
    return str(path), stat.st_mtime_ns, stat.st_size


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
    key = _file_key(path)
    if key is None:
        return _all_good(results_rows(path))  # reports it
    # one tuple per unchanged table and process, so that what is cached by it (the peers'
    # scores, :mod:`ita_lib.analysis.peers`) is found again by the next briefing
    return _good_unchanged(*key)


@functools.lru_cache(maxsize=4)
def _good_unchanged(path: str, mtime_ns: int, size: int) -> tuple[Assessment, ...]:
    return _all_good(_load_unchanged(path, mtime_ns, size))


def _all_good(rows: tuple[RowOutcome, ...]) -> tuple[Assessment, ...]:
    """The assessments, or the first bad cell's error counting the table's other problems."""
    bad = [outcome for _, outcome in rows if isinstance(outcome, InputError)]
    if bad:
        total = sum(getattr(error, "problems", 1) for error in bad)
        raise _with_count(bad[0], total - 1) if total > 1 else bad[0]
    return tuple(outcome for _, outcome in rows)  # type: ignore[misc]


@functools.lru_cache(maxsize=4)
def _load_unchanged(path: str, _mtime_ns: int, _size: int) -> tuple[RowOutcome, ...]:
    return parse_results_rows(read_table_file(Path(path)), source=path)


def parse_results_rows(raw: pd.DataFrame, *, source: str = "<table>") -> tuple[RowOutcome, ...]:
    """Validate a table in memory (cells as text) once; see :func:`results_rows`."""
    frame = _normalise(raw, source)
    try:
        _schema().validate(frame, lazy=True)
        exc = None
    except SchemaErrors as error:
        exc = error
    errors = _row_errors(_failures(exc, frame), frame, raw, source)
    columns = list(frame.columns)
    records = frame.astype(object).where(frame.notna(), None).itertuples(name=None)
    return tuple(
        (
            int(row[0]) + 2,
            errors.get(int(row[0]))
            or _assessment(int(row[0]), dict(zip(columns, row[1:], strict=True)), source),
        )
        for row in records
    )


def _with_count(error: InputError, others: int) -> InputError:
    message = error.message.split(" (and ", 1)[0]
    tail = f" (and {others} more problem{'s' if others > 1 else ''})"
    return InputError(
        message + tail, source=error.source, location=error.location,
        expected=error.expected, found=error.found,
    )  # fmt: skip


def parse_results_frame(raw: pd.DataFrame, *, source: str = "<table>") -> tuple[Assessment, ...]:
    """Validate a results table already in memory (cells as text); see :func:`load_results_table`.

    Row numbers in errors assume the frame's index counts data rows from 0 under a header
    row, as read from a file.
    """
    return _all_good(parse_results_rows(raw, source=source))
