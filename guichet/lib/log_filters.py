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


class JsonFormatter(logging.Formatter):
    """One JSON object per line (`LOG_FORMAT=json`), for a log collector on several machines:
    time, level, logger, message, and the request's status and path when Django gives them.
    The standard library's json is enough; the record's other attributes are left out on
    purpose, since an `extra` could carry personal data, which only the journal may hold."""

    def format(self, record: logging.LogRecord) -> str:
        import json

        entry = {"time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
                 "level": record.levelname, "logger": record.name,
                 "message": record.getMessage()}
        status = getattr(record, "status_code", None)
        if status is not None:
            entry["status"] = status
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            entry["method"], entry["path"] = request.method, request.path
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
