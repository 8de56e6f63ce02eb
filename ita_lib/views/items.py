"""OIT item results at national scale: which items fail most, nationally and by group.

An item results table (:mod:`ita_lib.model.item_results`) is joined to a results frame by fiscal
year and agency (ITAS code, else name): each item row gains the agency's type and province.
:func:`join_items` also recomputes indicators 9 and 10 from the items (the framework's roll-up)
and counts the agencies whose table scores disagree, so a mismatched pair of tables shows.
"""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib as mpl
import numpy as np
import pandas as pd

from ita_lib.model.framework_files import load_framework
from ita_lib.model.item_results import agency_key, load_item_results, parse_item_results
from ita_lib.model.synthetic import synthetic_tables
from ita_lib.render.briefing import HTMLFragment, render_fragment
from ita_lib.text.wrapping import wrap_thai
from ita_lib.views.explore import SYNTHETIC_PREFIX, parse_synthetic_reference
from ita_lib.views.tables import YEAR, chart, chart_style, new_figure, thai_sort

__all__ = [
    "JoinedItems",
    "failing_items",
    "failing_items_chart",
    "join_items",
    "join_note",
    "load_items",
]

_COLUMNS = ["fiscal_year", "agency_key", "item", "passed"]


def load_items(results_table: str, item_results: str = "") -> pd.DataFrame:
    """Load item results: the ``item_results`` file, else the synthetic table's own items.

    Returns the validated long form of :func:`ita_lib.model.item_results.load_item_results`;
    empty (same columns) for a real results table given without an item results file.
    """
    if item_results:
        return load_item_results(item_results)
    if results_table.startswith(SYNTHETIC_PREFIX):
        years, rows = parse_synthetic_reference(results_table)
        items = synthetic_tables(rows, fiscal_years=years, seed=0).items
        if items.empty:
            return pd.DataFrame(columns=_COLUMNS)
        return parse_item_results(items, source=results_table)
    return pd.DataFrame(columns=_COLUMNS)


@dataclass(frozen=True)
class JoinedItems:
    """Item results joined to a results frame.

    ``frame``: ``fiscal_year, agency_key, item, passed, agency_type, province``;
    ``unmatched``: item rows of no agency-year of the results table (left out);
    ``inconsistent``: agency-years whose indicator 9 or 10 differs from the items' roll-up;
    ``agencies``: agency-years with item results.
    """

    frame: pd.DataFrame
    unmatched: int
    inconsistent: int
    agencies: int


def _rollup(items: pd.DataFrame, year: int) -> pd.DataFrame:
    """Recompute indicators 9 and 10 per agency: mean of sub-indicator means of items."""
    framework = load_framework(year)
    sub_of = {code: sub.code for sub in framework.sub_indicators for code in sub.items}
    indicator_of = {sub.code: sub.indicator for sub in framework.sub_indicators}
    scored = items.assign(sub=items["item"].map(sub_of), score=items["passed"] * 100.0)
    subs = scored.groupby(["agency_key", "sub"])["score"].mean().reset_index()
    subs["indicator"] = subs["sub"].map(indicator_of)
    return subs.pivot_table(index="agency_key", columns="indicator", values="score", aggfunc="mean")


def join_items(table: pd.DataFrame, items: pd.DataFrame) -> JoinedItems:
    """Join item results to a results frame and check them against indicators 9 and 10."""
    keys = pd.Series(
        [agency_key(c, n) for c, n in zip(table["itas_code"], table["agency_name"], strict=True)],
        index=table.index,
    )
    agencies = table.assign(agency_key=keys)[
        ["fiscal_year", "agency_key", "agency_type", "province", "ind9", "ind10"]
    ]
    merged = items.merge(agencies, on=["fiscal_year", "agency_key"], how="left", indicator=True)
    matched = merged[merged["_merge"] == "both"].drop(columns="_merge")
    inconsistent = 0
    for year, group in matched.groupby("fiscal_year"):
        recomputed = _rollup(group, int(year))
        scores = agencies[agencies["fiscal_year"] == year].set_index("agency_key")
        both = recomputed.join(scores[["ind9", "ind10"]], how="inner")
        diff = np.maximum(
            abs(both.get(9, both["ind9"]) - both["ind9"]),
            abs(both.get(10, both["ind10"]) - both["ind10"]),
        )
        inconsistent += int((diff > 0.0051).sum())
    frame = matched[["fiscal_year", "agency_key", "item", "passed", "agency_type", "province"]]
    agencies_with_items = len(frame.drop_duplicates(["fiscal_year", "agency_key"]))
    return JoinedItems(
        frame.reset_index(drop=True),
        int((merged["_merge"] != "both").sum()),
        inconsistent,
        agencies_with_items,
    )


def join_note(joined: JoinedItems) -> HTMLFragment:
    """Say how many agency-years have item results, and any unmatched or inconsistent rows."""
    text = f"ผลรายข้อ OIT ของ {joined.agencies:,} หน่วยงาน-ปี"
    if joined.unmatched:
        text += f" · {joined.unmatched:,} แถวไม่ตรงกับหน่วยงานใดในตารางผลการประเมิน (ไม่นำมาคิด)"
    if joined.inconsistent:
        text += f" · {joined.inconsistent:,} หน่วยงาน-ปีมีคะแนนตัวชี้วัดที่ 9 หรือ 10 ไม่ตรงกับผลรายข้อ"
    return render_fragment("count.html.j2", text=text)


def _item_names(year: int) -> dict[str, str]:
    return {item.code: item.name_th for item in load_framework(year).oit_items()}


def failing_items(
    joined: JoinedItems, fiscal_year: int, *, by: str = "", top: int = 3
) -> pd.DataFrame:
    """Return the OIT items that fail most in one fiscal year, nationally or by group.

    Parameters
    ----------
    joined
        Item results joined to the results frame (:func:`join_items`).
    fiscal_year
        The year to count.
    by
        ``""`` (national: every item), ``"agency_type"`` or ``"province"`` (the ``top`` items of
        each group, groups in Thai order).

    Returns
    -------
    pandas.DataFrame
        ``ปีงบประมาณ, [group], ข้อ, ชื่อ, หน่วยงานที่ประเมิน, ไม่ผ่าน (หน่วยงาน), ไม่ผ่าน (%)``,
        highest failure rate first (then item order).
    """
    frame = joined.frame[joined.frame["fiscal_year"] == fiscal_year]
    keys = [by] if by else []
    grouped = frame.groupby([*keys, "item"])["passed"]
    out = pd.DataFrame(
        {"หน่วยงานที่ประเมิน": grouped.size(), "ไม่ผ่าน (หน่วยงาน)": grouped.size() - grouped.sum()}
    ).reset_index()
    out["ไม่ผ่าน (%)"] = (out["ไม่ผ่าน (หน่วยงาน)"] / out["หน่วยงานที่ประเมิน"] * 100).round(1)
    order = {item: k for k, item in enumerate(_item_names(fiscal_year))}
    out["_order"] = out["item"].map(order)
    out = out.sort_values(["ไม่ผ่าน (%)", "_order"], ascending=[False, True], kind="stable")
    if by:
        out = thai_sort(out.groupby(by, sort=False).head(top), [by], ascending=True)
    out.insert(0, YEAR, fiscal_year)
    out.insert(len(keys) + 2, "ชื่อ", out["item"].map(_item_names(fiscal_year)))
    label = {"agency_type": "ประเภทหน่วยงาน", "province": "จังหวัด"}
    return out.drop(columns="_order").rename(columns={"item": "ข้อ", **label}).reset_index(drop=True)


def failing_items_chart(
    table: pd.DataFrame, *, top: int = 10, synthetic: bool = False
) -> HTMLFragment:
    """Draw the items that fail most (bars of the failure rate), item names wrapped, not cut."""
    head = table.head(top)
    labels = [
        "\n".join(wrap_thai(f"{c} {n}", 34)) for c, n in zip(head["ข้อ"], head["ชื่อ"], strict=True)
    ]
    values = list(head["ไม่ผ่าน (%)"])
    lines = sum(label.count("\n") + 1 for label in labels)
    with mpl.rc_context(chart_style()):
        fig = new_figure(lines, per_row=0.28, width=8.5)
        ax = fig.subplots()
        y = np.arange(len(labels))
        ax.barh(y, values, color="#b3261e")
        ax.set_yticks(y, labels, fontsize=9)
        for k, (value, n) in enumerate(zip(values, head["ไม่ผ่าน (หน่วยงาน)"], strict=True)):
            ax.text(value, k, f" {value:.1f}% ({n:,})", va="center", fontsize=9)
        ax.invert_yaxis()
        ax.set_xlim(0, max([*values, 1]) * 1.25)
        ax.set_xlabel("ร้อยละของหน่วยงานที่ไม่ผ่านข้อนี้")
        year = int(head[YEAR].iloc[0]) if len(head) else ""
        ax.set_title(
            f"ข้อ OIT ที่ไม่ผ่านบ่อยที่สุด ปีงบประมาณ {year}" + (" (ข้อมูลสังเคราะห์)" if synthetic else ""),
            loc="left",
            fontweight="bold",
        )
        ax.spines[["top", "right"]].set_visible(False)
    alt = "ข้อ OIT ที่ไม่ผ่านบ่อยที่สุด: " + ", ".join(
        f"{c} {v:.1f}%" for c, v in zip(head["ข้อ"], values, strict=True)
    )
    return chart(
        fig,
        title=f"ข้อ OIT ที่ไม่ผ่านบ่อยที่สุด {year}",
        alt=alt,
        caption="ความยาวแท่ง = ร้อยละของหน่วยงานที่ไม่ผ่านข้อนั้น (ในวงเล็บ: จำนวนหน่วยงาน)",
    )
