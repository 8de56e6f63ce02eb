"""Render briefing sections as HTML fragments (strings), with every input text escaped.

A :class:`Briefing` gathers what one agency's briefing shows; each of its methods works out one
section as data (:mod:`ita_lib.render.sections`, :mod:`ita_lib.render.summary`,
:mod:`ita_lib.render.appendix`, shared with the email edition) and renders it with its fragment
template (:func:`section_fragment`) as an :class:`HTMLFragment`, which Jupyter displays as HTML
and nbconvert exports as is. Rendering is pure: the same inputs give the same bytes.
"""

from __future__ import annotations

import base64
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib.resources import files
from types import MappingProxyType
from typing import Any, NamedTuple

import pandas as pd
from jinja2 import Environment
from markupsafe import Markup

from ita_lib.analysis.peers import PeerPosition, Trend, is_synthetic_agency, peer_position, trend
from ita_lib.analysis.scoring import ScoreResult
from ita_lib.analysis.weaknesses import Analysis, analyse
from ita_lib.analysis.year_change import compare_years, previous_of
from ita_lib.documents.audit import audit_assessment_texts
from ita_lib.documents.text_rules import assessment_text_units
from ita_lib.model.assessment import Assessment
from ita_lib.model.findings import SEVERITIES, Finding, document_findings
from ita_lib.model.framework import Framework
from ita_lib.model.framework_files import load_framework
from ita_lib.render import appendix, sections
from ita_lib.render.charts import chart_svg
from ita_lib.render.summary import summary_section
from ita_lib.render.templates import template_environment
from ita_lib.text.decimals import round_half_up
from ita_lib.text.digits import to_thai_digits
from ita_lib.text.numbers import format_score
from ita_lib.text.periods import Period, format_period
from ita_lib.text.years import format_fiscal_year

__all__ = [
    "Briefing",
    "HTMLFragment",
    "NumberFormat",
    "PeerSummary",
    "briefing_title",
    "chart_fragment",
    "fragment_css",
    "fragment_style",
    "render_fragment",
    "section_fragment",
    "synthetic_notice",
    "table_fragment",
]


class HTMLFragment(str):
    """A string of trusted HTML produced by ita_lib's templates; Jupyter shows it as HTML."""

    __slots__ = ()

    def _repr_html_(self) -> str:
        # JupyterLab has none of the page's styles: each fragment carries its own (class
        # selectors only, so nothing else in JupyterLab changes); the HTML export strips them
        # and puts them once in the page's head (ita_lib.run.export).
        return fragment_style() + str(self) if self else ""

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

    def digits(self, text: str) -> str:
        """Return a text written with Arabic digits (a framework's description, ``ตั้งแต่ 85``)
        in the briefing's digits."""
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


FRAGMENT_STYLE_START = '<style data-ita-fragment="1">'


@cache
def fragment_css() -> str:
    """Return the fragments' stylesheet (class selectors only: ``templates/fragments/fragments.css``)."""
    css = (files("ita_lib") / "templates" / "fragments" / "fragments.css").read_text("utf-8")
    return re.sub(r"/\*.*?\*/\n?", "", css, flags=re.DOTALL)  # comments are for maintainers


@cache
def fragment_style() -> str:
    """Return the ``<style>`` element each fragment carries in JupyterLab."""
    return f"{FRAGMENT_STYLE_START}{fragment_css()}</style>"


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
    previous: Assessment | None = None

    @classmethod
    def from_assessment(
        cls,
        assessment: Assessment,
        *,
        thai_digits: bool = False,
        run_timestamp: str = "",
        peers: tuple[Assessment, ...] = (),
        previous: Assessment | None = None,
    ) -> Briefing:
        """Score ``assessment`` by its fiscal year's rules and prepare its briefing.

        ``peers`` (for example the rows of a results table) adds the peer and trend section:
        agencies of the same fiscal year are peers, the agency's own rows of other years its
        trend. ``previous`` (the same agency's earlier assessment; by default its latest earlier
        row among ``peers``) adds the section on items failed again and indicators that fell.
        """
        framework = load_framework(assessment.fiscal_year)
        if previous is None:
            previous = previous_of(assessment, peers)
        return cls(
            assessment=assessment,
            framework=framework,
            analysis=analyse(assessment, framework),
            fmt=NumberFormat(thai_digits=thai_digits),
            run_timestamp=run_timestamp,
            peers=tuple(peers),
            previous=previous,
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

    @functools.cached_property
    def text_findings(self) -> tuple[Finding, ...]:
        """Return the text rules' findings on the assessment's own texts (suggestions, measures).

        Another agency's name, the agency's own name misspelled, scores and levels in prose
        that the scores do not give, words written twice; each names its text in ``data_path``.
        """
        return audit_assessment_texts(self.assessment, self.framework)

    @property
    def findings(self) -> tuple[Finding, ...]:
        """Return the audit findings the briefing lists, most serious first.

        An assessment imported from a document carries the document's audit (see
        :func:`ita_lib.model.findings.document_findings`), which covers its texts; any other
        assessment gets :attr:`text_findings`. Show ``SEVERITY_TH[f.severity]``, ``f.line`` (or
        the place of ``f.data_path``) and ``f.message_th``.
        """
        stored = document_findings(self.assessment)
        if stored:
            return stored
        found = self.text_findings
        return tuple(sorted(found, key=lambda f: SEVERITIES.index(f.severity)))

    @functools.cached_property
    def text_flags(self) -> Mapping[str, tuple[str, ...]]:
        """Return, for each of the assessment's texts with findings, the Thai notes to show by it."""
        flags: dict[str, dict[str, None]] = {}
        texts = {unit.data_path: unit.text for unit in assessment_text_units(self.assessment)}
        for finding in self.text_findings:
            flags.setdefault(texts[finding.data_path], {})[finding.message_th] = None
        return MappingProxyType({text: tuple(notes) for text, notes in flags.items()})

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
        return section_fragment(sections.headline_section(self), self.fmt)

    @property
    def rules_caveat(self) -> str:
        """Return one Thai sentence when the year's rules, weights or OIT items are not verified.

        Empty when everything the figures depend on is verified (FY2564-2565).
        """
        order = {"verified": 0, "corroborated": 1, "unverified": 2}
        framework = self.framework
        parts: list[tuple[str, str]] = []
        if framework.rating_status != "verified":
            parts.append(("เกณฑ์การให้ระดับและน้ำหนักของเครื่องมือ", framework.rating_status))
        oit = [i.status for i in framework.items if i.instrument == "OIT"]
        oit.append(framework.scoring.status)
        weakest = max(oit, key=order.__getitem__)
        if weakest != "verified":
            parts.append(("รายการข้อ OIT และการจัดกลุ่มเป็นตัวชี้วัดย่อย", weakest))
        if not parts:
            return ""
        status = max((p[1] for p in parts), key=order.__getitem__)
        words = {"corroborated": "ยืนยันจากแหล่งรองเท่านั้น", "unverified": "ยังไม่ได้ยืนยัน"}
        what = " รวมทั้ง".join(p[0] for p in parts)
        return (
            f"หมายเหตุ: {what}ที่ใช้คำนวณ{self.fmt.fiscal_year(framework.fiscal_year)}"
            f" {words[status]}กับคู่มือการประเมินของสำนักงาน ป.ป.ช."
        )

    def score_table(self) -> HTMLFragment:
        """Render indicators by instrument with weights and weighted contributions."""
        return section_fragment(sections.score_table_section(self), self.fmt)

    def indicator_chart(self) -> HTMLFragment:
        """Render the bar chart of the ten indicators against the pass mark (inline SVG)."""
        texts = sections.chart_texts(self)
        svg = chart_svg(
            "indicators", self.result, thai_digits=self.fmt.thai_digits, title=texts.indicator_alt
        )
        return chart_fragment(svg, texts.indicator_alt, texts.indicator_caption)

    def contribution_chart(self) -> HTMLFragment:
        """Render each instrument's weighted contribution to the total (inline SVG)."""
        texts = sections.chart_texts(self)
        svg = chart_svg(
            "contribution",
            self.result,
            thai_digits=self.fmt.thai_digits,
            title=texts.contribution_alt,
        )
        return chart_fragment(svg, texts.contribution_alt, texts.contribution_caption)

    def executive_summary(self) -> HTMLFragment:
        """Render a few generated sentences: rating, what holds it back, top fixes, coverage."""
        return section_fragment(summary_section(self), self.fmt)

    def what_if(self) -> HTMLFragment:
        """Render the ladder of totals as failed OIT items are fixed, largest gain first."""
        return section_fragment(sections.what_if_section(self), self.fmt)

    def weaknesses(self) -> HTMLFragment:
        """Render the weakness -> NACC suggestion -> measures table, and unmatched suggestions."""
        return section_fragment(sections.weaknesses_section(self), self.fmt, self.text_flags)

    def oit_items(self) -> HTMLFragment:
        """Render the status of OIT items by sub-indicator (or say there are no item results)."""
        return section_fragment(sections.oit_section(self), self.fmt)

    def suggestions(self) -> HTMLFragment:
        """Render NACC's summary and per-instrument suggestions verbatim."""
        return section_fragment(sections.suggestions_section(self), self.fmt, self.text_flags)

    def measures(self) -> HTMLFragment:
        """Render the agency's measures: number, title, owner and period."""
        return section_fragment(sections.measures_section(self), self.fmt, self.text_flags)

    def peers_and_trend(self) -> HTMLFragment:
        """Render the peer and trend section, or nothing when no peers or history were given."""
        section = appendix.peers_section(self)
        return HTMLFragment("") if section is None else section_fragment(section, self.fmt)

    def year_change(self) -> HTMLFragment:
        """Render what changed since the previous assessment, or nothing without one."""
        if self.previous is None:
            return HTMLFragment("")
        change = compare_years(self.assessment, self.previous)
        return render_fragment("year_change.html.j2", f=self.fmt, change=change)

    def document_findings(self) -> HTMLFragment:
        """Render the audit findings of the source document, when the data came from one."""
        return section_fragment(appendix.findings_section(self), self.fmt)

    def checks(self) -> HTMLFragment:
        """Render the consistency checks (recomputed indicators, claimed total and rating)."""
        return section_fragment(appendix.checks_section(self), self.fmt)

    def footer(self) -> HTMLFragment:
        """Render the footer: data source, scoring rules, and the run timestamp if given."""
        return section_fragment(appendix.footer_section(self), self.fmt)


def section_fragment(
    section: object, fmt: NumberFormat, flags: Mapping[str, tuple[str, ...]] | None = None
) -> HTMLFragment:
    """Render a section of :mod:`ita_lib.render.sections` with its fragment template.

    Parameters
    ----------
    section
        A section object; its class names the template (``template``), its fields are the
        template's variables, and ``section`` is the object itself (for its properties).
    fmt
        The number format, ``f`` in the template.
    flags
        Notes on the texts the audit found fault with, by text (``flags`` in the template,
        which shows them beside the text).

    Returns
    -------
    HTMLFragment
    """
    return render_fragment(
        type(section).template,  # type: ignore[attr-defined]
        f=fmt,
        flags=flags or {},
        section=section,
        **sections.section_fields(section),
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


def chart_fragment(chart: bytes | str, alt: str, caption: str) -> HTMLFragment:
    """Embed a chart as a figure with a caption: PNG bytes with ``alt`` text, or an inline
    ``<svg>`` element made by :func:`ita_lib.render.charts.figure_svg` (trusted; its
    ``<title>`` is the alternative text, so ``alt`` is not used)."""
    if isinstance(chart, str):
        return render_fragment("chart.html.j2", svg=Markup(chart), caption=caption)
    png = Markup(base64.b64encode(chart).decode("ascii"))
    return render_fragment(
        "chart.html.j2", svg=None, png_base64=png, alt=alt, width=640, caption=caption
    )
