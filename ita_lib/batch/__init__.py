"""Batch: many briefings at once: planning, worker pools, warm kernels, manifest and index.

:mod:`~ita_lib.batch.runs` (``run_batch``) puts together :mod:`~ita_lib.batch.jobs` (jobs,
results, manifest rows), :mod:`~ita_lib.batch.plan` and :mod:`~ita_lib.batch.table_rows`
(inputs, hashes from :mod:`~ita_lib.batch.hashing`, skip or redo),
:mod:`~ita_lib.batch.workers` (what runs in a worker), :mod:`~ita_lib.batch.backends` (local
pool, Dask), :mod:`~ita_lib.batch.outputs` (manifest, index, progress) and
:mod:`~ita_lib.batch.locking`. :mod:`~ita_lib.batch.engine` is the warm-kernel papermill
engine; :mod:`~ita_lib.batch.kernel_state` runs inside the kernel.

May import :mod:`ita_lib.run` and everything below it (not :mod:`ita_lib.deliver`).
"""
