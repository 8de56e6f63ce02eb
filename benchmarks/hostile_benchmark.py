"""Memory and time of the parsers on the worst hostile inputs (issue 16), one process each.

Every case is generated in a temporary folder, then run as ``ita ...`` in its own process; the
script prints the exit status, wall-clock seconds and peak memory (max RSS) of each and fails
(exit 1) when one uses more than 1 GB, runs longer than its bound or prints a traceback.
Run from the repository root::

    python benchmarks/hostile_benchmark.py
"""

from __future__ import annotations

import io
import os
import shutil
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

MAX_RSS_BYTES = 1 << 30
ITA = [sys.executable, "-m", "ita_lib.cli"]
SAMPLE = Path(__file__).resolve().parents[1] / "ita_lib" / "data" / "samples"
HEADER = "fiscal_year,agency_name,agency_type,province," + ",".join(f"ind{n}" for n in range(1, 11))
_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _sample() -> str:
    return (SAMPLE / "bueng-krachap-2565.yaml").read_text(encoding="utf-8")


def alias_bomb(work: Path) -> list[str]:
    lines = ['  a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"  a{n}: &a{n} [" + ",".join([f"*a{n - 1}"] * 9) + "]" for n in range(1, 9)]
    path = work / "bomb.yaml"
    path.write_text(_sample() + "document:\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return ["score", str(path)]


def deep_yaml(work: Path) -> list[str]:
    path = work / "deep.yaml"
    path.write_text("a: " + "[" * 100_000 + "]" * 100_000, encoding="utf-8")
    return ["score", str(path)]


def far_cell_xlsx(work: Path) -> list[str]:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    sheet.append([2565, "อบต.หนึ่ง", "องค์การบริหารส่วนตำบล", "ลำพูน", *[90] * 10])
    sheet["XFD1048576"] = " "
    book.save(work / "far.xlsx")
    return ["score", str(work / "far.xlsx")]


def _docx(path: Path, body: bytes) -> Path:
    from docx import Document

    buffer = io.BytesIO()
    Document().save(buffer)
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(
                item.filename, body if item.filename == "word/document.xml" else src.read(item)
            )
    return path


def gridspan_docx(work: Path) -> list[str]:
    body = (
        f'<w:document {_W}><w:body><w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="50000000"/>'
        "</w:tcPr><w:p/></w:tc></w:tr></w:tbl></w:body></w:document>"
    )
    return ["audit", str(_docx(work / "span.docx", body.encode()))]


def zip_bomb_docx(work: Path) -> list[str]:
    body = f"<w:document {_W}><w:body><w:p/>".encode() + b" " * 2_000_000_000
    return ["audit", str(_docx(work / "bomb.docx", body + b"</w:body></w:document>"))]


def thai_line(chars: int) -> Callable[[Path], list[str]]:
    def make(work: Path) -> list[str]:
        path = work / f"line-{chars}.txt"
        path.write_text("อบต.บึงกระจับ " + "การประเมินผล" * (chars // 12) + "\n", encoding="utf-8")
        return ["audit", str(path)]

    return make


def long_title(work: Path) -> list[str]:
    text = _sample().replace(
        "measures:\n", 'measures:\n  - number: 99\n    title: "' + "มาตรการ" * 6000 + '"\n', 1
    )
    path = work / "title.yaml"
    path.write_text(text, encoding="utf-8")
    return ["audit", str(path)]


def big_table(rows: int, bad_every: int = 0) -> Callable[[Path], list[str]]:
    def make(work: Path) -> list[str]:
        path = work / f"table-{rows}.csv"
        with path.open("w", encoding="utf-8") as handle:
            handle.write(HEADER + ",itas_code\n")
            for n in range(rows):
                score = "190" if bad_every and n % bad_every == 0 else "88.5"
                handle.write(
                    f"2565,อบต.{n},องค์การบริหารส่วนตำบล,ลำพูน,{score},{','.join(['91.25'] * 9)},{n}\n"
                )
        return ["score", str(path), "--json"]

    return make


CASES: list[tuple[str, Callable[[Path], list[str]], float]] = [
    ("YAML alias bomb under document:", alias_bomb, 10),
    ("YAML nested 100,000 deep", deep_yaml, 10),
    ("XLSX with a cell in XFD1048576", far_cell_xlsx, 30),
    (".docx gridSpan 50,000,000", gridspan_docx, 10),
    (".docx zip bomb (2 GB declared)", zip_bomb_docx, 10),
    ("80,000-character Thai line (audit)", thai_line(80_000), 20),
    ("7 MB one-line text (rejected)", thai_line(2_400_000), 20),
    ("40,000-character measure title", long_title, 20),
    ("table of 100,000 rows (score --json)", big_table(100_000), 120),
    ("table of 8,300 rows, 104 bad (score)", big_table(8_300, 80), 30),
]


def _run(argv: list[str]) -> tuple[int, float, int, str]:
    started = time.perf_counter()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: ita with stdout to /dev/null, stderr to the pipe
        os.close(read)
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.dup2(write, 2)
        os.execv(ITA[0], [*ITA, *argv])
    os.close(write)
    with os.fdopen(read, "rb") as handle:
        err = handle.read().decode("utf-8", errors="replace")
    _, status, usage = os.wait4(pid, 0)
    seconds = time.perf_counter() - started
    return os.waitstatus_to_exitcode(status), seconds, usage.ru_maxrss * 1024, err


def main() -> int:
    failures = 0
    work = Path(tempfile.mkdtemp(prefix="ita-hostile-"))
    try:
        print(f"{'case':42} {'exit':>4} {'seconds':>8} {'peak MB':>8}  message")
        for name, make, bound in CASES:
            status, seconds, rss, err = _run(make(work))
            ok = rss < MAX_RSS_BYTES and seconds < bound and "Traceback" not in err
            failures += not ok
            line = (err.strip().splitlines() or [""])[-1][:70]
            flag = "" if ok else "  <-- over a bound"
            print(f"{name:42} {status:>4} {seconds:>8.2f} {rss / 2**20:>8.0f}  {line}{flag}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{len(CASES) - failures} of {len(CASES)} within 1 GB and their time bound")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
