"""Back-ends: what the parent learns from the workers, however much of it there is."""

from __future__ import annotations

import multiprocessing

import pytest

from ita_lib.batch.backends import _StartedKeys


def _report(queue, count: int) -> None:
    for i in range(count):
        queue.put(f"2569/{'ก' * 40}-{i:05d}")  # long keys: far more than a pipe holds


# the reader thread runs before the fork; the children only write to the queue (Python 3.12+
# warns about forking a process with threads)
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_started_keys_are_read_as_they_come_so_workers_never_block():
    context = multiprocessing.get_context("fork")
    started = _StartedKeys(context)
    workers = [context.Process(target=_report, args=(started.queue, 3000)) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0  # not blocked on a full pipe
    keys = started.close()
    assert len(keys) == 3000  # the two workers reported the same keys
    assert f"2569/{'ก' * 40}-02999" in keys
