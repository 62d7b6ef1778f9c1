"""The one place that builds the SDK client, and keeps the API key out of every log line.

``websockets`` logs each handshake header at DEBUG level, ``Authorization: Bearer <key>``
included, and an SDK or HTTP library may one day do the same; a filter on those loggers
rewrites any record that carries the key or an Authorization header before it is emitted.
"""

from __future__ import annotations

import logging
import re

from openai import AsyncOpenAI

from scenario_engine.config import AppConfig

_WATCHED_LOGGERS = (
    "websockets",
    "websockets.client",
    "websockets.server",
    "openai",
    "httpx2",
    "httpx",
    "httpcore",
    "httpcore2",
)
_VALUE = r"[^'\"\s,;}]+"
_AUTH_HEADER = re.compile(
    rf"(authorization['\"]?\s*[:=]\s*['\"]?)({_VALUE}(\s+{_VALUE})?)", re.IGNORECASE
)
_BEARER = re.compile(rf"(bearer\s+){_VALUE}", re.IGNORECASE)
REDACTED = "[redacted]"


class RedactSecrets(logging.Filter):
    """Redacts the API key and Authorization header values from log records."""

    def __init__(self) -> None:
        super().__init__()
        self.secrets: set[str] = set()

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        text = _AUTH_HEADER.sub(lambda m: m.group(1) + REDACTED, text)
        return _BEARER.sub(lambda m: m.group(1) + REDACTED, text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = self.redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        return True


_FILTER = RedactSecrets()


class MissingAPIKey(ValueError):
    """The OpenAI engine was chosen without ``OPENAI_API_KEY``."""


def protect_secret(secret: str) -> None:
    """Redact ``secret`` (and any Authorization value) in the loggers of the network stack."""
    if secret:
        _FILTER.secrets.add(secret)
    # A logger's filters do not see its children's records: attach to every existing one.
    names = [
        name
        for name in list(logging.root.manager.loggerDict)
        if any(name == top or name.startswith(top + ".") for top in _WATCHED_LOGGERS)
    ]
    for name in {*names, *_WATCHED_LOGGERS}:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)


def build_client(config: AppConfig) -> AsyncOpenAI:
    """An ``AsyncOpenAI`` bound to the configured key, base URL, timeout and retry budget.

    The SDK retries 429, 5xx, timeouts and connection errors itself (``max_retries``, with
    exponential backoff and the server's ``retry-after``), so callers add retries only for
    replies that arrive but cannot be used.
    """
    if config.openai_api_key is None or not config.openai_api_key.get_secret_value():
        raise MissingAPIKey("the openai engine needs OPENAI_API_KEY")
    key = config.openai_api_key.get_secret_value()
    protect_secret(key)
    return AsyncOpenAI(
        api_key=key,
        base_url=config.openai_base_url,
        timeout=config.openai_timeout_s,
        max_retries=config.max_retries,
    )


def build_llm_client(config: AppConfig) -> AsyncOpenAI:
    """The LLM's client: bound to ``llm_base_url`` when one is set (a local model server needs
    no OpenAI key; ``llm_api_key`` if it wants one), else the shared OpenAI client's settings."""
    if config.llm_base_url is None:
        return build_client(config)
    secret = config.llm_api_key or config.openai_api_key
    key = secret.get_secret_value() if secret is not None else ""
    protect_secret(key)
    return AsyncOpenAI(
        api_key=key or "no-key",  # the SDK insists on one; Ollama and llama.cpp ignore it
        base_url=config.llm_base_url,
        timeout=config.openai_timeout_s,
        max_retries=config.max_retries,
    )
