"""Documents of FY2566+ years: imports and audits by the catalogue of the year a document cites.

The fixtures are fictional agencies (their names say ตัวอย่าง, and the title says so):
``nong-bua-measures-2569.txt`` (FY2569 measures on ITA 2568, a table by instrument rows, EIT under
85), ``rim-nam-measures-2569.txt`` (FY2569 on ITA 2568, an instrument column beside the
indicators, rated ผ่านดี; also read as .docx) and ``khok-sung-measures-2570.txt`` (FY2570 on ITA
2569, only the three instrument scores and the total).
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from test_importer import text_to_docx

from ita_lib.analysis.weaknesses import analyse
from ita_lib.cli import main
from ita_lib.documents.audit import audit
from ita_lib.documents.catalogue_rules import names_match
from ita_lib.documents.importer import ImportResult, import_document
from ita_lib.exceptions import InputError
from ita_lib.model.assessment_file import load_assessment, parse_assessment

DOCUMENTS = Path(__file__).resolve().parents[1] / "data" / "documents"
NONG_BUA = DOCUMENTS / "nong-bua-measures-2569.txt"
RIM_NAM = DOCUMENTS / "rim-nam-measures-2569.txt"
KHOK_SUNG = DOCUMENTS / "khok-sung-measures-2570.txt"
SAMPLE = DOCUMENTS.parent / "bueng-krachap-measures-2566.txt"


@pytest.fixture(scope="module")
def nong_bua() -> ImportResult:
    return import_document(NONG_BUA)


@pytest.fixture(scope="module", params=["text", "docx"])
def rim_nam(request, tmp_path_factory) -> ImportResult:
    if request.param == "text":
        return import_document(RIM_NAM)
    path = tmp_path_factory.mktemp("docx") / "rim-nam.docx"
    return import_document(text_to_docx(RIM_NAM.read_text(encoding="utf-8"), path))


def _scores(*values: str) -> dict[str, Decimal]:
    return {f"ind{n}": Decimal(v) for n, v in enumerate(values, start=1)}


# -- Imports ------------------------------------------------------------------------------------


def test_a_fy2569_document_uses_the_ita_2568_catalogue(nong_bua):
    data = nong_bua.data
    assert data["agency"]["name"] == "องค์การบริหารส่วนตำบลตัวอย่างหนองบัว"
    assert (data["fiscal_year"], data["measures_fiscal_year"]) == (2568, 2569)
    assert data["scores"] == _scores(
        "96.50", "95.80", "97.20", "94.60", "96.90", "85.40", "82.10", "84.74", "87.14", "87.50"
    )
    assert data["claimed_total"] == Decimal("89.01")
    assert data["claimed_rating"] == "ผ่าน"  # the table's level row, not the prose's ผ่านดี
    assert data["oit"] == {"failed_items": ["o10", "o13", "o24"]}
    assert [s["item"] for s in data["suggestions"]["by_item"]] == ["o10", "o13", "o24"]
    assert [m["number"] for m in data["measures"]] == [1, 2, 3, 4, 5]
    first = data["measures"][0]
    assert first["title"] == "มาตรการพัฒนาระบบการให้บริการผ่านช่องทางออนไลน์ (E-Service)"
    assert first["owner"] == "สำนักปลัด"
    assert first["period"] == "ต.ค. ๖๘ - ธ.ค. ๖๘"
    assert len(first["steps"]) == 3
    assert first["monitoring"][1] == "๒) รายงานผลต่อนายก อบต."
    assert nong_bua.leftovers == ()


def test_instrument_rows_are_kept_with_their_scores_weights_and_weighted_scores(nong_bua):
    table = nong_bua.score_table
    instruments = {r["instrument"]: r for r in table["rows"] if "instrument" in r}
    assert {k: (r["mean"], r["weight"], r["weighted"]) for k, r in instruments.items()} == {
        "IIT": ("96.20", "30", "28.86"),
        "EIT": ("84.08", "30", "25.22"),
        "OIT": ("87.32", "40", "34.93"),
    }
    assert table["total"] == {"line": 24, "value": "89.01", "column": "weighted", "rating": "ผ่าน"}


def test_the_imported_fy2569_document_scores_and_names_the_blocking_instrument(nong_bua):
    assessment = parse_assessment(nong_bua.data)
    analysis = analyse(assessment)
    path = analysis.to_dict()["path_to_next_rating"]
    assert analysis.result.rating == "ผ่าน"
    assert str(analysis.result.total_2dp) == "89.01"
    assert path["target"] == "ผ่านดี"
    assert path["reachable_by_items"] is False
    assert [(b["instrument"], b["score"]) for b in path["blocked_by"]] == [("EIT", 84.08)]


def test_ita_analyse_on_the_imported_file_names_eit(tmp_path, capsys):
    out = tmp_path / "nong-bua.yaml"
    assert main(["import", str(NONG_BUA), "-o", str(out)]) == 0
    capsys.readouterr()
    assert main(["analyse", str(out), "--json"]) == 0
    path = json.loads(capsys.readouterr().out)["path_to_next_rating"]
    assert [b["instrument"] for b in path["blocked_by"]] == ["EIT"]
    assert load_assessment(out).fiscal_year == 2568


def test_an_instrument_column_beside_the_indicators_in_text_and_word(rim_nam):
    data = rim_nam.data
    assert (data["fiscal_year"], data["measures_fiscal_year"]) == (2568, 2569)
    assert data["agency"]["name"] == "เทศบาลเมืองตัวอย่างริมน้ำ"
    assert data["scores"] == _scores(
        "93.10", "92.40", "94.80", "91.50", "95.20", "89.60", "87.30", "88.90", "90.48", "87.50"
    )
    assert (data["claimed_total"], data["claimed_rating"]) == (Decimal("90.20"), "ผ่านดี")
    assert data["oit"] == {"failed_items": ["o6", "o15", "o27"]}
    assert len(data["measures"]) == 4
    assert data["measures"][2]["title"] == "มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน"
    assert data["measures"][1]["owner"] == "สำนักปลัดเทศบาล งานการเจ้าหน้าที่"
    assert data["measures"][0]["period"] == "ตุลาคม 2568 - กันยายน 2569"
    assert rim_nam.leftovers == ()
    assert audit(rim_nam) == ()  # tolerant names (O12, O16, O27 shortened) raise nothing
    assert parse_assessment(data).claimed_rating == "ผ่านดี"


def test_a_table_of_instrument_scores_only_imports_what_is_there(tmp_path, capsys):
    result = import_document(KHOK_SUNG)
    data = result.data
    assert (data["fiscal_year"], data["measures_fiscal_year"]) == (2569, 2570)
    assert "scores" not in data
    assert not result.complete
    assert result.missing == tuple(f"scores.ind{n}" for n in range(1, 11))
    assert data["document"]["missing"] == list(result.missing)
    rows = {r["instrument"]: r["mean"] for r in result.score_table["rows"]}
    assert rows == {"IIT": "95.00", "EIT": "83.50", "OIT": "83.75"}
    assert (data["claimed_total"], data["claimed_rating"]) == (Decimal("87.05"), "ผ่านดี")
    assert data["oit"] == {"failed_items": ["o10", "o21", "o25"]}  # ITA 2569's codes
    assert len(data["measures"]) == 3
    out = tmp_path / "k.yaml"
    assert main(["import", str(KHOK_SUNG), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "only the instrument scores" in err
    assert "IIT 95.00, EIT 83.50, OIT 83.75, total 87.05" in err
    assert not out.exists()


def test_some_indicators_missing_is_still_an_input_error(tmp_path):
    text = NONG_BUA.read_text(encoding="utf-8").replace("ตัวชี้วัดที่ ๗ ประสิทธิภาพการสื่อสาร\t๘๒.๑๐", "")
    path = tmp_path / "cut.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match="lists 9 of the 10 indicators"):
        import_document(path)


@pytest.mark.parametrize(
    ("replace", "expected"),
    [
        # the measures' year cited first in the results section
        (
            (
                "จากผลการประเมิน ITA ประจำปี",
                "เพื่อกำหนดมาตรการประจำปีงบประมาณ พ.ศ. ๒๕๖๙ จากผลการประเมิน ITA ประจำปี",
            ),
            (2568, 2569),
        ),
        # "ITA 2568" in Arabic digits, glued, in the heading
        (("(ITA) ประจำปีงบประมาณ พ.ศ. ๒๕๖๘", "ITA2568"), (2568, 2569)),
    ],
)
def test_the_assessed_year_is_told_apart_from_the_measures_year(tmp_path, replace, expected):
    path = tmp_path / "variant.txt"
    path.write_text(NONG_BUA.read_text(encoding="utf-8").replace(*replace), encoding="utf-8")
    data = import_document(path).data
    assert (data["fiscal_year"], data["measures_fiscal_year"]) == expected


# -- Audits --------------------------------------------------------------------------------------


def test_a_claimed_level_under_an_instrument_floor_and_a_misnamed_item(nong_bua):
    findings = [(f.rule, f.line) for f in audit(nong_bua)]
    assert findings == [("prose_rating_mismatch", 8), ("item_name_mismatch", 62)]
    by_rule = {f.rule: f for f in audit(nong_bua)}
    assert (
        "ผ่านดี needs every instrument at 85 or more: EIT is 84.08"
        in by_rule["prose_rating_mismatch"].message
    )
    assert "EIT ได้ ๘๔.๐๘" in by_rule["prose_rating_mismatch"].message_th
    name = by_rule["item_name_mismatch"]
    assert name.severity == "warning"
    assert "'รายงานผลการดำเนินงาน' but in ITA 2568 O10 is 'E-Service'" in name.message
    assert "the name is that of O7 (รายงานผลการดำเนินงานประจำปี)" in name.message


def test_a_level_run_into_the_next_word_is_still_a_claim(tmp_path):
    # a scan's OCR lost the space: "อยู่ในระดับผ่านดีโดยมีรายละเอียด..."
    path = tmp_path / "run-on.txt"
    text = NONG_BUA.read_text(encoding="utf-8").replace("ระดับผ่านดี โดยมี", "ระดับผ่านดีโดยมี")
    path.write_text(text, encoding="utf-8")
    assert "ระดับผ่านดีโดยมี" in text
    assert ("prose_rating_mismatch", 8) in [(f.rule, f.line) for f in audit(import_document(path))]


def test_a_claimed_level_in_the_table_is_checked_by_the_per_instrument_floor(tmp_path):
    text = NONG_BUA.read_text(encoding="utf-8").replace(
        "ระดับผลการประเมิน\tผ่าน", "ระดับผลการประเมิน\tผ่านดี"
    )
    path = tmp_path / "claims.txt"
    path.write_text(text, encoding="utf-8")
    findings = {f.rule: f for f in audit(path)}
    assert findings["rating_mismatch"].line == 25
    assert findings["rating_mismatch"].message == (
        "the rating is written ผ่านดี but a total of 89.01 is rated ผ่าน "
        "(ผ่านดี needs every instrument at 85 or more: EIT is 84.08)"
    )
    assert "prose_rating_mismatch" not in findings  # the prose now agrees with the claim


def test_an_instrument_only_table_is_audited_on_its_instrument_scores():
    findings = audit(import_document(KHOK_SUNG))
    assert [(f.rule, f.line) for f in findings] == [
        ("prose_rating_mismatch", 7),
        ("rating_mismatch", 7),
        ("indicator_scores_missing", 9),
        ("item_name_mismatch", 32),
    ]
    rating = next(f for f in findings if f.rule == "rating_mismatch")
    assert "EIT is 83.50, OIT is 83.75" in rating.message
    assert "total 87.05" in rating.message
    name = next(f for f in findings if f.rule == "item_name_mismatch")
    assert "in ITA 2569 O10 is 'ระบบการให้บริการผ่านช่องทางออนไลน์ (E-Service)'" in name.message


def test_descriptive_levels_in_nacc_prose_are_not_claims_from_fy2566():
    # "มีผลการประเมินในระดับดี" about IIT (line 33) is a description under the ผ่าน… scale
    assert all(f.line != 33 for f in audit(import_document(NONG_BUA)))


@pytest.mark.parametrize(
    ("written", "name", "same"),
    [
        ("E–Service", "E-Service", True),
        (
            "แผนและความก้าวหน้าในการดำเนินงานและการใช้งบประมาณ",
            "แผนและความก้าวหน้าในการดำเนินงานและการใช้งบประมาณประจำปี",
            True,
        ),
        (
            "รายการจัดซื้อจัดจ้างและความก้าวหน้าการจัดซื้อจัดจ้าง",
            "รายการการจัดซื้อจัดจ้างหรือการจัดหาพัสดุ และความก้าวหน้าการจัดซื้อจัดจ้างหรือการจัดหาพัสดุ",
            True,
        ),
        ("ข้อมูลการติดต่อ", "ข้อมูลการติดต่อและช่องทางการสอบถาม", True),
        ("รายงานผลการดำเนินงาน", "E-Service", False),
        ("ข้อมูลผู้บริหาร", "แผนยุทธศาสตร์หรือแผนพัฒนาหน่วยงาน", False),
        ("การประเมินความเสี่ยงการทุจริต", "ประมวลจริยธรรมและการขับเคลื่อนจริยธรรม", False),
    ],
)
def test_names_are_compared_tolerantly(written, name, same):
    assert names_match(written, name) is same


def test_the_fy2565_sample_gets_no_finding_from_the_new_rules():
    rules = {f.rule for f in audit(SAMPLE)}
    assert not rules & {"item_name_mismatch", "indicator_scores_missing"}


def test_an_imported_file_keeps_the_name_finding(tmp_path):
    out = tmp_path / "nong-bua.yaml"
    assert main(["import", str(NONG_BUA), "-o", str(out)]) == 0
    written = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert [f["rule"] for f in written["document"]["findings"]] == [
        "prose_rating_mismatch",
        "item_name_mismatch",
    ]
    # an assessment file is audited with the data rules: the name check applies there too
    assert [f.rule for f in audit(out)] == ["item_name_mismatch"]


def test_the_word_form_of_the_fy2569_document_imports_and_audits_alike(nong_bua, tmp_path):
    path = text_to_docx(NONG_BUA.read_text(encoding="utf-8"), tmp_path / "nong-bua.docx")
    word = import_document(path)
    mine, theirs = word.data, nong_bua.data
    for key in ("agency", "fiscal_year", "measures_fiscal_year", "scores", "claimed_total"):
        assert mine[key] == theirs[key], key
    assert (mine["claimed_rating"], mine["oit"]) == ("ผ่าน", {"failed_items": ["o10", "o13", "o24"]})
    assert mine["measures"] == theirs["measures"]
    assert [f.rule for f in audit(word)] == ["prose_rating_mismatch", "item_name_mismatch"]
