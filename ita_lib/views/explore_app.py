"""The explore notebook's pieces that combine views: the filtered tables, and the JupyterLab app.

:func:`explore_tables` gathers every table a selection shows (what ``ita export`` and the
notebook's ``export_xlsx`` write to one workbook); :func:`explorer` is the interactive app for
JupyterLab: filters (year, province, type, pass/fail) and the agency look-up, with interactive
tables from itables.
"""

from __future__ import annotations

import pandas as pd

from ita_lib.text.collation import thai_sorted
from ita_lib.views.agency import agency_history, find_agencies
from ita_lib.views.explore import (
    Filters,
    Selection,
    agencies,
    by_group,
    holding_back,
    overview,
    select,
    selection_summary,
)
from ita_lib.views.items import JoinedItems, failing_items
from ita_lib.views.tables import year_text

__all__ = ["explore_tables", "explorer"]

_HINT = '<p class="ita-count">เลือกปี จังหวัด ประเภท หรือผล เพื่อแสดงรายชื่อแบบค้นหาและเรียงได้</p>'


def explore_tables(
    selection: Selection, joined: JoinedItems | None = None
) -> dict[str, pd.DataFrame]:
    """Return every table of a selection by title (overview, groups, agencies, items)."""
    frame = selection.frame
    tables = {
        "ภาพรวมรายปี": overview(selection.table),
        "ตามประเภทหน่วยงาน": by_group(frame, "agency_type"),
        "ตามจังหวัด": by_group(frame, "province"),
        "หน่วยงานที่เลือก": agencies(frame),
        "เครื่องมือที่ฉุดคะแนน": holding_back(frame),
    }
    if joined is not None and not joined.frame.empty:
        tables["ข้อ OIT ที่ไม่ผ่านบ่อย"] = failing_items(joined, selection.fiscal_year)
        tables["ข้อ OIT ตามประเภท"] = failing_items(joined, selection.fiscal_year, by="agency_type")
        tables["ข้อ OIT ตามจังหวัด"] = failing_items(joined, selection.fiscal_year, by="province")
    return {title: year_text(table) for title, table in tables.items()}


def _interactive(table: pd.DataFrame) -> None:
    """Display a table with itables (search, sort, pages), its JavaScript embedded (offline)."""
    from IPython.display import HTML, display
    from itables import to_html_datatable

    html = to_html_datatable(
        year_text(table), connected=False, maxBytes=0, showIndex=False,
        lengthMenu=[10, 25, 50, 100, 500], display_logo_when_loading=False,
        columnDefs=[{"className": "dt-left", "targets": "_all"}],
    )  # fmt: skip
    display(HTML(html))


def explorer(table: pd.DataFrame):
    """Return the JupyterLab app: a filter tab and an agency look-up tab (ipywidgets).

    The filter tab answers "which agencies of province X scored below 85 this year" in two
    choices; the look-up tab shows an agency's history as soon as a name or code is typed.
    Under papermill the widgets are created but stay idle (no browser).
    """
    import ipywidgets as widgets
    from itables import init_notebook_mode

    init_notebook_mode(all_interactive=False, connected=False)  # the DataTables bundle, once
    years = sorted(int(y) for y in table["fiscal_year"].unique())

    def options(column: str) -> list[tuple[str, str]]:
        return [("ทั้งหมด", "")] + [(v, v) for v in thai_sorted(table[column].dropna().unique())]

    year = widgets.Dropdown(
        options=[(str(y), y) for y in years], value=years[-1], description="ปีงบประมาณ"
    )
    province = widgets.Dropdown(options=options("province"), description="จังหวัด")
    agency_type = widgets.Dropdown(options=options("agency_type"), description="ประเภท")
    status = widgets.Dropdown(
        options=[("ทั้งหมด", ""), ("ต่ำกว่า 85", "fail"), ("ผ่าน 85", "pass")], description="ผล"
    )
    summary = widgets.HTML(str(selection_summary(select(table))) + _HINT)
    out = widgets.Output()

    def redraw(_change: object = None) -> None:
        chosen = select(table, Filters(year.value, province.value, agency_type.value, status.value))
        summary.value = str(selection_summary(chosen))
        out.clear_output()
        with out:
            _interactive(agencies(chosen.frame))

    # Nothing is drawn into the output before the first choice: under papermill (no browser) a
    # display captured by an Output widget while the cell runs can stall the run.
    for w in (year, province, agency_type, status):
        w.observe(redraw, names="value")
    query, found = _look_up_widgets(table)
    filters = widgets.VBox(
        [widgets.HBox([year, status]), widgets.HBox([province, agency_type]), summary, out]
    )
    tabs = widgets.Tab([filters, widgets.VBox([query, found])])
    tabs.set_title(0, "กรองหน่วยงาน")
    tabs.set_title(1, "ค้นหาหน่วยงาน")
    return tabs


def _look_up_widgets(table: pd.DataFrame):
    """Return the look-up tab's text box and output: an agency's history as soon as it is typed."""
    import ipywidgets as widgets
    from IPython.display import display

    from ita_lib.views.agency import history_chart

    query = widgets.Text(
        placeholder="ชื่อหรือรหัส ITAS เช่น บึงกระจับ", description="ค้นหา", continuous_update=False
    )
    found = widgets.Output()

    def look_up(_change: object = None) -> None:
        found.clear_output()
        with found:
            matches = find_agencies(table, query.value)
            display(selection_summary_text(len(matches), query.value))
            if len(matches):
                history = agency_history(table, query.value)
                display(history_chart(history, synthetic=bool(table["synthetic"].any())))
                _interactive(history)
                _interactive(matches)

    query.observe(look_up, names="value")
    return query, found


def selection_summary_text(count: int, query: str):
    """Say how many agencies match a look-up (the first one's history is shown)."""
    from ita_lib.render.briefing import render_fragment

    text = f"พบ {count:,} หน่วยงานที่ชื่อหรือรหัสมีคำว่า “{query}”" + (
        " · แสดงประวัติของรายการแรก" if count > 1 else ""
    )
    return render_fragment("count.html.j2", text=text)
