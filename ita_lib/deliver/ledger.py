"""The record of sent briefings (``briefing.sent.json`` beside the ``.eml``), with its lock.

Each delivery is recorded under a hash of the message's content and its recipients
(:func:`message_key`). A re-run of a schedule finds the entry and does not send the same
briefing again unless asked to. The entry is written before sending and completed after, so a
run killed mid-delivery leaves a "sending" entry that blocks automatic re-sending (at most once,
rather than maybe twice).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterator, Sequence
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from ita_lib.exceptions import DeliveryError
from ita_lib.run.execution import write_atomic

try:  # POSIX: serialise concurrent runs for the same briefing
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = ["LEDGER_NAME", "Ledger", "message_key"]

LEDGER_NAME = "briefing.sent.json"


def message_key(message: EmailMessage, recipients: Sequence[str]) -> str:
    """Return a hash of what makes a message "the same briefing" for the same recipients.

    It covers the envelope recipients, the ``From``, ``To``, ``Cc``, ``Reply-To`` and
    ``Subject`` headers and every leaf part (type, content ID, file name and decoded bytes);
    not ``Message-ID``, ``Date`` or MIME boundaries, which differ on every run.
    """
    digest = hashlib.sha256()

    def add(text: str | bytes) -> None:
        data = text.encode("utf-8") if isinstance(text, str) else text
        digest.update(len(data).to_bytes(8, "big") + data)

    for address in sorted(set(recipients)):
        add(address)
    for name in ("From", "To", "Cc", "Reply-To", "Subject"):
        add(f"{name}: {message.get(name, '')}")
    for part in message.walk():
        if part.is_multipart():
            continue
        add(part.get_content_type())
        add(part.get("Content-ID", ""))
        add(part.get_filename() or "")
        add(part.get_payload(decode=True) or b"")
    return "sha256:" + digest.hexdigest()


class Ledger:
    """The record of sent briefings: ``briefing.sent.json`` beside the ``.eml``.

    A JSON object ``{"schema": 1, "messages": [entry, ...]}``; an entry holds ``key``,
    ``status`` (``sending`` or ``sent``), ``message_id``, ``subject``, ``from``, ``to``, ``cc``,
    ``bcc``, ``server``, ``started_at``, ``sent_at``, ``attempts`` and ``refused``. Written
    atomically; :meth:`locked` serialises runs on the same briefing (POSIX).
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def entries(self) -> list[dict[str, Any]]:
        """Return every entry, oldest first."""
        if not self.path.is_file():
            return []
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            messages = data["messages"]
            if not isinstance(messages, list):
                raise TypeError
        except (ValueError, KeyError, TypeError):
            raise DeliveryError(
                f"{self.path}: the record of sent briefings is damaged; repair it, or delete "
                "it to allow sending again",
                permanent=True,
            ) from None
        return messages

    def find(self, key: str) -> dict[str, Any] | None:
        """Return the latest entry for ``key``, if any."""
        found = [e for e in self.entries() if e.get("key") == key]
        return found[-1] if found else None

    def _write(self, entries: list[dict[str, Any]]) -> None:
        text = json.dumps({"schema": 1, "messages": entries}, ensure_ascii=False, indent=2)
        write_atomic(self.path, text + "\n")

    def add(self, entry: dict[str, Any]) -> None:
        """Append an entry."""
        self._write([*self.entries(), entry])

    def update(self, message_id: str, **changes: Any) -> None:
        """Change the entry of ``message_id``."""
        self._write(
            [{**e, **changes} if e.get("message_id") == message_id else e for e in self.entries()]
        )

    def remove(self, message_id: str) -> None:
        """Remove the entry of ``message_id`` (a delivery that failed)."""
        self._write([e for e in self.entries() if e.get("message_id") != message_id])

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold an exclusive lock on the ledger (a no-op where ``fcntl`` is missing)."""
        if fcntl is None:  # pragma: no cover - Windows
            yield
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock = self.path.with_name(f".{self.path.name}.lock")
        with lock.open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
