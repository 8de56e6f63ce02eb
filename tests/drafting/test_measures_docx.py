"""Drafting the next measures document (ita_lib.drafting.measures_docx, ``ita draft measures``)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from ita_lib.cli import main
from ita_lib.documents.audit import audit
from ita_lib.documents.importer import import_document
from ita_lib.drafting.measures_docx import MEASURE_COLUMNS, draft_measures, measures_docx
from ita_lib.drafting.measures_plan import plan_measures
from ita_lib.model.assessment_file import load_assessment
from ita_lib.model.framework_files import load_framework
from ita_lib.text.years import fiscal_year_bounds

DATA = Path(__file__).parent.parent / "data" / "drafting"
SAMPLE = "bundled:bueng-krachap-2565"
FY2568 = str(DATA / "na-thotlong-2568.yaml")


@pytest.fixture(scope="module")
def sample_draft(tmp_path_factory) -> tuple[Path, object]:
    path = tmp_path_factory.mktemp("draft") / "measures-2566.docx"
    plan = draft_measures(load_assessment(SAMPLE), path)
    return path, plan


def _number(step: str) -> str:
    return re.sub(r"^[0-9๐-๙]+\)\s*", "", step)


def test_the_sample_draft_covers_every_flagged_item_and_carries_over_what_still_applies(
    sample_draft,
):
    _, plan = sample_draft
    assessment = load_assessment(SAMPLE)
    addressed = {code for m in plan.measures for code in m.addresses}
    flagged = set(assessment.failed_items) | {s.item for s in assessment.suggestions.by_item}
    assert {"o11", "o12"} <= addressed
    assert flagged <= addressed
    drafted = [m for m in plan.measures if m.origin == "drafted"]
    assert [m.addresses for m in drafted] == [("o11",), ("o12",)]
    assert [m.template for m in drafted] == ["six_month_report", "annual_report"]
    carried = [m.source_number for m in plan.measures if m.origin == "carried"]
    assert carried == [6, 7, 10, 11, 14, 17, 19, 21]  # the measures linked to a weakness
    assert [m.number for m in plan.measures] == list(range(1, len(plan.measures) + 1))
    start, end = fiscal_year_bounds(2566)
    assert all(start <= m.period.start <= m.period.end <= end for m in plan.measures)


def test_the_sample_draft_audits_clean_and_round_trips(sample_draft):
    path, plan = sample_draft
    assert [f for f in audit(path) if f.severity != "info"] == []
    imported = load_assessment_from(import_document(path).data)
    source = load_assessment(SAMPLE)
    assert imported.fiscal_year == 2565
    assert imported.measures_fiscal_year == 2566
    assert dict(imported.scores) == dict(source.scores)
    assert imported.failed_items == source.failed_items
    assert [(s.item, s.text) for s in imported.suggestions.by_item] == [
        (s.item, s.text) for s in plan.by_item
    ]
    assert dict(imported.suggestions.by_instrument) == dict(source.suggestions.by_instrument)
    assert imported.suggestions.summary == plan.summary
    assert imported.claimed_total == plan.result.total_2dp
    assert imported.claimed_rating == plan.result.rating
    _assert_same_measures(imported.measures, plan.measures)


def load_assessment_from(data):
    from ita_lib.model.assessment_file import parse_assessment

    return parse_assessment(data, source="<draft>")


def _assert_same_measures(imported, planned):
    assert len(imported) == len(planned)
    for got, want in zip(imported, planned, strict=True):
        assert got.number == want.number
        assert got.title == want.title
        assert [_number(s) for s in got.steps] == list(want.steps)
        assert got.owner == want.owner
        assert got.period == want.period
        assert [_number(s) for s in got.monitoring] == list(want.monitoring)


def test_the_sample_draft_fixes_what_the_sample_got_wrong(sample_draft):
    path, plan = sample_draft
    text = "\n".join(_all_text(docx.Document(str(path))))
    assert "ศาลาลาย" not in text  # another agency's name, pasted into the sample
    assert "ระบุชื่อ" not in text  # the template's placeholder
    assert "บึงกระจัด" not in text
    assert "บึงกระจัน" not in text
    assert plan.summary_drafted  # NACC's summary quoted another agency and score


def _all_text(document) -> list[str]:
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        texts += [cell.text for row in table.rows for cell in row.cells]
    return texts


def test_structure_fonts_digits_and_periods(sample_draft):
    path, _plan = sample_draft
    document = docx.Document(str(path))
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert round(section.top_margin.cm, 1) == 2.5
    assert round(section.left_margin.cm, 1) == 3.0
    assert round(section.right_margin.cm, 1) == 2.0
    fonts = document.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert {fonts.get(qn(f"w:{s}")) for s in ("ascii", "hAnsi", "eastAsia", "cs")} == {
        "TH Sarabun New"
    }
    sizes = document.styles["Normal"].element.rPr
    assert sizes.find(qn("w:sz")).get(qn("w:val")) == "32"
    assert sizes.find(qn("w:szCs")).get(qn("w:val")) == "32"
    score, _analysis, measures = document.tables
    for table in document.tables:
        header = table.rows[0]._tr.trPr
        assert header.find(qn("w:tblHeader")) is not None
    assert [c.text for c in measures.rows[0].cells] == list(MEASURE_COLUMNS)
    assert measures.rows[1].cells[0].text == "๑."
    assert score.rows[1].cells[1].text == "๙๗.๐๖"
    assert score.rows[-1].cells[4].text == "๙๒.๕๖"
    periods = {row.cells[4].text for row in measures.rows[1:]}
    assert periods == {"ต.ค. ๒๕๖๕ – ก.ย. ๒๕๖๖", "มี.ค. ๒๕๖๖ – เม.ย. ๒๕๖๖"}
    assert not re.search(r"[0-9]", score.rows[1].cells[0].text + document.paragraphs[1].text)
    assert document.sections[-1].page_width > document.sections[-1].page_height  # landscape


def test_drafted_passages_are_highlighted_and_commented(sample_draft):
    path, plan = sample_draft
    document = docx.Document(str(path))
    rows = document.tables[2].rows[1:]
    for row, measure in zip(rows, plan.measures, strict=True):
        runs = [r for p in row.cells[1].paragraphs for r in p.runs if r.text]
        highlighted = all(r.font.highlight_color is not None for r in runs)
        assert highlighted == ("title" in measure.marked)
    comments = [c.text for c in document.comments]
    assert any("o11" in c and "six_month_report" in c for c in comments)


def test_arabic_digits_option_and_determinism():
    assessment = load_assessment(SAMPLE)
    plan = plan_measures(assessment, thai_digits=False)
    first = measures_docx(plan)
    assert first == measures_docx(plan_measures(assessment, thai_digits=False))
    from io import BytesIO

    document = docx.Document(BytesIO(first))
    assert document.tables[0].rows[1].cells[1].text == "97.06"
    assert document.tables[2].rows[1].cells[4].text == "ต.ค. 2565 – ก.ย. 2566"


def test_a_later_year_is_drafted_with_its_periods_and_the_year_gap_is_reported(tmp_path):
    path = tmp_path / "measures-2567.docx"
    plan = draft_measures(load_assessment(SAMPLE), path, fiscal_year=2567)
    start, end = fiscal_year_bounds(2567)
    assert all(start <= m.period.start <= m.period.end <= end for m in plan.measures)
    assert {"o11", "o12"} <= {c for m in plan.measures for c in m.addresses}
    assert [f.rule for f in audit(path) if f.severity != "info"] == ["fiscal_year_mismatch"]


def test_fy2568_draft_audits_clean_round_trips_and_leaves_no_gap(tmp_path):
    from ita_lib.analysis.weaknesses import analyse

    path = tmp_path / "na-thotlong-2569.docx"
    plan = draft_measures(load_assessment(FY2568), path)
    assert [m.origin for m in plan.measures] == ["carried", "drafted", "drafted", "drafted"]
    assert [f for f in audit(path) if f.severity != "info"] == []
    imported = load_assessment_from(import_document(path).data)
    source = load_assessment(FY2568)
    assert dict(imported.scores) == dict(source.scores)
    assert imported.failed_items == source.failed_items
    _assert_same_measures(imported.measures, plan.measures)
    gaps = [g for g in analyse(imported).coverage_gaps if g.kind == "weakness_without_measure"]
    assert gaps == []


@pytest.mark.parametrize("year", [2564, 2566, 2567, 2569])
def test_every_catalogued_year_drafts_a_measure_for_every_failed_item(year, minimal):
    framework = load_framework(year)
    failed = [i.code for i in framework.oit_items()]
    scores = {**minimal["scores"], "ind9": 0, "ind10": 0}  # every OIT item failed
    data = {**minimal, "fiscal_year": year, "scores": scores, "oit": {"failed_items": failed}}
    from ita_lib.model.assessment_file import parse_assessment

    plan = plan_measures(parse_assessment(data, source="<test>"))
    assert set(failed) <= {c for m in plan.measures for c in m.addresses}
    assert all(m.title and m.steps and m.owner and m.monitoring for m in plan.measures)


def test_cli_refuses_to_overwrite_and_rejects_a_year_before_the_result(tmp_path, capsys):
    out = tmp_path / "d.docx"
    assert main(["draft", "measures", SAMPLE, "-o", str(out)]) == 0
    before = out.read_bytes()
    assert main(["draft", "measures", SAMPLE, "-o", str(out)]) == 2
    assert "file exists" in capsys.readouterr().err
    assert out.read_bytes() == before
    assert main(["draft", "measures", SAMPLE, "-o", str(tmp_path / "e.docx"),
                 "--fiscal-year", "2565"]) == 2  # fmt: skip
    assert "--fiscal-year" in capsys.readouterr().err
    assert not (tmp_path / "e.docx").exists()


@pytest.mark.skipif(
    not (shutil.which("libreoffice") and shutil.which("pdftoppm")),
    reason="LibreOffice or poppler-utils not installed",
)
def test_the_draft_renders_in_libreoffice(sample_draft, tmp_path):
    path, _ = sample_draft
    subprocess.run(
        ["libreoffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    pdf = tmp_path / "measures-2566.pdf"
    subprocess.run(["pdftoppm", "-r", "30", "-png", "-f", "1", "-l", "2", str(pdf),
                    str(tmp_path / "page")], check=True, timeout=60)  # fmt: skip
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == 2
    assert all(p.stat().st_size > 2000 for p in pages)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout  # fmt: skip
    assert "มาตรการส่งเสริมคุณธรรมและความโปร่งใส" in text
    assert "๙๒.๕๖" in text
