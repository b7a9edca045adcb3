"""Logging filters named in settings.LOGGING."""

import logging


class ClientErrorsWithoutTraceback(logging.Filter):
    """A page refused (403) or a bad request (400) is the visitor's business, not a bug: Django
    logs it with the exception that produced it, which prints a traceback for every refusal.
    Keep the one line (method, path, status), drop the traceback; server errors keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        if 400 <= getattr(record, "status_code", 500) < 500:
            record.exc_info = None
            record.exc_text = None
        return True
