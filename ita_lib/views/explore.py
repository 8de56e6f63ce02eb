"""Views of many agencies for analysts (``notebooks/explore.ipynb``).

Every function takes a results frame (:func:`ita_lib.analysis.peers.results_frame`) and returns a new
table, an HTML fragment or PNG bytes; nothing is mutated. A frame that holds synthetic rows is
marked as such in every table caption and chart title.
"""

from __future__ import annotations

import matplotlib as mpl
import pandas as pd
from matplotlib.figure import Figure

from ita_lib.analysis.peers import results_frame
from ita_lib.exceptions import InputError
from ita_lib.model.results_table import load_results_table, parse_results_frame
from ita_lib.model.synthetic import synthetic_results_table
from ita_lib.render.briefing import HTMLFragment, chart_fragment, synthetic_notice
from ita_lib.render.briefing import table_fragment as show
from ita_lib.render.charts import NO_MATH, figure_png, register_thai_font

__all__ = [
    "SYNTHETIC_PREFIX",
    "below_pass_mark",
    "by_group",
    "distribution_chart",
    "distribution_chart_png",
    "filter_frame",
    "filter_widget",
    "holding_back",
    "load_results",
    "notice",
    "overview",
    "show",
]

SYNTHETIC_PREFIX = "synthetic:"
_PASS_MARK = 85.0


def load_results(reference: str) -> pd.DataFrame:
    """Load a results table and score every row by its fiscal year's rules.

    Parameters
    ----------
    reference
        A CSV/XLSX path, or ``synthetic:<fiscal_year>`` (optionally ``synthetic:<fy>:<rows>``)
        for the seeded synthetic national table (every row marked synthetic).

    Returns
    -------
    pandas.DataFrame
        See :func:`ita_lib.analysis.peers.results_frame`.
    """
    if reference.startswith(SYNTHETIC_PREFIX):
        parts = reference.removeprefix(SYNTHETIC_PREFIX).split(":")
        try:
            year = int(parts[0])
            rows = int(parts[1]) if len(parts) > 1 else None
            table = synthetic_results_table(rows, fiscal_year=year, seed=0)
        except (ValueError, IndexError) as exc:
            raise InputError(
                str(exc), location="results_table",
                expected="synthetic:<fiscal year>[:<rows>], e.g. synthetic:2565", found=reference,
            ) from None  # fmt: skip
        return results_frame(parse_results_frame(table, source=reference))
    return results_frame(load_results_table(reference))


def filter_frame(frame: pd.DataFrame, *, agency_type: str = "", province: str = "") -> pd.DataFrame:
    """Return the rows of one agency type and/or province (empty strings keep all)."""
    keep = pd.Series(True, index=frame.index)
    if agency_type:
        keep &= frame["agency_type"] == agency_type
    if province:
        keep &= frame["province"] == province
    return frame[keep].copy()


def _mark(frame: pd.DataFrame) -> str:
    return " (ข้อมูลสังเคราะห์)" if bool(frame["synthetic"].any()) else ""


def notice(frame: pd.DataFrame) -> HTMLFragment:
    """Return a banner saying the data are synthetic, or nothing for real data."""
    return synthetic_notice(bool(frame["synthetic"].any()))


def overview(frame: pd.DataFrame) -> pd.DataFrame:
    """Summarise a frame per fiscal year: agencies, mean and median total, share passing."""
    grouped = frame.groupby("fiscal_year")
    table = pd.DataFrame(
        {
            "หน่วยงาน": grouped.size(),
            "คะแนนเฉลี่ย": grouped["total"].mean().round(2),
            "มัธยฐาน": grouped["total"].median().round(2),
            "ผ่านเกณฑ์ (%)": (grouped["passed"].mean() * 100).round(1),
        }
    )
    table.index.name = "ปีงบประมาณ" + _mark(frame)
    return table


def by_group(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """Summarise totals by agency type or province, lowest mean first."""
    grouped = frame.groupby(column)
    table = pd.DataFrame(
        {
            "หน่วยงาน": grouped.size(),
            "คะแนนเฉลี่ย": grouped["total"].mean().round(2),
            "ต่ำสุด": grouped["total"].min(),
            "สูงสุด": grouped["total"].max(),
            "ผ่านเกณฑ์ (%)": (grouped["passed"].mean() * 100).round(1),
        }
    ).sort_values(["คะแนนเฉลี่ย", "หน่วยงาน"], kind="stable")
    table.index.name = {"agency_type": "ประเภทหน่วยงาน", "province": "จังหวัด"}.get(column, column)
    table.index.name += _mark(frame)
    return table


def below_pass_mark(frame: pd.DataFrame, *, limit: int = 20) -> pd.DataFrame:
    """List the agencies below the pass mark, furthest below first, with the gap to 85."""
    below = frame[frame["total"] < _PASS_MARK].copy()
    below["ห่างจากเกณฑ์"] = (_PASS_MARK - below["total"]).round(2)
    below = below.sort_values(["total", "agency_name"], kind="stable").head(limit)
    table = below[["agency_name", "agency_type", "province", "total", "rating", "ห่างจากเกณฑ์"]]
    table = table.rename(
        columns={
            "agency_name": "หน่วยงาน" + _mark(frame),
            "agency_type": "ประเภท",
            "province": "จังหวัด",
            "total": "คะแนนรวม",
            "rating": "ระดับ",
        }
    )
    return table.reset_index(drop=True)


def holding_back(frame: pd.DataFrame) -> pd.DataFrame:
    """Show which instrument holds agencies back: the one losing most weighted points.

    For each agency the weighted points lost are ``weight x (100 - score)`` per instrument
    (weights 0.30/0.30/0.40); the table counts the agencies whose largest loss is each
    instrument and the mean loss per instrument.
    """
    weights = {"IIT": 0.30, "EIT": 0.30, "OIT": 0.40}
    lost = pd.DataFrame({code: (100 - frame[code]) * w for code, w in weights.items()})
    worst = lost.idxmax(axis=1)
    table = pd.DataFrame(
        {
            "หน่วยงานที่เสียคะแนนมากที่สุดที่เครื่องมือนี้": worst.value_counts().reindex(
                list(weights), fill_value=0
            ),
            "คะแนนถ่วงน้ำหนักที่เสียเฉลี่ย": lost.mean().round(2),
            "ต่ำกว่า 85 (หน่วยงาน)": pd.Series(
                {code: int((frame[code] < _PASS_MARK).sum()) for code in weights}
            ),
        }
    )
    table.index.name = "เครื่องมือ" + _mark(frame)
    return table


def distribution_chart_png(
    frame: pd.DataFrame, *, column: str = "agency_type", top: int = 8
) -> bytes:
    """Draw the distribution of totals per group (box plots) against the pass mark; PNG bytes.

    Only the ``top`` largest groups are drawn, so the chart stays readable.
    """
    family = register_thai_font()
    sizes = frame[column].value_counts().head(top)
    groups = list(sizes.index)
    data = [frame.loc[frame[column] == g, "total"].to_numpy() for g in groups]
    with mpl.rc_context({"font.family": [family, "DejaVu Sans"], "font.size": 10, **NO_MATH}):
        fig = Figure(figsize=(8, 0.5 * len(groups) + 1.5), layout="constrained")
        ax = fig.subplots()
        ax.boxplot(
            data, orientation="horizontal", tick_labels=[f"{g} ({sizes[g]:,})" for g in groups]
        )
        ax.axvline(_PASS_MARK, color="#b3261e", linestyle="--", linewidth=1)
        ax.set_xlabel("คะแนนรวม")
        ax.invert_yaxis()
        ax.set_title("การกระจายของคะแนนรวม" + _mark(frame), loc="left", fontweight="bold")
        ax.spines[["top", "right"]].set_visible(False)
        return figure_png(fig, dpi=110)


def distribution_chart(frame: pd.DataFrame, *, column: str = "agency_type") -> HTMLFragment:
    """Embed :func:`distribution_chart_png` as a figure with alt text and a caption."""
    png = distribution_chart_png(frame, column=column)
    passed = float(frame["passed"].mean() * 100) if len(frame) else 0.0
    alt = f"แผนภาพกล่องของคะแนนรวม {len(frame):,} หน่วยงาน ผ่านเกณฑ์ร้อยละ {passed:.1f}"
    caption = "กล่อง: ครึ่งกลางของหน่วยงาน · เส้นกลางกล่อง: มัธยฐาน · เส้นประสีแดง: เกณฑ์ผ่าน 85" + _mark(
        frame
    )
    return chart_fragment(png, alt, caption)


def filter_widget(frame: pd.DataFrame):
    """Return widgets to filter by agency type and province, for JupyterLab.

    Changing a drop-down redraws the overview and the agencies below the pass mark for the
    chosen group. Under papermill the widgets are created but, having no browser, stay idle;
    the static sections of the notebook show the unfiltered views.
    """
    import ipywidgets as widgets
    from IPython.display import display

    def options(column: str) -> list[tuple[str, str]]:
        return [("ทั้งหมด", "")] + [(v, v) for v in sorted(frame[column].dropna().unique())]

    agency_type = widgets.Dropdown(options=options("agency_type"), description="ประเภท")
    province = widgets.Dropdown(options=options("province"), description="จังหวัด")
    output = widgets.Output()

    def redraw(_change: object = None) -> None:
        view = filter_frame(frame, agency_type=agency_type.value, province=province.value)
        output.clear_output()
        with output:
            display(overview(view), below_pass_mark(view))

    agency_type.observe(redraw, names="value")
    province.observe(redraw, names="value")
    redraw()
    return widgets.VBox([widgets.HBox([agency_type, province]), output])
