"""The email edition's template variables, from the briefing's sections at one level of detail.

The sections (:mod:`ita_lib.render.sections`, :mod:`ita_lib.render.summary`,
:mod:`ita_lib.render.appendix`) are worked out once per briefing (:func:`email_sections`); this
module formats them for ``templates/email/*.j2``, shortening long texts and cutting long lists
as far as a :class:`Detail` asks. The executive summary, the checks and the footer are the
browser's own fragments in the HTML part and their sections' ``lines`` in the text part.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from ita_lib.render import appendix, sections
from ita_lib.render.briefing import Briefing, NumberFormat, section_fragment
from ita_lib.render.sections import CHART_CAPTIONS, LEVELS_TH, one_line
from ita_lib.render.summary import Summary, summary_section

if TYPE_CHECKING:
    from ita_lib.render.email_edition import InlineImage

__all__ = ["DETAILS", "Detail", "EmailSections", "clip", "email_context", "email_sections"]


@dataclass(frozen=True)
class Detail:
    """How much of the long texts and lists the edition shows."""

    text_limit: int | None  # characters of a suggestion (NACC's text) or similar paragraph
    name_limit: int | None  # characters of a title, name or owner
    max_rows: int | None  # rows of a long list (weaknesses, measures, ladder, gaps)
    max_links: int | None  # measures or suggestions under one weakness
    link_title_limit: int  # characters of a measure's title under a weakness (0: number only)
    max_findings: int | None  # findings of the source document's audit (errors come first)


DETAILS = (
    Detail(None, None, None, None, 80, None),
    Detail(500, None, None, 8, 50, 4),
    Detail(300, 200, 40, 5, 0, 4),
    Detail(160, 120, 25, 3, 0, 3),
    Detail(100, 80, 15, 2, 0, 3),
    Detail(60, 60, 8, 1, 0, 2),
)
"""The levels of detail tried in turn, full text first."""


@dataclass(frozen=True)
class EmailSections:
    """Every section the email shows, worked out once (the peers are scored once)."""

    headline: sections.Headline
    scores: sections.ScoreTable
    summary: Summary
    oit: sections.OitGrid
    what_if: sections.WhatIf
    suggestions: sections.Suggestions
    weaknesses: sections.Weaknesses
    measures: sections.Measures
    peers: appendix.Peers | None
    findings: appendix.Findings
    checks: appendix.Checks
    footer: appendix.Footer


def email_sections(briefing: Briefing) -> EmailSections:
    """Return the sections of ``briefing`` the email edition shows."""
    return EmailSections(
        headline=sections.headline_section(briefing),
        scores=sections.score_table_section(briefing),
        summary=summary_section(briefing),
        oit=sections.oit_section(briefing),
        what_if=sections.what_if_section(briefing),
        suggestions=sections.suggestions_section(briefing),
        weaknesses=sections.weaknesses_section(briefing),
        measures=sections.measures_section(briefing),
        peers=appendix.peers_section(briefing),
        findings=appendix.findings_section(briefing),
        checks=appendix.checks_section(briefing),
        footer=appendix.footer_section(briefing),
    )


# -- shortening --------------------------------------------------------------------------------


def clip(text: str | None, limit: int | None) -> str:
    """Shorten ``text`` to about ``limit`` characters, never inside a Thai cluster."""
    text = one_line(text or "")
    if limit is None or len(text) <= limit:
        return text
    cut = limit
    while cut > 0 and unicodedata.category(text[cut]) in {"Mn", "Mc"}:
        cut -= 1  # keep a base letter with its vowels and tone marks above and below
    while cut > 0 and "\u0e40" <= text[cut - 1] <= "\u0e44":
        cut -= 1  # and a leading vowel (เ แ โ ใ ไ) with the letter it is written before
    space = text.rfind(" ", max(0, cut - 30), cut)
    if space > 0:
        cut = space
    return text[:cut].rstrip() + " …"


def _squeeze(text: str | None) -> str:
    return "".join((text or "").split())


def _most_common(values: Sequence[str]) -> str | None:
    """Return the value (compared without spaces) shared by more than half of ``values``."""
    counts: dict[str, int] = {}
    for value in values:
        counts[_squeeze(value)] = counts.get(_squeeze(value), 0) + 1
    for value in values:
        if counts[_squeeze(value)] * 2 > len(values) and len(values) > 1:
            return value
    return None


def _rows(rows: Sequence[Any], limit: int | None) -> tuple[list[Any], int]:
    """Return the first ``limit`` rows and how many were left out."""
    if limit is None or len(rows) <= limit:
        return list(rows), 0
    return list(rows[:limit]), len(rows) - limit


def _more(f: NumberFormat, count: int) -> str:
    return f.int(count) if count > 0 else ""


# -- the sections ------------------------------------------------------------------------------


def _headline(briefing: Briefing, headline: sections.Headline, detail: Detail) -> dict[str, Any]:
    f, result, agency = briefing.fmt, headline.result, headline.agency
    preheader = f"{agency.display_name} ได้ {f.score(result.total)} คะแนน ระดับ {result.rating} " + (
        "ผ่านเกณฑ์" if result.passed else "ยังไม่ผ่านเกณฑ์"
    )
    next_path = briefing.analysis.path_to_next_rating
    if next_path and next_path.reachable and next_path.items:
        preheader += f" · แก้ไข {f.int(len(next_path.items))} ข้อ ได้ระดับ {next_path.rating_after}"
    return {
        "preheader": clip(preheader, 150),
        "kicker": "ผลการประเมินคุณธรรมและความโปร่งใสในการดำเนินงานของหน่วยงานภาครัฐ (ITA) "
        + f.fiscal_year(result.fiscal_year),
        "agency_name": clip(agency.name, detail.name_limit),
        "facts": [clip(fact, detail.name_limit) for fact in headline.agency_facts],
        "total": f.score(result.total),
        "hundred": f.int(100),
        "rating": result.rating,
        "rating_description": f.digits(result.rating_description_th or ""),
        "pass_mark": f.score(result.pass_mark, 0),
        "passed": result.passed,
        "margin": f.score(abs(headline.margin)),
        "caveat": headline.rules_caveat,
    }


def _instruments(f: NumberFormat, scores: sections.ScoreTable) -> list[dict[str, Any]]:
    return [
        {
            "code": ins.code,
            "name": ins.name_th,
            "weight": f"น้ำหนัก {f.percent(ins.weight)}",
            "score": f.score(ins.score),
            "indicators": [
                {
                    "number": f.int(ind.number),
                    "name": ind.name_th,
                    "score": f.score(ind.score),
                    "below": scores.is_below(ind),
                }
                for ind in scores.indicators_by_instrument[ins.code]
            ],
        }
        for ins in scores.result.instruments
    ]


def _charts(images: Sequence[InlineImage]) -> list[dict[str, Any]]:
    return [
        {
            "cid": image.cid,
            "alt": image.alt,
            "caption": CHART_CAPTIONS[image.filename.removesuffix(".png")],
            "width": image.width,
            "height": image.height,
        }
        for image in images
    ]


def _oit(f: NumberFormat, oit: sections.OitGrid) -> dict[str, Any] | None:
    if oit.subs is None:
        return None
    return {
        "n_items": f.int(oit.n_items),
        "n_passed": f.int(oit.n_passed),
        "subs": [
            {
                "code": sub.code,
                "name": sub.name_th,
                "score": f.score(sub.score),
                "failed": [(code, oit.item_names.get(code, "")) for code in sub.failed_items],
            }
            for sub in oit.subs
        ],
    }


def _ladder(f: NumberFormat, what_if: sections.WhatIf, detail: Detail) -> dict[str, Any]:
    rows = [
        {
            "index": f.int(row.index),
            "item": row.gain.item,
            "name": row.gain.name,
            "sub": row.gain.sub_indicator,
            "gain": f.score(row.gain.gain_total),
            "total": f.score(row.total),
            "rating": row.rating,
            "milestone": row.milestone,
        }
        for row in what_if.rows
    ]
    keep = None if detail.max_rows is None else max(detail.max_rows, *what_if.milestones, 0)
    rows, more = _rows(rows, keep)  # never cut before the next rating or the pass mark
    return {
        "ladder": rows,
        "ladder_more": _more(f, more),
        "ladder_note": "ไม่มีข้อ OIT ที่ไม่ผ่าน"
        if what_if.has_items
        else "ไฟล์ข้อมูลไม่มีผลการตรวจรายข้อ OIT จึงคำนวณคะแนนที่เพิ่มได้ไม่ได้",
        "all_fixed": f.score(what_if.all_fixed) if what_if.all_fixed is not None else "",
    }


def _measure_links(f: NumberFormat, links: Sequence[Any], detail: Detail) -> list[dict[str, str]]:
    return [
        {
            "number": f.int(link.measure),
            "title": clip(link.title, detail.link_title_limit) if detail.link_title_limit else "",
            "how": "ระบุในไฟล์ข้อมูล"
            if link.how == "explicit"
            else "อนุมานจากคำว่า " + ", ".join(f"“{t}”" for t in link.matched_terms),
        }
        for link in links
    ]


def _weakness(f: NumberFormat, w: Any, detail: Detail) -> dict[str, Any]:
    texts, _ = _rows(w.suggestions, detail.max_links)
    direct = w.level in {"instrument", "item"}
    links, links_more = _rows(w.measures if direct else (), detail.max_links)
    return {
        "code": w.code,
        "name": clip(w.name, detail.name_limit),
        "score": f.score(w.score) if w.score is not None else "",
        "level": LEVELS_TH.get(w.level, w.level),
        "reason": w.reason_th,
        "place": w.place_th,
        "gain": f.score(w.gain_total) if w.gain_total is not None else "",
        "suggestions": [clip(t, detail.text_limit) for t in texts],
        "links": _measure_links(f, links, detail),
        "links_more": f.int(links_more) if links_more else "",
        # an indicator or sub-indicator is addressed through its weak items
        "through": ", ".join(f.int(link.measure) for link in w.measures) if not direct else "",
        "gap": w.level == "item" and not w.measures,
    }


def _weaknesses(f: NumberFormat, section: sections.Weaknesses, detail: Detail) -> dict[str, Any]:
    weaknesses, weaknesses_more = _rows(
        [_weakness(f, w, detail) for w in section.weaknesses], detail.max_rows
    )
    unmatched, _ = _rows(
        [(code, clip(text, detail.text_limit)) for code, text in section.unmatched],
        detail.max_rows,
    )
    gaps, gaps_more = _rows([g.message_th for g in section.coverage_gaps], detail.max_rows)
    return {
        "weaknesses": weaknesses,
        "weaknesses_more": _more(f, weaknesses_more),
        "unmatched": unmatched,
        "gaps": gaps,
        "gaps_more": _more(f, gaps_more),
    }


def _measure(f: NumberFormat, m: Any, detail: Detail) -> dict[str, str]:
    clip_name = partial(clip, limit=detail.name_limit)
    return {
        "number": f.int(m.number),
        "title": clip_name(m.title),
        "owner": clip_name(m.owner) or "ไม่ระบุผู้รับผิดชอบ",
        "period": f.period(m.period) if m.period else (clip_name(m.period_text) or "ไม่ระบุระยะเวลา"),
    }


def _measures(f: NumberFormat, section: sections.Measures, detail: Detail) -> dict[str, Any]:
    rows = [_measure(f, m, detail) for m in section.measures]
    # the owner and period most measures share are said once; the others stay with their measure
    common = {key: _most_common([m[key] for m in rows]) for key in ("owner", "period")}
    rows = [
        {
            **m,
            "details": " · ".join(
                m[key] for key in ("owner", "period") if _squeeze(m[key]) != _squeeze(common[key])
            ),
        }
        for m in rows
    ]
    rows, more = _rows(rows, detail.max_rows)
    return {
        "measures": rows,
        "measures_common": [
            f"{label}: {common[key]}"
            for key, label in (("owner", "ผู้รับผิดชอบ"), ("period", "ระยะเวลา"))
            if common[key]
        ],
        "measures_more": _more(f, more),
    }


def _peer_groups(f: NumberFormat, peers: appendix.Peers, detail: Detail) -> list[dict[str, str]]:
    return [
        {
            "label": clip(g.label_th, detail.name_limit),
            "size": f.int(g.size),
            "rank": f.int(g.rank),
            "percentile": f.score(g.percentile, 1),
            "median": f.score(g.median),
            "passed": f.score(g.share_passed, 1) + "%",
        }
        for g in (peers.position.groups if peers.position else ())
    ]


def _peers(f: NumberFormat, peers: appendix.Peers | None, detail: Detail) -> dict[str, Any] | None:
    """Return the peer table and the trend, or None without peers or history (as the browser)."""
    if peers is None or not peers.shown:
        return None
    position, change = peers.position, peers.change
    points = peers.points if len(peers.points) > 1 else ()
    translated = [p.rating_latest_scale for p in points if p.rating_latest_scale]
    return {
        "notice": peers.notice if peers.synthetic else "",
        "caption": f"ตำแหน่งของคะแนนรวม {f.score(position.total)} ในกลุ่มหน่วยงาน "
        + f.fiscal_year(position.fiscal_year)
        if position
        else "",
        "groups": _peer_groups(f, peers, detail),
        # the browser's explanation in full; its first half when long texts are shortened
        "note": " ".join(peers.note if detail.text_limit is None else peers.note[:1]),
        "trend_caption": "ผลการประเมินย้อนหลัง"
        + (
            f" (เปลี่ยนแปลงจากปีก่อน {'+' if change >= 0 else ''}{f.score(change)} คะแนน)"
            if change is not None
            else ""
        ),
        "latest_year": f.int(peers.latest_year),
        "points": [
            {
                "year": f.int(p.fiscal_year),
                "total": f.score(p.total),
                "rating": p.rating,
                "latest": f"{p.rating_latest_scale.label}*" if p.rating_latest_scale else p.rating,
            }
            for p in points
        ],
        # ratings on the latest year's scale: a column of their own only when one differs
        "translated": bool(translated),
        "translated_note": f"* {translated[0].note_th}" if translated else "",
    }


def _finding_place(f: NumberFormat, section: appendix.Findings, same: Sequence[Any]) -> str:
    lines = list(dict.fromkeys(x.line for x in same if x.line is not None))
    numbers = [f.int(line) for line in lines if isinstance(line, int)]
    docx = [one_line(line) for line in lines if isinstance(line, str)]  # "table 2, row 3"
    texts = list(dict.fromkeys(section.place(x) for x in same if x.line is None and x.data_path))
    return "; ".join(([f"บรรทัด {', '.join(numbers)}"] if numbers else []) + docx + texts)


def _findings(f: NumberFormat, section: appendix.Findings, detail: Detail) -> dict[str, Any] | None:
    """Return the source document's audit findings by severity, or None without any.

    The same message at several places is listed once with all its places (a document that
    names another agency names it on many lines); at lower detail only the first
    ``max_findings`` entries are listed, so errors are cut last.
    """
    if not section.findings:
        return None
    labels = section.severity_th
    entries, _ = _rows(section.merged, detail.max_findings)
    groups: dict[str, dict[str, Any]] = {}
    for severity, message, same in entries:
        group = groups.setdefault(
            severity, {"kind": severity, "label": labels.get(severity, severity), "rows": []}
        )
        group["rows"].append(
            {"place": _finding_place(f, section, same), "message": clip(message, detail.text_limit)}
        )
    counts = section.counts
    more = len(section.findings) - sum(len(same) for _, _, same in entries)
    return {
        "title": section.title,
        "intro": (
            "ตรวจเอกสารมาตรการที่นำเข้าแล้วพบ" if section.from_document else "ตรวจข้อความในไฟล์ข้อมูลแล้วพบ"
        )
        + f" {f.int(len(section.findings))} ข้อสังเกต: "
        + " · ".join(f"{labels.get(k, k)} {f.int(n)}" for k, n in counts.items()),
        "groups": list(groups.values()),
        "more": _more(f, more),
    }


def _fragments(f: NumberFormat, parts: EmailSections) -> dict[str, Any]:
    """The browser's summary, checks and footer (HTML part) and their lines (text part)."""
    return {
        "summary": section_fragment(parts.summary, f),
        "summary_points": list(parts.summary.lines),
        "checks": section_fragment(parts.checks, f),
        "checks_text": "\n".join(parts.checks.lines),
        "footer": section_fragment(parts.footer, f),
        "footer_text": "\n".join(parts.footer.lines),
    }


def email_context(
    briefing: Briefing,
    parts: EmailSections,
    images: Sequence[InlineImage],
    attachment_name: str,
    detail: Detail,
) -> dict[str, Any]:
    """Return the variables of the email templates at one level of detail.

    Parameters
    ----------
    briefing
        The briefing (its number format and analysis).
    parts
        Its sections, from :func:`email_sections`.
    images
        The charts the HTML part shows.
    attachment_name
        File name of the attached browser briefing.
    detail
        How far long texts are shortened and long lists cut.

    Returns
    -------
    dict
        The variables of ``briefing.html.j2`` and ``briefing.txt.j2`` (``preheader`` among
        them) except ``subject``.
    """
    f = briefing.fmt
    return {
        **_headline(briefing, parts.headline, detail),
        **_fragments(f, parts),
        "instruments": _instruments(f, parts.scores),
        "charts": _charts(images),
        "oit": _oit(f, parts.oit),
        "oit_note": "ไฟล์ข้อมูลไม่มีผลการตรวจรายข้อของแบบวัด OIT",
        **_ladder(f, parts.what_if, detail),
        "suggestions": [
            (code, clip(text, detail.text_limit)) for code, text in parts.suggestions.paragraphs
        ],
        **_weaknesses(f, parts.weaknesses, detail),
        **_measures(f, parts.measures, detail),
        "peers": _peers(f, parts.peers, detail),
        "findings": _findings(f, parts.findings, detail),
        "attachment_name": attachment_name,
        "condensed": detail != DETAILS[0],
    }
