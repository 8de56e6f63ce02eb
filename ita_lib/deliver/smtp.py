"""SMTP delivery: settings, connection (STARTTLS, TLS or none), login, and retries.

- SMTP with STARTTLS (default, port 587), implicit TLS (port 465) or none (port 25); the
  server's certificate is verified against the system's authorities, or ``email.smtp.ca_file``;
- the password only from the environment variable named by ``email.smtp.password_env``; it never
  appears in logs, files or error messages (server replies are scrubbed of it too);
- time-outs on every connection; temporary failures (4xx replies, refused or dropped
  connections, time-outs) are retried with exponential back-off; permanent ones (5xx replies
  such as a refused address, failed authentication, TLS errors) stop at once with a one-line
  :class:`~ita_lib.exceptions.DeliveryError`.
"""

from __future__ import annotations

import base64
import os
import re
import smtplib
import socket
import ssl
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

from ita_lib.exceptions import DeliveryError, ParameterError
from ita_lib.log import logger
from ita_lib.run.parameters import SmtpSettings

__all__ = [
    "DEFAULT_PORTS",
    "MAX_RETRY_DELAY",
    "SendReport",
    "SmtpConfig",
    "send_message",
    "smtp_config",
]

DEFAULT_PORTS = {"starttls": 587, "tls": 465, "none": 25}
MAX_RETRY_DELAY = 300.0
_HOST = re.compile(r"[A-Za-z0-9._\-]{1,253}|\[?[0-9A-Fa-f:.]{2,45}\]?")
_LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})


# -- SMTP settings -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SmtpConfig:
    """Everything needed to talk to the SMTP server, the password included (never printed)."""

    host: str
    port: int
    security: str = "starttls"
    user: str = ""
    password: str = field(default="", repr=False)
    timeout: float = 30.0
    retries: int = 3
    retry_delay: float = 2.0
    ca_file: str = ""

    @property
    def address(self) -> str:
        """Return ``host:port``."""
        return f"{self.host}:{self.port}"


def smtp_config(
    settings: SmtpSettings,
    *,
    environ: Mapping[str, str] | None = None,
    base_dir: str | Path | None = None,
    source: str = "parameters",
) -> SmtpConfig:
    """Resolve SMTP settings into a :class:`SmtpConfig`, reading the password from the environment.

    Parameters
    ----------
    settings
        ``email.smtp`` of the parameters (after command-line overrides).
    environ
        Where to read the password variable (default: :data:`os.environ`).
    base_dir
        Folder a relative ``ca_file`` is relative to (the parameters file's).
    source
        Named in errors.

    Raises
    ------
    ParameterError
        No host, a user without the password variable set, a password over an unencrypted
        connection to another machine, or a missing ``ca_file``.
    """
    environ = os.environ if environ is None else environ
    if not settings.host:
        raise ParameterError(
            "no SMTP server to send through",
            source=source,
            location="email.smtp.host",
            expected="a host name in the parameters file or --smtp-host",
        )
    if not _HOST.fullmatch(settings.host):
        raise ParameterError(
            "not a host name",
            source=source,
            location="email.smtp.host",
            expected="a host name or IP address (letters, digits, '.', '-', ':')",
            found=settings.host,
        )
    return SmtpConfig(
        host=settings.host,
        port=settings.port or DEFAULT_PORTS[settings.security],
        security=settings.security,
        user=settings.user,
        password=_password(settings, environ, source),
        timeout=settings.timeout,
        retries=settings.retries,
        retry_delay=settings.retry_delay,
        ca_file=_ca_file(settings.ca_file, base_dir, source),
    )


def _password(settings: SmtpSettings, environ: Mapping[str, str], source: str) -> str:
    """Return the password from the environment ("" without a user); refuse it in clear text."""
    if not settings.user:
        return ""
    password = environ.get(settings.password_env, "")
    if not password:
        raise ParameterError(
            f"environment variable {settings.password_env} is not set",
            source=source,
            location="email.smtp.password_env",
            expected=f"the SMTP password of {settings.user!r} in that variable",
        )
    if settings.security == "none" and settings.host.lower() not in _LOOPBACK:
        raise ParameterError(
            "will not send a password over an unencrypted connection",
            source=source,
            location="email.smtp.security",
            expected="starttls or tls",
            found=settings.security,
        )
    return password


def _ca_file(ca_file: str, base_dir: str | Path | None, source: str) -> str:
    """Return the path of ``ca_file`` (relative to ``base_dir``), "" when none is set."""
    if not ca_file:
        return ""
    path = Path(ca_file).expanduser()
    if not path.is_absolute() and base_dir is not None:
        path = Path(base_dir) / path
    if not path.is_file():
        raise ParameterError(
            "file not found",
            source=source,
            location="email.smtp.ca_file",
            expected="a PEM file of certificate authorities",
            found=ca_file,
        )
    return str(path)


# -- sending -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SendReport:
    """What the server accepted: attempts made and the recipients it refused (if not all)."""

    attempts: int
    refused: Mapping[str, tuple[int, str]] = field(default_factory=dict)


class _Failure(Exception):
    """An SMTP failure, classified: ``temporary`` ones are worth another attempt."""

    def __init__(self, text: str, *, temporary: bool) -> None:
        super().__init__(text)
        self.text = text
        self.temporary = temporary


def _secrets(config: SmtpConfig) -> list[str]:
    if not config.password:
        return []
    plain = f"\0{config.user}\0{config.password}".encode()
    return [
        config.password,
        base64.b64encode(config.password.encode()).decode("ascii"),
        base64.b64encode(plain).decode("ascii"),
    ]


def _scrub(text: str, config: SmtpConfig) -> str:
    """Remove the password (and its base64 forms) from a text about to be shown or logged."""
    for secret in _secrets(config):
        text = text.replace(secret, "***")
    return text


def _reply(code: int, reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return f"{code} {' '.join(text.split())}".strip()


def _classify_reply(exc: smtplib.SMTPException, config: SmtpConfig) -> _Failure | None:
    """Classify a failure the server answered (a reply code), or return None."""
    where = config.address
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return _Failure(
            f"authentication failed for user {config.user!r} at {where} "
            f"({_reply(exc.smtp_code, exc.smtp_error)})",
            temporary=400 <= exc.smtp_code < 500,
        )
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        refused = ", ".join(f"{a} ({_reply(c, r)})" for a, (c, r) in exc.recipients.items())
        temporary = all(400 <= c < 500 for c, _ in exc.recipients.values())
        return _Failure(f"{where} refused every recipient: {refused}", temporary=temporary)
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return _Failure(
            f"{where} refused the sender {exc.sender} ({_reply(exc.smtp_code, exc.smtp_error)})",
            temporary=400 <= exc.smtp_code < 500,
        )
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return _Failure(f"{where}: {exc}", temporary=False)
    if isinstance(exc, smtplib.SMTPResponseException):
        return _Failure(
            f"{where} answered {_reply(exc.smtp_code, exc.smtp_error)}",
            temporary=not 500 <= exc.smtp_code < 600,
        )
    return None


def _classify(exc: BaseException, config: SmtpConfig) -> _Failure:
    """Classify an SMTP or network failure as temporary or permanent, with a one-line text."""
    if isinstance(exc, smtplib.SMTPException):
        failure = _classify_reply(exc, config)
        if failure is not None:
            return failure
    where = config.address
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        if isinstance(exc.__context__, TimeoutError):  # smtplib wraps a read time-out
            return _Failure(f"{where} did not answer within {config.timeout:g} s", temporary=True)
        return _Failure(f"{where} closed the connection ({exc})", temporary=True)
    if isinstance(exc, ssl.SSLCertVerificationError):
        return _Failure(
            f"the TLS certificate of {where} could not be verified ({exc.verify_message}); "
            "set email.smtp.ca_file to trust a private certificate authority",
            temporary=False,
        )
    if isinstance(exc, ssl.SSLError):
        return _Failure(
            f"TLS with {where} failed ({exc.reason or exc}); is security {config.security!r} "
            f"right for port {config.port}?",
            temporary=False,
        )
    if isinstance(exc, socket.gaierror):
        return _Failure(
            f"cannot resolve the SMTP host {config.host!r} ({exc.strerror})",
            temporary=exc.errno == socket.EAI_AGAIN,
        )
    if isinstance(exc, TimeoutError):
        return _Failure(f"{where} did not answer within {config.timeout:g} s", temporary=True)
    if isinstance(exc, OSError):
        return _Failure(f"cannot talk to {where} ({exc.strerror or exc})", temporary=True)
    if isinstance(exc, smtplib.SMTPException):
        return _Failure(f"{where}: {exc}", temporary=False)
    raise exc


def _ssl_context(config: SmtpConfig) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=config.ca_file or None)


def _connect(config: SmtpConfig, context: ssl.SSLContext | None) -> smtplib.SMTP:
    if config.security == "tls":
        return smtplib.SMTP_SSL(
            config.host,
            config.port,
            timeout=config.timeout,
            context=context or _ssl_context(config),
        )
    smtp = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
    try:
        if config.security == "starttls":
            smtp.ehlo()
            smtp.starttls(context=context or _ssl_context(config))
            smtp.ehlo()
    except BaseException:
        smtp.close()
        raise
    return smtp


def _login(smtp: smtplib.SMTP, config: SmtpConfig) -> None:
    """Log in; credentials that are not ASCII go as UTF-8 in AUTH PLAIN (RFC 4616).

    smtplib encodes credentials as ASCII and fails on anything else, such as a Thai password.
    """
    try:
        (config.user + config.password).encode("ascii")
    except UnicodeEncodeError:
        pass
    else:
        smtp.login(config.user, config.password)
        return
    smtp.ehlo_or_helo_if_needed()
    if not smtp.has_extn("auth"):
        raise smtplib.SMTPNotSupportedError("SMTP AUTH extension not supported by server.")
    if "PLAIN" not in smtp.esmtp_features["auth"].upper().split():
        raise smtplib.SMTPNotSupportedError(
            "the user name or password is not ASCII, which needs AUTH PLAIN, and the server "
            "does not offer it"
        )
    plain = b"\0" + config.user.encode("utf-8") + b"\0" + config.password.encode("utf-8")
    code, reply = smtp.docmd("AUTH", "PLAIN " + base64.b64encode(plain).decode("ascii"))
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, reply)


def _attempt(
    message: EmailMessage,
    config: SmtpConfig,
    recipients: Sequence[str],
    context: ssl.SSLContext | None,
) -> dict[str, tuple[int, bytes]]:
    smtp = _connect(config, context)
    try:
        if config.user:
            _login(smtp, config)
        return smtp.send_message(message, to_addrs=list(recipients))
    finally:
        try:  # the message is accepted or not by now: a failing QUIT changes nothing
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()


def send_message(
    message: EmailMessage,
    config: SmtpConfig,
    recipients: Sequence[str],
    *,
    sleep: Callable[[float], None] = time.sleep,
    ssl_context: ssl.SSLContext | None = None,
) -> SendReport:
    """Deliver ``message`` to ``recipients`` (the SMTP envelope: to, cc and bcc).

    Parameters
    ----------
    message
        The message; its ``From`` is the envelope sender.
    config
        Server, security, credentials, time-out, retries and first retry delay.
    recipients
        Bare addresses to deliver to.
    sleep
        Called with the delay before each retry (tests pass a recorder).
    ssl_context
        TLS context to use instead of one built from ``config`` (tests trust a throwaway
        certificate with it).

    Returns
    -------
    SendReport
        Attempts made and the recipients refused while others were accepted.

    Raises
    ------
    DeliveryError
        At once on a permanent failure, or when the retries are used up.
    """
    attempts = config.retries + 1
    for attempt in range(1, attempts + 1):
        logger.info(
            "connecting to %s (%s), attempt %d of %d",
            config.address,
            config.security,
            attempt,
            attempts,
        )
        try:
            refused = _attempt(message, config, recipients, ssl_context)
        except (smtplib.SMTPException, OSError) as exc:
            sleep(_retry_delay(_classify(exc, config), config, attempt))
            continue
        report = {a: (code, _scrub(_reply(code, r), config)) for a, (code, r) in refused.items()}
        return SendReport(attempts=attempt, refused=report)
    raise AssertionError("unreachable")  # pragma: no cover


def _retry_delay(failure: _Failure, config: SmtpConfig, attempt: int) -> float:
    """Return the delay before the next attempt, or raise when there is none to make."""
    attempts = config.retries + 1
    text = _scrub(failure.text, config)
    if not failure.temporary:
        raise DeliveryError(text, permanent=True, attempts=attempt) from None
    if attempt == attempts:
        tries = "1 attempt" if attempts == 1 else f"{attempts} attempts"
        raise DeliveryError(f"{text}; gave up after {tries}", attempts=attempt) from None
    delay = min(config.retry_delay * 2 ** (attempt - 1), MAX_RETRY_DELAY)
    logger.warning("attempt %d of %d failed: %s; retrying in %g s", attempt, attempts, text, delay)
    return delay
