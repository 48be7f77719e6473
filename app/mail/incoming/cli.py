"""`flask mail receive`: the built-in SMTP receiver, for replies by email."""

from __future__ import annotations

import signal
import threading

import click
from flask import current_app
from flask.cli import AppGroup

from app.mail.incoming.smtp import start_receiver

mail_cli = AppGroup("mail", help="Receive email.")


@mail_cli.command("receive")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=int, default=None, help="Port to listen on [default: MAIL_RECEIVER_PORT].")
def receive_mail(host: str, port: int | None) -> None:
    """Receive mail for MAIL_DOMAIN over SMTP until interrupted; a job reads each email."""
    app = current_app._get_current_object()
    port = port or app.config["MAIL_RECEIVER_PORT"]
    # SIGTERM stops it as Ctrl-C does, so that the listening socket is closed cleanly.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        controller = start_receiver(app, host, port)
    except (OSError, RuntimeError) as exc:
        raise click.ClickException(f"Could not listen on {host}:{port}: {exc}") from None
    click.echo(f"Receiving mail for {app.config['MAIL_DOMAIN']} on {host}:{port}; Ctrl-C stops.")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()
    click.echo("Stopped receiving mail.")


def _interrupt(signum, frame):
    raise KeyboardInterrupt
