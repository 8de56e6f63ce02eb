"""Load an item results table: which OIT items each agency passed, per fiscal year.

A results table holds indicator scores only; NACC's OIT is scored item by item (each item 100
or 0, :func:`ita_lib.analysis.scoring.oit_rollup`). The item results table holds those items in
long form, one row per agency, fiscal year and item:

``fiscal_year, itas_code, item, passed`` (or ``agency_name`` instead of, or beside,
``itas_code``: agencies are matched by ITAS code when the row has one, else by name).

- ``item``: an OIT item code of that year's catalogue, written as agencies write it (``o12``,
  ``O12``, ``0๑๒``); stored normalised (``o12``).
- ``passed``: ``1``/``0``, ``true``/``false``, ``yes``/``no``, ``ผ่าน``/``ไม่ผ่าน`` (Thai digits
  accepted).

The table is validated with pandera like the results table (:mod:`ita_lib.model.results_table`):
the first problem is reported with its row as a spreadsheet numbers it (the header is row 1).
Only years whose framework has an OIT item catalogue (FY2564, FY2565) can hold item results.
"""

from __future__ import annotations

import math
import re
import unicodedata
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from ita_lib.exceptions import InputError
from ita_lib.model.framework_files import available_fiscal_years, load_framework
from ita_lib.model.results_table import cell_error
from ita_lib.model.table_files import read_table_file
from ita_lib.text.codes import normalize_item_code
from ita_lib.text.digits import to_arabic_digits

__all__ = [
    "ITEM_COLUMNS",
    "agency_key",
    "item_catalogue_years",
    "load_item_results",
    "parse_item_results",
]


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
    others = len(cases.drop_duplicates(["index", "column"])) - 1  # one problem per cell
    return cell_error(cases.iloc[0], frame, raw, source, others, expected_by_check)


def _missing(value: object) -> bool:
    """Return whether a cell is empty: None or a float NaN."""
    return value is None or (isinstance(value, float) and math.isnan(value))


ITEM_COLUMNS = ("fiscal_year", "itas_code", "agency_name", "item", "passed")
_TRUE = {"1", "true", "yes", "y", "pass", "passed", "ผ่าน", "✓"}
_FALSE = {"0", "false", "no", "n", "fail", "failed", "ไม่ผ่าน", "✗"}


def item_catalogue_years() -> tuple[int, ...]:
    """Return the fiscal years whose framework lists the OIT items (item results possible)."""
    return tuple(y for y in available_fiscal_years() if load_framework(y).oit_rollup_known)


def agency_key(itas_code: object, agency_name: object) -> str:
    """Return the key that matches an agency across tables: its ITAS code, else its name.

    Names are compared without white space, in Unicode NFC (as :func:`ita_lib.analysis.peers.same_agency`).
    """
    code = "" if _missing(itas_code) else str(itas_code).strip()
    if code:
        return "code:" + code
    name = "" if _missing(agency_name) else str(agency_name)
    return "name:" + re.sub(r"\s+", "", unicodedata.normalize("NFC", name))


def _passed(value: object) -> object:
    text = to_arabic_digits(str(value)).strip().casefold() if value is not None else ""
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return value  # left for the schema to report


def _schema(catalogues: dict[int, frozenset[str]], years: pd.Series) -> pa.DataFrameSchema:
    """The schema; ``years`` (the rows' fiscal years, as numbers) tells each item's catalogue."""

    def known_item(items: pd.Series) -> pd.Series:
        row_years = years.reindex(items.index)
        return pd.Series(
            [
                code is not None and (_missing(y) or code in catalogues.get(int(y), frozenset()))
                for y, code in zip(row_years, items, strict=True)
            ],
            index=items.index,
        )

    return pa.DataFrameSchema(
        {
            "fiscal_year": pa.Column(
                "Int64",
                pa.Check(
                    lambda s: years.reindex(s.index).isin(list(catalogues)), name="catalogue_year"
                ),
                coerce=True,
            ),
            "itas_code": pa.Column(str, nullable=True, required=False),
            "agency_name": pa.Column(str, nullable=True, required=False),
            "item": pa.Column(
                None, pa.Check(known_item, name="known_item", ignore_na=False), nullable=True
            ),
            "passed": pa.Column(
                None,
                pa.Check(lambda s: s.map(lambda v: v is True or v is False), name="passed_value"),
            ),
        },
        strict=True,
    )


def _normalise(raw: pd.DataFrame, source: str) -> pd.DataFrame:
    frame = raw.rename(columns=lambda c: str(c).strip().lower())
    unknown = [c for c in frame.columns if c not in ITEM_COLUMNS]
    if unknown or frame.columns.duplicated().any():
        raise InputError(
            f"unknown or repeated column {(unknown or list(frame.columns))[0]!r}",
            source=source, location="header (row 1)",
            expected="columns fiscal_year, itas_code and/or agency_name, item, passed",
        )  # fmt: skip
    missing = [c for c in ("fiscal_year", "item", "passed") if c not in frame.columns]
    if missing or not {"itas_code", "agency_name"} & set(frame.columns):
        raise InputError(
            "missing column(s) " + ", ".join(missing or ["itas_code or agency_name"]),
            source=source, location="header (row 1)",
            expected="columns fiscal_year, itas_code and/or agency_name, item, passed",
        )  # fmt: skip
    frame = frame.apply(lambda col: col.map(_text)).dropna(how="all")
    if frame.empty:
        raise InputError("the table has no data rows", source=source, expected="one row per item")
    frame["fiscal_year"] = frame["fiscal_year"].map(
        lambda v: None if v is None else to_arabic_digits(v)
    )
    frame["item"] = frame["item"].map(lambda v: None if v is None else normalize_item_code(v))
    frame["passed"] = frame["passed"].map(_passed)
    return frame


def _text(value: object) -> str | None:
    if _missing(value):
        return None
    text = str(value).strip()
    return text or None


_EXPECTED = {
    "known_item": "an OIT item of that fiscal year's catalogue (o1 to o43 in FY2564-2565)",
    "passed_value": "1/0, true/false, yes/no or ผ่าน/ไม่ผ่าน",
}


def parse_item_results(raw: pd.DataFrame, *, source: str = "<item table>") -> pd.DataFrame:
    """Validate item results already in memory; see :func:`load_item_results`.

    Row numbers in errors assume the frame's index counts data rows from 0 under a header.
    """
    catalogues = {
        y: frozenset(i.code for i in load_framework(y).oit_items()) for y in item_catalogue_years()
    }
    frame = _normalise(raw, source)
    try:
        years = pd.to_numeric(frame["fiscal_year"], errors="coerce")
        valid = _schema(catalogues, years).validate(frame, lazy=True)
    except SchemaErrors as exc:
        expected = dict(_EXPECTED)
        expected["catalogue_year"] = "a fiscal year with an OIT item catalogue: " + ", ".join(
            map(str, catalogues)
        )
        raise schema_error(exc, frame, raw, source, expected) from None
    names = valid["agency_name"] if "agency_name" in valid else pd.Series(None, index=valid.index)
    codes = valid["itas_code"] if "itas_code" in valid else pd.Series(None, index=valid.index)
    keys = [agency_key(c, n) for c, n in zip(codes, names, strict=True)]
    result = pd.DataFrame(
        {
            "fiscal_year": valid["fiscal_year"].astype(int),
            "agency_key": keys,
            "item": valid["item"].astype(str),
            "passed": valid["passed"].astype(bool),
        }
    )
    repeated = result.duplicated(["fiscal_year", "agency_key", "item"])
    if repeated.any():
        index = result.index[repeated.to_numpy()][0]
        raise InputError(
            "the same agency, year and item twice",
            source=source, location=f"row {int(index) + 2}",
            expected="one row per agency, fiscal year and item",
            found=f"{result.at[index, 'agency_key'].split(':', 1)[1]} {result.at[index, 'item']}",
        )  # fmt: skip
    return result.reset_index(drop=True)


def load_item_results(path: str | Path) -> pd.DataFrame:
    """Read and validate an item results table (CSV or XLSX).

    Parameters
    ----------
    path
        A ``.csv`` (UTF-8) or ``.xlsx`` file in the format of this module's description.

    Returns
    -------
    pandas.DataFrame
        Columns ``fiscal_year`` (int), ``agency_key`` (``code:<ITAS code>`` or
        ``name:<name without spaces>``, see :func:`agency_key`), ``item`` (normalised code) and
        ``passed`` (bool), in table order.

    Raises
    ------
    InputError
        For an unreadable file, unknown or missing columns, a bad cell (its row and column), an
        item not in the year's catalogue, or an agency, year and item given twice.
    """
    return parse_item_results(read_table_file(Path(path)), source=str(path))
