"""What every analyst view shares: tables that say "N of M" and download, Thai order, charts.

A table is shown whole up to a row limit; past it the page shows the first rows and says so
("แสดง 20 จาก 4,123 แถว"), and the Excel and CSV links always hold every row. Columns of years
are text, so that 2565 never reads "2,565".
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from matplotlib.figure import Figure

from ita_lib.render.briefing import HTMLFragment, chart_fragment, render_fragment, table_fragment
from ita_lib.render.charts import NO_MATH, register_thai_font
from ita_lib.render.downloads import chart_files, chart_links, download_links
from ita_lib.text.collation import thai_key

__all__ = ["YEAR", "chart", "chart_style", "new_figure", "show_table", "thai_sort", "year_text"]

YEAR = "ปีงบประมาณ"


def year_text(frame: pd.DataFrame, column: str = YEAR) -> pd.DataFrame:
    """Return a copy whose year column is text (``2565``, never ``2,565``)."""
    out = frame.copy()
    if column in out.columns:
        out[column] = out[column].map(lambda v: "" if pd.isna(v) else str(int(v)))
    return out


def thai_sort(
    frame: pd.DataFrame, by: Sequence[str], *, ascending: bool | Sequence[bool] = True
) -> pd.DataFrame:
    """Sort a table with Thai collation for its text columns (numbers sort as numbers)."""

    def key(series: pd.Series) -> pd.Series:
        if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
            return series
        return series.map(thai_key)

    return frame.sort_values(list(by), ascending=ascending, key=key, kind="stable")


def show_table(
    frame: pd.DataFrame, title: str, *, limit: int | None = None, index: bool = False
) -> HTMLFragment:
    """Render a table with its title, "N of M" when cut at ``limit``, and Excel/CSV links.

    Parameters
    ----------
    frame
        The whole table.
    title
        Caption and file name.
    limit
        Rows shown on the page (None: all). The downloads always hold every row.
    index
        Show the frame's index as the first column.
    """
    table = frame.reset_index() if index else frame
    table = year_text(table)
    shown = table if limit is None else table.head(limit)
    count = (
        f"แสดง {len(shown):,} จาก {len(table):,} แถว (ไฟล์ที่ดาวน์โหลดมีครบทุกแถว)"
        if len(shown) < len(table)
        else f"{len(table):,} แถว"
    )
    return HTMLFragment(
        render_fragment("count.html.j2", text=count)
        + table_fragment(shown, caption=title, index=False)
        + download_links(table, title)
    )


def new_figure(rows: int, *, width: float = 8.0, per_row: float = 0.32) -> Figure:
    """Return a constrained-layout figure tall enough for ``rows`` labelled rows."""
    return Figure(figsize=(width, max(per_row * rows + 1.6, 3.0)), layout="constrained")


def chart_style() -> dict[str, object]:
    """Return the matplotlib settings of the analyst charts (Thai font first)."""
    return {"font.family": [register_thai_font(), "DejaVu Sans"], "font.size": 10, **NO_MATH}


def chart(fig: Figure, *, title: str, alt: str, caption: str) -> HTMLFragment:
    """Embed a figure (PNG) with alt text and caption, and links to it as PNG and SVG."""
    files = chart_files(fig)
    return HTMLFragment(chart_fragment(files.png, alt, caption) + chart_links(files, title))
