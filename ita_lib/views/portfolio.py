"""One briefing for a set of agencies (``notebooks/portfolio.ipynb``).

A portfolio is a set of assessments (a province's local governments, an agency type): the
functions here rank them, find the OIT items most commonly failed and the points they cost,
list the agencies whose measures leave weaknesses uncovered, and show where support would
raise most scores. They are pure: assessments in, tables out.

:func:`synthetic_portfolio` builds a seeded portfolio of invented agencies (every name marked
``(ข้อมูลสังเคราะห์)``, codes ``SYN-P…``) whose OIT indicators are rolled up from the failed
items, with measures drawn from typical titles, for the notebook's defaults and for tests.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ita_lib.analysis.peers import is_synthetic_agency
from ita_lib.analysis.scoring import oit_rollup
from ita_lib.analysis.weaknesses import Analysis, analyse
from ita_lib.exceptions import InputError
from ita_lib.model.assessment import Assessment
from ita_lib.model.assessment_file import load_assessment, parse_assessment
from ita_lib.model.framework_files import load_framework
from ita_lib.model.synthetic_marks import SYNTHETIC_MARK
from ita_lib.render.briefing import HTMLFragment, chart_fragment, synthetic_notice
from ita_lib.render.briefing import table_fragment as show
from ita_lib.render.charts import NO_MATH, figure_png, register_thai_font
from ita_lib.text.decimals import round_half_up
from ita_lib.text.wrapping import wrap_thai

__all__ = [
    "analyse_portfolio",
    "common_failed_items",
    "common_failed_items_chart",
    "load_portfolio",
    "notice",
    "portfolio_files",
    "ranking",
    "show",
    "support_priorities",
    "synthetic_portfolio",
    "uncovered_weaknesses",
]

SYNTHETIC_PORTFOLIO = "synthetic"

# Typical measure titles agencies write, with the weakness codes their words suggest; the
# synthetic portfolio draws from them (links are then inferred from the term catalogue).
_TYPICAL_MEASURES = (
    "โครงการพัฒนาระบบการให้บริการประชาชนผ่านระบบอิเล็กทรอนิกส์ (E-Service)",
    "มาตรการ No Gift Policy",
    "มาตรการปรับปรุงขั้นตอนการให้บริการและลดขั้นตอน",
    "โครงการส่งเสริมการมีส่วนร่วมของประชาชน",
    "มาตรการเผยแพร่บทบาทและอำนาจหน้าที่ของหน่วยงาน",
    "จัดทำรายงานผลการใช้จ่ายงบประมาณประจำปี",
    "จัดทำรายงานผลการบริหารและพัฒนาทรัพยากรบุคคลประจำปี",
    "จัดทำแผนปฏิบัติการป้องกันการทุจริต",
    "มาตรการประเมินความเสี่ยงการทุจริต",
    "จัดทำรายงานผลการดำเนินงานประจำปี",
)
_PLACES = ("หนองบัว", "ท่าช้าง", "บ้านใหม่", "โคกสูง", "วังทอง", "ดอนแก้ว", "ห้วยทราย", "นาดี")


def synthetic_portfolio(
    size: int = 24, *, fiscal_year: int = 2565, seed: int = 0
) -> tuple[Assessment, ...]:
    """Build a seeded portfolio of synthetic agencies with item results and measures.

    Parameters
    ----------
    size
        Number of agencies.
    fiscal_year
        A year whose framework has an OIT item catalogue (2564, 2565).
    seed
        Seed of the random generator: the same arguments give the same portfolio.
    """
    framework = load_framework(fiscal_year)
    if not framework.oit_rollup_known:
        msg = f"FY{fiscal_year} has no OIT item catalogue to simulate item results"
        raise ValueError(msg)
    rng = np.random.default_rng(seed)
    oit_items = [item.code for item in framework.oit_items()]
    portfolio = []
    for n in range(size):
        quality = rng.normal(0, 1)
        p_fail = float(np.clip(0.12 - 0.06 * quality, 0.0, 0.5))
        failed = [code for code in oit_items if rng.random() < p_fail]
        _, recomputed = oit_rollup(framework, failed)
        scores = {
            f"ind{k}": float(np.clip(round(88 + 4 * quality + rng.normal(0, 3), 2), 40, 100))
            for k in range(1, 9)
        }
        scores["ind9"] = float(round_half_up(recomputed[9]))
        scores["ind10"] = float(round_half_up(recomputed[10]))
        measures = []
        for k, index in enumerate(
            rng.choice(len(_TYPICAL_MEASURES), size=int(rng.integers(0, 5)), replace=False)
        ):
            complete = rng.random() > 0.2
            measures.append(
                {
                    "number": k + 1,
                    "title": _TYPICAL_MEASURES[int(index)],
                    "owner": f"สำนักปลัด อบต.{_PLACES[n % len(_PLACES)]}" if complete else None,
                    "period": "ต.ค. 65 - ก.ย. 66" if complete or rng.random() > 0.5 else None,
                    "monitoring": ["รายงานผลการดำเนินการต่อผู้บริหาร"] if complete else [],
                }
            )
        data = {
            "agency": {
                "name": f"องค์การบริหารส่วนตำบล{_PLACES[n % len(_PLACES)]}{n + 1} {SYNTHETIC_MARK}",
                "type": "องค์การบริหารส่วนตำบล",
                "province": "จังหวัดตัวอย่าง",
                "itas_code": f"SYN-P{n + 1:04d}",
            },
            "fiscal_year": fiscal_year,
            "scores": scores,
            "oit": {"failed_items": failed},
            "measures": measures,
        }
        portfolio.append(parse_assessment(data, source=f"synthetic portfolio #{n + 1}"))
    return tuple(portfolio)


def portfolio_files(folder: Path) -> list[Path]:
    """Return the assessment files of a folder, searched recursively, in a stable order.

    A folder written by ``ita batch`` (it holds ``manifest.json``) contributes its
    ``<fiscal year>/<agency>/assessment.yaml`` files only; any other folder every ``*.yaml`` and
    ``*.yml`` file below it. Hidden folders are skipped.
    """
    if (folder / "manifest.json").is_file():
        found = folder.rglob("assessment.yaml")
    else:
        found = (p for pattern in ("*.yaml", "*.yml") for p in folder.rglob(pattern))
    visible = [
        p for p in found if not any(part.startswith(".") for part in p.relative_to(folder).parts)
    ]
    return sorted(visible, key=lambda p: p.relative_to(folder).as_posix())


def load_portfolio(reference: str) -> tuple[Assessment, ...]:
    """Load a portfolio: ``synthetic`` (the seeded synthetic one) or a folder of assessment files.

    The folder is searched recursively (:func:`portfolio_files`), so the output folder of
    ``ita batch`` (``outputs/`` or one fiscal year of it) is a portfolio as it is.

    Raises
    ------
    InputError
        When the folder does not exist or holds no assessment file.
    """
    if reference == SYNTHETIC_PORTFOLIO:
        return synthetic_portfolio()
    folder = Path(reference)
    files = portfolio_files(folder) if folder.is_dir() else []
    if not files:
        raise InputError(
            "no assessment files found", source=reference,
            expected="a folder of assessment YAML files (searched recursively), an ita batch output folder, or 'synthetic'",
        )  # fmt: skip
    return tuple(load_assessment(path) for path in files)


def analyse_portfolio(assessments: Iterable[Assessment]) -> tuple[Analysis, ...]:
    """Analyse every assessment of a portfolio (see :func:`ita_lib.analysis.weaknesses.analyse`)."""
    return tuple(analyse(a) for a in assessments)


def _name(analysis: Analysis) -> str:
    return analysis.result.agency_name


def ranking(analyses: Iterable[Analysis]) -> pd.DataFrame:
    """Rank agencies by total, with failed items, the gain of fixing them all and coverage."""
    rows = []
    for a in analyses:
        gaps = [g for g in a.coverage_gaps if g.kind == "weakness_without_measure"]
        rows.append(
            {
                "หน่วยงาน": _name(a),
                "คะแนนรวม": float(a.result.total_2dp),
                "ระดับ": a.result.rating,
                "ผ่านเกณฑ์": "ผ่าน" if a.result.passed else "ไม่ผ่าน",
                "ข้อ OIT ที่ไม่ผ่าน": len(a.what_if),
                "แก้ไขครบทุกข้อได้": None
                if a.all_fixed_total is None
                else float(round_half_up(a.all_fixed_total)),
                "จุดอ่อนที่ไม่มีมาตรการ": len(gaps),
            }
        )
    table = pd.DataFrame(rows).sort_values(
        ["คะแนนรวม", "หน่วยงาน"], ascending=[False, True], kind="stable"
    )
    table.insert(0, "อันดับ", range(1, len(table) + 1))
    return table.reset_index(drop=True)


def common_failed_items(analyses: Iterable[Analysis]) -> pd.DataFrame:
    """Count each failed OIT item across the portfolio and the total points it costs.

    Returns
    -------
    pandas.DataFrame
        One row per item: agencies failing it, points lost in all (the sum of the gains its
        fixing would bring), points per agency; most points first.
    """
    counts: dict[str, list] = {}
    for a in analyses:
        for gain in a.what_if:
            entry = counts.setdefault(
                gain.item, [gain.name, gain.sub_indicator, 0, Decimal(0), gain.gain_total]
            )
            entry[2] += 1
            entry[3] += gain.gain_total
    rows = [
        {
            "ข้อ": code,
            "ชื่อ": name,
            "ตัวชี้วัดย่อย": sub,
            "หน่วยงานที่ไม่ผ่าน": n,
            "คะแนนที่เสียรวม": float(round_half_up(lost)),
            "คะแนนต่อหน่วยงาน": float(round_half_up(each)),
        }
        for code, (name, sub, n, lost, each) in counts.items()
    ]
    columns = ["ข้อ", "ชื่อ", "ตัวชี้วัดย่อย", "หน่วยงานที่ไม่ผ่าน", "คะแนนที่เสียรวม", "คะแนนต่อหน่วยงาน"]
    table = pd.DataFrame(rows, columns=columns)
    return table.sort_values(
        ["คะแนนที่เสียรวม", "ข้อ"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)


def uncovered_weaknesses(analyses: Iterable[Analysis]) -> pd.DataFrame:
    """List agencies whose measures leave item weaknesses uncovered or are incomplete."""
    rows = []
    for a in analyses:
        uncovered = [g.subject for g in a.coverage_gaps if g.kind == "weakness_without_measure"]
        incomplete = sorted(
            {g.subject for g in a.coverage_gaps if g.kind.startswith("measure_missing")}
        )
        no_measures = any(g.kind == "no_measures" for g in a.coverage_gaps)
        if uncovered or incomplete or no_measures:
            rows.append(
                {
                    "หน่วยงาน": _name(a),
                    "จุดอ่อนที่ไม่มีมาตรการ": ", ".join(uncovered) or "–",
                    "มาตรการที่ยังไม่ครบ": len(incomplete),
                    "ไม่มีมาตรการเลย": "ใช่" if no_measures else "",
                }
            )
    columns = ["หน่วยงาน", "จุดอ่อนที่ไม่มีมาตรการ", "มาตรการที่ยังไม่ครบ", "ไม่มีมาตรการเลย"]
    return pd.DataFrame(rows, columns=columns)


def support_priorities(analyses: Iterable[Analysis], *, max_fixes: int = 3) -> pd.DataFrame:
    """Agencies that reach the pass mark or their next rating with at most ``max_fixes`` fixes.

    Support for these agencies raises ratings soonest; the table lists the items to fix and
    the total after, fewest fixes first.
    """
    rows = []
    for a in analyses:
        for label, path in (("เกณฑ์ผ่าน", a.path_to_pass_mark), ("ระดับถัดไป", a.path_to_next_rating)):
            if path is None or not path.items or not path.reachable or len(path.items) > max_fixes:
                continue
            rows.append(
                {
                    "หน่วยงาน": _name(a),
                    "เป้าหมาย": f"{label} ({path.target})",
                    "คะแนนรวมตอนนี้": float(a.result.total_2dp),
                    "ข้อที่ต้องแก้ไข": ", ".join(path.items),
                    "จำนวนข้อ": len(path.items),
                    "คะแนนรวมหลังแก้ไข": float(round_half_up(path.total_after)),
                }
            )
            break
    columns = ["หน่วยงาน", "เป้าหมาย", "คะแนนรวมตอนนี้", "ข้อที่ต้องแก้ไข", "จำนวนข้อ", "คะแนนรวมหลังแก้ไข"]
    table = pd.DataFrame(rows, columns=columns)
    return table.sort_values(
        ["จำนวนข้อ", "คะแนนรวมตอนนี้"], ascending=[True, False], kind="stable"
    ).reset_index(drop=True)


def notice(assessments: Iterable[Assessment]) -> HTMLFragment:
    """Return the synthetic-data banner when any agency of the portfolio is synthetic."""
    return synthetic_notice(any(is_synthetic_agency(a.agency) for a in assessments))


def common_failed_items_chart(analyses: Iterable[Analysis], *, top: int = 10) -> HTMLFragment:
    """Draw the OIT items that cost the portfolio most points (bars), as a figure."""
    table = common_failed_items(analyses).head(top)
    family = register_thai_font()
    labels = [
        "\n".join(wrap_thai(f"{code} {name}", 34))
        for code, name in zip(table["ข้อ"], table["ชื่อ"], strict=True)
    ][::-1]
    values = list(table["คะแนนที่เสียรวม"])[::-1]
    with mpl.rc_context({"font.family": [family, "DejaVu Sans"], "font.size": 10, **NO_MATH}):
        fig = Figure(figsize=(8, 0.45 * max(len(labels), 1) + 1.4), layout="constrained")
        ax = fig.subplots()
        ax.barh(labels, values, color="#b3261e")
        for y, value in enumerate(values):
            ax.text(value, y, f" {value:.2f}", va="center", fontsize=9)
        ax.set_xlabel("คะแนนรวมที่เสียไปทั้งกลุ่ม (ผลรวมของคะแนนที่จะได้คืนเมื่อแก้ไข)")
        ax.set_title("ข้อ OIT ที่ทำให้กลุ่มเสียคะแนนมากที่สุด", loc="left", fontweight="bold")
        ax.spines[["top", "right"]].set_visible(False)
        png = figure_png(fig, dpi=110)
    alt = "ข้อ OIT ที่ทำให้เสียคะแนนมากที่สุด: " + ", ".join(
        f"{code} {value:.2f}"
        for code, value in zip(table["ข้อ"], table["คะแนนที่เสียรวม"], strict=True)
    )
    return chart_fragment(png, alt, "ความยาวแท่ง = ผลรวมของคะแนนที่ทุกหน่วยงานในกลุ่มจะได้คืนหากแก้ไขข้อนั้น")
