"""Delivery over a real SMTP server on loopback (aiosmtpd): arrival, retries, errors, the ledger."""

from __future__ import annotations

import email
import json
import logging
import re
import shutil
import socket
import ssl
import subprocess
from dataclasses import dataclass, field
from email import policy
from pathlib import Path

import pytest
import yaml

from ita_lib.cli import main
from ita_lib.deliver.delivery import EML_NAME, email_briefing
from ita_lib.deliver.ledger import LEDGER_NAME, Ledger, message_key
from ita_lib.deliver.smtp import SmtpConfig, send_message, smtp_config
from ita_lib.exceptions import DeliveryError, ParameterError
from ita_lib.model.assessment_file import load_assessment
from ita_lib.run.execution import output_dir_for
from ita_lib.run.parameters import SmtpSettings

aiosmtpd_controller = pytest.importorskip("aiosmtpd.controller")
aiosmtpd_smtp = pytest.importorskip("aiosmtpd.smtp")

REPO = Path(__file__).resolve().parents[2]
SAMPLE = "bundled:bueng-krachap-2565"
SUBJECT = "สรุปผล ITA ปีงบประมาณ 2565: อบต.บึงกระจับ 92.56 คะแนน ระดับ A"
USER = "ita-bot"
PASSWORD = "s3cret-Pässwort-ห้ามเผย!"
FAKE_BRIEFING = b"<!DOCTYPE html><html lang='th'><body><p>briefing</p></body></html>\n"


@pytest.fixture(scope="module")
def sample_charts():
    from ita_lib.analysis.scoring import score_assessment
    from ita_lib.render.charts import contribution_chart_png, indicator_chart_png

    result = score_assessment(load_assessment(SAMPLE))
    return indicator_chart_png(result), contribution_chart_png(result)


@pytest.fixture(autouse=True)
def drawn_once(monkeypatch, sample_charts):
    """Every test here emails the sample: draw its two charts once (matplotlib takes 0.4 s)."""
    monkeypatch.setattr(
        "ita_lib.render.email_edition.indicator_chart_png", lambda *a, **k: sample_charts[0]
    )
    monkeypatch.setattr(
        "ita_lib.render.email_edition.contribution_chart_png", lambda *a, **k: sample_charts[1]
    )


# -- a real SMTP server on 127.0.0.1 -----------------------------------------------------------


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes


@dataclass
class Handler:
    """Records messages; ``data_replies`` scripts the reply to each DATA (default 250)."""

    data_replies: list[str] = field(default_factory=list)
    refuse: dict[str, str] = field(default_factory=dict)
    messages: list[Received] = field(default_factory=list)
    data_attempts: int = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.data_attempts += 1
        reply = self.data_replies.pop(0) if self.data_replies else "250 OK"
        if reply.startswith("250"):
            self.messages.append(
                Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content)
            )
        return reply


ASCII_PASSWORD = "plain-ascii-pass-42"


def _authenticator(server, session, envelope, mechanism, auth_data):
    ok = (
        isinstance(auth_data, aiosmtpd_smtp.LoginPassword)
        and auth_data.login == USER.encode()
        and auth_data.password in {PASSWORD.encode(), ASCII_PASSWORD.encode()}
    )
    return aiosmtpd_smtp.AuthResult(success=ok, handled=False)  # the server replies 535


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server():
    """Start aiosmtpd on a free loopback port; ``smtp_server(handler, **smtp_options)``."""
    controllers = []

    def start(handler: Handler | None = None, **options):
        handler = handler or Handler()
        controller = aiosmtpd_controller.Controller(
            handler, hostname="127.0.0.1", port=_free_port(), **options
        )
        controller.start()
        controllers.append(controller)
        return controller, handler

    yield start
    for controller in controllers:
        controller.stop()


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A throwaway self-signed certificate for 127.0.0.1 (made with the openssl command)."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("the openssl command is not installed: TLS variants not tested")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )  # fmt: skip
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(cert, key)
    return cert, server


# -- a parameters file and an existing browser briefing (no kernel needed) ---------------------


@pytest.fixture
def output_root(tmp_path) -> Path:
    return tmp_path / "outputs"


@pytest.fixture
def write_params(tmp_path, output_root):
    """Write a params file with an email section; put a browser briefing in place after it."""

    def write(port: int, *, briefing: bool = True, **smtp) -> Path:
        email_section = {
            "to": ["นายก อบต. <mayor@example.org>", "clerk@example.org"],
            "cc": "audit@example.org",
            "bcc": ["archive@example.org"],
            "sender": "ITA briefings <ita@example.org>",
            "reply_to": "help@example.org",
            "smtp": {
                "host": "127.0.0.1",
                "port": port,
                "security": "none",
                "timeout": 5,
                "retries": 2,
                "retry_delay": 0.01,
                **smtp,
            },
        }
        path = tmp_path / "params.yaml"
        path.write_text(
            yaml.safe_dump({"assessment": SAMPLE, "email": email_section}, allow_unicode=True),
            encoding="utf-8",
        )
        if briefing:
            out = output_dir_for(load_assessment(SAMPLE), output_root)
            out.mkdir(parents=True, exist_ok=True)
            (out / "briefing.html").write_bytes(FAKE_BRIEFING)
        return path

    return write


def out_dir(output_root: Path) -> Path:
    return output_dir_for(load_assessment(SAMPLE), output_root)


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


class Sleeps(list):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


# -- without --send ----------------------------------------------------------------------------


def test_email_writes_an_eml_beside_the_briefing_without_network(capsys, write_params, output_root):
    params = write_params(port=9)  # nothing listens there: nothing is sent
    status, out, err = run_cli(capsys, "email", str(params), "--output-root", str(output_root))

    assert (status, err) == (0, "")
    eml = out_dir(output_root) / EML_NAME
    assert out.strip() == str(eml)
    message = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert message["Subject"] == SUBJECT
    assert message["Bcc"] is None
    attachment = next(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == "ita-2565-bueng-krachap.pdf"
    pdf = attachment.get_content()
    assert pdf.startswith(b"%PDF-")  # the briefing printed by WeasyPrint, written beside it
    assert pdf == (out_dir(output_root) / "briefing.pdf").read_bytes()
    assert not (out_dir(output_root) / LEDGER_NAME).exists()
    assert not list(out_dir(output_root).glob(".*.tmp"))  # written atomically


def test_missing_briefing_without_a_kernel_is_produced_first(
    monkeypatch, write_params, output_root
):
    params = write_params(port=9, briefing=False)
    calls = []

    def fake_run_briefing(p, *, output_root):
        calls.append(p)
        path = out_dir(output_root) / "briefing.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(FAKE_BRIEFING)
        return type("Output", (), {"html_path": path})()

    monkeypatch.setattr("ita_lib.deliver.delivery.run_briefing", fake_run_briefing)
    outcome = email_briefing(params, output_root=output_root)
    assert len(calls) == 1
    assert outcome.briefing_produced
    again = email_briefing(params, output_root=output_root)
    assert len(calls) == 1
    assert not again.briefing_produced


# -- delivery ----------------------------------------------------------------------------------


def test_send_delivers_once_even_when_run_twice(capsys, smtp_server, write_params, output_root):
    controller, handler = smtp_server()
    params = write_params(controller.port)
    argv = ("email", str(params), "--output-root", str(output_root), "--send")

    status, _out, err = run_cli(capsys, *argv)
    assert status == 0, err
    assert "ita: sent <" in err
    assert "to 4 recipients" in err
    assert len(handler.messages) == 1

    status, _out, err = run_cli(capsys, *argv)  # the schedule runs again
    assert status == 0, err
    assert "already sent" in err
    assert "--resend" in err
    assert len(handler.messages) == 1  # not twice

    ledger = json.loads((out_dir(output_root) / LEDGER_NAME).read_text(encoding="utf-8"))
    assert [e["status"] for e in ledger["messages"]] == ["sent"]
    entry = ledger["messages"][0]
    assert entry["bcc"] == ["archive@example.org"]
    assert entry["server"] == f"127.0.0.1:{controller.port}"
    assert entry["attempts"] == 1

    status, _out, err = run_cli(capsys, *argv, "--resend")  # unless asked to
    assert status == 0, err
    assert len(handler.messages) == 2
    ledger = Ledger(out_dir(output_root) / LEDGER_NAME)
    assert [e["status"] for e in ledger.entries()] == ["sent", "sent"]


def test_the_message_arrives_parses_and_matches_the_eml(smtp_server, write_params, output_root):
    controller, handler = smtp_server()
    outcome = email_briefing(write_params(controller.port), output_root=output_root, send=True)
    assert outcome.status == "sent"
    (received,) = handler.messages
    assert received.mail_from == "ita@example.org"
    assert sorted(received.rcpt_tos) == sorted(
        ["mayor@example.org", "clerk@example.org", "audit@example.org", "archive@example.org"]
    )
    assert received.content == outcome.eml_path.read_bytes()  # the .eml is what was sent
    message = email.message_from_bytes(received.content, policy=policy.default)
    assert message["Subject"] == SUBJECT
    assert message["From"] == "ITA briefings <ita@example.org>"
    assert "mayor@example.org" in message["To"]
    assert "clerk@example.org" in message["To"]
    assert message["Cc"] == "audit@example.org"
    assert message["Bcc"] is None  # bcc only in the envelope
    assert message["Message-ID"] == outcome.message_id
    assert [p.get_content_type() for p in message.walk()] == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "multipart/related",
        "text/html",
        "image/png",
        "image/png",
        "application/pdf",
    ]
    html = next(p for p in message.walk() if p.get_content_type() == "text/html").get_content()
    cids = {f"<{c}>" for c in re.findall(r'src="cid:([^"]+)"', html)}
    images = {p["Content-ID"] for p in message.walk() if p.get_content_maintype() == "image"}
    assert cids == images
    assert len(cids) == 2
    assert outcome.html_part_size < 100_000


def test_temporary_failures_are_retried_with_backoff(smtp_server, write_params, output_root):
    controller, handler = smtp_server(Handler(data_replies=["451 4.3.0 try later"] * 2))
    sleeps = Sleeps()
    outcome = email_briefing(
        write_params(controller.port, retries=3, retry_delay=1.5),
        output_root=output_root,
        send=True,
        sleep=sleeps,
    )
    assert outcome.status == "sent"
    assert outcome.attempts == 3
    assert sleeps == [1.5, 3.0]  # exponential back-off
    assert handler.data_attempts == 3
    assert len(handler.messages) == 1


def test_temporary_failures_give_up_after_the_retries(
    capsys, smtp_server, write_params, output_root
):
    controller, handler = smtp_server(Handler(data_replies=["451 4.3.0 try later"] * 10))
    params = write_params(controller.port, retries=2, retry_delay=0)
    status, _out, err = run_cli(
        capsys, "email", str(params), "--output-root", str(output_root), "--send"
    )
    assert status == 1
    assert err.startswith("ita: error: 127.0.0.1:")
    assert "451 4.3.0 try later; gave up after 3 attempts" in err
    assert err.count("\n") == 1
    assert "Traceback" not in err
    assert handler.data_attempts == 3
    assert Ledger(out_dir(output_root) / LEDGER_NAME).entries() == []  # nothing was sent
    handler.data_replies.clear()
    status, _, err = run_cli(  # so a later run sends it
        capsys, "email", str(params), "--output-root", str(output_root), "--send"
    )
    assert status == 0, err
    assert len(handler.messages) == 1


def test_permanent_failure_is_not_retried(smtp_server, write_params, output_root):
    controller, handler = smtp_server(Handler(data_replies=["550 5.7.1 message rejected"]))
    sleeps = Sleeps()
    with pytest.raises(DeliveryError) as info:
        email_briefing(
            write_params(controller.port), output_root=output_root, send=True, sleep=sleeps
        )
    assert info.value.permanent
    assert info.value.attempts == 1
    assert "550 5.7.1 message rejected" in str(info.value)
    assert sleeps == []
    assert handler.data_attempts == 1


def test_bad_address_is_a_clear_permanent_error(capsys, smtp_server, write_params, output_root):
    refuse = {
        a: "550 5.1.1 no such user"
        for a in ("mayor@example.org", "clerk@example.org", "audit@example.org")
    }
    refuse["archive@example.org"] = "550 5.1.1 no such user"
    controller, handler = smtp_server(Handler(refuse=refuse))
    params = write_params(controller.port)
    status, _out, err = run_cli(
        capsys, "email", str(params), "--output-root", str(output_root), "--send"
    )
    assert status == 1
    assert "refused every recipient: mayor@example.org (550 5.1.1 no such user)" in err
    assert handler.messages == []


def test_some_refused_recipients_are_reported(capsys, smtp_server, write_params, output_root):
    controller, handler = smtp_server(Handler(refuse={"clerk@example.org": "550 5.1.1 unknown"}))
    params = write_params(controller.port)
    status, _out, err = run_cli(
        capsys, "email", str(params), "--output-root", str(output_root), "--send"
    )
    assert status == 1  # delivered to the others, but someone did not get it
    assert "refused some recipients: clerk@example.org (550 5.1.1 unknown)" in err
    assert len(handler.messages) == 1
    (entry,) = Ledger(out_dir(output_root) / LEDGER_NAME).entries()
    assert entry["status"] == "sent"
    assert "clerk@example.org" in entry["refused"]


def test_connection_refused_is_retried_then_reported(write_params, output_root):
    sleeps = Sleeps()
    with pytest.raises(DeliveryError) as info:
        email_briefing(
            write_params(_free_port(), retries=1, retry_delay=0.5),
            output_root=output_root,
            send=True,
            sleep=sleeps,
        )
    assert not info.value.permanent
    assert info.value.attempts == 2
    assert sleeps == [0.5]
    assert "cannot talk to 127.0.0.1:" in str(info.value)


def test_a_silent_server_times_out(write_params, output_root):
    with socket.socket() as listener:  # accepts connections, never says a word
        listener.bind(("127.0.0.1", 0))
        listener.listen(4)
        params = write_params(listener.getsockname()[1], timeout=0.3, retries=0)
        with pytest.raises(DeliveryError, match=r"did not answer within 0\.3 s"):
            email_briefing(params, output_root=output_root, send=True)


def test_interrupted_delivery_is_not_repeated_automatically(smtp_server, write_params, output_root):
    controller, handler = smtp_server()
    params = write_params(controller.port)
    email_briefing(params, output_root=output_root)  # the .eml only
    ledger = Ledger(out_dir(output_root) / LEDGER_NAME)
    first = email_briefing(params, output_root=output_root, send=True)
    ledger.update(first.message_id, status="sending")  # as if killed mid-delivery
    with pytest.raises(DeliveryError, match="was interrupted and may have arrived"):
        email_briefing(params, output_root=output_root, send=True)
    email_briefing(params, output_root=output_root, send=True, resend=True)
    assert len(handler.messages) == 2


def test_message_key_ignores_message_id_date_and_boundaries(write_params, output_root):
    params = write_params(9)
    first = email_briefing(params, output_root=output_root)
    a = email.message_from_bytes(first.eml_path.read_bytes(), policy=policy.default)
    second = email_briefing(params, output_root=output_root)
    b = email.message_from_bytes(second.eml_path.read_bytes(), policy=policy.default)
    assert a["Message-ID"] != b["Message-ID"]
    assert message_key(a, ["x@example.org"]) == message_key(b, ["x@example.org"])
    assert message_key(a, ["x@example.org"]) != message_key(a, ["y@example.org"])


# -- authentication, TLS and the password ------------------------------------------------------


@pytest.mark.parametrize("password", [ASCII_PASSWORD, PASSWORD], ids=["ascii", "thai-utf8"])
def test_login_over_plain_loopback(smtp_server, write_params, output_root, password):
    controller, handler = smtp_server(authenticator=_authenticator, auth_require_tls=False)
    outcome = email_briefing(
        write_params(controller.port, user=USER),
        output_root=output_root,
        send=True,
        environ={"ITA_SMTP_PASSWORD": password},
    )
    assert outcome.status == "sent"
    assert len(handler.messages) == 1


def test_failed_login_is_permanent_and_never_shows_the_password(
    capsys, caplog, monkeypatch, smtp_server, write_params, output_root
):
    controller, handler = smtp_server(authenticator=_authenticator, auth_require_tls=False)
    params = write_params(controller.port, user=USER, password_env="MY_SMTP_SECRET")
    monkeypatch.setenv("MY_SMTP_SECRET", PASSWORD + "-wrong")
    caplog.set_level(logging.DEBUG)
    status, out, err = run_cli(
        capsys, "-v", "email", str(params), "--output-root", str(output_root), "--send"
    )
    assert status == 1
    assert f"authentication failed for user '{USER}' at 127.0.0.1:{controller.port} (535" in err
    assert handler.messages == []
    assert "retrying" not in caplog.text  # permanent: no retry
    secret = PASSWORD + "-wrong"
    everything = out + err + caplog.text
    for path in out_dir(output_root).iterdir():
        everything += path.read_bytes().decode("utf-8", "replace")
    assert secret not in everything
    assert PASSWORD not in everything


def test_password_never_appears_after_a_successful_send(
    caplog, monkeypatch, smtp_server, write_params, output_root
):
    controller, _handler = smtp_server(authenticator=_authenticator, auth_require_tls=False)
    monkeypatch.setenv("ITA_SMTP_PASSWORD", PASSWORD)
    caplog.set_level(logging.DEBUG)
    outcome = email_briefing(
        write_params(controller.port, user=USER), output_root=output_root, send=True
    )
    assert outcome.status == "sent"
    files = b"".join(p.read_bytes() for p in out_dir(output_root).iterdir())
    assert PASSWORD.encode() not in files
    assert PASSWORD not in caplog.text
    assert PASSWORD not in repr(outcome)
    config = smtp_config(SmtpSettings(host="h", user=USER), environ={"ITA_SMTP_PASSWORD": "p4ss"})
    assert "p4ss" not in repr(config)
    assert "p4ss" not in str(config)


def test_server_replies_are_scrubbed_of_the_password(smtp_server):
    class Echo(Handler):
        async def handle_DATA(self, server, session, envelope):
            return f"550 rejected {PASSWORD}"

    controller, _ = smtp_server(Echo())
    config = SmtpConfig(host="127.0.0.1", port=controller.port, security="none", retries=0)
    config = SmtpConfig(**{**config.__dict__, "user": "", "password": PASSWORD})
    message = email.message.EmailMessage()
    message["From"] = "ita@example.org"
    message.set_content("x")
    with pytest.raises(DeliveryError) as info:
        send_message(message, config, ["a@example.org"])
    assert PASSWORD not in str(info.value)
    assert "550 rejected ***" in str(info.value)


def test_starttls_with_a_private_certificate_authority(
    smtp_server, certificate, write_params, output_root
):
    cert, server_context = certificate
    controller, handler = smtp_server(
        tls_context=server_context,
        require_starttls=True,
        authenticator=_authenticator,
    )
    outcome = email_briefing(
        write_params(controller.port, security="starttls", user=USER, ca_file=str(cert)),
        output_root=output_root,
        send=True,
        environ={"ITA_SMTP_PASSWORD": PASSWORD},
    )
    assert outcome.status == "sent"
    assert len(handler.messages) == 1


def test_implicit_tls(smtp_server, certificate, write_params, output_root):
    cert, server_context = certificate
    controller, handler = smtp_server(ssl_context=server_context)
    outcome = email_briefing(
        write_params(controller.port, security="tls", ca_file=str(cert)),
        output_root=output_root,
        send=True,
    )
    assert outcome.status == "sent"
    assert len(handler.messages) == 1


def test_an_unverifiable_certificate_is_a_permanent_error(
    smtp_server, certificate, write_params, output_root
):
    _, server_context = certificate
    controller, handler = smtp_server(ssl_context=server_context)
    with pytest.raises(DeliveryError, match="could not be verified") as info:
        email_briefing(
            write_params(controller.port, security="tls"), output_root=output_root, send=True
        )
    assert info.value.permanent
    assert handler.messages == []


def test_starttls_refused_by_a_plain_server(smtp_server, write_params, output_root):
    controller, _ = smtp_server()
    with pytest.raises(DeliveryError, match="STARTTLS extension not supported") as info:
        email_briefing(
            write_params(controller.port, security="starttls"), output_root=output_root, send=True
        )
    assert info.value.permanent


# -- bad settings: one line, exit status 2, before anything is sent ----------------------------


@pytest.mark.parametrize(
    ("smtp", "extra", "words"),
    [
        ({"user": USER}, (), "email.smtp.password_env: environment variable ITA_SMTP_PASSWORD is not set"),
        ({"host": ""}, (), "email.smtp.host: no SMTP server to send through"),
        ({"user": USER, "host": "mail.example.org"}, (), "ITA_SMTP_PASSWORD is not set"),
        ({"ca_file": "missing.pem"}, (), "email.smtp.ca_file: file not found"),
        ({}, ("--to", "not-an-address"), "command line: email.to.0: Value error, not an e-mail address"),
        ({}, ("--smtp-security", "tls", "--smtp-port", "0"), "email.smtp.port"),
    ],
)  # fmt: skip
def test_bad_settings_are_one_line_errors(capsys, write_params, output_root, smtp, extra, words):
    params = write_params(9, **smtp)
    status, _out, err = run_cli(
        capsys, "email", str(params), "--output-root", str(output_root), "--send", *extra
    )
    assert status == 2
    assert words in err
    assert err.startswith("ita: error: ")
    assert err.count("\n") == 1


def test_password_over_plain_smtp_to_another_host_is_refused(monkeypatch):
    monkeypatch.setenv("ITA_SMTP_PASSWORD", PASSWORD)
    settings = SmtpSettings(host="mail.example.org", security="none", user=USER)
    with pytest.raises(ParameterError, match="unencrypted") as info:
        smtp_config(settings)
    assert PASSWORD not in str(info.value)


def test_send_needs_recipients_and_a_sender(tmp_path):
    params = tmp_path / "p.yaml"
    params.write_text("email:\n  smtp:\n    host: 127.0.0.1\n", encoding="utf-8")
    with pytest.raises(ParameterError, match=r"email\.to: nothing to send with"):
        email_briefing(params, output_root=tmp_path, send=True)
    with pytest.raises(ParameterError, match=r"email\.sender: nothing to send with"):
        email_briefing(params, output_root=tmp_path, send=True, overrides={"to": ["a@example.org"]})


def test_command_line_overrides_the_params_file(smtp_server, write_params, output_root):
    controller, handler = smtp_server()
    params = write_params(9)  # the params file names a port nobody listens on
    outcome = email_briefing(
        params,
        output_root=output_root,
        send=True,
        overrides={
            "to": ["other@example.org"],
            "cc": None,
            "smtp": {"port": controller.port, "host": None},
        },
    )
    assert outcome.status == "sent"
    (received,) = handler.messages
    assert sorted(received.rcpt_tos) == [
        "archive@example.org",
        "audit@example.org",
        "other@example.org",
    ]


# -- the whole pipeline: a kernel makes the browser briefing -----------------------------------


@pytest.mark.slow
def test_ita_email_on_the_sample_produces_the_briefing_then_sends_it_once(
    capsys, smtp_server, write_params, output_root
):
    controller, handler = smtp_server()
    params = write_params(controller.port, briefing=False)
    argv = ("email", str(params), "--output-root", str(output_root), "--send")
    status, _out, err = run_cli(capsys, *argv)
    assert status == 0, err
    html = out_dir(output_root) / "briefing.html"
    assert html.is_file()
    status, _out, err = run_cli(capsys, *argv)
    assert status == 0
    assert "already sent" in err
    (received,) = handler.messages
    message = email.message_from_bytes(received.content, policy=policy.default)
    attachment = next(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content() == html.with_suffix(".pdf").read_bytes()
    assert html.with_suffix(".pdf").stat().st_mtime >= html.stat().st_mtime  # made from it
    html_part = next(p for p in message.walk() if p.get_content_type() == "text/html")
    assert len(html_part.get_payload()) < 100_000
    assert len(received.content) < 1_500_000
