"""Worker processes and kernels end with the process that started them.

A batch's workers each run kernels; ``kill -9`` of the batch process alone would leave them
running, holding hundreds of megabytes, under PID 1. :func:`die_with_parent` is called first
thing in every worker and every warm kernel: on Linux the kernel is asked to send SIGTERM when
the parent dies (``prctl(PR_SET_PDEATHSIG)``, through ctypes), and on every system a daemon
thread checks once a second that the parent is still the one it started with.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
import threading
import time

__all__ = ["die_with_parent"]

_PR_SET_PDEATHSIG = 1
_started = False


def _parent_death_signal() -> bool:
    """Ask Linux for SIGTERM when the parent thread dies; True when it accepted."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch(parent: int, interval: float) -> None:
    while True:
        time.sleep(interval)
        if os.getppid() != parent:  # the parent died; this process was adopted
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(5)
            os._exit(1)  # SIGTERM was handled and ignored


def die_with_parent(*, kernel_signal: bool = True, interval: float = 1.0) -> None:
    """End this process when its parent process ends (once per process).

    Parameters
    ----------
    kernel_signal
        Also ask Linux for SIGTERM at the parent's death (immediate). Leave it off in a
        process started from a short-lived thread: the signal follows the thread.
    interval
        Seconds between checks of the parent.
    """
    global _started
    if _started:
        return
    _started = True
    parent = os.getppid()
    if kernel_signal:
        _parent_death_signal()
    if os.getppid() != parent or parent == 1:
        return  # already orphaned or started by init: nothing to follow
    threading.Thread(
        target=_watch, args=(parent, interval), name="ita-parent-watch", daemon=True
    ).start()
