"""Logging set-up: JSON lines in production, readable lines in development.

The session id lives in a context variable set by the connection handler, so every line
logged while serving a session — by the session, an engine or a library — carries it.
Secrets are scrubbed from every line as a last line of defence.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import sys
from typing import Literal

session_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "session_id", default=None
)

_SECRET_PATTERNS = (
    re.compile(r"(sk-[A-Za-z0-9_\-]{4})[A-Za-z0-9_\-]+"),
    re.compile(r"(?i)(authorization[\"']?\s*[:=]\s*[\"']?bearer\s+)[^\s\"',}]+"),
    re.compile(r"(?i)(api[_-]?key[\"']?\s*[:=]\s*[\"']?)[^\s\"',}]+"),
    # Resume tokens (and auth tokens in a URL): a frame or query logged at DEBUG.
    re.compile(r"(?i)(token[\"']?\s*[:=]\s*[\"']?)[A-Za-z0-9_\-.]{8,}"),
)


def redact(text: str) -> str:
    """Mask API keys and bearer tokens wherever they appear in ``text``."""
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(r"\1[redacted]", text)
    return text


class _SessionContext(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "session_id"):
            record.session_id = session_id_var.get()
        return True


class _JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "session_id": getattr(record, "session_id", None),
            "message": redact(record.getMessage()),
        }
        for key in ("engine", "outcome", "events_in", "events_out", "code"):
            if hasattr(record, key):
                line[key] = getattr(record, key)
        if record.exc_info:
            line["exc"] = redact(self.formatException(record.exc_info))
        return json.dumps(line, ensure_ascii=False)


class _TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)-7s %(name)s [%(session_id)s] %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def configure_logging(level: str, log_format: Literal["auto", "json", "text"]) -> None:
    """Route every logger (ours, uvicorn's, the SDK's) through one redacting handler.

    ``auto`` writes readable lines to a terminal and JSON lines anywhere else.
    """
    if log_format == "auto":
        log_format = "text" if sys.stderr.isatty() else "json"
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(_SessionContext())
    handler.setFormatter(_JsonFormatter() if log_format == "json" else _TextFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
