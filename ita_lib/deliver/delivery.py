"""Write emailed briefings as ``.eml`` files and deliver them over SMTP, once.

``ita email PARAMS.yaml`` calls :func:`email_briefing`: it renders the email edition
(:mod:`ita_lib.render.email_edition`) with the browser briefing attached, writes
``<output_root>/<fiscal_year>/<agency>/briefing.eml`` and, when asked to send, delivers it:

- SMTP with STARTTLS (default, port 587), implicit TLS (port 465) or none (port 25); the
  server's certificate is verified against the system's authorities, or ``email.smtp.ca_file``;
- the password only from the environment variable named by ``email.smtp.password_env``; it never
  appears in logs, files or error messages (server replies are scrubbed of it too);
- time-outs on every connection; temporary failures (4xx replies, refused or dropped
  connections, time-outs) are retried with exponential back-off; permanent ones (5xx replies
  such as a refused address, failed authentication, TLS errors) stop at once with a one-line
  :class:`~ita_lib.exceptions.DeliveryError`;
- a ledger, ``briefing.sent.json`` beside the ``.eml``, records each delivery under a hash of the
  message's content and its recipients. A re-run of a schedule finds the entry and does not send
  the same briefing again unless ``resend`` is given. The entry is written before sending and
  completed after, so a run killed mid-delivery leaves a "sending" entry that blocks automatic
  re-sending (at most once, rather than maybe twice).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import smtplib
import socket
import ssl
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from ita_lib.exceptions import DeliveryError, ParameterError
from ita_lib.log import logger
from ita_lib.render.email_edition import build_message, render_email_edition
from ita_lib.run.execution import HTML_NAME, output_dir_for, run_briefing, write_atomic
from ita_lib.run.parameters import (
    BriefingParameters,
    EmailSettings,
    SmtpSettings,
    briefing_from_parameters,
    load_parameters_file,
)

try:  # POSIX: serialise concurrent runs for the same briefing
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "DEFAULT_PORTS",
    "EML_NAME",
    "LEDGER_NAME",
    "EmailOutcome",
    "Ledger",
    "SendReport",
    "SmtpConfig",
    "email_briefing",
    "message_key",
    "send_message",
    "smtp_config",
]

EML_NAME = "briefing.eml"
LEDGER_NAME = "briefing.sent.json"
DEFAULT_PORTS = {"starttls": 587, "tls": 465, "none": 25}
MAX_RETRY_DELAY = 300.0
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
    password = ""
    if settings.user:
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
    ca_file = settings.ca_file
    if ca_file:
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
        ca_file = str(path)
    return SmtpConfig(
        host=settings.host,
        port=settings.port or DEFAULT_PORTS[settings.security],
        security=settings.security,
        user=settings.user,
        password=password,
        timeout=settings.timeout,
        retries=settings.retries,
        retry_delay=settings.retry_delay,
        ca_file=ca_file,
    )


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


def _classify(exc: BaseException, config: SmtpConfig) -> _Failure:
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
            failure = _classify(exc, config)
            text = _scrub(failure.text, config)
            if not failure.temporary:
                raise DeliveryError(text, permanent=True, attempts=attempt) from None
            if attempt == attempts:
                tries = "1 attempt" if attempts == 1 else f"{attempts} attempts"
                raise DeliveryError(f"{text}; gave up after {tries}", attempts=attempt) from None
            delay = min(config.retry_delay * 2 ** (attempt - 1), MAX_RETRY_DELAY)
            logger.warning(
                "attempt %d of %d failed: %s; retrying in %g s", attempt, attempts, text, delay
            )
            sleep(delay)
            continue
        report = {a: (code, _scrub(_reply(code, r), config)) for a, (code, r) in refused.items()}
        return SendReport(attempts=attempt, refused=report)
    raise AssertionError("unreachable")  # pragma: no cover


# -- the ledger --------------------------------------------------------------------------------


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


# -- ita email ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class EmailOutcome:
    """What :func:`email_briefing` did.

    ``status`` is ``written`` (the ``.eml`` only), ``sent``, or ``already-sent`` (the ledger
    has this briefing for these recipients; nothing was sent and ``previous`` is that entry).
    """

    eml_path: Path
    status: str
    message_id: str
    recipients: tuple[str, ...] = ()
    attempts: int = 0
    refused: Mapping[str, tuple[int, str]] = field(default_factory=dict)
    previous: Mapping[str, Any] | None = None
    html_part_size: int = 0
    message_size: int = 0
    briefing_produced: bool = False


def _with_overrides(settings: EmailSettings, overrides: Mapping[str, Any] | None) -> EmailSettings:
    """Apply command-line values (``None`` means not given) and validate them."""
    if not overrides:
        return settings
    values = settings.model_dump()
    for key, value in overrides.items():
        if value is None:
            continue
        if key == "smtp":
            values["smtp"] = {**values["smtp"], **{k: v for k, v in value.items() if v is not None}}
        else:
            values[key] = value
    return BriefingParameters.from_mapping({"email": values}, source="command line").email


def _briefing_is_stale(
    html_path: Path, params_path: Path | None, params: BriefingParameters
) -> bool:
    """Return True when ``briefing.html`` is missing or older than a file it was made from."""
    if not html_path.is_file():
        return True
    made = html_path.stat().st_mtime
    inputs = [params_path] if params_path else []
    inputs += [
        Path(name)
        for name in (params.assessment, params.results_table)
        if name and not name.startswith("bundled:")
    ]
    return any(p.is_file() and p.stat().st_mtime > made for p in inputs)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def email_briefing(
    params: BriefingParameters | str | Path,
    *,
    output_root: str | Path = "outputs",
    send: bool = False,
    resend: bool = False,
    overrides: Mapping[str, Any] | None = None,
    run_timestamp: str | None = None,
    message_id: str | None = None,
    date: datetime | None = None,
    environ: Mapping[str, str] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    ssl_context: ssl.SSLContext | None = None,
) -> EmailOutcome:
    """Write the emailed briefing as ``briefing.eml`` and, with ``send``, deliver it once.

    The browser briefing (``briefing.html``, attached to the message) is produced first with
    :func:`ita_lib.run.execution.run_briefing` when it is missing or older than the parameters,
    assessment or results-table file.

    Parameters
    ----------
    params
        Validated parameters, or the path of a parameters YAML file.
    output_root
        Folder under which ``<fiscal_year>/<agency>/`` holds the briefing.
    send
        Deliver the message over SMTP (default: only write the ``.eml``).
    resend
        Deliver even if the ledger says this briefing was already sent to these recipients.
    overrides
        Command-line values for ``email`` (``to``, ``cc``, ``bcc``, ``sender``, ``reply_to``
        and ``smtp``: ``host``, ``port``, ``security``, ``user``); ``None`` values are ignored.
    run_timestamp
        Overrides the parameters' ``run_timestamp``.
    message_id, date
        ``Message-ID`` and ``Date`` of the message (default: new ones).
    environ
        Where the SMTP password variable is read (default: :data:`os.environ`).
    sleep, ssl_context
        Passed to :func:`send_message`.

    Returns
    -------
    EmailOutcome

    Raises
    ------
    InputError
        For bad parameters (missing recipients, sender or server when sending) or input files.
    BriefingError
        When the browser briefing had to be produced and its notebook failed.
    DeliveryError
        When the message could not be delivered.
    """
    params_path = None
    if not isinstance(params, BriefingParameters):
        params_path = Path(params)
        params = load_parameters_file(params_path)
    source = str(params_path) if params_path else "parameters"
    if run_timestamp is not None:
        params = params.model_copy(update={"run_timestamp": run_timestamp})
    settings = _with_overrides(params.email, overrides)
    config = None
    if send:
        for name, value, expected in (
            ("email.to", settings.recipients, "recipients in email.to, cc or bcc, or --to"),
            ("email.sender", settings.sender, "the sender's address in email.sender or --from"),
        ):
            if not value:
                raise ParameterError(
                    "nothing to send with", source=source, location=name, expected=expected
                )
        config = smtp_config(
            settings.smtp,
            environ=environ,
            base_dir=params_path.parent if params_path else None,
            source=source,
        )

    briefing = briefing_from_parameters(params)
    out_dir = output_dir_for(briefing.assessment, output_root)
    html_path = out_dir / HTML_NAME
    produced = False
    if _briefing_is_stale(html_path, params_path, params):
        logger.info("producing the browser briefing %s first", html_path)
        html_path = run_briefing(params, output_root=output_root).html_path
        produced = True

    edition = render_email_edition(briefing)
    message = build_message(
        edition,
        sender=settings.sender,
        to=settings.to,
        cc=settings.cc,
        reply_to=settings.reply_to,
        attachment=html_path.read_bytes(),
        message_id=message_id,
        date=date,
    )
    data = message.as_bytes(policy=policy.SMTP)
    eml_path = out_dir / EML_NAME
    outcome = EmailOutcome(
        eml_path=eml_path,
        status="written",
        message_id=message["Message-ID"],
        recipients=tuple(settings.recipients),
        html_part_size=edition.html_part_size,
        message_size=len(data),
        briefing_produced=produced,
    )
    if config is None:
        write_atomic(eml_path, data)
        logger.info("wrote %s", eml_path)
        return outcome

    ledger = Ledger(out_dir / LEDGER_NAME)
    key = message_key(message, settings.recipients)
    with ledger.locked():
        previous = ledger.find(key)
        if previous and not resend:
            if previous.get("status") != "sent":
                raise DeliveryError(
                    f"an earlier delivery of this briefing (Message-ID {previous.get('message_id')}, "
                    f"started {previous.get('started_at')}) was interrupted and may have arrived; "
                    "check with the recipients, then use --resend to send it again",
                    permanent=True,
                )
            logger.info("already sent as %s: not sending again", previous.get("message_id"))
            return replace(outcome, status="already-sent", previous=previous)
        write_atomic(eml_path, data)
        ledger.add(
            {
                "key": key,
                "status": "sending",
                "message_id": outcome.message_id,
                "subject": edition.subject,
                "from": settings.sender,
                "to": settings.to,
                "cc": settings.cc,
                "bcc": settings.bcc,
                "server": config.address,
                "eml": eml_path.name,
                "started_at": _now(),
            }
        )
        try:
            report = send_message(
                message, config, settings.recipients, sleep=sleep, ssl_context=ssl_context
            )
        except DeliveryError:
            ledger.remove(outcome.message_id)
            raise
        ledger.update(
            outcome.message_id,
            status="sent",
            sent_at=_now(),
            attempts=report.attempts,
            refused={a: list(r) for a, r in report.refused.items()},
        )
    logger.info("sent %s to %d recipients", outcome.message_id, len(settings.recipients))
    return replace(outcome, status="sent", attempts=report.attempts, refused=report.refused)
