"""Where the jobs run: a local pool of worker processes, or a Dask distributed cluster.

Both call ``on_result`` in the parent for every job, in the order jobs finish. When a worker
process dies (a crash, ``os._exit``, the out-of-memory killer), the jobs it took with it run
again alone, so that only a job that kills its worker is reported ``failed`` (kind
``worker``) and the others go on.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from contextlib import suppress
from multiprocessing.context import BaseContext
from typing import Any

from ita_lib.batch.jobs import BatchSettings, BriefingJob, JobResult
from ita_lib.exceptions import InputError

__all__ = ["OnResult", "run_dask", "run_local"]

OnResult = Callable[[JobResult], None]
DASK_CHUNK = 4
"""Briefings per Dask task: a task of about 0.4 s instead of 0.1 s, as Dask advises (its
scheduler spends about a millisecond on every task), and little imbalance at the end."""


# The workers' code imports papermill, nbconvert and IPython: these wrappers import it in the
# worker processes only, not in the process that plans the batch and hands out the jobs.


def _run_job(job: BriefingJob, settings: BatchSettings) -> JobResult:
    return _run_jobs((job,), settings)[0]


def _run_jobs(jobs: tuple[BriefingJob, ...], settings: BatchSettings) -> list[JobResult]:
    from ita_lib.batch.workers import run_job

    return [run_job(job, settings) for job in jobs]


def _init_worker(started: Any) -> None:
    from ita_lib.batch.workers import init_local_worker

    init_local_worker(started)


def _shutdown_kernels() -> None:
    from ita_lib.batch.workers import shutdown_worker_kernels

    shutdown_worker_kernels()


def _crashed(job: BriefingJob, reason: str) -> JobResult:
    return JobResult(
        key=job.key, status="failed", duration_s=0.0, worker="?", error=reason, error_kind="worker"
    )


class _StartedKeys:
    """The keys workers report as they start jobs, read as they come in (by a thread: the pipe
    holds about 64 KiB, so keys left unread would block the workers)."""

    def __init__(self, context: BaseContext) -> None:
        self.queue = context.SimpleQueue()
        self.keys: set[str] = set()
        self._reader = threading.Thread(target=self._read, name="ita-started-keys", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while (key := self.queue.get()) is not None:
            self.keys.add(key)

    def close(self) -> set[str]:
        """Stop reading (call when no worker is left) and return every key read."""
        self.queue.put(None)
        self._reader.join()
        return self.keys


def _run_pool(
    jobs: list[BriefingJob],
    settings: BatchSettings,
    workers: int,
    on_result: OnResult,
    context: BaseContext,
) -> tuple[list[BriefingJob], set[str]]:
    """Run jobs on one pool; return the jobs lost when a worker died and the keys of those
    among them that had started."""
    started = _StartedKeys(context)
    lost: list[BriefingJob] = []
    with ProcessPoolExecutor(
        max_workers=min(workers, len(jobs)),
        mp_context=context,
        initializer=_init_worker,
        initargs=(started.queue,),
    ) as pool:
        futures = {pool.submit(_run_job, job, settings): job for job in jobs}
        try:
            for future in as_completed(futures):
                try:
                    on_result(future.result())
                except BrokenProcessPool:
                    lost.append(futures[future])
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    return lost, started.close()


def run_local(
    jobs: list[BriefingJob], settings: BatchSettings, workers: int, on_result: OnResult
) -> None:
    """Run jobs on a pool of worker processes; a job whose worker died is tried again alone.

    When a worker dies (a crash, ``os._exit``, the out-of-memory killer), the pool loses every
    job not yet finished. Those that had not started run again as usual; those that were
    running run again one by one, each on a worker of its own, and a job whose worker dies
    there too is reported ``failed`` (kind ``worker``), so that one bad agency never fails
    the others.

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
    context = multiprocessing.get_context("spawn")
    pending, suspects = list(jobs), []
    while pending or suspects:
        if suspects:
            job = suspects.pop(0)
            lost, _ = _run_pool([job], settings, 1, on_result, context)
            if lost:
                on_result(_crashed(job, "the worker process died twice on this briefing"))
            continue
        lost, started = _run_pool(pending, settings, workers, on_result, context)
        if lost and not started:
            for job in lost:
                on_result(_crashed(job, "the worker processes died before starting a briefing"))
            return
        pending = [job for job in lost if job.key not in started]
        suspects = [job for job in lost if job.key in started]


NO_WORKER_S = 600  # seconds a job waits for a Dask worker to come back before it fails


def _alone(client: Any, future: Any, job: BriefingJob) -> JobResult:
    """The result of a job run alone; failed if its worker died or no worker is left."""
    waited = 0
    while waited < NO_WORKER_S:
        try:
            return future.result(timeout=30)[0]
        except TimeoutError:
            waited = 0 if client.scheduler_info().get("workers") else waited + 30
        except Exception as exc:  # noqa: BLE001  # KilledWorker: it kills its worker
            return _crashed(job, f"{type(exc).__name__}: {exc}")
    client.cancel([future])
    return _crashed(job, f"no Dask worker for {NO_WORKER_S} s")


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
        chunks = [tuple(jobs[i : i + DASK_CHUNK]) for i in range(0, len(jobs), DASK_CHUNK)]
        futures = client.map(_run_jobs, chunks, settings=settings, pure=False)
        sent = {future.key: chunk for future, chunk in zip(futures, chunks, strict=True)}
        suspects: list[BriefingJob] = []
        try:
            for future in dask_completed(futures):
                try:
                    results = future.result()
                except Exception:  # noqa: BLE001  # e.g. KilledWorker: tried again below
                    suspects.extend(sent[future.key])
                    continue
                finally:
                    future.release()  # a result held by a worker that dies would be made again
                for result in results:
                    on_result(result)
            # A worker died with these on it (Dask counts every task it held). Each runs
            # again alone on the cluster, so that only an agency that kills workers fails.
            for job in suspects:
                future = client.submit(_run_jobs, (job,), settings=settings, pure=False)
                futures.append(future)
                on_result(_alone(client, future, job))
        except BaseException:
            client.cancel(futures)
            raise
        finally:
            with suppress(Exception):  # kernels: engine "kernel", or a worker thread of ours
                client.run(_shutdown_kernels)
