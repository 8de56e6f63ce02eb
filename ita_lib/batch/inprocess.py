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
import io
import signal
import sys
import threading
from collections.abc import Iterator
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

__all__ = ["INPROCESS_ENGINE_NAME", "CellInterrupted", "InProcessEngine", "register_inprocess"]

INPROCESS_ENGINE_NAME = "ita_inprocess"
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


def _shell() -> _Shell:
    """Return this process's shell, made (and ``ita_lib`` imported into it) on first use."""
    if not _Shell.initialized():
        config = Config()
        config.HistoryManager.enabled = False  # no SQLite history file per worker
        config.InteractiveShell.colors = "nocolor"
        _Shell.instance(config=config)
        snapshot(DEFAULT_PRELOAD, in_kernel=False)
    return _Shell.instance()


@contextlib.contextmanager
def _time_limit(seconds: float | None) -> Iterator[list[bool]]:
    """Interrupt the code run inside after ``seconds`` by raising :class:`CellInterrupted`.

    Uses a ``SIGALRM`` timer in a process's main thread, elsewhere an asynchronous exception
    raised in the running thread (which reaches Python code, not a blocked C call).
    """
    fired = [False]
    if not seconds:
        yield fired
        return

    def interrupt(*_args: Any) -> None:
        fired[0] = True
        raise CellInterrupted(f"the cell ran longer than {seconds} s")

    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGALRM, interrupt)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            yield fired
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        return
    ident = threading.get_ident()

    def raise_in_thread() -> None:
        fired[0] = True
        ctypes.pythonapi.PyThreadState_SetAsyncExc(
            ctypes.c_ulong(ident), ctypes.py_object(CellInterrupted)
        )

    timer = threading.Timer(seconds, raise_in_thread)
    timer.daemon = True
    timer.start()
    try:
        yield fired
    finally:
        timer.cancel()


def _run_cell(shell: _Shell, cell: nbformat.NotebookNode, timeout: float | None) -> bool:
    """Run one code cell, fill its outputs and execution count; return whether it raised."""
    outputs = _Outputs()
    shell.cell_outputs = outputs
    stdin = sys.stdin
    sys.stdin = io.StringIO()  # no one to answer input(): it ends at once (EOFError)
    try:
        with (
            _time_limit(timeout) as fired,
            contextlib.redirect_stdout(_Stream(outputs, "stdout")),
            contextlib.redirect_stderr(_Stream(outputs, "stderr")),
        ):
            result = shell.run_cell(cell.source, store_history=True, silent=False)
    finally:
        sys.stdin = stdin
    cell.execution_count = result.execution_count
    cell.outputs = outputs.items
    if fired[0]:
        raise CellTimeoutError(f"A cell timed out while it was being executed, after {timeout} s")
    return not result.success


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
        """Execute ``nb``; on a time-out, keep the partial notebook at ``output_path``."""
        return execute_saving_at_end(cls, nb, kernel_name, output_path, log_output, **kwargs)

    @classmethod
    def execute_managed_notebook(
        cls,
        nb_man: NotebookExecutionManager,
        kernel_name: str,
        execution_timeout: float | None = None,
        **kwargs: Any,
    ) -> Any:
        """Run the code cells of ``nb_man.nb`` in order; stop at the first that raises."""
        with _lock:
            shell = _shell()
            restore(collect=False)  # the worker collects every TIDY_EVERY briefings
            for index, cell in enumerate(nb_man.nb.cells):
                nb_man.cell_start(cell, index)
                try:
                    code = cell.cell_type == "code" and cell.source.strip()
                    if code and _run_cell(shell, cell, execution_timeout):
                        nb_man.cell_exception(cell, cell_index=index)
                        break
                except CellTimeoutError:
                    nb_man.cell_exception(cell, cell_index=index)
                    raise
                finally:
                    nb_man.cell_complete(cell, cell_index=index)
        return nb_man.nb


def register_inprocess() -> None:
    """Register :class:`InProcessEngine` with papermill as ``"ita_inprocess"`` (idempotent)."""
    papermill_engines.register(INPROCESS_ENGINE_NAME, InProcessEngine)
