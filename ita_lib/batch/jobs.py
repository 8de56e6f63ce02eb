"""What a batch is made of: jobs, results, manifest rows and the report; a table row as YAML.

All of it is plain data. :class:`BriefingJob` and :class:`BatchSettings` travel to the worker
processes (pickled), :class:`JobResult` travels back; :class:`ManifestEntry` is one row of the
manifest, filled in as the batch goes.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ita_lib.model.assessment import Assessment

__all__ = [
    "ASSESSMENT_NAME",
    "DEFAULT_MAX_RUNS",
    "STAMP_NAME",
    "WORK_DIR",
    "BatchReport",
    "BatchSettings",
    "BriefingJob",
    "JobResult",
    "ManifestEntry",
    "assessment_data",
    "assessment_yaml",
    "row_assessment_yaml",
    "this_process",
]

STAMP_NAME, ASSESSMENT_NAME = "briefing.stamp.json", "assessment.yaml"
WORK_DIR = ".ita-batch"  # under the output root: lock file and notebook snapshot
DEFAULT_MAX_RUNS = 50  # with the kernel engine: notebooks run on one kernel before a new one


def this_process() -> str:
    """Return ``host/pid`` of this process (how jobs and the manifest name a worker)."""
    return f"{socket.gethostname()}/{os.getpid()}"


@dataclass(frozen=True)
class BriefingJob:
    """One briefing to make: what the worker needs, all plain data (picklable).

    Attributes
    ----------
    key
        ``<fiscal_year>/<folder>``, unique in a batch.
    out_dir
        Absolute folder of the briefing.
    parameters
        The notebook parameters (validated).
    title
        Page title of the HTML.
    input_hash
        SHA-256 of the inputs, the notebook and the library: equal hashes give equal outputs.
    assessment_yaml
        For a table row: the assessment file to write as ``assessment.yaml`` in ``out_dir``
        (``parameters["assessment"]`` points to it).
    """

    key: str
    out_dir: str
    parameters: dict[str, Any]
    title: str
    input_hash: str
    assessment_yaml: str | None = None


@dataclass(frozen=True)
class JobResult:
    """What a worker reports about one job."""

    key: str
    status: str  # "ok" or "failed"
    duration_s: float
    worker: str
    error: str | None = None
    error_kind: str | None = None
    failed_notebook: str | None = None
    bytes_written: int = 0
    worker_peak_rss_kib: int = 0
    kernel_peak_rss_kib: int = 0
    kernels_started: int = 0


@dataclass(frozen=True)
class BatchSettings:
    """Batch-wide options sent to every worker with each job."""

    notebook: str
    execution_timeout: int
    max_runs: int
    library_fingerprint: str | None  # checked by each worker when set (Dask)
    engine: str = "inprocess"  # "inprocess" (the worker's own shell) or "kernel" (warm kernels)
    planner: str | None = None  # "host/pid" of the process that planned the batch
    pdf: bool = False  # also write briefing.pdf (the A4 edition) beside each briefing made


@dataclass
class ManifestEntry:
    """One manifest row (an agency of the batch), filled in as the batch goes."""

    key: str
    source: str
    agency_name: str | None = None
    agency_type: str | None = None
    province: str | None = None
    itas_code: str | None = None
    fiscal_year: int | None = None
    total: str | None = None
    rating: str | None = None
    status: str = "pending"
    html: str | None = None
    notebook: str | None = None
    failed_notebook: str | None = None
    input_hash: str | None = None
    duration_s: float | None = None
    bytes: int | None = None
    error: str | None = None
    error_kind: str | None = None
    worker: str | None = None
    synthetic: bool = False


@dataclass(frozen=True)
class BatchReport:
    """The outcome of :func:`ita_lib.batch.runs.run_batch`.

    Attributes
    ----------
    manifest_path, index_path
        The run manifest (JSON) and the HTML index.
    counts
        Number of agencies per status (``ok``, ``skipped``, ``failed``, ``pending``).
    entries
        The manifest rows, in input order.
    """

    manifest_path: Path
    index_path: Path
    counts: dict[str, int]
    entries: tuple[dict[str, Any], ...] = field(repr=False)

    @property
    def succeeded(self) -> bool:
        """Return whether every briefing is done (made now or up to date)."""
        return self.counts.get("failed", 0) == 0 and self.counts.get("pending", 0) == 0


# -- a table row as an assessment file ---------------------------------------------------------


def assessment_data(assessment: Assessment) -> dict[str, Any]:
    """Return a table row as assessment-file data (docs/assessment-format.md).

    Parameters
    ----------
    assessment
        A row loaded by :func:`ita_lib.model.results_table.load_results_table`.

    Returns
    -------
    dict
        A new mapping, ready for ``yaml.safe_dump``; scores are text, so exact.
    """
    agency = assessment.agency
    data: dict[str, Any] = {
        "schema_version": 1,
        "agency": {
            key: value
            for key, value in (
                ("name", agency.name),
                ("type", agency.type),
                ("province", agency.province),
                ("district", agency.district),
                ("itas_code", agency.itas_code),
            )
            if value is not None
        },
        "fiscal_year": assessment.fiscal_year,
        "scores": {f"ind{n}": str(assessment.scores[n]) for n in range(1, 11)},
    }
    if assessment.claimed_total is not None:
        data["claimed_total"] = str(assessment.claimed_total)
    return data


def assessment_yaml(data: dict[str, Any], source: str) -> str:
    """Return assessment-file data as the text a batch writes, with its header comment.

    Parameters
    ----------
    data
        What :func:`assessment_data` returns.
    source
        Where the row comes from (``table.csv row 5``).
    """
    header = (
        f"# Written by `ita batch` from {source}; the next batch run rewrites it.\n"
        "# Format: docs/assessment-format.md\n"
    )
    return header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def row_assessment_yaml(assessment: Assessment, source: str) -> str:
    """Return a results-table row as the text of an assessment file (what a batch writes).

    Parameters
    ----------
    assessment
        A row loaded by :func:`ita_lib.model.results_table.load_results_table`.
    source
        Where the row comes from (``table.csv row 5``), for the file's header comment.
    """
    return assessment_yaml(assessment_data(assessment), source)
