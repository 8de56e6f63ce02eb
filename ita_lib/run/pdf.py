"""The PDF edition of a briefing: its HTML page printed to A4 with WeasyPrint.

WeasyPrint lays the page out with Pango and HarfBuzz, which shape Thai (tone marks, vowels) and
break Thai lines between words, using the page's own embedded fonts and its print styles. It
needs the Pango system library (Debian: ``libpango-1.0-0 libpangoft2-1.0-0``); without it
:func:`html_to_pdf` raises :class:`~ita_lib.exceptions.ITAError` with one line naming what to
install. The same HTML gives the same PDF bytes (no dates, a fixed document identifier).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from ita_lib.exceptions import ITAError
from ita_lib.files import write_atomic

__all__ = [
    "PDF_ENGINE_MISSING",
    "html_to_pdf",
    "pdf_document",
    "pdf_page_count",
    "require_pdf_engine",
    "write_pdf_edition",
]

PDF_ENGINE_MISSING = (
    "the PDF edition needs WeasyPrint and the Pango library: "
    "apt-get install libpango-1.0-0 libpangoft2-1.0-0 (Debian/Ubuntu), "
    "then pip install weasyprint"
)


_ENGINE_CSS = "@media print { .ita-measures { column-fill: auto; } }"
"""WeasyPrint balances columns by laying them out again and again (3/4 of the time of the
sample); filled in turn, the measures appendix's columns print on the same pages, 3x faster."""


def _weasyprint() -> Any:
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: the Pango shared library is missing
        raise ITAError(f"{PDF_ENGINE_MISSING} ({type(exc).__name__}: {exc})") from None
    for name in ("weasyprint", "fontTools"):
        logging.getLogger(name).setLevel(logging.ERROR)  # font subsetting chatter
    return weasyprint


def require_pdf_engine() -> None:
    """Check that WeasyPrint and Pango can be loaded (before a batch sends PDFs to its workers).

    Raises
    ------
    ITAError
        With one line naming what to install.
    """
    _weasyprint()


def pdf_document(html: str) -> Any:
    """Lay an HTML page out for print (A4, the page's print styles); return WeasyPrint's document.

    Its ``pages`` are the printed pages; :func:`html_to_pdf` writes it.
    """
    weasyprint = _weasyprint()
    return weasyprint.HTML(string=html, base_url=".").render(
        stylesheets=[weasyprint.CSS(string=_ENGINE_CSS)]
    )


def html_to_pdf(html: str) -> bytes:
    """Print an HTML page (a briefing) to PDF bytes with WeasyPrint.

    Parameters
    ----------
    html
        A self-contained page: fonts and charts embedded, as ``ita brief`` writes it.

    Returns
    -------
    bytes
        The PDF: A4 pages, fonts embedded and subset, Thai text selectable. The same HTML
        gives the same bytes.

    Raises
    ------
    ITAError
        When WeasyPrint or the Pango library is not installed (one line naming what to install).
    """
    return pdf_document(html).write_pdf(pdf_identifier=b"ita-briefing", uncompressed_pdf=False)


def pdf_page_count(html: str) -> int:
    """Return how many A4 pages the HTML page prints on."""
    return len(pdf_document(html).pages)


def write_pdf_edition(html_path: str | Path) -> Path:
    """Write the PDF edition of a briefing beside its HTML (``briefing.pdf``), atomically.

    The PDF is made again only when it is missing or older than the HTML.

    Returns
    -------
    Path
        The PDF's path.

    Raises
    ------
    ITAError
        When WeasyPrint or the Pango library is not installed.
    """
    html_path = Path(html_path)
    pdf_path = html_path.with_suffix(".pdf")
    if pdf_path.is_file() and pdf_path.stat().st_mtime >= html_path.stat().st_mtime:
        return pdf_path
    write_atomic(pdf_path, html_to_pdf(html_path.read_text(encoding="utf-8")))
    return pdf_path
