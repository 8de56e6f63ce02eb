"""Importing measures documents as assessment data (ita_lib.documents.importer, ``ita import``)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import docx
import pytest
import yaml

from ita_lib.analysis.scoring import score_assessment
from ita_lib.cli import main
from ita_lib.documents.importer import (
    ImportResult,
    dump_assessment_yaml,
    import_document,
    split_agency_name,
    write_assessment_yaml,
)
from ita_lib.documents.layout import split_html
from ita_lib.exceptions import InputError
from ita_lib.model.assessment_file import load_assessment, parse_assessment

DATA = Path(__file__).resolve().parents[1] / "data"
DOCUMENTS = DATA / "documents"
SAMPLE = DATA / "bueng-krachap-measures-2566.txt"
ARABIC = DOCUMENTS / "huai-thotsop-arabic-crlf-bom.txt"
MUNICIPALITY = DOCUMENTS / "na-tuayang-2564.txt"


@pytest.fixture(scope="module")
def sample() -> ImportResult:
    return import_document(SAMPLE)


@pytest.fixture(scope="module")
def bundled():
    return load_assessment("bundled:bueng-krachap-2565")


def text_to_docx(text: str, path: Path) -> Path:
    """Build a .docx from the text form of a document.

    One paragraph per line; tab-separated rows become table rows, and any blank line or
    paragraph ends a table, so page-split fragments become separate Word tables with their
    repeated header rows. HTML fragments in a cell become separate paragraphs (list items
    start with "- ", as a typed bullet).
    """
    document = docx.Document()
    rows: list[list[str]] = []

    def flush() -> None:
        if not rows:
            return
        table = document.add_table(rows=len(rows), cols=max(len(r) for r in rows))
        for r, cells in enumerate(rows):
            for c, raw in enumerate(cells):
                parts = [f"- {t}" if k == "item" else t for k, t in split_html(raw)]
                if parts:
                    cell = table.cell(r, c)
                    cell.text = parts[0]
                    for more in parts[1:]:
                        cell.add_paragraph(more)
        rows.clear()

    for line in text.lstrip("\ufeff").splitlines():
        if "\t" in line:
            rows.append(line.split("\t"))
            continue
        flush()
        if line.strip():
            document.add_paragraph(line)
    flush()
    document.save(str(path))
    return path


# -- The sample document ------------------------------------------------------------------------


def test_the_imported_sample_loads_and_scores_like_the_bundled_sample(sample, bundled):
    imported = parse_assessment(sample.data, source="imported")
    mine, theirs = score_assessment(imported), score_assessment(bundled)
    assert (str(mine.total_2dp), mine.rating) == ("92.56", "A")
    assert mine.to_dict() == {**theirs.to_dict(), "agency_name": imported.agency.name}
    assert mine.checks == ()


def test_the_imported_sample_matches_the_bundled_transcription_field_by_field(sample, bundled):
    imported = parse_assessment(sample.data)
    assert imported.agency.name == bundled.agency.name == "องค์การบริหารส่วนตำบลบึงกระจับ"
    assert imported.agency.short_name == bundled.agency.short_name == "อบต.บึงกระจับ"
    assert imported.agency.type == bundled.agency.type == "องค์การบริหารส่วนตำบล"
    assert (imported.fiscal_year, imported.measures_fiscal_year) == (2565, 2566)
    assert (bundled.fiscal_year, bundled.measures_fiscal_year) == (2565, 2566)
    assert dict(imported.scores) == dict(bundled.scores)
    assert imported.claimed_total == bundled.claimed_total == Decimal("92.56")
    assert imported.claimed_rating == bundled.claimed_rating == "A"
    assert (
        imported.failed_items == bundled.failed_items == ("o3", "o11", "o12", "o17", "o20", "o28")
    )
    ours, theirs = imported.suggestions, bundled.suggestions
    assert ours.summary == theirs.summary
    assert dict(ours.by_instrument) == dict(theirs.by_instrument)
    assert [s.item for s in ours.by_item] == [s.item for s in theirs.by_item]
    for mine, given in zip(ours.by_item, theirs.by_item, strict=True):
        assert mine.text == given.text, mine.item
    assert len(imported.measures) == len(bundled.measures) == 27
    for mine, given in zip(imported.measures, bundled.measures, strict=True):
        assert mine.number == given.number
        assert mine.title == given.title, mine.number
        assert mine.steps == given.steps, mine.number
        assert mine.owner == given.owner, mine.number
        assert mine.period_text == given.period_text == "ต.ค.๖๕ - ก.ย. ๖๖"
        assert mine.period == given.period
        assert mine.monitoring == given.monitoring, mine.number


def test_page_split_items_are_joined_as_in_the_document(sample):
    measures = {m["number"]: m for m in sample.data["measures"]}
    # a word cut by the page break is joined without a space ...
    assert measures[9]["monitoring"][2].endswith(
        "หน่วยงานที่เกี่ยวข้อง เช่น รายงานการทำแผนฯ ให้แก่ สำนักงาน ป.ป.ช. ทางระบบผ่านระบบรายงาน "
        "และติดตามผลการดำเนินงาน ตามแผนปฏิบัติการป้องกันการทุจริตขององค์กรปกครองส่วนท้องถิ่น "
        "(E – PlanNACC) ทางเว็บไซต์สำนักงาน ป.ป.ช. http://www.nacc.go.th เป็นต้น"
    )
    # ... other text with one
    assert measures[9]["steps"][2].endswith(
        "ท้องถิ่น (E – PlanNACC) ทางเว็บไซต์สำนักงาน ป.ป.ช. http://www.nacc.go.th เป็นต้น"
    )
    assert measures[7]["monitoring"] == [
        "๒) ดำเนินการตามมาตรการป้องกันผลประโยชน์ทับซ้อนของหน่วยงาน",
        "๒) รายงานผลการดำเนินการ และเผยแพร่รายงานผลแก่สาธารณชน",
    ]
    assert measures[20]["owner"] == "องค์การบริหารส่วนตำบล บึงกระจับ"
    assert [s[:2] for s in measures[20]["steps"]] == [
        "๑)",
        "๒)",
        "๓)",
        "๔)",
        "๕)",
        "๕)",
        "๖)",
        "๗)",
        "๘)",
    ]


def test_the_sample_score_table_as_written(sample):
    table = sample.score_table
    assert table["line"] == 11
    assert dict(table["columns"]) == {
        "indicator": 1,
        "score": 2,
        "mean": 3,
        "weight": 4,
        "weighted": 5,
    }
    first = table["rows"][0]
    assert dict(first) == {
        "indicator": 1,
        "label": "ตัวชี้วัดที่ ๑ การปฏิบัติหน้าที่",
        "line": 12,
        "score": "97.06",
        "mean": "95.50",
        "weight": "30",
        "weighted": "28.65",
    }
    assert [
        (r["indicator"], r.get("mean"), r.get("weighted")) for r in table["rows"] if "mean" in r
    ] == [
        (1, "95.50", "28.65"),
        (6, "91.43", "27.43"),
        (9, "91.21", "36.48"),
    ]
    assert dict(table["total"]) == {"line": 22, "value": "92.56", "column": "weight"}
    assert dict(table["rating"]) == {"value": "A", "line": 9}


def test_the_sample_suggestions_are_grouped_as_written(sample):
    groups = sample.data["document"]["suggestion_groups"]
    assert [(g["item"], g["instrument"], g["indicator"], g["sub_indicator"], g["line"]) for g in groups] == [
        ("e12", "EIT", None, None, 32),
        ("e11", "EIT", None, None, 34),
        ("e14", "EIT", None, None, 36),
        ("o3", "OIT", 9, "9.1", 44),
        ("o11", "OIT", 9, "9.2", 48),
        ("o12", "OIT", 9, "9.2", 50),
        ("o17", "OIT", 9, "9.2", 54),
        ("o20", "OIT", 9, "9.3", 58),
        ("o28", "OIT", 9, "9.4", 62),
    ]  # fmt: skip


def test_the_sample_analysis_table(sample):
    assert sample.analysis["line"] == 68
    rows = sample.data["document"]["analysis"]["rows"]
    assert [r["line"] for r in rows] == [69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81]
    assert [r.get("indicator") for r in rows] == [None, 1, 2, 3, 4, 5, None, 6, 7, 8, None, 9, 10]
    assert [r["instrument"] for r in rows] == ["IIT"] * 6 + ["EIT"] * 4 + ["OIT"] * 3
    by_line = {r["line"]: r for r in rows}
    assert by_line[70]["keep_indicators"] == [1, 2, 3, 4, 5]
    assert by_line[70]["weak"] == []
    assert by_line[70]["weak_indicators"] == []
    assert by_line[76]["keep_indicators"] == [6]
    assert by_line[76]["weak_indicators"] == [7, 8]
    assert by_line[80]["keep_items"] == ["o1", "o3", "o4", "o5", "o6"]
    assert by_line[80]["weak_items"] == ["o3", "o11", "o12"]
    assert by_line[80]["weak_indicators"] == [9]
    # the three page-split continuation rows (lines 84, 87, 90) join the last row
    keep = by_line[81]["keep_items"]
    assert keep[:3] == ["o7", "o8", "o9"]
    assert keep[-2:] == ["o42", "o43"]
    assert len(keep) == 18 + 13 + 2
    assert "o17" in keep
    assert "o20" not in keep
    assert by_line[81]["weak_items"] == ["o17", "o28"]
    assert by_line[81]["keep_indicators"] == [10]
    assert str(sample.positions["document.analysis.rows[12].weak_items[0]"]) == "line 84, cell 3"


def test_the_sample_leftover_is_the_stray_o26_fragment(sample):
    (leftover,) = sample.leftovers
    assert leftover.pos.line == 52
    assert leftover.section == "suggestions"
    assert leftover.text.startswith("และพัฒนาทรัพยากรบุคคลในข้อ ๐๒๕")
    assert sample.data["document"]["leftovers"] == [leftover.to_dict()]
    assert sample.leftover_summary() == (
        "1 piece of text fit no section (line 52); kept under document.leftovers"
    )


def test_the_sample_positions(sample):
    where = {key: str(pos) for key, pos in sample.positions.items()}
    assert where["agency.name"] == "line 3"
    assert where["fiscal_year"] == "line 7"
    assert where["scores.ind9"] == "line 20, cell 2"
    assert where["claimed_total"] == "line 22, cell 4"
    assert where["claimed_rating"] == "line 9"
    assert where["suggestions.summary"] == "line 26"
    assert where["suggestions.by_instrument.OIT"] == "line 38"
    assert where["suggestions.by_item[4]"] == "line 48"
    assert where["measures[6]"] == "line 105"
    assert where["measures[6].monitoring[1]"] == "line 108, cell 6"
    assert where["measures[26].steps[3]"] == "line 163, cell 3"


def test_the_sample_sections_and_source(sample):
    data = sample.data
    assert data["source"]["document"] == (
        "มาตรการส่งเสริมคุณธรรมและความโปร่งใสประจำปีงบประมาณ พ.ศ. ๒๕๖๖ ของ องค์การบริหารส่วนตำบลบึงกระจับ"
    )
    sections = [(s["section"], s["line"]) for s in data["document"]["sections"]]
    assert sections == [
        ("results", 7), ("results", 9), ("suggestions", 24), ("analysis", 64),
        ("analysis", 66), ("measures", 92), ("measures", 94),
    ]  # fmt: skip
    assert data["document"]["file"] == SAMPLE.name
    assert data["document"]["format"] == "text"
    assert [m["line"] for m in data["document"]["measures"]][:3] == [97, 98, 101]


def test_import_results_are_immutable(sample):
    data = sample.data
    data["scores"]["ind1"] = 0
    assert sample.data["scores"]["ind1"] == Decimal("97.06")
    with pytest.raises(TypeError):
        sample.frozen_data["scores"]["ind1"] = 0  # type: ignore[index]


# -- Documents written differently --------------------------------------------------------------------

ARABIC_SCORES = {
    "ind1": "90.00", "ind2": "88.50", "ind3": "92.10", "ind4": "85.30", "ind5": "89.60",
    "ind6": "84.20", "ind7": "80.10", "ind8": "78.90", "ind9": "92.14", "ind10": "93.75",
}  # fmt: skip


def test_arabic_digits_crlf_bom_and_page_headers_do_not_matter():
    result = import_document(ARABIC)
    data = result.data
    assert data["agency"] == {
        "name": "องค์การบริหารส่วนตำบลห้วยทดสอบ",
        "short_name": "อบต.ห้วยทดสอบ",
        "type": "องค์การบริหารส่วนตำบล",
    }
    assert (data["fiscal_year"], data["measures_fiscal_year"]) == (2565, 2566)
    assert {k: str(v) for k, v in data["scores"].items()} == ARABIC_SCORES
    assert (data["claimed_total"], data["claimed_rating"]) == (Decimal("88.23"), "A")
    assert data["oit"] == {"failed_items": ["o11", "o17", "o20", "o34"]}
    assert [s["item"] for s in data["suggestions"]["by_item"]] == [
        "e13", "e15", "o11", "o17", "o20", "o34",
    ]  # fmt: skip
    assert [m["number"] for m in data["measures"]] == [1, 2, 3, 4]
    second = data["measures"][1]
    assert second == {
        "number": 2,
        "title": "มาตรการรายงานผลการดำเนินงานและการใช้จ่ายงบประมาณ",
        "steps": [
            "1) จัดทำรายงานการกำกับติดตามการดำเนินงาน รอบ 6 เดือน",
            "2) จัดทำรายงานผลการใช้จ่ายงบประมาณประจำปี โดยระบุ - ปัญหา อุปสรรค - ข้อเสนอแนะ",
            "3) เสนอรายงานต่อผู้บริหารเพื่อปรับปรุงการดำเนินงาน",
        ],
        "owner": "กองคลัง",
        "period": "ตุลาคม 2565 – กันยายน 2566",
        "monitoring": ["1) เผยแพร่รายงานบนเว็บไซต์", "2) รายงานผลต่อผู้บริหารท้องถิ่น"],
    }
    assert result.leftovers == ()
    furniture = data["document"]["page_furniture"]
    assert [f["line"] for f in furniture] == [22, 23, 42, 43, 89, 90]
    assert data["document"]["score_table"]["total"] == {
        "line": 29,
        "value": "88.23",
        "column": "weighted",
    }
    assessment = parse_assessment(data)
    assert str(score_assessment(assessment).total_2dp) == "88.23"
    assert assessment.measures[3].period.start.isoformat() == "2023-01-01"


def test_another_agency_year_and_column_order():
    result = import_document(MUNICIPALITY)
    data = result.data
    assert data["agency"] == {
        "name": "เทศบาลตำบลนาตัวอย่าง",
        "short_name": "ทต.นาตัวอย่าง",
        "type": "เทศบาลตำบล",
    }
    assert (data["fiscal_year"], data["measures_fiscal_year"]) == (2564, 2565)
    table = data["document"]["score_table"]
    assert table["columns"] == {"indicator": 1, "weighted": 2, "weight": 3, "mean": 4, "score": 5}
    assert table["rows"][0]["mean"] == "87.53"
    assert table["rows"][5]["weighted"] == "29.96"
    assert str(data["scores"]["ind9"]) == "80.00"
    assert data["claimed_total"] == Decimal("84.91")
    assert table["total"] == {"line": 19, "value": "84.91", "column": "weighted"}
    assert data["claimed_rating"] == "A"
    assert data["oit"]["failed_items"] == ["o3", "o12", "o17", "o25", "o36"]
    groups = {g["item"]: g["sub_indicator"] for g in data["document"]["suggestion_groups"]}
    assert groups == {
        "e14": None,
        "o3": "9.1",
        "o12": "9.2",
        "o17": "9.2",
        "o25": "9.2",
        "o36": "10.1",
    }
    analysis = {r["indicator"]: r for r in data["document"]["analysis"]["rows"]}
    assert analysis[7]["weak_indicators"] == [7]
    assert analysis[7]["keep"] == []
    assert analysis[9]["weak_items"] == ["o3", "o12", "o17"]
    assert analysis[9]["keep_items"] == ["o1", "o12"]
    assert analysis[10]["weak_items"] == ["o36", "o40"]
    measures = data["measures"]
    assert [m["number"] for m in measures] == [1, 2, 4, 5]
    assert measures[0]["steps"] == ["๒) รวบรวมกฎหมายที่กำหนดอำนาจหน้าที่", "๓) เผยแพร่อำนาจหน้าที่บนเว็บไซต์"]
    assert measures[0]["owner"] == "สำนักปลัดเทศบาล"
    assert "owner" not in measures[1]
    assert "period" not in measures[2]
    assert "monitoring" not in measures[2]
    assert measures[3]["steps"] == [
        "๑) จัดทำนโยบายการบริหารทรัพยากรบุคคล",
        "๒) ประกาศนโยบายให้บุคลากรทราบ",
    ]
    assert [(x.pos.line, x.section) for x in result.leftovers] == [(56, "measures")]
    assessment = parse_assessment(data)
    result_score = score_assessment(assessment)
    assert (str(result_score.total_2dp), result_score.rating) == ("84.91", "B")


def test_a_docx_document_imports_like_its_text_form(tmp_path):
    text = ARABIC.read_text(encoding="utf-8-sig")
    from_docx = import_document(text_to_docx(text, tmp_path / "huai.docx"))
    from_text = import_document(ARABIC)
    mine, theirs = from_docx.data, from_text.data
    assert mine["document"]["format"] == "docx"
    for key in ("agency", "fiscal_year", "measures_fiscal_year", "scores", "claimed_total",
                "claimed_rating", "oit", "suggestions", "measures"):  # fmt: skip
        assert mine[key] == theirs[key], key
    assert from_docx.leftovers == ()
    assert [f["line"] for f in mine["document"]["page_furniture"]] == [
        "paragraph 6", "paragraph 7", "paragraph 13", "paragraph 14",
        "paragraph 30", "paragraph 31",
    ]  # fmt: skip
    where = {key: str(pos) for key, pos in from_docx.positions.items()}
    assert where["scores.ind9"] == "table 2, row 3, cell 2"
    assert where["measures[1].steps[2]"] == "table 5, row 2, cell 3"
    assert where["measures[1].monitoring[1]"] == "table 5, row 2, cell 6"
    assert mine["document"]["score_table"]["total"]["line"] == "table 2, row 5"


def test_a_docx_score_table_with_merged_instrument_cells(tmp_path):
    text = ARABIC.read_text(encoding="utf-8-sig")
    path = text_to_docx(text, tmp_path / "merged.docx")
    document = docx.Document(str(path))
    first = document.tables[0]  # rows: header, indicators 1-7
    mean = first.cell(1, 2).merge(first.cell(5, 2))  # IIT mean spans indicators 1-5
    mean.text = "89.10"
    document.save(str(path))
    table = import_document(path).score_table
    assert [r.get("mean") for r in table["rows"][:6]] == ["89.10", None, None, None, None, "81.07"]


# -- Names, duplicates, unreadable periods ------------------------------------------------------------


def test_split_agency_name():
    kind, core = split_agency_name("เทศบาลตำบลนาตัวอย่าง")
    assert (kind.name, kind.short, core) == ("เทศบาลตำบล", "ทต.", "นาตัวอย่าง")
    assert split_agency_name("สำนักงานทดสอบ") == (None, "สำนักงานทดสอบ")


def _small_document(measure_rows: str) -> str:
    lines = [
        "มาตรการส่งเสริมคุณธรรมและความโปร่งใส ประจำปีงบประมาณ พ.ศ. 2566 ของเทศบาลตำบลทดสอบ",
        "1. ผลการประเมิน ITA ปีงบประมาณ พ.ศ. 2565",
        "ตัวชี้วัด\tคะแนน",
        *[f"ตัวชี้วัดที่ {n}\t90" for n in range(1, 11)],
        "3. มาตรการ",
        "ลำดับ\tมาตรการ\tวิธีดำเนินการ\tผู้รับผิดชอบ\tระยะเวลา\tการติดตามประเมินผล",
        measure_rows,
    ]
    return "\n".join(lines) + "\n"


def test_a_measure_number_used_twice_is_kept_under_a_new_number(tmp_path):
    path = tmp_path / "dup.txt"
    path.write_text(
        _small_document("1.\tก\t1) x\tกองคลัง\tต.ค. 65 - ก.ย. 66\t1) y\n1.\tข\t1) z\t\t\t"),
        encoding="utf-8",
    )
    result = import_document(path)
    data = result.data
    assert [(m["number"], m["title"]) for m in data["measures"]] == [(1, "ก"), (2, "ข")]
    assert any("used twice" in note for note in data["source"]["notes"])
    assert [m["number"] for m in data["document"]["measures"]] == ["1.", "1."]
    assert "oit" not in data  # no OIT paragraph: no failed items are claimed


def test_an_unreadable_period_is_kept_as_a_leftover(tmp_path):
    path = tmp_path / "period.txt"
    path.write_text(_small_document("1.\tก\t1) x\tกองคลัง\tตลอดปี\t1) y"), encoding="utf-8")
    result = import_document(path)
    assert "period" not in result.data["measures"][0]
    (leftover,) = result.leftovers
    assert (leftover.text, str(leftover.pos), leftover.section) == (
        "ตลอดปี",
        "line 16, cell 5",
        "measures",
    )
    assert leftover.reason.startswith("period unreadable")


def test_a_missing_year_is_derived_and_noted(tmp_path):
    text = _small_document("1.\tก\t1) x\tกองคลัง\tต.ค. 65 - ก.ย. 66\t1) y")
    text = text.replace("1. ผลการประเมิน ITA ปีงบประมาณ พ.ศ. 2565", "1. ผลการประเมิน ITA")
    path = tmp_path / "year.txt"
    path.write_text(text, encoding="utf-8")
    data = import_document(path).data
    assert (data["fiscal_year"], data["measures_fiscal_year"]) == (2565, 2566)
    assert any("not written" in note for note in data["source"]["notes"])


# -- Errors ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("truncated.txt", "the score table lists 5 of the 10 indicators"),
        ("unrelated.txt", "not an ITA measures document"),
    ],
)
def test_fixture_documents_that_fail(name, message):
    with pytest.raises(InputError, match=message) as info:
        import_document(DOCUMENTS / name)
    assert str(info.value).startswith(str(DOCUMENTS / name))


def test_a_document_truncated_before_its_measures(tmp_path):
    path = tmp_path / "cut.txt"
    path.write_text(
        "\n".join(SAMPLE.read_text(encoding="utf-8").split("\n")[:90]), encoding="utf-8"
    )
    with pytest.raises(InputError, match=r"no measures .*the text ends at line 90"):
        import_document(path)


def test_the_truncated_fixture_says_which_indicators_are_missing():
    with pytest.raises(InputError) as info:
        import_document(DOCUMENTS / "truncated.txt")
    assert "missing ind6, ind7, ind8, ind9, ind10 (the text ends at line 17)" in str(info.value)
    assert "the table at line 11" in str(info.value)


def test_an_unknown_fiscal_year(tmp_path):
    text = _small_document("1.\tก\t1) x\tกองคลัง\tต.ค. 60 - ก.ย. 61\t1) y")
    path = tmp_path / "old.txt"
    path.write_text(text.replace("2565", "2560").replace("2566", "2561"), encoding="utf-8")
    with pytest.raises(InputError, match="no framework data for the assessment year"):
        import_document(path)


# -- Writing ----------------------------------------------------------------------------------------------


def test_write_assessment_yaml_writes_a_loadable_file_and_never_overwrites(sample, tmp_path):
    target = tmp_path / "out.yaml"
    assert write_assessment_yaml(sample.data, target) == target
    loaded = load_assessment(target)
    assert str(score_assessment(loaded).total_2dp) == "92.56"
    assert loaded.document["score_table"]["total"]["column"] == "weight"
    assert loaded.document["leftovers"][0]["line"] == 52
    before = target.read_bytes()
    with pytest.raises(InputError, match="file exists"):
        write_assessment_yaml(sample.data, target)
    assert target.read_bytes() == before
    changed = sample.data
    changed["claimed_rating"] = "B"
    write_assessment_yaml(changed, target, overwrite=True)
    assert load_assessment(target).claimed_rating == "B"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.yaml"]  # no temporary files


def test_write_assessment_yaml_refuses_invalid_data_and_missing_folders(sample, tmp_path):
    bad = sample.data
    bad["scores"]["ind1"] = 140
    with pytest.raises(InputError, match="score out of range"):
        write_assessment_yaml(bad, tmp_path / "bad.yaml")
    with pytest.raises(InputError, match="folder does not exist"):
        write_assessment_yaml(sample.data, tmp_path / "no" / "such.yaml")
    assert list(tmp_path.iterdir()) == []


def test_dumped_yaml_keeps_numbers_exact_and_order(sample):
    text = dump_assessment_yaml(sample.data)
    assert text.startswith("# Assessment file written by `ita import`")
    data = yaml.safe_load(text)
    assert list(data)[:6] == [
        "schema_version",
        "agency",
        "fiscal_year",
        "measures_fiscal_year",
        "scores",
        "claimed_total",
    ]
    assert data["scores"]["ind10"] == 100
    assert data["scores"]["ind1"] == 97.06
    assert "  ind1: 97.06\n" in text
    assert "  ind10: 100\n" in text


# -- The command ---------------------------------------------------------------------------------------------


def test_ita_import_writes_the_file_and_reports_leftovers(tmp_path, capsys):
    out = tmp_path / "bk.yaml"
    assert main(["import", str(SAMPLE), "-o", str(out)]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == str(out)
    err = captured.err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith("ita: 1 piece of text fit no section (line 52)")
    assessment = load_assessment(out)
    findings = assessment.document["findings"]
    assert len(findings) == 28
    assert findings[0]["rule"] == "template_fill_dots"
    assert main(["import", str(SAMPLE), "-o", str(out)]) == 2
    assert "file exists" in capsys.readouterr().err
    assert main(["import", str(ARABIC), "-o", str(out), "--overwrite"]) == 0
    capsys.readouterr()
    assert load_assessment(out).agency.name == "องค์การบริหารส่วนตำบลห้วยทดสอบ"


@pytest.mark.parametrize("name", ["truncated.txt", "unrelated.txt", "empty.txt", "binary.bin"])
def test_ita_import_fails_cleanly_and_writes_nothing(name, tmp_path, capsys):
    source = DOCUMENTS / name
    if not source.exists():
        source = tmp_path / name
        source.write_bytes(b"" if name == "empty.txt" else b"\x00\x01\x02binary")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    assert main(["import", str(source), "-o", str(out_dir / "x.yaml")]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("ita: error: ")
    assert "Traceback" not in captured.err
    assert list(out_dir.iterdir()) == []
