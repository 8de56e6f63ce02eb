"""Time reading measures documents as agencies publish them: a text-layer PDF and a scan.

Makes the sample document (``tests/data/bueng-krachap-measures-2566.txt``) into a PDF with the
test fixtures' renderer, keeps its first 10 pages, then times ``import_document`` on it and on
the same pages scanned at 200 dpi (turned and noised). Targets: the 10-page text PDF in under
2 s, the 10-page scan in under 60 s on 2 cores. Run from the repository root::

    python benchmarks/pdf_benchmark.py            # text PDF and scan
    python benchmarks/pdf_benchmark.py --no-scan  # text PDF only (no Tesseract needed)
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "documents"))

import pypdfium2 as pdfium
from pdf_fixtures import pdf_to_scan, text_to_pdf

from ita_lib.documents.reading import read_document

PAGES = 10


def _first_pages(pdf: Path, out: Path) -> Path:
    source = pdfium.PdfDocument(str(pdf))
    target = pdfium.PdfDocument.new()
    target.import_pages(source, list(range(min(PAGES, len(source)))))
    target.save(str(out))
    return out


def _time(path: Path) -> tuple[float, int]:
    start = time.perf_counter()
    document = read_document(path)
    return time.perf_counter() - start, len(document.blocks)


def main() -> int:
    """Make the documents, time them and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-scan", action="store_true", help="time the text PDF only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        full = text_to_pdf(REPO / "tests/data/bueng-krachap-measures-2566.txt", work / "full.pdf")
        pdf = _first_pages(full, work / "ten.pdf")
        seconds, blocks = _time(pdf)
        print(f"text PDF, {PAGES} pages: {seconds:.2f} s ({blocks} blocks; target < 2 s)")
        if not args.no_scan:
            scan = pdf_to_scan(pdf, work / "scan.pdf", dpi=200)
            seconds, blocks = _time(scan)
            cores = os.cpu_count()
            print(f"scan, {PAGES} pages, 200 dpi: {seconds:.1f} s on {cores} cores "
                  f"({blocks} blocks; target < 60 s on 2 cores)")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
