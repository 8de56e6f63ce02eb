"""A papermill engine that runs notebooks inside the worker process, on one IPython shell.

A Jupyter kernel is a second process that the worker talks to over ZeroMQ: every cell is a
request, a stream of output messages and a reply, each serialised, signed and parsed. For a
briefing of eighteen short cells that costs as much as the briefing itself. The ``ita_inprocess``
engine runs the same cells on an IPython :class:`~IPython.core.interactiveshell.InteractiveShell`
in the worker's own process, the way a kernel does (IPython's compiler, display hook and
formatters, so cells show the same rich results), and turns what a cell shows into the cell's
outputs as a kernel's messages would:

- the value of a cell's last expression becomes an ``execute_result`` (all of IPython's
  formats: ``text/html`` and ``text/plain`` for a briefing section);
- ``display()`` calls become ``display_data``; ``print`` and writes to ``sys.stderr`` become
  ``stream`` outputs;
- an exception becomes an ``error`` output with its traceback, and the run stops there, so
  papermill raises :class:`papermill.PapermillExecutionError` as with any engine;
- a cell that runs longer than ``execution_timeout`` seconds is interrupted and the run raises
  :class:`nbclient.exceptions.CellTimeoutError`, as papermill's default engine does.

Between notebooks the shell is reset (:func:`ita_lib.batch.kernel_state.restore`: namespace,
execution count, working directory, environment, ``sys.path``, warning filters, matplotlib
``rcParams``). The isolation is the worker process's: a notebook that crashes the interpreter
takes its worker with it (the batch retries that agency once on a new worker). Notebooks that
need a kernel of their own (another language, a kernel-only extension) run with
``ita batch --engine kernel`` (:mod:`ita_lib.batch.engine`).

One shell serves one process; runs in one process are serialised by a lock.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import io
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
from IPython.core.displayhook import DisplayHook
from IPython.core.displaypub import DisplayPublisher
from IPython.core.interactiveshell import InteractiveShell
from nbclient.exceptions import CellTimeoutError
from papermill.engines import Engine, NotebookExecutionManager, papermill_engines
from traitlets.config import Config

from ita_lib.batch.engine import execute_saving_at_end
from ita_lib.batch.kernel_state import DEFAULT_PRELOAD, restore, snapshot
from ita_lib.log import logger

__all__ = ["INPROCESS_ENGINE_NAME", "CellInterrupted", "InProcessEngine", "register_inprocess"]

INPROCESS_ENGINE_NAME = "ita_inprocess"
_log = logger.getChild("inprocess")
_lock = threading.Lock()  # one notebook at a time per process: the shell and sys.stdout are shared


class CellInterrupted(BaseException):  # like KeyboardInterrupt: not an Exception
    """Raised inside a cell that ran past its time limit (a ``BaseException``, so that a
    cell's own ``except Exception`` does not swallow it)."""


class _Outputs:
    """The outputs of the cell being run."""

    def __init__(self) -> None:
        self.items: list[nbformat.NotebookNode] = []
        self.execution_count: int | None = None

    def stream(self, name: str, text: str) -> None:
        if not text:
            return
        last = self.items[-1] if self.items else None
        if last is not None and last.output_type == "stream" and last.name == name:
            last.text += text
        else:
            self.items.append(nbformat.v4.new_output("stream", name=name, text=text))

    def add(self, output_type: str, **fields: Any) -> None:
        self.items.append(nbformat.NotebookNode(output_type=output_type, **fields))


class _Stream(io.TextIOBase):
    """A text stream (``sys.stdout`` or ``sys.stderr``) that writes into the cell's outputs."""

    def __init__(self, outputs: _Outputs, name: str) -> None:
        super().__init__()
        self._outputs, self._name = outputs, name

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self._outputs.stream(self._name, str(text))
        return len(text)


class _ResultHook(DisplayHook):
    """Display hook that records a cell's result as an ``execute_result`` output."""

    def start_displayhook(self) -> None:
        """No prompt."""

    def write_output_prompt(self) -> None:
        """No prompt."""

    def write_format_data(self, format_dict: dict, md_dict: dict | None = None) -> None:
        self.shell.cell_outputs.add(  # type: ignore[union-attr]
            "execute_result",
            data=format_dict,
            metadata=md_dict or {},
            execution_count=self.exec_result.execution_count if self.exec_result else None,
        )

    def finish_displayhook(self) -> None:
        """Nothing to flush."""


class _DisplayRecorder(DisplayPublisher):
    """Display publisher that records ``display()`` calls as ``display_data`` outputs."""

    def publish(self, data: dict, metadata: dict | None = None, *args: Any, **kwargs: Any) -> None:
        self.shell.cell_outputs.add(  # type: ignore[union-attr]
            "display_data", data=data, metadata=metadata or {}
        )

    def clear_output(self, wait: bool = False) -> None:
        self.shell.cell_outputs.items.clear()  # type: ignore[union-attr]


class _Shell(InteractiveShell):
    """IPython shell whose results, displays and tracebacks become cell outputs."""

    displayhook_class = _ResultHook
    display_pub_class = _DisplayRecorder
    cell_outputs = _Outputs()

    def _showtraceback(self, etype: type, evalue: BaseException, stb: list[str]) -> None:
        self.cell_outputs.add(
            "error", ename=etype.__name__, evalue=str(evalue), traceback=list(stb)
        )

    def enable_gui(self, gui: str | None = None) -> None:
        """No event loop to integrate with."""

    def ask_exit(self) -> None:
        """``exit()`` in a cell: a notebook may not end the worker that runs it."""
        raise RuntimeError("exit() ends a kernel; a notebook run in a batch worker cannot use it")


_SIGNALS = tuple(
    getattr(signal, name)
    for name in ("SIGINT", "SIGTERM", "SIGALRM", "SIGPIPE", "SIGCHLD", "SIGHUP")
    if hasattr(signal, name)
)
_shell_state: dict[str, Any] = {}


def _shell() -> _Shell:
    """Return this process's shell, made (and ``ita_lib`` imported) on first use."""
    if not _Shell.initialized():
        config = Config()
        config.HistoryManager.enabled = False  # no SQLite history file per worker
        config.InteractiveShell.colors = "nocolor"
        shell = _Shell.instance(config=config)
        if not _shell_state:
            snapshot(DEFAULT_PRELOAD, in_kernel=False)
            if threading.current_thread() is threading.main_thread():
                _shell_state["signals"] = {s: signal.getsignal(s) for s in _SIGNALS}
        _shell_state["hooks"] = _hooks(shell)
    return _Shell.instance()


def _hooks(shell: _Shell) -> dict[str, list[Any]]:
    """What a notebook can hook into the shell: event callbacks, input and AST transformers."""
    manager = shell.input_transformer_manager
    return {
        **{f"event:{name}": list(calls) for name, calls in shell.events.callbacks.items()},
        "input_transformers_post": list(shell.input_transformers_post),
        "ast_transformers": list(shell.ast_transformers),
        "cleanup_transforms": list(manager.cleanup_transforms),
        "line_transforms": list(manager.line_transforms),
    }


def _reset(shell: _Shell, *, failed: bool) -> None:
    """Undo what the last notebook changed: process state (:func:`kernel_state.restore`),
    hooks and signal handlers; after a failed notebook the shell itself is made anew."""
    restore(collect=False)  # the worker collects every TIDY_EVERY briefings
    for number, handler in _shell_state.get("signals", {}).items():
        if signal.getsignal(number) is not handler:
            signal.signal(number, handler)
    if failed:
        _Shell.clear_instance()
        return
    saved, manager = _shell_state["hooks"], shell.input_transformer_manager
    for name, calls in shell.events.callbacks.items():
        calls[:] = saved.get(f"event:{name}", [])
    shell.input_transformers_post[:] = saved["input_transformers_post"]
    shell.ast_transformers[:] = saved["ast_transformers"]
    manager.cleanup_transforms[:] = saved["cleanup_transforms"]
    manager.line_transforms[:] = saved["line_transforms"]


exit_on_hang = False
"""When True (set in batch workers), a cell still running ``HANG_GRACE_S`` seconds after its
time limit (stuck in C code, or deaf to the interrupt) ends the process: the batch then tries
its agency again alone and reports it (kind ``worker``) instead of waiting for ever."""
HANG_GRACE_S = 30.0


def _end_process(seconds: float) -> None:
    message = f"a cell ignored its {seconds} s time limit; ending this worker process"
    _log.error(message)
    logging.shutdown()
    with contextlib.suppress(OSError):  # the process's last words, whatever logging does
        os.write(2, f"ita: {message}\n".encode())
    os._exit(70)  # EX_SOFTWARE


class _Watchdog:
    """One thread per process that ends the process when a cell runs :data:`HANG_GRACE_S`
    seconds past its limit (armed and disarmed per cell: no thread started per cell)."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._deadline: float | None = None
        self._limit = 0.0
        threading.Thread(target=self._watch, name="ita-watchdog", daemon=True).start()

    def arm(self, seconds: float) -> None:
        with self._changed:
            self._deadline, self._limit = time.monotonic() + seconds + HANG_GRACE_S, seconds
            self._changed.notify()

    def disarm(self) -> None:
        with self._changed:
            self._deadline = None

    def _watch(self) -> None:
        with self._changed:
            while True:
                if self._deadline is None:
                    self._changed.wait()
                elif (left := self._deadline - time.monotonic()) > 0:
                    self._changed.wait(left)
                else:
                    _end_process(self._limit)


_watchdog = functools.cache(_Watchdog)


@contextlib.contextmanager
def _time_limit(seconds: float | None) -> Iterator[list[bool]]:
    """Interrupt the code run inside after ``seconds`` by raising :class:`CellInterrupted`.

    Uses a ``SIGALRM`` timer in a process's main thread, elsewhere an asynchronous exception
    raised in the running thread (which reaches Python code, not a blocked C call). With
    :data:`exit_on_hang`, a watchdog ends the process when the cell is still running
    :data:`HANG_GRACE_S` seconds later.
    """
    fired = [False]
    if not seconds:
        yield fired
        return
    watchdog = _watchdog() if exit_on_hang else None
    if watchdog is not None:
        watchdog.arm(seconds)
    try:
        with _interrupt_after(seconds, fired):
            yield fired
    finally:
        if watchdog is not None:
            watchdog.disarm()


@contextlib.contextmanager
def _interrupt_after(seconds: float, fired: list[bool]) -> Iterator[None]:
    if threading.current_thread() is threading.main_thread():

        def interrupt(*_args: Any) -> None:
            fired[0] = True
            raise CellInterrupted(f"the cell ran longer than {seconds} s")

        previous = signal.signal(signal.SIGALRM, interrupt)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        return
    ident, running = ctypes.c_ulong(threading.get_ident()), threading.Lock()

    def raise_in_thread() -> None:
        with running:  # never once the code inside has finished
            if not fired[0]:
                fired[0] = True
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ident, ctypes.py_object(CellInterrupted))

    timer = threading.Timer(seconds, raise_in_thread)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        with running:
            if fired[0]:  # raised too late to be seen: take it back before it lands elsewhere
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ident, None)


def _run_cell(shell: _Shell, cell: nbformat.NotebookNode, timeout: float | None) -> bool:
    """Run one code cell, fill its outputs and execution count; return whether it raised."""
    outputs = _Outputs()
    shell.cell_outputs = outputs
    stdin = sys.stdin
    sys.stdin = io.StringIO()  # no one to answer input(): it ends at once (EOFError)
    fired, result = [False], None
    try:
        with (
            _time_limit(timeout) as fired,
            contextlib.redirect_stdout(_Stream(outputs, "stdout")),
            contextlib.redirect_stderr(_Stream(outputs, "stderr")),
        ):
            result = shell.run_cell(cell.source, store_history=True, silent=False)
    except CellInterrupted:  # it came outside the cell's own code (a hook, the display)
        fired[0] = True
    finally:
        sys.stdin = stdin
    cell.execution_count = result.execution_count if result else shell.execution_count - 1
    cell.outputs = outputs.items
    if fired[0]:
        raise CellTimeoutError(f"A cell timed out while it was being executed, after {timeout} s")
    return result is None or not result.success


class InProcessEngine(Engine):
    """papermill engine ``"ita_inprocess"``: run the notebook on this process's IPython shell."""

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
        """Execute ``nb``; on a time-out, keep the partial notebook at ``output_path``.

        Parameters
        ----------
        nb, kernel_name, output_path, progress_bar, log_output, autosave_cell_every
            As for papermill's engines (``progress_bar`` and ``autosave_cell_every`` are not
            used: the notebook is saved once, by papermill, at the end).
        **kwargs
            ``execution_timeout`` (seconds a cell may run), and papermill's other engine
            options (ignored).

        Returns
        -------
        nbformat.NotebookNode
            The executed notebook.
        """
        return execute_saving_at_end(cls, nb, kernel_name, output_path, log_output, **kwargs)

    @classmethod
    def execute_managed_notebook(
        cls,
        nb_man: NotebookExecutionManager,
        kernel_name: str,
        execution_timeout: float | None = None,
        **kwargs: Any,
    ) -> Any:
        """Run the code cells of ``nb_man.nb`` in order; stop at the first that raises.

        Parameters
        ----------
        nb_man
            papermill's record of the run (cell times and statuses).
        kernel_name
            Not used: the cells run on this process's shell.
        execution_timeout
            Seconds a cell may run (None: no limit).
        **kwargs
            papermill's other engine options (ignored).

        Returns
        -------
        nbformat.NotebookNode
            The executed notebook.

        Raises
        ------
        CellTimeoutError
            When a cell ran past ``execution_timeout``.
        """
        with _lock:
            here = Path.cwd()  # papermill's cwd= (the snapshot's otherwise)
            shell = _shell()
            failed = True
            try:
                _run_cells(shell, nb_man, execution_timeout)
                failed = bool(nb_man.nb.metadata.papermill.get("exception"))
            finally:
                _reset(shell, failed=failed)
                os.chdir(here)
        return nb_man.nb


def _run_cells(shell: _Shell, nb_man: NotebookExecutionManager, timeout: float | None) -> None:
    """Run the code cells in order, recording each in papermill's metadata; stop at an error."""
    for index, cell in enumerate(nb_man.nb.cells):
        nb_man.cell_start(cell, index)
        try:
            code = cell.cell_type == "code" and cell.source.strip()
            if code and _run_cell(shell, cell, timeout):
                nb_man.cell_exception(cell, cell_index=index)
                break
        except CellTimeoutError:
            nb_man.cell_exception(cell, cell_index=index)
            raise
        finally:
            nb_man.cell_complete(cell, cell_index=index)


def register_inprocess() -> None:
    """Register :class:`InProcessEngine` with papermill as ``"ita_inprocess"`` (idempotent).

    Registered in code, not by an entry point: an entry point would import ``ita_lib`` while
    papermill itself is still being imported.
    """
    papermill_engines.register(INPROCESS_ENGINE_NAME, InProcessEngine)
