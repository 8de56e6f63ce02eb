"""Hashes that decide whether a briefing is up to date: inputs, notebook and library."""

from __future__ import annotations

import hashlib
import json
from importlib.metadata import PackageNotFoundError, version
from importlib.resources import files
from pathlib import Path

import ita_lib

__all__ = [
    "OUTPUT_NAMES",
    "STORED_NAMES",
    "briefing_bytes",
    "canonical_json",
    "input_hash",
    "library_fingerprint",
    "output_fingerprints",
    "sha256_hex",
]

OUTPUT_NAMES = ("briefing.html", "briefing.ipynb")  # what a stamp vouches for
STORED_NAMES = (*OUTPUT_NAMES, "briefing.stamp.json", "assessment.yaml")  # what a run writes


def sha256_hex(data: bytes | str) -> str:
    """Return the SHA-256 of bytes, or of text as UTF-8, in hex."""
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


def canonical_json(value: object) -> str:
    """Return ``value`` as compact JSON with sorted keys: equal values give equal text."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def library_fingerprint() -> str:
    """Return a hash of ``ita_lib`` (version and files) and of the versions of the stack.

    A briefing made with another fingerprint is made again, so that an upgraded or edited
    library, template or framework file never leaves stale briefings behind.
    """
    digest = hashlib.sha256(f"ita_lib {ita_lib.__version__}\n".encode())
    root = Path(str(files("ita_lib")))
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(sha256_hex(path.read_bytes()).encode())
    for dist in ("papermill", "nbclient", "nbconvert", "nbformat", "jinja2", "matplotlib"):
        try:
            digest.update(f"{dist}=={version(dist)}\n".encode())
        except PackageNotFoundError:
            digest.update(f"{dist} missing\n".encode())
    return digest.hexdigest()


def input_hash(inputs: object, notebook_sha: str, library: str) -> str:
    """Return the hash of a briefing's inputs, its notebook and the library.

    Parameters
    ----------
    inputs
        JSON-able description of the inputs (parameters, assessment data or file hashes).
    notebook_sha, library
        Hashes of the notebook and of :func:`library_fingerprint`.
    """
    payload = {"inputs": inputs, "notebook": notebook_sha, "library": library}
    return sha256_hex(canonical_json(payload))


def output_fingerprints(out_dir: Path) -> dict[str, dict[str, object]]:
    """Return the size and SHA-256 of a briefing's outputs, as its stamp records them.

    Resuming compares them with the files, so a truncated or edited briefing is made again
    even though its stamp says it is up to date. Missing files are left out.
    """
    found: dict[str, dict[str, object]] = {}
    for name in OUTPUT_NAMES:
        try:
            data = (out_dir / name).read_bytes()
        except OSError:
            continue
        found[name] = {"size": len(data), "sha256": sha256_hex(data)}
    return found


def briefing_bytes(out_dir: Path) -> int:
    """Return the bytes a briefing's folder holds of what a batch writes (:data:`STORED_NAMES`).

    The HTML, the executed notebook, the stamp and, for a table row, its assessment file;
    missing files count 0. A PDF edition (written after the batch) is not counted.
    """
    total = 0
    for name in STORED_NAMES:
        try:
            total += (out_dir / name).stat().st_size
        except OSError:
            continue
    return total
