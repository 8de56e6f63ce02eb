"""Charts of many agencies (``notebooks/explore.ipynb``): pass rates, totals as dots, provinces.

Every chart shows the pass mark, names the number of agencies behind each group, and is
returned with PNG and SVG downloads (:func:`ita_lib.views.tables.chart`).
"""

from __future__ import annotations

import matplotlib as mpl
import numpy as np
import pandas as pd

from ita_lib.render.briefing import HTMLFragment
from ita_lib.views.explore import PASS_MARK, by_group, mark
from ita_lib.views.tables import chart, chart_style, new_figure

__all__ = ["pass_rate_chart", "province_chart", "totals_chart"]

_GROUP = {"agency_type": "ประเภทหน่วยงาน", "province": "จังหวัด"}


def pass_rate_chart(frame: pd.DataFrame, column: str = "agency_type") -> HTMLFragment:
    """Bars of the share of agencies passing (total >= 85) per group, with counts."""
    table = by_group(frame, column)
    labels = [f"{g} ({n:,})" for g, n in zip(table.iloc[:, 0], table["หน่วยงาน"], strict=True)]
    rates = list(table["ผ่านเกณฑ์ (%)"])
    with mpl.rc_context(chart_style()):
        fig = new_figure(len(labels))
        ax = fig.subplots()
        y = np.arange(len(labels))
        ax.barh(y, rates, color=["#1f6f43" if r >= 50 else "#b3261e" for r in rates])
        ax.set_yticks(y, labels)
        for k, (rate, n) in enumerate(zip(rates, table["ผ่านเกณฑ์ (หน่วยงาน)"], strict=True)):
            ax.text(rate, k, f" {rate:.1f}% ({n:,})", va="center", fontsize=9)
        ax.invert_yaxis()
        ax.set_xlim(0, 118)
        ax.set_xlabel("ร้อยละของหน่วยงานที่ได้คะแนนรวม 85 ขึ้นไป")
        ax.set_title(
            "สัดส่วนที่ผ่านเกณฑ์ตาม" + _GROUP.get(column, column) + mark(frame),
            loc="left",
            fontweight="bold",
        )
        ax.spines[["top", "right"]].set_visible(False)
    alt = "ร้อยละที่ผ่านเกณฑ์: " + ", ".join(
        f"{lab} {r:.1f}%" for lab, r in zip(labels, rates, strict=True)
    )
    return chart(fig, title="ผ่านเกณฑ์ตาม" + _GROUP.get(column, column), alt=alt,
                 caption="ความยาวแท่ง = ร้อยละที่ผ่านเกณฑ์ 85 คะแนน (ในวงเล็บหลังชื่อ: จำนวนหน่วยงานทั้งหมด)")  # fmt: skip


def totals_chart(frame: pd.DataFrame, column: str = "agency_type") -> HTMLFragment:
    """Every agency's total as a dot (strip plot) per group, medians marked, pass mark drawn.

    Dots are jittered vertically with a fixed seed (the same data give the same chart); a
    group of one agency is one dot, not a box.
    """
    table = by_group(frame, column).sort_values("มัธยฐาน", kind="stable")
    groups = list(table.iloc[:, 0])
    rng = np.random.default_rng(0)
    with mpl.rc_context(chart_style()):
        fig = new_figure(len(groups), per_row=0.42)
        ax = fig.subplots()
        for k, group in enumerate(groups):
            totals = frame.loc[frame[column] == group, "total"].to_numpy()
            jitter = rng.uniform(-0.3, 0.3, len(totals)) if len(totals) > 1 else np.zeros(1)
            ax.scatter(totals, k + jitter, s=4 if len(totals) > 300 else 10, alpha=0.35 if len(totals) > 300 else 0.7,
                       color="#0b3d63", linewidths=0)  # fmt: skip
            ax.plot([np.median(totals)] * 2, [k - 0.38, k + 0.38], color="#e8a317", linewidth=3)
        ax.set_yticks(
            range(len(groups)),
            [f"{g} ({n:,})" for g, n in zip(groups, table["หน่วยงาน"], strict=True)],
        )
        ax.axvline(PASS_MARK, color="#b3261e", linestyle="--", linewidth=1)
        ax.set_xlabel("คะแนนรวม")
        ax.set_title("คะแนนรวมของทุกหน่วยงาน" + mark(frame), loc="left", fontweight="bold")
        ax.spines[["top", "right"]].set_visible(False)
    alt = "คะแนนรวมรายหน่วยงาน มัธยฐาน: " + ", ".join(
        f"{g} {m:.2f}" for g, m in zip(groups, table["มัธยฐาน"], strict=True)
    )
    return chart(fig, title="คะแนนรวมตาม" + _GROUP.get(column, column), alt=alt,
                 caption="จุด: หนึ่งหน่วยงาน · ขีดสีส้ม: มัธยฐาน · เส้นประสีแดง: เกณฑ์ผ่าน 85 · ในวงเล็บ: จำนวนหน่วยงาน")  # fmt: skip


def province_chart(frame: pd.DataFrame) -> HTMLFragment:
    """A sorted dot chart of the 77 provinces: the share passing, lowest first, national share marked."""
    table = by_group(frame, "province")
    national = float(frame["passed"].mean() * 100) if len(frame) else 0.0
    labels = [f"{p} ({n:,})" for p, n in zip(table["จังหวัด"], table["หน่วยงาน"], strict=True)]
    rates = table["ผ่านเกณฑ์ (%)"].to_numpy()
    with mpl.rc_context({**chart_style(), "font.size": 9}):
        fig = new_figure(len(labels), per_row=0.2, width=7.5)
        ax = fig.subplots()
        y = np.arange(len(labels))
        ax.hlines(y, 0, rates, color="#d9dde3", linewidth=1)
        ax.scatter(
            rates, y, color=np.where(rates >= national, "#1f6f43", "#b3261e"), s=22, zorder=3
        )
        ax.set_yticks(y, labels)
        ax.axvline(national, color="#444444", linestyle=":", linewidth=1)
        ax.invert_yaxis()
        ax.set_xlim(0, 100)
        ax.set_xlabel(f"ร้อยละของหน่วยงานที่ผ่านเกณฑ์ 85 คะแนน (เส้นจุด: ทุกจังหวัดรวมกัน {national:.1f}%)")
        ax.set_title(
            "สัดส่วนที่ผ่านเกณฑ์รายจังหวัด (น้อยไปมาก)" + mark(frame), loc="left", fontweight="bold"
        )
        ax.spines[["top", "right"]].set_visible(False)
    alt = "ร้อยละที่ผ่านเกณฑ์รายจังหวัด ต่ำสุด: " + ", ".join(
        f"{lab} {r:.1f}%" for lab, r in list(zip(labels, rates, strict=True))[:5]
    )
    return chart(fig, title="ผ่านเกณฑ์รายจังหวัด", alt=alt,
                 caption="จุดสีเขียว: สูงกว่าสัดส่วนทั้งประเทศ · สีแดง: ต่ำกว่า · เส้นจุด: ทั้งประเทศ · ในวงเล็บ: จำนวนหน่วยงาน")  # fmt: skip
