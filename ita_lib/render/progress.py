"""The briefing's progress section: how far the agency's measures got (from a progress file).

A separate fragment (``templates/fragments/progress.html.j2``), rendered only when the briefing
is given a progress file (parameter ``progress``); every text from the file is escaped.
"""

from __future__ import annotations

from ita_lib.model.progress import STATUSES, Progress
from ita_lib.render.briefing import HTMLFragment, NumberFormat, render_fragment
from ita_lib.text.years import format_date

__all__ = ["progress_fragment"]


def progress_fragment(progress: Progress | None, *, thai_digits: bool = False) -> HTMLFragment:
    """Render the progress section (an empty fragment when there is no progress file).

    Parameters
    ----------
    progress
        The measures' progress, from :func:`ita_lib.model.progress.load_progress`.
    thai_digits
        Show numbers and dates in Thai digits.
    """
    if progress is None:
        return HTMLFragment("")
    fmt = NumberFormat(thai_digits=thai_digits)
    counts = progress.counts()
    total = len(progress.measures)
    return render_fragment(
        "progress.html.j2",
        progress=progress,
        f=fmt,
        rows=[(STATUSES[s], fmt.int(n)) for s, n in counts.items()],
        total=fmt.int(total),
        done_share=fmt.score(100 * counts["done"] / total),
        as_of=format_date(progress.as_of, thai_digits=thai_digits) if progress.as_of else None,
        pending=progress.not_done(),
    )
