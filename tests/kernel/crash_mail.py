"""A file-based mail backend that SIGKILLs its own worker right after the e-mail number
`O2C_TEST_KILL_AFTER_SEND` is written: the mail server has accepted it and the worker dies before
it records so, the worst moment for a duplicate (tests/kernel/test_email_once_worker.py)."""

from __future__ import annotations

import os
import signal

from django.core.mail.backends.filebased import EmailBackend as FileBackend

_sent = 0


class EmailBackend(FileBackend):
    def send_messages(self, email_messages):
        global _sent
        count = super().send_messages(email_messages)  # the file is written and closed
        _sent += count
        if _sent >= int(os.environ.get("O2C_TEST_KILL_AFTER_SEND", "0") or 10**9):
            os.kill(os.getpid(), signal.SIGKILL)
        return count
