"""Logging set-up: JSON lines in production, readable lines in development.

The session id lives in a context variable set by the connection handler, so every line
logged while serving a session — by the session, an engine or a library — carries it.

Secrets are scrubbed from every line by the one handler on the root logger, whatever logger
wrote it (uvicorn's access log, an HTTP library at DEBUG): the exact values configured (API
key, client token, token secret, in every encoding a client may send them) and anything shaped
like a credential (``sk-`` keys, bearer values, ``token=`` in a URL, signed session tokens).
A filter per logger name would miss the loggers a library creates later.
"""

from __future__ import annotations

import base64
import contextvars
import json
import logging
import re
import sys
from collections.abc import Iterable
from typing import Literal
from urllib.parse import quote

session_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "session_id", default=None
)

REDACTED = "[redacted]"
_VALUE = r"[^\s\"',;}&]+"
_SECRET_PATTERNS = (
    re.compile(r"(sk-[A-Za-z0-9_\-]{4})[A-Za-z0-9_\-]+"),
    re.compile(r"(?i)(authorization[\"']?\s*[:=,]\s*(?:b?[\"'])?)(?:bearer\s+)?" + _VALUE),
    re.compile(r"(?i)(bearer\s+)" + _VALUE),
    re.compile(r"(?i)(api[_-]?key[\"']?\s*[:=]\s*[\"']?)" + _VALUE),
    re.compile(r"(?i)([?&]token=)[^\s\"'&#]+"),
    re.compile(r"(\btoken\.)[A-Za-z0-9_\-]+"),  # the Sec-WebSocket-Protocol carrier
    re.compile(r"(v1\.\d+\.)[0-9a-f]+\.[0-9a-f]{64}"),  # a signed session token
    # A resume token in a frame logged at DEBUG ("token": "...", "resume_token": "...").
    re.compile(r"(?i)(token[\"']?\s*:\s*[\"']?)[A-Za-z0-9_\-]{8,}"),
)


def secret_forms(secret: str) -> set[str]:
    """``secret`` as written, percent-encoded (in a URL) and base64url (in a subprotocol)."""
    if not secret:
        return set()
    encoded = base64.urlsafe_b64encode(secret.encode()).decode().rstrip("=")
    return {secret, quote(secret, safe=""), encoded}


class Redactor:
    """Masks the exact secrets it holds, then anything shaped like a credential."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        forms: set[str] = set()
        for secret in secrets:
            forms |= secret_forms(secret)
        # Longest first, so a secret that contains another is masked whole.
        self._exact = sorted(forms, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self._exact:
            text = text.replace(secret, REDACTED)
        for pattern in _SECRET_PATTERNS:
            text = pattern.sub(r"\1" + REDACTED, text)
        return text


redact = Redactor()
"""The shape-based masking alone, for text that is not a log line."""


_CLIENT_NOISE = {
    # uvicorn closes the socket 1007, which is the whole answer; its traceback helps nobody.
    ("uvicorn.error", "Invalid UTF-8 sequence received from client."): logging.INFO,
    # asyncio, writing to a socket its client has just reset: nothing to act on.
    ("asyncio", "socket.send() raised exception."): logging.DEBUG,
}
"""Lines any client can cause at will, at the level they deserve: an operator's ERROR (and
WARNING) must mean "look at me", not "a client sent garbage"."""


class _ClientNoise(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        level = _CLIENT_NOISE.get((record.name, record.msg))
        if level is None or level >= record.levelno:
            return True
        record.levelno, record.levelname = level, logging.getLevelName(level)
        record.exc_info = record.exc_text = None
        return level >= logging.getLogger().getEffectiveLevel()


class _SessionContext(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "session_id"):
            record.session_id = session_id_var.get()
        return True


class _JsonFormatter(logging.Formatter):
    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self._redact = redactor

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "session_id": getattr(record, "session_id", None),
            "message": self._redact(record.getMessage()),
        }
        for key in ("engine", "outcome", "events_in", "events_out", "code"):
            if hasattr(record, key):
                line[key] = getattr(record, key)
        if record.exc_info:
            line["exc"] = self._redact(self.formatException(record.exc_info))
        return json.dumps(line, ensure_ascii=False)


class _TextFormatter(logging.Formatter):
    def __init__(self, redactor: Redactor) -> None:
        super().__init__("%(asctime)s %(levelname)-7s %(name)s [%(session_id)s] %(message)s")
        self._redact = redactor

    def format(self, record: logging.LogRecord) -> str:
        return self._redact(super().format(record))


def configure_logging(
    level: str, log_format: Literal["auto", "json", "text"], secrets: Iterable[str] = ()
) -> None:
    """Route every logger (ours, uvicorn's, the SDK's) through one redacting handler.

    ``secrets`` are the exact values to mask wherever they appear (``AppConfig.secrets()``).
    ``auto`` writes readable lines to a terminal and JSON lines anywhere else.
    """
    if log_format == "auto":
        log_format = "text" if sys.stderr.isatty() else "json"
    redactor = Redactor(secrets)
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(_ClientNoise())
    handler.addFilter(_SessionContext())
    handler.setFormatter(
        _JsonFormatter(redactor) if log_format == "json" else _TextFormatter(redactor)
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
