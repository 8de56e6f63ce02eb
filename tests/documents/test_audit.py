"""Auditing measures documents and assessment files (ita_lib.documents.audit, ``ita audit``)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import docx
import pytest
import yaml

from ita_lib.cli import main
from ita_lib.documents.audit import (
    RULES,
    SEVERITIES,
    SEVERITY_TH,
    Finding,
    attach_findings,
    audit,
    document_findings,
)
from ita_lib.documents.importer import import_document, write_assessment_yaml
from ita_lib.exceptions import InputError
from ita_lib.model.assessment_file import load_assessment

DATA = Path(__file__).resolve().parents[1] / "data"
DOCUMENTS = DATA / "documents"
SAMPLE = DATA / "bueng-krachap-measures-2566.txt"
REPO = Path(__file__).resolve().parents[2]

# Every finding on the sample document: (line, rule). See shared/reference/ita-framework.md 4.1.
SAMPLE_FINDINGS = [
    (7, "template_fill_dots"),  # ของ...องค์การบริหารส่วนตำบลบึงกระจับ...
    (9, "template_fill_dots"),
    (22, "score_table_layout"),  # the total 92.56 in the weight column
    (24, "template_fill_dots"),
    (26, "foreign_agency_name"),  # the summary pasted from เทศบาลตำบลศาลาลาย ...
    (26, "prose_score_mismatch"),  # ... with 83.74 ...
    (26, "prose_rating_mismatch"),  # ... at ระดับที่พอใช้
    (52, "unplaced_text"),  # the stray fragment of the o26 criterion
    (66, "own_name_misspelled"),  # บึงกระจัน
    (70, "duplicated_word"),  # ไว้ ไว้
    (76, "analysis_unflagged_weakness"),  # indicator 7 called weak; NACC flagged 8
    (80, "analysis_flag_missing"),  # o20 flagged, not among the weaknesses
    (80, "analysis_item_both_sides"),  # o3
    (84, "duplicated_word"),  # รายงานผลการผลการ (strengths, cell 2)
    (84, "analysis_item_both_sides"),  # o17 (weaknesses, cell 3)
    (105, "step_numbering"),  # measure 7 monitoring starts at ๒
    (108, "step_numbering"),  # ... and repeats ๒
    (109, "step_numbering"),  # measure 8 monitoring repeats ๑
    (114, "own_name_misspelled"),  # บึงกระจัด
    (119, "foreign_agency_name"),  # measure 12: ศาลาลาย
    (119, "template_placeholder"),  # ระบุชื่อ องค์กรปกครองส่วนท้องถิ่น
    (124, "own_name_misspelled"),  # องค์กรบริหารส่วนตำบล
    (132, "step_numbering"),  # measure 16 steps skip ๓
    (137, "foreign_agency_name"),  # measure 19
    (141, "foreign_agency_name"),  # measure 20
    (141, "step_numbering"),  # measure 20 steps repeat ๕
    (153, "duplicated_word"),  # กำหนดกำหนด
    (160, "own_name_misspelled"),  # องค์กรปกครองส่วนตำบล
]


@pytest.fixture(scope="module")
def sample_findings() -> tuple[Finding, ...]:
    return audit(SAMPLE)


def _pairs(findings):
    return [(f.line, f.rule) for f in findings]


# -- The sample and its corrected copy ------------------------------------------------------------


def test_the_sample_audit_reports_every_fault_at_its_line(sample_findings):
    assert _pairs(sample_findings) == SAMPLE_FINDINGS


def test_the_sample_findings_say_what_is_wrong(sample_findings):
    by_key = {(f.line, f.rule): f for f in sample_findings}
    assert by_key[(26, "foreign_agency_name")].message == (
        "another agency's name, เทศบาลตำบลศาลาลาย, in a document of องค์การบริหารส่วนตำบลบึงกระจับ"
    )
    assert by_key[(26, "prose_score_mismatch")].message == (
        "the text quotes a score of 83.74 but the score table gives 92.56"
    )
    assert by_key[(26, "prose_rating_mismatch")].message == (
        "the text gives the level 'พอใช้' but the score table's rating is A"
    )
    assert "'ระบุชื่อ องค์กรปกครองส่วนท้องถิ่น'" in by_key[(119, "template_placeholder")].message
    assert "บึงกระจัน" in by_key[(66, "own_name_misspelled")].message
    assert "บึงกระจัด" in by_key[(114, "own_name_misspelled")].message
    assert "องค์กรบริหารส่วนตำบล" in by_key[(124, "own_name_misspelled")].message
    assert by_key[(80, "analysis_flag_missing")].message == (
        "NACC flagged o20 but the analysis does not list it as a weakness"
    )
    assert by_key[(80, "analysis_item_both_sides")].message.startswith("o3 ")
    assert by_key[(84, "analysis_item_both_sides")].message.startswith("o17 ")
    assert by_key[(76, "analysis_unflagged_weakness")].message == (
        "the analysis calls indicator 7 weak but NACC flagged nothing in it"
    )
    assert by_key[(105, "step_numbering")].message == (
        "measure 7: the monitoring numbering starts at 2"
    )
    assert by_key[(132, "step_numbering")].message == (
        "measure 16: the steps numbering skips 3 (goes to 4)"
    )
    assert by_key[(141, "step_numbering")].message_th == ("มาตรการที่ ๒๐: ลำดับวิธีดำเนินการใช้เลข ๕ ซ้ำ")
    assert by_key[(70, "duplicated_word")].message == "'ไว้' is written twice in a row"
    assert by_key[(22, "score_table_layout")].message == (
        "the total 92.56 is written in the weight column, not in the weighted-score column"
    )


def test_findings_are_complete_records(sample_findings):
    for finding in sample_findings:
        assert finding.rule in RULES
        assert finding.severity == RULES[finding.rule].severity
        assert finding.severity in SEVERITIES
        assert finding.message
        assert finding.message_th
        assert set(finding.to_dict()) == {"rule", "severity", "line", "message"}
    with pytest.raises(AttributeError):
        sample_findings[0].line = 1  # type: ignore[misc]


def test_a_corrected_copy_of_the_sample_has_no_findings():
    assert audit(DOCUMENTS / "bueng-krachap-corrected.txt") == ()


def test_the_corrected_copy_still_imports_the_same_measures():
    corrected = import_document(DOCUMENTS / "bueng-krachap-corrected.txt").data
    original = import_document(SAMPLE).data
    assert corrected["scores"] == original["scores"]
    assert [m["title"][:20] for m in corrected["measures"]] == [
        m["title"][:20] for m in original["measures"]
    ]
    assert corrected["claimed_total"] == original["claimed_total"]


# -- Other documents -------------------------------------------------------------------------------------


def test_a_clean_document_in_arabic_digits_with_crlf_and_bom_has_no_findings():
    assert audit(DOCUMENTS / "huai-thotsop-arabic-crlf-bom.txt") == ()


def test_another_agency_year_and_column_order_with_its_own_faults():
    findings = audit(DOCUMENTS / "na-tuayang-2564.txt")
    assert _pairs(findings) == [
        (6, "rating_mismatch"),  # ระดับ A for a total of 84.91 (B)
        (9, "instrument_mean_mismatch"),  # IIT 87.53 for 87.35
        (14, "weighted_score_mismatch"),  # EIT 29.96 for 23.96
        (17, "oit_indicator_mismatch"),  # indicator 9 = 80.00; the flagged items give 87.78
        (22, "prose_score_mismatch"),  # 79.55
        (33, "suggestion_group_mismatch"),  # o25 under 9.2
        (41, "analysis_unflagged_weakness"),  # indicator 7
        (42, "analysis_flag_missing"),  # e14 (indicator 8 not called weak)
        (43, "analysis_flag_missing"),  # o25
        (43, "analysis_item_both_sides"),  # o12
        (44, "analysis_unflagged_weakness"),  # o40
        (48, "step_numbering"),  # starts at ๒
        (49, "measure_missing_owner"),
        (49, "measure_period_outside_year"),  # ต.ค. ๖๓ - ก.ย. ๖๔ for FY2565 measures
        (49, "own_name_misspelled"),  # นาตัวอยาง
        (49, "duplicated_word"),  # ทราบ ทราบ
        (50, "measure_numbering"),  # ๒ then ๔
        (50, "measure_missing_period"),
        (50, "measure_missing_monitoring"),
        (50, "foreign_agency_name"),  # องค์การบริหารส่วนตำบลบึงกระจับ
        (50, "template_placeholder"),  # (ชื่อหน่วยงาน)
        (56, "unplaced_text"),  # the signature after the measures table
    ]
    messages = {f.rule: f.message for f in findings}
    assert messages["rating_mismatch"] == "the rating is written A but a total of 84.91 is rated B"
    assert messages["oit_indicator_mismatch"] == (
        "indicator 9 is 80.00 but the items NACC flagged (o3, o12, o17, o25, o36) give 87.78"
    )
    assert messages["suggestion_group_mismatch"] == (
        "the suggestion on o25 is under sub-indicator 9.2, but o25 belongs to 9.4"
    )
    assert messages["measure_numbering"] == "the measures' numbering skips 3 (goes to 4)"
    assert messages["measure_missing_owner"] == "measure 2 has no owner (ผู้รับผิดชอบ)"


def test_a_docx_document_is_audited_with_table_cell_locations(tmp_path):
    document = docx.Document()
    for line in (
        "มาตรการส่งเสริมคุณธรรมและความโปร่งใส ประจำปีงบประมาณ พ.ศ. 2566",
        "ของเทศบาลตำบลทดสอบ",
        "1. ผลการประเมิน ITA ปีงบประมาณ พ.ศ. 2565",
    ):
        document.add_paragraph(line)
    scores = document.add_table(rows=11, cols=2)
    scores.cell(0, 0).text, scores.cell(0, 1).text = "ตัวชี้วัด", "คะแนน"
    for n in range(1, 11):
        scores.cell(n, 0).text, scores.cell(n, 1).text = f"ตัวชี้วัดที่ {n}", "90"
    document.add_paragraph("3. มาตรการ")
    measures = document.add_table(rows=2, cols=6)
    header = ("ลำดับ", "มาตรการ", "วิธีดำเนินการ", "ผู้รับผิดชอบ", "ระยะเวลา", "การติดตาม")
    for c, text in enumerate(header):
        measures.cell(0, c).text = text
    row = ("1", "มาตรการของเทศบาลตำบลศาลาลาย", "1) ก", "กองคลัง", "ต.ค. 65 - ก.ย. 66", "1) ข")
    for c, text in enumerate(row):
        measures.cell(1, c).text = text
    steps = measures.cell(1, 2)
    steps.add_paragraph("1) ค")
    path = tmp_path / "t.docx"
    document.save(str(path))
    assert _pairs(audit(path)) == [
        ("table 2, row 2, cell 2", "foreign_agency_name"),
        ("table 2, row 2, cell 3", "step_numbering"),
    ]


# -- Assessment YAML files -----------------------------------------------------------------------------


def test_an_assessment_file_gets_the_rules_on_its_own_texts():
    findings = audit("bundled:bueng-krachap-2565")
    assert {f.rule for f in findings} == {
        "foreign_agency_name",  # the summary pasted from เทศบาลตำบลศาลาลาย, and measures 12, 19, 20
        "prose_score_mismatch",  # ... with 83.74 ...
        "prose_rating_mismatch",  # ... at ระดับที่พอใช้
        "own_name_misspelled",
        "step_numbering",
        "duplicated_word",
    }
    assert all(not RULES[f.rule].needs_document for f in findings)
    text = (REPO / "ita_lib" / "data" / "samples" / "bueng-krachap-2565.yaml").read_text(
        encoding="utf-8"
    )
    lines = text.split("\n")
    for finding in findings:
        assert isinstance(finding.line, int)
    summary = [f for f in findings if f.data_path == "suggestions.summary"]
    assert [f.rule for f in summary] == [
        "foreign_agency_name",
        "prose_score_mismatch",
        "prose_rating_mismatch",
    ]
    assert {f.line for f in summary} == {25}
    assert lines[24].strip().startswith('summary: "เทศบาลตำบลศาลาลาย มีผลการประเมิน')
    assert summary[1].message == "the text quotes a score of 83.74 but the score table gives 92.56"
    assert summary[2].message_th == ("ข้อความระบุระดับ 'พอใช้' แต่ผลการประเมินตามตารางคะแนนอยู่ในระดับ A")
    foreign = [f.data_path for f in findings if f.rule == "foreign_agency_name"]
    assert foreign == [
        "suggestions.summary",
        "measures[11].monitoring[0]",
        "measures[18].steps[4]",
        "measures[19].title",
    ]
    numbering = next(f for f in findings if f.rule == "step_numbering")
    assert numbering.message == "measure 7: the monitoring numbering starts at 2"
    assert lines[numbering.line - 1].strip().startswith('- "๒) ดำเนินการตามมาตรการ')
    misspelled = next(f for f in findings if f.rule == "own_name_misspelled")
    assert lines[misspelled.line - 1].strip() == 'owner: "องค์การบริหารส่วนตำบลบึงกระจัด"'


def test_an_imported_file_is_audited_at_its_own_lines(tmp_path):
    result = import_document(SAMPLE)
    path = write_assessment_yaml(result.data, tmp_path / "bk.yaml")
    findings = audit(path)
    rules = [f.rule for f in findings]
    lines = path.read_text(encoding="utf-8").split("\n")
    foreign = [f for f in findings if f.rule == "foreign_agency_name"]  # from the file's texts
    assert [f.data_path for f in foreign] == [
        "suggestions.summary",
        "measures[11].monitoring[0]",
        "measures[18].steps[4]",
        "measures[19].title",
    ]
    assert lines[foreign[0].line - 1].strip().startswith("summary: เทศบาลตำบลศาลาลาย")
    assert "template_placeholder" not in rules  # needs the document's text
    assert "unplaced_text" not in rules
    assert rules.count("analysis_item_both_sides") == 2
    assert "analysis_flag_missing" in rules
    assert "score_table_layout" in rules
    both = [f for f in findings if f.rule == "analysis_item_both_sides"]
    assert [lines[f.line - 1].strip() for f in both] == ["- o3", "- o17"]


CLEAN_SUMMARY = (
    "องค์การบริหารส่วนตำบลบึงกระจับ มีผลการประเมินคุณธรรมและความโปร่งใสในการดำเนินงานของ"
    "หน่วยงานภาครัฐประจำปีงบประมาณ พ.ศ. ๒๕๖๕ อยู่ในระดับ A โดยมีคะแนนอยู่ที่ ๙๒.๕๖ คะแนน"
)


def _yaml_with(tmp_path: Path, summary: str = CLEAN_SUMMARY, **changes) -> Path:
    data = yaml.safe_load(
        (REPO / "ita_lib" / "data" / "samples" / "bueng-krachap-2565.yaml").read_text(
            encoding="utf-8"
        )
    )
    data["suggestions"]["summary"] = summary  # the sample's is pasted from another agency
    data["measures"] = data["measures"][:1]
    data["measures"][0]["monitoring"] = ["๑) ก", "๒) ข"]
    data.update(changes)
    path = tmp_path / "a.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_arithmetic_rules_on_a_score_table_as_written(tmp_path):
    table = {
        "rows": [
            {"indicator": 1, "score": "97.06", "mean": "95.50", "weight": "35", "weighted": "28.65"},
            {"indicator": 6, "score": "92.63", "mean": "91.34", "weight": "30", "weighted": "27.43"},
            {"indicator": 9, "score": "82.42", "mean": "91.21", "weight": "40", "weighted": "36.84"},
        ],
        "total": {"value": "92.65", "column": "weighted"},
    }  # fmt: skip
    path = _yaml_with(
        tmp_path,
        summary="",  # no score or level in prose: only the arithmetic rules find faults
        claimed_total="92.65",
        claimed_rating="AA",
        measures_fiscal_year=2567,
        document={"score_table": table},
    )
    findings = audit(path)
    assert [f.rule for f in findings] == [
        "fiscal_year_mismatch",
        "total_mismatch",
        "rating_mismatch",
        "measure_period_outside_year",  # ต.ค.๖๕ - ก.ย. ๖๖ is FY2566, not FY2567
        "weight_mismatch",
        "instrument_mean_mismatch",
        "weighted_score_mismatch",
    ]
    messages = {f.rule: f.message for f in findings}
    assert messages["weight_mismatch"] == "IIT weight is written 35 but FY2565 weighs it 30%"
    assert messages["instrument_mean_mismatch"] == (
        "EIT mean is written 91.34 but the mean of its indicators is 91.43"
    )
    assert messages["weighted_score_mismatch"] == (
        "OIT weighted score is written 36.84 but mean x weight is 36.48"
    )
    assert messages["total_mismatch"] == (
        "the total is written 92.65 but the weighted scores add up to 92.56"
    )
    assert messages["rating_mismatch"] == "the rating is written AA but a total of 92.56 is rated A"
    assert messages["fiscal_year_mismatch"] == (
        "the measures are for FY2567, not for FY2566 after the FY2565 result"
    )
    lines = path.read_text(encoding="utf-8").split("\n")
    weight = next(f for f in findings if f.rule == "weight_mismatch")
    assert lines[weight.line - 1].strip() == "weight: '35'"


def test_oit_indicators_against_the_flagged_items(tmp_path):
    path = _yaml_with(tmp_path, oit={"failed_items": ["o3", "o11"]})
    (finding,) = [f for f in audit(path) if f.rule == "oit_indicator_mismatch"]
    assert finding.message == "indicator 9 is 82.42 but the items NACC flagged (o3, o11) give 95.28"
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[finding.line - 1].strip() == "ind9: 82.42"


def test_a_clean_assessment_file_has_no_findings(tmp_path):
    assert audit(_yaml_with(tmp_path)) == ()


def test_a_malformed_document_section_is_an_input_error(tmp_path):
    rows = [{"indicator": 9, "weak_items": "o3"}]  # a text where a list is expected
    path = _yaml_with(tmp_path, document={"analysis": {"rows": rows}})
    with pytest.raises(InputError) as info:
        audit(path)
    message = str(info.value)
    assert "document.analysis.rows[0].weak_items (line " in message
    assert "not as ita import writes it" in message


def test_an_invalid_assessment_file_is_an_input_error(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("agency: {name: x}\nfiscal_year: 2565\n", encoding="utf-8")
    with pytest.raises(InputError, match="scores"):
        audit(path)


# -- Findings in the briefing ----------------------------------------------------------------------------


def test_findings_travel_with_the_imported_file_to_the_briefing(tmp_path, sample_findings):
    result = import_document(SAMPLE)
    path = write_assessment_yaml(attach_findings(result.data, sample_findings), tmp_path / "a.yaml")
    shown = document_findings(load_assessment(path))
    assert len(shown) == len(SAMPLE_FINDINGS)
    assert [f.severity for f in shown] == sorted((f.severity for f in shown), key=SEVERITIES.index)
    first = shown[0]
    assert (first.rule, first.line, first.severity) == ("foreign_agency_name", 26, "error")
    assert (
        first.message_th == "มีชื่อหน่วยงานอื่น (เทศบาลตำบลศาลาลาย) ในเอกสารขององค์การบริหารส่วนตำบลบึงกระจับ"
    )
    assert SEVERITY_TH[first.severity] == "ข้อผิดพลาด"
    assert "findings" not in result.data["document"]  # attach_findings returns a copy


def test_no_findings_for_an_assessment_not_from_a_document():
    assert document_findings(load_assessment("bundled:bueng-krachap-2565")) == ()


# -- The command -----------------------------------------------------------------------------------------------


def test_ita_audit_json(capsys):
    assert main(["audit", str(SAMPLE), "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(f["line"], f["rule"]) for f in listed] == SAMPLE_FINDINGS
    assert all(set(f) == {"rule", "severity", "line", "message"} for f in listed)


def test_ita_audit_text(capsys):
    assert main(["audit", str(SAMPLE)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == len(SAMPLE_FINDINGS)
    assert out[4] == (
        "26: error [foreign_agency_name] another agency's name, เทศบาลตำบลศาลาลาย, "
        "in a document of องค์การบริหารส่วนตำบลบึงกระจับ"
    )
    assert main(["audit", str(DOCUMENTS / "bueng-krachap-corrected.txt")]) == 0
    assert capsys.readouterr().out.strip() == "no findings"


@pytest.mark.parametrize("name", ["unrelated.txt", "truncated.txt", "missing.txt"])
def test_ita_audit_of_unreadable_input_exits_2(name, capsys):
    assert main(["audit", str(DOCUMENTS / name)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert re.fullmatch(r"ita: error: .+\n", captured.err)


# -- Rules and their documentation ----------------------------------------------------------------------------


def test_every_rule_is_documented_with_an_example():
    text = (REPO / "docs" / "importing-and-auditing.md").read_text(encoding="utf-8")
    for rule_id, rule in RULES.items():
        assert f"`{rule_id}`" in text, rule_id
        assert rule.severity in SEVERITIES
        assert (
            f"| `{rule_id}` | {rule.severity} | {'text' if rule.needs_document else 'data'} |"
            in text
        )


def test_rule_ids_are_snake_case():
    assert all(re.fullmatch(r"[a-z]+(?:_[a-z0-9]+)*", rule) for rule in RULES)
