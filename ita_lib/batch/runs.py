"""Run many briefings: fast (warm kernels in worker processes), resumable, local or on Dask.

``ita batch`` (and :func:`run_batch`) takes several parameters files, or one results table
(one briefing per row), and writes every briefing under the output root as ``ita brief`` does
(``<root>/<fiscal_year>/<agency>/briefing.html`` and ``briefing.ipynb``), plus:

- ``<root>/manifest.json``: per agency its status (``ok``, ``skipped``, ``failed``,
  ``pending``), output paths, input hash, duration and error; per worker its peak memory;
- ``<root>/index.html``: every briefing with total, rating and status, sortable in a browser.

How it is fast: each worker process keeps one kernel with ``ita_lib`` imported and runs
notebook after notebook on it through papermill's engine ``ita_warm``
(:mod:`ita_lib.batch.engine`), resetting it in between and recycling it after ``max_runs``
notebooks or any failure; each worker reuses one HTML exporter and, every ``TIDY_EVERY``
briefings, collects garbage and trims its heap, so that its memory stays flat.

How it is safe to schedule: a failing agency (bad row, exception, time-out, dead kernel) is
recorded and the others go on; its executed notebook is kept as ``briefing.failed.ipynb``.
Files are written atomically. Each finished briefing gets a stamp (``briefing.stamp.json``)
holding the hash of its inputs, the notebook and the library; a later run skips briefings
whose stamp matches and whose files exist, and re-does the rest (``force`` re-does all), so
a killed batch is finished by running it again. One batch at a time may use an output root
(a lock file in ``<root>/.ita-batch/``).
"""

from __future__ import annotations

import atexit
import csv
import ctypes
import gc
import hashlib
import json
import logging
import multiprocessing
import multiprocessing.util
import os
import re
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from importlib.resources import files
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

import ita_lib
from ita_lib.analysis.scoring import score_assessment
from ita_lib.batch.engine import DEFAULT_MAX_RUNS, ENGINE_NAME, WarmKernel, register_engine
from ita_lib.exceptions import InputError, ITAError
from ita_lib.log import logger
from ita_lib.model.assessment import Assessment, load_assessment, resolve_assessment_path
from ita_lib.model.results_table import load_results_table
from ita_lib.model.synthetic import is_synthetic
from ita_lib.render.briefing import briefing_title
from ita_lib.render.templates import template_environment
from ita_lib.run.execution import (
    BRIEFING_NOTEBOOK,
    CELL_TIMEOUT_SECONDS,
    HTML_NAME,
    NOTEBOOK_NAME,
    BriefingRunError,
    _embedded_fonts,
    execute_briefing,
    output_dir_for,
    write_atomic,
)
from ita_lib.run.parameters import BriefingParameters, load_parameters_file

__all__ = [
    "ASSESSMENT_NAME",
    "INDEX_NAME",
    "MANIFEST_NAME",
    "STAMP_NAME",
    "BatchReport",
    "BriefingJob",
    "JobResult",
    "library_fingerprint",
    "row_assessment_yaml",
    "run_batch",
    "run_job",
    "shutdown_worker_kernels",
]

MANIFEST_NAME, INDEX_NAME = "manifest.json", "index.html"
STAMP_NAME, ASSESSMENT_NAME = "briefing.stamp.json", "assessment.yaml"
WORK_DIR = ".ita-batch"
MANIFEST_FORMAT = "ita-batch-manifest/1"
MAX_BAD_ROWS = 100
_TABLE_SUFFIXES = {".csv", ".xlsx", ".xlsm"}
_PARAMS_SUFFIXES = {".yaml", ".yml"}
_ROW_LOCATION = re.compile(r"^row (\d+)\b")
_MORE_PROBLEMS = re.compile(r" \(and \d+ more problems?\)")
_log = logger.getChild("batch")

register_engine()  # workers unpickle run_job from this module: the engine is then registered


# -- jobs and results --------------------------------------------------------------------------


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
    worker_peak_rss_kib: int = 0
    kernel_peak_rss_kib: int = 0
    kernels_started: int = 0


@dataclass(frozen=True)
class _Settings:
    """Batch-wide options sent to every worker with each job."""

    notebook: str
    execution_timeout: int
    max_runs: int
    library_fingerprint: str | None  # checked by each worker when set (Dask)


@dataclass
class _Entry:
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
    error: str | None = None
    error_kind: str | None = None
    worker: str | None = None
    synthetic: bool = False


@dataclass(frozen=True)
class BatchReport:
    """The outcome of :func:`run_batch`.

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


# -- hashing -----------------------------------------------------------------------------------


def _sha256(data: bytes | str) -> str:
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


def _canonical(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def library_fingerprint() -> str:
    """Return a hash of ``ita_lib`` (version and files) and of the versions of the stack.

    A briefing made with another fingerprint is made again, so that an upgraded or edited
    library, template or framework file never leaves stale briefings behind.
    """
    digest = hashlib.sha256(f"ita_lib {ita_lib.__version__}\n".encode())
    root = Path(str(files("ita_lib")))
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(_sha256(path.read_bytes()).encode())
    for dist in ("papermill", "nbclient", "nbconvert", "nbformat", "jinja2", "matplotlib"):
        try:
            digest.update(f"{dist}=={version(dist)}\n".encode())
        except PackageNotFoundError:
            digest.update(f"{dist} missing\n".encode())
    return digest.hexdigest()


_worker_fingerprint = cache(library_fingerprint)  # a worker's code does not change under it


def _input_hash(inputs: object, notebook_sha: str, library: str) -> str:
    payload = {"inputs": inputs, "notebook": notebook_sha, "library": library}
    return _sha256(_canonical(payload))


# -- reading the inputs ------------------------------------------------------------------------


def _row_of(assessment: Assessment) -> int:
    """Return the spreadsheet row number the table loader put in ``source_path``."""
    return int(str(assessment.source_path).rsplit(" row ", 1)[1])


def _read_records(path: Path) -> tuple[list[str], list[list[str]]]:
    """Read a results table as text cells (header, data rows), as the loader reads it."""
    if path.suffix.lower() == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
        return rows[0], rows[1:]
    frame = pd.read_excel(path, dtype=str, keep_default_na=False, engine="openpyxl")
    return [str(c) for c in frame.columns], frame.astype(str).values.tolist()


def _load_table_rows(path: Path) -> list[tuple[int, Assessment | InputError]]:
    """Load a results table row by row: good rows as assessments, bad rows as their error.

    The table loader stops at the first bad cell. Then the table is loaded again with the
    bad rows blanked (blank rows keep the others' row numbers) until every bad row is known.

    Raises
    ------
    InputError
        For a problem with the whole table (file, header), or more than MAX_BAD_ROWS bad rows.
    """
    try:
        return [(_row_of(a), a) for a in load_results_table(path)]
    except InputError as exc:
        first = exc
    if not _ROW_LOCATION.match(first.location or ""):
        raise first
    header, records = _read_records(path)
    bad: dict[int, InputError] = {}
    good: tuple[Assessment, ...] = ()
    error: InputError | None = first
    with tempfile.TemporaryDirectory(prefix="ita-table-") as work:
        trial = Path(work) / "rows.csv"
        while error is not None:
            match = _ROW_LOCATION.match(error.location or "")
            here = InputError(  # named by the original table, not the trial copy
                _MORE_PROBLEMS.sub("", error.message),
                source=str(path),
                location=error.location,
                expected=error.expected,
                found=error.found,
            )
            if match is None or int(match.group(1)) in bad:
                raise here
            bad[int(match.group(1))] = here
            if len(bad) > MAX_BAD_ROWS:
                raise InputError(
                    f"more than {MAX_BAD_ROWS} rows have problems; fix the table first "
                    f"(first: {first.location}: {_MORE_PROBLEMS.sub('', first.message)})",
                    source=str(path),
                    expected="one valid row per agency",
                )
            if len(bad) == len(records):
                break
            with trial.open("w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(header)
                for number, record in enumerate(records, start=2):
                    writer.writerow([""] * len(header) if number in bad else record)
            try:
                good = load_results_table(trial)
                error = None
            except InputError as exc:
                error = exc
    rows: list[tuple[int, Assessment | InputError]] = list(bad.items())
    if len(bad) < len(records):  # the rows that loaded, named by the original table
        rows += [(_row_of(a), replace(a, source_path=f"{path} row {_row_of(a)}")) for a in good]
    return sorted(rows, key=lambda item: item[0])


def _assessment_data(assessment: Assessment) -> dict[str, Any]:
    """Return a table row as assessment-file data (docs/assessment-format.md)."""
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


def row_assessment_yaml(assessment: Assessment, source: str) -> str:
    """Return a results-table row as the text of an assessment file (what a batch writes).

    Parameters
    ----------
    assessment
        A row loaded by :func:`ita_lib.model.results_table.load_results_table`.
    source
        Where the row comes from (``table.csv row 5``), for the file's header comment.
    """
    return _assessment_yaml(_assessment_data(assessment), source)


def _assessment_yaml(data: dict[str, Any], source: str) -> str:
    header = (
        f"# Written by `ita batch` from {source}; the next batch run rewrites it.\n"
        "# Format: docs/assessment-format.md\n"
    )
    return header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


@dataclass
class _Plan:
    entries: list[_Entry]
    jobs: list[BriefingJob]


def _entry_for(key: str, source: str, assessment: Assessment | None) -> _Entry:
    entry = _Entry(key=key, source=source)
    if assessment is not None:
        agency = assessment.agency
        entry.agency_name = agency.name
        entry.agency_type = agency.type
        entry.province = agency.province
        entry.itas_code = agency.itas_code
        entry.fiscal_year = assessment.fiscal_year
        entry.synthetic = is_synthetic(agency.name, agency.itas_code)
    return entry


def _fail(entry: _Entry, error: Exception, kind: str = "input") -> _Entry:
    entry.status = "failed"
    entry.error = str(error)
    entry.error_kind = kind
    return entry


def _plan(
    inputs: Sequence[str | Path],
    *,
    output_root: Path,
    notebook_sha: str,
    library: str,
    thai_digits: bool | None,
    run_timestamp: str | None,
    peers: bool = False,
) -> _Plan:
    """Read the inputs, validate each agency and make the jobs (nothing is run yet)."""
    paths = [Path(p) for p in inputs]
    if not paths:
        raise InputError("no input given", expected="parameters files or one results table")
    suffixes = {p.suffix.lower() for p in paths}
    candidates: list[tuple[str, Assessment | Exception, dict[str, Any], str | None]] = []
    if suffixes <= _TABLE_SUFFIXES:
        if len(paths) != 1:
            raise InputError(
                "more than one results table",
                source=", ".join(map(str, paths)),
                expected="one results table per batch",
            )
        table = paths[0]
        shared = {"thai_digits": bool(thai_digits), "run_timestamp": run_timestamp or ""}
        if peers:  # every agency is placed among the others of the same table
            shared["results_table"] = str(table.resolve())
        for row, item in _load_table_rows(table):
            candidates.append((f"{table} row {row}", item, shared, "table"))
    elif suffixes <= _PARAMS_SUFFIXES:
        if peers:
            raise InputError(
                "--peers applies to a results table only",
                source=str(paths[0]),
                expected="results_table set in each parameters file",
            )
        if thai_digits is not None:
            raise InputError(
                "--thai-digits applies to a results table only",
                source=str(paths[0]),
                expected="thai_digits set in each parameters file",
            )
        for path in dict.fromkeys(p.resolve() for p in paths):
            try:
                params = load_parameters_file(path)
                if run_timestamp is not None:
                    params = params.model_copy(update={"run_timestamp": run_timestamp})
                item: Assessment | Exception = load_assessment(params.assessment)
            except InputError as exc:
                item, params = exc, BriefingParameters()
            candidates.append((str(path), item, params.notebook_values(), None))
    else:
        raise InputError(
            "unsupported input files",
            source=", ".join(map(str, paths)),
            expected="parameters files (.yaml) or one results table (.csv, .xlsx)",
        )

    folders: dict[str, list[int]] = defaultdict(list)
    for index, (_source, item, _params, _kind) in enumerate(candidates):
        if isinstance(item, Assessment):
            folders[f"{item.fiscal_year}/{item.agency.folder_name}"].append(index)

    plan = _Plan(entries=[], jobs=[])
    for source, item, params, kind in candidates:
        if not isinstance(item, Assessment):
            plan.entries.append(_fail(_Entry(key=source, source=source), item))
            continue
        key = f"{item.fiscal_year}/{item.agency.folder_name}"
        clash = folders[key]
        if len(clash) > 1:
            entry = _entry_for(f"{key} ({source})", source, item)
            others = " and ".join(candidates[i][0] for i in clash)
            hint = "an itas_code per agency" if kind else "a slug in each assessment file"
            plan.entries.append(
                _fail(
                    entry,
                    InputError(
                        f"{len(clash)} agencies would share the output folder {key}: {others}",
                        source=source,
                        expected=f"one folder per agency ({hint})",
                    ),
                )
            )
            continue
        entry = _entry_for(key, source, item)
        out_dir = output_dir_for(item, output_root).resolve()
        assessment_yaml = None
        if kind == "table":
            data = _assessment_data(item)
            assessment_yaml = _assessment_yaml(data, source)
            params = {**params, "assessment": str(out_dir / ASSESSMENT_NAME)}
            hashed: object = {"parameters": params, "assessment": data}
        else:
            assessment_file = resolve_assessment_path(params["assessment"])
            hashed = {"parameters": params, "assessment": _sha256(assessment_file.read_bytes())}
        if params.get("results_table"):  # the peers are an input too
            hashed = {
                "inputs": hashed,
                "peers": _sha256(Path(params["results_table"]).read_bytes()),
            }
        params = BriefingParameters.from_mapping(params, source=source).notebook_values()
        result = score_assessment(item)  # the index needs the scores, not the whole analysis
        entry.total = str(result.total_2dp)
        entry.rating = result.rating
        entry.input_hash = _input_hash(hashed, notebook_sha, library)
        plan.entries.append(entry)
        plan.jobs.append(
            BriefingJob(
                key=key,
                out_dir=str(out_dir),
                parameters=params,
                title=briefing_title(item, thai_digits=params["thai_digits"]),
                input_hash=entry.input_hash,
                assessment_yaml=assessment_yaml,
            )
        )
    return plan


# -- the worker side ---------------------------------------------------------------------------

_local = threading.local()
_kernels: list[WarmKernel] = []
_kernels_lock = threading.Lock()


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


TIDY_EVERY = 50  # jobs between two full garbage collections in a worker


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


def _remove_outputs(out_dir: Path) -> None:
    for name in (HTML_NAME, NOTEBOOK_NAME, STAMP_NAME):
        (out_dir / name).unlink(missing_ok=True)


def run_job(job: BriefingJob, settings: _Settings) -> JobResult:
    """Make one briefing on this worker's warm kernel; never raises for a failed briefing.

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
    kernel = _warm_kernel(settings.max_runs)
    _local.jobs = getattr(_local, "jobs", 0) + 1
    if _local.jobs % TIDY_EVERY == 0:
        _tidy_memory()
    out_dir = Path(job.out_dir)
    outcome: dict[str, Any] = {"status": "ok"}
    try:
        if settings.library_fingerprint not in (None, _worker_fingerprint()):
            raise ITAError(
                "this worker's ita_lib (version or files) differs from the one that planned "
                "the batch; install the same ita_lib on every worker"
            )
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / STAMP_NAME).unlink(missing_ok=True)
        if job.assessment_yaml is not None:
            write_atomic(out_dir / ASSESSMENT_NAME, job.assessment_yaml)
        execute_briefing(
            job.parameters,
            out_dir,
            title=job.title,
            notebook=settings.notebook,
            execution_timeout=settings.execution_timeout,
            engine_name=ENGINE_NAME,
            warm_kernel=kernel,
        )
        stamp = {
            "format": "ita-batch-stamp/1",
            "input_hash": job.input_hash,
            "ita_lib_version": ita_lib.__version__,
            "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        write_atomic(out_dir / STAMP_NAME, json.dumps(stamp, indent=2) + "\n")
    except BriefingRunError as exc:
        _remove_outputs(out_dir)  # they were made from other inputs
        outcome = {
            "status": "failed",
            "error": exc.reason,
            "error_kind": exc.kind,
            "failed_notebook": exc.notebook_path,
        }
    except Exception as exc:  # noqa: BLE001  # one agency must never stop the batch
        kernel.shutdown()
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        outcome = {
            "status": "failed",
            "error": f"{type(exc).__name__}: {message}" if message else type(exc).__name__,
            "error_kind": "input" if isinstance(exc, InputError) else "internal",
        }
    return JobResult(
        key=job.key,
        duration_s=round(time.perf_counter() - start, 3),
        worker=f"{socket.gethostname()}/{os.getpid()}",
        worker_peak_rss_kib=_peak_rss_kib(),
        kernel_peak_rss_kib=kernel.peak_rss_kib,
        kernels_started=kernel.kernels_started,
        **outcome,
    )


def _init_local_worker() -> None:
    """Set up a local pool worker: the parent handles Ctrl-C; kernels stop at exit."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    logging.getLogger("papermill").setLevel(logging.CRITICAL)  # failures go to the manifest
    multiprocessing.util.Finalize(None, shutdown_worker_kernels, exitpriority=10)


# -- executing: local pool or Dask -------------------------------------------------------------

_OnResult = Callable[[JobResult], None]


def _crashed(job: BriefingJob, reason: str) -> JobResult:
    return JobResult(
        key=job.key, status="failed", duration_s=0.0, worker="?", error=reason, error_kind="worker"
    )


def _run_local(
    jobs: list[BriefingJob], settings: _Settings, workers: int, on_result: _OnResult
) -> None:
    """Run jobs on a pool of worker processes; a job whose worker died is retried once."""
    attempts: Counter[str] = Counter()
    pending = jobs
    context = multiprocessing.get_context("spawn")
    while pending:
        retry: list[BriefingJob] = []
        with ProcessPoolExecutor(
            max_workers=min(workers, len(pending)),
            mp_context=context,
            initializer=_init_local_worker,
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


def _run_dask(
    jobs: list[BriefingJob], settings: _Settings, address: str, on_result: _OnResult
) -> None:
    """Run jobs on a Dask distributed cluster (workers must see the output root)."""
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


# -- outputs: manifest, index, progress --------------------------------------------------------


def _relative(path: str | Path | None, root: Path) -> str | None:
    if path is None:
        return None
    try:
        return Path(path).resolve().relative_to(root).as_posix()
    except ValueError:
        return str(path)


def _manifest(
    entries: list[_Entry],
    workers: dict[str, dict[str, Any]],
    meta: dict[str, Any],
    *,
    complete: bool,
) -> dict[str, Any]:
    counts = Counter(entry.status for entry in entries)
    return {
        "format": MANIFEST_FORMAT,
        **meta,
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds") if complete else None,
        "complete": complete,
        "synthetic": any(entry.synthetic for entry in entries),
        "counts": {s: counts.get(s, 0) for s in ("ok", "skipped", "failed", "pending")},
        "workers": [workers[name] for name in sorted(workers)],
        "briefings": [asdict(entry) for entry in entries],
    }


@cache
def _index_template() -> Any:
    return template_environment("batch_index").get_template("index.html.j2")


def _write_outputs(root: Path, manifest: dict[str, Any]) -> None:
    write_atomic(root / MANIFEST_NAME, json.dumps(manifest, ensure_ascii=False, indent=1) + "\n")
    index = _index_template().render(manifest=manifest, fonts=_embedded_fonts())
    write_atomic(root / INDEX_NAME, index)


class _Progress:
    """A tqdm bar on a terminal; otherwise a log line every ~5 % and for each failure."""

    def __init__(self, total: int, *, enabled: bool | None) -> None:
        self.total = total
        self.done = 0
        self.failed = 0
        self.start = time.perf_counter()
        interactive = sys.stderr.isatty() if enabled is None else enabled
        self.bar = None
        if interactive and total:
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="briefing", desc="ita batch", file=sys.stderr)
        self.every = max(1, total // 20)

    def update(self, result: JobResult) -> None:
        self.done += 1
        if result.status == "failed":
            self.failed += 1
            _log.warning("%s failed: %s", result.key, result.error)
        if self.bar is not None:
            self.bar.update(1)
            self.bar.set_postfix(failed=self.failed, refresh=False)
        elif self.done % self.every == 0 or self.done == self.total:
            rate = self.done / max(time.perf_counter() - self.start, 1e-9)
            _log.info(
                "%d/%d briefings done (%d failed), %.2f per second",
                self.done,
                self.total,
                self.failed,
                rate,
            )

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


@contextmanager
def _batch_lock(root: Path) -> Iterator[None]:
    """Hold ``<root>/.ita-batch/lock`` for the batch; a second batch on ``root`` fails fast."""
    work = root / WORK_DIR
    work.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # Windows: no lock
        yield
        return
    with (work / "lock").open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise InputError(
                "another batch is running on this output root",
                source=str(root),
                expected="one batch at a time per output root",
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _clean_leftovers(out_dir: Path) -> None:
    """Remove what a killed run left in a briefing folder (temporary files and folders)."""
    if not out_dir.is_dir():
        return
    for path in out_dir.iterdir():
        if path.is_dir() and path.name.startswith(".run-"):
            shutil.rmtree(path, ignore_errors=True)
        elif path.is_file() and path.name.startswith(".") and path.name.endswith(".tmp"):
            path.unlink(missing_ok=True)


def _up_to_date(job: BriefingJob) -> bool:
    out_dir = Path(job.out_dir)
    try:
        stamp = json.loads((out_dir / STAMP_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (
        isinstance(stamp, dict)
        and stamp.get("input_hash") == job.input_hash
        and (out_dir / HTML_NAME).is_file()
        and (out_dir / NOTEBOOK_NAME).is_file()
    )


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """Turn SIGTERM (a scheduler stopping the job) into KeyboardInterrupt, in the main thread."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _snapshot_notebook(notebook: Path, root: Path) -> tuple[Path, str]:
    """Copy the notebook into the batch folder by content hash; all jobs run that copy."""
    try:
        data = notebook.read_bytes()
    except OSError as exc:
        raise InputError(
            f"cannot read the notebook ({exc.strerror or type(exc).__name__})",
            source=str(notebook),
            expected="a Jupyter notebook (.ipynb)",
        ) from None
    sha = _sha256(data)
    work = root / WORK_DIR
    snapshot = work / f"{notebook.stem}-{sha[:16]}.ipynb"
    for old in work.glob("*.ipynb"):
        if old != snapshot:
            old.unlink(missing_ok=True)
    if not snapshot.is_file():
        write_atomic(snapshot, data)
    return snapshot, sha


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
    progress: bool | None = None,
) -> BatchReport:
    """Make the briefings of many agencies; write a manifest and an index.

    Parameters
    ----------
    inputs
        Parameters files (``.yaml``), or one results table (``.csv``/``.xlsx``).
    output_root
        Folder of the briefings, the manifest and the index.
    workers
        Worker processes of the local pool (default: one per core). Ignored with
        ``scheduler``.
    scheduler
        Address of a Dask distributed scheduler (``tcp://host:8786``) to run on instead of the
        local pool; every worker needs the same ita_lib and the output root at the same path.
    force
        Re-make every briefing, even those that are up to date.
    peers
        With a results table: give every briefing a peer and trend section computed from the
        table itself (the table is read once per worker).
    thai_digits, run_timestamp
        Shared options: for a results table, the notebook parameters of every row;
        ``run_timestamp`` also overrides the parameters files'.
    notebook
        The briefing notebook.
    execution_timeout
        Seconds a single cell may run.
    max_runs_per_kernel
        Notebooks run on one kernel before it is replaced.
    progress
        Show a progress bar (default: when stderr is a terminal; otherwise log lines).

    Returns
    -------
    BatchReport

    Raises
    ------
    InputError
        When the inputs cannot be read as a whole (a bad row or file only fails its agency),
        another batch holds the output root, or the scheduler cannot be reached.
    KeyboardInterrupt
        On Ctrl-C or SIGTERM, after running briefings have finished and the manifest has been
        written (``complete: false``).
    """
    root = Path(output_root).resolve()
    workers = workers or os.cpu_count() or 1
    with _batch_lock(root):
        snapshot, notebook_sha = _snapshot_notebook(Path(notebook), root)
        library = library_fingerprint()
        plan = _plan(
            inputs,
            output_root=root,
            notebook_sha=notebook_sha,
            library=library,
            thai_digits=thai_digits,
            peers=peers,
            run_timestamp=run_timestamp,
        )
        entries = {entry.key: entry for entry in plan.entries}
        to_run: list[BriefingJob] = []
        for job in plan.jobs:
            _clean_leftovers(Path(job.out_dir))
            entry = entries[job.key]
            if not force and _up_to_date(job):
                entry.status = "skipped"
                entry.html = _relative(Path(job.out_dir) / HTML_NAME, root)
                entry.notebook = _relative(Path(job.out_dir) / NOTEBOOK_NAME, root)
                entry.duration_s = 0.0
            else:
                to_run.append(job)
        settings = _Settings(
            notebook=str(snapshot),
            execution_timeout=execution_timeout,
            max_runs=max_runs_per_kernel,
            library_fingerprint=library if scheduler else None,  # local workers share our files
        )
        meta = {
            "ita_lib_version": ita_lib.__version__,
            "library_fingerprint": settings.library_fingerprint,
            "inputs": [str(Path(p)) for p in inputs],
            "output_root": str(root),
            "notebook": str(Path(notebook).resolve()),
            "notebook_sha256": notebook_sha,
            "scheduler": scheduler,
            "workers_requested": None if scheduler else workers,
            "force": force,
            "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        worker_stats: dict[str, dict[str, Any]] = {}
        ordered = plan.entries
        skipped = sum(entry.status == "skipped" for entry in ordered)
        _log.info(
            "%d agencies: %d to make, %d up to date, %d with bad input",
            len(ordered),
            len(to_run),
            skipped,
            sum(entry.status == "failed" for entry in ordered),
        )
        bar = _Progress(len(to_run), enabled=progress)
        last_write = time.monotonic()

        def on_result(result: JobResult) -> None:
            nonlocal last_write
            entry = entries[result.key]
            job_dir = root / result.key
            entry.status = result.status
            entry.duration_s = result.duration_s
            entry.worker = result.worker
            entry.error, entry.error_kind = result.error, result.error_kind
            entry.failed_notebook = _relative(result.failed_notebook, root)
            if result.status == "ok":
                entry.html = _relative(job_dir / HTML_NAME, root)
                entry.notebook = _relative(job_dir / NOTEBOOK_NAME, root)
            stats = worker_stats.setdefault(
                result.worker,
                {"worker": result.worker, "briefings": 0, "peak_rss_mib": 0.0},
            )
            stats["briefings"] += 1
            stats["peak_rss_mib"] = max(stats["peak_rss_mib"], result.worker_peak_rss_kib / 1024)
            stats["kernel_peak_rss_mib"] = max(
                stats.get("kernel_peak_rss_mib", 0.0), result.kernel_peak_rss_kib / 1024
            )
            stats["kernels_started"] = max(stats.get("kernels_started", 0), result.kernels_started)
            bar.update(result)
            if time.monotonic() - last_write > 15:
                _write_outputs(root, _manifest(ordered, worker_stats, meta, complete=False))
                last_write = time.monotonic()

        _write_outputs(root, _manifest(ordered, worker_stats, meta, complete=False))
        try:
            with _sigterm_as_interrupt():
                if to_run and scheduler:
                    _run_dask(to_run, settings, scheduler, on_result)
                elif to_run:
                    _run_local(to_run, settings, workers, on_result)
        except KeyboardInterrupt:
            bar.close()
            _write_outputs(root, _manifest(ordered, worker_stats, meta, complete=False))
            raise
        bar.close()
        manifest = _manifest(ordered, worker_stats, meta, complete=True)
        _write_outputs(root, manifest)
    return BatchReport(
        manifest_path=root / MANIFEST_NAME,
        index_path=root / INDEX_NAME,
        counts=dict(manifest["counts"]),
        entries=tuple(manifest["briefings"]),
    )
