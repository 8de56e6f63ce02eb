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
- every section comes from the same section objects as the browser's
  (:mod:`ita_lib.render.sections`, :mod:`ita_lib.render.summary`,
  :mod:`ita_lib.render.appendix`), worked out once and formatted by
  :mod:`ita_lib.render.email_context`; the plain text takes their ``lines``;
- the full browser briefing attached as an HTML file
  (:func:`ita_lib.deliver.message.build_message`).

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
import re
import struct
from dataclasses import dataclass
from functools import cache
from html.parser import HTMLParser
from importlib.resources import files
from typing import Any

import css_inline
from jinja2 import Environment

from ita_lib.log import logger
from ita_lib.render.briefing import Briefing
from ita_lib.render.charts import contribution_chart_png, indicator_chart_png
from ita_lib.render.email_context import DETAILS, email_context, email_sections
from ita_lib.render.sections import chart_texts, one_line
from ita_lib.render.templates import template_environment

__all__ = [
    "CHART_WIDTH",
    "FONT_STACK",
    "HTML_PART_BUDGET",
    "EmailEdition",
    "InlineImage",
    "attachment_name_for",
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
    return one_line(subject)


def attachment_name_for(briefing: Briefing) -> str:
    """Return the file name of the attached PDF edition (``ita-2565-bueng-krachap.pdf``)."""
    folder = briefing.assessment.agency.folder_name
    return f"ita-{briefing.assessment.fiscal_year}-{folder}.pdf"


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
    texts = chart_texts(briefing)
    return (
        _image(
            "indicators",
            indicator_chart_png(result, thai_digits=f.thai_digits),
            texts.indicator_alt_email,
        ),
        _image(
            "contribution",
            contribution_chart_png(result, thai_digits=f.thai_digits),
            texts.contribution_alt,
        ),
    )


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
    parts = email_sections(briefing)  # once: the peer section scores every peer
    subject = email_subject(briefing)
    for level, detail in enumerate(DETAILS):
        context = email_context(briefing, parts, images, attachment_name, detail)
        context["subject"] = subject
        page = _render_html(context)
        if transmitted_size(page.encode("utf-8")) <= budget or level == len(DETAILS) - 1:
            break
        logger.info("email HTML over %d bytes at detail level %d: shortening", budget, level)
    _warn_over_budget(page, budget)
    return EmailEdition(
        subject=subject,
        preheader=context["preheader"],
        html=page,
        text=_render_text(context),
        images=images,
        attachment_name=attachment_name,
        detail=level,
    )


def _warn_over_budget(page: str, budget: int) -> None:
    size = transmitted_size(page.encode("utf-8"))
    if size > budget:
        logger.warning(
            "the email HTML part is %d bytes, over the budget of %d: Gmail may clip it",
            size,
            budget,
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
