"""Run the package's notebooks with papermill and export them to one HTML file with nbconvert.

This is the I/O edge of the package. One function, :func:`execute_notebook`, runs any of the
package's notebooks (the briefing, the analysts' explore and portfolio notebooks) and writes
``<stem>.html`` plus the executed ``<stem>.ipynb``; a failed run raises one
:class:`BriefingRunError` and keeps the executed notebook as ``<stem>.failed.ipynb``. On top
of it:

- :func:`run_briefing` reads a parameters file and writes
  ``<output_root>/<fiscal_year>/<agency>/briefing.html``;
- :func:`run_analyst_notebook` checks an analyst notebook's parameters file against its model
  (:mod:`ita_lib.run.parameters`) and writes ``<output_root>/notebooks/<name>/<name>.html``;
- :mod:`ita_lib.batch.runs` runs many briefings through :func:`execute_notebook`, on reused
  kernels.

Files are written to a temporary name first and renamed, so a reader never sees half a file.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
import papermill
from nbclient.exceptions import CellTimeoutError, DeadKernelError

from ita_lib.exceptions import BriefingError, ParameterError
from ita_lib.files import contained, write_atomic
from ita_lib.log import logger
from ita_lib.model.assessment_file import load_assessment
from ita_lib.model.results_table import load_results_table
from ita_lib.render.briefing import briefing_title
from ita_lib.run.export import REMOVED_TAGS, export_html, notebook_json, slim_notebook
from ita_lib.run.parameters import (
    BriefingParameters,
    ExploreParameters,
    NotebookParameters,
    PortfolioParameters,
    load_parameters_file,
)
from ita_lib.run.paths import (
    BRIEFING_NOTEBOOK,
    CELL_TIMEOUT_SECONDS,
    FAILED_NAME,
    HTML_NAME,
    KERNEL_ARGUMENTS,
    NOTEBOOK_NAME,
    NOTEBOOKS_DIR,
    output_dir_for,
)

__all__ = [
    "ANALYST_NOTEBOOKS",
    "BRIEFING_NOTEBOOK",
    "CELL_TIMEOUT_SECONDS",
    "FAILED_NAME",
    "HTML_NAME",
    "NOTEBOOKS_DIR",
    "NOTEBOOK_NAME",
    "REMOVED_TAGS",
    "BriefingOutput",
    "BriefingRunError",
    "execute_briefing",
    "execute_notebook",
    "export_html",
    "output_dir_for",
    "run_analyst_notebook",
    "run_briefing",
    "write_atomic",
]

ANALYST_NOTEBOOKS: dict[str, tuple[type[NotebookParameters], str]] = {
    "explore": (ExploreParameters, "สำรวจผลการประเมิน ITA หลายหน่วยงาน"),
    "portfolio": (PortfolioParameters, "สรุปผล ITA ของกลุ่มหน่วยงาน"),
}


@dataclass(frozen=True)
class BriefingOutput:
    """Where a notebook run wrote its files."""

    html_path: Path
    notebook_path: Path


class BriefingRunError(BriefingError):
    """The notebook did not complete.

    Parameters
    ----------
    message
        What failed, in one line.
    kind
        ``"notebook"`` (a cell raised), ``"timeout"`` (a cell ran too long) or
        ``"dead-kernel"`` (the kernel process died).
    notebook_path
        The executed (possibly partial) notebook kept for diagnosis, when one was written.
    """

    def __init__(self, message: str, *, kind: str, notebook_path: str | None = None) -> None:
        self.kind = kind
        self.reason = message
        super().__init__(message, notebook_path=notebook_path)


# -- the one execution path --------------------------------------------------------------------


def _keep_failed(executed_path: Path, failed: Path) -> str | None:
    if executed_path.exists():
        executed_path.replace(failed)
        return str(failed)
    return None


def _failure(exc: Exception, stem: str, execution_timeout: int) -> tuple[str, str]:
    """Return the one-line message and the manifest kind of a failed notebook run."""
    if isinstance(exc, papermill.PapermillExecutionError):
        return f"the {stem} notebook failed: {exc.ename}: {exc.evalue}", "notebook"
    if isinstance(exc, CellTimeoutError):
        return f"a cell of the {stem} notebook ran longer than {execution_timeout} s", "timeout"
    return f"the kernel died while running the {stem} notebook (out of memory?)", "dead-kernel"


def _papermill(
    notebook: str | Path,
    executed_path: Path,
    parameters: Mapping[str, Any],
    *,
    failed: Path,
    stem: str,
    execution_timeout: int,
    engine_name: str | None,
    engine_kwargs: dict[str, Any],
) -> nbformat.NotebookNode:
    """Execute ``notebook`` into ``executed_path``; a failed run raises BriefingRunError.

    The executed notebook of a failed run, when there is one, is moved to ``failed``.
    """
    if engine_name is None:  # papermill's engine starts a fresh kernel: keep it quiet
        engine_kwargs = {"extra_arguments": list(KERNEL_ARGUMENTS), **engine_kwargs}
    try:
        return papermill.execute_notebook(
            str(Path(notebook).resolve()),
            str(executed_path),
            parameters=dict(parameters),
            engine_name=engine_name,
            kernel_name="python3",
            progress_bar=False,
            log_output=False,
            execution_timeout=execution_timeout,
            **engine_kwargs,
        )
    except (papermill.PapermillExecutionError, CellTimeoutError, DeadKernelError) as exc:
        message, kind = _failure(exc, stem, execution_timeout)
        raise BriefingRunError(
            message, kind=kind, notebook_path=_keep_failed(executed_path, failed)
        ) from None


def _keep_notebook(
    executed: nbformat.NotebookNode,
    executed_path: Path,
    notebook_path: Path,
    html_path: Path,
    keep_outputs: bool,
) -> None:
    """Move the executed notebook into place, slimmed unless ``keep_outputs``."""
    if keep_outputs:
        executed_path.replace(notebook_path)
    else:
        slim = slim_notebook(executed, exported_to=html_path.name)
        write_atomic(notebook_path, notebook_json(slim))


def execute_notebook(
    parameters: Mapping[str, Any],
    out_dir: str | Path,
    *,
    title: str,
    notebook: str | Path = BRIEFING_NOTEBOOK,
    execution_timeout: int = CELL_TIMEOUT_SECONDS,
    engine_name: str | None = None,
    stem: str = "briefing",
    keep_outputs: bool = False,
    **engine_kwargs: Any,
) -> BriefingOutput:
    """Execute a notebook with papermill; write ``<stem>.html`` and a slim ``<stem>.ipynb``.

    Parameters
    ----------
    parameters
        Notebook parameters, already validated.
    out_dir
        Folder of the outputs; created if missing.
    title
        Page title of the HTML.
    notebook
        The notebook to execute (default: the briefing notebook).
    execution_timeout
        Seconds a single cell may run.
    engine_name, **engine_kwargs
        papermill engine and its options (default: papermill's, with a fresh kernel).
    stem
        Name of the output files (default ``briefing``: ``briefing.html``, ``briefing.ipynb``).
    keep_outputs
        Keep the HTML, SVG and images in ``<stem>.ipynb`` (the analysts' notebooks do);
        otherwise it keeps parameters, cells, plain-text results and timings
        (:func:`ita_lib.run.export.slim_notebook`). A failed run's notebook is kept whole.

    Returns
    -------
    BriefingOutput

    Raises
    ------
    BriefingRunError
        When a cell raises, a cell times out or the kernel dies. No HTML is written; the
        executed notebook is kept as ``<stem>.failed.ipynb`` when there is one.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    html_path, notebook_path = out_dir / f"{stem}.html", out_dir / f"{stem}.ipynb"
    failed = out_dir / f"{stem}.failed.ipynb"
    with tempfile.TemporaryDirectory(prefix=".run-", dir=out_dir) as work:
        executed_path = Path(work) / notebook_path.name
        executed = _papermill(
            notebook, executed_path, parameters, failed=failed, stem=stem,
            execution_timeout=execution_timeout, engine_name=engine_name,
            engine_kwargs=engine_kwargs,
        )  # fmt: skip
        write_atomic(html_path, export_html(executed, title=title))
        _keep_notebook(executed, executed_path, notebook_path, html_path, keep_outputs)
    failed.unlink(missing_ok=True)
    return BriefingOutput(html_path=html_path, notebook_path=notebook_path)


execute_briefing = execute_notebook  # the name the batch and the tests have long used


# -- the package's notebooks -------------------------------------------------------------------


def run_briefing(
    params: BriefingParameters | str | Path,
    *,
    output_root: str | Path = "outputs",
    notebook: str | Path = BRIEFING_NOTEBOOK,
    run_timestamp: str | None = None,
) -> BriefingOutput:
    """Execute the briefing notebook for one agency and export its HTML.

    Parameters
    ----------
    params
        Validated parameters, or the path of a parameters YAML file.
    output_root
        Folder under which ``<fiscal_year>/<agency>/`` is created.
    notebook
        The briefing notebook to execute.
    run_timestamp
        Overrides the parameters' ``run_timestamp`` when given.

    Returns
    -------
    BriefingOutput
        Paths of the HTML briefing and the executed notebook.

    Raises
    ------
    InputError
        For a bad parameters or assessment file (checked before any kernel starts).
    BriefingError
        When the notebook fails; the executed notebook is kept as ``briefing.failed.ipynb``.
    """
    if not isinstance(params, BriefingParameters):
        params = load_parameters_file(params)
    if run_timestamp is not None:
        params = params.model_copy(update={"run_timestamp": run_timestamp})
    assessment = load_assessment(params.assessment)
    if params.results_table:  # read (and cached) before any kernel starts, so errors come early
        load_results_table(params.results_table)
    title = briefing_title(assessment, thai_digits=params.thai_digits)
    out_dir = output_dir_for(assessment, output_root)
    logger.info("executing %s for %s", notebook, assessment.agency.name)
    output = execute_notebook(params.notebook_values(), out_dir, title=title, notebook=notebook)
    logger.info("wrote %s", output.html_path)
    return output


def _check_analyst_inputs(params: NotebookParameters) -> None:
    """Read what an analyst notebook's parameters name, before any kernel starts."""
    from ita_lib.views import explore, portfolio

    if isinstance(params, ExploreParameters):
        explore.load_results(params.results_table)
    elif isinstance(params, PortfolioParameters):
        portfolio.load_portfolio(params.assessments)


def run_analyst_notebook(
    name: str,
    params_file: str | Path | None = None,
    *,
    output_root: str | Path = "outputs",
) -> BriefingOutput:
    """Execute an analyst notebook on its defaults or a parameters file; export its HTML.

    Parameters
    ----------
    name
        ``"explore"`` or ``"portfolio"``.
    params_file
        A YAML parameters file for that notebook; without it the notebook's defaults apply.
    output_root
        Folder under which ``notebooks/<name>/<name>.html`` and ``.ipynb`` are written.

    Returns
    -------
    BriefingOutput
        Paths of the HTML page and the executed notebook.

    Raises
    ------
    ParameterError
        For an unknown notebook or a bad parameters file (before any kernel starts).
    BriefingError
        When the notebook fails; the executed notebook is kept as ``<name>.failed.ipynb``.
    """
    if name not in ANALYST_NOTEBOOKS:
        raise ParameterError(
            "no such analyst notebook", location="notebook",
            expected="one of " + ", ".join(ANALYST_NOTEBOOKS), found=name,
        )  # fmt: skip
    model, title = ANALYST_NOTEBOOKS[name]
    params = model() if params_file is None else load_parameters_file(params_file, model)
    _check_analyst_inputs(params)
    out_dir = contained(output_root, "notebooks", name)
    logger.info("executing the %s notebook", name)
    return execute_notebook(
        params.model_dump(),
        out_dir,
        title=title,
        notebook=NOTEBOOKS_DIR / f"{name}.ipynb",
        stem=name,
        keep_outputs=True,
    )
