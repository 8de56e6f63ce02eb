"""Write analyst tables to one Excel workbook (``ita export``, the explore notebook's ``export_xlsx``)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from ita_lib.exceptions import InputError
from ita_lib.log import logger
from ita_lib.render.downloads import workbook_bytes

__all__ = ["write_workbook"]


def write_workbook(path: str | Path, tables: Mapping[str, pd.DataFrame]) -> Path:
    """Write ``tables`` (title -> table) to ``path`` as one .xlsx, atomically; return the path.

    Raises
    ------
    InputError
        When the path does not end in ``.xlsx`` or its folder cannot be written.
    """
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise InputError(
            "not an Excel file name", source=str(path), expected="a path ending in .xlsx"
        )
    data = workbook_bytes(tables)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        Path(tmp).replace(path)
    except OSError as exc:
        raise InputError(f"cannot write the workbook ({exc.strerror})", source=str(path)) from None
    logger.info("wrote %d tables to %s", len(tables), path)
    return path
