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
    import json, sys, threading
    import papermill
    from ita_lib.batch import inprocess

    inprocess.register_inprocess()
    inprocess.exit_on_hang, inprocess.HANG_GRACE_S = True, 2.0

    def run(step, results):
        try:
            executed = papermill.execute_notebook(
                step["notebook"], step["out"] + "/executed.ipynb",
                parameters={"label": step["out"]}, cwd=step.get("cwd"),
                engine_name=inprocess.INPROCESS_ENGINE_NAME, kernel_name="python3",
                progress_bar=False, execution_timeout=step.get("timeout"),
            )
            results.append({"status": "ok", "cells": executed["cells"]})
        except papermill.PapermillExecutionError as exc:
            results.append({"status": "error", "ename": exc.ename, "evalue": exc.evalue})
        except Exception as exc:
            results.append({"status": type(exc).__name__, "message": str(exc)})

    results = []
    for step in json.loads(sys.argv[1]):
        if step.get("thread"):  # as on a Dask worker: not the process's main thread
            worker = threading.Thread(target=run, args=(step, results))
            worker.start()
            worker.join()
        else:
            run(step, results)
        print(json.dumps(results[-1]), flush=True)
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


def _run_notebooks(tmp_path: Path, *steps: dict) -> subprocess.CompletedProcess:
    """Run notebooks one after another in one new Python process, as a worker does; each
    step is ``{"notebook": path}`` with ``timeout``, ``thread`` and ``cwd`` if wanted."""
    plan = []
    for i, step in enumerate(steps):
        out = tmp_path / f"run{i}"
        out.mkdir()
        plan.append({**step, "out": str(out)})
    return subprocess.run(
        [sys.executable, "-c", RUNNER, json.dumps(plan)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        check=False,
        timeout=300,
    )


def _results(done: subprocess.CompletedProcess) -> list[dict]:
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


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
        {},
    ),
    "stdin": (
        (
            (
                "import io, sys\ntry:\n    input('?')\nexcept EOFError:\n    print('no input')\n"
                "try:\n    sys.stdout.fileno()\nexcept io.UnsupportedOperation:\n    print('no fd')"
            ),
        ),
        {},
    ),
    "error": (("print('before')", "raise ValueError('ผิด')", "print('never')"), {}),
    "slow": (
        (
            "import time\ntry:\n    time.sleep(30)\nexcept Exception:\n    pass  # must not swallow it",
        ),
        {"timeout": 1},
    ),
    "after-slow": (("'next'",), {"timeout": 1}),
    "slow-in-thread": (
        ("import time\nfor _ in range(300):\n    time.sleep(0.01)",),
        {"timeout": 1, "thread": True},
    ),
    "after-thread": (("import time\ntime.sleep(1.5)\n'in time'",), {"timeout": 3, "thread": True}),
    "late-hook": (
        (
            "import time\nget_ipython().events.register('post_run_cell', lambda r: time.sleep(5))",
            "1",
        ),
        {"timeout": 1},
    ),
    "hooks-and-signals": (
        (
            (
                "import signal\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
                "get_ipython().events.register('post_execute', lambda: undefined_name)"
            ),
        ),
        {},
    ),
    "after-hooks": (
        ("import signal\nsignal.getsignal(signal.SIGTERM) is signal.SIG_DFL",),
        {},
    ),
    "exit": (("exit()",), {}),
    "cwd": (("import os\nos.getcwd()",), {"cwd": "elsewhere"}),
    "leaky": (
        (
            (
                "import os, sys, matplotlib\n"
                "secret = 1\nos.chdir('elsewhere')\nos.environ['ITA_LEAK'] = '1'\n"
                "sys.path.append('/leak')\nmatplotlib.rcParams['font.size'] = 3"
            ),
        ),
        {},
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
        {},
    ),
}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Every notebook of NOTEBOOKS run in order in one process: name -> (result, folder)."""
    base = tmp_path_factory.mktemp("inprocess")
    (base / "elsewhere").mkdir()
    plan = [
        {"notebook": _notebook(base / f"{name}.ipynb", *sources), **options}
        for name, (sources, options) in NOTEBOOKS.items()
    ]
    for step in plan:
        if "cwd" in step:
            step["cwd"] = str(base / step["cwd"])
    done = _run_notebooks(base, *plan)
    assert done.returncode == 0, done.stderr[-2000:]
    results = _results(done)
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


def test_a_cell_on_another_thread_is_interrupted_and_the_next_is_not(runs):
    (slow, _), (after, _) = runs["slow-in-thread"], runs["after-thread"]
    assert slow["status"] == "CellTimeoutError"
    assert after["status"] == "ok"  # no interrupt left over to land in it
    assert after["cells"][-1]["outputs"][0]["data"]["text/plain"] == "'in time'"


def test_a_limit_passed_outside_the_cells_code_is_a_time_out_not_a_crash(runs):
    result, _ = runs["late-hook"]
    assert result["status"] == "CellTimeoutError"


def test_hooks_and_signal_handlers_of_a_notebook_do_not_reach_the_next(runs):
    (first, _), (second, _) = runs["hooks-and-signals"], runs["after-hooks"]
    assert first["status"] == "error"  # its own hook fails it
    assert second["status"] == "ok"
    assert second["cells"][-1]["outputs"][0]["data"]["text/plain"] == "True"


def test_exit_in_a_cell_fails_the_notebook_not_the_worker(runs):
    result, _ = runs["exit"]
    assert result["status"] == "error"
    assert result["ename"] == "RuntimeError"
    assert "exit()" in result["evalue"]


def test_papermills_working_directory_is_kept(runs):
    (result, _), (_, base) = runs["cwd"], runs[""]
    assert result["cells"][-1]["outputs"][0]["data"]["text/plain"] == repr(str(base / "elsewhere"))


def test_a_cell_deaf_to_its_time_limit_ends_the_worker(tmp_path):
    deaf = _notebook(
        tmp_path / "deaf.ipynb",
        "import signal, time\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\ntime.sleep(30)",
    )
    done = _run_notebooks(tmp_path, {"notebook": deaf, "timeout": 1})
    assert done.returncode == 70  # after the limit and the grace (2 s here): the batch retries it
    assert "ignored its 1 s time limit" in done.stderr
