"""Read a results table row by row, so that a bad row fails only its own agency.

:func:`ita_lib.model.results_table.load_results_table` wants every row good; a batch wants
every good row and, for every bad row, its own error, from one reading of the table.
"""

from __future__ import annotations

from pathlib import Path

from ita_lib.exceptions import InputError
from ita_lib.model.assessment import Assessment
from ita_lib.model.results_table import results_rows

__all__ = ["MAX_BAD_ROWS", "load_table_rows"]

MAX_BAD_ROWS = 100_000  # a table is validated once, so every bad row is reported


def load_table_rows(path: Path) -> list[tuple[int, Assessment | InputError]]:
    """Load a results table row by row: good rows as assessments, bad rows as their error.

    The table is read and validated once (:func:`ita_lib.model.results_table.results_rows`);
    each bad row carries the error of its first bad cell, so it fails only its own agency.

    Raises
    ------
    InputError
        For a problem with the whole table (file, header).
    """
    return list(results_rows(path))
