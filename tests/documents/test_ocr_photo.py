"""A page photographed on a desk is flattened before OCR; a scan is left as it is."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from ita_lib.documents.ocr_photo import flatten_photo

PAGE = (1240, 1754)  # A4 at 150 dpi


def _page() -> Image.Image:
    """A white page with a ruled table: a frame and a vertical rule at x = 620."""
    page = Image.new("L", PAGE, 245)
    draw = ImageDraw.Draw(page)
    draw.rectangle((100, 300, 1140, 1400), outline=0, width=4)
    draw.line((620, 300, 620, 1400), fill=0, width=4)
    for y in range(400, 1400, 100):
        draw.line((100, y, 1140, y), fill=0, width=3)
    return page


def _photo(page: Image.Image) -> Image.Image:
    """The page on a dark desk, seen from a little off square (keystone) and turned."""
    width, height = 1400, 1950
    corners = [(260, 120), (1250, 60), (1340, 1880), (40, 1900)]  # where the page's corners fall
    src = np.array([(0, 0), (PAGE[0], 0), PAGE, (0, PAGE[1])], dtype=float)
    rows = []
    for (x, y), (u, v) in zip(corners, src, strict=True):
        rows += [[x, y, 1, 0, 0, 0, -u * x, -u * y], [0, 0, 0, x, y, 1, -v * x, -v * y]]
    coefficients = np.linalg.solve(np.array(rows, dtype=float), src.reshape(8))
    return page.transform((width, height), Image.Transform.PERSPECTIVE, tuple(coefficients),
                          resample=Image.Resampling.BICUBIC, fillcolor=70)  # fmt: skip


def _rule_column(image: Image.Image, top: float, bottom: float) -> list[int]:
    """Return, at a few heights between ``top`` and ``bottom`` (shares of the height), the x of
    the darkest column in the page's middle third: where the vertical rule is."""
    pixels = np.asarray(image, dtype=float)
    height, width = pixels.shape
    out = []
    for share in np.linspace(top, bottom, 5):
        row = pixels[round(share * height), width // 3 : 2 * width // 3]
        out.append(int(row.argmin()) + width // 3)
    return out


def test_a_photographed_page_is_cut_from_the_desk_and_made_square():
    photo = _photo(_page())
    before = _rule_column(photo, 0.25, 0.75)
    flat, flattened = flatten_photo(photo)
    assert flattened
    assert abs(flat.width / flat.height - PAGE[0] / PAGE[1]) < 0.03
    after = _rule_column(flat, 0.25, 0.75)
    assert max(before) - min(before) > 20  # the rule leans in the photo
    assert max(after) - min(after) <= 4  # and stands upright on the flattened page
    assert abs(np.mean(after) / flat.width - 620 / PAGE[0]) < 0.01
    assert np.asarray(flat)[:20, :20].mean() > 200  # no desk left in the corner


def test_a_scan_and_a_dark_edged_scan_are_left_as_they_are():
    scan = _page()
    assert flatten_photo(scan) == (scan, False)
    shaded = np.asarray(scan, dtype=float)
    shaded[:, :60] *= 0.5  # a dark band where the scanner's lid let light in: no desk around
    shaded[:, -60:] *= 0.5
    shaded_scan = Image.fromarray(shaded.astype(np.uint8))
    assert flatten_photo(shaded_scan)[1] is False


def test_a_faint_rule_on_an_unevenly_lit_photo_is_ink_all_along():
    """Against one threshold for the page a thin pale rule breaks into dashes where the light is
    brighter; against its surroundings it is ink all along."""
    from ita_lib.documents.ocr import _ink
    from ita_lib.documents.ocr_photo import photo_ink

    light = np.linspace(150, 245, 1000)[:, None] * np.ones((1, 800))  # darker at the top
    pixels = light.copy()
    pixels[:, 400:402] = light[:, :2] - 45  # a thin rule, 45 levels darker than the paper
    pixels[500:520, 100:300] = 10  # a line of text, black
    pixels = pixels.astype(np.uint8)
    assert photo_ink(pixels)[:, 400].all()
    assert not _ink(pixels)[:, 400].all()  # one threshold loses the rule where it is light
    assert not photo_ink(pixels)[:, 600].any()  # paper is no ink, however it is lit
