"""Flatten a photographed page: find the sheet on the desk and undo the camera's perspective.

Small offices often digitise a signed paper copy by photographing each page with a phone and
gathering the photos into a PDF. Such a page shows some of the desk around the sheet, and the
sheet is a quadrilateral, not a rectangle (the phone was not held square over it): the desk
would be read as ink (a black frame taken for table rules), and rows and rules would slant
differently at the top and the bottom of the page.

:func:`flatten_photo` finds the sheet, all but the dark desk joined to the image's edges, as a
quadrilateral (its four edges fitted to the region's border along their middles, where no
shadow or dog-ear cuts into them) and maps it onto an upright rectangle with a perspective
transform (Pillow). A page whose sheet reaches the image's
edges (a scan, or a photo cropped to the sheet) is left as it is.
"""

from __future__ import annotations

import numpy as np

__all__ = ["flatten_photo", "photo_ink"]

_WORK_WIDTH = 400  # pixels: the sheet is looked for on a copy this wide
_DESK_FRAME = 0.5  # share of each of the image's edges that must be desk (not paper)
_MIN_SHEET = 0.6  # share of the image the sheet must cover (a phone photo is framed on it)
_MIN_FILL = 0.85  # share of its quadrilateral the sheet must fill (not a table's inside)
_EDGE = 0.02  # share of the width or height that counts as the image's edge
_DESK_CONTRAST = 100  # grey levels the desk is darker than the paper, at least
_MARGIN = 0.01  # share of the width whitened along the flattened sheet's edges (desk left there)
_LOCAL = 15  # pixels: half the side of the square a pixel is compared with (photo_ink)
_LOCAL_DARKER = 25  # grey levels darker than its surroundings a pixel of ink is, at least


def _sheet_mask(pixels: np.ndarray) -> np.ndarray | None:
    """Return the mask of the sheet: all but the dark region joined to the image's edges (the
    desk); None when there is no dark desk, distinctly darker than the paper, at the edges."""
    from PIL import Image, ImageDraw

    paper, desk = np.percentile(pixels, 90), np.percentile(pixels, 5)
    if paper - desk < _DESK_CONTRAST:  # nothing dark enough for a desk (a scan): no flood fill
        return None
    dark = pixels <= (paper + desk) / 2
    image = Image.fromarray((dark * 255).astype(np.uint8)).copy()  # (writable)
    height, width = dark.shape
    for x, y in [(0, 0), (width - 1, 0), (0, height - 1), (width - 1, height - 1),
                 (width // 2, 0), (width // 2, height - 1), (0, height // 2),
                 (width - 1, height // 2)]:  # fmt: skip
        if image.getpixel((x, y)) == 255:
            ImageDraw.floodfill(image, (x, y), 128)
    surround = np.asarray(image) == 128
    if not surround.any() or paper - float(np.median(pixels[surround])) < _DESK_CONTRAST:
        return None
    return ~surround


def _is_photo(sheet: np.ndarray, corners: np.ndarray) -> bool:
    """Return True when the sheet covers most of the image and fills its quadrilateral, and
    each of the image's four edges is mostly desk (a scan's are paper)."""
    from PIL import Image, ImageDraw

    height, width = sheet.shape
    dy, dx = max(1, round(_EDGE * height)), max(1, round(_EDGE * width))
    edges = [sheet[:dy], sheet[-dy:], sheet[:, :dx], sheet[:, -dx:]]
    drawn = Image.new("1", (width, height), 0)
    ImageDraw.Draw(drawn).polygon([(float(x), float(y)) for x, y in corners], fill=1)
    quad = np.asarray(drawn, dtype=bool)
    fill = (sheet & quad).sum() / max(1, quad.sum())
    desk_around = all(1.0 - edge.mean() >= _DESK_FRAME for edge in edges)
    return sheet.mean() >= _MIN_SHEET and fill >= _MIN_FILL and desk_around


def _edge(sheet: np.ndarray, last: bool) -> tuple[float, float]:
    """Return the sheet's left (or right, ``last``) edge as ``x = a * y + b``, fitted to the
    first (last) sheet pixel of each row in the middle three fifths of its rows; rows a shadow
    or a dog-ear cuts into are left out of the second fit."""
    rows = np.nonzero(sheet.any(axis=1))[0]
    rows = rows[len(rows) // 5 : len(rows) - len(rows) // 5]
    width = sheet.shape[1]
    xs = np.array(
        [width - 1 - sheet[r, ::-1].argmax() if last else sheet[r].argmax() for r in rows]
    )
    if len(rows) < 2:
        return 0.0, float(xs.mean()) if len(xs) else (width - 1.0 if last else 0.0)
    a, b = np.polyfit(rows, xs, 1)
    off = np.abs(xs - (a * rows + b))
    keep = off <= max(2.0, 2 * float(np.median(off)))
    if keep.sum() >= 2:
        a, b = np.polyfit(rows[keep], xs[keep], 1)
    return float(a), float(b)


def _corners(sheet: np.ndarray) -> np.ndarray:
    """Return the sheet's corners (top left, top right, bottom right, bottom left) as (x, y):
    where its edges (:func:`_edge`), fitted along their middles, meet."""
    left, right = _edge(sheet, False), _edge(sheet, True)
    top, bottom = _edge(sheet.T, False), _edge(sheet.T, True)  # y = a * x + b

    def meet(side: tuple[float, float], end: tuple[float, float]) -> tuple[float, float]:
        (a1, b1), (a2, b2) = side, end  # x = a1 * y + b1 and y = a2 * x + b2
        x = (a1 * b2 + b1) / (1 - a1 * a2)
        return x, a2 * x + b2

    return np.array(
        [meet(left, top), meet(right, top), meet(right, bottom), meet(left, bottom)],
        dtype=np.float64,
    )


def _coefficients(target: np.ndarray, source: np.ndarray) -> tuple[float, ...]:
    """Return Pillow's perspective coefficients mapping ``target`` points onto ``source``."""
    rows = []
    for (x, y), (u, v) in zip(target, source, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    solution = np.linalg.solve(np.array(rows), source.reshape(8))
    return tuple(float(c) for c in solution)


def flatten_photo(image: object) -> tuple[object, bool]:
    """Return the page with the desk cut away and the sheet made a rectangle, and whether it
    was a photo (see the module docstring).

    Parameters
    ----------
    image
        A greyscale PIL image of a page.
    """
    from PIL import Image

    scale = _WORK_WIDTH / image.width  # type: ignore[attr-defined]
    small = image.resize((_WORK_WIDTH, max(1, round(image.height * scale))))  # type: ignore[attr-defined]
    sheet = _sheet_mask(np.asarray(small))
    if sheet is None:
        return image, False
    corners = _corners(sheet)
    if not _is_photo(sheet, corners):
        return image, False
    corners = corners / scale
    top, right = np.linalg.norm(corners[1] - corners[0]), np.linalg.norm(corners[2] - corners[1])
    bottom, left = np.linalg.norm(corners[2] - corners[3]), np.linalg.norm(corners[3] - corners[0])
    width, height = round(max(top, bottom)), round(max(left, right))
    target = np.array([(0, 0), (width, 0), (width, height), (0, height)], dtype=np.float64)
    try:
        coefficients = _coefficients(target, corners)
    except np.linalg.LinAlgError:  # corners in a line: no sheet after all
        return image, False
    flat = image.transform(  # type: ignore[attr-defined]
        (width, height),
        Image.Transform.PERSPECTIVE,
        coefficients,
        resample=Image.Resampling.BICUBIC,
        fillcolor=255,
    )
    margin = max(1, round(_MARGIN * width))
    pixels = np.array(flat)
    pixels[:margin], pixels[-margin:], pixels[:, :margin], pixels[:, -margin:] = 255, 255, 255, 255
    return Image.fromarray(pixels), True


def photo_ink(pixels: np.ndarray) -> np.ndarray:
    """Return the ink mask of a photographed page: pixels darker than their surroundings.

    A photo is lit unevenly and a little blurred: a thin table rule comes out paler than the
    text and, against one threshold for the whole page, breaks into dashes. Compared with the
    mean of the square around it (an integral image), a pixel is ink when it is
    :data:`_LOCAL_DARKER` grey levels darker.
    """
    values = pixels.astype(np.float32)
    height, width = values.shape
    integral = np.pad(values, ((1, 0), (1, 0))).cumsum(0, dtype=np.float64).cumsum(1)
    y0 = np.clip(np.arange(height) - _LOCAL, 0, height)
    y1 = np.clip(np.arange(height) + _LOCAL + 1, 0, height)
    x0 = np.clip(np.arange(width) - _LOCAL, 0, width)
    x1 = np.clip(np.arange(width) + _LOCAL + 1, 0, width)
    total = integral[y1][:, x1] - integral[y0][:, x1] - integral[y1][:, x0] + integral[y0][:, x0]
    mean = total / ((y1 - y0)[:, None] * (x1 - x0)[None, :])
    return values < mean - _LOCAL_DARKER
