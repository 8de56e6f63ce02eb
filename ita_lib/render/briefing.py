"""Render briefing sections as HTML fragments (strings), with every input text escaped.

A :class:`Briefing` gathers what one agency's briefing shows; each of its methods returns an
:class:`HTMLFragment`, which Jupyter displays as HTML and nbconvert exports as is. Rendering is
pure: the same inputs give the same bytes.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

import pandas as pd
from jinja2 import Environment
from markupsafe import Markup

from ita_lib.analysis.peers import PeerPosition, Trend, is_synthetic_agency, peer_position, trend
from ita_lib.analysis.scoring import ScoreResult
from ita_lib.analysis.weaknesses import WELL_BELOW_AVERAGE, Analysis, analyse, item_gains
from ita_lib.model.assessment import Assessment
from ita_lib.model.framework import Framework, load_framework
from ita_lib.render.charts import contribution_chart_png, indicator_chart_png
from ita_lib.render.templates import template_environment
from ita_lib.text.decimals import round_half_up
from ita_lib.text.thai import (
    Period,
    format_fiscal_year,
    format_period,
    format_score,
    to_thai_digits,
)

if TYPE_CHECKING:
    from ita_lib.documents.audit import Finding

__all__ = [
    "Briefing",
    "HTMLFragment",
    "NumberFormat",
    "PeerSummary",
    "briefing_title",
    "chart_fragment",
    "render_fragment",
    "synthetic_notice",
    "table_fragment",
]


class HTMLFragment(str):
    """A string of trusted HTML produced by ita_lib's templates; Jupyter shows it as HTML."""

    __slots__ = ()

    def _repr_html_(self) -> str:
        return str(self)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        # The plain-text stand-in Jupyter stores beside the HTML: short, so that executed
        # notebooks do not carry the whole page (base64 charts included) twice.
        printer.text("<ita_lib HTML fragment>")

    def __html__(self) -> str:
        return str(self)


@dataclass(frozen=True)
class NumberFormat:
    """Formats numbers and dates for Thai readers, in Arabic or Thai digits."""

    thai_digits: bool = False

    def score(self, value: Decimal | float, places: int = 2) -> str:
        """Format a score rounded half up (``92.56``)."""
        return format_score(value, places=places, thai_digits=self.thai_digits)

    def int(self, value: int) -> str:
        """Format a whole number."""
        text = str(value)
        return to_thai_digits(text) if self.thai_digits else text

    def percent(self, weight: Decimal) -> str:
        """Format a weight (0.30) as a percentage (``30%``)."""
        return self.int(int(round_half_up(Decimal(weight) * 100, 0))) + "%"

    def fiscal_year(self, year: int) -> str:
        """Format a fiscal year (``ปีงบประมาณ พ.ศ. 2565``)."""
        return format_fiscal_year(year, thai_digits=self.thai_digits)

    def period(self, period: Period) -> str:
        """Format a period of months (``ต.ค. 2565 – ก.ย. 2566``)."""
        return format_period(period, thai_digits=self.thai_digits)


def _environment() -> Environment:
    return template_environment("fragments")


def briefing_title(assessment: Assessment, *, thai_digits: bool = False) -> str:
    """Return a briefing's page title (agency and fiscal year) without analysing it."""
    year = NumberFormat(thai_digits=thai_digits).int(assessment.fiscal_year)
    return f"สรุปผล ITA {assessment.agency.display_name} ปีงบประมาณ {year}"


def render_fragment(template: str, **context: object) -> HTMLFragment:
    """Render one of ita_lib's fragment templates with autoescaping; return trusted HTML."""
    html = _environment().get_template(template).render(**context).strip()
    return HTMLFragment(html + "\n" if html else "")


class PeerSummary(NamedTuple):
    """What the peer and trend section shows (see :meth:`Briefing.peer_summary`).

    ``position`` is None when no peer of the same fiscal year was given; ``trend`` holds the
    agency's own results over the years (one point when there is no history); ``synthetic`` is
    True when the agency or a peer of the same fiscal year comes from a synthetic table.
    """

    position: PeerPosition | None
    trend: Trend
    synthetic: bool


@dataclass(frozen=True)
class Briefing:
    """One agency's briefing: the assessment, its framework and its scores.

    Build it with :meth:`Briefing.from_assessment`; each method renders one section.
    """

    assessment: Assessment
    framework: Framework
    analysis: Analysis
    fmt: NumberFormat = NumberFormat()
    run_timestamp: str = ""
    peers: tuple[Assessment, ...] = ()

    @classmethod
    def from_assessment(
        cls,
        assessment: Assessment,
        *,
        thai_digits: bool = False,
        run_timestamp: str = "",
        peers: tuple[Assessment, ...] = (),
    ) -> Briefing:
        """Score ``assessment`` by its fiscal year's rules and prepare its briefing.

        ``peers`` (for example the rows of a results table) adds the peer and trend section:
        agencies of the same fiscal year are peers, the agency's own rows of other years its
        trend.
        """
        framework = load_framework(assessment.fiscal_year)
        return cls(
            assessment=assessment,
            framework=framework,
            analysis=analyse(assessment, framework),
            fmt=NumberFormat(thai_digits=thai_digits),
            run_timestamp=run_timestamp,
            peers=tuple(peers),
        )

    @property
    def result(self) -> ScoreResult:
        """Return the scores (instruments, total, rating, checks)."""
        return self.analysis.result

    @property
    def title(self) -> str:
        """Return the page title: agency and fiscal year."""
        return briefing_title(self.assessment, thai_digits=self.fmt.thai_digits)

    @property
    def agency_facts(self) -> list[str]:
        """Return the agency's type, district, province and ITAS code, in Thai, as known."""
        agency = self.assessment.agency
        return [
            text
            for text in (
                agency.type,
                f"อำเภอ{agency.district}" if agency.district else None,
                f"จังหวัด{agency.province}" if agency.province else None,
                f"รหัส ITAS {agency.itas_code}" if agency.itas_code else None,
            )
            if text
        ]

    @property
    def findings(self) -> tuple[Finding, ...]:
        """Return the audit findings of the source document, empty unless imported from one.

        Most serious first, then in document order (see :func:`ita_lib.documents.audit.document_findings`);
        show ``SEVERITY_TH[f.severity]``, ``f.line`` and ``f.message_th``.
        """
        from ita_lib.documents.audit import document_findings

        return document_findings(self.assessment)

    def peer_summary(self) -> PeerSummary | None:
        """Return the agency's standing among its peers and its trend, or None without peers.

        Peers are the :attr:`peers` of the same fiscal year, the trend the agency's own rows
        of other years. Each call works it out again (it scores the peers).
        """
        if not self.peers:
            return None
        position = peer_position(self.assessment, self.peers)
        return PeerSummary(
            position=position if position and position.groups else None,
            trend=trend(self.assessment, self.peers),
            synthetic=(position.synthetic if position else False)
            or is_synthetic_agency(self.assessment.agency),
        )

    # -- sections ------------------------------------------------------------------------------

    def headline(self) -> HTMLFragment:
        """Render the headline: agency, fiscal year, total, rating and pass or fail."""
        agency = self.assessment.agency
        below = [i for i in self.result.indicators if i.score < self.result.pass_mark]
        return render_fragment(
            "headline.html.j2",
            f=self.fmt,
            result=self.result,
            agency=agency,
            agency_facts=self.agency_facts,
            below=below,
            margin=self.result.total_2dp - self.result.pass_mark,
            rules_caveat=self.rules_caveat,
        )

    @property
    def rules_caveat(self) -> str:
        """Return a Thai note when the year's rating rules or weights are not verified, else ""."""
        status = self.framework.rating_status
        if status == "verified":
            return ""
        words = {"corroborated": "ยืนยันจากแหล่งรองเท่านั้น", "unverified": "ยังไม่ได้ยืนยัน"}
        return (
            f"หมายเหตุ: เกณฑ์การให้ระดับและน้ำหนักของเครื่องมือที่ใช้คำนวณ{self.fmt.fiscal_year(self.framework.fiscal_year)}"
            f" {words[status]}กับคู่มือการประเมินของสำนักงาน ป.ป.ช."
        )

    def score_table(self) -> HTMLFragment:
        """Render indicators by instrument with weights and weighted contributions."""
        by_instrument = {
            ins.code: [i for i in self.result.indicators if i.instrument == ins.code]
            for ins in self.result.instruments
        }
        rounded_sum = sum((i.weighted_2dp for i in self.result.instruments), Decimal(0))
        return render_fragment(
            "score_table.html.j2",
            f=self.fmt,
            result=self.result,
            indicators_by_instrument=by_instrument,
            total_weight=sum((i.weight for i in self.result.instruments), Decimal(0)),
            rounding_gap=rounded_sum != self.result.total_2dp,
        )

    def indicator_chart(self) -> HTMLFragment:
        """Render the bar chart of the ten indicators against the pass mark (PNG inline)."""
        png = indicator_chart_png(self.result, thai_digits=self.fmt.thai_digits)
        below = [i for i in self.result.indicators if i.score < self.result.pass_mark]
        alt = "แผนภูมิแท่งคะแนน 10 ตัวชี้วัดเทียบกับเกณฑ์ผ่าน " + self.fmt.score(self.result.pass_mark, 0)
        alt += (
            " ตัวชี้วัดที่ต่ำกว่าเกณฑ์: "
            + ", ".join(f"{i.number} ({self.fmt.score(i.score)})" for i in below)
            if below
            else " ทุกตัวชี้วัดผ่านเกณฑ์"
        )
        caption = "แถบสีเขียว: ตั้งแต่เกณฑ์ผ่านขึ้นไป · แถบสีแดง: ต่ำกว่าเกณฑ์ผ่าน · เส้นประ: เกณฑ์ผ่าน"
        return chart_fragment(png, alt, caption)

    def contribution_chart(self) -> HTMLFragment:
        """Render each instrument's weighted contribution to the total (PNG inline)."""
        png = contribution_chart_png(self.result, thai_digits=self.fmt.thai_digits)
        parts = ", ".join(
            f"{i.code} {self.fmt.score(i.weighted)} จาก {self.fmt.score(i.weight * 100, 0)}"
            for i in self.result.instruments
        )
        alt = f"แผนภูมิคะแนนถ่วงน้ำหนักของแต่ละเครื่องมือ: {parts}"
        caption = "แถบสีเข้ม: คะแนนถ่วงน้ำหนักที่ได้ · แถบสีอ่อน: คะแนนเต็มตามน้ำหนักของเครื่องมือ"
        return chart_fragment(png, alt, caption)

    def executive_summary(self) -> HTMLFragment:
        """Render a few generated sentences: rating, what holds it back, top fixes, coverage."""
        result, analysis = self.result, self.analysis
        lost = {i.code: i.weight * (100 - i.score) for i in result.instruments}
        weakest = max(result.instruments, key=lambda i: lost[i.code])
        indicators = [ind for ind in result.indicators if ind.instrument == weakest.code]
        weakest_indicator = min(indicators, key=lambda ind: ind.score)
        if weakest_indicator.score >= 100:
            weakest_indicator = None
        item_weak = analysis.weaknesses_at("item")
        incomplete = {
            g.subject for g in analysis.coverage_gaps if g.kind.startswith("measure_missing")
        }
        return render_fragment(
            "summary.html.j2",
            f=self.fmt,
            agency=self.assessment.agency,
            result=result,
            below_instruments=[i for i in result.instruments if i.score_2dp < result.pass_mark],
            weakest=weakest if lost[weakest.code] > 0 else None,
            weakest_lost=lost[weakest.code],
            weakest_indicator=weakest_indicator,
            n_failed=len(self.assessment.failed_items or ()) if weakest.code == "OIT" else 0,
            has_items=self.assessment.failed_items is not None,
            next_path=analysis.path_to_next_rating,
            pass_path=analysis.path_to_pass_mark,
            all_fixed=analysis.all_fixed_total,
            n_measures=len(self.assessment.measures),
            n_item_weak=len(item_weak),
            n_item_covered=sum(1 for w in item_weak if w.measures),
            uncovered=[w.code for w in item_weak if not w.measures],
            n_incomplete=len(incomplete),
        )

    def what_if(self) -> HTMLFragment:
        """Render the ladder of totals as failed OIT items are fixed, largest gain first."""
        analysis, result = self.analysis, self.result
        milestones = analysis.ladder_milestones
        rows = [
            {
                "gain": step.gain,
                "total": step.total_after,
                "rating": step.rating_after,
                "milestone": milestones.get(k),
            }
            for k, step in enumerate(analysis.ladder, start=1)
        ]
        unit = {
            g.sub_indicator: g.gain_total
            for g in item_gains(self.framework, _one_item_per_sub(self.framework))
        }
        return render_fragment(
            "what_if.html.j2",
            f=self.fmt,
            result=result,
            gains=analysis.what_if,
            rows=rows,
            has_items=self.assessment.failed_items is not None,
            all_fixed=analysis.all_fixed_total,
            gain_10_2=unit.get("10.2", Decimal(0)),
            gain_9_4=unit.get("9.4", Decimal(0)),
        )

    def weaknesses(self) -> HTMLFragment:
        """Render the weakness -> NACC suggestion -> measures table, and unmatched suggestions."""
        return render_fragment(
            "weaknesses.html.j2",
            f=self.fmt,
            weaknesses=self.analysis.weaknesses,
            unmatched=self.analysis.unmatched_suggestions,
            pass_mark=self.result.pass_mark,
            well_below=WELL_BELOW_AVERAGE,
            levels={
                "instrument": "เครื่องมือ",
                "indicator": "ตัวชี้วัด",
                "sub_indicator": "ตัวชี้วัดย่อย",
                "item": "รายข้อ",
            },
        )

    def oit_items(self) -> HTMLFragment:
        """Render the status of OIT items by sub-indicator (or say there are no item results)."""
        subs = self.result.sub_indicators
        n_items = sum(len(s.items) for s in subs) if subs else 0
        n_failed = sum(len(s.failed_items) for s in subs) if subs else 0
        return render_fragment(
            "oit_items.html.j2",
            f=self.fmt,
            subs=subs,
            rollup_known=self.framework.oit_rollup_known,
            fiscal_year=self.framework.fiscal_year,
            recomputed=self.result.recomputed,
            n_items=n_items,
            n_passed=n_items - n_failed,
            item_names={item.code: item.name_th or "" for item in self.framework.oit_items()},
        )

    def suggestions(self) -> HTMLFragment:
        """Render NACC's summary and per-instrument suggestions verbatim."""
        suggestions = self.assessment.suggestions
        by_instrument = [
            (code, suggestions.by_instrument[code])
            for code in ("IIT", "EIT", "OIT")
            if suggestions.by_instrument.get(code)
        ]
        return render_fragment(
            "suggestions.html.j2",
            suggestions=suggestions,
            f=self.fmt,
            by_instrument=by_instrument,
            n_items=len(suggestions.by_item),
            has_any=bool(suggestions.summary or by_instrument or suggestions.by_item),
        )

    def measures(self) -> HTMLFragment:
        """Render the agency's measures: number, title, owner and period."""
        return render_fragment(
            "measures.html.j2",
            f=self.fmt,
            measures=self.assessment.measures,
            measures_fiscal_year=self.assessment.measures_fiscal_year,
            gaps=[g for g in self.analysis.coverage_gaps if g.kind.startswith("measure_missing")],
        )

    def peers_and_trend(self) -> HTMLFragment:
        """Render the peer and trend section, or nothing when no peers or history were given."""
        summary = self.peer_summary()
        if summary is None:
            return HTMLFragment("")
        history = summary.trend
        translated = [p for p in history.points if p.rating_latest_scale]
        return render_fragment(
            "peers.html.j2",
            f=self.fmt,
            position=summary.position,
            points=history.points,
            change=history.change,
            latest_year=self.assessment.fiscal_year,
            translated=bool(translated),
            translated_note=translated[0].rating_latest_scale.note_th if translated else "",
            synthetic=summary.synthetic,
        )

    def document_findings(self) -> HTMLFragment:
        """Render the audit findings of the source document, when the data came from one."""
        from ita_lib.documents.audit import SEVERITY_TH

        return render_fragment(
            "findings.html.j2",
            f=self.fmt,
            findings=self.findings,
            severity_th=SEVERITY_TH,
            source=self.assessment.source_document,
        )

    def checks(self) -> HTMLFragment:
        """Render the consistency checks (recomputed indicators, claimed total and rating)."""
        return render_fragment("checks.html.j2", checks=self.result.checks)

    def footer(self) -> HTMLFragment:
        """Render the footer: data source, scoring rules, and the run timestamp if given."""
        weights = {
            i.code: self.fmt.percent(i.weight).removesuffix("%") for i in self.result.instruments
        }
        unverified = any(item.status == "unverified" for item in self.framework.items)
        return render_fragment(
            "footer.html.j2",
            f=self.fmt,
            fiscal_year=self.assessment.fiscal_year,
            weights=weights,
            unverified=unverified,
            source_document=self.assessment.source_document,
            run_timestamp=self.run_timestamp,
        )


SYNTHETIC_NOTICE_TH = (
    "ข้อมูลในรายงานนี้เป็นข้อมูลสังเคราะห์ที่สร้างขึ้นเพื่อการทดสอบ ไม่ใช่ผลการประเมินจริงของหน่วยงานใด"
)


def synthetic_notice(synthetic: bool) -> HTMLFragment:
    """Return the banner marking synthetic data, or nothing for real data."""
    if not synthetic:
        return HTMLFragment("")
    return render_fragment("notice.html.j2", text=SYNTHETIC_NOTICE_TH)


def table_fragment(frame: pd.DataFrame, *, caption: str = "", index: bool = True) -> HTMLFragment:
    """Render a whole DataFrame (no truncation) as an escaped HTML table.

    Numbers are right-aligned and shown with two decimals when they have a fraction; the index
    is the first column unless ``index`` is False.
    """
    table = frame.reset_index() if index else frame
    kinds = [
        "float" if pd.api.types.is_float_dtype(table[c])
        else "int" if pd.api.types.is_integer_dtype(table[c]) and not pd.api.types.is_bool_dtype(table[c])
        else "text"
        for c in table.columns
    ]  # fmt: skip
    columns = [
        {"name": str(name), "numeric": kind != "text", "kind": kind}
        for name, kind in zip(table.columns, kinds, strict=True)
    ]

    def show(value: object, kind: str) -> str:
        if value is None or (isinstance(value, float) and pd.isna(value)):
            return "–"
        if kind == "float":
            return f"{value:,.2f}"
        if kind == "int":
            return f"{int(value):,}"  # type: ignore[call-overload]
        return str(value)

    rows = [
        [(show(value, col["kind"]), col) for value, col in zip(record, columns, strict=True)]
        for record in table.itertuples(index=False, name=None)
    ]
    return render_fragment("table.html.j2", caption=caption, columns=columns, rows=rows)


def chart_fragment(png: bytes, alt: str, caption: str) -> HTMLFragment:
    """Embed PNG bytes as a figure with alt text and a caption."""
    return render_fragment(
        "chart.html.j2",
        png_base64=Markup(base64.b64encode(png).decode("ascii")),
        alt=alt,
        width=640,
        caption=caption,
    )


def _one_item_per_sub(framework: Framework) -> tuple[str, ...]:
    return tuple(sub.items[0] for sub in framework.sub_indicators if sub.items)
