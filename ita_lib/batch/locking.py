"""One batch per output root (a lock file), and SIGTERM handled like Ctrl-C."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ita_lib.batch.jobs import WORK_DIR
from ita_lib.exceptions import InputError

__all__ = ["batch_lock", "sigterm_as_interrupt"]


@contextmanager
def batch_lock(root: Path) -> Iterator[None]:
    """Hold ``<root>/.ita-batch/lock`` for the batch; a second batch on ``root`` fails fast.

    Raises
    ------
    InputError
        When another batch holds the lock.
    """
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


@contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
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
