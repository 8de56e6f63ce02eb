"""The marks that identify synthetic (invented) agencies, wherever their rows end up.

Every row of a synthetic results table (:mod:`ita_lib.model.synthetic`) and every agency of a
synthetic portfolio is marked: the agency name ends with :data:`SYNTHETIC_MARK`
(``(ข้อมูลสังเคราะห์)``, "synthetic data") and the ITAS code, when there is one, starts with
:data:`SYNTHETIC_CODE_PREFIX`. Briefings, peer comparisons and batch indexes test for the marks
with :func:`is_synthetic` so that invented figures are never shown as results.
"""

from __future__ import annotations

__all__ = ["SYNTHETIC_CODE_PREFIX", "SYNTHETIC_MARK", "is_synthetic"]

SYNTHETIC_MARK = "(ข้อมูลสังเคราะห์)"
"""The end of every synthetic agency's name."""

SYNTHETIC_CODE_PREFIX = "SYN-"
"""The start of every synthetic agency's ITAS code."""


def is_synthetic(agency_name: str | None, itas_code: str | None = None) -> bool:
    """Return whether an agency comes from a synthetic table (by its name or ITAS code).

    Parameters
    ----------
    agency_name
        The agency's name, or None.
    itas_code
        The agency's ITAS code, or None.

    Returns
    -------
    bool
        True when the name ends with :data:`SYNTHETIC_MARK` or the code starts with
        :data:`SYNTHETIC_CODE_PREFIX`.
    """
    return bool(
        (agency_name and agency_name.endswith(SYNTHETIC_MARK))
        or (itas_code and itas_code.startswith(SYNTHETIC_CODE_PREFIX))
    )
