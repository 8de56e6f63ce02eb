"""Data files shipped inside the package (``ita_lib/data``): one way to find, read and check them.

Catalogues (framework years, term lists, the item crosswalk, samples) are YAML files validated
with a pydantic model. A catalogue that fails validation is a packaging error
(:class:`~ita_lib.exceptions.ITAError` naming the file), never a user input error.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from ita_lib.exceptions import ITAError

__all__ = ["load_catalogue", "packaged_data", "read_packaged_yaml"]

Model = TypeVar("Model", bound=BaseModel)


def packaged_data(*parts: str) -> Traversable:
    """Return the packaged data file or folder ``ita_lib/data/<parts…>``.

    Examples
    --------
    >>> packaged_data("frameworks", "fy2565.yaml").name
    'fy2565.yaml'
    """
    return files("ita_lib").joinpath("data", *parts)


@cache
def read_packaged_yaml(*parts: str) -> Any:
    """Parse the packaged YAML file ``ita_lib/data/<parts…>`` (cached; do not mutate the result).

    Raises
    ------
    ITAError
        If the file is missing or is not valid YAML.
    """
    name = "/".join(parts)
    try:
        return yaml.safe_load(packaged_data(*parts).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        msg = f"ita_lib/data/{name} cannot be read: {exc}"
        raise ITAError(msg) from None


def load_catalogue(schema: type[Model], *parts: str) -> Model:
    """Read the packaged YAML file ``ita_lib/data/<parts…>`` and validate it with ``schema``.

    Parameters
    ----------
    schema
        The pydantic model of the whole file.
    *parts
        The file's path below ``ita_lib/data``.

    Raises
    ------
    ITAError
        If the file is missing, is not YAML, or does not fit ``schema``.
    """
    try:
        return schema.model_validate(read_packaged_yaml(*parts))
    except ValidationError as exc:
        msg = f"ita_lib/data/{'/'.join(parts)} is invalid: {exc}"
        raise ITAError(msg) from None
