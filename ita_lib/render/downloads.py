"""Tables and charts as files: CSV, Excel, PNG and SVG bytes, and links that download them.

Links are ``data:`` URIs with a ``download`` name, so they work in JupyterLab and in the
exported HTML page alike, without scripts or a server. Every file is deterministic: the same
table gives the same bytes (XlsxWriter with fixed document dates, SVG without dates or random
ids), so exported pages stay byte-identical.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
from collections.abc import Mapping
from typing import NamedTuple

import matplotlib as mpl
import pandas as pd
from matplotlib.figure import Figure

from ita_lib.render.briefing import HTMLFragment, render_fragment
from ita_lib.render.charts import figure_png

__all__ = [
    "ChartFiles",
    "chart_files",
    "chart_links",
    "csv_bytes",
    "download_links",
    "file_stem",
    "workbook_bytes",
]

_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FIXED_DATE = dt.datetime(2000, 1, 1, tzinfo=dt.UTC).replace(tzinfo=None)


def file_stem(title: str) -> str:
    """Return a file name stem for a title: Thai and Latin letters kept, spaces as ``-``."""
    stem = re.sub(r"[^\w\u0e00-\u0e7f]+", "-", title).strip("-")
    return stem[:80] or "table"


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """Return a table as UTF-8 CSV with a byte-order mark (Excel then reads Thai correctly)."""
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8-sig")


def _sheet_name(name: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", " ", name)[:28] or "sheet"
    candidate, n = base, 2
    while candidate.casefold() in used:
        candidate, n = f"{base[:25]} {n}", n + 1
    used.add(candidate.casefold())
    return candidate


def workbook_bytes(tables: Mapping[str, pd.DataFrame]) -> bytes:
    """Return an .xlsx workbook with one sheet per table (sheet names from the keys).

    Parameters
    ----------
    tables
        Sheet title -> table. Titles are shortened to Excel's 31 characters and made unique.

    Returns
    -------
    bytes
        The workbook; the same tables give the same bytes.
    """
    buffer = io.BytesIO()
    used: set[str] = set()
    with pd.ExcelWriter(buffer, engine="xlsxwriter") as writer:
        writer.book.set_properties({"created": _FIXED_DATE})
        for title, frame in tables.items():
            sheet = _sheet_name(title, used)
            frame.to_excel(writer, sheet_name=sheet, index=False)
            widths = [max([len(str(c)), *(len(str(v)) for v in frame[c].head(200))]) for c in frame]
            for k, width in enumerate(widths):
                writer.sheets[sheet].set_column(k, k, min(max(width + 2, 8), 60))
    return buffer.getvalue()


def _link(data: bytes, mime: str, name: str, label: str) -> dict[str, str]:
    uri = f"data:{mime};base64," + base64.b64encode(data).decode("ascii")
    return {"href": uri, "name": name, "label": label}


def download_links(frame: pd.DataFrame, title: str) -> HTMLFragment:
    """Return links that download a table as Excel (.xlsx) and CSV.

    Parameters
    ----------
    frame
        The whole table (every row, also those a page shows only the first of).
    title
        The table's title: the file names and the workbook's sheet name.
    """
    stem = file_stem(title)
    links = [
        _link(workbook_bytes({title: frame}), _XLSX, f"{stem}.xlsx", "Excel"),
        _link(csv_bytes(frame), "text/csv", f"{stem}.csv", "CSV"),
    ]
    return render_fragment("downloads.html.j2", links=links, label="ดาวน์โหลดตาราง")


class ChartFiles(NamedTuple):
    """A chart as PNG and SVG bytes."""

    png: bytes
    svg: bytes


def chart_files(fig: Figure, *, dpi: int = 110) -> ChartFiles:
    """Return a figure as PNG and SVG bytes, both free of dates and random ids."""
    buffer = io.StringIO()
    with mpl.rc_context({"svg.hashsalt": "ita_lib", "svg.fonttype": "none"}):
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return ChartFiles(figure_png(fig, dpi=dpi), buffer.getvalue().encode("utf-8"))


def chart_links(files: ChartFiles, title: str) -> HTMLFragment:
    """Return links that download a chart as PNG and SVG."""
    stem = file_stem(title)
    links = [
        _link(files.png, "image/png", f"{stem}.png", "PNG"),
        _link(files.svg, "image/svg+xml", f"{stem}.svg", "SVG"),
    ]
    return render_fragment("downloads.html.j2", links=links, label="ดาวน์โหลดแผนภูมิ")
