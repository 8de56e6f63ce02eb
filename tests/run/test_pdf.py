"""The PDF edition (ita_lib.run.pdf): Thai line breaking, A4 pages of the sample, ``--pdf``."""

from __future__ import annotations

import io
import logging
import os
import sys
from pathlib import Path

import pytest
from browser import CHROMIUM, print_pdf
from pypdf import PdfReader

from ita_lib.cli import main
from ita_lib.exceptions import ITAError
from ita_lib.run import pdf
from ita_lib.run.export import embedded_fonts
from ita_lib.run.pdf import PDF_ENGINE_MISSING, html_to_pdf, pdf_document, write_pdf_edition


def _engine_missing() -> str | None:
    try:
        pdf._weasyprint()
    except ITAError as exc:
        return str(exc)
    return None


MISSING = _engine_missing()
needs_engine = pytest.mark.skipif(MISSING is not None, reason=f"no PDF engine: {MISSING}")
MAX_PAGES = 7
REPO = Path(__file__).resolve().parents[2]

# Thai is written without spaces between words: a line may only end between two words.
WORDS = (
    "หน่วยงาน", "ต้อง", "เปิดเผย", "ข้อมูล", "การ", "จัดซื้อ", "จัดจ้าง", "ให้", "ประชาชน",
    "ทราบ", "อย่าง", "โปร่งใส", "และ", "ตรวจสอบ", "ได้", "ทุก", "ขั้นตอน",
)  # fmt: skip


def _page(body: str) -> str:
    faces = "".join(
        f"@font-face {{ font-family: Sarabun; font-weight: {face['weight']}; "
        f"src: url(data:{face['mime']};base64,{face['data']}); }}"
        for face in embedded_fonts()
    )
    return (
        f'<!DOCTYPE html><html lang="th"><head><meta charset="utf-8"><style>{faces}'
        "body { font-family: Sarabun; font-size: 12pt; } @page { size: A4; }</style></head>"
        f"<body>{body}</body></html>"
    )


def _lines(box, found: list[str]) -> list[str]:
    """The text of every line box laid out under ``box``, in order."""
    if type(box).__name__ == "LineBox":
        found.append("".join(_texts(box)))
        return found
    for child in getattr(box, "children", ()):
        _lines(child, found)
    return found


def _texts(box):
    if type(box).__name__ == "TextBox":
        yield box.text
    for child in getattr(box, "children", ()):
        yield from _texts(child)


@needs_engine
def test_thai_lines_break_between_words_only():
    sentence = "".join(WORDS * 3)
    document = pdf_document(_page(f'<p style="width: 4.2cm">{sentence}</p>'))
    lines = [line.strip() for line in _lines(document.pages[0]._page_box, []) if line.strip()]
    assert len(lines) >= 6  # the narrow box wraps the sentence many times
    assert "".join(lines) == sentence  # nothing lost, no hyphen added
    boundaries = {0}
    for word in WORDS * 3:
        boundaries.add(max(boundaries) + len(word))
    position = 0
    for line in lines:
        assert position in boundaries, f"a line starts inside a word: {line[:12]}…"
        position += len(line)


@needs_engine
def test_same_html_gives_the_same_pdf_bytes_with_thai_text():
    page = _page("<h1>สรุปผล ITA</h1><p>องค์การบริหารส่วนตำบลบึงกระจับ ได้ 92.56 คะแนน</p>")
    first = html_to_pdf(page)
    assert first.startswith(b"%PDF-")
    assert first == html_to_pdf(page)
    text = PdfReader(io.BytesIO(first)).pages[0].extract_text()
    assert "92.56" in text


@needs_engine
def test_the_pdf_is_written_beside_the_html_once_and_readable(tmp_path):
    html = tmp_path / "briefing.html"
    html.write_text(_page("<p>รายงาน</p>"), encoding="utf-8")
    written = write_pdf_edition(html)
    assert written == tmp_path / "briefing.pdf"
    assert written.read_bytes().startswith(b"%PDF-")
    umask = os.umask(0)
    os.umask(umask)
    assert written.stat().st_mode & 0o777 == 0o666 & ~umask  # not the temporary file's 0600
    os.utime(written, (1, 1))  # an older PDF than its HTML is made again ...
    assert write_pdf_edition(html).stat().st_mtime > 1
    mtime = written.stat().st_mtime_ns
    assert write_pdf_edition(html).stat().st_mtime_ns == mtime  # ... an up-to-date one is kept
    assert sorted(p.name for p in tmp_path.iterdir()) == ["briefing.html", "briefing.pdf"]


def test_without_the_engine_one_line_names_what_to_install(monkeypatch, tmp_path, capsys):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import fails as without Pango
    with pytest.raises(ITAError) as info:
        html_to_pdf("<p>x</p>")
    assert str(info.value).startswith(PDF_ENGINE_MISSING)
    assert "\n" not in str(info.value)
    html = tmp_path / "briefing.html"
    html.write_text("<p>x</p>", encoding="utf-8")
    with pytest.raises(ITAError):
        write_pdf_edition(html)
    assert not list(tmp_path.glob("*.pdf"))  # nothing half-written
    assert not list(tmp_path.glob(".*"))
    # ita batch --pdf says so before it makes any briefing
    params = str(REPO / "params" / "bueng-krachap-2565.yaml")
    status = main(["batch", params, "--output-root", str(tmp_path / "out"), "--pdf"])
    assert status != 0
    err = capsys.readouterr().err
    assert PDF_ENGINE_MISSING in err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


# -- the sample, printed ------------------------------------------------------------------------


def _leaf_bottom(box) -> float:
    children = getattr(box, "children", None)
    if children:
        return max((_leaf_bottom(c) for c in children), default=0.0)
    if getattr(box, "position_y", None) is None or getattr(box, "height", None) is None:
        return 0.0
    return box.position_y + box.margin_height()


@pytest.mark.slow
@needs_engine
def test_the_sample_prints_on_at_most_seven_well_filled_a4_pages(sample_run):
    output, _ = sample_run
    html = output.html_path.read_text(encoding="utf-8")
    document = pdf_document(html)
    pages = document.pages
    assert len(pages) <= MAX_PAGES
    fill = []
    for page in pages:
        box = page._page_box
        fill.append((_leaf_bottom(box) - box.content_box_y()) / box.height)
    logging.getLogger(__name__).info("page fill: %s", [f"{f:.2f}" for f in fill])
    # page 1 holds the headline, the cards and the executive summary alone (by design); every
    # other page but the last is at least half full: no stranded headers, no half-empty pages
    assert all(f >= 0.5 for f in fill[1:-1]), fill
    printed = PdfReader(io.BytesIO(document.write_pdf())).pages
    box = printed[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    first = printed[0].extract_text()
    assert "บทสรุป" in first  # (text extraction reads the shaped ำ of สำหรับ as า)
    assert "คะแนนรายตัวชี้วัด" not in first  # the detail starts on page 2
    everything = " ".join(p.extract_text() for p in printed)
    assert "ภาคผนวก" in everything


@pytest.mark.slow
@needs_engine
def test_ita_brief_pdf_writes_the_pdf_beside_the_html(sample_run, capsys):
    output, root = sample_run
    params = str(REPO / "params" / "bueng-krachap-2565.yaml")
    status = main(["brief", params, "--output-root", str(root), "--pdf"])
    assert status == 0
    out = capsys.readouterr().out.split()
    assert out == [str(output.html_path), str(output.html_path.with_suffix(".pdf"))]
    assert len(PdfReader(out[1]).pages) <= MAX_PAGES


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
def test_the_sample_prints_on_at_most_seven_pages_from_a_browser(sample_run, tmp_path):
    output, _ = sample_run
    printed = PdfReader(print_pdf(output.html_path, tmp_path))
    assert len(printed.pages) <= MAX_PAGES
    box = printed.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4


@pytest.mark.slow
@needs_engine
def test_ita_batch_pdf_prints_in_the_workers_and_fills_in_up_to_date_ones(tmp_path, capsys):
    import json

    params = [
        str(REPO / "params" / n) for n in ("bueng-krachap-2565.yaml", "tambon-tuayang-2568.yaml")
    ]
    root = tmp_path / "out"
    args = [
        "batch",
        *params,
        "--output-root",
        str(root),
        "--workers",
        "2",
        "--no-progress",
        "--pdf",
    ]
    assert main(args) == 0
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    htmls = [root / e["html"] for e in manifest["briefings"]]
    assert len(htmls) == 2
    for html in htmls:
        pdf_path = html.with_suffix(".pdf")
        assert 1 < len(PdfReader(pdf_path).pages) <= MAX_PAGES
        # made by the worker before it stamped the briefing (not after the batch)
        stamp = html.with_name("briefing.stamp.json")
        assert pdf_path.stat().st_mtime_ns <= stamp.stat().st_mtime_ns
    # a briefing up to date whose PDF is missing gets it from the batch process
    htmls[0].with_suffix(".pdf").unlink()
    kept = htmls[1].with_suffix(".pdf").stat().st_mtime_ns
    assert main(args) == 0
    assert {e["status"] for e in json.loads((root / "manifest.json").read_text())["briefings"]} == {
        "skipped"
    }
    assert htmls[0].with_suffix(".pdf").is_file()
    assert htmls[1].with_suffix(".pdf").stat().st_mtime_ns == kept  # newer than its HTML: kept
