"""Read and validate assessment files (YAML; format in docs/assessment-format.md).

This is the only place that reads assessment files. :func:`read_assessment_file` parses a file
once and returns the data as written, its line numbers and the immutable
:class:`~ita_lib.model.assessment.Assessment` built from it; :func:`load_assessment` returns the
assessment alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ita_lib.exceptions import InputError, UnknownFiscalYearError
from ita_lib.model.assessment import Assessment
from ita_lib.model.assessment_schema import (
    AssessmentIn,
    build_assessment,
    input_error,
    key_line,
    parse_year,
    where,
)
from ita_lib.model.framework import Framework
from ita_lib.model.framework_files import load_framework
from ita_lib.model.packaged import packaged_data
from ita_lib.model.safe_yaml import parse_yaml

__all__ = [
    "BUNDLED_PREFIX",
    "AssessmentFile",
    "bundled_assessments",
    "load_assessment",
    "parse_assessment",
    "read_assessment_file",
    "resolve_assessment_path",
]

BUNDLED_PREFIX = "bundled:"
_SAMPLES = packaged_data("samples")


# -- Loading -----------------------------------------------------------------------------------


def bundled_assessments() -> tuple[str, ...]:
    """Return the names of the assessments bundled with ita_lib (``bueng-krachap-2565``)."""
    return tuple(
        sorted(p.name.removesuffix(".yaml") for p in _SAMPLES.iterdir() if p.name.endswith(".yaml"))
    )


def resolve_assessment_path(reference: str | Path, *, base_dir: Path | None = None) -> Path:
    """Turn an assessment reference into a file path.

    Parameters
    ----------
    reference
        ``"bundled:<name>"`` for an assessment shipped with ita_lib, or a file path.
    base_dir
        Directory that a relative path is relative to (default: the working directory).

    Raises
    ------
    InputError
        For an unknown bundled name.
    """
    text = str(reference)
    if text.startswith(BUNDLED_PREFIX):
        name = text.removeprefix(BUNDLED_PREFIX)
        if name not in bundled_assessments():
            raise InputError(
                "no such bundled assessment",
                location="assessment",
                expected="one of " + ", ".join(BUNDLED_PREFIX + n for n in bundled_assessments()),
                found=text,
            )
        return Path(str(_SAMPLES / f"{name}.yaml"))
    path = Path(text).expanduser()
    if not path.is_absolute() and base_dir is not None:
        path = base_dir / path
    return path


@dataclass(frozen=True)
class AssessmentFile:
    """An assessment file read once: its data as written, its lines, and the assessment.

    Attributes
    ----------
    source
        The file's name in messages (``bundled:<name>`` for a bundled assessment).
    data
        The mapping read from the file, as written (plain dicts and lists).
    node
        The file's YAML node tree, for :meth:`line_of`.
    assessment
        The validated :class:`~ita_lib.model.assessment.Assessment`.
    """

    source: str
    data: dict[str, Any] = field(repr=False)
    node: yaml.Node | None = field(repr=False)
    assessment: Assessment

    def line_of(self, loc: tuple[str | int, ...]) -> int | None:
        """Return the line of the field at ``loc`` (keys and list indexes).

        Parameters
        ----------
        loc
            The field's path, such as ``("measures", 3, "steps", 0)``.

        Returns
        -------
        int or None
            The 1-based line of the field's key (or list item); of its nearest parent in the
            file when the field itself is not there; None when not even its first key is.
        """
        return key_line(self.node, loc)


def read_assessment_file(reference: str | Path) -> AssessmentFile:
    """Read, parse (once) and validate an assessment file.

    Parameters
    ----------
    reference
        A path to a YAML assessment file, or ``"bundled:<name>"``.

    Returns
    -------
    AssessmentFile
        The data as written with its line numbers, and the assessment built from it.

    Raises
    ------
    InputError
        When the file is missing, empty, not YAML, or does not follow the format. The
        message names the file, the field (and its line) and what was expected.
    """
    path = resolve_assessment_path(reference)
    source = str(reference) if str(reference).startswith(BUNDLED_PREFIX) else str(path)
    root, data = _parse_yaml(_read_text(path, source), source)
    assessment = parse_assessment(data, source=source, node=root)
    assert isinstance(data, dict)  # parse_assessment accepts mappings only
    return AssessmentFile(source=source, data=data, node=root, assessment=assessment)


def load_assessment(reference: str | Path) -> Assessment:
    """Read and validate an assessment file.

    Parameters
    ----------
    reference
        A path to a YAML assessment file, or ``"bundled:<name>"``.

    Returns
    -------
    Assessment

    Raises
    ------
    InputError
        When the file is missing, empty, not YAML, or does not follow the format. The
        message names the file, the field (and its line) and what was expected.
    """
    return read_assessment_file(reference).assessment


def _read_text(path: Path, source: str) -> str:
    """Return the text of an assessment file (UTF-8, a byte-order mark ignored)."""
    if not path.is_file():
        raise InputError("file not found", source=source, expected="an assessment YAML file")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(
            f"cannot read the file ({exc.strerror or type(exc).__name__})",
            source=source,
            expected="a readable assessment YAML file",
        ) from None
    except UnicodeDecodeError as exc:
        raise InputError(
            "file is not UTF-8 text",
            source=source,
            location=f"byte {exc.start}",
            expected="a UTF-8 YAML assessment file",
        ) from None
    if not text.strip():
        raise InputError("file is empty", source=source, expected="an assessment YAML mapping")
    return text


def _parse_yaml(text: str, source: str) -> tuple[yaml.Node | None, object]:
    """Parse YAML once, within bounds: the node tree (for error lines) and the data."""
    return parse_yaml(text, source=source, expected="an assessment YAML mapping")


def parse_assessment(
    data: object, *, source: str = "<data>", node: yaml.Node | None = None
) -> Assessment:
    """Validate already-parsed assessment data (a mapping) and build an :class:`Assessment`.

    Parameters
    ----------
    data
        The mapping read from an assessment file.
    source
        Name of the file or source, used in error messages.
    node
        The YAML node tree of the file, used to add line numbers to error messages.

    Returns
    -------
    Assessment

    Raises
    ------
    InputError
        On the first problem found, naming the field.
    """
    if not isinstance(data, dict):
        raise InputError(
            "the top level is not a mapping",
            source=source,
            expected="an assessment YAML mapping with agency, fiscal_year and scores",
            found=type(data).__name__,
        )
    try:
        raw = AssessmentIn.model_validate(data)
    except ValidationError as exc:
        raise input_error(exc, source, node) from None

    def fail(message: str, loc: tuple[str | int, ...], **kw: Any) -> InputError:
        return InputError(message, source=source, location=where(loc, node), **kw)

    fiscal_year = parse_year(raw.fiscal_year, fail, ("fiscal_year",))
    framework = _framework_of(fiscal_year, source, node)
    return build_assessment(raw, fiscal_year, framework, fail, source)


def _framework_of(fiscal_year: int, source: str, node: yaml.Node | None) -> Framework:
    try:
        return load_framework(fiscal_year)
    except UnknownFiscalYearError as exc:
        raise UnknownFiscalYearError(
            "no framework data for this fiscal year",
            source=source,
            location=where(("fiscal_year",), node),
            expected=exc.expected,
            found=fiscal_year,
        ) from None
