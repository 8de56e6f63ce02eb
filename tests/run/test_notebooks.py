"""The notebooks themselves: hygiene checks (fast) and real papermill runs (slow)."""

import ast
import json
import re
from pathlib import Path

import nbformat
import papermill
import pytest
import yaml

from ita_lib.exceptions import BriefingError, InputError
from ita_lib.run.execution import BRIEFING_NOTEBOOK, run_briefing

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))


# -- hygiene ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_clean_and_thin(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code), "commit without outputs"
    parameters = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(parameters) == 1
    for statement in ast.parse(parameters[0].source).body:
        assert isinstance(statement, ast.Assign), "the parameters cell holds assignments only"
        assert [type(t) for t in statement.targets] == [ast.Name]
        ast.literal_eval(statement.value)  # literals only: derived values are not re-computed
    for cell in code:
        tree = ast.parse(cell.source)
        assert not any(
            isinstance(n, ast.FunctionDef | ast.ClassDef | ast.Lambda) for n in ast.walk(tree)
        )
        assert "ita_lib._" not in cell.source, "notebooks use the public API only"
        assert len(cell.source.splitlines()) <= 10


# -- runs ------------------------------------------------------------------------------------


def _text(html: str) -> str:
    html = re.sub(r"<style>.*?</style>", " ", html, flags=re.DOTALL)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.slow
def test_sample_briefing(sample_run):
    output, root = sample_run
    assert output.html_path == root / "2565" / "bueng-krachap" / "briefing.html"
    assert output.notebook_path.is_file()
    html = output.html_path.read_text(encoding="utf-8")
    text = _text(html)
    assert '<html lang="th">' in html
    assert "<title>สรุปผล ITA อบต.บึงกระจับ ปีงบประมาณ 2565</title>" in html
    for expected in (
        "92.56",
        "95.50",
        "91.43",
        "91.21",
        "ระดับ A",
        "ผ่าน",
        "o17 E-Service",
        "(27 มาตรการ)",
    ):
        assert expected in text, expected
    # no code, no parameters, nothing external
    assert "<script" not in html
    assert "import ita_lib" not in html
    assert "bundled:bueng-krachap-2565" not in html
    assert "briefing.headline()" not in html
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert len(re.findall(r"@font-face \{ font-family: Sarabun;[^}]*font/woff2", html)) == 2
    assert "data:image/png" not in html
    # indicator and contribution charts, inline, as ita_lib writes them (no re-serialisation)
    assert len(re.findall(r'<svg viewBox="0 0 [\d.]+ [\d.]+" role="img"><title>', html)) == 2
    # fonts subset, charts as SVG (the indicator names' white ground over the pass line: ~1.3 KB)
    assert len(output.html_path.read_bytes()) < 155_000
    assert "ข้อสังเกต: มีชื่อหน่วยงานอื่น (เทศบาลตำบลศาลาลาย)" in text  # flagged where shown
    assert "ไม่พบข้อคลาดเคลื่อน" not in text
    assert "@page { size: A4" in html
    assert 'name="viewport"' in html


@pytest.mark.slow
def test_executed_notebook_records_its_parameters(sample_run):
    output, _ = sample_run
    nb = nbformat.read(output.notebook_path, as_version=4)
    assert nb.metadata["papermill"]["parameters"]["assessment"] == "bundled:bueng-krachap-2565"
    assert not list(output.html_path.parent.glob(".run-*"))
    # the page's sections are in briefing.html only, not a second time in the notebook
    results = [o for c in nb.cells for o in c.get("outputs", []) if "data" in o]
    assert results
    assert {key for o in results for key in o.data} == {"text/plain"}
    assert nb.metadata["ita"]["exported_to"] == "briefing.html"
    assert output.notebook_path.stat().st_size < 40_000


@pytest.mark.slow
def test_same_inputs_give_byte_identical_html(sample_run, tmp_path):
    output, _ = sample_run
    again = run_briefing(REPO / "params" / "bueng-krachap-2565.yaml", output_root=tmp_path)
    assert again.html_path.read_bytes() == output.html_path.read_bytes()


@pytest.mark.slow
def test_small_fixture_with_thai_digits_and_timestamp(tmp_path, minimal, write_yaml):
    minimal["scores"] = {f"ind{n}": 70 for n in range(1, 11)}
    minimal["oit"] = {"failed_items": []}
    assessment = write_yaml(minimal)
    params = tmp_path / "params.yaml"
    params.write_text(
        f"assessment: {assessment.name}\nthai_digits: true\nrun_timestamp: 26 พ.ย. 2569\n",
        encoding="utf-8",
    )
    output = run_briefing(params, output_root=tmp_path / "out")
    assert output.html_path == tmp_path / "out" / "2565" / "test-agency" / "briefing.html"
    text = _text(output.html_path.read_text(encoding="utf-8"))
    assert "๗๐.๐๐" in text
    assert "ไม่ผ่าน" in text
    assert "จัดทำเมื่อ 26 พ.ย. 2569" in text
    assert "คะแนนตัวชี้วัดที่ 9 ระบุไว้ 70" in text  # items all passed but indicator 9 says 70


@pytest.mark.slow
def test_papermill_cli_style_run_rejects_unknown_parameters(tmp_path):
    with pytest.raises(papermill.PapermillExecutionError) as info:
        papermill.execute_notebook(
            str(BRIEFING_NOTEBOOK),
            str(tmp_path / "out.ipynb"),
            parameters={"colour": "red"},
            kernel_name="python3",
            progress_bar=False,
        )
    assert info.value.ename == "ParameterError"
    assert "colour" in info.value.evalue


@pytest.mark.slow
def test_papermill_with_the_params_file_runs(tmp_path):
    params = yaml.safe_load(
        (REPO / "params" / "bueng-krachap-2565.yaml").read_text(encoding="utf-8")
    )
    nb = papermill.execute_notebook(
        str(BRIEFING_NOTEBOOK),
        str(tmp_path / "out.ipynb"),
        parameters=params,
        kernel_name="python3",
        progress_bar=False,
    )
    outputs = json.dumps([c.get("outputs", []) for c in nb.cells], ensure_ascii=False)
    assert "92.56" in outputs


def test_bad_assessment_fails_before_any_kernel_and_writes_nothing(tmp_path, minimal, write_yaml):
    minimal["scores"]["ind3"] = 101
    write_yaml(minimal)
    params = tmp_path / "params.yaml"
    params.write_text("assessment: assessment.yaml\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"scores\.ind3"):
        run_briefing(params, output_root=tmp_path / "out")
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_failing_notebook_keeps_the_executed_notebook_and_no_html(tmp_path):
    nb = nbformat.read(BRIEFING_NOTEBOOK, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("raise RuntimeError('boom')"))
    broken = tmp_path / "broken.ipynb"
    nbformat.write(nb, broken)
    with pytest.raises(BriefingError, match="RuntimeError: boom") as info:
        run_briefing(
            REPO / "params" / "bueng-krachap-2565.yaml",
            output_root=tmp_path / "out",
            notebook=broken,
        )
    folder = tmp_path / "out" / "2565" / "bueng-krachap"
    assert info.value.notebook_path == str(folder / "briefing.failed.ipynb")
    assert (folder / "briefing.failed.ipynb").is_file()
    assert not (folder / "briefing.html").exists()
    failed = nbformat.read(folder / "briefing.failed.ipynb", as_version=4)
    kept = [o for c in failed.cells for o in c.get("outputs", []) if "data" in o]
    assert any("text/html" in o.data for o in kept)  # whole, for diagnosis


EDGE_CASES = {
    "no-failed-items": (
        {"oit": {"failed_items": []}, "scores": {f"ind{n}": 96 for n in range(1, 11)}},
        ["ผ่านการตรวจ OIT ครบทุกข้อ", "ไม่มีข้อ OIT ที่ไม่ผ่าน", "ไม่พบจุดอ่อน"],
    ),
    "no-measures": (
        {
            "oit": {"failed_items": ["o3"]},
            "scores": {**{f"ind{n}": 90 for n in range(1, 9)}, "ind9": 97.78, "ind10": 100},
        },
        ["ยังประเมินความครอบคลุมของมาตรการไม่ได้", "ไฟล์ข้อมูลไม่มีมาตรการของหน่วยงาน", "o3 อำนาจหน้าที่"],
    ),
    "unknown-suggestion-codes": (
        {"suggestions": {"by_item": [{"item": "o๙๙", "text": "ข้อเสนอแนะของข้อที่ไม่มีในเกณฑ์"}]}},
        ["ข้อเสนอแนะที่ไม่ตรงกับรายการใดในเกณฑ์การประเมิน", "o99 ข้อเสนอแนะของข้อที่ไม่มีในเกณฑ์"],
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", list(EDGE_CASES))
def test_edge_cases_give_a_sensible_briefing(tmp_path, minimal, write_yaml, case):
    changes, expected = EDGE_CASES[case]
    write_yaml({**minimal, **changes})
    params = tmp_path / "params.yaml"
    params.write_text("assessment: assessment.yaml\n", encoding="utf-8")
    output = run_briefing(params, output_root=tmp_path / "out")
    text = _text(output.html_path.read_text(encoding="utf-8"))
    for words in expected:
        assert words in text, words


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "explore",
            [
                "ปีงบประมาณ 2565 · ทุกหน่วยงาน: 8,300 จาก 8,300 หน่วยงานของปีนั้น",
                "ทั้งตาราง 16,600 แถว 2 ปีงบประมาณ",
                "แสดง 20 จาก 8,300 แถว",
                "ภาพรวมรายปี",
                "ประวัติหน่วยงาน",
                "ข้อ OIT ที่ไม่ผ่านบ่อยที่สุด",
                "ผลรายข้อ OIT ของ 16,600 หน่วยงาน-ปี",
                "เครื่องมือที่ฉุดคะแนน",
            ],
        ),
        ("portfolio", ["อันดับของหน่วยงาน", "ข้อ OIT ที่ไม่ผ่านบ่อยที่สุด", "จุดที่การสนับสนุน"]),
    ],
)
def test_analyst_notebooks_run_on_their_defaults_and_export_clean_html(tmp_path, name, expected):
    from ita_lib.run.execution import run_analyst_notebook

    output = run_analyst_notebook(name, output_root=tmp_path)
    assert output.html_path == tmp_path / "notebooks" / name / f"{name}.html"
    html = output.html_path.read_text(encoding="utf-8")
    text = _text(html)
    for words in expected:
        assert words in text, words
    assert "<script" not in html
    assert "import ita_lib" not in html
    assert "กรองข้อมูลแบบโต้ตอบ" not in html  # the widget section stays in JupyterLab
    assert "widget-view" not in html
    # synthetic data is marked at the top, at the bottom, and in captions
    assert text.count("ข้อมูลในรายงานนี้เป็นข้อมูลสังเคราะห์") == 2
    assert '<html lang="th">' in html


@pytest.mark.slow
def test_explore_with_a_params_file_filters(tmp_path):
    from ita_lib.cli import main

    params = tmp_path / "explore.yaml"
    params.write_text(
        "results_table: synthetic:2564-2565:400\nprovince: เชียงใหม่\nstatus: fail\nlimit: 3\n"
        "agency: SYN-00007\nexport_xlsx: tables.xlsx\n",
        encoding="utf-8",
    )
    assert main(["notebook", "explore", "-f", str(params), "--output-root", str(tmp_path)]) == 0
    html = (tmp_path / "notebooks" / "explore" / "explore.html").read_text(encoding="utf-8")
    text = _text(html)
    assert "จังหวัดเชียงใหม่ · ต่ำกว่าเกณฑ์ 85" in text
    # the workbook holds exactly the agencies the page counts
    import re

    import pandas as pd

    count = int(re.search(r"ต่ำกว่าเกณฑ์ 85: (\d+) จาก 400", text).group(1))
    sheets = pd.read_excel(tmp_path / "tables.xlsx", sheet_name=None)
    chosen = sheets["หน่วยงานที่เลือก"]
    assert len(chosen) == count
    assert set(chosen["จังหวัด"]) <= {"เชียงใหม่"}
    assert (chosen["คะแนนรวม"] < 85).all()
    assert "SYN-00007" in text or "ประวัติหน่วยงาน" in text
