"""Run the briefing notebook with papermill and export it to one HTML file with nbconvert.

This is the I/O edge of the package: it reads a parameters file, executes
``notebooks/briefing.ipynb`` in a fresh kernel and writes
``<output_root>/<fiscal_year>/<agency>/briefing.html`` plus the executed notebook beside it.
Files are written to a temporary name first and renamed, so a reader never sees half a file.
"""

from __future__ import annotations

import base64
import os
import tempfile
from dataclasses import dataclass
from importlib.resources import as_file, files
from pathlib import Path

import nbformat
import papermill
from nbconvert import HTMLExporter
from nbconvert.preprocessors import TagRemovePreprocessor

from ita_lib.assessment import Assessment, load_assessment
from ita_lib.exceptions import BriefingError
from ita_lib.log import logger
from ita_lib.params import BriefingParameters, load_parameters_file
from ita_lib.render import Briefing

__all__ = [
    "BRIEFING_NOTEBOOK",
    "BriefingOutput",
    "export_html",
    "output_dir_for",
    "run_briefing",
]

BRIEFING_NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "briefing.ipynb"
REMOVED_TAGS = ("parameters", "injected-parameters", "remove_cell")
CELL_TIMEOUT_SECONDS = 300


@dataclass(frozen=True)
class BriefingOutput:
    """Where a briefing run wrote its files."""

    html_path: Path
    notebook_path: Path


def output_dir_for(assessment: Assessment, output_root: str | Path) -> Path:
    """Return ``<output_root>/<fiscal_year>/<agency folder>`` for an assessment."""
    return Path(output_root) / str(assessment.fiscal_year) / assessment.agency.folder_name


def export_html(notebook: nbformat.NotebookNode, *, title: str) -> str:
    """Export an executed briefing notebook to self-contained HTML without code.

    Cells tagged ``parameters``, ``injected-parameters`` or ``remove_cell`` are removed,
    inputs and prompts are hidden, and the page carries ``lang="th"`` and no scripts.
    """
    remove = TagRemovePreprocessor(remove_cell_tags=set(REMOVED_TAGS), enabled=True)
    with as_file(files("ita_lib") / "templates") as templates:
        exporter = HTMLExporter(
            extra_template_basedirs=[str(templates)],
            template_name="briefing_html",
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
            exclude_anchor_links=True,
        )
        exporter.register_preprocessor(remove, enabled=True)
        resources = {"metadata": {"name": title}, "ita_fonts": _embedded_fonts()}
        body, _ = exporter.from_notebook_node(notebook, resources=resources)
    return body


def _embedded_fonts() -> list[dict[str, str]]:
    """Return the bundled Sarabun faces as base64, so the page needs no installed Thai font."""
    faces = []
    for weight, name in (("400", "Sarabun-Regular.ttf"), ("700", "Sarabun-Bold.ttf")):
        data = (files("ita_lib") / "fonts" / name).read_bytes()
        faces.append({"weight": weight, "data": base64.b64encode(data).decode("ascii")})
    return faces


def _write_atomic(path: Path, data: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(data)
        umask = os.umask(0)
        os.umask(umask)
        Path(tmp).chmod(0o666 & ~umask)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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
    briefing = Briefing.from_assessment(assessment, thai_digits=params.thai_digits)
    out_dir = output_dir_for(assessment, output_root)
    out_dir.mkdir(parents=True, exist_ok=True)
    html_path = out_dir / "briefing.html"
    notebook_path = out_dir / "briefing.ipynb"

    with tempfile.TemporaryDirectory(prefix=".run-", dir=out_dir) as work:
        executed_path = Path(work) / "briefing.ipynb"
        logger.info("executing %s for %s", notebook, assessment.agency.name)
        try:
            executed = papermill.execute_notebook(
                str(Path(notebook).resolve()),
                str(executed_path),
                parameters=params.model_dump(),
                kernel_name="python3",
                progress_bar=False,
                log_output=False,
                execution_timeout=CELL_TIMEOUT_SECONDS,
                extra_arguments=["--IPKernelApp.log_level=ERROR"],
            )
        except papermill.PapermillExecutionError as exc:
            failed = out_dir / "briefing.failed.ipynb"
            if executed_path.exists():
                executed_path.replace(failed)
            message = f"the briefing notebook failed: {exc.ename}: {exc.evalue}"
            raise BriefingError(message, notebook_path=str(failed)) from None
        html = export_html(executed, title=briefing.title)
        _write_atomic(html_path, html)
        executed_path.replace(notebook_path)
    (out_dir / "briefing.failed.ipynb").unlink(missing_ok=True)
    logger.info("wrote %s", html_path)
    return BriefingOutput(html_path=html_path, notebook_path=notebook_path)
