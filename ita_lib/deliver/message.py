"""The MIME message of an emailed briefing: the email edition, its charts and the attachment.

The tree is ``multipart/mixed`` → [``multipart/alternative`` → [``text/plain``,
``multipart/related`` → [``text/html``, ``image/png`` …]], the briefing's PDF edition as an
``application/pdf`` attachment]; without an attachment the top is ``multipart/alternative``. Text
parts are UTF-8 in base64. The edition itself is rendered by
:func:`ita_lib.render.email_edition.render_email_edition`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses, make_msgid

from ita_lib.render.email_edition import CID_DOMAIN, EmailEdition

__all__ = ["build_message"]


def _domain(sender: str) -> str:
    """Return the sender's domain in ASCII (IDNA) for a Message-ID, or a neutral one."""
    domain = getaddresses([sender])[0][1].rpartition("@")[2] if sender else ""
    try:
        return domain.encode("idna").decode("ascii") if domain else CID_DOMAIN
    except UnicodeError:
        return CID_DOMAIN


def _set_headers(
    message: EmailMessage,
    *,
    subject: str,
    sender: str,
    to: Sequence[str],
    cc: Sequence[str],
    reply_to: str,
    message_id: str | None,
    date: datetime | None,
) -> None:
    """Write the envelope headers; empty addresses are left out."""
    message["Subject"] = subject
    if sender:
        message["From"] = sender
    if to:
        message["To"] = ", ".join(to)
    if cc:
        message["Cc"] = ", ".join(cc)
    if reply_to:
        message["Reply-To"] = reply_to
    message["Date"] = format_datetime(date or datetime.now(UTC))
    message["Message-ID"] = message_id or make_msgid(domain=_domain(sender))
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies


def _add_body(message: EmailMessage, edition: EmailEdition) -> None:
    """Add the text and HTML alternatives, the HTML part's images related to it."""
    message.set_content(edition.text, cte="base64")
    message.add_alternative(edition.html, subtype="html", cte="base64")
    html_part = message.get_payload()[1]
    for image in edition.images:
        html_part.add_related(
            image.data,
            "image",
            "png",
            cid=f"<{image.cid}>",
            filename=image.filename,
            disposition="inline",
        )


def build_message(
    edition: EmailEdition,
    *,
    sender: str = "",
    to: Sequence[str] = (),
    cc: Sequence[str] = (),
    reply_to: str = "",
    attachment: bytes | None = None,
    message_id: str | None = None,
    date: datetime | None = None,
) -> EmailMessage:
    """Build the MIME message of an email edition.

    Bcc recipients are not written in the message: give them to the SMTP envelope
    (:func:`ita_lib.deliver.smtp.send_message`).

    Parameters
    ----------
    edition
        The rendered email edition.
    sender, to, cc, reply_to
        Addresses (``a@b.org`` or ``Name <a@b.org>``); empty ones are left out.
    attachment
        The briefing's PDF edition (``briefing.pdf``) to attach, as bytes: mail gateways and
        phones handle a PDF where they strip or cannot preview an HTML attachment.
    message_id
        ``Message-ID`` (with angle brackets); by default a new one from :func:`make_msgid`.
    date
        ``Date``; by default now.

    Returns
    -------
    EmailMessage
    """
    message = EmailMessage()
    _set_headers(
        message,
        subject=edition.subject,
        sender=sender,
        to=to,
        cc=cc,
        reply_to=reply_to,
        message_id=message_id,
        date=date,
    )
    _add_body(message, edition)
    if attachment is not None:
        message.add_attachment(
            attachment, maintype="application", subtype="pdf", filename=edition.attachment_name
        )
    message["Content-Language"] = "th"  # after the parts: set_content clears Content-* headers
    return message
