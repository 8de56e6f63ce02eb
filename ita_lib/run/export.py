"""Export an executed notebook to one self-contained HTML page with nbconvert.

The exporter (the package's ``briefing_html`` template, inputs and prompts hidden, parameter
cells removed) is built once per thread and reused; the bundled Sarabun faces are embedded in
the page, so it needs no installed Thai font.
"""

from __future__ import annotations

import threading
from contextlib import ExitStack
from functools import cache
from importlib.resources import as_file, files
from typing import Any

import nbformat
from nbconvert import HTMLExporter, TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
from nbconvert.preprocessors import TagRemovePreprocessor

from ita_lib.render.briefing import fragment_css, fragment_style
from ita_lib.render.fonts import FONT_UNICODES, embedded_fonts, subset_woff2

__all__ = [
    "FONT_UNICODES",
    "REMOVED_TAGS",
    "embedded_fonts",
    "export_html",
    "notebook_json",
    "slim_notebook",
    "subset_woff2",
]

REMOVED_TAGS = ("parameters", "injected-parameters", "remove_cell")

_exporters = threading.local()
_resources = ExitStack()  # keeps the templates folder available for the life of the process


@cache
def _templates_dir() -> str:
    return str(_resources.enter_context(as_file(files("ita_lib") / "templates")))


class _BriefingExporter(HTMLExporter):
    """nbconvert's HTML exporter without two passes a briefing does not need.

    - nbconvert validates the whole notebook after each of its ~13 preprocessors (a third of
      the export time); the notebook comes from papermill, which validated it, and the only
      enabled preprocessor removes cells.
    - :meth:`HTMLExporter.from_notebook_node` parses the finished page with BeautifulSoup and
      serialises it again (about half the export time), to give ``<img>`` without ``alt`` a
      stand-in text and JupyterLab cells a ``tabindex``. The briefing template is the classic
      one (no JupyterLab cells) and every image ita_lib draws has its own ``alt``; the page is
      the template's output as written (escaped by Jinja's autoescape and ita_lib's templates).
    """

    def _validate_preprocessor(self, nbc: nbformat.NotebookNode, preprocessor: Any) -> None:
        """Skip the validation."""

    def from_notebook_node(  # type: ignore[override]
        self, nb: nbformat.NotebookNode, resources: dict[str, Any] | None = None, **kw: Any
    ) -> tuple[str, dict[str, Any]]:
        """Render the page with the template, as HTMLExporter does, without the soup pass."""
        resources = self._init_resources(resources)
        data_filter = WidgetsDataTypeFilter(
            notebook_metadata=self._nb_metadata, parent=self, resources=resources
        )
        self.register_filter(
            "highlight_code", Highlight2HTML(pygments_lexer="ipython3", parent=self)
        )
        self.register_filter("filter_data_type", data_filter)
        return TemplateExporter.from_notebook_node(self, nb, resources, **kw)


def _html_exporter() -> HTMLExporter:
    """Return this thread's HTML exporter (building one compiles templates: ~40 ms)."""
    exporter = getattr(_exporters, "exporter", None)
    if exporter is None:
        exporter = _BriefingExporter(
            extra_template_basedirs=[_templates_dir()],
            template_name="briefing_html",
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
            exclude_anchor_links=True,
        )
        remove = TagRemovePreprocessor(remove_cell_tags=set(REMOVED_TAGS), enabled=True)
        exporter.register_preprocessor(remove, enabled=True)
        _exporters.exporter = exporter
    return exporter


def export_html(notebook: nbformat.NotebookNode, *, title: str) -> str:
    """Export an executed briefing notebook to self-contained HTML without code.

    Cells tagged ``parameters``, ``injected-parameters`` or ``remove_cell`` are removed,
    inputs and prompts are hidden, and the page carries ``lang="th"`` and no scripts. The
    exporter is built once per thread and reused.

    Parameters
    ----------
    notebook
        The executed notebook.
    title
        Page title of the HTML.

    Returns
    -------
    str
        The HTML page.
    """
    resources = {
        "metadata": {"name": title},
        "ita_fonts": embedded_fonts(),
        "ita_fragment_css": fragment_css(),
    }
    notebook = _without_fragment_styles(notebook)
    body, _ = _html_exporter().from_notebook_node(notebook, resources=resources)
    return body


RICH_OUTPUT_TYPES = frozenset({"display_data", "execute_result"})


def _slim_output(output: nbformat.NotebookNode, exported_to: str) -> nbformat.NotebookNode:
    if output.get("output_type") not in RICH_OUTPUT_TYPES:
        return output
    text = output.get("data", {}).get("text/plain", f"<output in {exported_to}>")
    data = nbformat.NotebookNode({"text/plain": text})
    return nbformat.NotebookNode({**output, "data": data, "metadata": nbformat.NotebookNode()})


def slim_notebook(notebook: nbformat.NotebookNode, *, exported_to: str) -> nbformat.NotebookNode:
    """Return an executed notebook without the payloads its HTML export carries.

    Every ``display_data`` and ``execute_result`` output keeps only its ``text/plain``
    stand-in (``<ita_lib HTML fragment>`` for a briefing section); HTML, SVG, images and
    any other rich representation are dropped, since the exported page holds them. Stream
    and error outputs, execution counts, the parameters and papermill's metadata (timings,
    exceptions) are kept, and ``metadata.ita`` says where the rich outputs went.

    Parameters
    ----------
    notebook
        The executed notebook; not changed (the result shares its unchanged parts).
    exported_to
        Name of the exported page (``briefing.html``), recorded in the metadata.

    Returns
    -------
    nbformat.NotebookNode
        A new notebook.
    """
    cells = [
        nbformat.NotebookNode(
            {**cell, "outputs": [_slim_output(o, exported_to) for o in cell.outputs]}
        )
        if cell.get("outputs")
        else cell
        for cell in notebook.cells
    ]
    ita = {"rich_outputs": "removed", "exported_to": exported_to}
    metadata = nbformat.NotebookNode({**notebook.metadata, "ita": ita})
    return nbformat.NotebookNode({**notebook, "cells": cells, "metadata": metadata})


def notebook_json(notebook: nbformat.NotebookNode) -> str:
    """Return a notebook as nbformat writes it, without validating it again.

    For notebooks papermill has run (and validated); :func:`nbformat.writes` would validate
    the whole notebook against the schema first.
    """
    return nbformat.v4.nbjson.writes(notebook)


def _without_fragment_styles(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Return a copy whose HTML outputs no longer carry the fragments' stylesheet (the page has it once)."""
    style = fragment_style()
    if not any(
        style in str(output.get("data", {}).get("text/html", ""))
        for cell in notebook.cells
        for output in cell.get("outputs", [])
    ):
        return notebook
    copy = nbformat.from_dict(notebook)
    for cell in copy.cells:
        for output in cell.get("outputs", []):
            html = output.get("data", {}).get("text/html")
            if html is not None:
                text = "".join(html) if isinstance(html, list) else html
                output["data"]["text/html"] = text.replace(style, "")
    return copy
