"""Read a PDF measures document: its text layer, or OCR of its pages when it is a scan.

The PDF is opened with pypdfium2 (PDFium, the PDF engine of Chromium: fast, Apache/BSD
licensed, prebuilt wheels with no system package). From each page it takes:

- the characters of the text layer with their boxes. Thai marks (vowels above and below,
  tone marks, also the shifted forms fonts such as TH SarabunPSK draw with Private Use Area
  glyphs) are attached to the consonant they sit on by position, not by the order the PDF
  happens to draw them; spaces are told by the gaps between glyphs, and the text is repaired
  with :func:`ita_lib.text.thai_repair.repair_thai`;
- the ruling lines of tables, from the page's path objects (lines and thin rectangles).

:func:`ita_lib.documents.page_layout.read_pages` rebuilds paragraphs and tables from them. A
PDF with (almost) no text layer is a scan: its pages are rendered and read by OCR
(:mod:`ita_lib.documents.ocr`).
"""

from __future__ import annotations

import ctypes
import math
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from ita_lib.documents.page_layout import Page, Rule, Word
from ita_lib.exceptions import InputError
from ita_lib.text.thai_repair import PUA_TO_THAI

__all__ = [
    "SCAN_DPI",
    "is_scanned",
    "open_pdf",
    "pdf_pages",
    "render_pages",
    "scanned_image",
]

SCAN_DPI = 300
"""Resolution at which the pages of a scanned PDF are rendered for OCR."""

_MIN_CHARS_PER_PAGE = 20  # fewer text-layer characters than this per page: a scan
_MARK_CHARS = frozenset("\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a\u0e47\u0e48\u0e49"
                        "\u0e4a\u0e4b\u0e4c\u0e4d\u0e4e")  # fmt: skip
_MIN_RULE = 6.0  # points: shorter strokes are not table rules
_THIN = 2.5  # points: a filled rectangle thinner than this is a rule
_WINDOW = 8  # characters around a mark where its consonant is looked for first
_BELOW = frozenset("\u0e38\u0e39\u0e3a")
_MARK_REACH = 0.6  # ems above or below its consonant's box where a mark's middle may be
_NEAR = 1 / 3  # ems: a cluster's glyphs share a baseline and follow one another this closely
_UPRIGHT = 0.05  # a text matrix turning less than this (sine) is upright


def open_pdf(path: Path, source: str) -> object:
    """Open a PDF with pypdfium2; raise :class:`InputError` when it cannot be read."""
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        raise InputError(
            f"not a readable PDF file ({exc})",
            source=source,
            expected="a PDF exported from Word or LibreOffice, or a scanned PDF",
        ) from None


@dataclass
class _Char:
    text: str
    index: int
    x0: float
    x1: float
    y0: float
    y1: float
    em: float
    marks: list[tuple[int, str]]
    left: float  # the glyph's advance box (the ink box is x0..x1)
    right: float
    span: int = 0  # the span with an /ActualText the glyph is drawn in (0: none)
    copy: bool = False  # a later glyph of that span, which PDFium gives the span's text again

    @property
    def is_mark(self) -> bool:
        """Marks sit on a consonant: combining characters, and a sara am drawn without advance."""
        return self.text in _MARK_CHARS or (
            self.text == "\u0e33" and self.right - self.left < 0.1 * self.em
        )


@dataclass(frozen=True)
class _TextObject:
    """What the characters of one text object share."""

    hidden: bool = False  # drawn invisible: the OCR layer a scanner lays over a scan
    span: int = 0  # the marked-content span with an /ActualText it is in (0: none)
    scale: float = 1.0  # how much its matrix scales the font size (Skia draws at 0.75)


def _scale(matrix: object) -> float:
    """Return how much a text matrix scales the font size upwards (its vertical scale: a
    condensed font, ``Tz``, is as high as the size says)."""
    return math.hypot(matrix.c, matrix.d) or 1.0  # type: ignore[attr-defined]


def _text_object(obj: object) -> _TextObject:
    """Return what the characters of a text object share (see :class:`_TextObject`)."""
    import pypdfium2.raw as pdfium_c

    if not obj:
        return _TextObject()
    hidden = pdfium_c.FPDFTextObj_GetTextRenderMode(obj) == pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE
    matrix = pdfium_c.FS_MATRIX()
    pdfium_c.FPDFPageObj_GetMatrix(obj, ctypes.byref(matrix))
    scale = _scale(matrix)
    for m in range(pdfium_c.FPDFPageObj_CountMarks(obj)):
        mark = pdfium_c.FPDFPageObj_GetMark(obj, m)
        kind = pdfium_c.FPDFPageObjMark_GetParamValueType(mark, b"ActualText")
        if kind == pdfium_c.FPDF_OBJECT_STRING:
            return _TextObject(hidden, ctypes.cast(mark, ctypes.c_void_p).value or 0, scale)
    return _TextObject(hidden, 0, scale)


def _chars(page: object, textpage: object, height: float, invisible: bool) -> list[_Char]:
    """Return the text layer's characters, those of a span with an ``/ActualText`` as glyph
    clusters (:func:`_clusters`)."""
    import pypdfium2.raw as pdfium_c

    handle = textpage.raw  # type: ignore[attr-defined]
    rect = pdfium_c.FS_RECTF()
    objects: dict[int, _TextObject] = {}
    first_in_span: dict[int, int] = {}
    chars: list[_Char] = []
    for i in range(pdfium_c.FPDFText_CountChars(handle)):
        if pdfium_c.FPDFText_IsGenerated(handle, i) == 1:
            continue
        obj = pdfium_c.FPDFText_GetTextObject(handle, i)
        key = ctypes.cast(obj, ctypes.c_void_p).value or 0
        kind = objects.get(key)
        if kind is None:
            kind = objects[key] = _text_object(obj)
        span = kind.span
        if kind.hidden and not invisible:
            continue
        code = pdfium_c.FPDFText_GetUnicode(handle, i)
        text = PUA_TO_THAI.get(chr(code), chr(code)) if code else ""
        if text.isspace():
            continue
        if not text or unicodedata.category(text[0])[0] == "C":
            text = ""  # a glyph with no character: it takes room, and shows nothing
        x0, _, x1, _ = textpage.get_charbox(i)  # type: ignore[attr-defined]
        pdfium_c.FPDFText_GetLooseCharBox(handle, i, ctypes.byref(rect))
        size = pdfium_c.FPDFText_GetFontSize(handle, i) * kind.scale
        em = size or (rect.top - rect.bottom)
        top, bottom = height - rect.top, height - rect.bottom
        copy = bool(span) and first_in_span.setdefault(span, key) != key
        chars.append(_Char(text, i, x0, x1, top, bottom, em, [], rect.left, rect.right, span, copy))
    return _clusters(chars, _span_boxes(page, height, objects)) if first_in_span else chars


def _line_box(obj: object, height: float) -> tuple[float, float] | None:
    """Return the top and bottom of a text object's line: its font's ascent and descent about
    its baseline, as PDFium's loose box of a character (None when the font does not say)."""
    import pypdfium2.raw as pdfium_c

    size, ascent, descent = ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
    matrix = pdfium_c.FS_MATRIX()
    font = pdfium_c.FPDFTextObj_GetFont(obj)
    if not (
        font
        and pdfium_c.FPDFTextObj_GetFontSize(obj, ctypes.byref(size))
        and pdfium_c.FPDFFont_GetAscent(font, size, ctypes.byref(ascent))
        and pdfium_c.FPDFFont_GetDescent(font, size, ctypes.byref(descent))
        and pdfium_c.FPDFPageObj_GetMatrix(obj, ctypes.byref(matrix))
        and ascent.value > descent.value
        and abs(matrix.b) < _UPRIGHT * abs(matrix.d)  # turned text: its glyphs' own boxes
        and abs(matrix.c) < _UPRIGHT * abs(matrix.d)
    ):
        return None
    scale = _scale(matrix)
    return height - (matrix.f + ascent.value * scale), height - (matrix.f + descent.value * scale)


_Box = tuple[float, float, tuple[float, float] | None]  # left, right, (top, bottom) of its line


def _span_boxes(page: object, height: float, objects: dict[int, _TextObject]) -> dict[int, _Box]:
    """Return the box of each span with an ``/ActualText`` drawn as one cluster glyph by glyph
    (Skia): several text objects on one baseline, each starting within a third of an em of the
    one before's end. Its box runs from the left of its first glyph to the right of its last,
    as high as its line (:func:`_line_box`) when the font gives it. A span of other shapes (a
    word tagged whole across a line break) is not given one."""
    import pypdfium2.raw as pdfium_c

    handle = page.raw  # type: ignore[attr-defined]
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    matrix, size = pdfium_c.FS_MATRIX(), ctypes.c_float()
    out: dict[int, _Box] = {}
    shape: dict[int, tuple[int, float, float, bool]] = {}  # objects, baseline, em, one cluster
    for n in range(pdfium_c.FPDFPage_CountObjects(handle)):
        obj = pdfium_c.FPDFPage_GetObject(handle, n)
        if pdfium_c.FPDFPageObj_GetType(obj) != pdfium_c.FPDF_PAGEOBJ_TEXT:
            continue
        known = objects.get(ctypes.cast(obj, ctypes.c_void_p).value or 0)  # read with its text
        kind = known or _text_object(obj)  # (a glyph of a span the text page gives no text)
        if not kind.span or not pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
            continue
        span = kind.span
        pdfium_c.FPDFPageObj_GetMatrix(obj, ctypes.byref(matrix))
        pdfium_c.FPDFTextObj_GetFontSize(obj, ctypes.byref(size))
        em = size.value * kind.scale
        if span not in out:
            out[span] = (left.value, right.value, _line_box(obj, height))
            shape[span] = (1, matrix.f, em, True)
            continue
        x0, x1, line = out[span]
        count, baseline, first_em, whole = shape[span]
        tolerance = _NEAR * max(em, first_em, 1.0)
        whole = whole and abs(matrix.f - baseline) <= tolerance and left.value <= x1 + tolerance
        out[span] = (min(x0, left.value), max(x1, right.value), line)
        shape[span] = (count + 1, baseline, first_em, whole)
    return {span: box for span, box in out.items() if shape[span][0] > 1 and shape[span][3]}


def _clusters(chars: list[_Char], boxes: dict[int, _Box]) -> list[_Char]:
    """Return the characters with those of a span with an ``/ActualText`` drawn glyph by glyph
    made one glyph cluster, in the span's box (:func:`_span_boxes`).

    A PDF written by Skia (Chrome's "Save as PDF", Google Docs) draws a Thai cluster (``สำ``) as
    its glyphs (``ส``, ``ํ``, ``า``), each in a text object of its own, inside a span whose
    ``/ActualText`` is the cluster's text. PDFium gives that text for some of the span's glyphs
    (the consonant's, a mark's: in no set order), cutting the glyph's box in as many pieces as
    characters. The characters of the first glyph given are the cluster; the others, copies.
    (A span drawn as one text object, as LibreOffice draws ``ำ``, PDFium reads well.)
    """
    out: list[_Char] = []
    for c in chars:
        if c.span not in boxes:
            out.append(c)
        elif not c.copy and out and out[-1].span == c.span:  # the cluster's next character
            out[-1].text += c.text
        elif not c.copy:
            x0, x1, line = boxes[c.span]
            y0, y1 = line or (c.y0, c.y1)
            out.append(replace(c, x0=x0, x1=x1, y0=y0, y1=y1, left=x0, right=x1, marks=[]))
    return out


def _same_line(a: _Char, b: _Char) -> bool:
    return min(a.y1, b.y1) - max(a.y0, b.y0) > 0.5 * min(a.y1 - a.y0, b.y1 - b.y0)


def _sits_on(mark: _Char, base: _Char) -> bool:
    """Return True when a mark's box is just above or below a base's (a font that boxes each
    glyph tightly: the mark barely overlaps its consonant's box, if at all)."""
    middle = (mark.y0 + mark.y1) / 2
    if mark.text in _BELOW:  # sara u, sara uu, phinthu: under the consonant
        return base.y0 <= middle <= base.y1 + _MARK_REACH * base.em
    return base.y0 - _MARK_REACH * base.em <= middle <= base.y1


def _base_for(mark: _Char, bases: list[_Char], near: int) -> _Char | None:
    """Return the consonant a mark sits on: of the bases on its line or just below or above
    it (a tall consonant beside may share more of its line), the one it overlaps most."""

    def best(candidates: list[_Char]) -> _Char | None:
        scored = [
            (min(b.x1, mark.x1) - max(b.x0, mark.x0), -abs(b.index - mark.index), b)
            for b in candidates
            if _same_line(b, mark) or _sits_on(mark, b)
        ]
        scored = [s for s in scored if s[0] > -0.15 * mark.em]
        return max(scored, key=lambda s: s[:2])[2] if scored else None

    return best(bases[max(0, near - _WINDOW) : near + _WINDOW]) or best(bases)


def _words(page: object, textpage: object, height: float, invisible: bool) -> tuple[Word, ...]:
    """Return the page's glyph clusters (a base character and its marks) as words."""
    bases: list[_Char] = []
    marks: list[tuple[_Char, int]] = []
    for char in _chars(page, textpage, height, invisible):
        if char.is_mark:
            marks.append((char, len(bases)))
        else:
            bases.append(char)
    for mark, near in marks:
        base = _base_for(mark, bases, near)
        if base is not None:
            base.marks.append((mark.index, mark.text))
    return tuple(
        Word(b.text + "".join(t for _, t in sorted(b.marks)), b.left, b.y0, b.right, b.y1, b.em)
        for b in bases
    )


def _segments(obj: object) -> Iterator[tuple[float, float, float, float]]:
    """Yield the straight segments of a path object, in page coordinates."""
    import pypdfium2.raw as pdfium_c

    handle = obj.raw  # type: ignore[attr-defined]
    matrix = pdfium_c.FS_MATRIX()
    pdfium_c.FPDFPageObj_GetMatrix(handle, ctypes.byref(matrix))
    x, y = ctypes.c_float(), ctypes.c_float()
    points: list[tuple[float, float, int, bool]] = []
    for i in range(pdfium_c.FPDFPath_CountSegments(handle)):
        segment = pdfium_c.FPDFPath_GetPathSegment(handle, i)
        pdfium_c.FPDFPathSegment_GetPoint(segment, ctypes.byref(x), ctypes.byref(y))
        px = matrix.a * x.value + matrix.c * y.value + matrix.e
        py = matrix.b * x.value + matrix.d * y.value + matrix.f
        kind = pdfium_c.FPDFPathSegment_GetType(segment)
        points.append((px, py, kind, bool(pdfium_c.FPDFPathSegment_GetClose(segment))))
    start: tuple[float, float] | None = None
    previous: tuple[float, float] | None = None
    for px, py, kind, close in points:
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
            start = previous = (px, py)
            continue
        if previous is not None and kind == pdfium_c.FPDF_SEGMENT_LINETO:
            yield (*previous, px, py)
        previous = (px, py)
        if close and start is not None:
            yield (px, py, *start)
            previous = start


def _rules(page: object, height: float) -> tuple[Rule, ...]:
    """Return the page's horizontal and vertical rules (top-down coordinates)."""
    import pypdfium2.raw as pdfium_c

    out: list[Rule] = []
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH]):  # type: ignore[attr-defined]
        for x0, y0, x1, y1 in _segments(obj):
            x0, x1 = sorted((x0, x1))
            top, bottom = sorted((height - y0, height - y1))
            if abs(bottom - top) <= _THIN and x1 - x0 >= _MIN_RULE:
                middle = (top + bottom) / 2
                out.append(Rule(x0, middle, x1, middle))
            elif x1 - x0 <= _THIN and bottom - top >= _MIN_RULE:
                middle = (x0 + x1) / 2
                out.append(Rule(middle, top, middle, bottom))
    return tuple(out)


def pdf_pages(path: Path, source: str, *, invisible: bool = False) -> tuple[Page, ...]:
    """Return the pages of a PDF's text layer: glyph clusters and rules (in points).

    Text drawn invisible (the OCR layer a scanner lays over its scan) is no text layer, unless
    ``invisible`` (a scan read without Tesseract).

    Raises
    ------
    InputError
        When the file is not a readable PDF (damaged, or protected by a password).
    """
    pdf = open_pdf(path, source)
    pages: list[Page] = []
    try:
        for number, page in enumerate(pdf, 1):  # type: ignore[call-overload]
            width, height = page.get_size()
            textpage = page.get_textpage()
            words = _words(page, textpage, height, invisible)
            pictures = _picture_boxes(page, height)
            pages.append(Page(number, width, height, words, _rules(page, height),
                              pictures=pictures, rotated=page.get_rotation() != 0))  # fmt: skip
            textpage.close()
            page.close()
    finally:
        pdf.close()  # type: ignore[attr-defined]
    return tuple(pages)


def is_scanned(pages: tuple[Page, ...]) -> bool:
    """Return True when the pages have (almost) no text layer: a scanned document."""
    return sum(len(p.words) for p in pages) < _MIN_CHARS_PER_PAGE * max(1, len(pages))


def scanned_image(page: object) -> object | None:
    """Return the page's image at its own resolution when the page is one image (a scan)."""
    import pypdfium2.raw as pdfium_c

    images = list(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]))  # type: ignore[attr-defined]
    if len(images) != 1:
        return None
    width, height = page.get_size()  # type: ignore[attr-defined]
    left, bottom, right, top = images[0].get_bounds()
    if (right - left) < 0.9 * width or (top - bottom) < 0.9 * height:
        return None
    image = images[0].get_bitmap(render=False).to_pil().convert("L")
    return image if image.width >= 1000 else None


def _picture_boxes(page: object, height: float) -> tuple[tuple[float, float, float, float], ...]:
    """Return the boxes of a page's pictures (image objects), top-down, in points."""
    import pypdfium2.raw as pdfium_c

    boxes = []
    # the page's own pictures: one inside a form XObject has its bounds in the form's space
    for image in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=0):  # type: ignore[attr-defined]
        left, bottom, right, top = image.get_bounds()
        boxes.append((left, height - top, right, height - bottom))
    return tuple(boxes)


def render_pages(path: Path, source: str, dpi: int = SCAN_DPI) -> Iterator[object]:
    """Yield each page of a PDF as a greyscale PIL image.

    A page that is one scanned image gives that image at its own resolution (rendering it
    again would only interpolate); any other page is rendered at ``dpi``.
    """
    pdf = open_pdf(path, source)
    try:
        for page in pdf:  # type: ignore[attr-defined]
            image = scanned_image(page)
            yield (
                image if image is not None else page.render(scale=dpi / 72, grayscale=True).to_pil()
            )
            page.close()
    finally:
        pdf.close()  # type: ignore[attr-defined]
