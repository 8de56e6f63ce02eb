"""Where the package's notebooks are and where a briefing's files go; names, no I/O.

Kept apart from :mod:`ita_lib.run.execution` so that planning a batch does not import papermill
and nbconvert in the process that plans it.
"""

from __future__ import annotations

from pathlib import Path

from ita_lib.files import contained
from ita_lib.model.assessment import Assessment

__all__ = [
    "BRIEFING_NOTEBOOK",
    "CELL_TIMEOUT_SECONDS",
    "FAILED_NAME",
    "HTML_NAME",
    "KERNEL_ARGUMENTS",
    "NOTEBOOKS_DIR",
    "NOTEBOOK_NAME",
    "output_dir_for",
]

NOTEBOOKS_DIR = Path(__file__).resolve().parents[2] / "notebooks"
BRIEFING_NOTEBOOK = NOTEBOOKS_DIR / "briefing.ipynb"
CELL_TIMEOUT_SECONDS = 300
KERNEL_ARGUMENTS = ("--IPKernelApp.log_level=ERROR",)  # a kernel started for a notebook: quiet
HTML_NAME, NOTEBOOK_NAME, FAILED_NAME = "briefing.html", "briefing.ipynb", "briefing.failed.ipynb"


def output_dir_for(assessment: Assessment, output_root: str | Path) -> Path:
    """Return ``<output_root>/<fiscal_year>/<agency folder>``, checked to stay under the root."""
    return contained(output_root, str(assessment.fiscal_year), assessment.agency.folder_name)
