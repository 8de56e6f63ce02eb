"""``ita batch``: manifest and index, failures kept apart, skip and resume, exit status, Dask."""

from __future__ import annotations

import csv
import gc
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
import yaml

from ita_lib.batch.locking import batch_lock as _batch_lock
from ita_lib.batch.runs import (
    ASSESSMENT_NAME,
    INDEX_NAME,
    MANIFEST_NAME,
    STAMP_NAME,
    run_batch,
)
from ita_lib.cli import main
from ita_lib.exceptions import InputError
from ita_lib.run.execution import BRIEFING_NOTEBOOK, run_briefing

REPO = Path(__file__).resolve().parents[2]
COLUMNS = ["fiscal_year", "agency_name", "agency_type", "province", "itas_code"]
SCORES = [97.06, 94.13, 96.85, 93.56, 95.91, 92.63, 90.76, 90.91, 82.42, 100]
OUTPUT_FILES = {ASSESSMENT_NAME, "briefing.html", "briefing.ipynb", STAMP_NAME}


def _table(path: Path, rows: list[dict]) -> Path:
    """Write a results table; each row gives a name and optionally code, scores, year."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS + [f"ind{n}" for n in range(1, 11)])
        for row in rows:
            year, code = row.get("year", 2565), row.get("code", "")
            scores = row.get("scores", SCORES)
            writer.writerow([year, row["name"], "เทศบาลตำบล", "ขอนแก่น", code, *scores])
    return path


def _manifest(root: Path) -> dict:
    return json.loads((root / MANIFEST_NAME).read_text(encoding="utf-8"))


def _by_key(manifest: dict) -> dict[str, dict]:
    return {entry["key"]: entry for entry in manifest["briefings"]}


def _leftovers(root: Path) -> list[Path]:
    return [
        p
        for p in root.rglob("*")
        if p.name.startswith((".run-", ".briefing")) or p.suffix == ".tmp"
    ]


def _cli(*argv: str) -> int:
    return main(["batch", *argv, "--no-progress"])


# -- without kernels ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("inputs", "extra", "message"),
    [
        (["t.csv", "p.yaml"], [], "unsupported input files"),
        (["t.csv", "t.csv"], [], "more than one results table"),
        (["p.yaml"], ["--thai-digits"], "--thai-digits applies to a results table only"),
        (["p.yaml"], ["--peers"], "--peers applies to a results table only"),
        (["missing.csv"], [], "file not found"),
        (["t.csv"], ["--workers", "0"], "--workers: not a positive number"),
        (["bad-header.csv"], [], "unknown column 'colour'"),
    ],
)
def test_bad_input_is_one_line_and_status_2(tmp_path, capsys, inputs, extra, message):
    _table(tmp_path / "t.csv", [{"name": "เทศบาลตำบลหนึ่ง"}])
    (tmp_path / "p.yaml").write_text("assessment: bundled:bueng-krachap-2565\n", encoding="utf-8")
    (tmp_path / "bad-header.csv").write_text("colour\nred\n", encoding="utf-8")
    argv = [str(tmp_path / name) for name in inputs]
    status = _cli(*argv, "--output-root", str(tmp_path / "out"), *extra)
    err = capsys.readouterr().err
    assert status == 2
    assert message in err
    assert err.count("\n") == 1  # one line, no traceback
    assert "Traceback" not in err


def test_bad_rows_and_shared_folders_fail_alone(tmp_path, capsys):
    bad = [*SCORES[:2], 104.5, *SCORES[3:]]
    table = _table(
        tmp_path / "t.csv",
        [
            {"name": "เทศบาลตำบลซ้ำ"},  # rows 2 and 3 would write the same folder
            {"name": "เทศบาลตำบลซ้ำ"},
            {"name": "เทศบาลตำบลคะแนนเกิน", "scores": bad},  # row 4: ind3 out of range
            {"name": "เทศบาลตำบลปีผิด", "year": 2499},  # row 5: no framework for FY2499
        ],
    )
    threshold = gc.get_threshold()
    status = _cli(str(table), "--output-root", str(tmp_path / "out"))
    assert status == 1  # nothing could be made: the scheduler is told
    assert gc.get_threshold() == threshold  # planning collects rarely, then as before
    manifest = _manifest(tmp_path / "out")
    assert manifest["counts"] == {"ok": 0, "skipped": 0, "failed": 4, "pending": 0}
    errors = [entry["error"] for entry in manifest["briefings"]]
    assert "2 agencies would share the output folder 2565/เทศบาลตำบลซ้ำ" in errors[0]
    assert f"{table} row 2 and {table} row 3" in errors[0]
    assert errors[2].startswith(f"{table}: row 4, column ind3: invalid value (score_range)")
    assert "found '104.5'" in errors[2]
    assert "more problem" not in errors[2]
    assert errors[3].startswith(f"{table}: row 5, column fiscal_year")
    assert {entry["error_kind"] for entry in manifest["briefings"]} == {"input"}
    index = (tmp_path / "out" / INDEX_NAME).read_text(encoding="utf-8")
    assert index.count("ล้มเหลว") >= 4
    assert "ok 0, up to date 0, failed 4" in capsys.readouterr().err


def test_one_batch_at_a_time_per_output_root(tmp_path):
    table = _table(tmp_path / "t.csv", [{"name": "เทศบาลตำบลหนึ่ง"}])
    with _batch_lock(tmp_path / "out"), pytest.raises(InputError, match="another batch"):
        run_batch([table], output_root=tmp_path / "out")


# -- with kernels ------------------------------------------------------------------------------


@pytest.mark.slow
def test_table_batch_outputs_skip_and_redo(tmp_path):
    rows = [
        {"name": "องค์การบริหารส่วนตำบลหนึ่ง", "code": "1001"},
        {"name": "เทศบาลตำบลสอง"},  # no code: the folder is named after the agency
        {"name": "เทศบาลตำบลสาม", "code": "1003", "scores": [70] * 10},
        {"name": "เทศบาลตำบลผิด", "scores": [*SCORES[:9], "ร้อย"]},  # a bad row
    ]
    table = _table(tmp_path / "t.csv", rows)
    root = tmp_path / "out"
    report = run_batch([table], output_root=root, workers=1, run_timestamp="1 ต.ค. 2569")

    assert not report.succeeded
    assert report.counts == {"ok": 3, "skipped": 0, "failed": 1, "pending": 0}
    manifest = _manifest(root)
    assert manifest["complete"] is True
    assert manifest["synthetic"] is False
    entries = _by_key(manifest)
    assert list(entries) == ["2565/1001", "2565/เทศบาลตำบลสอง", "2565/1003", f"{table} row 5"]
    first = entries["2565/1001"]
    assert first["status"] == "ok"
    assert first["html"] == "2565/1001/briefing.html"
    assert first["notebook"] == "2565/1001/briefing.ipynb"
    assert (first["total"], first["rating"]) == ("92.56", "A")
    assert len(first["input_hash"]) == 64
    assert first["duration_s"] > 0
    assert entries["2565/1003"]["rating"] == "C"
    assert entries[f"{table} row 5"]["error_kind"] == "input"
    for key in ("2565/1001", "2565/เทศบาลตำบลสอง", "2565/1003"):
        assert {p.name for p in (root / key).iterdir()} == OUTPUT_FILES
        assert entries[key]["bytes"] == sum(p.stat().st_size for p in (root / key).iterdir())
    made = [entries[key]["bytes"] for key in ("2565/1001", "2565/เทศบาลตำบลสอง", "2565/1003")]
    assert manifest["bytes"] == {
        "written": sum(made),
        "total": sum(made),
        "per_briefing": sum(made) // 3,
    }
    assert manifest["bytes"]["per_briefing"] < 200_000
    assert not _leftovers(root)
    [worker] = manifest["workers"]
    assert worker["briefings"] == 3
    assert worker["kernels_started"] == 0  # the notebooks ran in the worker itself
    assert worker["kernel_peak_rss_mib"] == 0
    assert worker["peak_rss_mib"] > 0
    assert manifest["engine"] == "inprocess"
    index = (root / INDEX_NAME).read_text(encoding="utf-8")
    assert '<a href="2565/1001/briefing.html">องค์การบริหารส่วนตำบลหนึ่ง</a>' in index
    assert 'data-value="92.56"' in index
    assert "<script" in index  # sorting, inline; nothing external
    assert "src=" not in index

    # the third briefing ran on a reused shell: the same bytes as a fresh kernel makes
    params = tmp_path / "params.yaml"
    assessment = root / "2565" / "1003" / ASSESSMENT_NAME
    params.write_text(
        yaml.safe_dump({"assessment": str(assessment), "run_timestamp": "1 ต.ค. 2569"}),
        encoding="utf-8",
    )
    fresh = run_briefing(params, output_root=tmp_path / "fresh")
    assert fresh.html_path.read_bytes() == (root / "2565" / "1003" / "briefing.html").read_bytes()
    recorded = nbformat.read(root / "2565" / "1003" / "briefing.ipynb", as_version=4)
    assert recorded.metadata["papermill"]["parameters"]["assessment"] == str(assessment)

    # a second run skips what is up to date
    before = {key: (root / key / "briefing.html").stat().st_mtime_ns for key in list(entries)[:3]}
    again = run_batch([table], output_root=root, workers=1, run_timestamp="1 ต.ค. 2569")
    assert again.counts == {"ok": 0, "skipped": 3, "failed": 1, "pending": 0}
    assert _manifest(root)["bytes"] == {**manifest["bytes"], "written": 0}
    assert {key: (root / key / "briefing.html").stat().st_mtime_ns for key in before} == before

    # a changed row and a missing briefing are made again; the rest is skipped
    rows[0]["scores"] = [*SCORES[:9], 90]
    _table(table, rows)
    (root / "2565" / "เทศบาลตำบลสอง" / "briefing.html").unlink()
    third = run_batch([table], output_root=root, workers=1, run_timestamp="1 ต.ค. 2569")
    statuses = {e["key"]: e["status"] for e in third.entries}
    assert statuses == {
        "2565/1001": "ok",
        "2565/เทศบาลตำบลสอง": "ok",
        "2565/1003": "skipped",
        f"{table} row 5": "failed",
    }
    assert _by_key(_manifest(root))["2565/1001"]["total"] == "90.56"  # ind10 100 -> 90: 0.4 * 5


@pytest.mark.slow
def test_params_files_force_and_exit_status(tmp_path, capsys, minimal, write_yaml):
    write_yaml(minimal)
    own = tmp_path / "own.yaml"
    own.write_text("assessment: assessment.yaml\nthai_digits: true\n", encoding="utf-8")
    sample = REPO / "params" / "bueng-krachap-2565.yaml"
    root = tmp_path / "out"

    assert _cli(str(sample), str(own), "--output-root", str(root), "--workers", "2") == 0
    out = capsys.readouterr().out
    assert out.strip() == str(root / INDEX_NAME)
    entries = _by_key(_manifest(root))
    assert {key: e["status"] for key, e in entries.items()} == {
        "2565/bueng-krachap": "ok",
        "2565/test-agency": "ok",
    }
    assert entries["2565/test-agency"]["source"] == str(own)
    html = (root / "2565" / "test-agency" / "briefing.html").read_text(encoding="utf-8")
    assert "๙๒.๕๖" in html  # the parameters file's own thai_digits

    assert _cli(str(sample), str(own), "--output-root", str(root)) == 0
    assert {e["status"] for e in _manifest(root)["briefings"]} == {"skipped"}
    assert _cli(str(sample), str(own), "--output-root", str(root), "--force") == 0
    assert {e["status"] for e in _manifest(root)["briefings"]} == {"ok"}


@pytest.mark.slow
@pytest.mark.parametrize(
    ("engine", "death", "kernels"),
    [
        # in the worker's process, os._exit ends the worker: the agency is retried once
        ("inprocess", ("worker", "the worker process died twice on this briefing", False), 0),
        ("kernel", ("dead-kernel", "the kernel died", True), 4),  # a new kernel after each
    ],
)
def test_a_failing_agency_never_stops_the_others(tmp_path, engine, death, kernels):
    nb = nbformat.read(BRIEFING_NOTEBOOK, as_version=4)
    nb.cells.append(
        nbformat.v4.new_code_cell(
            "import os, time\n"
            "name = briefing.assessment.agency.name\n"
            "if 'ระเบิด' in name:\n    raise RuntimeError('boom')\n"
            "if 'ช้า' in name:\n    time.sleep(60)\n"
            "if 'ตาย' in name:\n    os._exit(1)"
        )
    )
    notebook = tmp_path / "misbehaving.ipynb"
    nbformat.write(nb, notebook)
    names = ["เทศบาลตำบลระเบิด", "เทศบาลตำบลช้า", "เทศบาลตำบลตาย", "เทศบาลตำบลดี"]
    table = _table(tmp_path / "t.csv", [{"name": n, "code": str(i)} for i, n in enumerate(names)])
    root = tmp_path / "out"
    report = run_batch(
        [table], output_root=root, workers=1, notebook=notebook, execution_timeout=2, engine=engine
    )
    entries = _by_key(_manifest(root))
    death_kind, death_error, notebook_kept = death
    assert [(e["status"], e["error_kind"]) for e in entries.values()] == [
        ("failed", "notebook"),
        ("failed", "timeout"),
        ("failed", death_kind),
        ("ok", None),
    ]
    assert entries["2565/0"]["error"] == "the briefing notebook failed: RuntimeError: boom"
    assert "longer than 2 s" in entries["2565/1"]["error"]
    assert death_error in entries["2565/2"]["error"]
    kept = ("2565/0", "2565/1", "2565/2") if notebook_kept else ("2565/0", "2565/1")
    for key in kept:
        assert entries[key]["failed_notebook"] == f"{key}/briefing.failed.ipynb"
        assert (root / key / "briefing.failed.ipynb").is_file()  # kept for diagnosis
    for key in ("2565/0", "2565/1", "2565/2"):
        assert not (root / key / "briefing.html").exists()
        assert not (root / key / STAMP_NAME).exists()  # so the next run tries again
    assert (root / "2565" / "3" / "briefing.html").is_file()
    assert report.counts["failed"] == 3
    assert sum(w["kernels_started"] for w in _manifest(root)["workers"]) == kernels


@pytest.mark.slow
def test_a_killed_batch_is_finished_by_running_it_again(tmp_path):
    names = [f"เทศบาลตำบลที่{i}" for i in range(6)]
    table = _table(tmp_path / "t.csv", [{"name": n, "code": f"K{i}"} for i, n in enumerate(names)])
    root = tmp_path / "out"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
    }
    command = [sys.executable, "-m", "ita_lib.cli", "batch", str(table), "--output-root", str(root)]
    process = subprocess.Popen(
        [*command, "--workers", "1", "--no-progress"],
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 90
        while not list(root.glob(f"2565/*/{STAMP_NAME}")) and time.monotonic() < deadline:
            assert process.poll() is None, "the batch ended before it could be killed"
            time.sleep(0.05)
    finally:
        os.killpg(process.pid, signal.SIGKILL)  # the batch and its workers, mid-run
        process.wait()
    done_before = {p.parent.name for p in root.glob(f"2565/*/{STAMP_NAME}")}
    assert 1 <= len(done_before) < len(names)
    assert not _manifest(root)["complete"]
    # what a kill can leave behind: a run folder and a temporary file
    (root / "2565" / "K5" / ".run-killed").mkdir(parents=True, exist_ok=True)
    (root / "2565" / "K5" / ".briefing.html.x1y2.tmp").write_text("<html", encoding="utf-8")

    report = run_batch([table], output_root=root, workers=1)
    assert report.succeeded
    entries = report.entries
    assert len(entries) == len(names)  # each agency once
    assert {e["key"].split("/")[1] for e in entries if e["status"] == "skipped"} >= done_before
    assert not _leftovers(root)
    for i in range(len(names)):
        folder = root / "2565" / f"K{i}"
        assert {p.name for p in folder.iterdir()} == OUTPUT_FILES
        assert (folder / "briefing.html").read_text(encoding="utf-8").endswith("</html>\n")
        nbformat.validate(nbformat.read(folder / "briefing.ipynb", as_version=4))


@pytest.mark.slow
def test_the_same_batch_runs_on_a_dask_cluster(tmp_path):
    from distributed import LocalCluster

    table = _table(
        tmp_path / "t.csv",
        [{"name": "เทศบาลตำบลดาสก์", "code": "D1"}, {"name": "เทศบาลตำบลคลัสเตอร์", "code": "D2"}],
    )
    root = tmp_path / "out"
    with LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        processes=False,  # the worker is a thread of this process, its kernel a child
        protocol="tcp://",
        host="127.0.0.1",
        dashboard_address=":0",  # any free port: another cluster may hold 8787
    ) as cluster:
        report = run_batch([table], output_root=root, scheduler=cluster.scheduler_address)
    assert report.succeeded
    manifest = _manifest(root)
    assert manifest["scheduler"].startswith("tcp://127.0.0.1:")
    assert [e["status"] for e in manifest["briefings"]] == ["ok", "ok"]
    assert (root / "2565" / "D2" / "briefing.html").is_file()
    assert manifest["workers"][0]["kernels_started"] == 1


@pytest.mark.slow
def test_on_dask_worker_processes_only_the_agency_that_kills_its_worker_fails(tmp_path):
    import dask
    from distributed import LocalCluster

    nb = nbformat.read(BRIEFING_NOTEBOOK, as_version=4)
    nb.cells.append(
        nbformat.v4.new_code_cell(
            "import os\nif 'ตาย' in briefing.assessment.agency.name:\n    os._exit(1)"
        )
    )
    notebook = tmp_path / "dying.ipynb"
    nbformat.write(nb, notebook)
    # five agencies: the first chunk of four holds the one that kills its worker
    names = ["เทศบาลตำบลหนึ่ง", "เทศบาลตำบลตาย", "เทศบาลตำบลสาม", "เทศบาลตำบลสี่", "เทศบาลตำบลห้า"]
    table = _table(tmp_path / "t.csv", [{"name": n, "code": f"W{i}"} for i, n in enumerate(names)])
    root = tmp_path / "out"
    # Dask fails every task a dying worker held at once (no retries): the innocent ones too
    with (
        dask.config.set({"distributed.scheduler.allowed-failures": 0}),
        LocalCluster(
            n_workers=1,
            threads_per_worker=1,
            processes=True,  # worker processes of their own: notebooks run in them
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
    ):
        report = run_batch(
            [table], output_root=root, scheduler=cluster.scheduler_address, notebook=notebook
        )
    statuses = {e["key"]: (e["status"], e.get("error_kind")) for e in report.entries}
    assert statuses == {
        "2565/W0": ("ok", None),
        "2565/W1": ("failed", "worker"),
        "2565/W2": ("ok", None),
        "2565/W3": ("ok", None),
        "2565/W4": ("ok", None),
    }
    assert "KilledWorker" in _by_key(_manifest(root))["2565/W1"]["error"]
    assert _manifest(root)["engine"] == "inprocess"
    assert {w["kernels_started"] for w in _manifest(root)["workers"]} == {0}


@pytest.mark.slow
def test_a_dask_run_resumes_a_partly_done_output_root_like_the_local_pool(tmp_path):
    from distributed import LocalCluster

    rows = [{"name": f"เทศบาลตำบลต่อ{i}", "code": f"R{i}"} for i in range(4)]
    table = _table(tmp_path / "t.csv", rows[:3])
    root = tmp_path / "out"
    assert run_batch([table], output_root=root, workers=1).succeeded  # the local pool
    # what a batch killed mid-run leaves: one briefing without its stamp (written last),
    # a run folder and a temporary file; and the table has grown by one row since
    (root / "2565" / "R1" / STAMP_NAME).unlink()
    (root / "2565" / "R1" / ".run-killed").mkdir()
    (root / "2565" / "R1" / ".briefing.html.x1y2.tmp").write_text("<html", encoding="utf-8")
    _table(table, rows)
    done = {key: (root / "2565" / key / "briefing.html").stat().st_mtime_ns for key in ("R0", "R2")}

    with LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        processes=False,
        protocol="tcp://",
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:
        status = _cli(
            str(table), "--output-root", str(root), "--scheduler", cluster.scheduler_address
        )
    assert status == 0
    manifest = _manifest(root)
    assert manifest["complete"] is True
    assert manifest["scheduler"] == cluster.scheduler_address
    statuses = {key: e["status"] for key, e in _by_key(manifest).items()}
    assert statuses == {
        "2565/R0": "skipped",
        "2565/R1": "ok",
        "2565/R2": "skipped",
        "2565/R3": "ok",
    }
    assert sum(w["briefings"] for w in manifest["workers"]) == 2  # only the missing ones ran
    after = {key: (root / "2565" / key / "briefing.html").stat().st_mtime_ns for key in done}
    assert after == done  # the briefings that were done are not touched
    assert not _leftovers(root)
    for i in range(4):
        assert {p.name for p in (root / "2565" / f"R{i}").iterdir()} == OUTPUT_FILES
    # and a local run after the Dask one finds everything up to date
    again = run_batch([table], output_root=root, workers=1)
    assert again.counts == {"ok": 0, "skipped": 4, "failed": 0, "pending": 0}


@pytest.mark.slow
def test_peers_from_the_table_itself(tmp_path):
    table = _table(
        tmp_path / "t.csv",
        [
            {"name": "เทศบาลตำบลหนึ่ง", "code": "A1"},
            {"name": "เทศบาลตำบลสอง", "code": "A2", "scores": [80] * 10},
            {"name": "เทศบาลตำบลสาม", "code": "A3", "scores": [90] * 10},
            {"name": "เทศบาลตำบลหนึ่ง", "code": "A1", "year": 2564, "scores": [85] * 10},
        ],
    )
    root = tmp_path / "out"
    report = run_batch([table], output_root=root, peers=True, workers=1, progress=False)
    assert report.succeeded
    html = (root / "2565" / "A1" / "briefing.html").read_text(encoding="utf-8")
    assert "เทียบกับหน่วยงานอื่นและปีก่อน" in html
    assert (  # 92.56 is first of 3
        'ทั้งประเทศ</td><td class="num" data-label="จำนวนหน่วยงาน">3</td>'
        '<td class="num" data-label="อันดับ">1</td>'
    ) in html
    assert "เปลี่ยนแปลงจากปีก่อน +7.56 คะแนน" in html
    without = run_batch([table], output_root=tmp_path / "plain", workers=1, progress=False)
    assert without.succeeded
    plain = (tmp_path / "plain" / "2565" / "A1" / "briefing.html").read_text(encoding="utf-8")
    assert "เทียบกับหน่วยงานอื่นและปีก่อน" not in plain
    # the table is an input of every briefing: a changed table re-makes them
    again = run_batch([table], output_root=root, peers=True, workers=1, progress=False)
    assert again.counts["skipped"] == 4
    with table.open("a", encoding="utf-8") as handle:
        handle.write("2565,เทศบาลตำบลสี่,เทศบาลตำบล,ขอนแก่น,A4," + ",".join(["70"] * 10) + "\n")
    changed = run_batch([table], output_root=root, peers=True, workers=1, progress=False)
    assert changed.counts["ok"] == 5
