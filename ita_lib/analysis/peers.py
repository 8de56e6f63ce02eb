"""Peers and trends: where an agency stands among others, and how it moved over the years.

All functions are pure: they take assessments (for example the rows of a results table, see
:func:`ita_lib.load_results_table`) and return new objects. Scores are recomputed by each row's
own fiscal-year rules, so tables may mix years and rating scales.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from ita_lib.analysis.crosswalk import TranslatedRating, rerate
from ita_lib.analysis.scoring import score_assessment
from ita_lib.analysis.table_scoring import score_assessments
from ita_lib.model.assessment import INDICATOR_KEYS, Agency, Assessment
from ita_lib.model.framework_files import load_framework
from ita_lib.model.synthetic_marks import is_synthetic
from ita_lib.text.decimals import round_half_up

__all__ = [
    "PeerGroup",
    "PeerPosition",
    "Trend",
    "TrendPoint",
    "is_synthetic_agency",
    "peer_position",
    "results_frame",
    "same_agency",
    "trend",
]


def is_synthetic_agency(agency: Agency) -> bool:
    """Return whether an agency comes from a synthetic table (marked name or ``SYN-`` code)."""
    return is_synthetic(agency.name, agency.itas_code)


def _key(name: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", name))


def same_agency(a: Agency, b: Agency) -> bool:
    """Return whether two records name the same agency: same ITAS code, else same name."""
    if a.itas_code and b.itas_code:
        return a.itas_code == b.itas_code
    return _key(a.name) == _key(b.name)


def results_frame(assessments: Iterable[Assessment]) -> pd.DataFrame:
    """Score assessments and return one row each, for tables and charts.

    Returns
    -------
    pandas.DataFrame
        Columns ``fiscal_year, agency_name, agency_type, province, district, itas_code,
        ind1 .. ind10, IIT, EIT, OIT, total, rating, passed, synthetic`` (scores as floats rounded
        to two decimals, as published).
    """
    assessments = tuple(assessments)
    scores = score_assessments(assessments)
    rows = []
    for i, assessment in enumerate(assessments):
        agency = assessment.agency
        rows.append(
            {
                "fiscal_year": assessment.fiscal_year,
                "agency_name": agency.name,
                "agency_type": agency.type,
                "province": agency.province,
                "district": agency.district,
                "itas_code": agency.itas_code,
                **{
                    key: float(assessment.scores[n])
                    for n, key in enumerate(INDICATOR_KEYS, start=1)
                },
                **{code: int(values[i]) / 100 for code, values in scores.instruments.items()},
                "total": int(scores.total[i]) / 100,
                "rating": scores.rating[i],
                "passed": bool(scores.passed[i]),
                "synthetic": is_synthetic_agency(agency),
            }
        )
    columns = [
        "fiscal_year", "agency_name", "agency_type", "province", "district", "itas_code",
        *INDICATOR_KEYS, "IIT", "EIT", "OIT", "total", "rating", "passed", "synthetic",
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


@dataclass(frozen=True)
class _PeerScore:
    """What a peer comparison needs of a peer's score."""

    total_2dp: Decimal
    passed: bool


_SCORED: dict[int, tuple[tuple[Assessment, ...], tuple[tuple[Assessment, _PeerScore], ...]]] = {}


def _scored(peers: tuple[Assessment, ...]) -> tuple[tuple[Assessment, _PeerScore], ...]:
    """Score peers once per peer tuple (at once, exactly): a batch passes the same cached
    table to every briefing."""
    cached = _SCORED.get(id(peers))
    if cached is not None and cached[0] is peers:
        return cached[1]
    scores = score_assessments(peers)
    scored = tuple(
        (p, _PeerScore(scores.as_decimal(scores.total, i), bool(scores.passed[i])))
        for i, p in enumerate(peers)
    )
    if len(_SCORED) >= 4:
        _SCORED.pop(next(iter(_SCORED)))
    _SCORED[id(peers)] = (peers, scored)  # the tuple is kept, so its id is not reused
    return scored


@dataclass(frozen=True)
class PeerGroup:
    """An agency's standing in one group of peers (same fiscal year).

    ``percentile`` is the share of the group scoring below the agency, ties counting half
    (0 = lowest, 100 = highest); ``rank`` 1 is the highest total.
    """

    label_th: str
    size: int
    rank: int
    percentile: Decimal
    median: Decimal
    share_passed: Decimal


@dataclass(frozen=True)
class PeerPosition:
    """An agency's standing nationally, among its type, in its province, and both."""

    fiscal_year: int
    total: Decimal
    groups: tuple[PeerGroup, ...]
    synthetic: bool


def _group(label: str, totals: list[Decimal], total: Decimal, passed: int) -> PeerGroup:
    below = sum(1 for t in totals if t < total)
    ties = sum(1 for t in totals if t == total)
    ordered = sorted(totals)
    mid = len(ordered) // 2
    median = ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2
    return PeerGroup(
        label_th=label,
        size=len(totals),
        rank=sum(1 for t in totals if t > total) + 1,
        percentile=round_half_up(Decimal(100) * (below + Decimal(ties) / 2) / len(totals), 1),
        median=round_half_up(median),
        share_passed=round_half_up(Decimal(100) * passed / len(totals), 1),
    )


def peer_position(assessment: Assessment, peers: Iterable[Assessment]) -> PeerPosition | None:
    """Place an assessment among peers of the same fiscal year.

    Parameters
    ----------
    assessment
        The agency's assessment.
    peers
        Other agencies' assessments (the agency itself may be among them; it is counted once).
        Only those of the same fiscal year are used.

    Returns
    -------
    PeerPosition or None
        None when no peer of that fiscal year is given. Groups with fewer than two agencies
        are left out.
    """
    result = score_assessment(assessment)
    total = result.total_2dp
    scored = [
        (p, r)
        for p, r in _scored(tuple(peers))
        if p.fiscal_year == assessment.fiscal_year and not same_agency(p.agency, assessment.agency)
    ]
    if not scored:
        return None
    same_year = [p for p, _ in scored]
    agency = assessment.agency
    definitions = [
        ("ทั้งประเทศ", lambda p: True),
        (f"ประเภทเดียวกัน ({agency.type})", lambda p: agency.type and p.agency.type == agency.type),
        (f"จังหวัดเดียวกัน ({agency.province})", lambda p: agency.province and p.agency.province == agency.province),
        (
            f"ประเภทเดียวกันในจังหวัด{agency.province}",
            lambda p: agency.type and agency.province
            and p.agency.type == agency.type and p.agency.province == agency.province,
        ),
    ]  # fmt: skip
    groups = []
    for label, member in definitions:
        members = [r for p, r in scored if member(p)]
        if len(members) + 1 < 2 or (label != "ทั้งประเทศ" and not members):
            continue
        totals = [r.total_2dp for r in members] + [total]
        passed = sum(1 for r in members if r.passed) + int(result.passed)
        groups.append(_group(label, totals, total, passed))
    synthetic = is_synthetic_agency(agency) or any(is_synthetic_agency(p.agency) for p in same_year)
    return PeerPosition(assessment.fiscal_year, total, tuple(groups), synthetic)


@dataclass(frozen=True)
class TrendPoint:
    """One fiscal year of an agency's results, with its rating on the latest year's scale."""

    fiscal_year: int
    total: Decimal
    rating: str
    passed: bool
    rating_latest_scale: TranslatedRating | None


@dataclass(frozen=True)
class Trend:
    """An agency's results over the fiscal years given, oldest first."""

    points: tuple[TrendPoint, ...]

    @property
    def change(self) -> Decimal | None:
        """Return the change of the total from the previous year to the latest, if any."""
        if len(self.points) < 2:
            return None
        return self.points[-1].total - self.points[-2].total


def trend(assessment: Assessment, history: Iterable[Assessment]) -> Trend:
    """Collect an agency's results over the years from ``history`` (and the assessment itself).

    Records of other agencies are ignored (see :func:`same_agency`); for each earlier year the
    rating is also given on the assessment's own (latest) scale when the scales differ,
    labelled as a translation.
    """
    by_year = {assessment.fiscal_year: assessment}
    for other in history:
        if same_agency(other.agency, assessment.agency) and other.fiscal_year not in by_year:
            by_year[other.fiscal_year] = other
    latest = load_framework(assessment.fiscal_year)
    points = []
    for year in sorted(by_year):
        result = score_assessment(by_year[year])
        translated = None
        if load_framework(year).rating_rules() != latest.rating_rules():
            translated = rerate(result, latest)
        points.append(TrendPoint(year, result.total_2dp, result.rating, result.passed, translated))
    return Trend(tuple(points))
