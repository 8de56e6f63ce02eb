"""Snapshot and reset the state of a reused IPython shell: a warm kernel's, or a worker's own.

:mod:`ita_lib.batch.engine` keeps one kernel running for many briefing notebooks (this module
then runs inside the kernel); :mod:`ita_lib.batch.inprocess` runs them on one shell inside the
worker process. Right after the kernel (or the shell) starts it runs :func:`snapshot` (which
also imports ``ita_lib``, pandas and matplotlib once, the point of reuse), and before every
later notebook it runs :func:`restore`, so that a notebook sees what a fresh kernel would show
it:

- an empty user namespace, execution count 1 and a new history session (IPython's
  ``reset(new_session=True)``, like ``%reset -f``);
- the working directory, environment variables, ``sys.path``, warning filters and matplotlib
  ``rcParams`` of the snapshot; open pyplot figures are closed.

Modules a notebook imported stay imported (that is what makes reuse fast), so module-level
state changed by a notebook survives; ``ita_lib`` keeps only pure caches (framework data,
templates, the registered font). The kernel engine also recycles its kernel after a bounded
number of notebooks and after any failure.
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["DEFAULT_PRELOAD", "restore", "snapshot"]

DEFAULT_PRELOAD = (
    "ita_lib",
    "ita_lib.render.briefing",
    "ita_lib.render.charts",
    "pandas",
    "matplotlib",
)
FULL_GC_EVERY = 10  # a full garbage collection costs ~50 ms with pandas and matplotlib loaded

_state: dict[str, Any] = {}


def snapshot(preload: Sequence[str] = DEFAULT_PRELOAD, *, in_kernel: bool = True) -> None:
    """Import ``preload`` modules, register the Thai font and record the kernel's state.

    Parameters
    ----------
    preload
        Modules to import once, before the first notebook.
    in_kernel
        True in a kernel process, which is then tied to its worker (it ends when the worker
        dies); False when notebooks run in the worker's own process.
    """
    if in_kernel:
        from ita_lib.batch.lifetime import die_with_parent

        die_with_parent(kernel_signal=False)  # the kernel ends with its worker
    for name in preload:
        importlib.import_module(name)
    if "ita_lib.render.charts" in sys.modules:
        sys.modules["ita_lib.render.charts"].register_thai_font()
    _state.clear()
    _state.update(
        cwd=Path.cwd(),
        environ=dict(os.environ),
        sys_path=list(sys.path),
        warning_filters=list(warnings.filters),
        rc_params=_rc_params().copy() if _rc_params() is not None else None,
        resets=0,
    )


def restore(*, collect: bool = True) -> None:
    """Reset the kernel to the state recorded by :func:`snapshot`.

    Parameters
    ----------
    collect
        Collect garbage (the young generations, everything every ``FULL_GC_EVERY`` resets).
        A worker that runs notebooks in its own process collects on its own schedule.

    Raises
    ------
    RuntimeError
        When :func:`snapshot` has not run in this kernel.
    """
    if not _state:
        raise RuntimeError("kernel_state.restore() called before kernel_state.snapshot()")
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close("all")
    _reset_namespace()
    if Path.cwd() != _state["cwd"]:
        os.chdir(_state["cwd"])
    if dict(os.environ) != _state["environ"]:
        os.environ.clear()
        os.environ.update(_state["environ"])
    sys.path[:] = _state["sys_path"]
    warnings.filters[:] = _state["warning_filters"]
    warnings._filters_mutated()  # type: ignore[attr-defined]  # invalidates the warnings cache
    rc = _rc_params()
    if rc is not None and _state["rc_params"] is not None and rc != _state["rc_params"]:
        # what matplotlib.rc_context does on exit: no validation or deprecation warnings
        rc._update_raw(_state["rc_params"])
    _state["resets"] += 1
    if collect:
        gc.collect(2 if _state["resets"] % FULL_GC_EVERY == 0 else 1)


def _rc_params() -> Any:
    matplotlib = sys.modules.get("matplotlib")
    return None if matplotlib is None else matplotlib.rcParams


def _reset_namespace() -> None:
    """Run IPython's ``reset(new_session=True)`` without its full garbage collection."""
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:
        raise RuntimeError("kernel_state.restore() must run inside an IPython kernel")
    # reset() ends with gc.collect(), a full collection; restore() collects the young
    # generations every time and everything every FULL_GC_EVERY notebooks instead.
    collect = gc.collect
    gc.collect = lambda generation=2: 0
    try:
        shell.reset(new_session=True, aggressive=False)
    finally:
        gc.collect = collect
