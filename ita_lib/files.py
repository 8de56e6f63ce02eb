"""Where the package may write, and how: one containment rule for every file it writes.

- Names that come from data (an ``itas_code``, a ``slug``, a Thai agency name) become folder
  names only through :func:`safe_component`: one path component, no separators, no NUL or
  control characters, never ``.`` or ``..``, and no longer than :data:`MAX_COMPONENT_BYTES`
  (a long Thai name is shortened on a character boundary and given a hash suffix).
- :func:`contained` joins such names under an output root and checks that the resolved path
  stays under it (symbolic links included).
- :func:`write_atomic` writes through a temporary file and a rename, and replaces only a
  regular file: never a device, a FIFO, a folder or a symbolic link. Files get ``0666`` and
  folders ``0777`` minus the umask (``0644``/``0755`` with the usual umask).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import stat
import tempfile
import unicodedata
from pathlib import Path

from ita_lib.exceptions import InputError

__all__ = [
    "MAX_COMPONENT_BYTES",
    "check_replaceable",
    "contained",
    "file_mode",
    "safe_component",
    "write_atomic",
]

MAX_COMPONENT_BYTES = 150  # file systems allow 255; room is left for temporary-file affixes
_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f/\\]")


def safe_component(name: str, *, source: str | None = None, location: str | None = None) -> str:
    """Return ``name`` as one safe path component, shortened when too long.

    Raises
    ------
    InputError
        When ``name`` is empty, ``.`` or ``..``, or holds a path separator, NUL or a control
        character.
    """
    text = unicodedata.normalize("NFC", str(name)).strip()
    bad = _FORBIDDEN.search(text)
    if not text or text in {".", ".."} or bad:
        raise InputError(
            "not usable as a folder name",
            source=source,
            location=location,
            expected="a name without / \\, NUL or control characters, other than . and ..",
            found=name,
        )
    data = text.encode("utf-8")
    if len(data) <= MAX_COMPONENT_BYTES:
        return text
    digest = hashlib.sha256(data).hexdigest()[:10]
    cut = data[: MAX_COMPONENT_BYTES - len(digest) - 1].decode("utf-8", errors="ignore")
    while cut and unicodedata.category(cut[-1]) in {"Mn", "Mc"}:  # keep marks with their base
        cut = cut[:-1]
    return f"{cut.rstrip('-. ')}-{digest}"


def contained(root: str | Path, *parts: str) -> Path:
    """Return ``root/part/...``, checked to stay under ``root`` once links are resolved.

    Raises
    ------
    InputError
        When the path leaves ``root`` (an absolute part, ``..``, a link pointing out) or
        cannot be resolved (a link loop).
    """
    base = Path(root)
    target = base.joinpath(*parts)
    try:
        inside = target.resolve().is_relative_to(base.resolve())
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symbolic-link loop (Python 3.11)
        raise InputError(
            f"cannot resolve the path ({exc})", source=str(target), expected="a usable folder"
        ) from None
    if not inside:
        raise InputError(
            "the path leaves the output folder",
            source=str(target),
            expected=f"a path under {base}",
        )
    return target


def file_mode(*, folder: bool = False) -> int:
    """Return the permissions of a new file (``0666``) or folder (``0777``) minus the umask."""
    umask = 0o022
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                umask = int(line.split()[1], 8)
    return (0o777 if folder else 0o666) & ~umask


def check_replaceable(path: str | Path) -> None:
    """Refuse a target that exists and is not a regular file (device, FIFO, folder, link).

    Raises
    ------
    InputError
        Naming the file and what it is.
    """
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    if not stat.S_ISREG(mode):
        kind = (
            "a symbolic link"
            if stat.S_ISLNK(mode)
            else "a folder"
            if stat.S_ISDIR(mode)
            else "a device or special file"
        )
        raise InputError(
            f"will not replace {kind}",
            source=str(path),
            expected="a regular file or a new file name",
        )


def write_atomic(path: str | Path, data: str | bytes, *, overwrite: bool = True) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename.

    A reader sees the old file or the new one, never a part. Text is written as UTF-8 with
    ``\\n`` line ends. Temporary files are named ``.<name>.<random>.tmp``.

    Parameters
    ----------
    path
        The file to write; its folder is created if missing.
    data
        Text or bytes.
    overwrite
        Replace an existing regular file (default). When false, an existing file is an error,
        even one that appears while writing.

    Raises
    ------
    InputError
        When ``path`` exists and is not a regular file, or exists and ``overwrite`` is false.
    """
    path = Path(path)
    check_replaceable(path)
    if not overwrite and os.path.lexists(path):
        raise _exists(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name[:100]}.", suffix=".tmp", dir=path.parent)
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data if isinstance(data, bytes) else data.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        tmp.chmod(file_mode())
        if overwrite:
            check_replaceable(path)
            tmp.replace(path)
        else:
            _link_new(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def _exists(path: Path) -> InputError:
    return InputError(
        "file exists", source=str(path), expected="a new file name, or --overwrite to replace it"
    )


def _link_new(temp: Path, target: Path) -> None:
    """Move ``temp`` to ``target`` without ever replacing a file that appeared meanwhile."""
    try:
        os.link(temp, target)
    except FileExistsError:
        raise _exists(target) from None
    except OSError:  # no hard links on this file system
        if os.path.lexists(target):
            raise _exists(target) from None
        temp.replace(target)
