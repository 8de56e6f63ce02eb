"""Charts for briefings, drawn with matplotlib in the Sarabun font shipped with ita_lib.

Charts are returned as PNG bytes so that the same inputs give the same bytes (no timestamps,
fixed size and resolution); notebooks and email editions embed them as they like.
"""

from __future__ import annotations

import io
from functools import cache
from importlib.resources import as_file, files

import matplotlib as mpl
from matplotlib import font_manager
from matplotlib.figure import Figure  # used without pyplot: no backend or global state touched
from matplotlib.ticker import FuncFormatter

from ita_lib.analysis.scoring import ScoreResult
from ita_lib.text.digits import to_thai_digits
from ita_lib.text.numbers import format_score

# Data labels (agency names and types) are text, never TeX: "$" must not start mathtext.
NO_MATH = {"text.parse_math": False}

__all__ = [
    "FONT_FAMILY",
    "NO_MATH",
    "contribution_chart_png",
    "figure_png",
    "indicator_chart_png",
    "register_thai_font",
]

FONT_FAMILY = "Sarabun"
_FONT_FILES = ("Sarabun-Regular.ttf", "Sarabun-Bold.ttf")
_PASS_COLOUR = "#1f6f43"
_FAIL_COLOUR = "#b3261e"
_LINE_COLOUR = "#444444"


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


def indicator_chart_png(result: ScoreResult, *, thai_digits: bool = False) -> bytes:
    """Draw the ten indicators as horizontal bars against the pass mark; return PNG bytes.

    Parameters
    ----------
    result
        The scored assessment.
    thai_digits
        Write the score labels in Thai digits.

    Returns
    -------
    bytes
        A PNG image, 1152 x 864 pixels.
    """
    family = register_thai_font()
    pass_mark = float(result.pass_mark)
    number = to_thai_digits if thai_digits else str
    labels = [f"{number(str(ind.number))}. {ind.name_th}" for ind in result.indicators][::-1]
    values = [float(ind.score) for ind in result.indicators][::-1]
    colours = [_PASS_COLOUR if v >= pass_mark else _FAIL_COLOUR for v in values]

    with mpl.rc_context({"font.family": [family, "DejaVu Sans"], "font.size": 11, **NO_MATH}):
        # Fixed margins, not a layout engine: the labels are known, and constrained layout
        # would draw the whole figure twice (a third of a batch briefing's time).
        fig = Figure(figsize=(8, 6))
        fig.subplots_adjust(left=0.31, right=0.97, top=0.93, bottom=0.1)
        ax = fig.subplots()
        bars = ax.barh(labels, values, color=colours, height=0.62)
        ax.axvline(pass_mark, color=_LINE_COLOUR, linestyle="--", linewidth=1.2)
        ax.text(
            pass_mark,
            len(values) - 0.35,
            f" เกณฑ์ผ่าน {format_score(pass_mark, places=0, thai_digits=thai_digits)}",
            color=_LINE_COLOUR,
            va="bottom",
            ha="left",
            fontsize=10,
        )
        for bar, value in zip(bars, values, strict=True):
            ax.text(
                min(value, 100) - 1,
                bar.get_y() + bar.get_height() / 2,
                format_score(value, thai_digits=thai_digits),
                va="center",
                ha="right",
                color="white",
                fontsize=10,
                fontweight="bold",
            )
        digits = to_thai_digits if thai_digits else str
        ax.set_xlim(0, 100)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: digits(f"{x:.0f}")))
        ax.set_xlabel(digits("คะแนน (เต็ม 100)"))
        ax.set_title("คะแนนรายตัวชี้วัดเทียบกับเกณฑ์ผ่าน", fontweight="bold", loc="left")
        ax.spines[["top", "right"]].set_visible(False)
        ax.tick_params(axis="y", length=0)
        return figure_png(fig)


def contribution_chart_png(result: ScoreResult, *, thai_digits: bool = False) -> bytes:
    """Draw each instrument's weighted contribution against its maximum; return PNG bytes.

    Parameters
    ----------
    result
        The scored assessment.
    thai_digits
        Write the figures in Thai digits.

    Returns
    -------
    bytes
        A PNG image, 1152 x 432 pixels: one bar per instrument, the weighted score over the
        weight x 100 it could reach, labelled with both.
    """
    family = register_thai_font()
    digits = to_thai_digits if thai_digits else str
    instruments = list(result.instruments)[::-1]
    labels = [f"{i.code} (น้ำหนัก {digits(str(int(i.weight * 100)))}%)" for i in instruments]
    maxima = [float(i.weight * 100) for i in instruments]
    values = [float(i.weighted) for i in instruments]
    with mpl.rc_context({"font.family": [family, "DejaVu Sans"], "font.size": 11, **NO_MATH}):
        fig = Figure(figsize=(8, 3))
        fig.subplots_adjust(left=0.2, right=0.97, top=0.86, bottom=0.18)
        ax = fig.subplots()
        ax.barh(labels, maxima, color="#e3e8ee", height=0.6)
        bars = ax.barh(labels, values, color="#0b3d63", height=0.6)
        for bar, value, maximum in zip(bars, values, maxima, strict=True):
            ax.text(
                value + 0.5,
                bar.get_y() + bar.get_height() / 2,
                f"{format_score(value, thai_digits=thai_digits)} / {digits(f'{maximum:.0f}')}"
                f"  (หายไป {format_score(maximum - value, thai_digits=thai_digits)})",
                va="center",
                ha="left",
                fontsize=10,
            )
        ax.set_xlim(0, max(maxima) * 1.45)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: digits(f"{x:.0f}")))
        ax.set_xlabel("คะแนนถ่วงน้ำหนัก")
        ax.set_title(
            f"คะแนนรวม {format_score(result.total, thai_digits=thai_digits)}: ส่วนที่ได้จากแต่ละเครื่องมือ",
            fontweight="bold",
            loc="left",
        )
        ax.spines[["top", "right"]].set_visible(False)
        ax.tick_params(axis="y", length=0)
        return figure_png(fig)
