"""Plan a batch: read the inputs, validate each agency, hash its inputs, decide what to redo.

Nothing runs here. A bad row or parameters file becomes a ``failed`` manifest row (the others
go on); two agencies that would share an output folder both fail. A job whose stamp holds the
same input hash and whose files exist is marked ``skipped`` unless ``force``.
"""

from __future__ import annotations

import gc
import json
import shutil
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ita_lib.analysis.table_scoring import score_assessments
from ita_lib.batch.hashing import briefing_bytes, input_hash, output_fingerprints, sha256_hex
from ita_lib.batch.jobs import (
    ASSESSMENT_NAME,
    STAMP_NAME,
    WORK_DIR,
    BriefingJob,
    ManifestEntry,
    assessment_data,
    assessment_yaml,
)
from ita_lib.batch.outputs import relative_path
from ita_lib.batch.table_rows import load_table_rows
from ita_lib.exceptions import InputError
from ita_lib.faults import fault_line
from ita_lib.files import write_atomic
from ita_lib.model.assessment import Assessment
from ita_lib.model.assessment_file import load_assessment, resolve_assessment_path
from ita_lib.model.results_table import load_results_table
from ita_lib.model.synthetic_marks import is_synthetic
from ita_lib.render.briefing import briefing_title
from ita_lib.run.parameters import BriefingParameters, load_parameters_file
from ita_lib.run.paths import HTML_NAME, NOTEBOOK_NAME, output_dir_for

__all__ = ["Plan", "jobs_to_run", "plan_batch", "snapshot_notebook"]

_TABLE_SUFFIXES = {".csv", ".xlsx", ".xlsm"}
_PARAMS_SUFFIXES = {".yaml", ".yml"}

# (source, assessment or its error, notebook parameters, "table" or None)
_Candidate = tuple[str, Assessment | Exception, dict[str, Any], str | None]


@dataclass
class Plan:
    """The manifest rows of a batch (input order) and the jobs of its valid agencies."""

    entries: list[ManifestEntry]
    jobs: list[BriefingJob]


# -- reading the inputs ------------------------------------------------------------------------

YOUNG_COLLECTION_EVERY = 100_000  # allocations between collections while a batch is planned


@contextmanager
def _few_collections() -> Iterator[None]:
    """Collect garbage rarely while a batch is planned.

    Every agency read stays alive until its job is made, so the default collections (every
    700 allocations) walk tens of thousands of live objects again and again: about a third of
    planning's time. Reading leaves little cyclic garbage, so rarer collections cost nothing.
    """
    threshold = gc.get_threshold()
    gc.set_threshold(max(threshold[0], YOUNG_COLLECTION_EVERY), *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)


def _table_candidates(
    paths: list[Path], *, thai_digits: bool | None, run_timestamp: str | None, peers: bool
) -> list[_Candidate]:
    """Return one candidate per row of the (single) results table."""
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
    return [(f"{table} row {row}", item, shared, "table") for row, item in load_table_rows(table)]


def _params_candidates(
    paths: list[Path], *, thai_digits: bool | None, run_timestamp: str | None, peers: bool
) -> list[_Candidate]:
    """Return one candidate per parameters file (the same file once)."""
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
    candidates: list[_Candidate] = []
    for path in dict.fromkeys(_resolved(p) for p in paths):
        try:
            params = load_parameters_file(path)
            if run_timestamp is not None:
                params = params.model_copy(update={"run_timestamp": run_timestamp})
            item: Assessment | Exception = load_assessment(params.assessment)
            if params.results_table:  # read once per process (cached), before any kernel
                load_results_table(params.results_table)
        except (InputError, OSError, RuntimeError) as exc:  # RuntimeError: a link loop
            item, params = _as_input_error(exc, path), BriefingParameters()
        candidates.append((str(path), item, params.notebook_values(), None))
    return candidates


def _resolved(path: Path) -> Path:
    """``path`` resolved, or made absolute when it cannot be (a link loop fails its row later)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()


def _as_input_error(exc: Exception, source: Path | str) -> Exception:
    """An OS error reading one agency's inputs, as that agency's input error."""
    if isinstance(exc, InputError):
        return exc
    return InputError(f"cannot read an input ({fault_line(exc)[1]})", source=str(source))


def _with_folders(candidates: list[_Candidate]) -> list[_Candidate]:
    """The candidates, those whose output folder name is unusable turned into their error."""
    checked = []
    for source, item, params, kind in candidates:
        if isinstance(item, Assessment):
            try:
                _folder_key(item)
            except InputError as exc:
                item = InputError(
                    exc.message, source=source, location=exc.location,
                    expected=exc.expected, found=exc.found,
                )  # fmt: skip
        checked.append((source, item, params, kind))
    return checked


def _candidates(
    inputs: Sequence[str | Path],
    *,
    thai_digits: bool | None,
    run_timestamp: str | None,
    peers: bool,
) -> list[_Candidate]:
    """Read the inputs: parameters files, or one results table."""
    paths = [Path(p) for p in inputs]
    if not paths:
        raise InputError("no input given", expected="parameters files or one results table")
    suffixes = {p.suffix.lower() for p in paths}
    options = {"thai_digits": thai_digits, "run_timestamp": run_timestamp, "peers": peers}
    if suffixes <= _TABLE_SUFFIXES:
        return _table_candidates(paths, **options)
    if suffixes <= _PARAMS_SUFFIXES:
        return _params_candidates(paths, **options)
    raise InputError(
        "unsupported input files",
        source=", ".join(map(str, paths)),
        expected="parameters files (.yaml) or one results table (.csv, .xlsx)",
    )


# -- manifest rows and jobs --------------------------------------------------------------------


def _folder_key(assessment: Assessment) -> str:
    return f"{assessment.fiscal_year}/{assessment.agency.folder_name}"


def _folders(candidates: list[_Candidate]) -> dict[str, list[int]]:
    """Return, per output folder, the indexes of the valid candidates that would use it."""
    folders: dict[str, list[int]] = defaultdict(list)
    for index, (_source, item, _params, _kind) in enumerate(candidates):
        if isinstance(item, Assessment):
            folders[_folder_key(item)].append(index)
    return folders


def _entry_for(key: str, source: str, assessment: Assessment | None) -> ManifestEntry:
    entry = ManifestEntry(key=key, source=source)
    if assessment is not None:
        agency = assessment.agency
        entry.agency_name = agency.name
        entry.agency_type = agency.type
        entry.province = agency.province
        entry.itas_code = agency.itas_code
        entry.fiscal_year = assessment.fiscal_year
        entry.synthetic = is_synthetic(agency.name, agency.itas_code)
    return entry


def _fail(entry: ManifestEntry, error: Exception, kind: str = "input") -> ManifestEntry:
    entry.status = "failed"
    entry.error = str(error)
    entry.error_kind = kind
    return entry


def _clash_entry(
    key: str, source: str, item: Assessment, kind: str | None, sources: list[str]
) -> ManifestEntry:
    """Return the failed row of an agency whose output folder another agency would share."""
    entry = _entry_for(f"{key} ({source})", source, item)
    hint = "an itas_code per agency" if kind else "a slug in each assessment file"
    error = InputError(
        f"{len(sources)} agencies would share the output folder {key}: {' and '.join(sources)}",
        source=source,
        expected=f"one folder per agency ({hint})",
    )
    return _fail(entry, error)


def _hashed_inputs(
    item: Assessment, params: dict[str, Any], kind: str | None, source: str, out_dir: Path
) -> tuple[dict[str, Any], object, str | None]:
    """Return the job's parameters, what its input hash covers, and a table row's YAML."""
    yaml_text = None
    if kind == "table":
        data = assessment_data(item)
        yaml_text = assessment_yaml(data, source)
        params = {**params, "assessment": str(out_dir / ASSESSMENT_NAME)}
        # the hash names the row's file relative to its folder: moving the root keeps it
        hashed: object = {
            "parameters": {**params, "assessment": ASSESSMENT_NAME},
            "assessment": data,
        }
    else:
        assessment_file = resolve_assessment_path(params["assessment"])
        hashed = {"parameters": params, "assessment": sha256_hex(assessment_file.read_bytes())}
    if params.get("results_table"):  # the peers are an input too
        hashed = {
            "inputs": hashed,
            "peers": sha256_hex(Path(params["results_table"]).read_bytes()),
        }
    return params, hashed, yaml_text


def _job_for(
    key: str,
    source: str,
    item: Assessment,
    params: dict[str, Any],
    kind: str | None,
    *,
    output_root: Path,
    notebook_sha: str,
    library: str,
    scored: tuple[str, str],
) -> tuple[ManifestEntry, BriefingJob]:
    """Return the manifest row and the job of a valid agency (``scored``: total, rating)."""
    entry = _entry_for(key, source, item)
    out_dir = output_dir_for(item, output_root).resolve()
    params, hashed, yaml_text = _hashed_inputs(item, params, kind, source, out_dir)
    params = BriefingParameters.from_mapping(params, source=source).notebook_values()
    entry.total, entry.rating = scored  # the index needs the scores, not the whole analysis
    entry.input_hash = input_hash(hashed, notebook_sha, library)
    job = BriefingJob(
        key=key,
        out_dir=str(out_dir),
        parameters=params,
        title=briefing_title(item, thai_digits=params["thai_digits"]),
        input_hash=entry.input_hash,
        assessment_yaml=yaml_text,
    )
    return entry, job


def _scored(items: list[Assessment]) -> dict[int, tuple[str, str]]:
    """Every agency's published total and rating, scored at once, by ``id`` of its row."""
    scores = score_assessments(items)
    return {
        id(item): (str(scores.as_decimal(scores.total, i)), str(scores.rating[i]))
        for i, item in enumerate(items)
    }


@_few_collections()
def plan_batch(
    inputs: Sequence[str | Path],
    *,
    output_root: Path,
    notebook_sha: str,
    library: str,
    thai_digits: bool | None,
    run_timestamp: str | None,
    peers: bool = False,
) -> Plan:
    """Read the inputs, validate each agency and make the jobs (nothing is run yet).

    Parameters
    ----------
    inputs, output_root
        Parameters files or one results table; the (resolved) output root.
    notebook_sha, library
        Hashes of the notebook and of the library, part of every input hash.
    thai_digits, run_timestamp, peers
        The batch's shared options (see :func:`ita_lib.batch.runs.run_batch`).

    Returns
    -------
    Plan
        One manifest row per agency, in input order, and one job per valid agency.

    Raises
    ------
    InputError
        When the inputs cannot be read as a whole.
    """
    candidates = _with_folders(
        _candidates(inputs, thai_digits=thai_digits, run_timestamp=run_timestamp, peers=peers)
    )
    folders = _folders(candidates)
    scored = _scored([item for _, item, _, _ in candidates if isinstance(item, Assessment)])
    plan = Plan(entries=[], jobs=[])
    for source, item, params, kind in candidates:
        if not isinstance(item, Assessment):
            plan.entries.append(_fail(ManifestEntry(key=source, source=source), item))
            continue
        key = _folder_key(item)
        if len(folders[key]) > 1:
            sources = [candidates[i][0] for i in folders[key]]
            plan.entries.append(_clash_entry(key, source, item, kind, sources))
            continue
        try:
            entry, job = _job_for(
                key, source, item, params, kind,
                output_root=output_root, notebook_sha=notebook_sha, library=library,
                scored=scored[id(item)],
            )  # fmt: skip
        except (InputError, OSError, RuntimeError) as exc:  # one agency's inputs, not the batch
            failed = _entry_for(key, source, item)
            plan.entries.append(_fail(failed, _as_input_error(exc, source)))
            continue
        plan.entries.append(entry)
        plan.jobs.append(job)
    return plan


# -- skip or redo ------------------------------------------------------------------------------


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
        and stamp.get("outputs") == output_fingerprints(out_dir)  # the files, not just the stamp
    )


def jobs_to_run(plan: Plan, root: Path, *, force: bool) -> list[BriefingJob]:
    """Return the jobs to run; mark the rows of up-to-date briefings ``skipped``.

    Every job's folder is first cleared of what a killed run left there.

    Parameters
    ----------
    plan
        The batch; its rows of up-to-date briefings are updated in place.
    root
        The output root.
    force
        Run every job, up to date or not.
    """
    entries = {entry.key: entry for entry in plan.entries}
    to_run: list[BriefingJob] = []
    for job in plan.jobs:
        _clean_leftovers(Path(job.out_dir))
        entry = entries[job.key]
        if not force and _up_to_date(job):
            entry.status = "skipped"
            entry.html = relative_path(Path(job.out_dir) / HTML_NAME, root)
            entry.notebook = relative_path(Path(job.out_dir) / NOTEBOOK_NAME, root)
            entry.duration_s = 0.0
            entry.bytes = briefing_bytes(Path(job.out_dir))
        else:
            to_run.append(job)
    return to_run


def snapshot_notebook(notebook: Path, root: Path) -> tuple[Path, str]:
    """Copy the notebook into the batch folder by content hash; all jobs run that copy.

    Returns
    -------
    tuple of (Path, str)
        The copy and the notebook's SHA-256.

    Raises
    ------
    InputError
        When the notebook cannot be read.
    """
    try:
        data = notebook.read_bytes()
    except OSError as exc:
        raise InputError(
            f"cannot read the notebook ({exc.strerror or type(exc).__name__})",
            source=str(notebook),
            expected="a Jupyter notebook (.ipynb)",
        ) from None
    sha = sha256_hex(data)
    work = root / WORK_DIR
    snapshot = work / f"{notebook.stem}-{sha[:16]}.ipynb"
    for old in work.glob("*.ipynb"):
        if old != snapshot:
            old.unlink(missing_ok=True)
    if not snapshot.is_file():
        write_atomic(snapshot, data)
    return snapshot, sha
