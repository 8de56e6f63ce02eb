"""A text PDF with scanned pages or pictures of text in it: those are read by OCR."""

import ctypes
import json
import logging
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from pdf_fixtures import pdf_to_scan, text_to_pdf, with_picture, with_scanned_pages

from ita_lib.documents import pdf_pictures
from ita_lib.documents.importer import import_document
from ita_lib.documents.page_layout import Page, Word
from ita_lib.documents.pdf_reading import is_scanned, pdf_pages
from ita_lib.documents.reading import read_document
from ita_lib.exceptions import InputError

DATA = Path(__file__).resolve().parents[1] / "data"
DOCUMENT = DATA / "documents" / "libreoffice" / "khlong-takhian-thong-2569.pdf"
PUBLISHED = json.loads(DOCUMENT.with_suffix(".json").read_text(encoding="utf-8"))
SCORE_PAGE = 4  # the page of the document's score table
SCORE_TABLE = (84.0, 363.0, 540.0, 571.0)  # its box on that page (points from the top left)


def _published(data: dict) -> dict:
    scores = {k.removeprefix("ind"): float(v) for k, v in data["scores"].items()}
    return {
        "indicators": scores,
        "total": float(data["claimed_total"]),
        "rating": data["claimed_rating"],
        "failed_items": data["oit"]["failed_items"],
        "measure_count": len(data["measures"]),
    }


EXPECTED = {
    "indicators": {k: float(v) for k, v in PUBLISHED["indicators"].items()},
    "total": PUBLISHED["total"],
    "rating": PUBLISHED["rating"],
    "failed_items": PUBLISHED["failed_items"],
    "measure_count": PUBLISHED["measure_count"],
}


@pytest.mark.slow
def test_a_scanned_page_among_exported_pages_is_read_by_ocr(tmp_path):
    mixed = with_scanned_pages(DOCUMENT, tmp_path / "mixed.pdf", {SCORE_PAGE})
    assert len(pdf_pages(mixed, "m")[SCORE_PAGE - 1].words) == 0
    data = import_document(mixed).data
    assert data["document"]["format"] == "mixed"
    assert _published(data) == EXPECTED
    assert (
        "Page 4 is a scanned page (no text layer); it was read by OCR." in data["source"]["notes"]
    )
    rows = {r.get("indicator"): r["line"] for r in data["document"]["score_table"]["rows"]}
    assert rows[2].startswith("page 3, table 2")  # the table goes on from the page before
    assert rows[3].startswith("page 4, table 1")


@pytest.mark.slow
def test_results_pasted_as_a_picture_are_read_by_ocr(tmp_path):
    pictured = with_picture(DOCUMENT, tmp_path / "picture.pdf", SCORE_PAGE, SCORE_TABLE)
    page = pdf_pages(pictured, "p")[SCORE_PAGE - 1]
    assert not any(w.text in "๐๑๒๓๔๕๖๗๘๙" and 363 < w.y0 < 571 for w in page.words)
    data = import_document(pictured).data
    assert data["document"]["format"] == "mixed"
    assert _published(data) == EXPECTED
    notes = [n for n in data["source"]["notes"] if n.startswith("Page")]
    assert notes == [
        "Page 4 holds a picture of text (43% to 68% down the page); it was read by OCR."
    ]


def test_without_tesseract_the_text_is_read_and_each_picture_named(tmp_path, monkeypatch, caplog):
    last = len(pdf_pages(DOCUMENT, "d"))
    mixed = with_scanned_pages(DOCUMENT, tmp_path / "signed.pdf", {last})

    def missing(source):
        raise InputError("no Tesseract", source=source)

    monkeypatch.setattr(pdf_pictures, "check_tesseract", missing)
    with caplog.at_level(logging.WARNING):
        data = import_document(mixed).data
    assert data["document"]["format"] == "pdf"
    assert data["fiscal_year"] == 2569
    note = f"Page {last} is a scanned page (no text layer); it was not read, as Tesseract OCR"
    assert any(n.startswith(note) for n in data["source"]["notes"])
    assert "1 scanned page(s) or picture(s) of text not read" in caplog.text


def _page(words: int, pictures=(), *, rotated: bool = False) -> Page:
    glyphs = tuple(Word("ก", 72.0, 100.0, 80.0, 110.0, 10.0) for _ in range(words))
    return Page(1, 595.0, 842.0, glyphs, pictures=tuple(pictures), rotated=rotated)


@pytest.mark.parametrize(
    ("words", "boxes", "read"),
    [
        (300, [(260.0, 40.0, 335.0, 115.0)], []),  # the emblem on a cover page
        (300, [(380.0, 600.0, 500.0, 650.0)], []),  # a signature
        (300, [(80.0, 300.0, 520.0, 560.0)], [(80.0, 300.0, 520.0, 560.0)]),  # a screenshot
        (5, [(0.0, 0.0, 595.0, 842.0)], [None]),  # a scanned page
        (5, [(0.0, 0.0, 595.0, 420.0), (0.0, 420.0, 595.0, 842.0)], [None]),  # scanned in strips
        (5, [], []),  # an empty page
        (300, [(0.0, 0.0, 595.0, 842.0)], []),  # a letterhead or watermark under the text
        (5, [(20.0, 20.0, 60.0, 60.0), (500.0, 780.0, 550.0, 830.0)], []),  # an emblem, a stamp
    ],
)
def test_which_pictures_are_read(words, boxes, read):
    assert [t.box for t in pdf_pictures._targets(_page(words, boxes))] == read


def test_on_a_page_the_pdf_turns_only_a_whole_scanned_page_is_read():
    screenshot = [(80.0, 300.0, 520.0, 560.0)]
    assert pdf_pictures._targets(_page(300, screenshot, rotated=True)) == []
    scanned = _page(5, [(0.0, 0.0, 595.0, 842.0)], rotated=True)
    assert [t.box for t in pdf_pictures._targets(scanned)] == [None]


def _read_picture_as(word: Word, monkeypatch, tmp_path):
    """Read the fixture with its score table pasted as a picture, OCR reading ``word`` there."""
    monkeypatch.setattr(
        pdf_pictures,
        "ocr_pages",
        lambda images, source, **_: tuple(Page(1, 1000.0, 500.0, (word,)) for _ in images),
    )
    pictured = with_picture(DOCUMENT, tmp_path / "picture.pdf", SCORE_PAGE, SCORE_TABLE)
    pages = pdf_pages(pictured, "p")
    return (pages, *pdf_pictures.read_pictures(pictured, pages, "p"))


def test_what_ocr_is_unsure_of_leaves_the_pdf_as_it_was(monkeypatch, tmp_path):
    unsure = Word("ผ", 1.0, 1.0, 9.0, 9.0, 8.0, 12.0)
    pages, out, notes, by_ocr = _read_picture_as(unsure, monkeypatch, tmp_path)
    assert (out, by_ocr) == (pages, frozenset())
    left_out = "OCR is sure of nothing in it (a photograph, a chart), so it was left out"
    assert notes == (f"Page 4 holds a picture of text (43% to 68% down the page); {left_out}.",)


def test_the_pages_ocr_added_words_to_are_named(monkeypatch, tmp_path):
    sure = Word("คะแนน", 1.0, 1.0, 90.0, 9.0, 8.0, 91.0)
    _, out, _, by_ocr = _read_picture_as(sure, monkeypatch, tmp_path)
    assert by_ocr == frozenset({SCORE_PAGE})
    assert "คะแนน" in [w.text for w in out[SCORE_PAGE - 1].words]


def _with_invisible_text(pdf: Path, out: Path, *, mode: int) -> Path:
    """Lay a line of text over each page, drawn in ``mode`` (3: invisible, a scanner's OCR)."""
    document = pdfium.PdfDocument(str(pdf))
    for page in document:
        text = pdfium_c.FPDFPageObj_NewTextObj(document.raw, b"Helvetica", 12.0)
        words = "Fl0ngDen@ 1nvisib1e 0CR layer of a scanner " * 3
        encoded = words.encode("utf-16-le") + b"\0\0"
        buffer = ctypes.create_string_buffer(encoded, len(encoded))
        pdfium_c.FPDFText_SetText(text, ctypes.cast(buffer, pdfium_c.FPDF_WIDESTRING))
        pdfium_c.FPDFTextObj_SetTextRenderMode(text, mode)
        pdfium_c.FPDFPageObj_Transform(text, 1, 0, 0, 1, 40, 400)
        pdfium_c.FPDFPage_InsertObject(page.raw, text)
        page.gen_content()
    document.save(str(out))
    document.close()
    return out


def test_without_tesseract_a_searchable_scan_is_read_from_its_scanners_ocr(tmp_path, monkeypatch):
    import pytesseract

    pdf = text_to_pdf(DATA / "documents" / "khok-sung-measures-2570.txt", tmp_path / "k.pdf")
    searchable = _with_invisible_text(
        pdf_to_scan(pdf, tmp_path / "s.pdf"), tmp_path / "ss.pdf", mode=3
    )
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", str(tmp_path / "no-tesseract"))
    document = read_document(searchable)
    assert document.format == "scan"
    assert "Fl0ngDen@" in document.blocks[0].text
    assert document.notes[0].startswith("The PDF is a scan; as Tesseract OCR is not installed")
    with pytest.raises(InputError, match="Tesseract"):  # a scan with no text at all still stops
        read_document(pdf_to_scan(pdf, tmp_path / "plain.pdf"))


def test_a_scanners_invisible_ocr_layer_is_no_text_layer(tmp_path):
    pdf = text_to_pdf(DATA / "documents" / "khok-sung-measures-2570.txt", tmp_path / "k.pdf")
    scan = pdf_to_scan(pdf, tmp_path / "scan.pdf")
    searchable = _with_invisible_text(scan, tmp_path / "searchable.pdf", mode=3)
    visible = _with_invisible_text(scan, tmp_path / "visible.pdf", mode=0)
    assert is_scanned(pdf_pages(searchable, "s"))
    assert not is_scanned(pdf_pages(visible, "v"))


@pytest.mark.parametrize(("conf", "sure"), [(90.0, True), (20.0, False)])
def test_a_picture_is_read_where_it_is_unless_ocr_is_unsure_of_it(conf, sure):
    page = Page(1, 595.0, 842.0, (Word("ก", 72.0, 100.0, 80.0, 110.0, 10.0),))
    read = Page(1, 1000.0, 500.0, (Word("ITA", 100.0, 50.0, 200.0, 90.0, 40.0, conf),
                                   Word("96.42", 600.0, 50.0, 800.0, 90.0, 40.0, conf)))  # fmt: skip
    assert pdf_pictures._sure(read) is sure
    out = pdf_pictures._with_picture(page, (100.0, 300.0, 340.0, 420.0), read, 0.24)
    ita = out.words[1]
    assert (ita.text, ita.x0, ita.y0, ita.x1, ita.em) == ("ITA", 124.0, 312.0, 148.0, 9.6)
