"""Run the briefing notebook with papermill and export it to one HTML file with nbconvert.

This is the I/O edge of the package: it reads a parameters file, executes
``notebooks/briefing.ipynb`` in a fresh kernel and writes
``<output_root>/<fiscal_year>/<agency>/briefing.html`` plus the executed notebook beside it.
Files are written to a temporary name first and renamed, so a reader never sees half a file.
:mod:`ita_lib.batch.runs` runs many briefings through the same :func:`execute_briefing`, on reused
kernels.
"""

from __future__ import annotations

import base64
import os
import tempfile
import threading
from collections.abc import Mapping
from contextlib import ExitStack
from dataclasses import dataclass
from functools import cache
from importlib.resources import as_file, files
from pathlib import Path
from typing import Any

import nbformat
import papermill
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbconvert import HTMLExporter
from nbconvert.preprocessors import TagRemovePreprocessor

from ita_lib.exceptions import BriefingError
from ita_lib.log import logger
from ita_lib.model.assessment import Assessment, load_assessment
from ita_lib.render.briefing import briefing_title
from ita_lib.run.parameters import BriefingParameters, load_parameters_file

__all__ = [
    "BRIEFING_NOTEBOOK",
    "CELL_TIMEOUT_SECONDS",
    "FAILED_NAME",
    "HTML_NAME",
    "NOTEBOOK_NAME",
    "BriefingOutput",
    "BriefingRunError",
    "execute_briefing",
    "export_html",
    "output_dir_for",
    "run_briefing",
    "write_atomic",
]

BRIEFING_NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "briefing.ipynb"
REMOVED_TAGS = ("parameters", "injected-parameters", "remove_cell")
CELL_TIMEOUT_SECONDS = 300
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=ERROR"]
HTML_NAME, NOTEBOOK_NAME, FAILED_NAME = "briefing.html", "briefing.ipynb", "briefing.failed.ipynb"


@dataclass(frozen=True)
class BriefingOutput:
    """Where a briefing run wrote its files."""

    html_path: Path
    notebook_path: Path


class BriefingRunError(BriefingError):
    """The briefing notebook did not complete.

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


def output_dir_for(assessment: Assessment, output_root: str | Path) -> Path:
    """Return ``<output_root>/<fiscal_year>/<agency folder>`` for an assessment."""
    return Path(output_root) / str(assessment.fiscal_year) / assessment.agency.folder_name


_exporters = threading.local()
_resources = ExitStack()  # keeps the templates folder available for the life of the process


@cache
def _templates_dir() -> str:
    return str(_resources.enter_context(as_file(files("ita_lib") / "templates")))


class _BriefingExporter(HTMLExporter):
    """nbconvert's HTML exporter without a schema validation after every preprocessor.

    nbconvert validates the whole notebook after each of its ~13 preprocessors (a third of the
    export time); the notebook comes from papermill, which validated it, and the only enabled
    preprocessor removes cells. The output is the same.
    """

    def _validate_preprocessor(self, nbc: nbformat.NotebookNode, preprocessor: Any) -> None:
        """Skip the validation."""


def _html_exporter() -> HTMLExporter:
    """Return this thread's HTML exporter (building one compiles templates: ~40 ms)."""
    exporter = getattr(_exporters, "exporter", None)
    if exporter is None:
        exporter = _BriefingExporter(
            extra_template_basedirs=[_templates_dir()],
            template_name="briefing_html",
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
            exclude_anchor_links=True,
        )
        remove = TagRemovePreprocessor(remove_cell_tags=set(REMOVED_TAGS), enabled=True)
        exporter.register_preprocessor(remove, enabled=True)
        _exporters.exporter = exporter
    return exporter


def export_html(notebook: nbformat.NotebookNode, *, title: str) -> str:
    """Export an executed briefing notebook to self-contained HTML without code.

    Cells tagged ``parameters``, ``injected-parameters`` or ``remove_cell`` are removed,
    inputs and prompts are hidden, and the page carries ``lang="th"`` and no scripts. The
    exporter is built once per thread and reused.
    """
    resources = {"metadata": {"name": title}, "ita_fonts": _embedded_fonts()}
    body, _ = _html_exporter().from_notebook_node(notebook, resources=resources)
    return body


@cache
def _embedded_fonts() -> list[dict[str, str]]:
    """Return the bundled Sarabun faces as base64, so the page needs no installed Thai font."""
    faces = []
    for weight, name in (("400", "Sarabun-Regular.ttf"), ("700", "Sarabun-Bold.ttf")):
        data = (files("ita_lib") / "fonts" / name).read_bytes()
        faces.append({"weight": weight, "data": base64.b64encode(data).decode("ascii")})
    return faces


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename.

    A reader sees the old file or the new one, never a part. Text is written as UTF-8 with
    ``\\n`` line ends. Temporary files are named ``.<name>.<random>.tmp``.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        if isinstance(data, bytes):
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
        else:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(data)
        umask = os.umask(0)
        os.umask(umask)
        Path(tmp).chmod(0o666 & ~umask)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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


def execute_briefing(
    parameters: Mapping[str, Any],
    out_dir: str | Path,
    *,
    title: str,
    notebook: str | Path = BRIEFING_NOTEBOOK,
    execution_timeout: int = CELL_TIMEOUT_SECONDS,
    engine_name: str | None = None,
    stem: str = "briefing",
    **engine_kwargs: Any,
) -> BriefingOutput:
    """Execute the notebook with papermill and write ``<stem>.html`` and ``<stem>.ipynb``.

    Parameters
    ----------
    parameters
        Notebook parameters, already validated.
    out_dir
        Folder of the briefing; created if missing.
    title
        Page title of the HTML.
    notebook
        The notebook to execute.
    execution_timeout
        Seconds a single cell may run.
    engine_name, **engine_kwargs
        papermill engine and its options (default: papermill's, with a fresh kernel).
    stem
        Name of the output files (default ``briefing``: ``briefing.html``, ``briefing.ipynb``).

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
    if engine_name is None:
        engine_kwargs.setdefault("extra_arguments", KERNEL_ARGUMENTS)
    with tempfile.TemporaryDirectory(prefix=".run-", dir=out_dir) as work:
        executed_path = Path(work) / notebook_path.name
        try:
            executed = papermill.execute_notebook(
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
        write_atomic(html_path, export_html(executed, title=title))
        executed_path.replace(notebook_path)
    failed.unlink(missing_ok=True)
    return BriefingOutput(html_path=html_path, notebook_path=notebook_path)


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
    title = briefing_title(assessment, thai_digits=params.thai_digits)
    out_dir = output_dir_for(assessment, output_root)
    logger.info("executing %s for %s", notebook, assessment.agency.name)
    output = execute_briefing(params.notebook_values(), out_dir, title=title, notebook=notebook)
    logger.info("wrote %s", output.html_path)
    return output
