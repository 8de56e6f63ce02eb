"""Run many briefings: fast (notebooks run inside worker processes), resumable, local or on Dask.

``ita batch`` (and :func:`run_batch`) takes several parameters files, or one results table
(one briefing per row), and writes every briefing under the output root as ``ita brief`` does
(``<root>/<fiscal_year>/<agency>/briefing.html`` and ``briefing.ipynb``), plus:

- ``<root>/manifest.json``: per agency its status (``ok``, ``skipped``, ``failed``,
  ``pending``), output paths, input hash, duration and error; per worker its peak memory;
- ``<root>/index.html``: every briefing with total, rating and status, sortable in a browser.

How it is fast: each worker process imports ``ita_lib`` once and runs notebook after notebook
on its own IPython shell through papermill's engine ``ita_inprocess``
(:mod:`ita_lib.batch.inprocess`), resetting the shell in between; no kernel process, no
messages. With ``engine="kernel"`` each worker keeps one kernel instead and runs the notebooks
on it through the engine ``ita_warm`` (:mod:`ita_lib.batch.engine`), resetting it in between
and recycling it after ``max_runs`` notebooks or any failure. Each worker reuses one HTML
exporter and, every ``TIDY_EVERY`` briefings, collects garbage and trims its heap, so that its
memory stays flat.

How it is safe to schedule: a failing agency (bad row, exception, time-out, dead kernel) is
recorded and the others go on; its executed notebook is kept as ``briefing.failed.ipynb``.
Files are written atomically. Each finished briefing gets a stamp (``briefing.stamp.json``)
holding the hash of its inputs, the notebook and the library; a later run skips briefings
whose stamp matches and whose files exist, and re-does the rest (``force`` re-does all), so
a killed batch is finished by running it again. One batch at a time may use an output root
(a lock file in ``<root>/.ita-batch/``).

The parts: :mod:`~ita_lib.batch.jobs` (what a batch is made of),
:mod:`~ita_lib.batch.plan` (inputs, hashes, skip or redo), :mod:`~ita_lib.batch.workers`
(what runs in a worker), :mod:`~ita_lib.batch.backends` (local pool, Dask),
:mod:`~ita_lib.batch.outputs` (manifest, index, progress) and :mod:`~ita_lib.batch.locking`;
this module puts them together.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import ita_lib
from ita_lib.batch.backends import run_dask, run_local
from ita_lib.batch.hashing import library_fingerprint
from ita_lib.batch.jobs import (
    ASSESSMENT_NAME,
    DEFAULT_MAX_RUNS,
    STAMP_NAME,
    BatchReport,
    BatchSettings,
    BriefingJob,
    JobResult,
    row_assessment_yaml,
    this_process,
)
from ita_lib.batch.locking import batch_lock, sigterm_as_interrupt
from ita_lib.batch.outputs import INDEX_NAME, MANIFEST_NAME, BatchRecord, Progress
from ita_lib.batch.plan import jobs_to_run, plan_batch, snapshot_notebook
from ita_lib.log import logger
from ita_lib.run.paths import BRIEFING_NOTEBOOK, CELL_TIMEOUT_SECONDS

__all__ = [
    "ASSESSMENT_NAME",
    "ENGINES",
    "INDEX_NAME",
    "MANIFEST_NAME",
    "STAMP_NAME",
    "BatchReport",
    "BriefingJob",
    "JobResult",
    "library_fingerprint",
    "row_assessment_yaml",
    "run_batch",
]

_log = logger.getChild("batch")
ENGINES = ("inprocess", "kernel")  # where a worker runs notebooks: its own shell, a warm kernel


@dataclass(frozen=True)
class _Options:
    """The options of :func:`run_batch` that the run itself needs."""

    scheduler: str | None
    workers: int
    force: bool
    thai_digits: bool | None
    run_timestamp: str | None
    peers: bool
    execution_timeout: int
    max_runs_per_kernel: int
    progress: bool | None
    engine: str = "inprocess"
    pdf: bool = False

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise ValueError(f"engine must be one of {', '.join(ENGINES)}, not {self.engine!r}")
        if self.pdf:  # checked here, before any briefing: the workers print the PDFs
            from ita_lib.run.pdf import require_pdf_engine

            require_pdf_engine()


def _meta(
    inputs: Sequence[str | Path],
    root: Path,
    notebook: Path,
    notebook_sha: str,
    settings: BatchSettings,
    options: _Options,
) -> dict[str, Any]:
    """Return the run-wide fields of the manifest."""
    return {
        "ita_lib_version": ita_lib.__version__,
        "library_fingerprint": settings.library_fingerprint,
        "inputs": [str(Path(p)) for p in inputs],
        "output_root": str(root),
        "notebook": str(notebook.resolve()),
        "notebook_sha256": notebook_sha,
        "scheduler": options.scheduler,
        "workers_requested": None if options.scheduler else options.workers,
        "force": options.force,
        "engine": settings.engine,
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def _execute(
    to_run: list[BriefingJob], settings: BatchSettings, options: _Options, record: BatchRecord
) -> dict[str, Any]:
    """Run the jobs on the chosen back-end; return the final manifest (written).

    On Ctrl-C or SIGTERM the manifest is written (``complete: false``) and KeyboardInterrupt
    goes on up.
    """
    record.write(complete=False)
    try:
        with sigterm_as_interrupt():
            if to_run and options.scheduler:
                run_dask(to_run, settings, options.scheduler, record.add)
            elif to_run:
                run_local(to_run, settings, options.workers, record.add)
    except KeyboardInterrupt:
        record.progress.close()
        record.write(complete=False)
        raise
    record.progress.close()
    return record.write(complete=True)


def _run_locked(
    inputs: Sequence[str | Path], root: Path, notebook: Path, options: _Options
) -> dict[str, Any]:
    """Plan the batch, run what is not up to date, write the manifest; return the manifest."""
    snapshot, notebook_sha = snapshot_notebook(notebook, root)
    library = library_fingerprint()
    plan = plan_batch(
        inputs,
        output_root=root,
        notebook_sha=notebook_sha,
        library=library,
        thai_digits=options.thai_digits,
        peers=options.peers,
        run_timestamp=options.run_timestamp,
    )
    to_run = jobs_to_run(plan, root, force=options.force)
    settings = BatchSettings(
        notebook=str(snapshot),
        execution_timeout=options.execution_timeout,
        max_runs=options.max_runs_per_kernel,
        engine=options.engine,
        planner=this_process(),
        pdf=options.pdf,
        # local workers share our files; Dask workers check theirs against ours
        library_fingerprint=library if options.scheduler else None,
    )
    meta = _meta(inputs, root, notebook, notebook_sha, settings, options)
    _log.info(
        "%d agencies: %d to make, %d up to date, %d with bad input",
        len(plan.entries),
        len(to_run),
        sum(entry.status == "skipped" for entry in plan.entries),
        sum(entry.status == "failed" for entry in plan.entries),
    )
    progress = Progress(len(to_run), enabled=options.progress)
    return _execute(to_run, settings, options, BatchRecord(root, plan.entries, meta, progress))


def _run(
    inputs: Sequence[str | Path], root: Path, notebook: Path, options: _Options
) -> BatchReport:
    """Hold the output root's lock for the whole batch; return its report."""
    with batch_lock(root):
        manifest = _run_locked(inputs, root, notebook, options)
    return BatchReport(
        manifest_path=root / MANIFEST_NAME,
        index_path=root / INDEX_NAME,
        counts=dict(manifest["counts"]),
        entries=tuple(manifest["briefings"]),
    )


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _worker_count(requested: int | None, scheduler: str | None) -> int:
    """One worker per core by default; more than the cores (each runs a kernel) is capped."""
    cores = _cores()
    if requested is None:
        return cores
    if requested > cores and scheduler is None:
        logger.warning(
            "--workers %d is more than the %d core(s) here; using %d", requested, cores, cores
        )
        return cores
    return requested


def run_batch(
    inputs: Sequence[str | Path],
    *,
    output_root: str | Path = "outputs",
    workers: int | None = None,
    scheduler: str | None = None,
    force: bool = False,
    thai_digits: bool | None = None,
    run_timestamp: str | None = None,
    peers: bool = False,
    notebook: str | Path = BRIEFING_NOTEBOOK,
    execution_timeout: int = CELL_TIMEOUT_SECONDS,
    max_runs_per_kernel: int = DEFAULT_MAX_RUNS,
    engine: str = "inprocess",
    progress: bool | None = None,
    pdf: bool = False,
) -> BatchReport:
    """Make the briefings of many agencies; write a manifest and an index.

    Parameters
    ----------
    inputs, output_root, force
        Parameters files (``.yaml``) or one results table (``.csv``/``.xlsx``); the folder of
        the briefings, manifest and index; re-make even the briefings that are up to date.
    workers, scheduler
        Local worker processes (default: one per core); or instead a Dask scheduler's address
        (``tcp://host:8786``), whose workers need the same ita_lib and output root path.
    thai_digits, run_timestamp, peers
        A table's rows' notebook parameters (``run_timestamp`` also overrides parameters
        files'); peer and trend sections from the table itself.
    notebook, execution_timeout, engine, max_runs_per_kernel, progress, pdf
        The briefing notebook; seconds a cell may run; ``"inprocess"`` (notebooks run in the
        workers) or ``"kernel"`` (on warm kernels); notebooks per kernel; a progress bar
        (default: when stderr is a terminal; otherwise log lines); PDFs made by the workers.

    Returns
    -------
    BatchReport

    Raises
    ------
    InputError
        Unreadable inputs (a bad row fails only its agency), a busy root, no scheduler.
    KeyboardInterrupt
        On Ctrl-C or SIGTERM, once running briefings are finished and the manifest written.
    """
    options = _Options(
        scheduler=scheduler,
        workers=_worker_count(workers, scheduler),
        force=force,
        thai_digits=thai_digits,
        run_timestamp=run_timestamp,
        peers=peers,
        execution_timeout=execution_timeout,
        max_runs_per_kernel=max_runs_per_kernel,
        progress=progress,
        engine=engine,
        pdf=pdf,
    )
    return _run(inputs, Path(output_root).resolve(), Path(notebook), options)
