"""Synthetic national results tables, for tests and benchmarks only (never for briefings).

:func:`synthetic_results_table` builds a results table shaped like NACC's national
assessment: about 8,300 agencies of realistic types (local governments are about 7,850 of
them), in the 77 provinces, with indicator scores whose national mean is near the published
average (FY2564: 81.25 over 8,300 agencies; docs/batch-runs.md and the framework reference,
section 3). OIT indicators 9 and 10 are rolled up from simulated item results, as NACC does,
so they take the values real ones take (82.42, 93.75, 50.00 ...).

Every row is marked (:mod:`ita_lib.model.synthetic_marks`): the agency name ends with
``(ข้อมูลสังเคราะห์)`` ("synthetic data"), which every briefing shows in its title and headline,
and the ITAS code starts with ``SYN-``.
The agencies, names and scores are invented; they must not be published as results.

:func:`synthetic_tables` builds the same agencies over several fiscal years (their latent
integrity persists from year to year, so histories look like real ones) together with the
**item results** of every agency and year whose framework has an OIT item catalogue: one row per
agency, year and OIT item, whose roll-up (:func:`ita_lib.analysis.scoring.oit_rollup`) gives
exactly the indicators 9 and 10 of the results table. Items differ in difficulty (a fixed,
seeded offset per item), so some fail far more often than others, as in real results.

``python benchmarks/synthetic_table.py OUT.csv [--rows N] [--seed S] [--fiscal-year Y]`` writes
one as CSV.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from ita_lib.log import logger
from ita_lib.model.assessment import INDICATOR_KEYS
from ita_lib.model.framework import Framework
from ita_lib.model.framework_files import load_framework
from ita_lib.model.synthetic_marks import SYNTHETIC_CODE_PREFIX, SYNTHETIC_MARK

__all__ = [
    "AGENCY_TYPES",
    "NATIONAL_FIGURES",
    "PROVINCES",
    "SyntheticTables",
    "synthetic_results_table",
    "synthetic_tables",
    "write_synthetic_table",
]

# Published national figures (framework reference, section 3.2): agencies assessed and the
# national average total. FY2565 published no average (FY2564's is used); FY2566 gives no exact
# count ("over eight thousand": 8,300 is used); FY2567's average is derived in the reference.
NATIONAL_FIGURES = {
    2564: (8300, 81.25),
    2565: (8303, 81.25),
    2566: (8300, 90.2),
    2567: (8325, 93.05),
    2568: (8317, 93.82),
}

# Agency types and their approximate numbers among ~8,300 assessed agencies. Local governments
# (about 7,850 of them, reference section 3.3) are split as Thailand's local government
# statistics split them; the other groups follow ITAS's list of agency groups, with
# approximate sizes. Each entry: (type, count, group).
AGENCY_TYPES: tuple[tuple[str, int, str], ...] = (
    ("องค์การบริหารส่วนตำบล", 5300, "local"),
    ("เทศบาลตำบล", 2247, "local"),
    ("เทศบาลเมือง", 195, "local"),
    ("เทศบาลนคร", 30, "local"),
    ("องค์การบริหารส่วนจังหวัด", 76, "local"),
    ("องค์กรปกครองส่วนท้องถิ่นรูปแบบพิเศษ", 2, "local"),
    ("จังหวัด", 76, "province"),
    ("ส่วนราชการระดับกรม", 145, "central"),
    ("รัฐวิสาหกิจ", 52, "central"),
    ("องค์การมหาชน", 55, "central"),
    ("สถาบันอุดมศึกษา", 83, "university"),
    ("องค์กรอิสระ ศาล อัยการ และรัฐสภา", 14, "central"),
    ("กองทุน", 15, "central"),
    ("หน่วยงานของรัฐอื่น", 10, "central"),
)

PROVINCES = (
    "กรุงเทพมหานคร", "กระบี่", "กาญจนบุรี", "กาฬสินธุ์", "กำแพงเพชร", "ขอนแก่น", "จันทบุรี",
    "ฉะเชิงเทรา", "ชลบุรี", "ชัยนาท", "ชัยภูมิ", "ชุมพร", "เชียงราย", "เชียงใหม่", "ตรัง", "ตราด",
    "ตาก", "นครนายก", "นครปฐม", "นครพนม", "นครราชสีมา", "นครศรีธรรมราช", "นครสวรรค์",
    "นนทบุรี", "นราธิวาส", "น่าน", "บึงกาฬ", "บุรีรัมย์", "ปทุมธานี", "ประจวบคีรีขันธ์",
    "ปราจีนบุรี", "ปัตตานี", "พระนครศรีอยุธยา", "พะเยา", "พังงา", "พัทลุง", "พิจิตร", "พิษณุโลก",
    "เพชรบุรี", "เพชรบูรณ์", "แพร่", "ภูเก็ต", "มหาสารคาม", "มุกดาหาร", "แม่ฮ่องสอน", "ยโสธร",
    "ยะลา", "ร้อยเอ็ด", "ระนอง", "ระยอง", "ราชบุรี", "ลพบุรี", "ลำปาง", "ลำพูน", "เลย",
    "ศรีสะเกษ", "สกลนคร", "สงขลา", "สตูล", "สมุทรปราการ", "สมุทรสงคราม", "สมุทรสาคร",
    "สระแก้ว", "สระบุรี", "สิงห์บุรี", "สุโขทัย", "สุพรรณบุรี", "สุราษฎร์ธานี", "สุรินทร์",
    "หนองคาย", "หนองบัวลำภู", "อ่างทอง", "อำนาจเจริญ", "อุดรธานี", "อุตรดิตถ์", "อุทัยธานี",
    "อุบลราชธานี",
)  # fmt: skip

_PLACE_HEADS = (
    "บ้าน", "หนอง", "ห้วย", "นา", "โนน", "ดอน", "บึง", "ท่า", "คลอง", "วัง", "โคก", "สระ", "บาง",
    "ทุ่ง", "เขา", "ป่า", "น้ำ", "แม่", "ดง", "หัว",
)  # fmt: skip
_PLACE_TAILS = (
    "ใหญ่", "แก้ว", "ทอง", "งาม", "สูง", "บัว", "ไผ่", "จันทร์", "ขาม", "เหนือ", "ใต้", "กลาง",
    "ยาง", "แดง", "เดื่อ", "ม่วง", "ตาล", "โพธิ์", "ทราย", "หลวง",
)  # fmt: skip
_CENTRAL_NAMES = {
    "ส่วนราชการระดับกรม": "กรม",
    "รัฐวิสาหกิจ": "การ",
    "องค์การมหาชน": "สำนักงาน",
    "สถาบันอุดมศึกษา": "มหาวิทยาลัย",
    "องค์กรอิสระ ศาล อัยการ และรัฐสภา": "สำนักงาน",
    "กองทุน": "กองทุน",
    "หน่วยงานของรัฐอื่น": "สถาบัน",
    "องค์กรปกครองส่วนท้องถิ่นรูปแบบพิเศษ": "นคร",
}

# Score model: a latent "integrity" per agency drives every instrument; the group shifts it.
# IIT and EIT scores are high and tight, as published ones are; OIT items pass with a
# probability rising with the latent value, so indicator 10 (two sub-indicators, one of two
# items) spreads widely. With FY2564's structure the mean total of a national table is ~81.25
# and the local-government means of indicators 9 and 10 are near the published 82.30 and
# 67.28 of ITA 2564 group 6 (reference section 2.5). Other years shift the latent values by an
# offset found by bisection so that the mean total matches that year's national average.
_GROUP_SHIFT = {"local": -0.05, "province": 0.6, "central": 0.7, "university": 0.5}
_IIT_MEAN, _EIT_MEAN = 86.2, 84.2
_OIT_INDICATOR_LOGIT = {9: 2.23, 10: 1.1}
_FALLBACK_OIT_SIZES = {9: (9, 8, 7, 4, 5), 10: (8, 2)}  # FY2564-2565 sub-indicators


def _type_counts(rows: int) -> list[tuple[str, int, str]]:
    """Scale the national type counts to ``rows`` (largest remainders), keeping the order."""
    total = sum(count for _, count, _ in AGENCY_TYPES)
    quotas = [count * rows / total for _, count, _ in AGENCY_TYPES]
    counts = [int(q) for q in quotas]
    by_remainder = sorted(range(len(quotas)), key=lambda i: (counts[i] - quotas[i], i))
    for i in by_remainder[: rows - sum(counts)]:
        counts[i] += 1
    return [(t, n, g) for (t, _, g), n in zip(AGENCY_TYPES, counts, strict=True)]


def _two_decimals(values: np.ndarray) -> list[str]:
    """Round half up to two decimals, as NACC publishes scores, and format them."""
    cent = Decimal("0.01")
    return [
        str(Decimal(repr(round(float(v), 9))).quantize(cent, rounding=ROUND_HALF_UP))
        for v in values
    ]


_ITEM_SPREAD = 0.8  # spread of the items' difficulties (logit scale)
_PERSISTENCE = 0.8  # correlation of an agency's latent value from one year to the next


@dataclass(frozen=True)
class _OitDraw:
    """Indicator 9 and 10 scores and, when the catalogue is known, each item's results."""

    scores: dict[str, np.ndarray]
    items: dict[str, np.ndarray]  # item code -> passed (bool per agency)


def _item_offsets(codes: Sequence[str]) -> np.ndarray:
    """Return each item's difficulty offset: fixed and seeded, the same in every table."""
    offsets = np.random.default_rng(4321).normal(0, _ITEM_SPREAD, len(codes))
    return offsets - offsets.mean()


def _draw_oit(rng: np.random.Generator, latent: np.ndarray, framework: Framework) -> _OitDraw:
    """Simulate OIT item results and roll them up: sub-indicator = mean, indicator = mean of subs."""
    scores: dict[str, np.ndarray] = {}
    items: dict[str, np.ndarray] = {}
    known = framework.oit_rollup_known
    for number in (9, 10):
        logit = _OIT_INDICATOR_LOGIT[number] + 1.6 * latent
        subs = framework.sub_indicators_of(number) if known else ()
        if not subs:
            sizes = _FALLBACK_OIT_SIZES[number]
            p_pass = 1 / (1 + np.exp(-logit))
            scores[f"ind{number}"] = np.mean(
                [rng.binomial(n, p_pass) / n * 100 for n in sizes], axis=0
            )
            continue
        sub_scores = []
        for sub in subs:
            codes = [item.code for item in framework.items_of(sub.code)]
            offsets = _item_offsets(codes)
            passed = rng.random((len(latent), len(codes))) < 1 / (
                1 + np.exp(-(logit[:, None] + offsets[None, :]))
            )
            items.update({code: passed[:, k] for k, code in enumerate(codes)})
            sub_scores.append(passed.mean(axis=1) * 100)
        scores[f"ind{number}"] = np.mean(sub_scores, axis=0)
    return _OitDraw(scores, items)


def _scores(rng: np.random.Generator, latent: np.ndarray, framework: Framework) -> _OitDraw:
    """Draw the ten indicator scores (and the OIT item results) of agencies."""
    rows = len(latent)
    scores: dict[str, np.ndarray] = {}
    for number in range(1, 9):
        instrument = framework.instrument_of(number).code
        mean, spread = (_IIT_MEAN, 4.0) if instrument == "IIT" else (_EIT_MEAN, 4.5)
        value = mean + spread * latent + rng.normal(0, 2.5, rows)
        scores[f"ind{number}"] = np.clip(value, 40, 100)
    oit = _draw_oit(rng, latent, framework)
    return _OitDraw({**scores, **oit.scores}, oit.items)


def _mean_total(scores: dict[str, np.ndarray]) -> float:
    iit = np.mean([scores[f"ind{n}"] for n in range(1, 6)], axis=0)
    eit = np.mean([scores[f"ind{n}"] for n in range(6, 9)], axis=0)
    oit = np.mean([scores["ind9"], scores["ind10"]], axis=0)
    return float(np.mean(0.3 * iit + 0.3 * eit + 0.4 * oit))


@cache
def _latent_offset(fiscal_year: int) -> float:
    """Return the latent shift that brings the mean total to the year's national average."""
    target = NATIONAL_FIGURES[fiscal_year][1]
    framework = load_framework(fiscal_year)
    mix = [_GROUP_SHIFT[group] for _, count, group in _type_counts(8300) for _ in range(count)]
    shifts = np.array(mix)
    low, high = -3.0, 3.0
    for _ in range(30):
        middle = (low + high) / 2
        rng = np.random.default_rng(20240)  # the same draws for every trial offset
        latent = rng.normal(0, 1, len(shifts)) + shifts + middle
        mean = _mean_total(_scores(rng, latent, framework).scores)
        low, high = (middle, high) if mean < target else (low, middle)
    return round((low + high) / 2, 4)


@dataclass(frozen=True)
class SyntheticTables:
    """A synthetic results table and its item results (see :func:`synthetic_tables`).

    Attributes
    ----------
    results
        The results table: columns ``fiscal_year, agency_name, agency_type, province,
        ind1 .. ind10, itas_code``, every cell as text, one row per agency and year.
    items
        The item results in long form: columns ``fiscal_year`` (int), ``itas_code`` (str),
        ``item`` (str, e.g. ``"o12"``) and ``passed`` (bool), one row per agency, year and OIT
        item of the year's catalogue (none for years without one: FY2566 onwards).
    """

    results: pd.DataFrame
    items: pd.DataFrame


def synthetic_tables(
    rows: int | None = None, *, fiscal_years: Sequence[int] = (2564,), seed: int = 0
) -> SyntheticTables:
    """Build a synthetic national table over one or more fiscal years, with item results.

    Parameters
    ----------
    rows
        Number of agencies; default: the number assessed nationally in the first year.
    fiscal_years
        Fiscal years with framework data and national figures (2564 to 2568). The same
        agencies (names, types, provinces, ``SYN-`` codes) appear in every year.
    seed
        Seed of the random generator: the same arguments give the same tables.

    Returns
    -------
    SyntheticTables
        The results table (years in the order given) and the item results.
    """
    years = list(dict.fromkeys(int(y) for y in fiscal_years))
    if not years:
        raise ValueError("fiscal_years must name at least one fiscal year")
    rows = _row_count(rows, years[0])
    for year in years[1:]:
        _row_count(rows, year)
    rng = np.random.default_rng(seed)
    types, groups, provinces, names = _agencies(rng, rows)
    codes = [f"{SYNTHETIC_CODE_PREFIX}{i + 1:05d}" for i in range(rows)]
    base = rng.normal(0, 1, rows)
    group_shift = np.array([_GROUP_SHIFT[g] for g in groups])
    results, items = [], []
    for k, year in enumerate(years):
        framework = load_framework(year)
        latent = base if k == 0 else _PERSISTENCE * base + 0.6 * rng.normal(0, 1, rows)
        draw = _scores(rng, latent + group_shift + _latent_offset(year), framework)
        results.append(
            pd.DataFrame(
                {
                    "fiscal_year": [str(year)] * rows,
                    "agency_name": names,
                    "agency_type": types,
                    "province": provinces,
                    **{key: _two_decimals(draw.scores[key]) for key in INDICATOR_KEYS},
                    "itas_code": codes,
                }
            )
        )
        items.append(_item_frame(year, codes, draw.items))
    return SyntheticTables(
        pd.concat(results, ignore_index=True), pd.concat(items, ignore_index=True)
    )


def _item_frame(year: int, codes: list[str], items: dict[str, np.ndarray]) -> pd.DataFrame:
    """Return item results in long form, agency by agency, items in catalogue order."""
    columns = ["fiscal_year", "itas_code", "item", "passed"]
    if not items:
        return pd.DataFrame(
            {c: pd.Series(dtype=t) for c, t in zip(columns, (int, str, str, bool), strict=True)}
        )
    item_codes = list(items)
    passed = np.column_stack([items[c] for c in item_codes])
    return pd.DataFrame(
        {
            "fiscal_year": np.full(passed.size, year, dtype=int),
            "itas_code": np.repeat(codes, len(item_codes)),
            "item": np.tile(item_codes, len(codes)),
            "passed": passed.reshape(-1),
        },
        columns=columns,
    )


def synthetic_results_table(
    rows: int | None = None, *, fiscal_year: int = 2564, seed: int = 0
) -> pd.DataFrame:
    """Build a synthetic national results table (one row per agency).

    Parameters
    ----------
    rows
        Number of agencies; default: the number assessed nationally that year (8,300 for
        FY2564). Smaller tables keep the national mix of agency types.
    fiscal_year
        A fiscal year with framework data and national figures (2564 to 2568).
    seed
        Seed of the random generator: the same arguments give the same table.

    Returns
    -------
    pandas.DataFrame
        Columns ``fiscal_year, agency_name, agency_type, province, ind1 .. ind10,
        itas_code`` as text, in the results-table format (docs/batch-runs.md). Its item
        results: :func:`synthetic_tables`.
    """
    return synthetic_tables(rows, fiscal_years=(fiscal_year,), seed=seed).results


def _row_count(rows: int | None, fiscal_year: int) -> int:
    """Return the number of agencies to build: ``rows``, or the year's national count."""
    if fiscal_year not in NATIONAL_FIGURES:
        raise ValueError(
            f"no published national figures for FY{fiscal_year}; use one of "
            + ", ".join(map(str, NATIONAL_FIGURES))
        )
    national_count, _mean = NATIONAL_FIGURES[fiscal_year]
    rows = national_count if rows is None else rows
    if rows < 1:
        raise ValueError(f"rows must be at least 1, not {rows}")
    return rows


def _agencies(
    rng: np.random.Generator, rows: int
) -> tuple[list[str], list[str], list[str], list[str]]:
    """Invent ``rows`` agencies in the national mix of types, in random order.

    Returns their types, groups, provinces and marked names, as parallel lists.
    """
    types, groups, provinces, names = [], [], [], []
    for agency_type, count, group in _type_counts(rows):
        for i in range(count):
            province, name = _agency(rng, agency_type, group, i)
            types.append(agency_type)
            groups.append(group)
            provinces.append(province)
            names.append(f"{name} {SYNTHETIC_MARK}")
    order = rng.permutation(rows)
    types, groups, provinces, names = (
        [values[i] for i in order] for values in (types, groups, provinces, names)
    )
    return types, groups, provinces, names


def _agency(rng: np.random.Generator, agency_type: str, group: str, i: int) -> tuple[str, str]:
    """Return the province and the (unmarked) name of the ``i``-th agency of a type."""
    if agency_type in ("จังหวัด", "องค์การบริหารส่วนจังหวัด"):
        province = PROVINCES[1 + i % (len(PROVINCES) - 1)]
        name = f"{agency_type}{province}"
    elif group == "local":
        province = PROVINCES[1 + int(rng.integers(len(PROVINCES) - 1))]
        place = _PLACE_HEADS[int(rng.integers(len(_PLACE_HEADS)))] + str(
            _PLACE_TAILS[int(rng.integers(len(_PLACE_TAILS)))]
        )
        name = f"{agency_type}{place}"
    else:
        bangkok = group == "central" or rng.random() < 0.3
        province = PROVINCES[0 if bangkok else 1 + int(rng.integers(len(PROVINCES) - 1))]
        name = f"{_CENTRAL_NAMES[agency_type]}ตัวอย่างที่ {i + 1}"
    return province, name


def write_synthetic_table(
    path: str | Path, rows: int | None = None, *, fiscal_year: int = 2564, seed: int = 0
) -> Path:
    """Write :func:`synthetic_results_table` as a UTF-8 CSV file and return its path."""
    path = Path(path)
    table = synthetic_results_table(rows, fiscal_year=fiscal_year, seed=seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
    logger.info("wrote %d synthetic agencies to %s", len(table), path)
    return path
