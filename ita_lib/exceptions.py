"""Exceptions raised by ita_lib.

Every error a user can cause with bad input is an :class:`InputError` (or a
subclass). Its message is one line that names the source file, the place in it
(row, field or line), what was expected and what was found. The command-line
interface prints that line and exits non-zero without a traceback.
"""

from __future__ import annotations

__all__ = [
    "BriefingError",
    "DeliveryError",
    "FrameworkError",
    "ITAError",
    "InputError",
    "ParameterError",
    "UnknownFiscalYearError",
]


class ITAError(Exception):
    """Base class of every error raised on purpose by ita_lib."""


class InputError(ITAError):
    """Input data (a file, a field, a value) is not what ita_lib expects.

    Parameters
    ----------
    message
        What is wrong, in a few words.
    source
        The file (or other source) the bad input came from, if known.
    location
        Where in the source: ``"row 3, column ind4"``, ``"scores.ind4"``, ``"line 12"``.
    expected
        What a valid value looks like.
    found
        The value that was found (it is shortened when long).
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        location: str | None = None,
        expected: str | None = None,
        found: object = None,
    ) -> None:
        self.message = message
        self.source = None if source is None else str(source)
        self.location = location
        self.expected = expected
        self.found = found
        super().__init__(self._format())

    def _format(self) -> str:
        head = ": ".join(part for part in (self.source, self.location) if part)
        text = f"{head}: {self.message}" if head else self.message
        details = []
        if self.expected is not None:
            details.append(f"expected {self.expected}")
        if self.found is not None:
            found = repr(self.found)
            if len(found) > 80:
                found = found[:77] + "..."
            details.append(f"found {found}")
        if details:
            text += " (" + ", ".join(details) + ")"
        return text


class UnknownFiscalYearError(InputError):
    """No framework data file exists for the requested fiscal year."""


class FrameworkError(ITAError):
    """A framework data file shipped with (or added to) ita_lib is invalid."""


class ParameterError(InputError):
    """A papermill parameters file (``params/*.yaml``) is invalid."""


class BriefingError(ITAError):
    """Executing or exporting a briefing notebook failed.

    Parameters
    ----------
    message
        What failed.
    notebook_path
        The executed notebook kept for diagnosis, when one was written.
    """

    def __init__(self, message: str, *, notebook_path: str | None = None) -> None:
        self.notebook_path = notebook_path
        text = (
            message
            if notebook_path is None
            else f"{message} (executed notebook kept at {notebook_path})"
        )
        super().__init__(text)


class DeliveryError(ITAError):
    """Sending an emailed briefing failed: the message was not delivered.

    The message is one line and never contains a credential.

    Parameters
    ----------
    message
        What failed, naming the server and, for a refusal, the server's reply.
    permanent
        True when trying again cannot help (a refused address, failed authentication, a TLS
        certificate that cannot be verified); False when retries ran out on temporary failures.
    attempts
        How many times delivery was tried.
    """

    def __init__(self, message: str, *, permanent: bool = False, attempts: int = 0) -> None:
        self.permanent = permanent
        self.attempts = attempts
        super().__init__(message)
