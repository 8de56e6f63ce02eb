"""Reading measures documents into paragraphs and tables (ita_lib.documents.layout)."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from ita_lib.documents.layout import Paragraph, Table, clean_text, join_wrapped, split_html
from ita_lib.documents.reading import parse_docx, parse_text, read_document
from ita_lib.exceptions import InputError

DATA = Path(__file__).resolve().parents[1] / "data"
SAMPLE = DATA / "bueng-krachap-measures-2566.txt"


@pytest.fixture(scope="module")
def sample():
    return read_document(SAMPLE)


# -- Cleaning and HTML fragments ---------------------------------------------------------------


def test_clean_text_removes_invisible_characters_and_composes_sara_am():
    assert clean_text("\ufeffก\u200bข\u00a0ทํา\x07") == "กข ทำ"
    assert clean_text("ก\tข\n") == "ก\tข\n"  # tabs and newlines are structure


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<p>๑) ก</p> <p>๒) ข</p>", (("p", "๑) ก"), ("p", "๒) ข"))),
        (
            '<p>๒) เช่น</p> <ul style="list-style-type: none"> - ก - ข <p>๓) ค</p>',
            (("p", "๒) เช่น"), ("p", "- ก - ข"), ("p", "๓) ค")),
        ),
        ("<ul><li>ก</li><li>ข</li></ul>ค", (("item", "ก"), ("item", "ข"), ("p", "ค"))),
        ("ก<br/>ข", (("p", "ก"), ("p", "ข"))),
        ("<b>ตัว</b>หนา &amp; Q&amp;A&nbsp;x", (("p", "ตัวหนา & Q&A x"),)),
        ("a < b > c", (("p", "a < b > c"),)),
        ("  <p> </p>  ", ()),
    ],
)
def test_split_html(html, expected):
    assert split_html(html) == expected


def test_join_wrapped_glues_a_thai_word_cut_by_a_page_break():
    assert join_wrapped("หน่วยงานที่", "เกี่ยวข้อง") == "หน่วยงานที่เกี่ยวข้อง"
    assert join_wrapped("ท้องถิ่น", "(E – PlanNACC)") == "ท้องถิ่น (E – PlanNACC)"
    assert join_wrapped("ประชาชน", "- จัดทำ") == "ประชาชน - จัดทำ"
    assert join_wrapped("ท้องถิ่น", "๑.๓) เผยแพร่") == "ท้องถิ่น ๑.๓) เผยแพร่"  # a digit is no letter
    assert join_wrapped("", "ก") == "ก"


# -- The sample document -------------------------------------------------------------------------


def test_sample_has_three_tables_and_its_paragraphs_in_order(sample):
    assert sample.format == "text"
    tables = sample.tables()
    assert [t.pos.line for t in tables] == [11, 68, 96]
    assert tables[0].header_texts == (
        "ตัวชี้วัด",
        "คะแนน ITA",
        "คะแนนที่ได้ (๑๐๐ คะแนน)",
        "น้ำหนัก (ร้อยละ)",
        "คะแนนถ่วง น้ำหนัก",
    )
    lines = [p.pos.line for p in sample.paragraphs()]
    assert lines[:5] == [3, 4, 5, 7, 9]
    assert 52 in lines
    assert 94 in lines
    assert sample.furniture == ()
    assert sample.end.line == 163


def test_sample_page_split_tables_are_stitched_and_repeated_headers_dropped(sample):
    analysis, measures = sample.tables()[1:]
    assert [p.line for p in analysis.repeated_headers] == [83, 86, 89]
    assert [p.line for p in measures.repeated_headers] == [
        100, 107, 112, 116, 122, 126, 131, 135, 139, 144, 148, 152, 157, 162,
    ]  # fmt: skip
    assert len(measures.rows) == 27 + 12  # measures plus continuation rows, not yet merged
    merged = measures.merge_continuations(0)
    assert len(merged.rows) == 27
    seventh = merged.rows[6]
    assert seventh.pos.line == 105
    assert [p.line for p in seventh.continued_at] == [108]
    monitoring = seventh.cells[5]
    assert [str(f.pos) for f in monitoring.fragments] == ["line 105, cell 6", "line 108, cell 6"]
    assert [p.text[:2] for p in monitoring.paragraphs] == ["๒)", "๒)"]
    assert merged.rows[-1].continued_at[0].line == 163


def test_sample_analysis_continuations_join_the_last_indicator_row(sample):
    analysis = sample.tables()[1].merge_continuations(0)
    last = analysis.rows[-1]
    assert last.cells[0].text == "ตัวชี้วัดที่ ๑๐ การป้องกันการทุจริต"
    assert [p.line for p in last.continued_at] == [84, 87, 90]
    keep = last.cells[1]
    assert keep.paragraphs[0].text == "0๗ ข่าวประชาสัมพันธ์"
    assert keep.paragraphs[-1].text.startswith("๐๔๓ การดำเนินการตามมาตรการ")
    assert len(keep.paragraphs) == 18 + 14 + 2


def test_cell_paragraphs_come_from_p_tags(sample):
    measures = sample.tables()[2].merge_continuations(0)
    owner = measures.rows[19].cells[3]  # measure 20: <p>องค์การบริหารส่วนตำบล</p> <p>บึงกระจับ</p>
    assert [p.text for p in owner.paragraphs] == ["องค์การบริหารส่วนตำบล", "บึงกระจับ"]
    assert owner.text == "องค์การบริหารส่วนตำบล บึงกระจับ"


def test_text_units_cover_paragraphs_and_cell_fragments(sample):
    units = list(sample.text_units())
    assert units[0].text.startswith("มาตรการส่งเสริม")
    assert not units[0].in_table
    in_table = [u for u in units if u.in_table]
    assert any(str(u.pos) == "line 119, cell 6" and "ศาลาลาย" in u.text for u in in_table)
    assert not any(u.pos.line in (11, 68, 96, 100) for u in in_table)  # headers are not text


# -- Line ends, stitching and page furniture ---------------------------------------------------------

TWO_PAGES = (
    "หัวเรื่อง\n\n"
    "ลำดับ\tมาตรการ\tผู้รับผิดชอบ\n"
    "๑.\tก\tข\n"
    "\n\n"
    "เอกสารมาตรการ อบต.ทดสอบ\n"
    "- ๒ -\n"
    "\n"
    "ลำดับ\tมาตรการ\tผู้รับผิดชอบ\n"
    "\tต่อ\t\n"
    "๒.\tค\tง\n"
    "\n"
    "ข้อความต่อจากตาราง\n"
    "เอกสารมาตรการ อบต.ทดสอบ\n"
)


def test_fragments_with_a_repeated_header_are_one_table_and_page_lines_are_furniture():
    doc = parse_text(TWO_PAGES, source="t.txt")
    (table,) = doc.tables()
    assert [r.pos.line for r in table.rows] == [4, 11, 12]
    assert [p.line for p in table.repeated_headers] == [10]
    assert [(p.pos.line, p.text) for p in doc.furniture] == [
        (7, "เอกสารมาตรการ อบต.ทดสอบ"),
        (8, "- ๒ -"),
        (15, "เอกสารมาตรการ อบต.ทดสอบ"),  # the running header recurring later
    ]
    assert [p.text for p in doc.paragraphs()] == ["หัวเรื่อง", "ข้อความต่อจากตาราง"]


def test_line_ends_and_byte_order_mark_do_not_matter():
    lf = parse_text(TWO_PAGES)
    crlf = parse_text("\ufeff" + TWO_PAGES.replace("\n", "\r\n"))
    cr = parse_text(TWO_PAGES.replace("\n", "\r"))
    assert lf.blocks == crlf.blocks == cr.blocks


def test_fragments_of_the_same_width_separated_by_blank_lines_are_one_table():
    doc = parse_text("ก\tข\n๑\tx\n\n\n\n๒\ty\n")
    (table,) = doc.tables()
    assert [r.cells[1].text for r in table.rows] == ["x", "y"]


def test_a_paragraph_between_fragments_separates_tables():
    doc = parse_text("ก\tข\n๑\tx\nคำอธิบาย\nค\tง\tจ\n๒\ty\tz\n")
    assert [type(b).__name__ for b in doc.blocks] == ["Table", "Paragraph", "Table"]


def test_a_header_row_repeated_inside_a_table_is_dropped():
    doc = parse_text("ก\tข\n๑\tx\nก\tข\n๒\ty\n")
    (table,) = doc.tables()
    assert [r.pos.line for r in table.rows] == [2, 4]
    assert [p.line for p in table.repeated_headers] == [3]


def test_a_lone_tab_separated_line_is_a_paragraph():
    doc = parse_text("ข้อ e๑๒\tหน่วยงานควรนำเสนอผลงาน\n")
    assert [(p.text, p.pos.line) for p in doc.paragraphs()] == [
        ("ข้อ e๑๒", 1),
        ("หน่วยงานควรนำเสนอผลงาน", 1),
    ]


def test_short_rows_are_padded_to_the_header_width():
    (table,) = parse_text("ก\tข\tค\n๑\tx\n").tables()
    assert len(table.rows[0].cells) == 3
    assert table.rows[0].cells[2].is_empty


def test_merge_continuations_uses_the_key_column():
    (table,) = parse_text("จุดอ่อน\tตัวชี้วัด\n\tตัวชี้วัดที่ ๑\nx\t\n").tables()
    merged = table.merge_continuations(1)
    assert len(merged.rows) == 1
    assert merged.rows[0].cells[0].text == "x"
    assert len(table.merge_continuations(0).rows) == 2  # column 0 is empty in row 1


# -- Reading files -------------------------------------------------------------------------------------


def test_read_document_rejects_what_is_not_a_measures_document(tmp_path):
    cases = {
        "empty.txt": b"",
        "blank.txt": b"  \r\n\r\n ",
        "nul.bin": b"binary!!\x00\x00\x00\rIHDR",
        "broken.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        "a.pdf": b"%PDF-1.7\n...",
        "old.doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest",
        "fake.docx": b"not a zip at all",
        "zip.docx": b"PK\x03\x04 broken zip",
        "latin1.txt": "ok\nline two caf\xe9\n".encode("latin-1"),
    }
    messages = {}
    for name, data in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(InputError) as info:
            read_document(path)
        messages[name] = str(info.value)
    assert "file is empty" in messages["empty.txt"]
    assert "file is empty" in messages["blank.txt"]
    assert "binary content, not text" in messages["nul.bin"]
    assert "byte 8" in messages["nul.bin"]
    assert "not a readable PDF" in messages["a.pdf"]
    assert "not a readable image" in messages["broken.png"]
    assert "old Word .doc" in messages["old.doc"]
    assert "not a readable .docx file" in messages["fake.docx"]
    assert "not a readable .docx file" in messages["zip.docx"]
    assert "not UTF-8 text" in messages["latin1.txt"]
    assert "line 2" in messages["latin1.txt"]
    for name, message in messages.items():
        assert message.startswith(str(tmp_path / name)), name
    with pytest.raises(InputError, match="file not found"):
        read_document(tmp_path / "missing.txt")


def test_utf16_with_bom_is_read(tmp_path):
    path = tmp_path / "u16.txt"
    path.write_bytes("ก\tข\n๑\tx\n".encode("utf-16"))
    (table,) = read_document(path).tables()
    assert table.rows[0].cells[1].text == "x"


# -- .docx documents -----------------------------------------------------------------------------------


def _docx_with_split_table(path: Path) -> Path:
    document = docx.Document()
    document.add_paragraph("มาตรการส่งเสริมคุณธรรม")
    first = document.add_table(rows=3, cols=3)
    for c, text in enumerate(("ตัวชี้วัด", "คะแนน", "คะแนนที่ได้")):
        first.cell(0, c).text = text
    first.cell(1, 0).text = "ตัวชี้วัดที่ ๑"
    first.cell(1, 1).text = "๙๐"
    first.cell(2, 0).text = "ตัวชี้วัดที่ ๒"
    first.cell(2, 1).text = "๘๐"
    merged = first.cell(1, 2).merge(first.cell(2, 2))
    merged.text = "๘๕.๐๐"
    document.add_paragraph("")
    second = document.add_table(rows=3, cols=3)
    for c, text in enumerate(("ตัวชี้วัด", "คะแนน", "คะแนนที่ได้")):
        second.cell(0, c).text = text
    second.cell(1, 1).text = "ต่อ"
    span = second.cell(2, 0).merge(second.cell(2, 1))
    span.text = "รวม"
    cell = second.cell(2, 2)
    cell.text = "บรรทัดแรก"
    cell.add_paragraph("<p>บรรทัดสอง</p>")
    document.add_paragraph("ท้ายเอกสาร")
    document.save(str(path))
    return path


def test_docx_tables_are_stitched_with_merged_cells_flattened(tmp_path):
    doc = read_document(_docx_with_split_table(tmp_path / "a.docx"))
    assert doc.format == "docx"
    assert [type(b).__name__ for b in doc.blocks] == ["Paragraph", "Table", "Paragraph"]
    table = doc.tables()[0]
    assert [str(p) for p in table.repeated_headers] == ["table 2, row 1"]
    rows = table.rows
    assert [[c.text for c in r.cells] for r in rows] == [
        ["ตัวชี้วัดที่ ๑", "๙๐", "๘๕.๐๐"],
        ["ตัวชี้วัดที่ ๒", "๘๐", ""],  # the merged cell's text is in its first row only
        ["", "ต่อ", ""],
        ["รวม", "", "บรรทัดแรก บรรทัดสอง"],  # a horizontal span keeps its place
    ]
    assert rows[0].cells[2].pos.ref == "table 1, row 2, cell 3"
    assert rows[3].cells[2].pos.ref == "table 2, row 3, cell 3"
    assert [p.pos.ref for p in doc.paragraphs()] == ["paragraph 1", "paragraph 3"]
    merged = table.merge_continuations(0)
    assert merged.rows[1].cells[1].text == "๘๐ ต่อ"


def test_parse_docx_reports_a_broken_file(tmp_path):
    path = tmp_path / "broken.docx"
    path.write_bytes(b"PK\x03\x04garbage")
    with pytest.raises(InputError, match=r"not a readable \.docx file"):
        parse_docx(path)


def test_blocks_are_immutable(sample):
    block = sample.blocks[0]
    assert isinstance(block, Paragraph)
    with pytest.raises(AttributeError):
        block.text = "x"  # type: ignore[misc]
    assert isinstance(sample.blocks, tuple)
    assert all(isinstance(t, Table) for t in sample.tables())
