"""What fixing failed OIT items is worth: gains per item, the ladder, paths to a target rating.

Fixing a failed OIT item adds ``100 / n`` to its sub-indicator (``n`` items), so ``100 / (n * k)``
to its indicator (``k`` sub-indicators) and that times the OIT weight over the number of OIT
indicators to the total. Gains add up, so fixing items in order of gain gives the smallest set
reaching a target (ties: framework order). From FY2566 a level may also need every instrument
at a floor: an instrument under it *blocks* the level whatever items are fixed (:class:`Blocker`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ita_lib.analysis.scoring import ScoreResult
from ita_lib.model.framework import OIT, Framework
from ita_lib.text.decimals import round_half_up

__all__ = [
    "Blocker",
    "ItemGain",
    "LadderStep",
    "RatingPath",
    "capped_gain",
    "item_gains",
    "ladder",
    "rating_path",
]


@dataclass(frozen=True)
class ItemGain:
    """The points fixing one failed OIT item would add."""

    item: str
    name: str
    sub_indicator: str
    gain_indicator: Decimal
    gain_total: Decimal

    def to_dict(self) -> dict[str, Any]:
        """Return ``{item, gain_total}`` (and more) as a JSON-ready dict."""
        return {
            "item": self.item,
            "name": self.name,
            "sub_indicator": self.sub_indicator,
            "gain_indicator": float(round_half_up(self.gain_indicator)),
            "gain_total": float(round_half_up(self.gain_total)),
        }


@dataclass(frozen=True)
class Blocker:
    """An instrument whose score keeps a rating out of reach, whatever OIT items are fixed.

    From FY2566 the higher levels need every instrument at or above a floor (ผ่านดี: 85).
    ``score`` is the instrument's score after every failed OIT item is fixed (IIT and EIT do
    not move), ``needs`` the floor, ``gap`` the points still missing.
    """

    instrument: str
    score: Decimal
    needs: Decimal
    gap: Decimal

    def to_dict(self) -> dict[str, Any]:
        """Return ``{instrument, score, needs, gap}`` as a JSON-ready dict."""
        return {
            "instrument": self.instrument,
            "score": float(round_half_up(self.score)),
            "needs": float(self.needs),
            "gap": float(round_half_up(self.gap)),
        }


@dataclass(frozen=True)
class RatingPath:
    """The fewest failed OIT items whose fixing reaches a target rating.

    ``steps`` holds the running total and rating after each item, in order; ``reachable`` is
    False when even fixing every failed item does not reach the target (then ``items`` are all
    of them), and ``blocked_by`` names the instruments under the target's per-instrument floor.
    """

    target: str
    target_total: Decimal
    items: tuple[str, ...]
    total_after: Decimal
    rating_after: str
    reachable: bool
    steps: tuple[LadderStep, ...] = ()
    blocked_by: tuple[Blocker, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Return ``{target, items, total_after}`` (and more) as a JSON-ready dict."""
        return {
            "target": self.target,
            "items": list(self.items),
            "total_after": float(round_half_up(self.total_after)),
            "rating_after": self.rating_after,
            "reachable": self.reachable,
            "reachable_by_items": self.reachable,
            "blocked_by": [b.to_dict() for b in self.blocked_by],
        }


def item_gains(framework: Framework, failed_items: tuple[str, ...]) -> tuple[ItemGain, ...]:
    """Return the gain of fixing each failed OIT item, largest first (ties: framework order).

    Parameters
    ----------
    framework
        The fiscal year's framework.
    failed_items
        Failed OIT item codes.
    """
    if not framework.oit_rollup_known:
        return ()
    oit = framework.instrument("OIT")
    failed = set(failed_items)
    gains = []
    for sub in framework.sub_indicators:
        n_subs = len(framework.sub_indicators_of(sub.indicator))
        for code in sub.items:
            if code in failed:
                on_indicator = Decimal(100) / (len(sub.items) * n_subs)
                gains.append(
                    ItemGain(
                        item=code,
                        name=framework.item(code).name_th or code,
                        sub_indicator=sub.code,
                        gain_indicator=on_indicator,
                        gain_total=on_indicator * oit.weight / len(oit.indicators),
                    )
                )
    return tuple(sorted(gains, key=lambda g: -g.gain_total))


@dataclass(frozen=True)
class LadderStep:
    """The total and rating once the items up to and including ``gain.item`` are fixed."""

    gain: ItemGain
    total_after: Decimal
    rating_after: str


def ladder(
    framework: Framework, result: ScoreResult, gains: tuple[ItemGain, ...]
) -> tuple[LadderStep, ...]:
    oit = framework.instrument("OIT")
    scores = {i.code: i.score_2dp for i in result.instruments}
    steps, extra = [], Decimal(0)
    for gain in gains:
        extra = capped_gain(result, oit.weight, extra + gain.gain_total)
        scores["OIT"] = round_half_up(result.instrument("OIT").score + extra / oit.weight)
        rating = framework.rate(round_half_up(result.total + extra), scores).label
        steps.append(LadderStep(gain, result.total + extra, rating))
    return tuple(steps)


def capped_gain(result: ScoreResult, oit_weight: Decimal, extra: Decimal) -> Decimal:
    """``extra`` points on the total, at most what takes the OIT score to 100.

    The gains come from the failed items, the base from the given indicators 9 and 10; when a
    document's two disagree (a check reports it), fixing every failed item could otherwise
    push the OIT score past 100.
    """
    room = (Decimal(100) - result.instrument(OIT).score) * oit_weight
    return max(Decimal(0), min(extra, room))


def _blockers(
    framework: Framework, result: ScoreResult, target: str, gains: tuple[ItemGain, ...]
) -> tuple[Blocker, ...]:
    """Return the instruments under ``target``'s floor even after every failed item is fixed."""
    band = next(b for b in framework.rating_bands if b.label == target)
    floor = band.min_each_instrument
    if floor is None:
        return ()
    n_oit = len(framework.instrument(OIT).indicators)
    oit_gain = sum((g.gain_indicator for g in gains), Decimal(0)) / n_oit
    blockers = []
    for ins in result.instruments:
        score = min(Decimal(100), ins.score + (oit_gain if ins.code == OIT else Decimal(0)))
        if round_half_up(score) < floor:
            blockers.append(Blocker(ins.code, score, floor, floor - score))
    return tuple(blockers)


def rating_path(
    framework: Framework,
    result: ScoreResult,
    ladder: tuple[LadderStep, ...],
    target: str,
    target_total: Decimal,
) -> RatingPath:
    labels = [band.label for band in framework.rating_bands]
    goal = labels.index(target)
    if labels.index(result.rating) <= goal:
        return RatingPath(target, target_total, (), result.total, result.rating, True)
    for k, step in enumerate(ladder, start=1):
        if labels.index(step.rating_after) <= goal:
            return RatingPath(
                target, target_total, tuple(s.gain.item for s in ladder[:k]),
                step.total_after, step.rating_after, True, ladder[:k],
            )  # fmt: skip
    last = ladder[-1] if ladder else LadderStep(None, result.total, result.rating)  # type: ignore[arg-type]
    blocked = _blockers(framework, result, target, tuple(s.gain for s in ladder))
    return RatingPath(
        target, target_total, tuple(s.gain.item for s in ladder),
        last.total_after, last.rating_after, False, ladder, blocked,
    )  # fmt: skip
