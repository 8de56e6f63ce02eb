"""Read a results table row by row, so that a bad row fails only its own agency.

The table loader (:func:`ita_lib.model.results_table.load_results_table`) stops at the first
bad cell; a batch wants every good row and, for every bad row, its own error.
"""

from __future__ import annotations

import csv
import re
import tempfile
from dataclasses import replace
from pathlib import Path

import pandas as pd

from ita_lib.exceptions import InputError
from ita_lib.model.assessment import Assessment
from ita_lib.model.results_table import load_results_table

__all__ = ["MAX_BAD_ROWS", "load_table_rows"]

MAX_BAD_ROWS = 100
_ROW_LOCATION = re.compile(r"^row (\d+)\b")
_MORE_PROBLEMS = re.compile(r" \(and \d+ more problems?\)")


def _row_of(assessment: Assessment) -> int:
    """Return the spreadsheet row number the table loader put in ``source_path``."""
    return int(str(assessment.source_path).rsplit(" row ", 1)[1])


def _read_records(path: Path) -> tuple[list[str], list[list[str]]]:
    """Read a results table as text cells (header, data rows), as the loader reads it."""
    if path.suffix.lower() == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
        return rows[0], rows[1:]
    frame = pd.read_excel(path, dtype=str, keep_default_na=False, engine="openpyxl")
    return [str(c) for c in frame.columns], frame.astype(str).values.tolist()


def _named_by(error: InputError, path: Path) -> InputError:
    """Return ``error`` named by the original table, not the trial copy."""
    return InputError(
        _MORE_PROBLEMS.sub("", error.message),
        source=str(path),
        location=error.location,
        expected=error.expected,
        found=error.found,
    )


def _write_blanked(trial: Path, header: list[str], records: list[list[str]], bad: set[int]) -> None:
    """Write the table to ``trial`` with the ``bad`` rows blanked (row numbers are kept)."""
    with trial.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for number, record in enumerate(records, start=2):
            writer.writerow([""] * len(header) if number in bad else record)


def load_table_rows(path: Path) -> list[tuple[int, Assessment | InputError]]:
    """Load a results table row by row: good rows as assessments, bad rows as their error.

    The table loader stops at the first bad cell. Then the table is loaded again with the
    bad rows blanked (blank rows keep the others' row numbers) until every bad row is known.

    Raises
    ------
    InputError
        For a problem with the whole table (file, header), or more than MAX_BAD_ROWS bad rows.
    """
    try:
        return [(_row_of(a), a) for a in load_results_table(path)]
    except InputError as exc:
        first = exc
    if not _ROW_LOCATION.match(first.location or ""):
        raise first
    header, records = _read_records(path)
    bad: dict[int, InputError] = {}
    good: tuple[Assessment, ...] = ()
    error: InputError | None = first
    with tempfile.TemporaryDirectory(prefix="ita-table-") as work:
        trial = Path(work) / "rows.csv"
        while error is not None:
            match = _ROW_LOCATION.match(error.location or "")
            here = _named_by(error, path)
            if match is None or int(match.group(1)) in bad:
                raise here
            bad[int(match.group(1))] = here
            if len(bad) > MAX_BAD_ROWS:
                raise InputError(
                    f"more than {MAX_BAD_ROWS} rows have problems; fix the table first "
                    f"(first: {first.location}: {_MORE_PROBLEMS.sub('', first.message)})",
                    source=str(path),
                    expected="one valid row per agency",
                )
            if len(bad) == len(records):
                break
            _write_blanked(trial, header, records, set(bad))
            try:
                good, error = load_results_table(trial), None
            except InputError as exc:
                error = exc
    rows: list[tuple[int, Assessment | InputError]] = list(bad.items())
    if len(bad) < len(records):  # the rows that loaded, named by the original table
        rows += [(_row_of(a), replace(a, source_path=f"{path} row {_row_of(a)}")) for a in good]
    return sorted(rows, key=lambda item: item[0])
