"""Render briefing sections as HTML fragments (strings), with every input text escaped.

A :class:`Briefing` gathers what one agency's briefing shows; each of its methods returns an
:class:`HTMLFragment`, which Jupyter displays as HTML and nbconvert exports as is. Rendering is
pure: the same inputs give the same bytes.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from ita_lib._decimal import round_half_up
from ita_lib.assessment import Assessment
from ita_lib.charts import indicator_chart_png
from ita_lib.framework import Framework, load_framework
from ita_lib.scoring import ScoreResult, score_assessment
from ita_lib.thai import Period, format_fiscal_year, format_period, format_score, to_thai_digits

__all__ = ["Briefing", "HTMLFragment", "NumberFormat"]


class HTMLFragment(str):
    """A string of trusted HTML produced by ita_lib's templates; Jupyter shows it as HTML."""

    __slots__ = ()

    def _repr_html_(self) -> str:
        return str(self)

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


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("ita_lib", "templates/fragments"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=False,
        keep_trailing_newline=False,
    )


def _render(template: str, **context: object) -> HTMLFragment:
    return HTMLFragment(_environment().get_template(template).render(**context).strip() + "\n")


@dataclass(frozen=True)
class Briefing:
    """One agency's briefing: the assessment, its framework and its scores.

    Build it with :meth:`Briefing.from_assessment`; each method renders one section.
    """

    assessment: Assessment
    framework: Framework
    result: ScoreResult
    fmt: NumberFormat = NumberFormat()
    run_timestamp: str = ""

    @classmethod
    def from_assessment(
        cls, assessment: Assessment, *, thai_digits: bool = False, run_timestamp: str = ""
    ) -> Briefing:
        """Score ``assessment`` by its fiscal year's rules and prepare its briefing."""
        framework = load_framework(assessment.fiscal_year)
        return cls(
            assessment=assessment,
            framework=framework,
            result=score_assessment(assessment, framework),
            fmt=NumberFormat(thai_digits=thai_digits),
            run_timestamp=run_timestamp,
        )

    @property
    def title(self) -> str:
        """Return the page title: agency and fiscal year."""
        return f"สรุปผล ITA {self.assessment.agency.display_name} ปีงบประมาณ {self.fmt.int(self.assessment.fiscal_year)}"

    # -- sections ------------------------------------------------------------------------------

    def headline(self) -> HTMLFragment:
        """Render the headline: agency, fiscal year, total, rating and pass or fail."""
        agency = self.assessment.agency
        facts = [
            text
            for text in (
                agency.type,
                f"อำเภอ{agency.district}" if agency.district else None,
                f"จังหวัด{agency.province}" if agency.province else None,
                f"รหัส ITAS {agency.itas_code}" if agency.itas_code else None,
            )
            if text
        ]
        below = [i for i in self.result.indicators if i.score < self.result.pass_mark]
        return _render(
            "headline.html.j2",
            f=self.fmt,
            result=self.result,
            agency=agency,
            agency_facts=facts,
            below=below,
            margin=self.result.total_2dp - self.result.pass_mark,
        )

    def score_table(self) -> HTMLFragment:
        """Render indicators by instrument with weights and weighted contributions."""
        by_instrument = {
            ins.code: [i for i in self.result.indicators if i.instrument == ins.code]
            for ins in self.result.instruments
        }
        rounded_sum = sum((i.weighted_2dp for i in self.result.instruments), Decimal(0))
        return _render(
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
        return _render(
            "chart.html.j2",
            png_base64=Markup(base64.b64encode(png).decode("ascii")),
            alt=alt,
            width=640,
            caption="แถบสีเขียว: ตั้งแต่เกณฑ์ผ่านขึ้นไป · แถบสีแดง: ต่ำกว่าเกณฑ์ผ่าน · เส้นประ: เกณฑ์ผ่าน",
        )

    def oit_items(self) -> HTMLFragment:
        """Render the status of OIT items by sub-indicator (or say there are no item results)."""
        subs = self.result.sub_indicators
        n_items = sum(len(s.items) for s in subs) if subs else 0
        n_failed = sum(len(s.failed_items) for s in subs) if subs else 0
        return _render(
            "oit_items.html.j2",
            f=self.fmt,
            subs=subs,
            recomputed=self.result.recomputed,
            n_items=n_items,
            n_passed=n_items - n_failed,
            item_names={item.code: item.name_th or "" for item in self.framework.oit_items()},
        )

    def suggestions(self) -> HTMLFragment:
        """Render NACC's suggestions verbatim, each item with where it sits in the framework."""
        suggestions = self.assessment.suggestions
        items = [
            {"code": s.item, "where": self._item_place(s.item), "text": s.text}
            for s in suggestions.by_item
        ]
        by_instrument = [
            (code, suggestions.by_instrument[code])
            for code in ("IIT", "EIT", "OIT")
            if suggestions.by_instrument.get(code)
        ]
        return _render(
            "suggestions.html.j2",
            suggestions=suggestions,
            by_instrument=by_instrument,
            items=items,
            has_any=bool(suggestions.summary or by_instrument or items),
        )

    def measures(self) -> HTMLFragment:
        """Render the agency's measures: number, title, owner and period."""
        return _render(
            "measures.html.j2",
            f=self.fmt,
            measures=self.assessment.measures,
            measures_fiscal_year=self.assessment.measures_fiscal_year,
        )

    def checks(self) -> HTMLFragment:
        """Render the consistency checks (recomputed indicators, claimed total and rating)."""
        return _render("checks.html.j2", checks=self.result.checks)

    def footer(self) -> HTMLFragment:
        """Render the footer: data source, scoring rules, and the run timestamp if given."""
        weights = {
            i.code: self.fmt.percent(i.weight).removesuffix("%") for i in self.result.instruments
        }
        unverified = any(item.status == "unverified" for item in self.framework.items)
        return _render(
            "footer.html.j2",
            f=self.fmt,
            fiscal_year=self.assessment.fiscal_year,
            weights=weights,
            unverified=unverified,
            source_document=self.assessment.source_document,
            run_timestamp=self.run_timestamp,
        )

    def _item_place(self, code: str) -> str:
        item = self.framework.item(code)
        indicator = self.framework.indicator(item.indicator)
        name = f" {item.name_th}" if item.name_th else ""
        if item.sub_indicator:
            sub = self.framework.sub_indicator(item.sub_indicator)
            return f"{name.strip()} · ตัวชี้วัดย่อย {sub.code} {sub.name_th}".strip(" ·")
        return f"{item.instrument} ตัวชี้วัดที่ {self.fmt.int(indicator.number)} {indicator.name_th}"
