"""The closing sections of a briefing as data: peers and trend, findings, checks, footer.

Like :mod:`ita_lib.render.sections`: each function takes a
:class:`~ita_lib.render.briefing.Briefing` and returns a frozen section that the browser fragment
renders as it is and the email edition shortens; ``lines`` is a section's plain-text form.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar

from ita_lib.analysis.peers import PeerPosition, TrendPoint
from ita_lib.model.assessment import INSTRUMENT_CODES
from ita_lib.render.sections import one_line

if TYPE_CHECKING:
    from ita_lib.model.findings import Finding
    from ita_lib.render.briefing import Briefing

__all__ = [
    "FINDINGS_TITLE_TH",
    "PERCENTILE_NOTE_TH",
    "SYNTHETIC_PEERS_TH",
    "Checks",
    "Findings",
    "Footer",
    "Peers",
    "checks_section",
    "findings_section",
    "footer_section",
    "peers_section",
]

SYNTHETIC_PEERS_TH = "ข้อมูลเปรียบเทียบในส่วนนี้เป็นข้อมูลสังเคราะห์ (สร้างขึ้นเพื่อทดสอบ ไม่ใช่ผลการประเมินจริง)"
"""The notice of the peer section when the agency or a peer is synthetic."""

PERCENTILE_NOTE_TH = (
    "เปอร์เซ็นไทล์ = ร้อยละของหน่วยงานในกลุ่มที่ได้คะแนนต่ำกว่า (คะแนนเท่ากันนับครึ่งหนึ่ง)",
    "คะแนนสูงเป็นเรื่องปกติของการประเมิน ITA จึงควรดูตำแหน่งในกลุ่มประกอบกับการผ่านเกณฑ์",
)
"""The explanation under the peer table, in two halves (a short email keeps the first)."""


@dataclass(frozen=True)
class Peers:
    """The agency among its peers and over the years; ``shown`` is False when there is neither."""

    template: ClassVar[str] = "peers.html.j2"
    position: PeerPosition | None
    points: tuple[TrendPoint, ...]
    change: Decimal | None
    latest_year: int
    translated: bool
    translated_note: str
    synthetic: bool
    notice: str = SYNTHETIC_PEERS_TH
    note: tuple[str, str] = PERCENTILE_NOTE_TH

    @property
    def shown(self) -> bool:
        """Return True when there is a peer table or a trend of more than one year."""
        return bool(self.position) or len(self.points) > 1


def peers_section(briefing: Briefing) -> Peers | None:
    """Return the peer and trend section, or None without peers (it scores every peer)."""
    summary = briefing.peer_summary()
    if summary is None:
        return None
    translated = [p for p in summary.trend.points if p.rating_latest_scale]
    return Peers(
        position=summary.position,
        points=summary.trend.points,
        change=summary.trend.change,
        latest_year=briefing.assessment.fiscal_year,
        translated=bool(translated),
        translated_note=translated[0].rating_latest_scale.note_th if translated else "",
        synthetic=summary.synthetic,
    )


FINDINGS_TITLE_TH = {
    True: "ข้อสังเกตจากเอกสารต้นฉบับ",
    False: "ข้อสังเกตจากการตรวจข้อความ",
}
"""The findings section's title: from an imported document's audit, or from the briefing's."""


@dataclass(frozen=True)
class Findings:
    """The audit findings (of the source document, or of the assessment's texts), most serious first.

    ``from_document`` is True when the assessment was imported from a document whose audit it
    carries; ``places`` names, in Thai, the text each finding without a line is about.
    """

    template: ClassVar[str] = "findings.html.j2"
    findings: tuple[Finding, ...]
    severity_th: Mapping[str, str]
    source: str | None
    from_document: bool = True
    places: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def title(self) -> str:
        """Return the section's Thai title."""
        return FINDINGS_TITLE_TH[self.from_document]

    def place(self, finding: Finding) -> str:
        """Return where a finding is, in Thai: its line, else the text it is about, else ""."""
        if finding.line is not None:
            return f"บรรทัด {finding.line}" if isinstance(finding.line, int) else str(finding.line)
        return self.places.get(finding.data_path or "", "")

    @property
    def counts(self) -> dict[str, int]:
        """Return the number of findings by severity, most serious first."""
        counts: dict[str, int] = {}
        for finding in self.findings:
            counts[finding.severity] = counts.get(finding.severity, 0) + 1
        return counts

    @property
    def merged(self) -> tuple[tuple[str, str, tuple[Finding, ...]], ...]:
        """Return (severity, message, findings): one entry per message, with all its places."""
        merged: dict[tuple[str, str], list[Finding]] = {}
        for finding in self.findings:
            key = (finding.severity, one_line(finding.message_th))
            merged.setdefault(key, []).append(finding)
        return tuple((sev, message, tuple(same)) for (sev, message), same in merged.items())


def _place_th(path: str, briefing: Briefing) -> str:
    """Name in Thai the text at a data path (``measures[3].title`` is มาตรการที่ 4)."""
    suggestions = briefing.assessment.suggestions
    if path == "suggestions.summary":
        return "ข้อเสนอแนะของสำนักงาน ป.ป.ช. (ภาพรวม)"
    if match := re.fullmatch(r"suggestions\.by_instrument\.(\w+)", path):
        return f"ข้อเสนอแนะของสำนักงาน ป.ป.ช. ({match[1]})"
    if match := re.match(r"suggestions\.by_item\[(\d+)\]", path):
        return f"ข้อเสนอแนะข้อ {suggestions.by_item[int(match[1])].item}"
    if match := re.match(r"measures\[(\d+)\]", path):
        return f"มาตรการที่ {briefing.fmt.int(briefing.assessment.measures[int(match[1])].number)}"
    return "ตารางวิเคราะห์ของหน่วยงาน"


def findings_section(briefing: Briefing) -> Findings:
    """Return the audit findings of ``briefing`` (see :attr:`Briefing.findings`)."""
    from ita_lib.model.findings import SEVERITY_TH, document_findings

    findings = tuple(briefing.findings)
    paths = {f.data_path for f in findings if f.data_path}
    return Findings(
        findings=findings,
        severity_th=SEVERITY_TH,
        source=briefing.assessment.source_document,
        from_document=bool(document_findings(briefing.assessment)),
        places=MappingProxyType({p: _place_th(p, briefing) for p in sorted(paths)}),
    )


CLEAN_CHECKS_TH = "ตรวจสอบความสอดคล้องของคะแนนแล้ว ไม่พบข้อคลาดเคลื่อน"
"""The checks' line when the scores are consistent and the audit found nothing."""


@dataclass(frozen=True)
class Checks:
    """The consistency checks of the scores (recomputed indicators, claimed total and rating).

    ``n_findings`` counts the audit's findings listed after the checks: while there is any,
    the section never says that nothing is wrong.
    """

    template: ClassVar[str] = "checks.html.j2"
    checks: tuple[Any, ...]
    n_findings: int = 0
    clean_line: str = CLEAN_CHECKS_TH

    @property
    def lines(self) -> tuple[str, ...]:
        """Return the checks as plain text, one line each."""
        if not self.checks:
            return (self.clean_line,)
        texts = (one_line(check.message_th) for check in self.checks)
        return tuple(text for text in texts if text)


def checks_section(briefing: Briefing) -> Checks:
    """Return the consistency checks of ``briefing``; the clean line names any findings."""
    n_findings = len(briefing.findings)
    clean = CLEAN_CHECKS_TH
    if n_findings:
        clean = (
            "คะแนนที่คำนวณซ้ำตรงกับคะแนนที่ประกาศ "
            f"แต่ตรวจพบข้อสังเกตในข้อความ {briefing.fmt.int(n_findings)} รายการ (ดูหัวข้อถัดไป)"
        )
    return Checks(checks=tuple(briefing.result.checks), n_findings=n_findings, clean_line=clean)


@dataclass(frozen=True)
class Footer:
    """The footer: data source, scoring rules, and the run timestamp (empty texts are left out)."""

    template: ClassVar[str] = "footer.html.j2"
    source_line: str
    rules_line: str
    timestamp_line: str

    @property
    def lines(self) -> tuple[str, ...]:
        """Return the footer as plain text, one line a paragraph."""
        texts = (one_line(t) for t in (self.source_line, self.rules_line, self.timestamp_line))
        return tuple(text for text in texts if text)


def footer_section(briefing: Briefing) -> Footer:
    """Return the footer of ``briefing``."""
    f = briefing.fmt
    weights = {i.code: f.percent(i.weight).removesuffix("%") for i in briefing.result.instruments}
    rules = (
        f"คำนวณตามเกณฑ์การประเมิน ITA {f.fiscal_year(briefing.assessment.fiscal_year)}: "
        + " · ".join(f"{code} ร้อยละ {weights[code]}" for code in INSTRUMENT_CODES)
    )
    if any(item.status == "unverified" for item in briefing.framework.items):
        rules += " ชื่อรายการบางส่วนในแคตตาล็อกยังไม่ได้ยืนยันกับคู่มือของสำนักงาน ป.ป.ช."
    source = briefing.assessment.source_document
    return Footer(
        source_line=f"ที่มาของข้อมูล: {source}" if source else "",
        rules_line=rules,
        timestamp_line=f"จัดทำเมื่อ {briefing.run_timestamp}" if briefing.run_timestamp else "",
    )
