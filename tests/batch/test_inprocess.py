"""The in-process papermill engine: outputs as a kernel shows them, errors, time-outs, resets.

The engine resets the state of the process it runs in (working directory, environment), so
the notebooks run one after another in one fresh Python process (:func:`_run_notebooks`), as
in a batch worker; each test looks at its own.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[2]

RUNNER = textwrap.dedent(
    """
    import json, sys
    import papermill
    from ita_lib.batch.inprocess import INPROCESS_ENGINE_NAME, register_inprocess
    from ita_lib.run.execution import BriefingRunError, execute_notebook

    register_inprocess()
    results = []
    for notebook, out_dir, timeout in json.loads(sys.argv[1]):
        try:
            executed = papermill.execute_notebook(
                notebook, out_dir + "/executed.ipynb", parameters={"label": out_dir},
                engine_name=INPROCESS_ENGINE_NAME, kernel_name="python3",
                progress_bar=False, execution_timeout=timeout,
            )
            results.append({"status": "ok", "cells": executed["cells"]})
        except papermill.PapermillExecutionError as exc:
            results.append({"status": "error", "ename": exc.ename, "evalue": exc.evalue})
        except Exception as exc:
            results.append({"status": type(exc).__name__, "message": str(exc)})
    print(json.dumps(results))
    """
)


def _notebook(path: Path, *sources: str) -> str:
    cells = [nbformat.v4.new_code_cell("label = 'default'")]
    cells[0].metadata["tags"] = ["parameters"]
    cells += [nbformat.v4.new_code_cell(s) for s in sources]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "P"}
    nbformat.write(nb, path)
    return str(path)


def _run_notebooks(tmp_path: Path, *plan_in: tuple[str, float | None]) -> list[dict]:
    """Run notebooks one after another in one new Python process, as a worker does."""
    plan = []
    for i, (notebook, timeout) in enumerate(plan_in):
        out = tmp_path / f"run{i}"
        out.mkdir()
        plan.append((notebook, str(out), timeout))
    done = subprocess.run(
        [sys.executable, "-c", RUNNER, json.dumps(plan)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        check=True,
        timeout=300,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def _outputs(cell: dict) -> list[tuple]:
    out = []
    for o in cell["outputs"]:
        if o["output_type"] == "stream":
            out.append(("stream", o["name"], o["text"]))
        elif o["output_type"] in ("execute_result", "display_data"):
            out.append((o["output_type"], sorted(o["data"]), o["data"].get("text/html")))
        else:
            out.append((o["output_type"], o.get("ename"), o.get("evalue")))
    return out


NOTEBOOKS = {
    "outputs": (
        (
            "import sys\nprint('หนึ่ง')\nprint('สอง')\nsys.stderr.write('warn\\n');",  # ';': no result
            "from IPython.display import HTML, display\ndisplay(HTML('<b>x</b>'))\n1 + 1",
            "class Page:\n    def _repr_html_(self):\n        return '<p>หน้า</p>'\nPage()",
            "x = 5",
            "label",
        ),
        None,
    ),
    "stdin": (
        (
            (
                "import io, sys\ntry:\n    input('?')\nexcept EOFError:\n    print('no input')\n"
                "try:\n    sys.stdout.fileno()\nexcept io.UnsupportedOperation:\n    print('no fd')"
            ),
        ),
        None,
    ),
    "error": (("print('before')", "raise ValueError('ผิด')", "print('never')"), None),
    "slow": (
        (
            "import time\ntry:\n    time.sleep(30)\nexcept Exception:\n    pass  # must not swallow it",
        ),
        1,
    ),
    "after-slow": (("'next'",), 1),
    "leaky": (
        (
            (
                "import os, sys, matplotlib\n"
                "secret = 1\nos.chdir('elsewhere')\nos.environ['ITA_LEAK'] = '1'\n"
                "sys.path.append('/leak')\nmatplotlib.rcParams['font.size'] = 3"
            ),
        ),
        None,
    ),
    "clean": (
        (
            (
                "import os, sys, matplotlib\n"
                "seen = ('secret' in globals(), os.getcwd(), 'ITA_LEAK' in os.environ,"
                " '/leak' in sys.path, matplotlib.rcParams['font.size'])\n"
                "'|'.join(map(str, seen))"
            ),
        ),
        None,
    ),
}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Every notebook of NOTEBOOKS run in order in one process: name -> (result, folder)."""
    base = tmp_path_factory.mktemp("inprocess")
    (base / "elsewhere").mkdir()
    plan = [
        (_notebook(base / f"{name}.ipynb", *sources), t) for name, (sources, t) in NOTEBOOKS.items()
    ]
    results = _run_notebooks(base, *plan)
    return {
        name: (result, base / f"run{i}")
        for i, (name, result) in enumerate(zip(NOTEBOOKS, results, strict=True))
    } | {"": (None, base)}


def test_cells_show_results_displays_and_streams_as_a_kernel_does(runs):
    result, folder = runs["outputs"]
    assert result["status"] == "ok"
    cells = result["cells"]
    assert [c["execution_count"] for c in cells] == [1, 2, 3, 4, 5, 6, 7]
    assert _outputs(cells[2]) == [
        ("stream", "stdout", "หนึ่ง\nสอง\n"),
        ("stream", "stderr", "warn\n"),
    ]
    assert _outputs(cells[3]) == [
        ("display_data", ["text/html", "text/plain"], "<b>x</b>"),
        ("execute_result", ["text/plain"], None),
    ]
    assert cells[3]["outputs"][1]["data"]["text/plain"] == "2"
    assert cells[3]["outputs"][1]["execution_count"] == 4
    assert _outputs(cells[4]) == [("execute_result", ["text/html", "text/plain"], "<p>หน้า</p>")]
    assert cells[5]["outputs"] == []
    # the injected parameters cell ran: the last cell shows papermill's value, not the default
    assert cells[6]["outputs"][0]["data"]["text/plain"] == repr(str(folder))


def test_input_ends_at_once_and_streams_have_no_file_descriptor(runs):
    result, _ = runs["stdin"]
    assert result["status"] == "ok"
    # the prompt is written, then input() finds no one to answer
    assert _outputs(result["cells"][-1]) == [("stream", "stdout", "?no input\nno fd\n")]


def test_an_error_stops_the_notebook_and_raises_papermills_error(runs):
    result, folder = runs["error"]
    assert result == {"status": "error", "ename": "ValueError", "evalue": "ผิด"}
    executed = nbformat.read(folder / "executed.ipynb", as_version=4)
    codes = [c for c in executed.cells if c.cell_type == "code"]
    error = codes[-2].outputs[-1]
    assert (error.output_type, error.ename, error.evalue) == ("error", "ValueError", "ผิด")
    assert any("raise ValueError" in line for line in error.traceback)
    assert codes[-1].outputs == []
    assert codes[-1].execution_count is None
    assert executed.metadata.papermill.exception is True


def test_a_cell_past_its_time_limit_is_interrupted(runs):
    (first, folder), (second, _) = runs["slow"], runs["after-slow"]
    assert first["status"] == "CellTimeoutError"
    assert "after 1 s" in first["message"]
    partial = nbformat.read(folder / "executed.ipynb", as_version=4)
    assert partial.cells[-1].metadata.papermill.status == "failed"  # kept for diagnosis
    assert second["status"] == "ok"  # the next notebook runs normally, with its own timer
    assert second["cells"][-1]["outputs"][0]["data"]["text/plain"] == "'next'"


def test_each_notebook_starts_from_a_clean_state(runs):
    (leaky, _), (clean, _), (_, base) = runs["leaky"], runs["clean"], runs[""]
    assert leaky["status"] == "ok"
    seen = clean["cells"][-1]["outputs"][0]["data"]["text/plain"]
    assert seen == repr(f"False|{base}|False|False|10.0")
    assert clean["cells"][-1]["execution_count"] == 3  # a new session: counts start again
