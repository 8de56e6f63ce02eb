"""The executive summary of a briefing as data: a few sentences, for the browser and the email.

Rating, what holds it back, the fixes that reach the next rating and the pass mark, and how far
the agency's measures cover its weaknesses. A sentence is a run of (text, emphasised) parts; the
browser shows the emphasised parts in bold (``templates/fragments/summary.html.j2``), the email's
text part takes :attr:`Summary.lines`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from ita_lib.render.sections import measure_gaps, one_line

if TYPE_CHECKING:
    from ita_lib.analysis.weaknesses import RatingPath
    from ita_lib.render.briefing import Briefing

__all__ = ["Summary", "summary_section"]


@dataclass(frozen=True)
class Summary:
    """The executive summary: a few sentences, each a run of (text, emphasised) parts."""

    template: ClassVar[str] = "summary.html.j2"
    sentences: tuple[tuple[tuple[str, bool], ...], ...]

    @property
    def lines(self) -> tuple[str, ...]:
        """Return the sentences as plain text, one line each."""
        texts = (one_line("".join(text for text, _ in sentence)) for sentence in self.sentences)
        return tuple(text for text in texts if text)


def _rating_sentence(briefing: Briefing) -> list[tuple[str, bool]]:
    f, result = briefing.fmt, briefing.result
    head = f"{briefing.assessment.agency.display_name} ได้คะแนน ITA {f.fiscal_year(result.fiscal_year)} รวม "
    tail = f" {'ผ่าน' if result.passed else 'ยังไม่ผ่าน'}เกณฑ์ {f.score(result.pass_mark, 0)} คะแนน"
    below = [i for i in result.instruments if i.score_2dp < result.pass_mark]
    if below:
        # "แต่" only where there is a contrast: passing overall with an instrument below the mark.
        tail += (" แต่" if result.passed else " โดย") + "".join(
            f" {i.code} ({f.score(i.score)})" for i in below
        )
        tail += " ยังต่ำกว่าเกณฑ์"
    return [
        (head, False),
        (f.score(result.total), True),
        (" คะแนน ระดับ ", False),
        (result.rating, True),
        (tail, False),
    ]


def _weakest(briefing: Briefing) -> tuple[Any, Decimal, Any, int]:
    """Return the instrument losing most, its weighted loss, its lowest indicator, failed items."""
    result = briefing.result
    lost = {i.code: i.weight * (100 - i.score) for i in result.instruments}
    weakest = max(result.instruments, key=lambda i: lost[i.code])
    indicators = [ind for ind in result.indicators if ind.instrument == weakest.code]
    lowest = min(indicators, key=lambda ind: ind.score)
    failed = briefing.assessment.failed_items
    n_failed = len(failed or ()) if weakest.code == "OIT" else 0
    return weakest, lost[weakest.code], lowest if lowest.score < 100 else None, n_failed


def _weakest_sentence(briefing: Briefing) -> list[tuple[str, bool]]:
    f = briefing.fmt
    weakest, lost, indicator, n_failed = _weakest(briefing)
    if lost <= 0:
        return []
    text = (
        f"เครื่องมือที่เสียคะแนนมากที่สุดคือ {weakest.code} ({f.score(weakest.score)} คะแนน "
        f"ถ่วงน้ำหนักแล้วหายไป {f.score(lost)} คะแนนจากคะแนนเต็ม)"
    )
    if indicator:
        text += f" โดยเฉพาะตัวชี้วัดที่ {f.int(indicator.number)} {indicator.name_th} ({f.score(indicator.score)})"
    if n_failed:
        text += f" ซึ่งไม่ผ่านการตรวจ OIT {f.int(n_failed)} ข้อ"
    return [(text, False)]


def _next_rating_sentence(briefing: Briefing) -> list[tuple[str, bool]]:
    f, analysis = briefing.fmt, briefing.analysis
    n_failed = _weakest(briefing)[3]
    path = analysis.path_to_next_rating
    if path and path.blocked_by:
        return _blocked_sentence(briefing, path)
    if not (path and path.items):
        if n_failed == 0 and briefing.assessment.failed_items is not None:
            return [("ผ่านการตรวจ OIT ครบทุกข้อ คะแนนที่ยังเพิ่มได้มาจาก IIT และ EIT", False)]
        return []
    steps = [f"{step.gain.item} (+{f.score(step.gain.gain_total)})" for step in path.steps]
    fixes = ", ".join([*steps[:-2], " และ ".join(steps[-2:])])
    parts = [(f"หากแก้ไข {fixes} คะแนนรวมจะเป็น ", False), (f.score(path.total_after), True)]
    if path.reachable:
        parts += [(" ถึงระดับ ", False), (path.rating_after, True)]
    else:
        parts += [(f" ระดับ {path.rating_after} ซึ่งยังไม่ถึงระดับ {path.target}", False)]
    if analysis.all_fixed_total is not None and len(path.items) < n_failed:
        parts += [(f" (แก้ไขครบทุกข้อได้ {f.score(analysis.all_fixed_total)})", False)]
    return parts


def _blocked_sentence(briefing: Briefing, path: RatingPath) -> list[tuple[str, bool]]:
    """Say which instrument keeps the next level out of reach, and by how many points."""
    f = briefing.fmt
    needs = [
        f"{b.instrument} ได้ {f.score(b.score)} ต้องเพิ่มอีก {f.score(b.gap)} คะแนน"
        for b in path.blocked_by
    ]
    floor = f.score(path.blocked_by[0].needs, 0)
    text = (
        f"ระดับ {path.target} ต้องได้คะแนนทุกเครื่องมือตั้งแต่ {floor} คะแนน "
        f"แต่ {' และ '.join(needs)} การแก้ไขข้อ OIT อย่างเดียวจึงไม่พอ"
    )
    return [(text, False)]


def _pass_mark_sentence(briefing: Briefing) -> list[tuple[str, bool]]:
    f, path = briefing.fmt, briefing.analysis.path_to_pass_mark
    if not (path and path.items):
        return []
    text = (
        f"เพื่อให้ถึงเกณฑ์ผ่าน {f.score(briefing.result.pass_mark, 0)} คะแนน ต้องแก้ไขอย่างน้อย "
        f"{f.int(len(path.items))} ข้อ ({', '.join(path.items)})"
    )
    if not path.reachable:
        text += " ซึ่งแม้แก้ไขครบก็ยังไม่ถึงเกณฑ์ เพราะคะแนน IIT/EIT ต่ำ"
    return [(text, False)]


def _coverage_sentence(briefing: Briefing) -> list[tuple[str, bool]]:
    f, analysis = briefing.fmt, briefing.analysis
    n_measures = len(briefing.assessment.measures)
    if not n_measures:
        return [("ไฟล์ข้อมูลไม่มีมาตรการของหน่วยงาน จึงยังประเมินความครอบคลุมของมาตรการไม่ได้", False)]
    item_weak = analysis.weaknesses_at("item")
    covered = sum(1 for w in item_weak if w.measures)
    text = (
        f"มาตรการ {f.int(n_measures)} รายการของหน่วยงานรองรับจุดอ่อนรายข้อ {f.int(covered)} "
        f"จาก {f.int(len(item_weak))} รายการ"
    )
    uncovered = [w.code for w in item_weak if not w.measures]
    if uncovered:
        text += f" ยังไม่มีมาตรการรองรับ {', '.join(uncovered)}"
    incomplete = {g.subject for g in measure_gaps(briefing)}
    if incomplete:
        text += f" และมีมาตรการ {f.int(len(incomplete))} รายการที่ยังขาดผู้รับผิดชอบ ระยะเวลา หรือวิธีติดตามผล"
    return [(text, False)]


def summary_section(briefing: Briefing) -> Summary:
    """Return the executive summary: rating, what holds it back, top fixes, coverage."""
    sentences = (
        _rating_sentence(briefing),
        _weakest_sentence(briefing),
        _next_rating_sentence(briefing),
        _pass_mark_sentence(briefing),
        _coverage_sentence(briefing),
    )
    return Summary(sentences=tuple(tuple(s) for s in sentences if s))
