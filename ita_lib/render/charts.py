"""Charts for briefings, drawn with matplotlib in the Sarabun font shipped with ita_lib.

Each chart is one matplotlib figure, returned as compact SVG for the browser briefing (text
kept as text, so the page's embedded font draws it and it stays sharp and readable at phone
width) or as PNG for the email edition. Both are byte-identical for the same inputs (no dates,
fixed ids, fixed size). The charts are laid out for a narrow screen: each bar's label sits on
its own line above the bar, text is at body size, and the score axis starts near the lowest
score so that differences show, with the pass line marked.
"""

from __future__ import annotations

import io
import math
import re
import threading
from collections.abc import Callable
from functools import cache
from importlib.resources import as_file, files
from typing import Any

import matplotlib as mpl
from matplotlib import font_manager
from matplotlib.figure import Figure  # used without pyplot: no backend or global state touched
from matplotlib.ticker import FuncFormatter, MultipleLocator

from ita_lib.analysis.scoring import ScoreResult
from ita_lib.text.digits import to_thai_digits
from ita_lib.text.numbers import format_score

__all__ = [
    "CHART_TEXT_SIZE",
    "FONT_FAMILY",
    "NO_MATH",
    "chart_svg",
    "contribution_chart",
    "contribution_chart_png",
    "figure_png",
    "figure_svg",
    "indicator_chart",
    "indicator_chart_png",
    "register_thai_font",
    "score_axis_start",
]

FONT_FAMILY = "Sarabun"
CHART_TEXT_SIZE = 19
"""Text size of the labels in the charts' own units (points of a 5.6-inch-wide figure); axis
numbers and the pass line's label are one smaller. Both are drawn at least at body size
(16 px) on a 390 px phone, where the chart fills the width of the page (about 370 px)."""
_SMALL_TEXT_SIZE = CHART_TEXT_SIZE - 1
_WIDTH_IN = 5.6
_FONT_FILES = ("Sarabun-Regular.ttf", "Sarabun-Bold.ttf")
_PASS_COLOUR = "#1f6f43"
_FAIL_COLOUR = "#b3261e"
_LINE_COLOUR = "#444444"
# Data labels (agency names and types) are text, never TeX: "$" must not start mathtext.
NO_MATH = {"text.parse_math": False}
_RC = {"font.size": CHART_TEXT_SIZE, "svg.fonttype": "none", "axes.linewidth": 0.8, **NO_MATH}


@cache
def register_thai_font() -> str:
    """Register the bundled Sarabun font with matplotlib and return its family name.

    Safe to call many times. Matplotlib >= 3.11 shapes Thai text (tone marks and vowels)
    correctly with it.
    """
    for name in _FONT_FILES:
        with as_file(files("ita_lib") / "fonts" / name) as path:
            font_manager.fontManager.addfont(str(path))
    return FONT_FAMILY


def figure_png(fig: Figure, *, dpi: int = 144) -> bytes:
    """Return a figure as PNG bytes without metadata that varies between runs."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


_SVG_PROLOGUE = re.compile(r"\A.*?(?=<svg)", re.DOTALL)
_SVG_NOISE = re.compile(r"<metadata>.*?</metadata>\s*|<!--.*?-->\s*", re.DOTALL)


def figure_svg(fig: Figure, *, salt: str, title: str = "") -> str:
    """Return a figure as an ``<svg>`` element to place inline in an HTML page.

    Text stays text (``svg.fonttype: none``) in the page's font; ids are derived from ``salt``
    so that two charts on one page never share one and the same inputs give the same bytes.
    The XML prologue, metadata and comments are left out; the fixed width and height are
    replaced by the view box alone, so the chart scales to its container.
    """
    buffer = io.StringIO()
    with mpl.rc_context({**_RC, "svg.hashsalt": salt}):
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    svg = _SVG_NOISE.sub("", _SVG_PROLOGUE.sub("", buffer.getvalue()))
    svg = re.sub(r'<svg [^>]*?(viewBox="[^"]+")[^>]*>', r'<svg \1 role="img">', svg, count=1)
    if title:
        from markupsafe import escape

        svg = svg.replace('role="img">', f'role="img"><title>{escape(title)}</title>', 1)
    used = set(re.findall(r'(?:url\(#|href="#)([^)"]+)', svg))
    svg = re.sub(r' id="([^"]+)"', lambda m: m[0] if m[1] in used else "", svg)
    return re.sub(r"\s*\n\s*", " ", re.sub(r">\s+<", "><", svg)).strip()


def score_axis_start(lowest: float, pass_mark: float) -> float:
    """Return where a score axis starts: a multiple of 5 at least 5 below the lowest score
    and the pass mark (0 when that would be negative), so that differences between scores show."""
    return max(0.0, 5.0 * math.floor((min(lowest, pass_mark) - 5.0) / 5.0))


def _axis(ax: Any, start: float, end: float, digits: Callable[[str], str]) -> None:
    """Set the score axis: its range, a tick every 5 (or 10) points, numbers in ``digits``."""
    ax.set_xlim(start, end)
    ax.xaxis.set_major_locator(MultipleLocator(5 if end - start <= 30 else 10))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: digits(f"{x:.0f}")))


def _frame(fig: Figure, rect: tuple[float, float, float, float], rows: int, top: float) -> Any:
    """Add the chart's axes: no y axis, only the bottom spine, ``rows`` rows of bars."""
    ax = fig.add_axes(rect)
    ax.set_ylim(-0.6, rows - top)
    ax.set_yticks([])
    ax.spines[["top", "right", "left"]].set_visible(False)
    ax.tick_params(axis="x", labelsize=_SMALL_TEXT_SIZE)
    return ax


_OVER_LINE: dict[str, Any] = {
    "zorder": 3,
    "bbox": {"facecolor": "white", "edgecolor": "none", "pad": 0.6},
}


class _IndicatorCanvas:
    """The indicator chart's figure for ``rows`` indicators, filled in by :meth:`draw`.

    A canvas can be drawn again and again (a batch worker keeps one): every artist is made
    once, in the same order as on a new canvas, and :meth:`draw` sets all of their values, so a
    reused canvas gives the same SVG bytes as a new one (tested).
    """

    def __init__(self, rows: int) -> None:
        self.rows = rows
        height = 0.62 * rows + 1.0
        self.fig = Figure(figsize=(_WIDTH_IN, height))
        ax = self.ax = _frame(self.fig, (0.04, 0.5 / height, 0.93, 1 - 0.95 / height), rows, 0.1)
        self.bars, self.labels, self.scores = [], [], []
        for k in range(rows):
            y = rows - 1 - k
            self.bars.append(ax.barh(y - 0.18, 1, height=0.36, zorder=3.5)[0])  # over names' ground
            # names on a white ground above the pass line, which would cross them otherwise;
            # scores above the names' ground, which may reach them
            self.labels.append(ax.text(0, y + 0.04, "", va="bottom", ha="left", **_OVER_LINE))
            self.scores.append(
                ax.text(0, y - 0.18, "", va="center", ha="left", fontweight="bold", zorder=4)
            )
        self.line = ax.axvline(0, color=_LINE_COLOUR, linestyle="--", linewidth=1.2, zorder=2)
        self.pass_label = ax.text(
            0, rows - 0.1, "", color=_LINE_COLOUR, va="bottom", ha="center",
            fontsize=_SMALL_TEXT_SIZE,
        )  # fmt: skip

    def draw(self, result: ScoreResult, thai_digits: bool) -> Figure:
        """Show ``result``'s indicators on this canvas and return its figure."""
        pass_mark = float(result.pass_mark)
        number = to_thai_digits if thai_digits else str
        rows = [
            (f"{number(str(i.number))}. {i.name_th}", float(i.score)) for i in result.indicators
        ]
        start = score_axis_start(min(v for _, v in rows), pass_mark)
        for bar, label, score, (text, value) in zip(
            self.bars, self.labels, self.scores, rows, strict=True
        ):
            bar.set_x(start)
            bar.set_width(max(value - start, 0))
            bar.set_facecolor(_PASS_COLOUR if value >= pass_mark else _FAIL_COLOUR)
            label.set_x(start)
            label.set_text(text)
            score.set_x(max(value, start) + 0.6)
            score.set_text(format_score(value, thai_digits=thai_digits))
        self.line.set_xdata([pass_mark, pass_mark])
        self.pass_label.set_x(pass_mark)
        self.pass_label.set_text(
            f"เกณฑ์ผ่าน {format_score(pass_mark, places=0, thai_digits=thai_digits)}"
        )
        end = 100 + (100 - start) * 0.24  # room for the last score's label
        _axis(self.ax, start, end, number)
        return self.fig


class _ContributionCanvas:
    """The contribution chart's figure for ``rows`` instruments (see :class:`_IndicatorCanvas`)."""

    def __init__(self, rows: int) -> None:
        self.rows = rows
        height = 0.62 * rows + 0.55
        self.fig = Figure(figsize=(_WIDTH_IN, height))
        ax = self.ax = _frame(self.fig, (0.03, 0.45 / height, 0.93, 1 - 0.5 / height), rows, 0.2)
        self.maxima, self.values, self.labels = [], [], []
        for k in range(rows):
            y = rows - 1 - k
            self.maxima.append(ax.barh(y - 0.18, 1, height=0.36, color="#e3e8ee")[0])
            self.values.append(ax.barh(y - 0.18, 1, height=0.36, color="#0b3d63")[0])
            self.labels.append(ax.text(0, y + 0.04, "", va="bottom", ha="left"))

    def draw(self, result: ScoreResult, thai_digits: bool) -> Figure:
        """Show ``result``'s instruments on this canvas and return its figure."""
        digits = to_thai_digits if thai_digits else str
        widest = 0.0
        for instrument, top, bar, label in zip(
            result.instruments, self.maxima, self.values, self.labels, strict=True
        ):
            maximum, value = float(instrument.weight * 100), float(instrument.weighted)
            top.set_width(maximum)
            bar.set_width(value)
            label.set_text(
                f"{instrument.code} (น้ำหนัก {digits(str(int(maximum)))}%): "
                f"{format_score(value, thai_digits=thai_digits)} จาก {digits(f'{maximum:.0f}')}"
                f" หายไป {format_score(maximum - value, thai_digits=thai_digits)}"
            )
            widest = max(widest, maximum)
        _axis(self.ax, 0, widest * 1.02, digits)
        return self.fig


def _new_figure(canvas: type, result: ScoreResult, rows: int, thai_digits: bool) -> Figure:
    family = register_thai_font()
    with mpl.rc_context({**_RC, "font.family": [family, "DejaVu Sans"]}):
        return canvas(rows).draw(result, thai_digits)


def indicator_chart(result: ScoreResult, *, thai_digits: bool = False) -> Figure:
    """Draw the ten indicators as bars against the pass mark, each label above its bar.

    The axis starts near the lowest score (:func:`score_axis_start`); the pass line is dashed
    and labelled; bars below it are red, the others green; each score is written after its bar.
    Returns a new figure.
    """
    return _new_figure(_IndicatorCanvas, result, len(result.indicators), thai_digits)


def contribution_chart(result: ScoreResult, *, thai_digits: bool = False) -> Figure:
    """Draw each instrument's weighted score against its maximum (the weight x 100).

    Each instrument has its label line (code, weight, score over maximum, points lost) above
    a bar: the light bar is the maximum, the dark one the weighted score. Returns a new figure.
    """
    return _new_figure(_ContributionCanvas, result, len(result.instruments), thai_digits)


_canvases: dict[tuple[type, int], Any] = {}
_canvas_lock = threading.Lock()


def chart_svg(kind: str, result: ScoreResult, *, thai_digits: bool, title: str = "") -> str:
    """Return the ``"indicators"`` or ``"contribution"`` chart of ``result`` as inline SVG.

    The same bytes as :func:`figure_svg` of :func:`indicator_chart` (or
    :func:`contribution_chart`) with ``kind`` as salt, made faster: the figure is kept and
    drawn again for the next briefing in this process instead of being built anew.

    Parameters
    ----------
    kind
        ``"indicators"`` or ``"contribution"``.
    result
        The agency's scores.
    thai_digits
        Write numbers in Thai digits.
    title
        The chart's ``<title>`` (its text alternative), if any.

    Returns
    -------
    str
        One ``<svg>`` element.

    Raises
    ------
    ValueError
        For another ``kind``.
    """
    if kind not in ("indicators", "contribution"):
        raise ValueError(f"no such chart: {kind!r} (expected indicators or contribution)")
    canvas_type, rows = (
        (_IndicatorCanvas, len(result.indicators))
        if kind == "indicators"
        else (_ContributionCanvas, len(result.instruments))
    )
    family = register_thai_font()
    with _canvas_lock, mpl.rc_context({**_RC, "font.family": [family, "DejaVu Sans"]}):
        canvas = _canvases.get((canvas_type, rows))
        if canvas is None:
            canvas = _canvases[canvas_type, rows] = canvas_type(rows)
        return figure_svg(canvas.draw(result, thai_digits), salt=kind, title=title)


def indicator_chart_png(result: ScoreResult, *, thai_digits: bool = False) -> bytes:
    """Return :func:`indicator_chart` as PNG bytes (for the email edition)."""
    return figure_png(indicator_chart(result, thai_digits=thai_digits), dpi=110)


def contribution_chart_png(result: ScoreResult, *, thai_digits: bool = False) -> bytes:
    """Return :func:`contribution_chart` as PNG bytes (for the email edition)."""
    return figure_png(contribution_chart(result, thai_digits=thai_digits), dpi=110)
