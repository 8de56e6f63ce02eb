"""One factory for the package's Jinja environments (fragments, email, batch index).

Every environment fails on an undefined name (``StrictUndefined``) and escapes by default, so
text from documents can never become markup.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

__all__ = ["template_environment"]


def _escape_all(_name: str | None) -> bool:
    return True


def _escape_html_only(name: str | None) -> bool:
    return bool(name) and name.endswith(".html.j2")


_AUTOESCAPE: dict[str, Callable[[str | None], bool]] = {
    "all": select_autoescape(default=True, default_for_string=True),
    "html-only": _escape_html_only,
}


@cache
def template_environment(
    folder: str, *, escape: str = "all", text_mode: bool = False
) -> Environment:
    """Return the (cached) Jinja environment for ``ita_lib/templates/<folder>``.

    Parameters
    ----------
    folder
        The template folder below ``ita_lib/templates``.
    escape
        ``"all"`` escapes every template and string; ``"html-only"`` escapes ``*.html.j2``
        templates and leaves plain-text templates (``*.txt.j2``) as written.
    text_mode
        Trim block lines and keep the trailing newline, for templates whose white space is output.
    """
    return Environment(
        loader=PackageLoader("ita_lib", f"templates/{folder}"),
        autoescape=_AUTOESCAPE[escape],
        undefined=StrictUndefined,
        trim_blocks=text_mode,
        lstrip_blocks=text_mode,
        keep_trailing_newline=text_mode,
    )
