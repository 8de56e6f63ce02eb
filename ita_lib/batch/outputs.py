"""What a batch writes beside the briefings: ``manifest.json``, ``index.html``, progress.

:class:`BatchRecord` fills the manifest rows in as results come back and rewrites the manifest
and the index (atomically) every ~15 s, so a killed batch leaves an up-to-date manifest.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from dataclasses import asdict
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from ita_lib.batch.jobs import JobResult, ManifestEntry
from ita_lib.files import write_atomic
from ita_lib.log import logger
from ita_lib.render.fonts import embedded_fonts
from ita_lib.render.templates import template_environment
from ita_lib.run.paths import HTML_NAME, NOTEBOOK_NAME

__all__ = [
    "INDEX_NAME",
    "MANIFEST_FORMAT",
    "MANIFEST_NAME",
    "BatchRecord",
    "Progress",
    "build_manifest",
    "relative_path",
    "stored_bytes",
    "write_outputs",
]

MANIFEST_NAME, INDEX_NAME = "manifest.json", "index.html"
MANIFEST_FORMAT = "ita-batch-manifest/1"
WRITE_EVERY_S = 15  # seconds between two rewrites of the manifest while a batch runs
_log = logger.getChild("batch")


def relative_path(path: str | Path | None, root: Path) -> str | None:
    """Return ``path`` relative to ``root`` (POSIX), or as it is when outside ``root``."""
    if path is None:
        return None
    try:
        return Path(path).resolve().relative_to(root).as_posix()
    except ValueError:
        return str(path)


def build_manifest(
    entries: list[ManifestEntry],
    workers: dict[str, dict[str, Any]],
    meta: dict[str, Any],
    *,
    complete: bool,
) -> dict[str, Any]:
    """Return the manifest of a batch (the ``ita-batch-manifest/1`` format).

    Parameters
    ----------
    entries
        The manifest rows, in input order.
    workers
        Per worker name, its figures (briefings, peak memory).
    meta
        Run-wide fields (version, inputs, options, start time).
    complete
        Whether the batch has finished (then ``finished_at`` is now).
    """
    counts = Counter(entry.status for entry in entries)
    return {
        "format": MANIFEST_FORMAT,
        **meta,
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds") if complete else None,
        "complete": complete,
        "synthetic": any(entry.synthetic for entry in entries),
        "counts": {s: counts.get(s, 0) for s in ("ok", "skipped", "failed", "pending")},
        "bytes": stored_bytes(entries),
        "workers": [workers[name] for name in sorted(workers)],
        "briefings": [asdict(entry) for entry in entries],
    }


def stored_bytes(entries: list[ManifestEntry]) -> dict[str, int]:
    """Return the bytes the briefings hold: made by this run, in total and per briefing.

    ``written`` sums the briefings made now (``ok``), ``total`` those made now or up to
    date, ``per_briefing`` is ``total`` over their number (0 when there is none).
    """
    written = sum(entry.bytes or 0 for entry in entries if entry.status == "ok")
    done = [entry.bytes or 0 for entry in entries if entry.status in ("ok", "skipped")]
    total = sum(done)
    return {"written": written, "total": total, "per_briefing": total // len(done) if done else 0}


@cache
def _index_template() -> Any:
    return template_environment("batch_index").get_template("index.html.j2")


def write_outputs(root: Path, manifest: dict[str, Any]) -> None:
    """Write ``manifest.json`` and ``index.html`` under ``root``, each atomically."""
    write_atomic(root / MANIFEST_NAME, json.dumps(manifest, ensure_ascii=False, indent=1) + "\n")
    index = _index_template().render(manifest=manifest, fonts=embedded_fonts())
    write_atomic(root / INDEX_NAME, index)


class Progress:
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
        """Count one finished job; log it when it failed."""
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
        """Close the bar, if there is one."""
        if self.bar is not None:
            self.bar.close()


def _record_result(entry: ManifestEntry, result: JobResult, root: Path) -> None:
    """Copy a job's outcome into its manifest row."""
    job_dir = root / result.key
    entry.status = result.status
    entry.duration_s = result.duration_s
    entry.worker = result.worker
    entry.error, entry.error_kind = result.error, result.error_kind
    entry.failed_notebook = relative_path(result.failed_notebook, root)
    if result.status == "ok":
        entry.bytes = result.bytes_written
        entry.html = relative_path(job_dir / HTML_NAME, root)
        entry.notebook = relative_path(job_dir / NOTEBOOK_NAME, root)


class BatchRecord:
    """The manifest of a running batch: rows, worker figures and progress, written as it goes.

    Parameters
    ----------
    root
        The output root.
    entries
        The manifest rows, in input order; :meth:`add` updates them in place.
    meta
        Run-wide manifest fields.
    progress
        Told about every result.
    """

    def __init__(
        self,
        root: Path,
        entries: list[ManifestEntry],
        meta: dict[str, Any],
        progress: Progress,
    ) -> None:
        self.root = root
        self.entries = entries
        self.by_key = {entry.key: entry for entry in entries}
        self.meta = meta
        self.progress = progress
        self.workers: dict[str, dict[str, Any]] = {}
        self.last_write = time.monotonic()

    def add(self, result: JobResult) -> None:
        """Record a job's result; rewrite the manifest when the last write is ~15 s old."""
        _record_result(self.by_key[result.key], result, self.root)
        stats = self.workers.setdefault(
            result.worker,
            {"worker": result.worker, "briefings": 0, "peak_rss_mib": 0.0},
        )
        stats["briefings"] += 1
        stats["peak_rss_mib"] = max(stats["peak_rss_mib"], result.worker_peak_rss_kib / 1024)
        stats["kernel_peak_rss_mib"] = max(
            stats.get("kernel_peak_rss_mib", 0.0), result.kernel_peak_rss_kib / 1024
        )
        stats["kernels_started"] = max(stats.get("kernels_started", 0), result.kernels_started)
        self.progress.update(result)
        if time.monotonic() - self.last_write > WRITE_EVERY_S:
            self.write(complete=False)
            self.last_write = time.monotonic()

    def write(self, *, complete: bool) -> dict[str, Any]:
        """Write the manifest and the index as they stand; return the manifest."""
        manifest = build_manifest(self.entries, self.workers, self.meta, complete=complete)
        write_outputs(self.root, manifest)
        return manifest
