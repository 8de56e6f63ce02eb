"""A fiscal year's framework as a catalogue to read: every entry with its evidence status.

``ita framework YEAR`` prints it, so a user can see what the figures of that year rest on:
which instruments, weights, rating levels, sub-indicators and OIT items are verified,
corroborated or unverified, and from which sources.
"""

from __future__ import annotations

from typing import Any

from ita_lib.model.framework import Framework

__all__ = ["catalogue", "catalogue_text"]


def _band_text(band: Any) -> str:
    floor = (
        f", every instrument >= {band.min_each_instrument}"
        if band.min_each_instrument is not None
        else ""
    )
    return f"{band.label}: total >= {band.min_total}{floor}"


def catalogue(framework: Framework) -> dict[str, Any]:
    """Return the framework's entries with their status and sources, as a JSON-ready dict.

    Examples
    --------
    >>> from ita_lib import load_framework
    >>> data = catalogue(load_framework(2568))
    >>> data["items"][9]["code"], data["items"][9]["status"]
    ('o10', 'corroborated')
    """
    return {
        "fiscal_year": framework.fiscal_year,
        "rating_scheme": framework.rating_scheme,
        "pass_mark": str(framework.pass_mark),
        "scoring": {"oit_rollup": framework.scoring.oit_rollup, "status": framework.scoring.status},
        "instruments": [
            {
                "code": i.code,
                "name_th": i.name_th,
                "weight": str(i.weight),
                "status": i.status,
                "sources": list(i.sources),
            }
            for i in framework.instruments
        ],
        "rating_bands": [
            {
                "label": b.label,
                "rule": _band_text(b),
                "status": b.status,
                "sources": list(b.sources),
            }
            for b in framework.rating_bands
        ],
        "sub_indicators": [
            {
                "code": s.code,
                "name_th": s.name_th,
                "items": list(s.items),
                "status": s.status,
                "sources": list(s.sources),
            }
            for s in framework.sub_indicators
        ],
        "items": [
            {
                "code": i.code,
                "instrument": i.instrument,
                "sub_indicator": i.sub_indicator,
                "name_th": i.name_th,
                "status": i.status,
                "sources": list(i.sources),
            }
            for i in framework.items
            if i.instrument == "OIT"
        ],
        "sources": {s.key: {"url": s.url, "note": s.note} for s in framework.sources},
        "status_notes": dict(framework.status_notes),
    }


def catalogue_text(framework: Framework) -> str:
    """Return the catalogue as aligned text lines, one entry a line with ``[status]``."""
    data = catalogue(framework)
    tag = {"verified": "[V]", "corroborated": "[C]", "unverified": "[U]"}
    header = (
        f"ITA framework, fiscal year {framework.fiscal_year}"
        " (statuses: [V] verified, [C] corroborated, [U] unverified)"
    )
    lines = [
        header,
        f"scoring: OIT roll-up {data['scoring']['oit_rollup']} {tag[data['scoring']['status']]}",
        "instruments:",
    ]
    lines += [
        f"  {tag[i['status']]} {i['code']} weight {i['weight']}  {i['name_th']}"
        for i in data["instruments"]
    ]
    lines.append(f"rating ({data['rating_scheme']}, pass mark {data['pass_mark']}):")
    lines += [f"  {tag[b['status']]} {b['rule']}" for b in data["rating_bands"]]
    lines.append("OIT sub-indicators:")
    lines += [
        f"  {tag[s['status']]} {s['code']} {s['name_th']} ({', '.join(s['items'])})"
        for s in data["sub_indicators"]
    ]
    lines.append("OIT items:")
    lines += [
        f"  {tag[i['status']]} {i['code']:<4} {i['sub_indicator'] or '-':<5} {i['name_th'] or ''}"
        f"  <{', '.join(i['sources'])}>"
        for i in data["items"]
    ]
    if data["status_notes"]:
        lines.append("notes:")
        lines += [f"  {key}: {note}" for key, note in data["status_notes"].items()]
    lines.append("sources:")
    lines += [
        f"  {key}: {src['note']}" + (f" {src['url']}" if src["url"] else "")
        for key, src in data["sources"].items()
    ]
    return "\n".join(lines)
