"""What runs in a worker process: :func:`run_job`, on the worker's own shell or a warm kernel.

By default (engine ``inprocess``) a worker runs notebook after notebook in its own process
through papermill's engine ``ita_inprocess`` (:mod:`ita_lib.batch.inprocess`), resetting the
shell in between. With engine ``kernel`` each worker thread keeps one kernel with ``ita_lib``
imported and runs the notebooks on it through papermill's engine ``ita_warm``
(:mod:`ita_lib.batch.engine`), which resets it in between and recycles it after ``max_runs``
notebooks or any failure. Every ``TIDY_EVERY`` briefings the worker collects garbage and trims
its heap, so that its memory stays flat.
"""

from __future__ import annotations

import atexit
import ctypes
import gc
import json
import logging
import multiprocessing.util
import signal
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import ita_lib
from ita_lib.batch import inprocess
from ita_lib.batch.engine import ENGINE_NAME, WarmKernel, register_engine
from ita_lib.batch.hashing import briefing_bytes, library_fingerprint, output_fingerprints
from ita_lib.batch.inprocess import INPROCESS_ENGINE_NAME, register_inprocess
from ita_lib.batch.jobs import (
    ASSESSMENT_NAME,
    STAMP_NAME,
    BatchSettings,
    BriefingJob,
    JobResult,
    this_process,
)
from ita_lib.batch.lifetime import die_with_parent
from ita_lib.exceptions import InputError, ITAError
from ita_lib.log import logger
from ita_lib.run.execution import (
    HTML_NAME,
    NOTEBOOK_NAME,
    BriefingRunError,
    execute_notebook,
    write_atomic,
)

__all__ = ["TIDY_EVERY", "init_local_worker", "run_job", "shutdown_worker_kernels"]

TIDY_EVERY = 50  # jobs between two full garbage collections in a worker

register_engine()  # workers unpickle run_job from this module: the engines are then registered
register_inprocess()

_log = logger.getChild("batch")
_local = threading.local()
_kernels: list[WarmKernel] = []
_kernels_lock = threading.Lock()
_worker_fingerprint = cache(library_fingerprint)  # a worker's code does not change under it


# -- warm kernels and memory -------------------------------------------------------------------


def _warm_kernel(max_runs: int) -> WarmKernel:
    kernel = getattr(_local, "kernel", None)
    if kernel is None:
        kernel = WarmKernel(max_runs=max_runs)
        _local.kernel = kernel
        with _kernels_lock:
            _kernels.append(kernel)
    kernel.max_runs = max_runs
    return kernel


def shutdown_worker_kernels() -> None:
    """Stop every warm kernel this process started (at worker exit or the end of a batch)."""
    with _kernels_lock:
        kernels = list(_kernels)
    for kernel in kernels:
        kernel.shutdown()


atexit.register(shutdown_worker_kernels)


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    """Return glibc's ``malloc_trim`` (gives freed heap back to the system), if there is one."""
    try:
        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None


def _tidy_memory() -> None:
    """Collect garbage and return free heap to the system, so a worker's memory stays flat.

    Each briefing leaves reference cycles (notebook nodes, messages) that Python's collector
    reaches late, and a fragmented heap: without this a worker grows ~5 MiB per 50 briefings.
    """
    gc.collect()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def _peak_rss_kib() -> int:
    try:
        import resource
    except ImportError:  # not on POSIX
        return 0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak // 1024 if sys.platform == "darwin" else peak)


# -- one job -----------------------------------------------------------------------------------


def _remove_outputs(out_dir: Path) -> None:
    for name in (HTML_NAME, NOTEBOOK_NAME, STAMP_NAME):
        (out_dir / name).unlink(missing_ok=True)


def _make_briefing(job: BriefingJob, settings: BatchSettings, kernel: WarmKernel | None) -> None:
    """Write the job's assessment (a table row), run the notebook (and print the PDF edition),
    then stamp the briefing."""
    if settings.library_fingerprint not in (None, _worker_fingerprint()):
        raise ITAError(
            "this worker's ita_lib (version or files) differs from the one that planned "
            "the batch; install the same ita_lib on every worker"
        )
    out_dir = Path(job.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / STAMP_NAME).unlink(missing_ok=True)
    if job.assessment_yaml is not None:
        write_atomic(out_dir / ASSESSMENT_NAME, job.assessment_yaml)
    execute_notebook(
        job.parameters,
        out_dir,
        title=job.title,
        notebook=settings.notebook,
        execution_timeout=settings.execution_timeout,
        **_engine(kernel),
    )
    if settings.pdf:  # in the worker, so that PDFs are made in parallel too
        from ita_lib.run.pdf import write_pdf_edition

        write_pdf_edition(out_dir / HTML_NAME)
    stamp = {
        "format": "ita-batch-stamp/2",
        "input_hash": job.input_hash,
        "outputs": output_fingerprints(out_dir),
        "ita_lib_version": ita_lib.__version__,
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    write_atomic(out_dir / STAMP_NAME, json.dumps(stamp, indent=2) + "\n")


def _engine(kernel: WarmKernel | None) -> dict[str, Any]:
    """papermill's engine arguments: the warm kernel's engine, or the in-process one."""
    if kernel is None:
        inprocess.exit_on_hang = True  # a worker process of a batch: a hung cell ends it
        return {"engine_name": INPROCESS_ENGINE_NAME}
    return {"engine_name": ENGINE_NAME, "warm_kernel": kernel}


def _unexpected_failure(exc: Exception) -> dict[str, Any]:
    """Return the outcome of a job that raised something else than a notebook failure."""
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return {
        "status": "failed",
        "error": f"{type(exc).__name__}: {message}" if message else type(exc).__name__,
        "error_kind": "input" if isinstance(exc, InputError) else "internal",
    }


def _uses_kernel(settings: BatchSettings) -> bool:
    """Whether this job runs on a warm kernel: asked for, or the worker is a thread of the
    process that runs the batch (a Dask cluster with ``processes=False``), whose state an
    in-process notebook must not touch."""
    if settings.engine == "kernel":
        return True
    if settings.planner == this_process():
        if not getattr(_local, "told", False):
            _log.info("this worker is a thread of the batch's own process: using a kernel")
            _local.told = True
        return True
    return False


def run_job(job: BriefingJob, settings: BatchSettings) -> JobResult:
    """Make one briefing in this worker (its shell or warm kernel); never raises for a failed one.

    Parameters
    ----------
    job
        The briefing to make.
    settings
        Batch-wide options.

    Returns
    -------
    JobResult
        ``ok``, or ``failed`` with the reason and the kept notebook.
    """
    start = time.perf_counter()
    started = getattr(_local, "started", None)
    if started is not None:
        started.put(job.key)
    kernel = _warm_kernel(settings.max_runs) if _uses_kernel(settings) else None
    _local.jobs = getattr(_local, "jobs", 0) + 1
    if _local.jobs % TIDY_EVERY == 0:
        _tidy_memory()
    outcome: dict[str, Any] = {"status": "ok"}
    try:
        _make_briefing(job, settings, kernel)
        outcome["bytes_written"] = briefing_bytes(Path(job.out_dir))
    except BriefingRunError as exc:
        _remove_outputs(Path(job.out_dir))  # they were made from other inputs
        outcome = {
            "status": "failed",
            "error": exc.reason,
            "error_kind": exc.kind,
            "failed_notebook": exc.notebook_path,
        }
    except Exception as exc:  # noqa: BLE001  # one agency must never stop the batch
        if kernel is not None:
            kernel.shutdown()
        outcome = _unexpected_failure(exc)
    return JobResult(
        key=job.key,
        duration_s=round(time.perf_counter() - start, 3),
        worker=this_process(),
        worker_peak_rss_kib=_peak_rss_kib(),
        kernel_peak_rss_kib=kernel.peak_rss_kib if kernel is not None else 0,
        kernels_started=kernel.kernels_started if kernel is not None else 0,
        **outcome,
    )


def init_local_worker(started: Any = None) -> None:
    """Set up a local pool worker: the parent handles Ctrl-C; kernels stop at exit; the
    worker ends when the batch process dies, even by ``kill -9``.

    Parameters
    ----------
    started
        A queue on which the worker puts each job's key as it starts the job, so that the
        batch knows which jobs were running when a worker died.
    """
    _local.started = started
    die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    logging.getLogger("papermill").setLevel(logging.CRITICAL)  # failures go to the manifest
    multiprocessing.util.Finalize(None, shutdown_worker_kernels, exitpriority=10)
