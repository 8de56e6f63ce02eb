"""Run the analysts' notebooks (explore, portfolio) with papermill and export them to HTML.

Each notebook has a parameter model in :mod:`ita_lib.run.parameters`; a parameters file is checked
against it before any kernel starts. Outputs go to ``<output_root>/notebooks/<name>/``.
"""

from __future__ import annotations

from pathlib import Path

from ita_lib.exceptions import ParameterError
from ita_lib.log import logger
from ita_lib.run.execution import BriefingOutput, execute_briefing
from ita_lib.run.parameters import (
    ExploreParameters,
    NotebookParameters,
    PortfolioParameters,
    load_parameters_file,
)

__all__ = ["ANALYST_NOTEBOOKS", "NOTEBOOKS_DIR", "run_analyst_notebook"]

NOTEBOOKS_DIR = Path(__file__).resolve().parents[2] / "notebooks"
ANALYST_NOTEBOOKS: dict[str, tuple[type[NotebookParameters], str]] = {
    "explore": (ExploreParameters, "สำรวจผลการประเมิน ITA หลายหน่วยงาน"),
    "portfolio": (PortfolioParameters, "สรุปผล ITA ของกลุ่มหน่วยงาน"),
}


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
    out_dir = Path(output_root) / "notebooks" / name
    logger.info("executing the %s notebook", name)
    return execute_briefing(
        params.model_dump(),
        out_dir,
        title=title,
        notebook=NOTEBOOKS_DIR / f"{name}.ipynb",
        stem=name,
    )
