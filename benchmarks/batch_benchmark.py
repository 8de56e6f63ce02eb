"""Time three ways of making many briefings, on one machine, in one run.

1. **naive**: a loop that runs the ``papermill`` CLI and then ``jupyter nbconvert`` for each
   agency (a new Python, a new kernel and new imports every time);
2. **ita batch**: ``ita batch`` (worker processes, each running the notebooks on its own
   IPython shell, reset between notebooks), at two batch sizes, with the peak memory of each
   worker;
3. **floor**: the same briefing content made in one Python process without a kernel: the
   notebook's cells executed in-process, then the same HTML export and atomic write.

The agencies are a realistic synthetic national set (:mod:`ita_lib.analysis.synthetic_set`:
per agency an assessment file with OIT item results, suggestions, 8-30 measures and peers;
every agency marked synthetic). It prints seconds per briefing, the ratios, peak memory per
worker, bytes written per briefing, the projected national run (8,300 briefings: start-up
plus seconds per further briefing, fitted through the two sizes), a Dask run on a local
cluster of 1 and 2 warm workers against the local pool, and the time to score a
national results table (8,300 rows) with the vectorised scorer against the row-by-row
``Decimal`` one. Run from the repository root::

    python benchmarks/batch_benchmark.py            # sizes 50 and 500, naive loop of 8
    python benchmarks/batch_benchmark.py --quick    # sizes 20 and 60, naive loop of 4

Timings are wall-clock and include start-up (``ita batch`` planning and starting workers).
"""

from __future__ import annotations

import argparse
import ast
import copy
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
NATIONAL = 8300


def _env() -> dict[str, str]:
    path = os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path}


def _run(command: Sequence[str], **kwargs: object) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, env=_env(), **kwargs)  # type: ignore[call-overload]
    return time.perf_counter() - start


# -- inputs ------------------------------------------------------------------------------------


def _set(work: Path, size: int) -> list[tuple[Path, Path, str]]:
    """Write the realistic synthetic set once; return its inputs."""
    from ita_lib.analysis.synthetic_set import write_synthetic_set

    write_synthetic_set(work / "set", size, fiscal_year=2565, seed=0)
    return _inputs(work / "set", size)


def _inputs(folder: Path, count: int) -> list[tuple[Path, Path, str]]:
    """(params, assessment, title) of the first ``count`` agencies of a written set."""
    from ita_lib.model.assessment_file import load_assessment
    from ita_lib.render.briefing import Briefing

    params = sorted((folder / "params").glob("*.yaml"))[:count]
    paths = [folder / "assessments" / p.name for p in params]
    return [
        (param, path, Briefing.from_assessment(load_assessment(path)).title)
        for param, path in zip(params, paths, strict=True)
    ]


# -- 1. naive loop -----------------------------------------------------------------------------


def naive(inputs: list[tuple[Path, Path, str]], count: int, work: Path) -> float:
    """Return seconds per briefing of papermill CLI + nbconvert CLI per agency."""
    from ita_lib.run.execution import BRIEFING_NOTEBOOK
    from ita_lib.run.export import REMOVED_TAGS

    inputs = inputs[: count + 1]
    (work / "naive").mkdir(exist_ok=True)
    templates = REPO / "ita_lib" / "templates"
    tags = [f"--TagRemovePreprocessor.remove_cell_tags={tag}" for tag in REMOVED_TAGS]

    def one(params: Path) -> float:
        executed = work / "naive" / params.with_suffix(".ipynb").name
        papermill = [sys.executable, "-m", "papermill", str(BRIEFING_NOTEBOOK), str(executed)]
        nbconvert = [sys.executable, "-m", "nbconvert", "--to", "html", "--no-input"]
        seconds = _run(
            [*papermill, "-f", str(params), "-k", "python3", "--no-progress-bar"],
            stderr=subprocess.DEVNULL,
        )
        return seconds + _run(
            [
                *nbconvert,
                "--template",
                "briefing_html",
                f"--TemplateExporter.extra_template_basedirs={templates}",
                "--TagRemovePreprocessor.enabled=True",
                *tags,
                str(executed),
            ],
            stderr=subprocess.DEVNULL,
        )

    one(inputs[0][0])  # warm-up (disk caches), not timed
    return sum(one(params) for params, _, _ in inputs[1:]) / count


# -- 2. ita batch ------------------------------------------------------------------------------


def batch(
    params: list[Path], work: Path, workers: int, *, name: str, scheduler: str | None = None
) -> dict[str, object]:
    """Run ``ita batch`` on parameters files; return seconds per briefing, memory, bytes."""
    size = len(params)
    root = work / name
    shutil.rmtree(root, ignore_errors=True)
    command = [sys.executable, "-m", "ita_lib.cli", "batch", *map(str, params)]
    command += ["--output-root", str(root), "--no-progress"]
    command += ["--scheduler", scheduler] if scheduler else ["--workers", str(workers)]
    seconds = _run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    if manifest["counts"]["ok"] != size:
        raise SystemExit(f"ita batch made {manifest['counts']} of {size}: see {root}")
    return {
        "seconds": seconds,
        "per_briefing": seconds / size,
        "workers": manifest.get("workers", []),
        "root": root,
        "bytes_per_briefing": _bytes(root, manifest) / size,
    }


def _bytes(root: Path, manifest: dict) -> int:
    """Bytes of every briefing's folder (HTML, notebook, stamp)."""
    folders = {(root / e["html"]).parent for e in manifest["briefings"] if e.get("html")}
    return sum(f.stat().st_size for folder in folders for f in folder.iterdir() if f.is_file())


# -- 3. in-process floor -----------------------------------------------------------------------


def floor_worker(work: Path, count: int, out: Path) -> None:
    """Make briefings in this process without a kernel; print JSON timings (a subprocess)."""
    started = time.perf_counter()
    import nbformat
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    from ita_lib.run.execution import BRIEFING_NOTEBOOK, write_atomic
    from ita_lib.run.export import export_html
    from ita_lib.run.parameters import load_parameters_file

    source = load_notebook_node(str(BRIEFING_NOTEBOOK))
    inputs = _inputs(work / "set", count)
    imported = time.perf_counter()

    def execute(parameters: dict[str, object]) -> nbformat.NotebookNode:
        """Run the notebook's code cells in a fresh namespace, keeping their rich results."""
        nb = parameterize_notebook(copy.deepcopy(source), parameters, kernel_name="python3")
        namespace: dict[str, object] = {"__name__": "__main__"}
        count = 0
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            count += 1
            tree = ast.parse(cell.source)
            last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
            exec(compile(tree, "<cell>", "exec"), namespace)  # noqa: S102  # the notebook's own cells
            cell.execution_count, cell.outputs = count, []
            value = None
            if last is not None:
                value = eval(compile(ast.Expression(last.value), "<cell>", "eval"), namespace)
            if value is not None:
                data = {"text/plain": repr(value)}
                if hasattr(value, "_repr_html_"):
                    data["text/html"] = value._repr_html_()
                cell.outputs = [
                    nbformat.v4.new_output("execute_result", data=data, execution_count=count)
                ]
        return nb

    loop = time.perf_counter()
    for i, (params, _assessment, title) in enumerate(inputs):
        parameters = load_parameters_file(params).model_dump()
        html = export_html(execute(parameters), title=title)
        write_atomic(out / f"{i:04d}.html", html)
    finished = time.perf_counter()
    print(json.dumps({"imports": imported - started, "per_briefing": (finished - loop) / count}))


def floor(count: int, work: Path) -> dict[str, float]:
    out = work / "floor"
    shutil.rmtree(out, ignore_errors=True)
    result = subprocess.run(
        [sys.executable, __file__, "--floor-worker", str(work), str(count), str(out)],
        check=True,
        env=_env(),
        capture_output=True,
        text=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def _same_html(work: Path, batch_root: Path, count: int) -> bool:
    """Check that the floor made the same bytes as ita batch (same table order)."""
    manifest = json.loads((batch_root / "manifest.json").read_text(encoding="utf-8"))
    for i, entry in enumerate(manifest["briefings"][:count]):
        made = (batch_root / entry["html"]).read_bytes()
        if made != (work / "floor" / f"{i:04d}.html").read_bytes():
            return False
    return True


# -- 4. table scoring --------------------------------------------------------------------------


def table_scoring(work: Path) -> dict[str, object]:
    """Score a national table (8,300 rows) vectorised, warm, and check it against Decimal."""
    from ita_lib.analysis.scoring import score_assessment
    from ita_lib.analysis.table_scoring import score_assessments
    from ita_lib.model.results_table import load_results_table
    from ita_lib.model.synthetic import write_synthetic_table

    rows = load_results_table(write_synthetic_table(work / "national.csv", NATIONAL))
    score_assessments(rows)  # warm: frameworks read and cached
    start = time.perf_counter()
    table = score_assessments(rows)
    vectorised = time.perf_counter() - start
    start = time.perf_counter()
    expected = [score_assessment(row) for row in rows]
    decimal = time.perf_counter() - start
    equal = all(
        table.as_decimal(table.total, i) == e.total_2dp and table.rating[i] == e.rating
        for i, e in enumerate(expected)
    )
    return {"seconds": vectorised, "decimal_seconds": decimal, "equal": equal}


# -- report ------------------------------------------------------------------------------------


def _memory(workers: list[dict[str, object]]) -> str:
    return ", ".join(
        f"worker {w['peak_rss_mib']:.0f} MiB + kernel {w['kernel_peak_rss_mib']:.0f} MiB"
        f" ({w['briefings']} briefings, {w['kernels_started']} kernels)"
        for w in workers
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="50,500", help="two batch sizes (default: 50,500)")
    parser.add_argument("--naive", type=int, default=8, help="agencies in the naive loop")
    parser.add_argument("--floor", type=int, default=50, help="agencies in the in-process floor")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--quick", action="store_true", help="sizes 20,60; naive 4; floor 20")
    parser.add_argument("--work", type=Path, default=None, help="keep files in this folder")
    parser.add_argument("--no-dask", action="store_true", help="skip the Dask runs")
    parser.add_argument("--floor-worker", nargs=3, help=argparse.SUPPRESS)
    return parser


def dask(params: list[Path], work: Path, workers: int) -> dict[str, object]:
    """Run ``ita batch`` on a local Dask cluster of ``workers`` single-threaded processes.

    The cluster's workers are started and warmed first by a small batch (imports, fonts,
    first figures), as on a long-lived cluster; the timed batch then runs on warm workers.
    Dask's profiler is off, as recommended for batch runs.
    Its time still includes the ``ita batch`` command's own start and planning.
    """
    import dask
    from distributed import LocalCluster

    # Dask's statistical profiler samples each worker's stack every 10 ms, about a tenth of
    # a briefing's time; production clusters turn it off as docs/batch-runs.md says.
    with (
        dask.config.set({"distributed.worker.profile.enabled": False}),
        LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
    ):
        warm = params[: 2 * workers]
        batch(warm, work, workers, name=f"dask-{workers}-warm", scheduler=cluster.scheduler_address)
        return batch(
            params, work, workers, name=f"dask-{workers}", scheduler=cluster.scheduler_address
        )


def national(runs: dict, sizes: list[int]) -> tuple[float, float, float]:
    """Fit ``seconds = start + per_briefing * n`` through the two batch sizes; return the
    start-up seconds, the seconds per further briefing and the projected national minutes."""
    small, big = sizes[0], sizes[-1]
    marginal = (runs[big]["seconds"] - runs[small]["seconds"]) / (big - small)
    start = runs[big]["seconds"] - marginal * big
    return start, marginal, (start + marginal * NATIONAL) / 60


def _print_figures(
    runs: dict, sizes: list[int], t_naive: float, t_floor: dict, extra: dict
) -> None:
    """Print the table of figures against their targets."""
    big = runs[sizes[-1]]["per_briefing"]
    start, marginal, minutes = national(runs, sizes)
    print(
        f"national projection: {start:.1f} s to start, then {marginal:.4f} s per briefing "
        f"(fitted through {sizes[0]} and {sizes[-1]} agencies)"
    )
    rows = [
        ("naive / ita batch (speed-up)", t_naive / big, ">= 20"),
        ("ita batch / floor", big / t_floor["per_briefing"], "<= 1.2"),
        (f"projected national run ({NATIONAL}), minutes", minutes, "<= 10"),
    ]
    for size in sizes:
        peak = max(w["peak_rss_mib"] + w["kernel_peak_rss_mib"] for w in runs[size]["workers"])
        rows.append((f"peak memory per worker at {size} (worker + kernel), MiB", peak, "flat"))
        rows.append(
            (f"bytes per briefing at {size}, KB", runs[size]["bytes_per_briefing"] / 1000, "<= 200")
        )
    rows += [(name, value, target) for name, (value, target) in extra.items()]
    print()
    print(f"{'figure':52} {'measured':>10} {'target':>10}")
    for name, value, target in rows:
        print(f"{name:52} {value:10.2f} {target:>10}")


def _dask_figures(inputs: list, size: int, work: Path, local: dict) -> dict:
    """Dask on 1 and 2 warm local workers against the local pool (same agencies)."""
    params = [p for p, _, _ in inputs[:size]]
    one, two = dask(params, work, 1), dask(params, work, 2)
    for n, run in ((1, one), (2, two)):
        print(
            f"Dask LocalCluster, {n} warm worker(s), {size} agencies: {run['seconds']:.1f} s, "
            f"{run['per_briefing']:.3f} s/briefing"
        )
    return {
        "Dask 2 workers speed-up over 1": (one["seconds"] / two["seconds"], ">= 1.7"),
        "Dask 2 workers / local pool (time)": (two["seconds"] / local["seconds"], "~1"),
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print its figures."""
    args = _parser().parse_args(argv)
    if args.floor_worker:
        folder, count, out = args.floor_worker
        floor_worker(Path(folder), int(count), Path(out))
        return 0
    if args.quick:
        args.sizes, args.naive, args.floor = "20,60", 4, 20
    sizes = sorted(int(s) for s in args.sizes.split(","))
    work = args.work or Path(tempfile.mkdtemp(prefix="ita-benchmark-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"ita batch benchmark: {os.cpu_count()} cores, {args.workers} workers, work in {work}")
    print("data: realistic synthetic national set (FY2565, seed 0; OIT items, suggestions,")
    print("      8-30 measures, peers over FY2564-2565; every agency marked synthetic)")
    inputs = _set(work, max(sizes))
    t_naive = naive(inputs, args.naive, work)
    print(f"naive papermill + nbconvert CLI: {t_naive:.3f} s/briefing ({args.naive} agencies)")
    runs = {}
    for size in sizes:
        runs[size] = batch(
            [p for p, _, _ in inputs[:size]], work, args.workers, name=f"batch-{size}"
        )
        print(
            f"ita batch, {size} agencies: {runs[size]['seconds']:.1f} s, "
            f"{runs[size]['per_briefing']:.3f} s/briefing; {_memory(runs[size]['workers'])}"
        )
    count = min(args.floor, sizes[0])
    t_floor = floor(count, work)
    print(
        f"in-process floor (1 process, no kernel): {t_floor['per_briefing']:.3f} s/briefing "
        f"({count} agencies; imports {t_floor['imports']:.1f} s once, not counted)"
    )
    same = _same_html(work, runs[sizes[0]]["root"], count)
    print(f"floor HTML byte-identical to ita batch HTML: {'yes' if same else 'NO'}")
    scored = table_scoring(work)
    print(
        f"table scoring, {NATIONAL} rows: {scored['seconds']:.3f} s vectorised (warm), "
        f"{scored['decimal_seconds']:.2f} s row by row in Decimal; "
        f"equal: {'yes' if scored['equal'] else 'NO'}"
    )
    extra = {f"table scoring, {NATIONAL} rows (warm), s": (scored["seconds"], "<= 0.3")}
    if not args.no_dask:
        extra |= _dask_figures(inputs, sizes[-1], work, runs[sizes[-1]])
    _print_figures(runs, sizes, t_naive, t_floor, extra)
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
