"""The ``ita`` command: ``ita score`` output and exit status, and errors without tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ita_lib.cli import main

REPO = Path(__file__).resolve().parents[1]
THREE = Path(__file__).resolve().parent / "data" / "tables" / "three-agencies.csv"
SAMPLE = "bundled:bueng-krachap-2565"
SAMPLE_NAME = "องค์การบริหารส่วนตำบลบึงกระจับ"
KEYS = {"fiscal_year", "agency_name", "instruments", "total", "rating", "passed", "checks"}


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_score_bundled_sample_json(capsys):
    status, out, err = run(capsys, "score", SAMPLE, "--json")

    assert (status, err) == (0, "")
    result = json.loads(out)  # exactly one JSON document
    assert isinstance(result, dict)
    assert set(result) == KEYS
    assert result["fiscal_year"] == 2565
    assert result["agency_name"] == SAMPLE_NAME
    assert result["instruments"] == {"IIT": 95.50, "EIT": 91.43, "OIT": 91.21}
    assert result["total"] == 92.56
    assert result["rating"] == "A"
    assert result["passed"] is True
    assert result["checks"] == []


def test_score_bundled_sample_text_names_total_and_rating(capsys):
    status, out, err = run(capsys, "score", SAMPLE)

    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == f"{SAMPLE_NAME} FY2565"
    assert "  IIT: 95.50" in lines
    assert "  EIT: 91.43" in lines
    assert "  OIT: 91.21" in lines
    assert "  total: 92.56 rating: A passed: True" in lines


def test_score_table_json_is_one_object_per_row(capsys):
    status, out, err = run(capsys, "score", str(THREE), "--json")

    assert (status, err) == (0, "")
    results = json.loads(out)
    assert isinstance(results, list)
    assert all(set(r) == KEYS for r in results)
    # recomputed by hand: 0.3*IIT + 0.3*EIT + 0.4*OIT, rounded half up (see
    # test_results_table.py): 92.5646, 71.70 and 84.995
    assert [(r["fiscal_year"], r["total"], r["rating"], r["passed"]) for r in results] == [
        (2565, 92.56, "A", True),
        (2564, 71.70, "C", False),
        (2565, 85.00, "A", True),
    ]
    assert [r["agency_name"] for r in results] == [
        "องค์การบริหารส่วนตำบลทดสอบ",
        "เทศบาลตำบลหนองบัว",
        "สำนักงานตัวอย่าง",
    ]
    assert results[1]["instruments"] == {"IIT": 84.0, "EIT": 75.0, "OIT": 60.0}
    assert [r["checks"] for r in results] == [[], [], []]


def test_score_table_json_reports_a_wrong_claimed_total(capsys, tmp_path):
    text = THREE.read_text(encoding="utf-8").replace(",82.42,100,92.56", ",82.42,100,90.00")
    path = tmp_path / "claimed.csv"
    path.write_text(text, encoding="utf-8")

    status, out, _ = run(capsys, "score", str(path), "--json")

    assert status == 0
    first = json.loads(out)[0]
    assert first["total"] == 92.56
    assert [(c["code"], c["expected"], c["found"]) for c in first["checks"]] == [
        ("claimed_total_mismatch", "92.56", "90.00")
    ]


def test_score_table_text_names_each_total_and_rating(capsys):
    status, out, err = run(capsys, "score", str(THREE))

    assert (status, err) == (0, "")
    assert "เทศบาลตำบลหนองบัว FY2564" in out.splitlines()
    assert [line for line in out.splitlines() if line.startswith("  total:")] == [
        "  total: 92.56 rating: A passed: True",
        "  total: 71.70 rating: C passed: False",
        "  total: 85.00 rating: A passed: True",
    ]


BAD_INPUTS = [
    pytest.param("bad.yaml", "agency: [\n", "line 2: not valid YAML", id="yaml-syntax"),
    pytest.param(
        "score.yaml",
        "agency: {name: ทดสอบ}\nfiscal_year: 2565\nscores: {"
        + ", ".join(f"ind{n}: {101 if n == 4 else 90}" for n in range(1, 11))
        + "}\n",
        "scores.ind4 (line 3): score out of range",
        id="yaml-score-out-of-range",
    ),
    pytest.param("missing.yaml", None, "file not found", id="missing-yaml"),
    pytest.param("missing.csv", None, "file not found", id="missing-csv"),
    pytest.param(
        "results.csv",
        THREE.read_text(encoding="utf-8").replace(",60.5,", ",160.5,"),
        "row 3, column ind9: invalid value",
        id="table-bad-cell",
    ),
    pytest.param("results.csv", "", "file is empty", id="table-empty"),
    pytest.param("results.xlsx", "not a workbook", "cannot read the spreadsheet", id="bad-xlsx"),
]


@pytest.mark.parametrize(("name", "content", "problem"), BAD_INPUTS)
@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_bad_input_exits_2_with_one_line_naming_the_file(
    capsys, tmp_path, name, content, problem, as_json
):
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding="utf-8")

    status, out, err = run(capsys, "score", str(path), *(["--json"] if as_json else []))

    assert status == 2
    assert out == ""
    assert err.endswith("\n")
    assert err.count("\n") == 1
    assert err.startswith(f"ita: error: {path}: {problem}")
    assert "Traceback" not in err


def test_unknown_bundled_sample_exits_2(capsys):
    status, out, err = run(capsys, "score", "bundled:no-such-agency")

    assert (status, out) == (2, "")
    assert err.startswith("ita: error: ")
    assert "'bundled:no-such-agency'" in err
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        pytest.param(
            'assessment: "bundled:bueng-krachap-2565"\ncolour: red\n',
            "colour: the briefing notebook has no such parameter",
            id="undeclared-parameter",
        ),
        pytest.param("thai_digits: yes please\n", "thai_digits: ", id="wrong-type"),
        pytest.param(None, "file not found", id="missing-params"),
    ],
)
def test_brief_with_bad_params_exits_2_before_creating_outputs(capsys, tmp_path, content, problem):
    params = tmp_path / "params.yaml"
    if content is not None:
        params.write_text(content, encoding="utf-8")
    output_root = tmp_path / "outputs"

    status, out, err = run(capsys, "brief", str(params), "--output-root", str(output_root))

    assert (status, out) == (2, "")
    assert err.startswith(f"ita: error: {params}: {problem}")
    assert err.count("\n") == 1
    assert "Traceback" not in err
    assert not output_root.exists()


def test_module_entry_point_prints_json_in_a_subprocess():
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    completed = subprocess.run(
        [sys.executable, "-m", "ita_lib.cli", "score", SAMPLE, "--json"],
        capture_output=True,
        env=env,
        check=False,
        timeout=60,
    )

    assert completed.returncode == 0, completed.stderr.decode("utf-8", "replace")
    assert completed.stderr == b""
    result = json.loads(completed.stdout.decode("utf-8"))
    assert result["agency_name"] == SAMPLE_NAME
    assert result["instruments"] == {"IIT": 95.50, "EIT": 91.43, "OIT": 91.21}
    assert (result["total"], result["rating"], result["passed"]) == (92.56, "A", True)


def test_analyse_json_on_the_sample(capsys):
    assert main(["analyse", "bundled:bueng-krachap-2565", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [(g["item"], g["gain_total"]) for g in data["what_if"]] == [
        ("o28", 1.0), ("o20", 0.57), ("o11", 0.5), ("o12", 0.5), ("o17", 0.5), ("o3", 0.44),
    ]  # fmt: skip
    assert data["path_to_next_rating"]["target"] == "AA"
    assert data["path_to_next_rating"]["items"] == ["o28", "o20", "o11", "o12"]
    assert data["path_to_next_rating"]["total_after"] == 95.14
    assert data["all_fixed_total"] == 96.08
    weaknesses = {w["code"]: w for w in data["weaknesses"]}
    assert [m["measure"] for m in weaknesses["o17"]["measures"]] == [11]
    assert [m["measure"] for m in weaknesses["e14"]["measures"]] == [21]
    assert {g["subject"] for g in data["coverage_gaps"]} == {"o11", "o12"}


def test_analyse_text_and_bad_input(capsys, tmp_path):
    assert main(["analyse", "bundled:bueng-krachap-2565"]) == 0
    out = capsys.readouterr().out
    assert "next rating AA: fix o28, o20, o11, o12 -> 95.14" in out
    bad = tmp_path / "bad.yaml"
    bad.write_text("agency: {name: x}\nfiscal_year: 2565\nscores: {}\n", encoding="utf-8")
    assert main(["analyse", str(bad)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(f"ita: error: {bad}: scores")


def test_export_writes_the_filtered_tables_to_one_workbook(tmp_path, capsys):
    import pandas as pd

    from ita_lib.views import explore

    out = tmp_path / "x" / "tables.xlsx"
    args = ["export", "synthetic:2564-2565:300", "-o", str(out), "--province", "เชียงใหม่"]
    assert main([*args, "--status", "fail"]) == 0
    assert capsys.readouterr().out.strip() == str(out)
    sheets = pd.read_excel(out, sheet_name=None, dtype={"ปีงบประมาณ": str})
    table = explore.load_results("synthetic:2564-2565:300")
    expected = explore.agencies(
        explore.select(table, explore.Filters(province="เชียงใหม่", status="fail")).frame
    )
    chosen = sheets["หน่วยงานที่เลือก"]
    assert chosen["หน่วยงาน"].tolist() == expected["หน่วยงาน"].tolist()
    assert chosen["คะแนนรวม"].tolist() == expected["คะแนนรวม"].tolist()
    assert set(chosen["ปีงบประมาณ"]) <= {"2565"}
    assert sheets["ภาพรวมรายปี"]["ปีงบประมาณ"].tolist() == ["2564", "2565"]
    assert len(sheets["ข้อ OIT ที่ไม่ผ่านบ่อย"]) == 43


def test_export_rejects_unknown_filters_and_names(tmp_path, capsys):
    assert (
        main(["export", "synthetic:2565:50", "-o", str(tmp_path / "a.xlsx"), "--province", "ไม่มี"])
        == 2
    )
    assert "no such province" in capsys.readouterr().err
    assert main(["export", "synthetic:2565:50", "-o", str(tmp_path / "a.csv")]) == 2
    assert "not an Excel file name" in capsys.readouterr().err
    assert not (tmp_path / "a.csv").exists()
