"""Views of many agencies for analysts (``notebooks/explore.ipynb``).

Every function takes a results frame (:func:`ita_lib.analysis.peers.results_frame`) and returns a
new table or an HTML fragment; nothing is mutated. Tables keep a year column wherever years can
mix, text is ordered with Thai collation, and a frame that holds synthetic rows is marked as such
in every table title. Filters (:class:`Filters`) say how many rows they keep out of how many
(:func:`selection_summary`), so no view cuts rows silently.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ita_lib.analysis.peers import results_frame
from ita_lib.exceptions import InputError
from ita_lib.model.results_table import load_results_table, parse_results_frame
from ita_lib.model.synthetic import synthetic_tables
from ita_lib.render.briefing import HTMLFragment, render_fragment, synthetic_notice
from ita_lib.text.collation import thai_sorted
from ita_lib.views.tables import YEAR, show_table, thai_sort

__all__ = [
    "PASS_MARK",
    "SYNTHETIC_PREFIX",
    "Filters",
    "Selection",
    "agencies",
    "by_group",
    "holding_back",
    "load_results",
    "mark",
    "notice",
    "overview",
    "parse_synthetic_reference",
    "select",
    "selection_summary",
    "show_table",
]

SYNTHETIC_PREFIX = "synthetic:"
PASS_MARK = 85.0
_STATUS = {"": "ทุกหน่วยงาน", "fail": "ต่ำกว่าเกณฑ์ 85", "pass": "ผ่านเกณฑ์ 85"}


def parse_synthetic_reference(reference: str) -> tuple[tuple[int, ...], int | None]:
    """Read ``synthetic:<years>[:<rows>]``: years as ``2565``, ``2564-2565`` or ``2564,2565``."""
    parts = reference.removeprefix(SYNTHETIC_PREFIX).split(":")
    try:
        if len(parts) > 2 or not parts[0]:
            raise ValueError(reference)
        if "-" in parts[0]:
            first, last = (int(y) for y in parts[0].split("-"))
            years = tuple(range(first, last + 1))
        else:
            years = tuple(int(y) for y in parts[0].split(","))
        rows = int(parts[1]) if len(parts) > 1 else None
        synthetic_tables(1, fiscal_years=years)  # checks the years
    except (ValueError, IndexError):
        raise InputError(
            "not a synthetic table reference", location="results_table",
            expected="synthetic:<fiscal years>[:<rows>], e.g. synthetic:2565 or synthetic:2564-2565",
            found=reference,
        ) from None  # fmt: skip
    return years, rows


def load_results(reference: str) -> pd.DataFrame:
    """Load a results table and score every row by its fiscal year's rules.

    Parameters
    ----------
    reference
        A CSV/XLSX path, or ``synthetic:<fiscal years>[:<rows>]`` (``synthetic:2565``,
        ``synthetic:2564-2565:500``) for the seeded synthetic national table over those years
        (the same agencies every year; every row marked synthetic).

    Returns
    -------
    pandas.DataFrame
        See :func:`ita_lib.analysis.peers.results_frame`.
    """
    if reference.startswith(SYNTHETIC_PREFIX):
        years, rows = parse_synthetic_reference(reference)
        table = synthetic_tables(rows, fiscal_years=years, seed=0).results
        return results_frame(parse_results_frame(table, source=reference))
    return results_frame(load_results_table(reference))


@dataclass(frozen=True)
class Filters:
    """What an analyst keeps: one fiscal year, a province, an agency type, pass or fail.

    ``fiscal_year`` 0 means the latest year of the table; empty strings keep all;
    ``status`` is ``""``, ``"pass"`` (total >= 85) or ``"fail"``.
    """

    fiscal_year: int = 0
    province: str = ""
    agency_type: str = ""
    status: str = ""


@dataclass(frozen=True)
class Selection:
    """The rows a :class:`Filters` keeps (``frame``) out of the whole table (``table``)."""

    table: pd.DataFrame
    frame: pd.DataFrame
    filters: Filters
    fiscal_year: int

    @property
    def year_rows(self) -> int:
        """Return the number of agencies of the selected fiscal year, before other filters."""
        return int((self.table["fiscal_year"] == self.fiscal_year).sum())


def select(table: pd.DataFrame, filters: Filters = Filters()) -> Selection:
    """Apply filters to a results frame; see :class:`Filters`.

    Raises
    ------
    InputError
        When the fiscal year, province, agency type or status is not in the table.
    """
    years = sorted(int(y) for y in table["fiscal_year"].unique())
    year = filters.fiscal_year or (years[-1] if years else 0)
    checks = (
        ("fiscal_year", year, years),
        ("province", filters.province, set(table["province"].dropna())),
        ("agency_type", filters.agency_type, set(table["agency_type"].dropna())),
        ("status", filters.status, set(_STATUS)),
    )
    for name, value, allowed in checks:
        if value not in ("", 0) and value not in allowed:
            raise InputError(
                f"no such {name.replace('_', ' ')} in the table", location=name,
                expected=", ".join(map(str, thai_sorted(allowed)[:12])) + (" …" if len(allowed) > 12 else ""),
                found=value,
            )  # fmt: skip
    keep = table["fiscal_year"] == year
    if filters.province:
        keep &= table["province"] == filters.province
    if filters.agency_type:
        keep &= table["agency_type"] == filters.agency_type
    if filters.status:
        keep &= table["passed"] == (filters.status == "pass")
    return Selection(table, table[keep].copy(), filters, year)


def selection_summary(selection: Selection) -> HTMLFragment:
    """Say what is selected and how many agencies that is, out of how many (N of M)."""
    f = selection.filters
    parts = [f"ปีงบประมาณ {selection.fiscal_year}"]
    parts += [f"จังหวัด{f.province}"] if f.province else []
    parts += [f.agency_type] if f.agency_type else []
    parts.append(_STATUS[f.status])
    years = selection.table["fiscal_year"].nunique()
    text = (
        " · ".join(parts)
        + f": {len(selection.frame):,} จาก {selection.year_rows:,} หน่วยงานของปีนั้น"
        + f" (ทั้งตาราง {len(selection.table):,} แถว {years} ปีงบประมาณ)"
    )
    return render_fragment("selection.html.j2", text=text)


def mark(frame: pd.DataFrame) -> str:
    """Return ``" (ข้อมูลสังเคราะห์)"`` when the frame holds synthetic rows, else ``""``."""
    return " (ข้อมูลสังเคราะห์)" if bool(frame["synthetic"].any()) else ""


def notice(frame: pd.DataFrame) -> HTMLFragment:
    """Return a banner saying the data are synthetic, or nothing for real data."""
    return synthetic_notice(bool(frame["synthetic"].any()))


def overview(table: pd.DataFrame) -> pd.DataFrame:
    """Summarise a frame per fiscal year: agencies, mean and median total, number and share passing."""
    grouped = table.groupby("fiscal_year")
    out = pd.DataFrame(
        {
            "หน่วยงาน": grouped.size(),
            "คะแนนเฉลี่ย": grouped["total"].mean().round(2),
            "มัธยฐาน": grouped["total"].median().round(2),
            "ผ่านเกณฑ์ (หน่วยงาน)": grouped["passed"].sum().astype(int),
            "ผ่านเกณฑ์ (%)": (grouped["passed"].mean() * 100).round(1),
        }
    )
    out.index.name = YEAR
    return out.reset_index()


def by_group(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """Summarise totals by agency type or province (one fiscal year), lowest pass rate first."""
    grouped = frame.groupby(column)
    out = pd.DataFrame(
        {
            "หน่วยงาน": grouped.size(),
            "ผ่านเกณฑ์ (หน่วยงาน)": grouped["passed"].sum().astype(int),
            "ผ่านเกณฑ์ (%)": (grouped["passed"].mean() * 100).round(1),
            "คะแนนเฉลี่ย": grouped["total"].mean().round(2),
            "มัธยฐาน": grouped["total"].median().round(2),
            "ต่ำสุด": grouped["total"].min(),
            "สูงสุด": grouped["total"].max(),
        }
    )
    out.index.name = {"agency_type": "ประเภทหน่วยงาน", "province": "จังหวัด"}.get(column, column)
    out = out.reset_index()
    return thai_sort(out, ["ผ่านเกณฑ์ (%)", out.columns[0]]).reset_index(drop=True)


def agencies(frame: pd.DataFrame) -> pd.DataFrame:
    """List agencies with their year, type, province, total, rating and gap to the pass mark.

    Lowest total first, then in Thai order of the name.
    """
    out = pd.DataFrame(
        {
            YEAR: frame["fiscal_year"],
            "หน่วยงาน": frame["agency_name"],
            "รหัส ITAS": frame["itas_code"].fillna(""),
            "ประเภท": frame["agency_type"],
            "จังหวัด": frame["province"],
            "คะแนนรวม": frame["total"],
            "ระดับ": frame["rating"],
            "ผลการประเมิน": frame["passed"].map({True: "ผ่าน", False: "ไม่ผ่าน"}),
            "ห่างจากเกณฑ์": (PASS_MARK - frame["total"]).clip(lower=0).round(2),
        }
    )
    return thai_sort(out, ["คะแนนรวม", "หน่วยงาน"]).reset_index(drop=True)


def holding_back(frame: pd.DataFrame) -> pd.DataFrame:
    """Show which instrument holds agencies back: the one losing most weighted points.

    For each agency the weighted points lost are ``weight x (100 - score)`` per instrument
    (weights 0.30/0.30/0.40); the table counts the agencies whose largest loss is each
    instrument and the mean loss per instrument.
    """
    weights = {"IIT": 0.30, "EIT": 0.30, "OIT": 0.40}
    lost = pd.DataFrame({code: (100 - frame[code]) * w for code, w in weights.items()})
    worst = lost.idxmax(axis=1)
    return pd.DataFrame(
        {
            "เครื่องมือ": list(weights),
            "หน่วยงานที่เสียคะแนนมากที่สุดที่เครื่องมือนี้": worst.value_counts()
            .reindex(list(weights), fill_value=0)
            .to_numpy(),
            "คะแนนถ่วงน้ำหนักที่เสียเฉลี่ย": lost.mean().round(2).to_numpy(),
            "ต่ำกว่า 85 (หน่วยงาน)": [int((frame[code] < PASS_MARK).sum()) for code in weights],
        }
    )
