"""Write emailed briefings as ``.eml`` files and deliver them over SMTP, once.

``ita email PARAMS.yaml`` calls :func:`email_briefing`: it renders the email edition
(:mod:`ita_lib.render.email_edition`) with the browser briefing attached
(:mod:`ita_lib.deliver.message`), writes ``<output_root>/<fiscal_year>/<agency>/briefing.eml``
and, when asked to send, delivers it over SMTP (:mod:`ita_lib.deliver.smtp`), recorded in the
ledger of sent briefings beside the ``.eml`` (:mod:`ita_lib.deliver.ledger`) so that a re-run
does not send the same briefing to the same recipients twice.
"""

from __future__ import annotations

import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any, NamedTuple

from ita_lib.deliver.ledger import LEDGER_NAME, Ledger, message_key
from ita_lib.deliver.message import build_message
from ita_lib.deliver.smtp import (
    DEFAULT_PORTS,
    SendReport,
    SmtpConfig,
    send_message,
    smtp_config,
)
from ita_lib.exceptions import DeliveryError, ParameterError
from ita_lib.log import logger
from ita_lib.render.briefing import Briefing
from ita_lib.render.email_edition import render_email_edition
from ita_lib.run.execution import HTML_NAME, output_dir_for, run_briefing, write_atomic
from ita_lib.run.parameters import (
    BriefingParameters,
    EmailSettings,
    briefing_from_parameters,
    load_parameters_file,
)
from ita_lib.run.pdf import write_pdf_edition

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

    The attached browser briefing is produced first (:func:`~ita_lib.run.execution.run_briefing`)
    when missing or older than the parameters, assessment or results-table file.

    Parameters
    ----------
    params
        Validated parameters, or the path of a parameters YAML file.
    output_root
        Folder under which ``<fiscal_year>/<agency>/`` holds the briefing.
    send, resend
        Deliver the message over SMTP (default: only write the ``.eml``); with ``resend``, even
        when the ledger has this briefing as sent to these recipients.
    overrides
        Command-line values for ``email`` (``to``, ``cc``, ``bcc``, ``sender``, ``reply_to``
        and ``smtp``: ``host``, ``port``, ``security``, ``user``); ``None`` values are ignored.
    run_timestamp, message_id, date
        Override the parameters' ``run_timestamp``; the message's ``Message-ID`` and ``Date``.
    environ, sleep, ssl_context
        Where the SMTP password variable is read (default: :data:`os.environ`); passed to
        :func:`~ita_lib.deliver.smtp.send_message`.

    Returns
    -------
    EmailOutcome

    Raises
    ------
    InputError
        Bad parameters (no recipients, sender or server when sending) or input files.
    BriefingError
        The browser briefing had to be produced and its notebook failed.
    DeliveryError
        The message could not be delivered.
    """
    params, params_path = _parameters(params, run_timestamp)
    settings = _with_overrides(params.email, overrides)
    config = _sending_config(settings, params_path, environ) if send else None
    written = _compose(params, params_path, settings, output_root, message_id, date)
    if config is None:
        write_atomic(written.outcome.eml_path, written.data)
        logger.info("wrote %s", written.outcome.eml_path)
        return written.outcome
    return _send_once(written, settings, config, resend, sleep=sleep, ssl_context=ssl_context)


def _send_once(
    written: _Written,
    settings: EmailSettings,
    config: SmtpConfig,
    resend: bool,
    *,
    sleep: Callable[[float], None],
    ssl_context: ssl.SSLContext | None,
) -> EmailOutcome:
    """Write the ``.eml`` and send it, unless the ledger has it as sent to these recipients."""
    outcome = written.outcome
    ledger = Ledger(outcome.eml_path.with_name(LEDGER_NAME))
    key = message_key(written.message, settings.recipients)
    with ledger.locked():
        previous = _previous_delivery(ledger, key, resend)
        if previous is not None:
            return replace(outcome, status="already-sent", previous=previous)
        write_atomic(outcome.eml_path, written.data)
        report = _send_recorded(
            ledger, key, written, settings, config, sleep=sleep, ssl_context=ssl_context
        )
    logger.info("sent %s to %d recipients", outcome.message_id, len(settings.recipients))
    return replace(outcome, status="sent", attempts=report.attempts, refused=report.refused)


def _parameters(
    params: BriefingParameters | str | Path, run_timestamp: str | None
) -> tuple[BriefingParameters, Path | None]:
    """Return the validated parameters (read from a file if given one) and that file's path."""
    params_path = None
    if not isinstance(params, BriefingParameters):
        params_path = Path(params)
        params = load_parameters_file(params_path)
    if run_timestamp is not None:
        params = params.model_copy(update={"run_timestamp": run_timestamp})
    return params, params_path


def _sending_config(
    settings: EmailSettings, params_path: Path | None, environ: Mapping[str, str] | None
) -> SmtpConfig:
    """Check there is someone to send to and from, and resolve the SMTP settings."""
    source = str(params_path) if params_path else "parameters"
    for name, value, expected in (
        ("email.to", settings.recipients, "recipients in email.to, cc or bcc, or --to"),
        ("email.sender", settings.sender, "the sender's address in email.sender or --from"),
    ):
        if not value:
            raise ParameterError(
                "nothing to send with", source=source, location=name, expected=expected
            )
    return smtp_config(
        settings.smtp,
        environ=environ,
        base_dir=params_path.parent if params_path else None,
        source=source,
    )


def _browser_briefing(
    html_path: Path, params: BriefingParameters, params_path: Path | None, output_root: str | Path
) -> tuple[Path, bool]:
    """Return the browser briefing's path, producing it first when stale; and whether it was."""
    if not _briefing_is_stale(html_path, params_path, params):
        return html_path, False
    logger.info("producing the browser briefing %s first", html_path)
    return run_briefing(params, output_root=output_root).html_path, True


def _compose(
    params: BriefingParameters,
    params_path: Path | None,
    settings: EmailSettings,
    output_root: str | Path,
    message_id: str | None,
    date: datetime | None,
) -> _Written:
    """Produce the browser briefing if stale, then render and build the message."""
    briefing = briefing_from_parameters(params)
    out_dir = output_dir_for(briefing.assessment, output_root)
    html_path, produced = _browser_briefing(out_dir / HTML_NAME, params, params_path, output_root)
    return _message(briefing, settings, html_path, out_dir, message_id, date, produced)


class _Written(NamedTuple):
    """A message ready to write or send: the message, its bytes, the outcome so far."""

    message: EmailMessage
    data: bytes
    outcome: EmailOutcome
    subject: str


def _message(
    briefing: Briefing,
    settings: EmailSettings,
    html_path: Path,
    out_dir: Path,
    message_id: str | None,
    date: datetime | None,
    produced: bool,
) -> _Written:
    """Render the email edition and build its message, as :func:`email_briefing` writes it."""
    edition = render_email_edition(briefing)
    message = build_message(
        edition,
        sender=settings.sender,
        to=settings.to,
        cc=settings.cc,
        reply_to=settings.reply_to,
        attachment=write_pdf_edition(html_path).read_bytes(),
        message_id=message_id,
        date=date,
    )
    data = message.as_bytes(policy=policy.SMTP)
    outcome = EmailOutcome(
        eml_path=out_dir / EML_NAME,
        status="written",
        message_id=message["Message-ID"],
        recipients=tuple(settings.recipients),
        html_part_size=edition.html_part_size,
        message_size=len(data),
        briefing_produced=produced,
    )
    return _Written(message=message, data=data, outcome=outcome, subject=edition.subject)


def _previous_delivery(ledger: Ledger, key: str, resend: bool) -> dict[str, Any] | None:
    """Return the ledger's entry when this briefing was sent already (and not ``resend``).

    Raises
    ------
    DeliveryError
        When an earlier delivery was interrupted: it may have arrived.
    """
    previous = ledger.find(key)
    if not previous or resend:
        return None
    if previous.get("status") != "sent":
        raise DeliveryError(
            f"an earlier delivery of this briefing (Message-ID {previous.get('message_id')}, "
            f"started {previous.get('started_at')}) was interrupted and may have arrived; "
            "check with the recipients, then use --resend to send it again",
            permanent=True,
        )
    logger.info("already sent as %s: not sending again", previous.get("message_id"))
    return previous


def _send_recorded(
    ledger: Ledger,
    key: str,
    written: _Written,
    settings: EmailSettings,
    config: SmtpConfig,
    *,
    sleep: Callable[[float], None],
    ssl_context: ssl.SSLContext | None,
) -> SendReport:
    """Send the message, recorded as "sending" before and "sent" after (removed on failure)."""
    message, outcome = written.message, written.outcome
    ledger.add(
        {
            "key": key,
            "status": "sending",
            "message_id": outcome.message_id,
            "subject": written.subject,
            "from": settings.sender,
            "to": settings.to,
            "cc": settings.cc,
            "bcc": settings.bcc,
            "server": config.address,
            "eml": outcome.eml_path.name,
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
    return report
