"""Look an agency up in a results frame and show its history (``notebooks/explore.ipynb``).

Search is partial and Thai-aware: the query and the names are compared in Unicode NFC without
white space or case, so ``บึงกระจับ`` finds ``องค์การบริหารส่วนตำบลบึงกระจับ``; a query that is an
ITAS code (or part of one) matches codes too. The history gives each year's rating in that
year's own scale and, where the scales differ, translated to the latest year's scale
(:func:`ita_lib.analysis.crosswalk.rerate`, marked as a translation).
"""

from __future__ import annotations

import re
import unicodedata
from types import MappingProxyType

import matplotlib as mpl
import pandas as pd

from ita_lib.analysis.peers import trend
from ita_lib.model.assessment import Agency, Assessment
from ita_lib.render.briefing import HTMLFragment
from ita_lib.text.decimals import to_decimal
from ita_lib.views.explore import PASS_MARK, agencies
from ita_lib.views.tables import YEAR, chart, chart_style, new_figure, thai_sort

__all__ = ["agency_history", "find_agencies", "history_chart"]


def _fold(text: object) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", str(text or ""))).casefold()


def find_agencies(table: pd.DataFrame, query: str) -> pd.DataFrame:
    """Return the agencies whose name or ITAS code contains ``query`` (latest row of each).

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`ita_lib.views.explore.agencies`, one row per agency (its latest
        fiscal year), in Thai order of the name; empty for an empty query.
    """
    needle = _fold(query)
    if not needle:
        return agencies(table.iloc[0:0])
    names = table["agency_name"].map(_fold)
    codes = table["itas_code"].map(_fold)
    hits = table[names.str.contains(needle, regex=False) | codes.str.contains(needle, regex=False)]
    key = hits["itas_code"].fillna("") + "|" + hits["agency_name"].map(_fold)
    latest = hits.loc[hits.assign(_k=key).groupby("_k")["fiscal_year"].idxmax()]
    return thai_sort(agencies(latest), ["หน่วยงาน", "รหัส ITAS"]).reset_index(drop=True)


def _assessment(row: pd.Series) -> Assessment:
    agency = Agency(
        name=row["agency_name"], type=row["agency_type"], province=row["province"],
        itas_code=row["itas_code"] if isinstance(row["itas_code"], str) else None,
    )  # fmt: skip
    scores = {n: to_decimal(f"{row[f'ind{n}']:.2f}") for n in range(1, 11)}
    return Assessment(
        agency=agency, fiscal_year=int(row["fiscal_year"]), scores=MappingProxyType(scores)
    )


def agency_history(table: pd.DataFrame, query: str) -> pd.DataFrame:
    """Return one agency's results over the fiscal years, oldest first.

    Parameters
    ----------
    table
        A results frame of one or more years.
    query
        A name, part of one, or an ITAS code; the first agency :func:`find_agencies` returns.

    Returns
    -------
    pandas.DataFrame
        ``ปีงบประมาณ, หน่วยงาน, IIT, EIT, OIT, คะแนนรวม, ระดับ (เกณฑ์ของปีนั้น), ผลการประเมิน,
        ระดับตามเกณฑ์ปีล่าสุด`` (the last column filled, with ``*``, only where the year's scale
        differs from the latest year's); empty when nothing matches.
    """
    found = find_agencies(table, query)
    columns = [YEAR, "หน่วยงาน", "IIT", "EIT", "OIT", "คะแนนรวม", "ระดับ (เกณฑ์ของปีนั้น)",
               "ผลการประเมิน", "ระดับตามเกณฑ์ปีล่าสุด"]  # fmt: skip
    if found.empty:
        return pd.DataFrame(columns=columns)
    first = found.iloc[0]
    if first["รหัส ITAS"]:
        rows = table[table["itas_code"] == first["รหัส ITAS"]]
    else:
        rows = table[table["agency_name"].map(_fold) == _fold(first["หน่วยงาน"])]
    rows = rows.sort_values("fiscal_year", kind="stable")
    records = [_assessment(r) for _, r in rows.iterrows()]
    points = trend(records[-1], records).points
    return pd.DataFrame(
        {
            YEAR: rows["fiscal_year"].to_numpy(),
            "หน่วยงาน": rows["agency_name"].to_numpy(),
            "IIT": rows["IIT"].to_numpy(),
            "EIT": rows["EIT"].to_numpy(),
            "OIT": rows["OIT"].to_numpy(),
            "คะแนนรวม": [float(p.total) for p in points],
            "ระดับ (เกณฑ์ของปีนั้น)": [p.rating for p in points],
            "ผลการประเมิน": ["ผ่าน" if p.passed else "ไม่ผ่าน" for p in points],
            "ระดับตามเกณฑ์ปีล่าสุด": [
                f"{p.rating_latest_scale.label}*" if p.rating_latest_scale else "–" for p in points
            ],
        },
        columns=columns,
    )


def history_chart(history: pd.DataFrame, *, synthetic: bool = False) -> HTMLFragment:
    """Draw an agency's total over the years against the pass mark, each year's rating labelled."""
    name = str(history["หน่วยงาน"].iloc[-1]) if len(history) else ""
    years = [str(int(y)) for y in history[YEAR]]
    totals = list(history["คะแนนรวม"])
    with mpl.rc_context(chart_style()):
        fig = new_figure(6, per_row=0.5)
        ax = fig.subplots()
        ax.plot(years, totals, marker="o", color="#0b3d63", linewidth=2)
        for x, y, rating in zip(years, totals, history["ระดับ (เกณฑ์ของปีนั้น)"], strict=True):
            ax.annotate(f"{y:.2f}\n{rating}", (x, y), textcoords="offset points", xytext=(0, 8),
                        ha="center", fontsize=9)  # fmt: skip
        ax.axhline(PASS_MARK, color="#b3261e", linestyle="--", linewidth=1)
        ax.text(1.0, PASS_MARK, " เกณฑ์ผ่าน 85", color="#b3261e", va="center",
                transform=ax.get_yaxis_transform(), fontsize=9)  # fmt: skip
        low = min([*totals, PASS_MARK]) - 8
        ax.set_ylim(max(low, 0), 103)
        ax.set_xlabel(YEAR)
        ax.set_ylabel("คะแนนรวม")
        title = f"คะแนนรวมรายปี: {name}" + (
            " (ข้อมูลสังเคราะห์)" if synthetic and "สังเคราะห์" not in name else ""
        )
        ax.set_title(title, loc="left", fontweight="bold")
        ax.spines[["top", "right"]].set_visible(False)
    alt = "คะแนนรวมรายปี " + ", ".join(f"{y}: {t:.2f}" for y, t in zip(years, totals, strict=True))
    return chart(
        fig,
        title=f"ประวัติ {name}",
        alt=alt,
        caption="เส้นประสีแดง: เกณฑ์ผ่าน 85 คะแนน · ป้ายกำกับ: คะแนนรวมและระดับตามเกณฑ์ของปีนั้น",
    )
