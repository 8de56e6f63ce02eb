"""Audit findings: faults found in a measures document or an assessment file.

:mod:`ita_lib.documents.audit` makes them; ``ita import`` stores them under the assessment's
``document.findings``; the briefing shows them (:func:`document_findings`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from ita_lib.model.assessment import Assessment

__all__ = ["SEVERITIES", "SEVERITY_TH", "Finding", "document_findings"]

SEVERITIES = ("error", "warning", "info")
"""Severities, most serious first: error (the document states something false or foreign),
warning (an inconsistency to look at), info (a blemish)."""

SEVERITY_TH: Mapping[str, str] = MappingProxyType(
    {"error": "ข้อผิดพลาด", "warning": "ข้อควรตรวจสอบ", "info": "ข้อสังเกต"}
)
"""Thai labels of the severities, for the briefing."""


@dataclass(frozen=True)
class Finding:
    """One fault found by the audit.

    Attributes
    ----------
    rule
        The rule's id (see :data:`ita_lib.documents.audit.RULES`).
    severity
        ``"error"``, ``"warning"`` or ``"info"``.
    line
        Where: a line number (text documents and YAML files), a ``"table 2, row 3, cell 4"``
        or ``"paragraph 7"`` text (.docx), or None when the place is unknown.
    message, message_th
        What is wrong, in English and in Thai.
    data_path
        The data path of the text the finding is about (``"suggestions.summary"``), when the
        audit read an assessment's texts; the briefing marks that text where it shows it.
    """

    rule: str
    severity: str
    line: int | str | None
    message: str
    message_th: str
    order: tuple[int, ...] = field(default=(), compare=False, repr=False)
    data_path: str | None = field(default=None, compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """Return the finding as printed by ``ita audit --json``."""
        return {
            "rule": self.rule,
            "severity": self.severity,
            "line": self.line,
            "message": self.message,
        }


def document_findings(assessment: Assessment) -> tuple[Finding, ...]:
    """Return the findings stored in an assessment imported from a document, for the briefing.

    Parameters
    ----------
    assessment
        A loaded assessment. Its ``document.findings`` section is written by ``ita import``.

    Returns
    -------
    tuple of Finding
        Empty when the assessment did not come from a document (or has no findings), else
        the stored findings, most serious first and then in document order. Show
        ``SEVERITY_TH[f.severity]``, ``f.line`` and ``f.message_th``.
    """
    document = assessment.document or {}
    out = []
    for entry in document.get("findings") or ():
        rule = str(entry.get("rule", ""))
        severity = str(entry.get("severity", "info"))
        out.append(
            Finding(
                rule=rule,
                severity=severity if severity in SEVERITIES else "info",
                line=entry.get("line"),
                message=str(entry.get("message", "")),
                message_th=str(entry.get("message_th") or entry.get("message", "")),
            )
        )
    return tuple(
        f for _, f in sorted(enumerate(out), key=lambda x: (SEVERITIES.index(x[1].severity), x[0]))
    )
