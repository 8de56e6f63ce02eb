"""A realistic synthetic national set: what a real national run carries, for benchmarks only.

:func:`write_synthetic_set` writes, per agency of a synthetic national table
(:func:`ita_lib.model.synthetic.synthetic_results_table`), a full assessment file:

- OIT item results (``oit.failed_items``), drawn per item with the agency's pass rate, with
  indicators 9 and 10 set to the year's framework roll-up of those items, rounded half up as
  NACC publishes them (so ``ita score`` finds them consistent);
- NACC suggestions: a summary, one text per instrument and one per failed item;
- 8 to 30 measures for the next fiscal year, addressing failed items and instruments;

plus a parameters file per agency pointing at it and at a peers table (the same agencies in
that year and the year before) for the peer and trend sections. Every agency is marked
synthetic (``(ข้อมูลสังเคราะห์)`` in its name, ``SYN-`` code), so no briefing can pass for a
real result.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from ita_lib.analysis.scoring import oit_rollup
from ita_lib.model.framework import Framework
from ita_lib.model.framework_files import load_framework
from ita_lib.model.synthetic import synthetic_results_table
from ita_lib.text.decimals import round_half_up

__all__ = ["SyntheticSet", "synthetic_assessment", "write_synthetic_set"]

_OWNERS = ("สำนักปลัด", "กองคลัง", "กองช่าง", "กองการศึกษา", "งานประชาสัมพันธ์", "งานบริหารงานบุคคล")
_MONTHS = ("ต.ค.", "ธ.ค.", "ม.ค.", "มี.ค.", "มิ.ย.", "ก.ย.")
_ACTIONS = (
    "ทบทวนข้อมูลและขั้นตอนที่เกี่ยวข้อง",
    "มอบหมายผู้รับผิดชอบและกำหนดระยะเวลา",
    "เผยแพร่ผลการดำเนินการบนเว็บไซต์หลักของหน่วยงาน",
    "รายงานผลต่อผู้บริหารทุกไตรมาส",
)
_GENERAL = (
    ("IIT", "เสริมสร้างวัฒนธรรมองค์กรตามนโยบาย No Gift Policy"),
    ("IIT", "ส่งเสริมการใช้ทรัพย์สินของราชการอย่างถูกต้อง"),
    ("EIT", "ยกระดับการสื่อสารกับผู้รับบริการ"),
    ("EIT", "ปรับปรุงขั้นตอนการให้บริการและแจ้งผลการปรับปรุงแก่ประชาชน"),
    ("IIT", "จัดอบรมเรื่องการขัดกันระหว่างผลประโยชน์ส่วนตนกับผลประโยชน์ส่วนรวม"),
    ("EIT", "เปิดช่องทางรับฟังความคิดเห็นของผู้รับบริการ"),
)


@dataclass(frozen=True)
class SyntheticSet:
    """Files of a synthetic national set: parameters files (one per agency) and the peers table."""

    params: tuple[Path, ...]
    assessments: tuple[Path, ...]
    peers_table: Path


def _thai(number: int) -> str:
    return str(number).translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))


def _failed_items(
    rng: np.random.Generator, framework: Framework, targets: dict[int, float]
) -> list[str]:
    """Draw each OIT item's result with the pass rate its indicator's score suggests."""
    failed = []
    for number, target in targets.items():
        for item in framework.items_of_indicator(number):
            if rng.random() >= target / 100:
                failed.append(item.code)
    return failed


def _measures(
    rng: np.random.Generator, failed: list[str], framework: Framework, year: int
) -> list[dict]:
    """8 to 30 measures for the next fiscal year: first the failed items, then instruments."""
    count = int(rng.integers(8, 31))
    # the measures' fiscal year (year + 1) runs from October of ``year`` to September
    short = {m: _thai(year if m in ("ต.ค.", "ธ.ค.") else year + 1)[-2:] for m in _MONTHS}
    measures = []
    for number in range(1, count + 1):
        if number <= len(failed):
            item = framework.item(failed[number - 1])
            title, addresses = f"ดำเนินการและเปิดเผยข้อมูล: {item.name_th}", [item.code]
        else:
            instrument, title = _GENERAL[(number - len(failed) - 1) % len(_GENERAL)]
            addresses = [instrument]
        start = int(rng.integers(0, 3))
        measures.append(
            {
                "number": number,
                "title": title,
                "steps": [f"{_thai(i + 1)}) {a}" for i, a in enumerate(_ACTIONS[: 2 + start])],
                "owner": _OWNERS[int(rng.integers(len(_OWNERS)))],
                "period": f"{_MONTHS[start]} {short[_MONTHS[start]]} - "
                f"{_MONTHS[start + 3]} {short[_MONTHS[start + 3]]}",
                "monitoring": ["รายงานผลการดำเนินการทุกไตรมาส"],
                "addresses": addresses,
            }
        )
    return measures


def synthetic_assessment(row: pd.Series, framework: Framework, rng: np.random.Generator) -> dict:
    """Return the assessment file (as data) of one synthetic table row, items and all."""
    year = framework.fiscal_year
    targets = {n: float(row[f"ind{n}"]) for n in (9, 10)}
    failed = _failed_items(rng, framework, targets) if framework.oit_rollup_known else []
    scores = {f"ind{n}": float(row[f"ind{n}"]) for n in range(1, 11)}
    if framework.oit_rollup_known:
        for number, exact in oit_rollup(framework, failed)[1].items():
            scores[f"ind{number}"] = float(round_half_up(exact))
    name = str(row["agency_name"])
    suggestions = {
        "summary": f"{name} มีผลการประเมิน ITA ประจำปีงบประมาณ พ.ศ. {_thai(year)} "
        "ควรพัฒนาการเปิดเผยข้อมูลในข้อที่ยังไม่ได้รับคะแนน",
        "by_instrument": {
            "IIT": "ควรรักษามาตรฐานการปฏิบัติหน้าที่และการใช้งบประมาณอย่างต่อเนื่อง",
            "EIT": "ควรเผยแพร่ข้อมูลที่ประชาชนควรรู้ผ่านช่องทางที่หลากหลาย",
            "OIT": "หน่วยงานควรปรับปรุงการเปิดเผยข้อมูลในข้อที่ไม่ได้รับคะแนน ดังนี้",
        },
        "by_item": [
            {"item": code, "text": f"หน่วยงานต้องเปิดเผย{framework.item(code).name_th}ให้ครบถ้วน"}
            for code in failed
        ],
    }
    data: dict = {
        "schema_version": 1,
        "agency": {
            "name": name,
            "type": str(row["agency_type"]),
            "province": str(row["province"]),
            "itas_code": str(row["itas_code"]),
        },
        "fiscal_year": year,
        "measures_fiscal_year": year + 1,
        "scores": scores,
    }
    if framework.oit_rollup_known:
        data["oit"] = {"failed_items": failed}
    data["suggestions"] = suggestions
    data["measures"] = _measures(rng, failed, framework, year)
    data["source"] = {"notes": ["Synthetic data for benchmarks: not a real agency or result."]}
    return data


def _peers_table(current: pd.DataFrame, rows: int, fiscal_year: int, seed: int) -> pd.DataFrame:
    """The agencies of ``current`` in their year and (same names) the year before."""
    frames = [current]
    before = fiscal_year - 1
    try:
        earlier = synthetic_results_table(rows, fiscal_year=before, seed=seed + 1)
    except ValueError:  # no national figures for the year before
        return current
    for column in ("agency_name", "agency_type", "province", "itas_code"):
        earlier[column] = current[column].to_numpy()
    frames.insert(0, earlier)
    return pd.concat(frames, ignore_index=True)


def write_synthetic_set(
    folder: str | Path, rows: int, *, fiscal_year: int = 2565, seed: int = 0
) -> SyntheticSet:
    """Write a synthetic national set of ``rows`` agencies into ``folder``.

    Parameters
    ----------
    folder
        Where to write ``assessments/NNNNN.yaml``, ``params/NNNNN.yaml`` and ``peers.csv``.
    rows
        Number of agencies (the national mix of types is kept).
    fiscal_year
        The assessed year (the peers table also holds the year before, when it has figures).
    seed
        The same arguments write the same files.

    Returns
    -------
    SyntheticSet
    """
    folder = Path(folder)
    framework = load_framework(fiscal_year)
    table = synthetic_results_table(rows, fiscal_year=fiscal_year, seed=seed)
    rng = np.random.default_rng(seed + 1000)
    (folder / "assessments").mkdir(parents=True, exist_ok=True)
    (folder / "params").mkdir(parents=True, exist_ok=True)
    peers_path = folder / "peers.csv"
    params, assessments = [], []
    for i, row in table.iterrows():
        data = synthetic_assessment(row, framework, rng)
        for key, value in data["scores"].items():
            table.at[i, key] = str(round_half_up(Decimal(repr(value))))
        path = folder / "assessments" / f"{i:05d}.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
        param = folder / "params" / f"{i:05d}.yaml"
        text = {"assessment": str(path.resolve()), "results_table": str(peers_path.resolve())}
        param.write_text(yaml.safe_dump(text, allow_unicode=True), "utf-8")
        params.append(param)
        assessments.append(path)
    peers = _peers_table(table, rows, fiscal_year, seed)
    peers.to_csv(peers_path, index=False, encoding="utf-8", lineterminator="\n")
    return SyntheticSet(tuple(params), tuple(assessments), peers_path)
