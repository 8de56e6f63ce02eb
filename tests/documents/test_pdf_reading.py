"""Text-layer PDFs made from the text fixtures import to the same assessment as the text."""

from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pdf_fixtures import raw_pdf, text_to_pdf

from ita_lib.documents.audit import audit
from ita_lib.documents.importer import import_document
from ita_lib.documents.reading import read_document

DATA = Path(__file__).resolve().parents[1] / "data"
SAMPLE = DATA / "bueng-krachap-measures-2566.txt"
FIXTURES = [SAMPLE, DATA / "documents" / "bueng-krachap-corrected.txt",
            DATA / "documents" / "huai-thotsop-arabic-crlf-bom.txt"]  # fmt: skip


def assessment_key(data: dict) -> dict:
    """What must not change between a document's text and its PDF."""
    suggestions = data.get("suggestions") or {}
    return {
        "agency": data["agency"],
        "fiscal_year": data["fiscal_year"],
        "scores": data["scores"],
        "claimed": (data.get("claimed_total"), data.get("claimed_rating")),
        "failed_items": (data.get("oit") or {}).get("failed_items"),
        "suggested_items": [s["item"] for s in suggestions.get("by_item") or ()],
        "measures": [m["number"] for m in data["measures"]],
    }


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("pdf")
    made = {f.stem: text_to_pdf(f, out / f"{f.stem}.pdf") for f in FIXTURES}
    made["pua"] = text_to_pdf(SAMPLE, out / "pua.pdf", pua=True)
    return made


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda f: f.stem)
def test_pdf_imports_like_its_text(pdfs, fixture):
    text = import_document(fixture).data
    pdf = import_document(pdfs[fixture.stem]).data
    assert assessment_key(pdf) == assessment_key(text)
    assert pdf["document"]["format"] == "pdf"


def test_sample_pdf_reads_tables_pages_and_furniture(pdfs):
    document = read_document(pdfs[SAMPLE.stem])
    scores = document.tables()[0]
    assert scores.pos.page == 1
    assert [c.text for c in scores.rows[0].cells] == [
        "ตัวชี้วัดที่ ๑ การปฏิบัติหน้าที่", "๙๗.๐๖", "๙๕.๕๐", "๓๐", "๒๘.๖๕"]  # fmt: skip
    measures = document.tables()[-1]
    assert len(measures.repeated_headers) >= 5  # the header row repeated on every page
    assert {p.text for p in document.furniture} >= {"หน้า 1", "หน้า 2"}
    assert all("หน้า" not in p.text[:4] for p in document.paragraphs())


def test_pua_text_layer_is_repaired(pdfs):
    layer = pdfium.PdfDocument(str(pdfs["pua"]))[0].get_textpage().get_text_range()
    assert any("\uf700" <= c <= "\uf71a" for c in layer)  # the PDF really has the PUA problem
    text = import_document(SAMPLE).data
    pua = import_document(pdfs["pua"]).data
    assert assessment_key(pua) == assessment_key(text)
    assert "ผู้บริหาร" in str(pua["measures"])


def test_audit_finds_the_same_faults_with_page_references(pdfs):
    text = audit(SAMPLE)
    pdf = audit(import_document(pdfs[SAMPLE.stem]))
    arithmetic = {"prose_score_mismatch", "prose_rating_mismatch", "foreign_agency_name",
                  "template_placeholder", "analysis_flag_missing", "step_numbering"}  # fmt: skip
    for rule in arithmetic:
        assert sum(f.rule == rule for f in pdf) == sum(f.rule == rule for f in text), rule
    assert all(str(f.line).startswith("page ") for f in pdf if f.line is not None)


def test_sections_record_their_page(pdfs):
    sections = import_document(pdfs[SAMPLE.stem]).data["document"]["sections"]
    assert sections
    assert all(isinstance(s["page"], int) for s in sections)
    assert sections[0]["line"].startswith(f"page {sections[0]['page']}, line ")


def test_damaged_pdf_is_an_input_error(tmp_path):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.7\n garbage")
    with pytest.raises(Exception, match="not a readable PDF"):
        read_document(bad)


# -- PDFs written by Skia (Chrome's "Save as PDF", Google Docs) ---------------------------------

CHROMIUM = DATA / "documents" / "chromium"


def test_a_skia_pdf_gives_each_thai_cluster_once_and_its_words_their_drawn_size():
    """Skia draws a cluster glyph by glyph in a span with an /ActualText, which PDFium gives
    again for the marks (``ส่ส่วน``, ``ตั วชีชี วั้วดั``); the font is drawn at 3/4 of its size."""
    import re

    from ita_lib.documents.pdf_reading import pdf_pages

    document = read_document(CHROMIUM / "mae-tan-luang-2569.pdf")
    texts = [p.text for p in document.paragraphs()]
    assert "ประกาศ ณ วันที่ ๒๓ เดือน ตุลาคม พ.ศ. ๒๕๖๙" in texts
    assert any(t.startswith("ตามที่สำนักงานคณะกรรมการป้องกันและปราบปรามการทุจริต") for t in texts)
    doubled = re.compile(r"([ก-ฮ][\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]+)\1")  # a cluster twice over
    assert not [t for t in texts if doubled.search(t)]
    table = document.tables()[0]
    assert table.header_texts == ("ตัวชี้วัด", "คะแนน", "เครื่องมือ")
    body = [w for w in pdf_pages(CHROMIUM / "mae-tan-luang-2569.pdf", "v")[1].words]
    assert sorted(round(w.em) for w in body)[len(body) // 2] == 16  # 16 pt body, not 21.33


def test_a_skia_pdf_imports_its_published_figures():
    import json

    result = import_document(CHROMIUM / "mae-tan-luang-2569.pdf")
    data = result.data
    published = json.loads((CHROMIUM / "mae-tan-luang-2569.json").read_text(encoding="utf-8"))
    assert data["agency"]["name"] == published["agency"]
    assert {k.removeprefix("ind"): float(v) for k, v in data["scores"].items()} == published[
        "indicators"
    ]
    assert (float(data["claimed_total"]), data["claimed_rating"]) == (87.92, "ผ่านดี")
    assert data["oit"]["failed_items"] == published["failed_items"]
    assert [s["item"] for s in data["suggestions"]["by_item"]] == published["suggestion_items"]
    assert len(data["measures"]) == published["measure_count"] == 11


def test_a_word_tagged_whole_across_a_line_break_stays_where_it_is_drawn(tmp_path):
    """A span whose ``/ActualText`` is a word hyphenated over two lines (as tagged PDFs have it)
    is no Skia cluster: it is not made one glyph as wide as the line."""
    from ita_lib.documents.pdf_reading import pdf_pages

    pdf = raw_pdf(tmp_path / "hyphen.pdf", (
        "BT /F1 12 Tf 72 700 Td (Some text before) Tj ET\n"
        "/Span << /ActualText (example) >> BDC\n"
        "BT /F1 12 Tf 170 700 Td (exam-) Tj ET\nBT /F1 12 Tf 72 686 Td (ple) Tj ET\nEMC\n"
        "BT /F1 12 Tf 95 686 Td (after it) Tj ET\n"
    ))  # fmt: skip
    texts = [p.text for p in read_document(pdf).paragraphs()]
    assert texts[0].startswith("Some text before example")
    first_line = [w for w in pdf_pages(pdf, "h")[0].words if w.y0 < 150]
    assert max(w.x1 - w.x0 for w in first_line) < 40  # no glyph across the line


def test_a_words_em_is_its_height_as_drawn(tmp_path):
    """The em is the font size times the matrix's vertical scale: ``1 Tf`` in a 12 pt matrix
    is 12, a condensed font (``50 Tz``) is as high as before, a turned line keeps its size."""
    from ita_lib.documents.pdf_reading import pdf_pages

    cases = {
        "BT /F1 1 Tf 12 0 0 12 72 700 Tm (Scaled) Tj ET": 12,
        "BT /F1 12 Tf 50 Tz 72 700 Td (Condensed) Tj ET": 12,
        "BT /F1 12 Tf 0 1 -1 0 300 400 Tm (Turned) Tj ET": 12,
    }
    for number, (content, em) in enumerate(cases.items()):
        words = pdf_pages(raw_pdf(tmp_path / f"{number}.pdf", content), "e")[0].words
        assert {round(w.em) for w in words} == {em}, content
