"""Mail backends for the worker tests only: a mail server that is down, and one that stalls on
its first message so a test can kill the worker process while it sends.

The worker subprocess selects them through ``TASKFORCE_TEST_EMAIL_BACKEND`` (read by
``tests.settings``); their state lives in files, because the process that stalls is killed.
"""

from __future__ import annotations

import os
import smtplib
import time
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend

# The folder for the stall-once backend: the marker and the messages it delivers.
MAIL_DIR_ENV = "TASKFORCE_TEST_MAIL_DIR"
MARKER = "stalled.pid"


class DisconnectedBackend(BaseEmailBackend):
    """A mail server that drops every connection."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class StallOnceBackend(BaseEmailBackend):
    """The first send writes the sending process's id to a marker file and then hangs (until it
    is killed); every later send writes each message to a file of its own in the folder."""

    stall_seconds = 120

    def send_messages(self, email_messages):
        folder = Path(os.environ[MAIL_DIR_ENV])
        folder.mkdir(parents=True, exist_ok=True)
        marker = folder / MARKER
        try:
            with marker.open("x") as f:
                f.write(str(os.getpid()))
        except FileExistsError:
            pass
        else:
            time.sleep(self.stall_seconds)
            raise smtplib.SMTPServerDisconnected("stalled and was not stopped")
        for message in email_messages:
            name = f"{time.time_ns()}-{os.getpid()}.eml"
            (folder / name).write_bytes(message.message().as_bytes())
        return len(email_messages)
