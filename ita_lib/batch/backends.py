"""Where the jobs run: a local pool of worker processes, or a Dask distributed cluster.

Both call ``on_result`` in the parent for every job, in the order jobs finish; a job whose
worker died is reported ``failed`` (kind ``worker``) and the others go on.
"""

from __future__ import annotations

import multiprocessing
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from contextlib import suppress

from ita_lib.batch.jobs import BatchSettings, BriefingJob, JobResult
from ita_lib.batch.workers import init_local_worker, run_job, shutdown_worker_kernels
from ita_lib.exceptions import InputError

__all__ = ["OnResult", "run_dask", "run_local"]

OnResult = Callable[[JobResult], None]


def _crashed(job: BriefingJob, reason: str) -> JobResult:
    return JobResult(
        key=job.key, status="failed", duration_s=0.0, worker="?", error=reason, error_kind="worker"
    )


def run_local(
    jobs: list[BriefingJob], settings: BatchSettings, workers: int, on_result: OnResult
) -> None:
    """Run jobs on a pool of worker processes; a job whose worker died is retried once.

    Parameters
    ----------
    jobs
        The jobs to run.
    settings
        Batch-wide options, sent with every job.
    workers
        Most worker processes at once.
    on_result
        Called in this process with every job's result.
    """
    attempts: Counter[str] = Counter()
    pending = jobs
    context = multiprocessing.get_context("spawn")
    while pending:
        retry: list[BriefingJob] = []
        with ProcessPoolExecutor(
            max_workers=min(workers, len(pending)),
            mp_context=context,
            initializer=init_local_worker,
        ) as pool:
            futures = {pool.submit(run_job, job, settings): job for job in pending}
            try:
                for future in as_completed(futures):
                    job = futures[future]
                    try:
                        on_result(future.result())
                    except BrokenProcessPool:
                        attempts[job.key] += 1
                        if attempts[job.key] < 2:
                            retry.append(job)
                        else:
                            on_result(_crashed(job, "the worker process died twice"))
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)
                raise
        pending = retry


def run_dask(
    jobs: list[BriefingJob], settings: BatchSettings, address: str, on_result: OnResult
) -> None:
    """Run jobs on a Dask distributed cluster (workers must see the output root).

    Parameters
    ----------
    jobs, settings, on_result
        As for :func:`run_local`.
    address
        The scheduler's address (``tcp://host:8786``).

    Raises
    ------
    InputError
        When the scheduler cannot be reached.
    """
    from distributed import Client
    from distributed import as_completed as dask_completed

    try:
        client = Client(address, timeout="20s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise InputError(
            f"cannot connect to the Dask scheduler ({type(exc).__name__})",
            source="--scheduler",
            expected="the address of a running scheduler, e.g. tcp://10.0.0.5:8786",
            found=address,
        ) from None
    with client:
        futures = client.map(run_job, jobs, settings=settings, pure=False)
        by_key = {future.key: job for future, job in zip(futures, jobs, strict=True)}
        try:
            for future in dask_completed(futures):
                try:
                    on_result(future.result())
                except Exception as exc:  # noqa: BLE001  # e.g. KilledWorker
                    on_result(_crashed(by_key[future.key], f"{type(exc).__name__}: {exc}"))
        except BaseException:
            client.cancel(futures)
            raise
        finally:
            with suppress(Exception):
                client.run(shutdown_worker_kernels)
