"""Make PDF and scan versions of a text measures document (tests and benchmarks only).

- :func:`text_to_pdf` lays the document out as an agency's Word export would be: Sarabun
  (embedded, shaped with HarfBuzz), a running page header, ``หน้า N`` footers, bordered tables
  whose header row repeats on every page. With ``pua=True`` the font is given Private Use Area
  copies of the tone marks and the text is written with them, as TH SarabunPSK documents are,
  so that the PDF's text layer has the Thai PUA problem.
- :func:`pdf_to_scan` rasterises each page (pypdfium2), turns it a little, adds noise and
  saves the pages as an image-only PDF (or returns the images); :func:`pdf_to_photos`
  photographs each page on a desk instead, as a phone does.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np

from ita_lib.documents.layout import Paragraph, Table
from ita_lib.documents.reading import parse_text

FONTS = Path(__file__).resolve().parents[2] / "ita_lib" / "fonts"
_LOW_TONES = {"\u0e48": "\uf70a", "\u0e49": "\uf70b", "\u0e4a": "\uf70c", "\u0e4b": "\uf70d",
              "\u0e4c": "\uf70e"}  # fmt: skip
_UPPER = "\u0e31\u0e34\u0e35\u0e36\u0e37\u0e47\u0e4d\u0e33"


def pua_font(out: Path) -> Path:
    """Write Sarabun with PUA copies of the tone marks (U+F70A–U+F70E) and return its path."""
    from fontTools.ttLib import TTFont

    font = TTFont(FONTS / "Sarabun-Regular.ttf")
    cmap = font.getBestCmap()
    glyf, hmtx = font["glyf"], font["hmtx"]
    for thai, pua in _LOW_TONES.items():
        name = f"uni{ord(pua):04X}"
        source = cmap[ord(thai)]
        glyf[name] = glyf[source]
        hmtx[name] = hmtx[source]
        for table in font["cmap"].tables:
            if table.isUnicode():
                table.cmap[ord(pua)] = name
    font.save(out)
    return out


def _pua_text(text: str) -> str:
    """Write tone marks on consonants without an upper vowel as their PUA forms."""
    out = []
    for i, char in enumerate(text):
        previous = text[i - 1] if i else ""
        out.append(_LOW_TONES[char] if char in _LOW_TONES and previous not in _UPPER else char)
    return "".join(out)


def _cell_text(cell: object) -> str:
    lines = []
    for p in cell.paragraphs:  # type: ignore[attr-defined]
        text = p.text if p.kind != "item" or p.text[:1] in "-–•" else f"- {p.text}"
        lines.append(text)
    return "\n".join(lines)


def _widths(table: Table, total: float) -> tuple[float, ...]:
    columns = len(table.header)
    lengths = [1.0] * columns
    for row in table.rows:
        for i, cell in enumerate(row.cells[:columns]):
            lengths[i] += len(cell.text)
    raw = [max(18.0, (n / sum(lengths)) * total) for n in lengths]
    return tuple(w * total / sum(raw) for w in raw)


def text_to_pdf(source: Path, out: Path, *, pua: bool = False, header: str | None = None) -> Path:
    """Lay out a text measures document as a PDF (see the module docstring)."""
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    document = parse_text(source.read_text(encoding="utf-8"), source=str(source))
    running = header or "มาตรการส่งเสริมคุณธรรมและความโปร่งใส"

    class _PDF(FPDF):
        def header(self) -> None:
            self.set_font("th", size=10)
            self.cell(0, 6, running, align="R", new_x="LMARGIN", new_y="NEXT")
            self.ln(2)

        def footer(self) -> None:
            self.set_y(-12)
            self.set_font("th", size=10)
            self.cell(0, 6, f"หน้า {self.page_no()}", align="C")

    pdf = _PDF(format="A4")
    regular = pua_font(out.with_suffix(".ttf")) if pua else FONTS / "Sarabun-Regular.ttf"
    pdf.add_font("th", fname=str(regular))
    pdf.add_font("th", style="B", fname=str(FONTS / "Sarabun-Bold.ttf"))
    pdf.set_text_shaping(not pua)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()
    fix = _pua_text if pua else (lambda t: t)
    for block in document.blocks:
        pdf.set_font("th", size=13)
        if isinstance(block, Paragraph):
            pdf.multi_cell(0, 7, fix(block.text), align="J", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
            continue
        with pdf.table(
            col_widths=_widths(block, pdf.epw), line_height=6.5, text_align="J",
            headings_style=FontFace(emphasis="BOLD" if not pua else None), first_row_as_headings=True,
        ) as table:  # fmt: skip
            for cells in [block.header, *(r.cells for r in block.rows)]:
                row = table.row()
                for cell in cells[: len(block.header)]:
                    row.cell(fix(_cell_text(cell)))
        pdf.ln(3)
    pdf.output(str(out))
    if pua:
        out.with_suffix(".ttf").unlink()
    return out


def pdf_to_scan(
    pdf: Path,
    out: Path,
    *,
    dpi: int = 200,
    angle: float = 0.8,
    seed: int = 7,
    sideways: bool = False,
) -> Path:
    """Rasterise a PDF's pages, turn and noise them, and save them as an image-only PDF.

    With ``sideways`` a landscape page comes out as a sheet-fed scanner gives it: a portrait
    image with the text turned 90° (no ``/Rotate`` in the PDF)."""
    import pypdfium2 as pdfium
    from PIL import Image

    rng = np.random.default_rng(seed)
    images = []
    document = pdfium.PdfDocument(str(pdf))
    for number, page in enumerate(document):
        image = page.render(scale=dpi / 72, grayscale=True).to_pil()
        if sideways and image.width > image.height:
            image = image.rotate(90, expand=True)
        turn = angle if number % 2 == 0 else -angle / 2
        image = image.rotate(turn, resample=Image.Resampling.BICUBIC, fillcolor=255)
        pixels = np.asarray(image, dtype=np.float32)
        pixels = pixels * rng.uniform(0.9, 1.0) + rng.normal(0, 12, pixels.shape)
        speckle = rng.random(pixels.shape) < 0.0008
        pixels[speckle] = 40
        images.append(Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)))
    document.close()
    buffer = io.BytesIO()
    images[0].save(buffer, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    out.write_bytes(buffer.getvalue())
    return out


def photographed(page: object, *, seed: int = 0) -> object:
    """Return a page image as a phone photographs it on a desk: the sheet a quadrilateral (the
    phone not held square, a corner nearer than the others), some desk around it, lit
    unevenly (darker towards one corner) and a little blurred."""
    from PIL import Image, ImageFilter

    rng = np.random.default_rng(seed)
    width, height = page.width, page.height  # type: ignore[attr-defined]
    frame = (round(width * 1.12), round(height * 1.1))
    pull = rng.uniform(0.01, 0.04, 8) * np.array([width, height] * 4)
    corners = np.array([(0.05 * frame[0] + pull[0], 0.04 * frame[1] + pull[1]),
                        (0.95 * frame[0] - pull[2], 0.03 * frame[1] + pull[3]),
                        (0.96 * frame[0] - pull[4], 0.96 * frame[1] - pull[5]),
                        (0.04 * frame[0] + pull[6], 0.97 * frame[1] - pull[7])])  # fmt: skip
    source = np.array([(0, 0), (width, 0), (width, height), (0, height)], dtype=float)
    rows = []
    for (x, y), (u, v) in zip(corners, source, strict=True):
        rows += [[x, y, 1, 0, 0, 0, -u * x, -u * y], [0, 0, 0, x, y, 1, -v * x, -v * y]]
    coefficients = np.linalg.solve(np.array(rows, dtype=float), source.reshape(8))
    photo = page.transform(frame, Image.Transform.PERSPECTIVE, tuple(coefficients),  # type: ignore[attr-defined]
                           resample=Image.Resampling.BICUBIC, fillcolor=80)  # fmt: skip
    ys, xs = np.mgrid[0 : frame[1], 0 : frame[0]]
    light = 1.0 - 0.25 * (xs / frame[0] + ys / frame[1]) / 2  # darker towards the bottom right
    pixels = np.asarray(photo, dtype=np.float32) * light + rng.normal(0, 4, light.shape)
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    return image.filter(ImageFilter.GaussianBlur(0.8))


def pdf_to_photos(pdf: Path, out: Path, *, dpi: int = 200) -> Path:
    """Render a PDF's pages, photograph each (:func:`photographed`) and save them as an
    image-only PDF, as a phone app gathers photos of a signed paper copy."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    images = [
        photographed(page.render(scale=dpi / 72, grayscale=True).to_pil(), seed=number)
        for number, page in enumerate(document)
    ]
    document.close()
    buffer = io.BytesIO()
    images[0].save(buffer, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    out.write_bytes(buffer.getvalue())
    return out


def with_scanned_pages(pdf: Path, out: Path, pages: set[int], *, dpi: int = 200) -> Path:
    """Write a copy of a PDF with the given pages (1-based) replaced by their scans, as an
    agency puts a printed, signed and scanned page in the place of the exported one."""
    import pypdfium2 as pdfium

    scan = pdf_to_scan(pdf, out.with_suffix(".scan.pdf"), dpi=dpi)
    source, scanned = pdfium.PdfDocument(str(pdf)), pdfium.PdfDocument(str(scan))
    mixed = pdfium.PdfDocument.new()
    for number in range(1, len(source) + 1):
        mixed.import_pages(scanned if number in pages else source, [number - 1])
    mixed.save(str(out))
    for document in (mixed, source, scanned):
        document.close()
    scan.unlink()
    return out


def with_picture(
    pdf: Path, out: Path, page: int, box: tuple[float, float, float, float], *, dpi: int = 150
) -> Path:
    """Write a copy of a PDF whose part of a page (1-based) in ``box`` (left, top, right,
    bottom, in points from the page's top left) is a picture of itself at ``dpi``: its text
    and rules are taken out and a screenshot of them is put in their place, as when the
    results are pasted into the Word file as a picture."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    document = pdfium.PdfDocument(str(pdf))
    target = document[page - 1]
    width, height = target.get_size()
    left, top, right, bottom = box
    crop = (left, height - bottom, width - right, top)
    picture = target.render(scale=dpi / 72, crop=crop).to_pil()
    kinds = [pdfium_c.FPDF_PAGEOBJ_TEXT, pdfium_c.FPDF_PAGEOBJ_PATH]
    for obj in list(target.get_objects(filter=kinds, max_depth=1)):
        x0, y0, x1, y1 = obj.get_bounds()
        if (
            left - 1 <= x0
            and x1 <= right + 1
            and height - bottom - 1 <= y0
            and y1 <= height - top + 1
        ):
            target.remove_obj(obj)
    image = pdfium.PdfImage.new(document)
    image.set_bitmap(pdfium.PdfBitmap.from_pil(picture.convert("RGB")))
    image.set_matrix(
        pdfium.PdfMatrix().scale(right - left, bottom - top).translate(left, height - bottom)
    )
    target.insert_obj(image)
    target.gen_content()
    document.save(str(out))
    document.close()
    return out


def raw_pdf(out: Path, content: str) -> Path:
    """Write a one-page A4 PDF whose page draws ``content`` (a content stream; Helvetica as
    ``/F1``): for the operators a producer may use that the other fixtures do not."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
            b" /Resources << /Font << /F1 5 0 R >> >> >>"
        ),
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content.encode("latin-1")),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    data, offsets = bytearray(b"%PDF-1.7\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(data))
        data += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(data)
    data += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    data += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    data += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    out.write_bytes(bytes(data))
    return out
