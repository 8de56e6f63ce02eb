"""Headless Chromium for tests: screenshots, PDF printing and layout measurements of a page.

Tests that use it skip when Chromium is not installed (``CHROMIUM is None``).
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",  # phones overlay their scroll bars: the page gets the whole width
)

# Measured inside a frame of the given width (headless windows are at least 500 px wide):
# the page's scroll width, the body text size, the size each chart text is drawn at, and the
# elements whose right edge lies beyond the frame.
_PROBE = """<!DOCTYPE html><html><body style="margin:0">
<iframe id="page" src="%(src)s" style="width:%(width)dpx;height:900px;border:0"></iframe>
<script>
window.addEventListener("load", function () {
  var w = document.getElementById("page").contentWindow, d = w.document;
  function size(e) { return parseFloat(w.getComputedStyle(e).fontSize); }
  var out = {
    width: w.innerWidth,
    scrollWidth: d.scrollingElement.scrollWidth,
    body: size(d.body),
    chartText: Array.prototype.map.call(d.querySelectorAll("svg text"), function (t) {
      return size(t) * t.getScreenCTM().a;
    }),
    beyond: Array.prototype.filter.call(d.querySelectorAll("body *"), function (e) {
      return e.getBoundingClientRect().right > w.innerWidth + 0.5;
    }).map(function (e) { return e.tagName.toLowerCase() + "." + (e.getAttribute("class") || ""); }),
    marked: Array.prototype.map.call(d.querySelectorAll(%(marked)s), function (e) {
      var r = e.getBoundingClientRect();
      return {text: e.textContent.trim(), left: r.left, right: r.right};
    })
  };
  var pre = document.createElement("pre");
  pre.id = "probe";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script></body></html>
"""


def _font_config(folder: Path) -> dict[str, str]:
    """The environment of a reader who has Sarabun installed (first in the pages' font stack)."""
    fonts = folder / "fonts.conf"
    fonts.write_text(
        '<?xml version="1.0"?><fontconfig>'
        '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
        f"<dir>{REPO / 'ita_lib' / 'fonts'}</dir><cachedir>{folder / 'fc-cache'}</cachedir>"
        "</fontconfig>",
        encoding="utf-8",
    )
    return {**os.environ, "FONTCONFIG_FILE": str(fonts)}


def run_chromium(folder: Path, *args: str) -> str:
    """Run headless Chromium with ``args`` (a profile in ``folder``); return what it printed."""
    assert CHROMIUM is not None
    done = subprocess.run(
        [CHROMIUM, *_FLAGS, f"--user-data-dir={folder / 'profile'}", *args],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
        env=_font_config(folder),
    )
    return done.stdout


def screenshot(page: Path, folder: Path, width: int, height: int = 2400) -> Path:
    """Save a screenshot of ``page`` at ``width`` x ``height`` CSS px; return its path."""
    shot = folder / f"{page.stem}-{width}.png"
    run_chromium(folder, f"--window-size={width},{height}", f"--screenshot={shot}", page.as_uri())
    return shot


def print_pdf(page: Path, folder: Path) -> Path:
    """Print ``page`` to PDF as a reader's browser would (its own @page size, no headers)."""
    pdf = folder / f"{page.stem}-chromium.pdf"
    run_chromium(folder, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri())
    return pdf


def measure(page: Path, folder: Path, width: int, marked: str = "body") -> dict:
    """Lay ``page`` out ``width`` CSS px wide and measure it (see ``_PROBE``).

    ``marked`` is a CSS selector whose elements' text and horizontal extent are reported.
    """
    probe = folder / f"probe-{width}.html"
    probe.write_text(
        _PROBE % {"src": page.as_uri(), "width": width, "marked": json.dumps(marked)},
        encoding="utf-8",
    )
    dom = run_chromium(
        folder,
        "--allow-file-access-from-files",
        f"--window-size={width + 40},1000",
        "--dump-dom",
        probe.as_uri(),
    )
    found = re.search(r'<pre id="probe">(.*?)</pre>', dom, re.DOTALL)
    assert found, dom[-2000:]
    return json.loads(html.unescape(found[1]))
