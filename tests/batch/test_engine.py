"""The warm-kernel papermill engine: identical briefings, no state leaks, bounded reuse."""

from __future__ import annotations

from pathlib import Path

import nbformat
import papermill
import pytest

from ita_lib.batch.engine import ENGINE_NAME, WarmKernel, WarmKernelEngine, register_engine
from ita_lib.run.execution import BriefingRunError, execute_briefing, run_briefing

REPO = Path(__file__).resolve().parents[2]
PARAMS = REPO / "params" / "bueng-krachap-2565.yaml"
TITLE = "สรุปผล ITA อบต.บึงกระจับ ปีงบประมาณ 2565"

register_engine()


def _notebook(path: Path, parameters: str, *cells: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells.append(nbformat.v4.new_code_cell(parameters, metadata={"tags": ["parameters"]}))
    nb.cells += [nbformat.v4.new_code_cell(source) for source in cells]
    nbformat.write(nb, path)
    return path


def _run(notebook: Path, out: Path, kernel: WarmKernel, **parameters: object):
    return papermill.execute_notebook(
        str(notebook),
        str(out),
        parameters=parameters,
        engine_name=ENGINE_NAME,
        kernel_name="python3",
        progress_bar=False,
        warm_kernel=kernel,
    )


def test_engine_is_registered_with_papermill():
    from papermill.engines import papermill_engines

    assert papermill_engines.get_engine(ENGINE_NAME) is WarmKernelEngine


def test_max_runs_must_be_positive():
    with pytest.raises(ValueError, match="at least 1"):
        WarmKernel(max_runs=0)


@pytest.mark.slow
def test_briefing_on_a_reused_kernel_is_identical_to_a_fresh_one(tmp_path):
    fresh = run_briefing(PARAMS, output_root=tmp_path / "fresh")  # papermill's engine, new kernel
    params = papermill.inspect_notebook(str(fresh.notebook_path))  # the notebook's parameters
    values = nbformat.read(fresh.notebook_path, as_version=4).metadata["papermill"]["parameters"]
    assert set(values) <= set(params)
    with WarmKernel(max_runs=2) as kernel:
        outputs = [
            execute_briefing(
                values,
                tmp_path / f"warm{i}",
                title=TITLE,
                engine_name=ENGINE_NAME,
                warm_kernel=kernel,
            )
            for i in range(3)
        ]
        assert kernel.kernels_started == 2  # recycled after two notebooks
        assert kernel.peak_rss_kib > 0
    expected = fresh.html_path.read_bytes()
    for output in outputs:  # the 2nd ran on a reused kernel, the 3rd on a recycled one
        assert output.html_path.read_bytes() == expected
    reused = nbformat.read(outputs[1].notebook_path, as_version=4)
    assert reused.metadata["papermill"]["parameters"] == values  # still a papermill run
    counts = [c.execution_count for c in reused.cells if c.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1))  # as on a fresh kernel


@pytest.mark.slow
def test_reset_leaves_nothing_of_the_previous_notebook(tmp_path):
    leaky = _notebook(
        tmp_path / "leaky.ipynb",
        "value = 1",
        "import os, sys, warnings, matplotlib\n"
        "leaked = value\n"
        "os.chdir('/')\n"
        "os.environ['ITA_LEAK'] = '1'\n"
        "sys.path.append('/ita-leak')\n"
        "warnings.simplefilter('ignore')\n"
        "matplotlib.rcParams['lines.linewidth'] = 9",
    )
    check = _notebook(
        tmp_path / "check.ipynb",
        "cwd = ''",
        "import os, sys, warnings, matplotlib\n"
        "assert 'leaked' not in globals() and 'value' not in globals(), sorted(globals())\n"
        "assert os.getcwd() == cwd, os.getcwd()\n"
        "assert 'ITA_LEAK' not in os.environ\n"
        "assert '/ita-leak' not in sys.path\n"
        "assert ('ignore', None, Warning, None, 0) not in warnings.filters\n"
        "assert matplotlib.rcParams['lines.linewidth'] != 9",
    )
    with WarmKernel(preload=("matplotlib",)) as kernel:
        _run(leaky, tmp_path / "a.ipynb", kernel, value=5)
        pid = kernel.pid
        _run(check, tmp_path / "b.ipynb", kernel, cwd=str(Path.cwd()))
        assert kernel.pid == pid  # the same kernel
        assert kernel.kernels_started == 1


@pytest.mark.slow
def test_a_failed_notebook_recycles_the_kernel(tmp_path):
    failing = _notebook(
        tmp_path / "fail.ipynb", "fail = False", "if fail:\n    raise ValueError('bad')"
    )
    out = tmp_path / "out"
    with WarmKernel(preload=()) as kernel:
        with pytest.raises(BriefingRunError, match="ValueError: bad") as info:
            execute_briefing(
                {"fail": True},
                out,
                title="t",
                notebook=failing,
                engine_name=ENGINE_NAME,
                warm_kernel=kernel,
            )
        assert info.value.kind == "notebook"
        assert Path(info.value.notebook_path).name == "briefing.failed.ipynb"
        assert kernel.km is None  # shut down: the next notebook gets a new kernel
        output = execute_briefing(
            {"fail": False},
            out,
            title="t",
            notebook=failing,
            engine_name=ENGINE_NAME,
            warm_kernel=kernel,
        )
        assert kernel.kernels_started == 2
        assert output.html_path.is_file()
        assert not (out / "briefing.failed.ipynb").exists()
