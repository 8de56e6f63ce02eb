"""A papermill engine that runs successive notebooks on one warm, reset-between-runs kernel.

Starting a kernel and importing pandas and matplotlib in it costs 2-3 s per notebook, ten times
the cost of the briefing itself. A :class:`WarmKernel` starts one kernel, imports ``ita_lib``
into it once, and lends it to one notebook after another; before each later notebook it resets
the kernel (:mod:`ita_lib.batch.kernel_state`: user namespace, execution count, working directory,
environment, ``sys.path``, warning filters, matplotlib ``rcParams``). It shuts the kernel down and
starts a new one after ``max_runs`` notebooks, so memory stays flat, and after any failed
notebook, time-out or dead kernel, so a failure never leaks into the next agency.

:class:`WarmKernelEngine` plugs this into papermill as the engine ``"ita_warm"``, so every
briefing is still a papermill run (parameters injected and recorded in the executed
notebook's metadata)::

    register_engine()
    with WarmKernel(max_runs=50) as kernel:
        for params in many:
            papermill.execute_notebook(nb, out, parameters=params,
                                       engine_name=ENGINE_NAME, warm_kernel=kernel)

Without ``warm_kernel`` the engine behaves like papermill's default (a fresh kernel per run).
A :class:`WarmKernel` belongs to one thread; use one per worker thread.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import Engine, NBClientEngine, NotebookExecutionManager, papermill_engines
from papermill.iorw import write_ipynb
from papermill.utils import merge_kwargs, remove_args

from ita_lib.batch.jobs import DEFAULT_MAX_RUNS
from ita_lib.batch.kernel_state import DEFAULT_PRELOAD
from ita_lib.log import logger
from ita_lib.run.paths import KERNEL_ARGUMENTS

__all__ = [
    "DEFAULT_MAX_RUNS",
    "ENGINE_NAME",
    "KERNEL_ARGUMENTS",
    "KernelCommandError",
    "WarmKernel",
    "WarmKernelEngine",
    "execute_saving_at_end",
    "register_engine",
]

ENGINE_NAME = "ita_warm"
_log = logger.getChild("engine")


class KernelCommandError(RuntimeError):
    """The warm-up or reset code failed inside the kernel."""


def _ignore(_msg: dict[str, Any]) -> None:
    """Drop IOPub output of the engine's own warm-up and reset requests."""


class WarmKernel:
    """One kernel kept running for successive notebooks, reset between them.

    Parameters
    ----------
    kernel_name
        Kernel spec to start (``python3``).
    max_runs
        Notebooks run on one kernel before it is replaced by a new one.
    start_timeout
        Seconds to wait for a new kernel to answer.
    preload
        Modules imported into every new kernel before its first notebook.
    extra_arguments
        Command-line arguments of the kernel.
    """

    def __init__(
        self,
        kernel_name: str = "python3",
        *,
        max_runs: int = DEFAULT_MAX_RUNS,
        start_timeout: float = 60,
        preload: Sequence[str] = DEFAULT_PRELOAD,
        extra_arguments: Sequence[str] = KERNEL_ARGUMENTS,
    ) -> None:
        if max_runs < 1:
            raise ValueError(f"max_runs must be at least 1, not {max_runs}")
        self.kernel_name = kernel_name
        self.max_runs = max_runs
        self.start_timeout = start_timeout
        self.preload = tuple(preload)
        self.extra_arguments = list(extra_arguments)
        self.km: AsyncKernelManager | None = None
        self.kc: Any = None
        self.runs = 0  # notebooks run on the current kernel
        self.kernels_started = 0
        self.peak_rss_kib = 0  # highest peak resident memory of any kernel so far

    # -- lifecycle ----------------------------------------------------------------------------

    @property
    def alive(self) -> bool:
        """Return whether a kernel is running."""
        return self.km is not None and bool(run_sync(self.km.is_alive)())

    @property
    def pid(self) -> int | None:
        """Return the process id of the running kernel, if any."""
        provisioner = getattr(self.km, "provisioner", None)
        return getattr(provisioner, "pid", None)

    def acquire(self) -> tuple[AsyncKernelManager, Any]:
        """Return a kernel manager and client ready for the next notebook.

        Starts (and warms up) a kernel when none is running; otherwise resets the running one.
        """
        if self.km is not None and not self.alive:
            _log.warning("kernel %s died between notebooks; starting a new one", self.pid)
            self.shutdown()
        if self.km is None:
            self._start()
        elif self.runs > 0:
            try:
                self._run_code(
                    "__import__('ita_lib.batch.kernel_state', fromlist=['restore']).restore()",
                    timeout=self.start_timeout,
                )
            except Exception:
                self.shutdown()
                raise
        return self.km, self.kc  # type: ignore[return-value]

    def release(self, *, healthy: bool) -> None:
        """Count a finished notebook; recycle the kernel after a failure or ``max_runs`` runs."""
        self.runs += 1
        self._record_peak_rss()
        if not healthy:
            _log.info("recycling kernel %s after a failed notebook", self.pid)
            self.shutdown()
        elif self.runs >= self.max_runs:
            _log.info("recycling kernel %s after %d notebooks", self.pid, self.runs)
            self.shutdown()

    def shutdown(self) -> None:
        """Stop the kernel (if any); the next :meth:`acquire` starts a new one."""
        km, kc = self.km, self.kc
        self.km = self.kc = None
        self.runs = 0
        if km is None:
            return
        self._record_peak_rss(km)
        try:
            if kc is not None:
                kc.stop_channels()
            if run_sync(km.is_alive)():
                run_sync(km.shutdown_kernel)(now=True)
            else:
                run_sync(km.cleanup_resources)()
        except Exception as exc:  # noqa: BLE001  # a dying kernel must not stop the batch
            _log.warning("could not shut the kernel down cleanly: %s", exc)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.shutdown()

    # -- internals ----------------------------------------------------------------------------

    def _start(self) -> None:
        km = AsyncKernelManager(kernel_name=self.kernel_name)
        run_sync(km.start_kernel)(extra_arguments=list(self.extra_arguments))
        self.km = km
        self.kc = km.client()
        self.kc.start_channels()
        self.runs = 0
        self.kernels_started += 1
        try:
            run_sync(self.kc.wait_for_ready)(timeout=self.start_timeout)
            self._run_code(
                "__import__('ita_lib.batch.kernel_state', fromlist=['snapshot'])"
                f".snapshot({list(self.preload)!r})",
                timeout=max(self.start_timeout, 120),
            )
        except Exception:
            self.shutdown()
            raise
        _log.info("started kernel %s", self.pid)

    def _run_code(self, code: str, *, timeout: float) -> None:
        reply = run_sync(self.kc.execute_interactive)(
            code, silent=True, store_history=False, timeout=timeout, output_hook=_ignore
        )
        content = reply["content"]
        if content["status"] != "ok":
            raise KernelCommandError(
                f"kernel set-up failed: {content.get('ename')}: {content.get('evalue')}"
            )

    def _record_peak_rss(self, km: AsyncKernelManager | None = None) -> None:
        provisioner = getattr(km or self.km, "provisioner", None)
        pid = getattr(provisioner, "pid", None)
        if pid is None:
            return
        try:
            status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
        except OSError:  # not Linux, or the kernel is gone
            return
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                self.peak_rss_kib = max(self.peak_rss_kib, int(line.split()[1]))
                return


class _FinalSaveManager(NotebookExecutionManager):
    """Execution manager that does not rewrite the output notebook after every cell.

    papermill's manager serialises and validates the whole notebook twice per cell; for a
    small notebook that costs more than the briefing itself. papermill writes the executed
    notebook once at the end anyway; :meth:`WarmKernelEngine.execute_notebook` writes it
    itself only when the run stops abnormally (time-out, dead kernel).
    """

    def save(self, **kwargs: Any) -> None:
        """Skip the per-cell save."""


def execute_saving_at_end(
    engine: type[Engine],
    nb: Any,
    kernel_name: str,
    output_path: str | None,
    log_output: bool,
    **kwargs: Any,
) -> Any:
    """Run ``engine.execute_managed_notebook`` without saving after every cell.

    papermill writes the executed notebook once at the end; when the run stops abnormally
    (time-out, dead kernel), the partial notebook is written to ``output_path`` here.
    """
    nb_man = _FinalSaveManager(
        nb, output_path=None, log_output=log_output, progress_bar=False, autosave_cell_every=0
    )
    nb_man.notebook_start()
    try:
        engine.execute_managed_notebook(nb_man, kernel_name, log_output=log_output, **kwargs)
    except BaseException:
        nb_man.notebook_complete()
        if output_path:
            write_ipynb(nb_man.nb, output_path)
        raise
    nb_man.notebook_complete()
    return nb_man.nb


class WarmKernelEngine(NBClientEngine):
    """papermill engine ``"ita_warm"``: execute on a :class:`WarmKernel` passed as ``warm_kernel``.

    Any other keyword arguments are those of papermill's default engine (``nbclient``).
    """

    @classmethod
    def execute_notebook(
        cls,
        nb: Any,
        kernel_name: str,
        output_path: str | None = None,
        progress_bar: bool | dict[str, Any] = True,
        log_output: bool = False,
        autosave_cell_every: int = 30,
        **kwargs: Any,
    ) -> Any:
        """Execute ``nb``; on a time-out or dead kernel, keep the partial notebook at ``output_path``."""
        if kwargs.get("warm_kernel") is None:
            return super().execute_notebook(
                nb,
                kernel_name,
                output_path=output_path,
                progress_bar=progress_bar,
                log_output=log_output,
                autosave_cell_every=autosave_cell_every,
                **remove_args(["warm_kernel"], **kwargs),
            )
        return execute_saving_at_end(cls, nb, kernel_name, output_path, log_output, **kwargs)

    @classmethod
    def execute_managed_notebook(
        cls,
        nb_man: NotebookExecutionManager,
        kernel_name: str,
        log_output: bool = False,
        stdout_file: Any = None,
        stderr_file: Any = None,
        start_timeout: int = 60,
        execution_timeout: int | None = None,
        warm_kernel: WarmKernel | None = None,
        **kwargs: Any,
    ) -> Any:
        """Run the cells of ``nb_man.nb`` on ``warm_kernel``."""
        if warm_kernel is None:
            return super().execute_managed_notebook(
                nb_man,
                kernel_name,
                log_output=log_output,
                stdout_file=stdout_file,
                stderr_file=stderr_file,
                start_timeout=start_timeout,
                execution_timeout=execution_timeout,
                **kwargs,
            )
        if kernel_name != warm_kernel.kernel_name:
            raise ValueError(
                f"the warm kernel runs {warm_kernel.kernel_name!r}, not {kernel_name!r}"
            )
        # the kernel is already running: arguments about starting one do not apply
        kwargs = remove_args(
            ["input_path", "extra_arguments", "timeout", "startup_timeout"], **kwargs
        )
        km, kc = warm_kernel.acquire()
        client_kwargs = merge_kwargs(
            kwargs,
            timeout=execution_timeout,
            startup_timeout=start_timeout,
            kernel_name=kernel_name,
            log=logging.getLogger("papermill"),
            log_output=log_output,
            stdout_file=stdout_file,
            stderr_file=stderr_file,
        )
        client = PapermillNotebookClient(nb_man, km=km, **client_kwargs)
        client.kc = kc  # reuse the open channels; nbclient then leaves the kernel running
        healthy = False
        try:
            client.execute()
            healthy = not nb_man.nb.metadata.papermill.get("exception")
        finally:
            warm_kernel.release(healthy=healthy)
        return nb_man.nb


def register_engine() -> None:
    """Register :class:`WarmKernelEngine` with papermill as ``"ita_warm"`` (idempotent)."""
    papermill_engines.register(ENGINE_NAME, WarmKernelEngine)
