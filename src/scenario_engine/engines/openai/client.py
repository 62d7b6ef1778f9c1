"""The one place that builds the SDK client.

``websockets`` and the HTTP libraries log request headers at DEBUG level, the key included;
the root log handler masks it (``observability.logs``, given ``AppConfig.secrets()``).
"""

from __future__ import annotations

from openai import AsyncOpenAI

from scenario_engine.config import AppConfig


class MissingAPIKey(ValueError):
    """The OpenAI engine was chosen without ``OPENAI_API_KEY``."""


def build_client(config: AppConfig) -> AsyncOpenAI:
    """An ``AsyncOpenAI`` bound to the configured key, base URL, timeout and retry budget.

    The SDK retries 429, 5xx, timeouts and connection errors itself (``max_retries``, with
    exponential backoff and the server's ``retry-after``), so callers add retries only for
    replies that arrive but cannot be used.
    """
    if config.openai_api_key is None or not config.openai_api_key.get_secret_value():
        raise MissingAPIKey("the openai engine needs OPENAI_API_KEY")
    key = config.openai_api_key.get_secret_value()
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
    return AsyncOpenAI(
        api_key=key or "no-key",  # the SDK insists on one; Ollama and llama.cpp ignore it
        base_url=config.llm_base_url,
        timeout=config.openai_timeout_s,
        max_retries=config.max_retries,
    )
