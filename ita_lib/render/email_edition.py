"""The email edition of a briefing: a small, inline-styled HTML part, a plain-text part, PNG charts.

nbconvert's browser briefing (about 0.5 MB, mostly CSS and embedded fonts, charts as ``data:``
URIs) is wrong for email: Gmail clips messages past about 102 KB, drops large ``<style>``
blocks and ignores CSS variables, and Gmail and Outlook block ``data:`` images. This module
renders a separate edition from the same :class:`~ita_lib.render.briefing.Briefing` (the same analysis
objects the notebook shows), never by scraping the browser HTML:

- ``templates/email/briefing.html.j2``: a 600 px table layout (fluid on phones), styled by
  ``templates/email/email.css`` which `css-inline`_ turns into ``style=""`` attributes; a Thai
  system font stack (Sarabun, Leelawadee UI, Tahoma, Noto Sans Thai, Thonburi, sans-serif) and an
  Outlook-only rule so that Outlook does not fall back to Times New Roman;
- charts as ``image/png`` parts of a ``multipart/related`` part, referenced by ``cid:``;
- ``templates/email/briefing.txt.j2``: the plain-text alternative with the same sections;
- the sections that appear only when there is something to show come from the same objects as the
  browser sections: peers and trend from :meth:`Briefing.peer_summary`, the source document's
  audit findings from :attr:`Briefing.findings`;
- the full browser briefing attached as an HTML file (:func:`build_message`).

Every text that comes from input files is escaped by the template (autoescape) and the result is
checked for scripts, event handlers, links and external resources before it leaves this module.
The HTML part is kept under :data:`HTML_PART_BUDGET` bytes as transmitted: when the full text does
not fit, long texts are shortened and long lists cut step by step (the email says so and points to
the attachment). Rendering is deterministic: content IDs derive from the image bytes, so the same
inputs give the same HTML; only ``Message-ID`` and ``Date`` vary, and both can be given.

.. _css-inline: https://github.com/Stranger6667/css-inline
"""

from __future__ import annotations

import hashlib
import html
import re
import struct
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses, make_msgid
from functools import cache, partial
from html.parser import HTMLParser
from importlib.resources import files
from typing import Any

import css_inline
from jinja2 import Environment

from ita_lib.log import logger
from ita_lib.render.briefing import Briefing, PeerSummary
from ita_lib.render.charts import contribution_chart_png, indicator_chart_png
from ita_lib.render.templates import template_environment

__all__ = [
    "CHART_WIDTH",
    "FONT_STACK",
    "HTML_PART_BUDGET",
    "EmailEdition",
    "InlineImage",
    "attachment_name_for",
    "build_message",
    "email_subject",
    "render_email_edition",
    "transmitted_size",
]

HTML_PART_BUDGET = 80_000
"""Largest HTML part, in bytes as transmitted (base64, CRLF lines): Gmail clips at ~102 KB."""

CHART_WIDTH = 552
"""Display width of the charts in CSS pixels (the 600 px column less its padding)."""

FONT_STACK = "Sarabun, 'Leelawadee UI', Leelawadee, Tahoma, 'Noto Sans Thai', Thonburi, sans-serif"
"""The Thai font stack of the email (see ``templates/email/email.css``)."""

CID_DOMAIN = "ita.briefing"
_LEVELS = {
    "instrument": "เครื่องมือ",
    "indicator": "ตัวชี้วัด",
    "sub_indicator": "ตัวชี้วัดย่อย",
    "item": "รายข้อ",
}


@dataclass(frozen=True)
class InlineImage:
    """A PNG shown in the HTML part through ``cid:``."""

    cid: str
    filename: str
    data: bytes
    alt: str
    width: int
    height: int


@dataclass(frozen=True)
class EmailEdition:
    """A rendered email edition: subject, HTML and plain text, and the images the HTML shows.

    ``detail`` is 0 when everything is shown in full, higher when long texts were shortened or
    long lists cut to keep the HTML part under the budget.
    """

    subject: str
    preheader: str
    html: str
    text: str
    images: tuple[InlineImage, ...]
    attachment_name: str
    detail: int = 0

    @property
    def html_part_size(self) -> int:
        """Return the size of the HTML part as transmitted (base64 with CRLF line ends)."""
        return transmitted_size(self.html.encode("utf-8"))


@dataclass(frozen=True)
class _Detail:
    """How much of the long texts and lists the edition shows."""

    text_limit: int | None  # characters of a suggestion (NACC's text) or similar paragraph
    name_limit: int | None  # characters of a title, name or owner
    max_rows: int | None  # rows of a long list (weaknesses, measures, ladder, gaps)
    max_links: int | None  # measures or suggestions under one weakness
    link_title_limit: int  # characters of a measure's title under a weakness (0: number only)
    max_findings: int | None  # findings of the source document's audit (errors come first)


_DETAILS = (
    _Detail(None, None, None, None, 80, None),
    _Detail(500, None, None, 8, 50, 4),
    _Detail(300, 200, 40, 5, 0, 4),
    _Detail(160, 120, 25, 3, 0, 3),
    _Detail(100, 80, 15, 2, 0, 3),
    _Detail(60, 60, 8, 1, 0, 2),
)

_SYNTHETIC_PEERS = "ข้อมูลเปรียบเทียบในส่วนนี้เป็นข้อมูลสังเคราะห์ (สร้างขึ้นเพื่อทดสอบ ไม่ใช่ผลการประเมินจริง)"
"""The notice of the peer section when the agency or a peer is synthetic (as in the browser)."""


def transmitted_size(data: bytes) -> int:
    """Return the size of ``data`` base64-encoded in lines of 76 characters ending in CRLF."""
    encoded = (len(data) + 2) // 3 * 4
    return encoded + 2 * -(-encoded // 76)


def email_subject(briefing: Briefing) -> str:
    """Return the subject: fiscal year, agency, total and rating, in Thai.

    >>> from ita_lib import load_assessment
    >>> email_subject(Briefing.from_assessment(load_assessment("bundled:bueng-krachap-2565")))
    'สรุปผล ITA ปีงบประมาณ 2565: อบต.บึงกระจับ 92.56 คะแนน ระดับ A'
    """
    f, result = briefing.fmt, briefing.result
    subject = (
        f"สรุปผล ITA ปีงบประมาณ {f.int(result.fiscal_year)}: "
        f"{briefing.assessment.agency.display_name} {f.score(result.total)} คะแนน "
        f"ระดับ {result.rating}"
    )
    return _one_line(subject)


def attachment_name_for(briefing: Briefing) -> str:
    """Return the file name of the attached browser briefing (``ita-2565-bueng-krachap.html``)."""
    folder = briefing.assessment.agency.folder_name
    return f"ita-{briefing.assessment.fiscal_year}-{folder}.html"


# -- rendering ---------------------------------------------------------------------------------


def _environment() -> Environment:
    return template_environment("email", escape="html-only", text_mode=True)


@cache
def _inliner() -> css_inline.CSSInliner:
    css = (files("ita_lib") / "templates" / "email" / "email.css").read_text(encoding="utf-8")
    return css_inline.CSSInliner(
        extra_css=css,
        keep_style_tags=False,
        load_remote_stylesheets=False,
        minify_css=True,
    )


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _clip(text: str | None, limit: int | None) -> str:
    """Shorten ``text`` to about ``limit`` characters, never inside a Thai cluster."""
    text = _one_line(text or "")
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


def _png_size(data: bytes) -> tuple[int, int]:
    return struct.unpack(">II", data[16:24])


def _image(name: str, data: bytes, alt: str) -> InlineImage:
    width, height = _png_size(data)
    digest = hashlib.sha256(data).hexdigest()[:20]
    return InlineImage(
        cid=f"{name}.{digest}@{CID_DOMAIN}",
        filename=f"{name}.png",
        data=data,
        alt=alt,
        width=CHART_WIDTH,
        height=round(CHART_WIDTH * height / width),
    )


def _charts(briefing: Briefing) -> tuple[InlineImage, ...]:
    f, result = briefing.fmt, briefing.result
    below = [i for i in result.indicators if i.score < result.pass_mark]
    alt = "แผนภูมิแท่งคะแนน 10 ตัวชี้วัดเทียบกับเกณฑ์ผ่าน " + f.score(result.pass_mark, 0)
    alt += (
        " ตัวชี้วัดที่ต่ำกว่าเกณฑ์: " + ", ".join(f"{f.int(i.number)} ({f.score(i.score)})" for i in below)
        if below
        else " ทุกตัวชี้วัดผ่านเกณฑ์"
    )
    parts = ", ".join(
        f"{i.code} {f.score(i.weighted)} จาก {f.score(i.weight * 100, 0)}"
        for i in result.instruments
    )
    return (
        _image("indicators", indicator_chart_png(result, thai_digits=f.thai_digits), alt),
        _image(
            "contribution",
            contribution_chart_png(result, thai_digits=f.thai_digits),
            f"แผนภูมิคะแนนถ่วงน้ำหนักของแต่ละเครื่องมือ: {parts}",
        ),
    )


_CAPTIONS = {
    "indicators": "แถบสีเขียว: ตั้งแต่เกณฑ์ผ่านขึ้นไป · แถบสีแดง: ต่ำกว่าเกณฑ์ผ่าน · เส้นประ: เกณฑ์ผ่าน",
    "contribution": "แถบสีเข้ม: คะแนนถ่วงน้ำหนักที่ได้ · แถบสีอ่อน: คะแนนเต็มตามน้ำหนักของเครื่องมือ",
}


def _fragment_text(fragment: str) -> list[str]:
    """Return the paragraphs or list items of one of ita_lib's own HTML fragments, as text."""
    blocks = re.findall(r"<(?:li|p)\b[^>]*>(.*?)</(?:li|p)>", fragment, flags=re.DOTALL)
    texts = [_one_line(html.unescape(re.sub(r"<[^>]+>", " ", b))) for b in blocks]
    return [t for t in texts if t]


def _findings(briefing: Briefing, detail: _Detail) -> dict[str, Any] | None:
    """Return the source document's audit findings by severity, or None without any.

    Findings come most serious first. The same message at several places is listed once with
    all its places (a document that names another agency names it on many lines); at lower
    detail only the first ``max_findings`` entries are listed, so errors are cut last.
    """
    from ita_lib.documents.audit import SEVERITY_TH

    f, findings = briefing.fmt, briefing.findings
    if not findings:
        return None
    merged: dict[tuple[str, str], list[Any]] = {}  # (severity, message) -> [findings]
    for finding in findings:
        merged.setdefault((finding.severity, _one_line(finding.message_th)), []).append(finding)
    entries, _ = _rows(list(merged.items()), detail.max_findings)
    groups: dict[str, dict[str, Any]] = {}
    for (severity, message), same in entries:
        lines = list(dict.fromkeys(x.line for x in same if x.line is not None))
        numbers = [f.int(line) for line in lines if isinstance(line, int)]
        docx = [_one_line(line) for line in lines if isinstance(line, str)]  # "table 2, row 3"
        where = ([f"บรรทัด {', '.join(numbers)}"] if numbers else []) + docx
        group = groups.setdefault(
            severity, {"kind": severity, "label": SEVERITY_TH.get(severity, severity), "rows": []}
        )
        group["rows"].append(
            {"place": "; ".join(where), "message": _clip(message, detail.text_limit)}
        )
    counts: dict[str, int] = {}
    for finding in findings:
        counts[finding.severity] = counts.get(finding.severity, 0) + 1
    more = len(findings) - sum(len(same) for _, same in entries)
    return {
        "intro": f"ตรวจเอกสารมาตรการที่นำเข้าแล้วพบ {f.int(len(findings))} ข้อสังเกต: "
        + " · ".join(f"{SEVERITY_TH.get(k, k)} {f.int(n)}" for k, n in counts.items()),
        "groups": list(groups.values()),
        "more": f.int(more) if more > 0 else "",
    }


def _peers(
    briefing: Briefing, summary: PeerSummary | None, detail: _Detail
) -> dict[str, Any] | None:
    """Return the peer table and the trend, or None without peers or history (as the browser)."""
    if summary is None:
        return None
    f, (position, history, synthetic) = briefing.fmt, summary
    points = history.points if len(history.points) > 1 else ()
    if position is None and not points:
        return None
    translated = [p.rating_latest_scale for p in points if p.rating_latest_scale]
    change = history.change
    latest_year = f.int(briefing.assessment.fiscal_year)
    return {
        "notice": _SYNTHETIC_PEERS if synthetic else "",
        "caption": f"ตำแหน่งของคะแนนรวม {f.score(position.total)} ในกลุ่มหน่วยงาน "
        + f.fiscal_year(position.fiscal_year)
        if position
        else "",
        "groups": [
            {
                "label": _clip(g.label_th, detail.name_limit),
                "size": f.int(g.size),
                "rank": f.int(g.rank),
                "percentile": f.score(g.percentile, 1),
                "median": f.score(g.median),
                "passed": f.score(g.share_passed, 1) + "%",
            }
            for g in (position.groups if position else ())
        ],
        # the browser's explanation in full; its first half when long texts are shortened
        "note": "เปอร์เซ็นไทล์ = ร้อยละของหน่วยงานในกลุ่มที่ได้คะแนนต่ำกว่า (คะแนนเท่ากันนับครึ่งหนึ่ง)"
        + (
            " คะแนนสูงเป็นเรื่องปกติของการประเมิน ITA จึงควรดูตำแหน่งในกลุ่มประกอบกับการผ่านเกณฑ์"
            if detail.text_limit is None
            else ""
        ),
        "trend_caption": "ผลการประเมินย้อนหลัง"
        + (
            f" (เปลี่ยนแปลงจากปีก่อน {'+' if change >= 0 else ''}{f.score(change)} คะแนน)"
            if change is not None
            else ""
        ),
        "latest_year": latest_year,
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


def _context(
    briefing: Briefing,
    images: tuple[InlineImage, ...],
    attachment_name: str,
    detail: _Detail,
    peer_summary: PeerSummary | None = None,
) -> dict[str, Any]:
    f, result, analysis = briefing.fmt, briefing.result, briefing.analysis
    assessment, agency = briefing.assessment, briefing.assessment.agency
    clip_text = partial(_clip, limit=detail.text_limit)
    clip_name = partial(_clip, limit=detail.name_limit)

    facts = briefing.agency_facts
    instruments = [
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
                    "below": ind.score < result.pass_mark,
                }
                for ind in result.indicators
                if ind.instrument == ins.code
            ],
        }
        for ins in result.instruments
    ]

    oit = None
    if result.sub_indicators is not None:
        names = {item.code: item.name_th or "" for item in briefing.framework.oit_items()}
        n_items = sum(len(s.items) for s in result.sub_indicators)
        n_failed = sum(len(s.failed_items) for s in result.sub_indicators)
        oit = {
            "n_items": f.int(n_items),
            "n_passed": f.int(n_items - n_failed),
            "subs": [
                {
                    "code": sub.code,
                    "name": sub.name_th,
                    "score": f.score(sub.score),
                    "failed": [(code, names.get(code, "")) for code in sub.failed_items],
                }
                for sub in result.sub_indicators
            ],
        }

    milestones = analysis.ladder_milestones
    ladder = [
        {
            "index": f.int(k),
            "item": step.gain.item,
            "name": step.gain.name,
            "sub": step.gain.sub_indicator,
            "gain": f.score(step.gain.gain_total),
            "total": f.score(step.total_after),
            "rating": step.rating_after,
            "milestone": milestones.get(k),
        }
        for k, step in enumerate(analysis.ladder, start=1)
    ]
    keep = None if detail.max_rows is None else max(detail.max_rows, *milestones, 0)
    ladder, ladder_more = _rows(ladder, keep)  # never cut before the next rating or the pass mark

    suggestions = assessment.suggestions
    paragraphs = [("", suggestions.summary)] if suggestions.summary else []
    paragraphs += [
        (code, suggestions.by_instrument[code])
        for code in ("IIT", "EIT", "OIT")
        if suggestions.by_instrument.get(code)
    ]

    weaknesses = []
    for w in analysis.weaknesses:
        texts, _ = _rows(w.suggestions, detail.max_links)
        direct = w.level in {"instrument", "item"}
        links, links_more = _rows(w.measures if direct else (), detail.max_links)
        weaknesses.append(
            {
                "code": w.code,
                "name": clip_name(w.name),
                "score": f.score(w.score) if w.score is not None else "",
                "level": _LEVELS.get(w.level, w.level),
                "reason": w.reason_th,
                "place": w.place_th,
                "gain": f.score(w.gain_total) if w.gain_total is not None else "",
                "suggestions": [clip_text(t) for t in texts],
                "links": [
                    {
                        "number": f.int(link.measure),
                        "title": _clip(link.title, detail.link_title_limit)
                        if detail.link_title_limit
                        else "",
                        "how": "ระบุในไฟล์ข้อมูล"
                        if link.how == "explicit"
                        else "อนุมานจากคำว่า " + ", ".join(f"“{t}”" for t in link.matched_terms),
                    }
                    for link in links
                ],
                "links_more": f.int(links_more) if links_more else "",
                # an indicator or sub-indicator is addressed through its weak items
                "through": ", ".join(f.int(link.measure) for link in w.measures)
                if not direct
                else "",
                "gap": w.level == "item" and not w.measures,
            }
        )
    weaknesses, weaknesses_more = _rows(weaknesses, detail.max_rows)
    unmatched, _ = _rows(
        [(code, clip_text(text)) for code, text in analysis.unmatched_suggestions],
        detail.max_rows,
    )
    gaps, gaps_more = _rows([g.message_th for g in analysis.coverage_gaps], detail.max_rows)

    measures = [
        {
            "number": f.int(m.number),
            "title": clip_name(m.title),
            "owner": clip_name(m.owner) or "ไม่ระบุผู้รับผิดชอบ",
            "period": f.period(m.period)
            if m.period
            else (clip_name(m.period_text) or "ไม่ระบุระยะเวลา"),
        }
        for m in assessment.measures
    ]
    # the owner and period most measures share are said once; the others stay with their measure
    common = {key: _most_common([m[key] for m in measures]) for key in ("owner", "period")}
    for m in measures:
        m["details"] = " · ".join(
            m[key] for key in ("owner", "period") if _squeeze(m[key]) != _squeeze(common[key])
        )
    measures, measures_more = _rows(measures, detail.max_rows)

    summary = briefing.executive_summary()
    checks = briefing.checks()
    footer = briefing.footer()
    next_path = analysis.path_to_next_rating
    preheader = f"{agency.display_name} ได้ {f.score(result.total)} คะแนน ระดับ {result.rating} " + (
        "ผ่านเกณฑ์" if result.passed else "ยังไม่ผ่านเกณฑ์"
    )
    if next_path and next_path.reachable and next_path.items:
        preheader += f" · แก้ไข {f.int(len(next_path.items))} ข้อ ได้ระดับ {next_path.rating_after}"
    margin = result.total_2dp - result.pass_mark
    return {
        "subject": email_subject(briefing),
        "preheader": _clip(preheader, 150),
        "kicker": "ผลการประเมินคุณธรรมและความโปร่งใสในการดำเนินงานของหน่วยงานภาครัฐ (ITA) "
        + f.fiscal_year(result.fiscal_year),
        "agency_name": clip_name(agency.name),
        "facts": [clip_name(fact) for fact in facts],
        "total": f.score(result.total),
        "hundred": f.int(100),
        "rating": result.rating,
        "rating_description": result.rating_description_th or "",
        "pass_mark": f.score(result.pass_mark, 0),
        "passed": result.passed,
        "margin": f.score(abs(margin)),
        "caveat": briefing.rules_caveat,
        "summary": summary,
        "summary_points": _fragment_text(summary),
        "instruments": instruments,
        "charts": [
            {
                "cid": image.cid,
                "alt": image.alt,
                "caption": _CAPTIONS[image.filename.removesuffix(".png")],
                "width": image.width,
                "height": image.height,
            }
            for image in images
        ],
        "oit": oit,
        "oit_note": "ไฟล์ข้อมูลไม่มีผลการตรวจรายข้อของแบบวัด OIT",
        "ladder": ladder,
        "ladder_more": f.int(ladder_more) if ladder_more else "",
        "ladder_note": "ไม่มีข้อ OIT ที่ไม่ผ่าน"
        if assessment.failed_items is not None
        else "ไฟล์ข้อมูลไม่มีผลการตรวจรายข้อ OIT จึงคำนวณคะแนนที่เพิ่มได้ไม่ได้",
        "all_fixed": f.score(analysis.all_fixed_total)
        if analysis.all_fixed_total is not None
        else "",
        "suggestions": [(code, clip_text(text)) for code, text in paragraphs],
        "weaknesses": weaknesses,
        "weaknesses_more": f.int(weaknesses_more) if weaknesses_more else "",
        "unmatched": unmatched,
        "gaps": gaps,
        "gaps_more": f.int(gaps_more) if gaps_more else "",
        "measures": measures,
        "measures_common": [
            f"{label}: {common[key]}"
            for key, label in (("owner", "ผู้รับผิดชอบ"), ("period", "ระยะเวลา"))
            if common[key]
        ],
        "measures_more": f.int(measures_more) if measures_more else "",
        "peers": _peers(briefing, peer_summary, detail),
        "checks": checks,
        "checks_text": "\n".join(_fragment_text(checks)),
        "findings": _findings(briefing, detail),
        "footer": footer,
        "footer_text": "\n".join(_fragment_text(footer)),
        "attachment_name": attachment_name,
        "condensed": detail != _DETAILS[0],
    }


_RESPONSIVE_CLASSES = frozenset({"pad", "top", "card-v", "foot"})  # used by the @media rule
_START_TAG = re.compile(r"<[a-zA-Z][^<>]*>")  # text is escaped, so "<" in the page opens a tag
_CLASS = re.compile(r' class="([^"]*)"')


def _drop_classes(tag: re.Match[str]) -> str:
    """Remove the classes css-inline has turned into styles, except the responsive ones."""

    def keep(attribute: re.Match[str]) -> str:
        kept = [c for c in attribute[1].split() if c in _RESPONSIVE_CLASSES]
        return f' class="{" ".join(kept)}"' if kept else ""

    return _CLASS.sub(keep, tag[0])


def _render_html(context: dict[str, Any]) -> str:
    page = _environment().get_template("briefing.html.j2").render(**context)
    inlined = _inliner().inline(page)
    inlined = re.sub(r">\s*\n\s*<", "><", inlined)  # layout newlines between tags only
    inlined = _START_TAG.sub(_drop_classes, inlined)
    _check_html(inlined)
    return inlined


def _render_text(context: dict[str, Any]) -> str:
    text = _environment().get_template("briefing.txt.j2").render(**context)
    lines = [line.rstrip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def render_email_edition(
    briefing: Briefing,
    *,
    attachment_name: str | None = None,
    budget: int = HTML_PART_BUDGET,
) -> EmailEdition:
    """Render the email edition of a briefing.

    Parameters
    ----------
    briefing
        The briefing (the same object the notebook renders).
    attachment_name
        File name of the attached browser briefing, named in the text; by default
        :func:`attachment_name_for`.
    budget
        Largest HTML part in bytes as transmitted. The full text is tried first; if it does
        not fit, long texts are shortened and long lists cut, step by step.

    Returns
    -------
    EmailEdition
        Subject, HTML (with ``cid:`` images), plain text and the PNG images.
    """
    attachment_name = attachment_name or attachment_name_for(briefing)
    images = _charts(briefing)
    peer_summary = briefing.peer_summary()  # once: it scores every peer
    for level, detail in enumerate(_DETAILS):
        context = _context(briefing, images, attachment_name, detail, peer_summary)
        page = _render_html(context)
        if transmitted_size(page.encode("utf-8")) <= budget or level == len(_DETAILS) - 1:
            break
        logger.info("email HTML over %d bytes at detail level %d: shortening", budget, level)
    size = transmitted_size(page.encode("utf-8"))
    if size > budget:
        logger.warning(
            "the email HTML part is %d bytes, over the budget of %d: Gmail may clip it",
            size,
            budget,
        )
    return EmailEdition(
        subject=context["subject"],
        preheader=context["preheader"],
        html=page,
        text=_render_text(context),
        images=images,
        attachment_name=attachment_name,
        detail=level,
    )


# -- safety check ------------------------------------------------------------------------------

_FORBIDDEN_TAGS = frozenset(
    {"script", "iframe", "object", "embed", "link", "form", "base", "frame", "svg", "math"}
)

_LINK_ATTRIBUTES = frozenset({"href", "action", "formaction", "background", "poster", "srcset"})


class _SafetyCheck(HTMLParser):
    """Find what must never be in the email HTML: scripts, handlers, links, outside resources."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _FORBIDDEN_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            value = (value or "").strip().lower()
            if name.startswith("on") or name in _LINK_ATTRIBUTES:
                self.problems.append(f"{tag} {name}=")
            elif name == "src" and not (tag == "img" and value.startswith("cid:")):
                self.problems.append(f"{tag} src={value[:20]}")
            elif name == "style" and ("url(" in value or "expression(" in value):
                self.problems.append(f"{tag} style with url()")


def _check_html(page: str) -> None:
    checker = _SafetyCheck()
    checker.feed(page)
    checker.close()
    if checker.problems:  # a bug in a template, never the input's fault: input is escaped
        raise RuntimeError("unsafe email HTML: " + ", ".join(checker.problems[:5]))


# -- the message -------------------------------------------------------------------------------


def _domain(sender: str) -> str:
    """Return the sender's domain in ASCII (IDNA) for a Message-ID, or a neutral one."""
    domain = getaddresses([sender])[0][1].rpartition("@")[2] if sender else ""
    try:
        return domain.encode("idna").decode("ascii") if domain else CID_DOMAIN
    except UnicodeError:
        return CID_DOMAIN


def build_message(
    edition: EmailEdition,
    *,
    sender: str = "",
    to: Sequence[str] = (),
    cc: Sequence[str] = (),
    reply_to: str = "",
    attachment: bytes | None = None,
    message_id: str | None = None,
    date: datetime | None = None,
) -> EmailMessage:
    """Build the MIME message of an email edition.

    The tree is ``multipart/mixed`` → [``multipart/alternative`` → [``text/plain``,
    ``multipart/related`` → [``text/html``, ``image/png`` …]], the browser briefing as a
    ``text/html`` attachment]; without an attachment the top is ``multipart/alternative``. Text
    parts are UTF-8 in base64. Bcc recipients are not written in the message: give them to the
    SMTP envelope (:func:`ita_lib.deliver.delivery.send_message`).

    Parameters
    ----------
    edition
        The rendered email edition.
    sender, to, cc, reply_to
        Addresses (``a@b.org`` or ``Name <a@b.org>``); empty ones are left out.
    attachment
        The browser briefing (``briefing.html``) to attach, as bytes.
    message_id
        ``Message-ID`` (with angle brackets); by default a new one from :func:`make_msgid`.
    date
        ``Date``; by default now.

    Returns
    -------
    EmailMessage
    """
    message = EmailMessage()
    message["Subject"] = edition.subject
    if sender:
        message["From"] = sender
    if to:
        message["To"] = ", ".join(to)
    if cc:
        message["Cc"] = ", ".join(cc)
    if reply_to:
        message["Reply-To"] = reply_to
    message["Date"] = format_datetime(date or datetime.now(UTC))
    message["Message-ID"] = message_id or make_msgid(domain=_domain(sender))
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies
    message.set_content(edition.text, cte="base64")
    message.add_alternative(edition.html, subtype="html", cte="base64")
    html_part = message.get_payload()[1]
    for image in edition.images:
        html_part.add_related(
            image.data,
            "image",
            "png",
            cid=f"<{image.cid}>",
            filename=image.filename,
            disposition="inline",
        )
    if attachment is not None:
        message.add_attachment(
            attachment,
            maintype="text",
            subtype="html",
            filename=edition.attachment_name,
            params={"charset": "utf-8"},
        )
    message["Content-Language"] = "th"  # after the parts: set_content clears Content-* headers
    return message
