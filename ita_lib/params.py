"""Parameters of the briefing notebook: one declared, typed contract for YAML files and kernels.

papermill only warns about a parameter the notebook does not declare, so a misspelt key in a
``params/*.yaml`` file would be ignored silently. Here both ways in are checked: a parameters
file before any kernel starts (:func:`load_parameters_file`), and the notebook's own namespace
right after papermill injected the values (:meth:`BriefingParameters.from_namespace`).
"""

from __future__ import annotations

import types
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from ita_lib.exceptions import ParameterError

__all__ = ["BriefingParameters", "load_parameters_file"]


class _NoDatesSafeLoader(yaml.SafeLoader):
    """A YAML loader that keeps dates as strings, as papermill's own loader does."""


_NoDatesSafeLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

# Names IPython puts in a kernel's namespace; they are not parameters.
_KERNEL_NAMES = frozenset({"In", "Out", "get_ipython", "exit", "quit", "open"})


class BriefingParameters(BaseModel):
    """Parameters of ``notebooks/briefing.ipynb`` (the names of its ``parameters`` cell).

    Attributes
    ----------
    assessment
        ``"bundled:<name>"`` or the path of an assessment YAML file. A relative path in a
        parameters file run by ``ita brief`` is relative to that file's folder.
    thai_digits
        Show numbers in Thai digits (๙๒.๕๖) instead of Arabic digits (92.56).
    run_timestamp
        Text shown as the briefing's date of preparation; empty shows none, so that the same
        inputs give byte-identical HTML.
    email
        Delivery settings used by ``ita email`` (recipients, sender, SMTP server); the notebook
        itself ignores them. See :mod:`ita_lib.delivery`.
    """

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    assessment: str = "bundled:bueng-krachap-2565"
    thai_digits: bool = False
    run_timestamp: str = ""
    email: dict[str, Any] = {}

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any], *, source: str) -> BriefingParameters:
        """Validate parameter values, naming ``source`` in errors.

        Raises
        ------
        ParameterError
            For an undeclared parameter or a value of the wrong type.
        """
        try:
            return cls.model_validate(dict(values))
        except ValidationError as exc:
            error = exc.errors()[0]
            name = ".".join(str(p) for p in error["loc"]) or "parameters"
            if error["type"] == "extra_forbidden":
                raise ParameterError(
                    "the briefing notebook has no such parameter",
                    source=source,
                    location=name,
                    expected="one of " + ", ".join(cls.model_fields),
                ) from None
            field = cls.model_fields.get(name)
            expected = (
                getattr(field.annotation, "__name__", str(field.annotation)) if field else None
            )
            raise ParameterError(
                error["msg"],
                source=source,
                location=name,
                expected=expected,
                found=error.get("input"),
            ) from None

    @classmethod
    def from_namespace(cls, namespace: Mapping[str, Any]) -> BriefingParameters:
        """Collect and validate the parameters from a notebook's global namespace.

        Any public, non-module name other than the declared parameters (for example one
        injected by ``papermill -p typo value``) is an error.
        """
        values = {
            name: value
            for name, value in namespace.items()
            if not name.startswith("_")
            and name not in _KERNEL_NAMES
            and not isinstance(value, types.ModuleType)
        }
        return cls.from_mapping(values, source="notebook parameters")


def load_parameters_file(path: str | Path) -> BriefingParameters:
    """Read a papermill parameters YAML file and validate it.

    A relative ``assessment`` path is made absolute against the file's folder, so the run
    does not depend on the working directory.

    Raises
    ------
    ParameterError
        When the file is missing, not YAML, not a mapping, or has a bad parameter.
    """
    path = Path(path)
    source = str(path)
    if not path.is_file():
        raise ParameterError("file not found", source=source, expected="a parameters YAML file")
    try:
        data = yaml.load(path.read_text(encoding="utf-8-sig"), Loader=_NoDatesSafeLoader)
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ParameterError(
            "not valid YAML",
            source=source,
            location=f"line {mark.line + 1}" if mark else None,
            expected="a YAML mapping of parameter names to values",
        ) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ParameterError(
            "the top level is not a mapping",
            source=source,
            expected="a YAML mapping of parameter names to values",
            found=type(data).__name__,
        )
    params = BriefingParameters.from_mapping(data, source=source)
    assessment = params.assessment
    if not assessment.startswith("bundled:") and not Path(assessment).expanduser().is_absolute():
        params = params.model_copy(update={"assessment": str((path.parent / assessment).resolve())})
    return params
